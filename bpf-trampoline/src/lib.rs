//! The wasmhook eBPF trampolines, as ELF objects compiled from `bpf-trampoline/*.bpf.c`.
//!
//! Each trampoline is a tiny BPF program that reads the slot id from its `wh_cfg` map and calls
//! the wasmhook module's kfunc with its three maps `wh_m0..wh_m2` (the Wasm hook's maps 0..2).
//! The `*16` variants pass sixteen maps `wh_m0..wh_m15` (Hook ABI v2: through this CPU's map
//! table, see `trampoline16.h`); the loader picks them only for hooks that declare more than 3.
//! The loader loads them (patching the module-kfunc calls aya cannot resolve yet) and
//! `wasm2hook build` embeds them in packaged hooks.
//!
//! ```
//! assert_eq!(&wasmhook_bpf_trampoline::XDP_OBJ[..4], b"\x7fELF");
//! ```

/// The XDP trampoline: program `wasm_xdp` in section `xdp`.
pub const XDP_OBJ: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/wasm_xdp.bpf.o"));
/// The kprobe trampoline: program `wasm_kprobe` in section `kprobe`.
pub const KPROBE_OBJ: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/wasm_kprobe.bpf.o"));
/// The kretprobe trampoline: program `wasm_kretprobe` in section `kretprobe`; it runs kprobe
/// hooks at the probed function's return, with the return value readable (`kprobe_ret`).
pub const KRETPROBE_OBJ: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/wasm_kretprobe.bpf.o"));
/// The tc (sched_cls) trampoline: program `wasm_tc` in section `classifier`, attached with a tcx link.
pub const TC_OBJ: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/wasm_tc.bpf.o"));
/// Program name of the XDP trampoline (as bpftool shows it).
pub const XDP_PROG: &str = "wasm_xdp";
/// Program name of the kprobe trampoline.
pub const KPROBE_PROG: &str = "wasm_kprobe";
/// Program name of the kretprobe trampoline.
pub const KRETPROBE_PROG: &str = "wasm_kretprobe";
/// Program name of the tc trampoline.
pub const TC_PROG: &str = "wasm_tc";
/// Name of the trampolines' config map (`wh_cfg[0]` = slot id).
pub const CFG_MAP: &str = "wh_cfg";
/// The 16-map trampolines' ring buffer map: the loader binds the hook's ringbuf map here.
pub const EVENTS_MAP: &str = "wh_ev";
/// The XDP trampolines' devmap: the loader binds the hook's devmap here (`redirect_map`).
pub const DEVMAP_MAP: &str = "wh_dev";
/// Names of the maps handed to the Wasm hook as maps 0, 1, 2 (the 16-map trampolines go on
/// with [`HOOK_MAPS16`]).
pub const HOOK_MAPS: [&str; 3] = ["wh_m0", "wh_m1", "wh_m2"];
/// Names of the maps the 16-map trampolines hand to the Wasm hook as maps 0..15.
pub const HOOK_MAPS16: [&str; 16] = [
    "wh_m0", "wh_m1", "wh_m2", "wh_m3", "wh_m4", "wh_m5", "wh_m6", "wh_m7", "wh_m8", "wh_m9",
    "wh_m10", "wh_m11", "wh_m12", "wh_m13", "wh_m14", "wh_m15",
];
/// The 16-map XDP trampoline: program `wasm_xdp16` in section `xdp`; `wh_cfg[1]` = map count.
pub const XDP16_OBJ: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/wasm_xdp16.bpf.o"));
/// The 16-map kprobe trampoline: program `wasm_kprobe16` in section `kprobe`.
pub const KPROBE16_OBJ: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/wasm_kprobe16.bpf.o"));
/// The 16-map kretprobe trampoline: program `wasm_kretprob16` in section `kretprobe`.
pub const KRETPROBE16_OBJ: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/wasm_kretprobe16.bpf.o"));
/// The 16-map tc trampoline: program `wasm_tc16` in section `classifier`.
pub const TC16_OBJ: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/wasm_tc16.bpf.o"));
/// Program name of the 16-map XDP trampoline.
pub const XDP16_PROG: &str = "wasm_xdp16";
/// Program name of the 16-map kprobe trampoline.
pub const KPROBE16_PROG: &str = "wasm_kprobe16";
/// Program name of the 16-map kretprobe trampoline (BPF names are at most 15 bytes).
pub const KRETPROBE16_PROG: &str = "wasm_kretprob16";
/// Program name of the 16-map tc trampoline.
pub const TC16_PROG: &str = "wasm_tc16";
/// The classic tracepoint trampoline: program `wasm_tracepoint` in section `tracepoint`. It
/// copies `wh_cfg[2]` bytes of the trace record into a per-CPU buffer and runs the hook on it.
pub const TRACEPOINT_OBJ: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/wasm_tracepoint.bpf.o"));
/// The 16-map tracepoint trampoline: program `wasm_tp16` in section `tracepoint`.
pub const TRACEPOINT16_OBJ: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/wasm_tracepoint16.bpf.o"));
/// Program name of the tracepoint trampoline.
pub const TRACEPOINT_PROG: &str = "wasm_tracepoint";
/// Program name of the 16-map tracepoint trampoline (BPF names are at most 15 bytes).
pub const TRACEPOINT16_PROG: &str = "wasm_tp16";
/// The raw tracepoint trampoline: program `wasm_raw_tp` in section `raw_tp`. It copies
/// `wh_cfg[4]` bytes of the tracepoint's u64 arguments into the record buffer and runs the
/// tracepoint hook on them.
pub const RAW_TP_OBJ: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/wasm_raw_tp.bpf.o"));
/// The 16-map raw tracepoint trampoline: program `wasm_raw_tp16` in section `raw_tp`.
pub const RAW_TP16_OBJ: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/wasm_raw_tp16.bpf.o"));
/// Program name of the raw tracepoint trampoline.
pub const RAW_TP_PROG: &str = "wasm_raw_tp";
/// Program name of the 16-map raw tracepoint trampoline.
pub const RAW_TP16_PROG: &str = "wasm_raw_tp16";
/// The tracepoint trampolines' per-CPU record buffer (not a hook map).
pub const TP_REC_MAP: &str = "wh_rec";

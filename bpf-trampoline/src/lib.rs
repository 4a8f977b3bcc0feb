//! The wasmhook eBPF trampolines, as ELF objects compiled from `bpf-trampoline/*.bpf.c`.
//!
//! Each trampoline is a tiny BPF program that reads the slot id from its `wh_cfg` map and calls
//! the wasmhook module's kfunc with its three maps `wh_m0..wh_m2` (the Wasm hook's maps 0..2).
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
/// Names of the maps handed to the Wasm hook as maps 0, 1, 2.
pub const HOOK_MAPS: [&str; 3] = ["wh_m0", "wh_m1", "wh_m2"];

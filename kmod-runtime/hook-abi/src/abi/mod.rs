// SPDX-License-Identifier: GPL-2.0 OR MIT
//! Hook ABI v2 (v1 plus the tc hook kind and the context/kretprobe host functions): what a Wasm
//! hook imports from the `wasmhook` module, what it exports, and the
//! `/dev/wasmhook` ioctl structures, shared byte-for-byte by the kernel module and userspace.
//!
//! This file is compiled twice: by cargo as part of the `wasmhook-hook-abi` crate, and by the
//! kernel build, which includes it with `#[path]` next to the engine. So it uses `super::engine`
//! for engine types and never `crate::`. It never panics and never allocates.
//!
//! The host-function semantics live here once ([`dispatch`]) over the [`HookEnv`] trait, which
//! the kernel implements with real packets and BPF maps and `wasmload test` with user-space ones.

#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

pub mod maps;
pub mod uapi;

use super::engine::{Host, HostSig, Imports, Intrinsic, Trap, Val, ValType};

/// Version of this ABI. v2 added the tc hook kind ([`HookKind::Tc`]) and host functions
/// ([`V1_HOST_FNS`] onwards in [`HOST_FNS`]); every v1 hook is a valid v2 hook with the same
/// meaning, importing only the first [`V1_HOST_FNS`] (docs/hook-abi.md).
pub const ABI_VERSION: u32 = 2;
/// How many of [`HOST_FNS`] ABI v1 had; the ones after them are v2.
pub const V1_HOST_FNS: usize = 12;
/// The import module name every host function lives in.
pub const IMPORT_MODULE: &str = "wasmhook";
/// Entry export of an XDP hook: `(packet_len: i32) -> verdict: i32`.
pub const XDP_ENTRY: &str = "xdp";
/// Entry export of a kprobe hook: `(reserved: i32) -> i32` (the argument is 0 in v1).
pub const KPROBE_ENTRY: &str = "kprobe";
/// Entry export of a tracepoint hook: `(record_len: i32) -> i32`, where `record_len` is the bytes
/// of the trace record the hook can read with `ctx_read` (the result is ignored, as for kprobes).
pub const TRACEPOINT_ENTRY: &str = "tracepoint";
/// Most bytes of a trace record a tracepoint trampoline copies for the hook (the record's fixed
/// part plus a bounded tail for `__data_loc` data); `ctx_read` reads only inside the copy.
pub const MAX_TP_RECORD: u32 = 512;
/// Entry export of a tc (sched_cls) hook, ABI v2: `(packet_len: i32) -> verdict: i32`, where
/// `packet_len` is the whole skb's length (`skb->len`) and `pkt_len()` the bytes the hook can
/// read (the linear part, `skb_headlen`).
pub const TC_ENTRY: &str = "tc";
/// How many maps one hook can use (map indices 0..MAX_MAPS). Up to [`MAX_MAPS_V1`] run from the
/// 3-map trampolines; more (ABI v2) from the 16-map ones (`wasm_xdp16`, ...).
pub const MAX_MAPS: u32 = 16;
/// How many maps Hook ABI v1 allowed (the 3-map trampolines pass `wh_m0..wh_m2`); a hook that
/// declares more needs ABI v2.
pub const MAX_MAPS_V1: u32 = 3;
/// Longest key or value a map used from Wasm may have, in bytes.
pub const MAX_MAP_ENTRY: usize = 256;

/// XDP verdicts (the kernel's `enum xdp_action`). Wasm hooks may return 0..=3;
/// anything else is treated like a trap.
pub mod verdict {
    /// Drop and trace an exception.
    pub const ABORTED: i32 = 0;
    /// Drop the packet.
    pub const DROP: i32 = 1;
    /// Let the packet through.
    pub const PASS: i32 = 2;
    /// Bounce the packet out of the interface it came in on.
    pub const TX: i32 = 3;
    /// Send the packet to the interface a `redirect()` call named in this run, or to the devmap
    /// entry a `redirect_map()` call named (ABI v2); without either the kernel drops it as
    /// [`ABORTED`].
    pub const REDIRECT: i32 = 4;
    /// Largest devmap key `redirect_map()` takes: the verdict carries it in 21 bits
    /// (`XDP_REDIRECT | 1 << 8 | fallback << 9 | key << 11`, docs/hook-abi.md).
    pub const REDIRECT_MAP_MAX_KEY: u32 = (1 << 21) - 1;
    /// Highest verdict a Wasm XDP hook may return.
    pub const MAX_WASM: i32 = REDIRECT;
}

/// tc verdicts (the kernel's `TC_ACT_*`) a Wasm tc hook may return (ABI v2); anything else is
/// treated like a trap.
pub mod tc_verdict {
    /// Let the packet go on (`TC_ACT_OK`).
    pub const OK: i32 = 0;
    /// Drop the packet (`TC_ACT_SHOT`).
    pub const SHOT: i32 = 2;
    /// Send the packet to the interface a `redirect()` call named in this run
    /// (`TC_ACT_REDIRECT`); without one the kernel drops it as [`SHOT`].
    pub const REDIRECT: i32 = 7;
}

/// The kind of hook a Wasm module is loaded for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookKind {
    /// An XDP program: entry `xdp`.
    Xdp,
    /// A kprobe program: entry `kprobe`.
    Kprobe,
    /// A tc (sched_cls) program on an interface's ingress or egress: entry `tc` (ABI v2).
    Tc,
    /// A classic tracepoint (`BPF_PROG_TYPE_TRACEPOINT`): entry `tracepoint`, which reads the
    /// trace record with `ctx_read` (ABI v2).
    Tracepoint,
}

impl HookKind {
    /// The wire value used in [`uapi::LoadReq::hook`].
    pub const fn to_u32(self) -> u32 {
        match self {
            HookKind::Xdp => 1,
            HookKind::Kprobe => 2,
            HookKind::Tc => 3,
            HookKind::Tracepoint => 4,
        }
    }
    /// Decodes a wire value.
    pub const fn from_u32(v: u32) -> Option<HookKind> {
        match v {
            1 => Some(HookKind::Xdp),
            2 => Some(HookKind::Kprobe),
            3 => Some(HookKind::Tc),
            4 => Some(HookKind::Tracepoint),
            _ => None,
        }
    }
    /// The export the engine calls.
    pub const fn entry(self) -> &'static str {
        match self {
            HookKind::Xdp => XDP_ENTRY,
            HookKind::Kprobe => KPROBE_ENTRY,
            HookKind::Tc => TC_ENTRY,
            HookKind::Tracepoint => TRACEPOINT_ENTRY,
        }
    }
    /// Whether `v` is a verdict this hook kind may return.
    pub const fn valid_result(self, v: i32) -> bool {
        match self {
            HookKind::Xdp => v >= verdict::ABORTED && v <= verdict::MAX_WASM,
            HookKind::Kprobe | HookKind::Tracepoint => true,
            HookKind::Tc => {
                v == tc_verdict::OK || v == tc_verdict::SHOT || v == tc_verdict::REDIRECT
            }
        }
    }
    /// Whether `v` may be this hook kind's trap verdict: a valid result that needs no
    /// `redirect()` target.
    pub const fn valid_on_trap(self, v: i32) -> bool {
        self.valid_result(v)
            && !matches!(
                (self, v),
                (HookKind::Xdp, verdict::REDIRECT) | (HookKind::Tc, tc_verdict::REDIRECT)
            )
    }
    /// Whether a hook of this kind may import host function `id`. A tracepoint hook has no
    /// registers and no packet: `kprobe_arg`, `kprobe_ret` and the packet functions could only
    /// answer zeros or errors there, so the module refuses them at LOAD (read the record with
    /// `ctx_read`). Every other kind may import every host function.
    pub const fn may_import(self, id: u32) -> bool {
        match self {
            HookKind::Tracepoint => !matches!(
                id,
                id::KPROBE_ARG
                    | id::KPROBE_RET
                    | id::PKT_LEN
                    | id::PKT_READ
                    | id::PKT_WRITE
                    | id::PKT_U8
                    | id::PKT_U16
                    | id::PKT_U32
                    | id::REDIRECT
                    | id::REDIRECT_MAP
                    | id::ADJUST_HEAD
                    | id::ADJUST_TAIL
                    | id::ADJUST_META
                    | id::CSUM_REPLACE
                    | id::CSUM_L4_REPLACE
            ),
            _ => true,
        }
    }
    /// Short name, as the CLIs spell it (`xdp`, `kprobe`, `tc`).
    pub const fn name(self) -> &'static str {
        self.entry()
    }
}

/// One host function of the ABI.
#[derive(Debug)]
pub struct HostFn {
    /// Import name inside [`IMPORT_MODULE`].
    pub name: &'static str,
    /// Parameter types.
    pub params: &'static [ValType],
    /// Result types.
    pub results: &'static [ValType],
    /// One line for docs and `wasm2hook`.
    pub doc: &'static str,
}

const I32: ValType = ValType::I32;
const I64: ValType = ValType::I64;

/// Every host function, indexed by host id (the engine's import id).
pub const HOST_FNS: [HostFn; 33] = [
    HostFn { name: "pkt_len", params: &[], results: &[I32], doc: "readable packet bytes (XDP: the frame; tc: the skb's linear part; 0 in kprobes)" },
    HostFn { name: "pkt_read", params: &[I32, I32, I32], results: &[I32], doc: "pkt_read(off, dst, len): copy packet bytes into memory; len, or -1 if off+len is past the packet" },
    HostFn { name: "pkt_write", params: &[I32, I32, I32], results: &[I32], doc: "pkt_write(off, src, len): copy memory into the packet; len, or -1 if off+len is past the packet" },
    HostFn { name: "pkt_u8", params: &[I32], results: &[I32], doc: "pkt_u8(off): the byte at off, or -1 past the end" },
    HostFn { name: "pkt_u16", params: &[I32], results: &[I32], doc: "pkt_u16(off): big-endian u16 at off, or -1 past the end" },
    HostFn { name: "pkt_u32", params: &[I32], results: &[I64], doc: "pkt_u32(off): big-endian u32 at off, or -1 past the end" },
    HostFn { name: "map_lookup", params: &[I32, I32, I32], results: &[I32], doc: "map_lookup(map, key, value): copy the value for key into memory; 0, -2 (ENOENT) or -22 (EINVAL)" },
    HostFn { name: "map_update", params: &[I32, I32, I32, I64], results: &[I32], doc: "map_update(map, key, value, flags): BPF_ANY=0/NOEXIST=1/EXIST=2; 0 or -errno" },
    HostFn { name: "map_delete", params: &[I32, I32], results: &[I32], doc: "map_delete(map, key): 0 or -errno" },
    HostFn { name: "ktime_ns", params: &[], results: &[I64], doc: "monotonic clock in ns" },
    HostFn { name: "trace", params: &[I32, I32], results: &[], doc: "trace(ptr, len): a rate-limited line in the kernel log" },
    HostFn { name: "kprobe_arg", params: &[I32], results: &[I64], doc: "kprobe_arg(n): argument n (0..5) of the probed function, 0 outside kprobes" },
    // ABI v2
    HostFn { name: "kprobe_ret", params: &[], results: &[I64], doc: "the probed function's return value in a kretprobe; 0 elsewhere (v2)" },
    HostFn { name: "pid_tgid", params: &[], results: &[I64], doc: "tgid << 32 | pid of the current task (initial pid namespace) (v2)" },
    HostFn { name: "uid_gid", params: &[], results: &[I64], doc: "gid << 32 | uid of the current task (initial user namespace) (v2)" },
    HostFn { name: "comm", params: &[I32, I32], results: &[I32], doc: "comm(dst, len): the current task's name, NUL-padded, min(len, 16) bytes into memory; its length, or -22 if len < 0 (v2)" },
    HostFn { name: "cpu_id", params: &[], results: &[I32], doc: "the CPU this run is on (v2)" },
    HostFn { name: "prandom_u32", params: &[], results: &[I32], doc: "a pseudo-random u32 (not for cryptography) (v2)" },
    HostFn { name: "ktime_boot_ns", params: &[], results: &[I64], doc: "boot-time clock in ns (counts suspend) (v2)" },
    HostFn { name: "probe_read_kernel", params: &[I32, I64, I32], results: &[I32], doc: "probe_read_kernel(dst, src, len): copy len (<= 4096) kernel bytes at src, without faulting; 0, -1 (EPERM: not a kprobe hook), -14 (EFAULT: dst zeroed) or -22 (v2)" },
    HostFn { name: "map_push", params: &[I32, I32, I64], results: &[I32], doc: "map_push(map, value, flags): add value to a queue or stack (flags 0, or 2 = BPF_EXIST: replace the oldest when full) or a bloom filter (flags 0); 0 or -errno (-7 E2BIG: full, -22: not such a map) (v2)" },
    HostFn { name: "map_pop", params: &[I32, I32], results: &[I32], doc: "map_pop(map, value): take the next value out of a queue (oldest) or stack (newest) into memory; 0, -2 (ENOENT: empty) or -errno (v2)" },
    HostFn { name: "map_peek", params: &[I32, I32], results: &[I32], doc: "map_peek(map, value): a queue's or stack's next value into memory without taking it; for a bloom filter, whether value may be in it: 0 (maybe) or -2 (ENOENT: certainly not) (v2)" },
    HostFn { name: "ringbuf_output", params: &[I32, I32, I32, I64], results: &[I32], doc: "ringbuf_output(map, data, len, flags): one record of len (1..=1024) bytes for ring buffer map `map`, delivered when the run ends (at most 32 records and 4096 bytes per run); flags 0, 1 (BPF_RB_NO_WAKEUP) or 2 (BPF_RB_FORCE_WAKEUP); 0, -7 (E2BIG), -28 (ENOSPC: this run's queue is full) or -22 (v2)" },
    // Packet actions (v2)
    HostFn { name: "redirect", params: &[I32, I64], results: &[I32], doc: "redirect(ifindex, flags): the target of this run's REDIRECT verdict (XDP 4, tc 7); flags bit 0 = ingress (tc only); 0, -22 (EINVAL: ifindex 0 or above 2^23-1, bad flags) or -95 (EOPNOTSUPP: not XDP/tc) (v2)" },
    HostFn { name: "adjust_head", params: &[I32], results: &[I32], doc: "adjust_head(delta): move the XDP packet start by delta bytes (< 0: grow into the headroom, > 0: pop); 0, -22 (EINVAL: out of the headroom or below 14 bytes) or -95 (EOPNOTSUPP: not XDP) (v2)" },
    HostFn { name: "adjust_tail", params: &[I32], results: &[I32], doc: "adjust_tail(delta): move the XDP packet end by delta bytes (grown bytes are zero); 0, -22 (EINVAL: past the tailroom or below 14 bytes) or -95 (EOPNOTSUPP: not XDP, or a multi-buffer frame) (v2)" },
    HostFn { name: "adjust_meta", params: &[I32], results: &[I32], doc: "adjust_meta(delta): move the XDP metadata start by delta bytes; 0, -22 (EINVAL), -13 (EACCES: length not a multiple of 4 or above 252) or -95 (EOPNOTSUPP: not XDP or no metadata support) (v2)" },
    HostFn { name: "csum_replace", params: &[I32, I32, I32, I32], results: &[I32], doc: "csum_replace(off, from, to, size): fix the 16-bit ones' complement checksum at packet offset off after a field changed from `from` to `to` (size 2 or 4 bytes, values as pkt_u16/pkt_u32 read them), RFC 1624; 0, -22 (EINVAL: size, off+2 past the packet) or -95 (EOPNOTSUPP: no packet) (v2)" },
    HostFn { name: "csum_l4_replace", params: &[I32, I32, I32, I32], results: &[I32], doc: "csum_l4_replace(off, from, to, flags): as csum_replace for a TCP/UDP checksum; flags bits 0-3 = size (2 or 4), 0x10 = the field is in the pseudo-header, 0x20 = UDP (a 0 checksum stays 0, a result 0 becomes 0xffff); 0, -22 or -95 (v2)" },
    // Trace records (v2)
    HostFn { name: "ctx_read", params: &[I32, I32, I32], results: &[I32], doc: "ctx_read(off, dst, len): copy len bytes of the trace record at off into memory (tracepoint hooks); len, -14 (EFAULT: off+len past the copied record) or -22 (EINVAL: negative off/len, not a tracepoint hook) (v2)" },
    // Redirect through a devmap (v2)
    HostFn { name: "redirect_map", params: &[I32, I32, I64], results: &[I32], doc: "redirect_map(map, key, flags): the target of this run's XDP_REDIRECT verdict is entry `key` of devmap `map` (bpf_redirect_map); flags = the verdict when the entry is missing (0..=3: XDP_ABORTED, DROP, PASS, TX); 0, -22 (EINVAL: not a devmap, key above 2^21-1, bad flags), -1 (EPERM: a write-only map) or -95 (EOPNOTSUPP: not XDP) (v2)" },
    // Counters (v2)
    HostFn { name: "map_add", params: &[I32, I32, I32, I32, I64], results: &[I32], doc: "map_add(map, key, value, field, delta): add delta to a counter in the value for key of an array or hash map, wrapping, in place (atomic where CPUs share the element, this CPU's on per-CPU maps), inserting a zero value with the counter = delta as a hash map's new element; the counter is the whole value if its size is 4 (field 0), else the u64 at byte offset field (a multiple of 8 inside a value whose size is a multiple of 8); its new value is written to value; 0, -7 (E2BIG: array index past the end, hash map full), -1 (EPERM: a read-only or write-only map) or -22 (EINVAL: another map type, a bad field) (v2)" },
];

/// Host id of `pkt_len`, and so on: the position in [`HOST_FNS`].
pub mod id {
    #![allow(missing_docs)]
    pub const PKT_LEN: u32 = 0;
    pub const PKT_READ: u32 = 1;
    pub const PKT_WRITE: u32 = 2;
    pub const PKT_U8: u32 = 3;
    pub const PKT_U16: u32 = 4;
    pub const PKT_U32: u32 = 5;
    pub const MAP_LOOKUP: u32 = 6;
    pub const MAP_UPDATE: u32 = 7;
    pub const MAP_DELETE: u32 = 8;
    pub const KTIME_NS: u32 = 9;
    pub const TRACE: u32 = 10;
    pub const KPROBE_ARG: u32 = 11;
    // ABI v2
    pub const KPROBE_RET: u32 = 12;
    pub const PID_TGID: u32 = 13;
    pub const UID_GID: u32 = 14;
    pub const COMM: u32 = 15;
    pub const CPU_ID: u32 = 16;
    pub const PRANDOM_U32: u32 = 17;
    pub const KTIME_BOOT_NS: u32 = 18;
    pub const PROBE_READ_KERNEL: u32 = 19;
    pub const MAP_PUSH: u32 = 20;
    pub const MAP_POP: u32 = 21;
    pub const MAP_PEEK: u32 = 22;
    pub const RINGBUF_OUTPUT: u32 = 23;
    pub const REDIRECT: u32 = 24;
    pub const ADJUST_HEAD: u32 = 25;
    pub const ADJUST_TAIL: u32 = 26;
    pub const ADJUST_META: u32 = 27;
    pub const CSUM_REPLACE: u32 = 28;
    pub const CSUM_L4_REPLACE: u32 = 29;
    pub const CTX_READ: u32 = 30;
    pub const REDIRECT_MAP: u32 = 31;
    pub const MAP_ADD: u32 = 32;
}

/// `csum_l4_replace` flags (the values of `bpf_l4_csum_replace`'s).
pub mod csum_flags {
    /// Bits holding the field size (2 or 4).
    pub const SIZE_MASK: i32 = 0xf;
    /// The changed field is part of the pseudo-header (an address).
    pub const PSEUDO_HDR: i32 = 0x10;
    /// A UDP checksum: 0 means "none" and stays 0; a computed 0 is written as 0xffff.
    pub const MARK_MANGLED_0: i32 = 0x20;
}

/// The ABI version that introduced host function `id` (1 or 2), 0 for an unknown id.
pub const fn since(id: u32) -> u32 {
    if (id as usize) < V1_HOST_FNS {
        1
    } else if (id as usize) < HOST_FNS.len() {
        2
    } else {
        0
    }
}

/// Longest ring buffer record `ringbuf_output` takes.
pub const MAX_EVENT: usize = 1024;
/// Ring buffer records one run may stage.
pub const MAX_EVENTS_PER_RUN: usize = 32;
/// Bytes of ring buffer records one run may stage (each record rounded up to 8 bytes).
pub const MAX_EVENT_BYTES_PER_RUN: usize = 4096;

/// Length of a task name (`TASK_COMM_LEN`), the most `comm` copies.
pub const COMM_LEN: usize = 16;
/// Most bytes one `probe_read_kernel` copies.
pub const MAX_PROBE_READ: usize = 4096;

/// Finds the host id for an import, checking its signature. `None` = not part of the ABI.
pub fn resolve(module: &str, name: &str, params: &[ValType], results: &[ValType]) -> Option<u32> {
    if module != IMPORT_MODULE {
        return None;
    }
    let mut i = 0u32;
    for f in HOST_FNS.iter() {
        if f.name == name {
            return if f.params == params && f.results == results {
                Some(i)
            } else {
                None
            };
        }
        i = i.wrapping_add(1);
    }
    None
}

/// The engine's import resolver for hooks: every import must be a Hook ABI host function.
#[derive(Clone, Copy, Debug, Default)]
pub struct AbiImports;

impl Imports for AbiImports {
    fn resolve_func(
        &self,
        module: &str,
        name: &str,
        params: &[ValType],
        results: &[ValType],
    ) -> Option<u32> {
        resolve(module, name, params, results)
    }

    /// `pkt_u8`, `pkt_u16` and `pkt_u32` run inside the engine over [`HookEnv::packet`]
    /// (`Host::host_bytes`), with the same results as [`dispatch`] gives them.
    fn intrinsic(&self, id: u32) -> Option<Intrinsic> {
        match id {
            id::PKT_U8 => Some(Intrinsic::LoadU8),
            id::PKT_U16 => Some(Intrinsic::LoadBe16),
            id::PKT_U32 => Some(Intrinsic::LoadBe32),
            _ => None,
        }
    }
}

/// The engine's host for hooks: the Hook ABI ([`dispatch`]) over an environment.
#[derive(Debug)]
pub struct AbiHost<E>(pub E);

impl<E: HookEnv> Host for AbiHost<E> {
    fn call(
        &mut self,
        id: u32,
        mem: &mut [u8],
        args: &[Val],
        results: &mut [Val],
    ) -> Result<(), Trap> {
        dispatch(&mut self.0, id, mem, args, results)
    }

    fn fuel_cost(&mut self, id: u32, args: &[Val]) -> u64 {
        fuel_cost(id, args)
    }

    /// The hot path: the engine hands over its value-stack slots, and [`dispatch_slots`] reads
    /// and writes them directly (the import resolver checked each signature).
    fn call_slots(
        &mut self,
        id: u32,
        mem: &mut [u8],
        _sig: HostSig<'_>,
        slots: &mut [u64],
        fuel: &mut u64,
    ) -> Result<(), Trap> {
        // dispatch_slots's two halves, so that the map fast path runs without a call
        if let Some(r) = map_fast(&mut self.0, id, mem, slots, fuel) {
            return r;
        }
        dispatch_other(&mut self.0, id, mem, slots, fuel)
    }

    fn host_bytes(&mut self) -> Option<&[u8]> {
        Some(self.0.packet())
    }
}

/// What a host function costs in fuel beyond its call instruction (docs/hook-abi.md), so that
/// fuel bounds the time of a run whatever the hook asks for: one unit per
/// [`BYTES_PER_FUEL`] bytes a call copies (as requested, before it is checked), a flat
/// [`MAP_OP_FUEL`] for a map operation (the map's own work plus at most 2 × 256 bytes copied),
/// [`TRACE_FUEL`] for a trace line and [`PROBE_READ_FUEL`] for a kernel read.
pub fn fuel_cost(id: u32, args: &[Val]) -> u64 {
    let len = |i: usize| match args.get(i) {
        Some(Val::I32(n)) => *n,
        _ => 0,
    };
    cost_of(id, len)
}

/// [`fuel_cost`] with the i32 argument `i` read by `arg(i)`.
#[inline(always)]
fn cost_of(id: u32, arg: impl Fn(usize) -> i32) -> u64 {
    let len = |i: usize| u64::from(arg(i).max(0) as u32);
    match id {
        id::PKT_READ | id::PKT_WRITE => len(2) / BYTES_PER_FUEL,
        id::MAP_LOOKUP | id::MAP_UPDATE | id::MAP_DELETE | id::MAP_ADD => MAP_OP_FUEL,
        id::MAP_PUSH | id::MAP_POP | id::MAP_PEEK => MAP_OP_FUEL,
        id::RINGBUF_OUTPUT => MAP_OP_FUEL.saturating_add(len(2) / BYTES_PER_FUEL),
        id::TRACE => TRACE_FUEL.saturating_add(len(1) / BYTES_PER_FUEL),
        id::PROBE_READ_KERNEL => PROBE_READ_FUEL.saturating_add(len(2) / BYTES_PER_FUEL),
        id::CTX_READ => len(2) / BYTES_PER_FUEL,
        _ => 0,
    }
}

/// Bytes a host function may copy per unit of fuel (the engine's bulk-memory rate).
pub const BYTES_PER_FUEL: u64 = 64;
/// Fuel of one map lookup, update, delete, push, pop or peek.
pub const MAP_OP_FUEL: u64 = 16;
/// Fuel of one trace call (formatting and the rate limiter), plus its bytes.
pub const TRACE_FUEL: u64 = 16;
/// Fuel of one `probe_read_kernel`, plus its bytes: sized for the worst case, a read of an
/// unmapped kernel address, which takes a page fault and an exception-table fixup (on the order
/// of a microsecond, where a fuel unit is about a nanosecond of plain instructions).
pub const PROBE_READ_FUEL: u64 = 1024;

/// Looks a host function up by name (for error messages).
pub fn host_fn(name: &str) -> Option<&'static HostFn> {
    HOST_FNS.iter().find(|f| f.name == name)
}

/// `errno` values host functions return (negated).
pub mod errno {
    /// Not permitted (`probe_read_kernel` outside a kprobe hook).
    pub const EPERM: i32 = 1;
    /// No such entry.
    pub const ENOENT: i32 = 2;
    /// Bad address (`probe_read_kernel` of memory that is not there).
    pub const EFAULT: i32 = 14;
    /// Permission denied (`adjust_meta`: a bad metadata length).
    pub const EACCES: i32 = 13;
    /// Bad map index, bad sizes.
    pub const EINVAL: i32 = 22;
    /// Too long (a ring buffer record over [`super::MAX_EVENT`] bytes).
    pub const E2BIG: i32 = 7;
    /// No room (this run's ring buffer queue is full).
    pub const ENOSPC: i32 = 28;
    /// Operation not supported (packet actions outside their hook kind).
    pub const EOPNOTSUPP: i32 = 95;
}

/// What a hook run can touch. The kernel implements it over `struct xdp_buff`, `struct pt_regs`
/// and `struct bpf_map`; `wasmload test` over a byte buffer and in-memory maps.
pub trait HookEnv {
    /// The packet bytes (empty outside XDP). Writable: `pkt_write` changes the packet.
    fn packet(&mut self) -> &mut [u8];
    /// `(key_size, value_size)` of map `idx`, or `None` if the hook has no such map.
    fn map_sizes(&mut self, idx: u32) -> Option<(usize, usize)>;
    /// Copies the value for `key` into `value` (exactly value_size bytes). 0 or -errno.
    fn map_lookup(&mut self, idx: u32, key: &[u8], value: &mut [u8]) -> i32;
    /// 0 or -errno.
    fn map_update(&mut self, idx: u32, key: &[u8], value: &[u8], flags: u64) -> i32;
    /// 0 or -errno.
    fn map_delete(&mut self, idx: u32, key: &[u8]) -> i32;
    /// Adds `delta` (truncated to the counter's width) to the little-endian counter at byte
    /// offset `field` of the value for `key` (checked by the caller: [`counter_width`]),
    /// wrapping: in place, atomically where CPUs share the element; a hash map without `key`
    /// gets a zero value with the counter = `delta`. Writes the counter's new value into `value`
    /// (exactly its width). 0 or -errno: -E2BIG for an array index past the end or a full hash
    /// map. The default, for environments with one CPU (benchmarks, tests), is
    /// [`map_add_by_update`].
    fn map_add(&mut self, idx: u32, key: &[u8], field: usize, value: &mut [u8], delta: u64) -> i32 {
        map_add_by_update(self, idx, key, field, value, delta)
    }
    /// Monotonic nanoseconds.
    fn ktime_ns(&mut self) -> u64;
    /// A trace line (rate limiting is the environment's business).
    fn trace(&mut self, msg: &[u8]);
    /// Argument `n` of the probed function (0 outside kprobes).
    fn kprobe_arg(&mut self, n: u32) -> u64;

    // ABI v2. The task helpers describe `current`, whatever the context: in XDP (softirq) and in
    // a kprobe that fires in an interrupt that is the interrupted task, as for eBPF.

    /// The probed function's return value in a kretprobe; 0 elsewhere (entry kprobes included).
    fn kprobe_ret(&mut self) -> u64;
    /// `tgid << 32 | pid` of the current task.
    fn pid_tgid(&mut self) -> u64;
    /// `gid << 32 | uid` of the current task.
    fn uid_gid(&mut self) -> u64;
    /// The current task's name, NUL-padded.
    fn comm(&mut self) -> [u8; COMM_LEN];
    /// The CPU this run is on.
    fn cpu_id(&mut self) -> u32;
    /// A pseudo-random number.
    fn prandom_u32(&mut self) -> u32;
    /// Boot-time clock (monotonic, counting suspend), ns.
    fn ktime_boot_ns(&mut self) -> u64;
    /// Copies `dst.len()` (1..=[`MAX_PROBE_READ`]) bytes of kernel memory at `src` into `dst`
    /// without faulting: 0, `-EPERM` where the hook may not read kernel memory, `-EFAULT` (with
    /// `dst` zeroed) where the memory is not there.
    fn probe_read_kernel(&mut self, dst: &mut [u8], src: u64) -> i32;
    /// Adds `value` (exactly value_size bytes) to queue, stack or bloom filter map `idx`:
    /// 0 or -errno (-EINVAL for any other map type).
    fn map_push(&mut self, idx: u32, value: &[u8], flags: u64) -> i32;
    /// Takes the next value of queue or stack map `idx` into `value`: 0 or -errno (-ENOENT
    /// when empty, -EINVAL for any other map type).
    fn map_pop(&mut self, idx: u32, value: &mut [u8]) -> i32;
    /// Queue or stack map `idx`: copies the next value into `value` without taking it. Bloom
    /// filter: tests `value` (read, not written), 0 if it may be present, -ENOENT if not.
    /// -EINVAL for any other map type.
    fn map_peek(&mut self, idx: u32, value: &mut [u8]) -> i32;
    /// Stages `data` (1..=[`MAX_EVENT`] bytes) as one record for ring buffer map `idx`, to be
    /// delivered when the run ends: 0, -EINVAL (no such ring buffer map, bad flags), -ENOSPC
    /// (the run staged [`MAX_EVENTS_PER_RUN`] records or [`MAX_EVENT_BYTES_PER_RUN`] bytes).
    /// Environments without ring buffers (benchmarks) keep this default, -EINVAL.
    fn ringbuf_output(&mut self, idx: u32, data: &[u8], flags: u64) -> i32 {
        let _ = (idx, data, flags);
        -errno::EINVAL
    }

    // Packet actions (ABI v2). An environment without packets (kprobes, the start function,
    // user-space tests) keeps these defaults: -EOPNOTSUPP, nothing changed.

    /// Records `ifindex` (and `flags`, bit 0 = ingress) as the target of this run's redirect
    /// verdict: 0 or -errno.
    fn redirect(&mut self, _ifindex: u32, _flags: u64) -> i32 {
        -errno::EOPNOTSUPP
    }
    /// Records entry `key` of devmap `map` as the target of this run's XDP_REDIRECT verdict,
    /// `flags` the verdict if that entry is missing: 0 or -errno.
    fn redirect_map(&mut self, _map: u32, _key: u32, _flags: u64) -> i32 {
        -errno::EOPNOTSUPP
    }
    /// `bpf_xdp_adjust_head`: 0 or -errno; afterwards [`HookEnv::packet`] is the new frame.
    fn adjust_head(&mut self, _delta: i32) -> i32 {
        -errno::EOPNOTSUPP
    }
    /// `bpf_xdp_adjust_tail`: 0 or -errno; afterwards [`HookEnv::packet`] is the new frame.
    fn adjust_tail(&mut self, _delta: i32) -> i32 {
        -errno::EOPNOTSUPP
    }
    /// `bpf_xdp_adjust_meta`: 0 or -errno.
    fn adjust_meta(&mut self, _delta: i32) -> i32 {
        -errno::EOPNOTSUPP
    }
    /// Incremental checksum fix-up at packet offset `off` (`l4`: a TCP/UDP checksum with
    /// [`csum_flags`], else an IPv4 header checksum with `flags` = the field size): 0 or -errno.
    fn csum_replace(&mut self, _off: i32, _from: u32, _to: u32, _flags: i32, _l4: bool) -> i32 {
        -errno::EOPNOTSUPP
    }

    /// The trace record a tracepoint hook reads with `ctx_read` (the trampoline's bounded copy);
    /// `None` for every other hook kind, where `ctx_read` is -EINVAL.
    fn record(&mut self) -> Option<&[u8]> {
        None
    }
}

/// The ABI v2 context methods of a [`HookEnv`] with no task and no kernel memory behind it (a
/// test or benchmark environment): every value 0, `probe_read_kernel` -EPERM with `dst`
/// zeroed. Expands inside an `impl HookEnv for ...` block.
#[macro_export]
macro_rules! no_task_context {
    () => {
        fn kprobe_ret(&mut self) -> u64 {
            0
        }
        fn pid_tgid(&mut self) -> u64 {
            0
        }
        fn uid_gid(&mut self) -> u64 {
            0
        }
        fn comm(&mut self) -> [u8; $crate::COMM_LEN] {
            [0; $crate::COMM_LEN]
        }
        fn cpu_id(&mut self) -> u32 {
            0
        }
        fn prandom_u32(&mut self) -> u32 {
            0
        }
        fn ktime_boot_ns(&mut self) -> u64 {
            0
        }
        fn probe_read_kernel(&mut self, dst: &mut [u8], _src: u64) -> i32 {
            dst.fill(0);
            -$crate::errno::EPERM
        }
    };
}

/// Argument `i` of a host call, an i32 in its value-stack slot.
#[inline(always)]
fn arg_i32(slots: &[u64], i: usize) -> Result<i32, Trap> {
    match slots.get(i) {
        Some(v) => Ok(*v as u32 as i32),
        None => Err(Trap::Host(1)),
    }
}

/// Argument `i` of a host call, an i64 in its value-stack slot.
#[inline(always)]
fn arg_i64(slots: &[u64], i: usize) -> Result<i64, Trap> {
    match slots.get(i) {
        Some(v) => Ok(*v as i64),
        None => Err(Trap::Host(1)),
    }
}

/// The i32 result of a host call, into slot 0 (zero-extended, as the engine encodes i32s).
#[inline(always)]
fn ret_i32(slots: &mut [u64], v: i32) -> Result<(), Trap> {
    ret_i64(slots, i64::from(v as u32))
}

/// The i64 result of a host call, into slot 0.
#[inline(always)]
fn ret_i64(slots: &mut [u64], v: i64) -> Result<(), Trap> {
    match slots.first_mut() {
        Some(slot) => {
            *slot = v as u64;
            Ok(())
        }
        None => Err(Trap::Host(1)),
    }
}

/// Copies `src` into `dst` if their lengths are equal. Unlike `copy_from_slice` it has no panic
/// path (the kernel build rejects modules with one).
pub(super) fn copy_bytes(dst: &mut [u8], src: &[u8]) -> bool {
    if dst.len() != src.len() {
        return false;
    }
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
    true
}

/// Map lookups and updates, the host calls packet filters make most, ahead of everything else:
/// no fuel-table walk for them (their cost is the flat MAP_OP_FUEL, as `cost_of` says) and no
/// jump through the table of every function. `None` for any other `id`.
#[inline(always)]
fn map_fast<E: HookEnv>(
    env: &mut E,
    id: u32,
    mem: &mut [u8],
    slots: &mut [u64],
    fuel: &mut u64,
) -> Option<Result<(), Trap>> {
    if id != id::MAP_LOOKUP && id != id::MAP_UPDATE && id != id::MAP_ADD {
        return None;
    }
    if *fuel < MAP_OP_FUEL {
        return Some(Err(Trap::OutOfFuel));
    }
    *fuel = fuel.wrapping_sub(MAP_OP_FUEL);
    Some(map_op(env, id, mem, slots))
}

/// `map_lookup`, `map_update`, `map_delete` or `map_add` (`id`) on the call's slots, fuel
/// already charged.
#[inline(always)]
fn map_op<E: HookEnv>(env: &mut E, id: u32, mem: &mut [u8], slots: &mut [u64]) -> Result<(), Trap> {
    let map = arg_i32(slots, 0)?;
    let key_ptr = arg_i32(slots, 1)?;
    let Some((ks, vs)) = u32::try_from(map).ok().and_then(|m| env.map_sizes(m)) else {
        return ret_i32(slots, -errno::EINVAL);
    };
    if ks > MAX_MAP_ENTRY || vs > MAX_MAP_ENTRY {
        return ret_i32(slots, -errno::EINVAL);
    }
    let map = map as u32;
    let kr = mem_range(mem, key_ptr, ks)?;
    let rc = match id {
        id::MAP_LOOKUP => {
            let vr = mem_range(mem, arg_i32(slots, 2)?, vs)?;
            with_key_value(mem, kr, vr, |key, value| env.map_lookup(map, key, value))?
        }
        id::MAP_ADD => {
            let field = arg_i32(slots, 3)?;
            let delta = arg_i64(slots, 4)? as u64;
            let Some(w) = usize::try_from(field)
                .ok()
                .and_then(|f| counter_width(vs, f))
            else {
                return ret_i32(slots, -errno::EINVAL);
            };
            let vr = mem_range(mem, arg_i32(slots, 2)?, w)?;
            let field = field as usize;
            with_key_value(mem, kr, vr, |key, value| {
                env.map_add(map, key, field, value, delta)
            })?
        }
        id::MAP_UPDATE => {
            let vr = mem_range(mem, arg_i32(slots, 2)?, vs)?;
            let flags = arg_i64(slots, 3)? as u64;
            let (Some(k), Some(v)) = (mem.get(kr), mem.get(vr)) else {
                return Err(Trap::MemoryOutOfBounds);
            };
            env.map_update(map, k, v, flags)
        }
        _ => {
            let k = mem.get(kr).ok_or(Trap::MemoryOutOfBounds)?;
            env.map_delete(map, k)
        }
    };
    ret_i32(slots, rc)
}

/// `f(&mem[key], &mut mem[value])` for in-bounds ranges; where the value overlaps the key, `f`
/// gets a copy of the key (it reads the key before it writes the value).
#[inline(always)]
fn with_key_value(
    mem: &mut [u8],
    kr: core::ops::Range<usize>,
    vr: core::ops::Range<usize>,
    f: impl FnOnce(&[u8], &mut [u8]) -> i32,
) -> Result<i32, Trap> {
    if kr.end <= vr.start || vr.end <= kr.start {
        // disjoint: borrow both in place
        let (key, value) = key_and_value(mem, kr, vr)?;
        return Ok(f(key, value));
    }
    let mut key = [0u8; MAX_MAP_ENTRY];
    let ks = kr.end.wrapping_sub(kr.start);
    let (Some(k), Some(kdst)) = (mem.get(kr), key.get_mut(..ks)) else {
        return Err(Trap::MemoryOutOfBounds);
    };
    if !copy_bytes(kdst, k) {
        return Err(Trap::MemoryOutOfBounds);
    }
    let v = mem.get_mut(vr).ok_or(Trap::MemoryOutOfBounds)?;
    Ok(f(key.get(..ks).unwrap_or(&[]), v))
}

/// The width of `map_add`'s counter at byte offset `field` of a `vs`-byte value: the whole
/// value if it is 4 bytes (field 0), else a u64 at a multiple of 8 inside a value whose size is
/// a multiple of 8; `None` for any other field.
pub fn counter_width(vs: usize, field: usize) -> Option<usize> {
    match vs {
        4 if field == 0 => Some(4),
        _ if vs.is_multiple_of(8) && field.is_multiple_of(8) && field.checked_add(8)? <= vs => {
            Some(8)
        }
        _ => None,
    }
}

/// Adds `delta` (truncated to the counter's width), wrapping, to the little-endian counter
/// `c`, 4 or 8 bytes: `map_add`'s arithmetic for environments that hold map values as bytes.
/// False for any other length.
pub fn add_to_counter(c: &mut [u8], delta: u64) -> bool {
    if let Ok(v) = <&mut [u8; 8]>::try_from(&mut *c) {
        *v = u64::from_le_bytes(*v).wrapping_add(delta).to_le_bytes();
    } else if let Ok(v) = <&mut [u8; 4]>::try_from(c) {
        *v = u32::from_le_bytes(*v)
            .wrapping_add(delta as u32)
            .to_le_bytes();
    } else {
        return false;
    }
    true
}

/// [`HookEnv::map_add`] as a lookup (a missing element counts as zero), the sum and an update
/// (`BPF_ANY`): right where one CPU runs hooks, not atomic. `value` has the counter's width.
pub fn map_add_by_update<E: HookEnv + ?Sized>(
    env: &mut E,
    idx: u32,
    key: &[u8],
    field: usize,
    value: &mut [u8],
    delta: u64,
) -> i32 {
    let Some((_, vs)) = env.map_sizes(idx) else {
        return -errno::EINVAL;
    };
    let mut buf = [0u8; MAX_MAP_ENTRY];
    let Some(whole) = buf.get_mut(..vs) else {
        return -errno::EINVAL;
    };
    let rc = env.map_lookup(idx, key, whole);
    if rc == -errno::ENOENT {
        whole.fill(0);
    } else if rc != 0 {
        return rc;
    }
    let Some(c) = whole.get_mut(field..field.saturating_add(value.len())) else {
        return -errno::EINVAL;
    };
    if !add_to_counter(c, delta) {
        return -errno::EINVAL;
    }
    if !copy_bytes(value, c) {
        return -errno::EINVAL;
    }
    env.map_update(idx, key, whole, 0)
}

/// `(&mem[key], &mut mem[value])` for two disjoint in-bounds ranges.
#[inline(always)]
fn key_and_value(
    mem: &mut [u8],
    key: core::ops::Range<usize>,
    value: core::ops::Range<usize>,
) -> Result<(&[u8], &mut [u8]), Trap> {
    let oob = Trap::MemoryOutOfBounds;
    if key.end <= value.start {
        let (lo, hi) = mem.split_at_mut_checked(value.start).ok_or(oob)?;
        let vlen = value.end.wrapping_sub(value.start);
        Ok((lo.get(key).ok_or(oob)?, hi.get_mut(..vlen).ok_or(oob)?))
    } else {
        let (lo, hi) = mem.split_at_mut_checked(key.start).ok_or(oob)?;
        let klen = key.end.wrapping_sub(key.start);
        Ok((hi.get(..klen).ok_or(oob)?, lo.get_mut(value).ok_or(oob)?))
    }
}

/// `mem[ptr..ptr+len]`, or a memory-out-of-bounds trap.
fn mem_range(mem: &[u8], ptr: i32, len: usize) -> Result<core::ops::Range<usize>, Trap> {
    let start = ptr as u32 as usize;
    let end = start.checked_add(len).ok_or(Trap::MemoryOutOfBounds)?;
    if end > mem.len() {
        return Err(Trap::MemoryOutOfBounds);
    }
    Ok(start..end)
}

/// `off..off+len` inside a packet of `pkt_len` bytes, if it fits.
fn pkt_range(pkt_len: usize, off: i32, len: i32) -> Option<core::ops::Range<usize>> {
    if off < 0 || len < 0 {
        return None;
    }
    let start = off as usize;
    let end = start.checked_add(len as usize)?;
    if end > pkt_len {
        return None;
    }
    Some(start..end)
}

/// Runs host function `id` for a hook with [`Val`] arguments and results, checked against its
/// signature in [`HOST_FNS`] ([`Trap::Host`] on a mismatch or an unknown id). Charges no fuel:
/// the engine charges [`fuel_cost`] on this path. See [`dispatch_slots`].
pub fn dispatch<E: HookEnv>(
    env: &mut E,
    id: u32,
    mem: &mut [u8],
    args: &[Val],
    results: &mut [Val],
) -> Result<(), Trap> {
    let f = HOST_FNS.get(id as usize).ok_or(Trap::Host(0))?;
    if args.len() != f.params.len()
        || results.len() != f.results.len()
        || args.iter().zip(f.params).any(|(a, t)| a.ty() != *t)
    {
        return Err(Trap::Host(1));
    }
    let mut slots = [0u64; 5];
    for (s, a) in slots.iter_mut().zip(args) {
        *s = match *a {
            Val::I32(v) => u64::from(v as u32),
            Val::I64(v) => v as u64,
            _ => return Err(Trap::Host(1)),
        };
    }
    let mut no_fuel_limit = u64::MAX;
    dispatch_slots(env, id, mem, &mut slots, &mut no_fuel_limit)?;
    for ((r, t), s) in results.iter_mut().zip(f.results).zip(slots) {
        *r = match t {
            ValType::I64 => Val::I64(s as i64),
            _ => Val::I32(s as u32 as i32),
        };
    }
    Ok(())
}

/// Runs host function `id` for a hook on the engine's value-stack slots (see
/// [`Host::call_slots`]): the one implementation of Hook ABI semantics. Charges [`fuel_cost`]
/// first. Wasm-memory ranges out of bounds trap; packet ranges out of bounds return -1; map
/// errors return -errno. Never panics.
#[inline]
pub fn dispatch_slots<E: HookEnv>(
    env: &mut E,
    id: u32,
    mem: &mut [u8],
    slots: &mut [u64],
    fuel: &mut u64,
) -> Result<(), Trap> {
    match map_fast(env, id, mem, slots, fuel) {
        Some(r) => r,
        None => dispatch_other(env, id, mem, slots, fuel),
    }
}

/// [`dispatch_slots`] for every `id` but the map fast path's.
#[inline]
fn dispatch_other<E: HookEnv>(
    env: &mut E,
    id: u32,
    mem: &mut [u8],
    slots: &mut [u64],
    fuel: &mut u64,
) -> Result<(), Trap> {
    let cost = cost_of(id, |i| slots.get(i).map_or(0, |v| *v as u32 as i32));
    if cost != 0 {
        if *fuel < cost {
            return Err(Trap::OutOfFuel);
        }
        *fuel = fuel.wrapping_sub(cost);
    }
    match id {
        id::PKT_LEN => {
            let n = env.packet().len();
            ret_i32(slots, i32::try_from(n).unwrap_or(i32::MAX))
        }
        id::PKT_READ | id::PKT_WRITE => {
            let off = arg_i32(slots, 0)?;
            let ptr = arg_i32(slots, 1)?;
            let len = arg_i32(slots, 2)?;
            let pkt = env.packet();
            let Some(pr) = pkt_range(pkt.len(), off, len) else {
                return ret_i32(slots, -1);
            };
            let mr = mem_range(mem, ptr, pr.len())?;
            let (Some(p), Some(m)) = (pkt.get_mut(pr), mem.get_mut(mr)) else {
                return Err(Trap::MemoryOutOfBounds);
            };
            let copied = if id == id::PKT_READ {
                copy_bytes(m, p)
            } else {
                copy_bytes(p, m)
            };
            if !copied {
                return Err(Trap::MemoryOutOfBounds);
            }
            ret_i32(slots, len)
        }
        // (compiled calls of these run as engine intrinsics; this is the call_indirect path)
        id::PKT_U8 => {
            let v = Intrinsic::LoadU8.eval(env.packet(), arg_i32(slots, 0)?);
            ret_i32(slots, v as i32)
        }
        id::PKT_U16 => {
            let v = Intrinsic::LoadBe16.eval(env.packet(), arg_i32(slots, 0)?);
            ret_i32(slots, v as i32)
        }
        id::PKT_U32 => {
            let v = Intrinsic::LoadBe32.eval(env.packet(), arg_i32(slots, 0)?);
            ret_i64(slots, v)
        }
        id::MAP_LOOKUP | id::MAP_UPDATE | id::MAP_DELETE => map_op(env, id, mem, slots),
        id::KTIME_NS => {
            let t = env.ktime_ns();
            ret_i64(slots, t as i64)
        }
        id::TRACE => {
            let ptr = arg_i32(slots, 0)?;
            let len = arg_i32(slots, 1)?;
            let r = mem_range(mem, ptr, (len as u32).min(128) as usize)?;
            let msg = mem.get(r).ok_or(Trap::MemoryOutOfBounds)?;
            env.trace(msg);
            Ok(())
        }
        id::KPROBE_ARG => {
            let n = arg_i32(slots, 0)?;
            let v = if (0..6).contains(&n) {
                env.kprobe_arg(n as u32)
            } else {
                0
            };
            ret_i64(slots, v as i64)
        }
        // ABI v2
        id::KPROBE_RET => ret_i64(slots, env.kprobe_ret() as i64),
        id::PID_TGID => ret_i64(slots, env.pid_tgid() as i64),
        id::UID_GID => ret_i64(slots, env.uid_gid() as i64),
        id::COMM => {
            let ptr = arg_i32(slots, 0)?;
            let Ok(len) = usize::try_from(arg_i32(slots, 1)?) else {
                return ret_i32(slots, -errno::EINVAL);
            };
            let n = len.min(COMM_LEN);
            let r = mem_range(mem, ptr, n)?;
            let name = env.comm();
            let (Some(dst), Some(src)) = (mem.get_mut(r), name.get(..n)) else {
                return Err(Trap::MemoryOutOfBounds);
            };
            if !copy_bytes(dst, src) {
                return Err(Trap::MemoryOutOfBounds);
            }
            let name_len = name.iter().position(|c| *c == 0).unwrap_or(COMM_LEN);
            ret_i32(slots, name_len as i32)
        }
        id::CPU_ID => ret_i32(slots, env.cpu_id() as i32),
        id::PRANDOM_U32 => ret_i32(slots, env.prandom_u32() as i32),
        id::KTIME_BOOT_NS => ret_i64(slots, env.ktime_boot_ns() as i64),
        id::PROBE_READ_KERNEL => {
            let ptr = arg_i32(slots, 0)?;
            let src = arg_i64(slots, 1)? as u64;
            let len = arg_i32(slots, 2)?;
            let n = match usize::try_from(len) {
                Ok(n) if (1..=MAX_PROBE_READ).contains(&n) => n,
                _ => return ret_i32(slots, -errno::EINVAL),
            };
            let r = mem_range(mem, ptr, n)?;
            let dst = mem.get_mut(r).ok_or(Trap::MemoryOutOfBounds)?;
            let rc = env.probe_read_kernel(dst, src);
            ret_i32(slots, rc)
        }
        id::MAP_PUSH | id::MAP_POP | id::MAP_PEEK => {
            let map = arg_i32(slots, 0)?;
            let value_ptr = arg_i32(slots, 1)?;
            let Some((_, vs)) = u32::try_from(map).ok().and_then(|m| env.map_sizes(m)) else {
                return ret_i32(slots, -errno::EINVAL);
            };
            if vs > MAX_MAP_ENTRY {
                return ret_i32(slots, -errno::EINVAL);
            }
            let map = map as u32;
            let vr = mem_range(mem, value_ptr, vs)?;
            let rc = match id {
                id::MAP_PUSH => {
                    let flags = arg_i64(slots, 2)? as u64;
                    let v = mem.get(vr).ok_or(Trap::MemoryOutOfBounds)?;
                    env.map_push(map, v, flags)
                }
                id::MAP_POP => {
                    let v = mem.get_mut(vr).ok_or(Trap::MemoryOutOfBounds)?;
                    env.map_pop(map, v)
                }
                _ => {
                    let v = mem.get_mut(vr).ok_or(Trap::MemoryOutOfBounds)?;
                    env.map_peek(map, v)
                }
            };
            ret_i32(slots, rc)
        }
        id::RINGBUF_OUTPUT => {
            let map = arg_i32(slots, 0)?;
            let ptr = arg_i32(slots, 1)?;
            let len = arg_i32(slots, 2)?;
            let flags = arg_i64(slots, 3)? as u64;
            let n = match usize::try_from(len) {
                Ok(n) if (1..=MAX_EVENT).contains(&n) => n,
                Ok(0) | Err(_) => return ret_i32(slots, -errno::EINVAL),
                Ok(_) => return ret_i32(slots, -errno::E2BIG),
            };
            let Ok(map) = u32::try_from(map) else {
                return ret_i32(slots, -errno::EINVAL);
            };
            let r = mem_range(mem, ptr, n)?;
            let data = mem.get(r).ok_or(Trap::MemoryOutOfBounds)?;
            let rc = env.ringbuf_output(map, data, flags);
            ret_i32(slots, rc)
        }
        // Packet actions (v2): the environment checks every argument.
        id::REDIRECT => {
            let ifindex = arg_i32(slots, 0)? as u32;
            let flags = arg_i64(slots, 1)? as u64;
            let rc = env.redirect(ifindex, flags);
            ret_i32(slots, rc)
        }
        id::REDIRECT_MAP => {
            let Ok(map) = u32::try_from(arg_i32(slots, 0)?) else {
                return ret_i32(slots, -errno::EINVAL);
            };
            let key = arg_i32(slots, 1)? as u32;
            let flags = arg_i64(slots, 2)? as u64;
            let rc = env.redirect_map(map, key, flags);
            ret_i32(slots, rc)
        }
        id::ADJUST_HEAD | id::ADJUST_TAIL | id::ADJUST_META => {
            let delta = arg_i32(slots, 0)?;
            let rc = match id {
                id::ADJUST_HEAD => env.adjust_head(delta),
                id::ADJUST_TAIL => env.adjust_tail(delta),
                _ => env.adjust_meta(delta),
            };
            ret_i32(slots, rc)
        }
        id::CSUM_REPLACE | id::CSUM_L4_REPLACE => {
            let off = arg_i32(slots, 0)?;
            let from = arg_i32(slots, 1)? as u32;
            let to = arg_i32(slots, 2)? as u32;
            let flags = arg_i32(slots, 3)?;
            let rc = env.csum_replace(off, from, to, flags, id == id::CSUM_L4_REPLACE);
            ret_i32(slots, rc)
        }
        id::CTX_READ => {
            let off = arg_i32(slots, 0)?;
            let ptr = arg_i32(slots, 1)?;
            let len = arg_i32(slots, 2)?;
            if off < 0 || len < 0 {
                return ret_i32(slots, -errno::EINVAL);
            }
            let Some(rec) = env.record() else {
                return ret_i32(slots, -errno::EINVAL);
            };
            let Some(rr) = pkt_range(rec.len(), off, len) else {
                return ret_i32(slots, -errno::EFAULT);
            };
            let mr = mem_range(mem, ptr, rr.len())?;
            let (Some(src), Some(dst)) = (rec.get(rr), mem.get_mut(mr)) else {
                return Err(Trap::MemoryOutOfBounds);
            };
            if !copy_bytes(dst, src) {
                return Err(Trap::MemoryOutOfBounds);
            }
            ret_i32(slots, len)
        }
        _ => Err(Trap::Host(0)),
    }
}

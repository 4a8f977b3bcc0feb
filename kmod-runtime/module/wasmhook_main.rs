// SPDX-License-Identifier: GPL-2.0

//! wasmhook: runs WebAssembly hook programs inside the kernel, called from eBPF through kfuncs.
//!
//! Userspace (`wasmload`) opens `/dev/wasmhook` and LOADs a Wasm binary with its settings; the
//! module validates and compiles it here, in the kernel, with the wasmhook engine, instantiates it
//! once per CPU and answers with a slot id. A BPF trampoline then calls the `wasmhook_xdp`,
//! `wasmhook_tc` or `wasmhook_kprobe` kfunc (C, `wasmhook_kfunc.c`) with that slot id; the kfunc calls
//! [`wasmhook_rs_run`], which runs this CPU's instance under a fuel bound and returns its verdict.
//! The hook path never allocates, sleeps, locks or panics.

use core::{
    cell::UnsafeCell,
    ffi::{c_int, c_void},
    sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
};
use kernel::{
    alloc::{KVVec, KVec, VVec},
    fs::File,
    miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration},
    prelude::*,
    uaccess::{UserPtr, UserSlice},
};

#[allow(missing_docs, unreachable_pub, dead_code, unused_imports, clippy::all)]
#[path = "../engine/src/engine/mod.rs"]
mod engine;

#[allow(missing_docs, unreachable_pub, dead_code, unused_imports, clippy::all)]
#[path = "../hook-abi/src/abi/mod.rs"]
mod abi;

use abi::{uapi, AbiImports, HookKind};
use engine::{EntryI32, Instance, Limits, Module, Trap};

module! {
    type: WasmHookModule,
    name: "wasmhook",
    authors: ["wasmhook developers"],
    description: "Runs WebAssembly hook programs for XDP, tc and kprobes, called from eBPF via kfuncs",
    license: "GPL",
    params: {
        max_mem_mb: u32 {
            default: 512,
            description: "Memory all loaded slots may use together (code + per-CPU instances), in MiB",
        },
    },
}

/// Mirror of `struct wh_hook_ctx` in wasmhook_kfunc.c: one run's packet, registers and maps.
#[repr(C)]
struct HookCtx {
    data: *mut u8,
    data_end: *mut u8,
    regs: *mut c_void,
    /// The tc hook's `struct sk_buff` (NULL for other kinds); only C touches it.
    skb: *mut c_void,
    /// `nmaps` map pointers (`struct bpf_map **`); only C touches them.
    maps: *mut c_void,
    nmaps: u32,
    flags: u32,
    /// A 16-map run's fill token (its ring buffer records are staged under it); only C
    /// touches it.
    ev_token: u32,
    /// The XDP hook's `struct xdp_buff` (NULL otherwise); only C touches it.
    xdp: *mut c_void,
    /// The `redirect()` / `redirect_map()` target of this run; only C touches it.
    redir_ifindex: u32,
    redir_flags: u32,
    redir_map: u32,
    redir_key: u32,
}

// `WH_HOOK_CTX_SIZE` in wasmhook_abi.h, which C asserts for `struct wh_hook_ctx`.
const _: () = assert!(core::mem::size_of::<HookCtx>() == 80);

extern "C" {
    fn wasmhook_c_register() -> c_int;
    fn wasmhook_c_publish(idx: u32, slot: *mut c_void);
    fn wasmhook_c_unpublish(idx: u32);
    fn wasmhook_c_file_capable(file: *const c_void, cap: c_int) -> bool;
    fn wasmhook_c_file_euid(file: *const c_void) -> u32;
    fn wasmhook_c_lockdown_read_kernel() -> c_int;
    fn wasmhook_c_warn_ratelimit() -> bool;
    fn wasmhook_c_synchronize();
    fn wasmhook_c_nr_cpu_ids() -> u32;
    fn wasmhook_c_ktime_ns() -> u64;
    fn wasmhook_c_map_sizes(ctx: *mut HookCtx, idx: u32, ks: *mut u32, vs: *mut u32) -> c_int;
    fn wasmhook_c_map_lookup(ctx: *mut HookCtx, idx: u32, key: *const u8, klen: u32, value: *mut u8, vlen: u32)
        -> c_int;
    fn wasmhook_c_map_update(
        ctx: *mut HookCtx,
        idx: u32,
        key: *const u8,
        klen: u32,
        value: *const u8,
        vlen: u32,
        flags: u64,
    ) -> c_int;
    fn wasmhook_c_map_delete(ctx: *mut HookCtx, idx: u32, key: *const u8, klen: u32) -> c_int;
    fn wasmhook_c_map_add(
        ctx: *mut HookCtx,
        idx: u32,
        key: *const u8,
        klen: u32,
        field: u32,
        value: *mut u8,
        vlen: u32,
        delta: u64,
    ) -> c_int;
    fn wasmhook_c_map_push(ctx: *mut HookCtx, idx: u32, value: *const u8, vlen: u32, flags: u64) -> c_int;
    fn wasmhook_c_map_pop(ctx: *mut HookCtx, idx: u32, value: *mut u8, vlen: u32) -> c_int;
    fn wasmhook_c_map_peek(ctx: *mut HookCtx, idx: u32, value: *mut u8, vlen: u32) -> c_int;
    fn wasmhook_c_ringbuf_output(ctx: *mut HookCtx, idx: u32, data: *const u8, len: u32, flags: u64) -> c_int;
    fn wasmhook_c_kprobe_arg(ctx: *mut HookCtx, n: u32) -> u64;
    fn wasmhook_c_skb_make_writable(ctx: *mut HookCtx) -> c_int;
    fn wasmhook_c_redirect(ctx: *mut HookCtx, ifindex: u32, flags: u64) -> c_int;
    fn wasmhook_c_redirect_map(ctx: *mut HookCtx, idx: u32, key: u32, flags: u64) -> c_int;
    fn wasmhook_c_xdp_adjust(ctx: *mut HookCtx, which: u32, delta: c_int) -> c_int;
    fn wasmhook_c_csum(ctx: *mut HookCtx, off: c_int, from: u32, to: u32, flags: c_int, l4: bool) -> c_int;
    fn wasmhook_c_trace(slot: u32, msg: *const u8, len: u32);
    fn wasmhook_c_kprobe_ret(ctx: *mut HookCtx) -> u64;
    fn wasmhook_c_pid_tgid() -> u64;
    fn wasmhook_c_uid_gid() -> u64;
    fn wasmhook_c_comm(buf: *mut u8);
    fn wasmhook_c_cpu_id() -> u32;
    fn wasmhook_c_prandom_u32() -> u32;
    fn wasmhook_c_ktime_boot_ns() -> u64;
    fn wasmhook_c_probe_read_kernel(ctx: *mut HookCtx, dst: *mut u8, len: u32, src: u64) -> c_int;
}

/// `pr_warn!` for ioctl refusals, rate-limited: whoever holds the fd must not flood the log.
macro_rules! warn_rl {
    ($($arg:tt)*) => {
        // SAFETY: takes a spinlock-protected ratelimit state; callable from process context.
        if unsafe { wasmhook_c_warn_ratelimit() } {
            pr_warn!($($arg)*);
        }
    };
}

/// Bytes all slots hold (code + instances); at most `max_mem_mb` MiB, checked before allocating.
static CHARGED: AtomicUsize = AtomicUsize::new(0);

/// A reservation against the module-wide memory budget, returned on drop.
struct Charge(usize);

impl Charge {
    fn new(bytes: usize) -> core::result::Result<Self, Refusal> {
        let budget = (module_parameters::max_mem_mb.value() as usize).saturating_mul(1 << 20);
        let mut cur = CHARGED.load(Ordering::Relaxed);
        loop {
            let next = cur.checked_add(bytes).filter(|&n| n <= budget).ok_or_else(|| {
                refuse(ENOMEM, "the module's memory budget (max_mem_mb) is used up")
            })?;
            match CHARGED.compare_exchange_weak(cur, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return Ok(Charge(bytes)),
                Err(now) => cur = now,
            }
        }
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        CHARGED.fetch_sub(self.0, Ordering::Relaxed);
    }
}

/// A vmalloc'ed byte buffer given out as a `'static` slice; freed on drop.
///
/// The engine's `Module` and `Instance` borrow their buffers for their whole life; the slot that
/// owns both drops the borrower first (field order), then this.
struct RawBuf {
    ptr: *mut u8,
    len: usize,
    cap: usize,
}

impl RawBuf {
    fn zeroed(len: usize) -> Result<Self> {
        // Accounted to the loader's memory cgroup, like BPF programs and maps.
        let v = VVec::<u8>::from_elem(0u8, len, GFP_KERNEL_ACCOUNT)?;
        let (ptr, len, cap) = v.into_raw_parts();
        Ok(RawBuf { ptr, len, cap })
    }

    /// # Safety
    ///
    /// Call at most once; the slice must not outlive `self` (the owner drops borrowers first).
    unsafe fn take_static(&mut self) -> &'static mut [u8] {
        // SAFETY: `ptr` points to `len` initialised bytes owned by `self`; the caller promises the
        // slice is the only access and ends before `self` is dropped.
        unsafe { core::slice::from_raw_parts_mut(self.ptr, self.len) }
    }
}

impl Drop for RawBuf {
    fn drop(&mut self) {
        // SAFETY: the parts came from `VVec::into_raw_parts` and nothing borrows them any more.
        drop(unsafe { VVec::<u8>::from_raw_parts(self.ptr, self.len, self.cap) });
    }
}

/// Per-CPU counters; written only by their CPU, read by STATS.
#[derive(Default)]
struct Counters {
    runs: AtomicU64,
    traps: AtomicU64,
    out_of_fuel: AtomicU64,
    busy: AtomicU64,
    /// Runs measured (while kernel.bpf_stats_enabled was on) and their total time.
    timed_runs: AtomicU64,
    total_ns: AtomicU64,
}

fn bump(c: &AtomicU64, by: u64) {
    // Only this CPU writes, with preemption off: a plain load + store is enough.
    c.store(c.load(Ordering::Relaxed).wrapping_add(by), Ordering::Relaxed);
}

/// One CPU's instance of a slot. Cache-line aligned: CPUs never write each other's lines (busy
/// flag, counters).
#[repr(align(64))]
struct PerCpu {
    busy: AtomicBool,
    counters: Counters,
    inst: UnsafeCell<Instance<'static, 'static>>,
    _mem: RawBuf,
}

/// A loaded Wasm hook: compiled module, settings, and one instance per CPU.
struct Slot {
    /// Table index + generation (see [`SlotTable`]); set when published.
    id: u32,
    /// Effective uid (initial namespace) of the file that loaded it: who may replace/unload it.
    owner: u32,
    hook: HookKind,
    /// Whether `probe_read_kernel` may read: a kprobe hook whose loader had CAP_PERFMON (or
    /// CAP_SYS_ADMIN) under no kernel lockdown of kernel reads, decided at LOAD.
    read_kernel: bool,
    fuel: u64,
    on_trap: i32,
    mem_pages: u32,
    wasm_len: u32,
    name: [u8; uapi::NAME_LEN],
    entry: EntryI32,
    /// The module imports `pkt_write`: a tc run first makes the skb's linear part writable.
    writes_packet: bool,
    module_bytes: usize,
    instance_bytes: usize,
    /// Dropped first: the instances borrow `module`.
    cpus: KVec<PerCpu>,
    /// Boxed so its address is stable for the instances' `&'static Module`; only owned here.
    _module: KBox<Module<'static>>,
    _code: RawBuf,
    /// Returned to the budget last, when everything above is freed.
    _charge: Charge,
}

// SAFETY: a `Slot` is built and dropped in process context under `SLOTS`; while published, the
// hook path touches only `cpus[this_cpu]` with preemption disabled and its `busy` flag held, and
// everything else is immutable or atomic.
unsafe impl Send for Slot {}
// SAFETY: see `Send`: shared access is either to immutable fields, atomics, or a per-CPU
// instance guarded by preemption-off plus the `busy` flag.
unsafe impl Sync for Slot {}

/// A slice length as the C helpers take it; an impossible length (> 4 GiB) never matches a map.
fn len32(b: &[u8]) -> u32 {
    u32::try_from(b.len()).unwrap_or(u32::MAX)
}

/// The kernel side of the Hook ABI: the packet, BPF maps and registers of one run.
struct KernelEnv {
    ctx: *mut HookCtx,
    slot: u32,
    /// [`Slot::read_kernel`]; false in the start function.
    read_kernel: bool,
    /// A tracepoint hook: `data..data_end` is the trace record copy (`ctx_read`), not a packet.
    tracepoint: bool,
    /// The last map whose sizes C gave this run: its index + 1 (0: none), key and value sizes.
    /// A run's maps do not change while it runs, and hooks tend to use one map several times
    /// in a row (a lookup, then an update of the same counter).
    sized: (u32, u32, u32),
}

impl KernelEnv {
    /// `data..data_end` of this run's context, or an empty slice.
    fn data(&mut self) -> &mut [u8] {
        if self.ctx.is_null() {
            return &mut [];
        }
        // SAFETY: `ctx` is the kfunc's on-stack context, valid for the whole run.
        let ctx = unsafe { &*self.ctx };
        if ctx.data.is_null() || (ctx.data_end as usize) < (ctx.data as usize) {
            return &mut [];
        }
        let len = (ctx.data_end as usize).wrapping_sub(ctx.data as usize);
        // SAFETY: `data..data_end` is the packet of the xdp_buff or skb this run was called
        // for (in place and writable for the duration of the program), or the tracepoint
        // trampoline's per-CPU record buffer (bounded by its verifier-checked size in C).
        unsafe { core::slice::from_raw_parts_mut(ctx.data, len) }
    }
}

impl abi::HookEnv for KernelEnv {
    fn packet(&mut self) -> &mut [u8] {
        if self.tracepoint {
            return &mut [];
        }
        self.data()
    }

    fn record(&mut self) -> Option<&[u8]> {
        if !self.tracepoint {
            return None;
        }
        Some(self.data())
    }

    fn map_sizes(&mut self, idx: u32) -> Option<(usize, usize)> {
        if self.sized.0 == idx.wrapping_add(1) {
            return Some((self.sized.1 as usize, self.sized.2 as usize));
        }
        let (mut ks, mut vs) = (0u32, 0u32);
        // SAFETY: `ctx` is valid for the run; the C side checks `idx` and the map type.
        let rc = unsafe { wasmhook_c_map_sizes(self.ctx, idx, &mut ks, &mut vs) };
        if rc != 0 {
            return None;
        }
        self.sized = (idx.wrapping_add(1), ks, vs);
        Some((ks as usize, vs as usize))
    }

    // The C helpers check `key`/`value` lengths against the map (a mismatch is -EINVAL), so the
    // sizes `dispatch` already fetched are not fetched again here.
    fn map_lookup(&mut self, idx: u32, key: &[u8], value: &mut [u8]) -> i32 {
        let (kl, vl) = (len32(key), len32(value));
        // SAFETY: `ctx` is valid for the run; `key`/`value` are valid for `kl`/`vl` bytes and C
        // copies only after checking those equal the map's sizes.
        unsafe { wasmhook_c_map_lookup(self.ctx, idx, key.as_ptr(), kl, value.as_mut_ptr(), vl) }
    }

    fn map_update(&mut self, idx: u32, key: &[u8], value: &[u8], flags: u64) -> i32 {
        let (kl, vl) = (len32(key), len32(value));
        // SAFETY: as in `map_lookup`; the map reads exactly its key and value sizes.
        unsafe { wasmhook_c_map_update(self.ctx, idx, key.as_ptr(), kl, value.as_ptr(), vl, flags) }
    }

    fn map_delete(&mut self, idx: u32, key: &[u8]) -> i32 {
        // SAFETY: as in `map_lookup`; the map reads exactly its key size.
        unsafe { wasmhook_c_map_delete(self.ctx, idx, key.as_ptr(), len32(key)) }
    }

    fn map_add(&mut self, idx: u32, key: &[u8], field: usize, value: &mut [u8], delta: u64) -> i32 {
        let (kl, vl) = (len32(key), len32(value));
        let field = u32::try_from(field).unwrap_or(u32::MAX);
        // SAFETY: as in `map_lookup`: C checks the key length and the counter (`field`, and
        // `vl` its width) against the map before it reads the key or writes `vl` bytes.
        unsafe {
            wasmhook_c_map_add(self.ctx, idx, key.as_ptr(), kl, field, value.as_mut_ptr(), vl, delta)
        }
    }

    fn ktime_ns(&mut self) -> u64 {
        // SAFETY: NMI-safe clock read.
        unsafe { wasmhook_c_ktime_ns() }
    }

    fn trace(&mut self, msg: &[u8]) {
        let len = u32::try_from(msg.len()).unwrap_or(0);
        // SAFETY: `msg` is valid for `len` bytes; the C side rate-limits and bounds the print.
        unsafe { wasmhook_c_trace(self.slot, msg.as_ptr(), len) }
    }

    fn kprobe_arg(&mut self, n: u32) -> u64 {
        // SAFETY: `ctx` is valid for the run; the C side checks for a NULL `regs` and `n`.
        unsafe { wasmhook_c_kprobe_arg(self.ctx, n) }
    }

    fn kprobe_ret(&mut self) -> u64 {
        // SAFETY: `ctx` is valid for the run or NULL; the C side checks both and the flag.
        unsafe { wasmhook_c_kprobe_ret(self.ctx) }
    }

    fn pid_tgid(&mut self) -> u64 {
        // SAFETY: reads `current`, which exists in every context.
        unsafe { wasmhook_c_pid_tgid() }
    }

    fn uid_gid(&mut self) -> u64 {
        // SAFETY: reads `current`'s credentials, as bpf_get_current_uid_gid does.
        unsafe { wasmhook_c_uid_gid() }
    }

    fn comm(&mut self) -> [u8; abi::COMM_LEN] {
        let mut buf = [0u8; abi::COMM_LEN];
        // SAFETY: `buf` is TASK_COMM_LEN (16) writable bytes.
        unsafe { wasmhook_c_comm(buf.as_mut_ptr()) };
        buf
    }

    fn cpu_id(&mut self) -> u32 {
        // SAFETY: plain read of this CPU's number.
        unsafe { wasmhook_c_cpu_id() }
    }

    fn prandom_u32(&mut self) -> u32 {
        // SAFETY: a per-CPU prandom state, lock-free.
        unsafe { wasmhook_c_prandom_u32() }
    }

    fn ktime_boot_ns(&mut self) -> u64 {
        // SAFETY: NMI-safe clock read.
        unsafe { wasmhook_c_ktime_boot_ns() }
    }

    fn probe_read_kernel(&mut self, dst: &mut [u8], src: u64) -> i32 {
        if !self.read_kernel || dst.len() > abi::MAX_PROBE_READ {
            dst.fill(0);
            return -abi::errno::EPERM;
        }
        // SAFETY: `ctx` is valid for the run; `dst` is `len` (<= 4096) writable bytes; the C
        // side refuses a NULL context and reads the source without faulting.
        unsafe { wasmhook_c_probe_read_kernel(self.ctx, dst.as_mut_ptr(), len32(dst), src) }
    }

    fn map_push(&mut self, idx: u32, value: &[u8], flags: u64) -> i32 {
        // SAFETY: `ctx` is valid for the run or NULL (C refuses NULL); `value` is valid for its
        // length, which C checks equals the map's value size before the map reads it.
        unsafe { wasmhook_c_map_push(self.ctx, idx, value.as_ptr(), len32(value), flags) }
    }

    fn map_pop(&mut self, idx: u32, value: &mut [u8]) -> i32 {
        // SAFETY: as in `map_push`; the map writes exactly its value size into `value`.
        unsafe { wasmhook_c_map_pop(self.ctx, idx, value.as_mut_ptr(), len32(value)) }
    }

    fn map_peek(&mut self, idx: u32, value: &mut [u8]) -> i32 {
        // SAFETY: as in `map_pop` (a bloom filter only reads `value`).
        unsafe { wasmhook_c_map_peek(self.ctx, idx, value.as_mut_ptr(), len32(value)) }
    }

    fn ringbuf_output(&mut self, idx: u32, data: &[u8], flags: u64) -> i32 {
        // SAFETY: `ctx` is valid for the run or NULL (C refuses NULL, and runs that are not a
        // 16-map run's); `data` is valid for its length (1..=1024, which C checks again).
        unsafe { wasmhook_c_ringbuf_output(self.ctx, idx, data.as_ptr(), len32(data), flags) }
    }

    fn redirect(&mut self, ifindex: u32, flags: u64) -> i32 {
        // SAFETY: `ctx` is valid for the run or NULL (the start function); C checks both, the
        // hook kind (an XDP buffer or an skb), the ifindex and the flags.
        unsafe { wasmhook_c_redirect(self.ctx, ifindex, flags) }
    }

    fn redirect_map(&mut self, idx: u32, key: u32, flags: u64) -> i32 {
        // SAFETY: as in `redirect`; C checks the hook kind (an XDP buffer), the map index
        // against the run's maps, the map's type (a devmap), the key and the flags.
        unsafe { wasmhook_c_redirect_map(self.ctx, idx, key, flags) }
    }

    fn adjust_head(&mut self, delta: i32) -> i32 {
        // SAFETY: as in `redirect`; C applies bpf_xdp_adjust_head's bounds to the xdp_buff and
        // refreshes the context's data/data_end, which `packet()` reads on every call.
        unsafe { wasmhook_c_xdp_adjust(self.ctx, 0, delta) }
    }

    fn adjust_tail(&mut self, delta: i32) -> i32 {
        // SAFETY: as in `adjust_head` (bpf_xdp_adjust_tail's bounds).
        unsafe { wasmhook_c_xdp_adjust(self.ctx, 1, delta) }
    }

    fn adjust_meta(&mut self, delta: i32) -> i32 {
        // SAFETY: as in `adjust_head` (bpf_xdp_adjust_meta's bounds).
        unsafe { wasmhook_c_xdp_adjust(self.ctx, 2, delta) }
    }

    fn csum_replace(&mut self, off: i32, from: u32, to: u32, flags: i32, l4: bool) -> i32 {
        // SAFETY: as in `redirect`; C checks that the 2-byte field at `off` is in the packet.
        unsafe { wasmhook_c_csum(self.ctx, off, from, to, flags, l4) }
    }
}

/// The engine's host in the kernel: the Hook ABI over this run's packet, maps and registers.
type KernelHost = abi::AbiHost<KernelEnv>;

impl Slot {
    /// Runs this CPU's instance. Called by the kfunc with RCU held and preemption disabled.
    /// `timed`: measure the run time (kernel.bpf_stats_enabled is on).
    fn run(&self, cpu: u32, ctx: *mut HookCtx, arg: u32, timed: bool) -> i32 {
        let Some(pc) = self.cpus.get(cpu as usize) else {
            return self.on_trap;
        };
        if pc.busy.swap(true, Ordering::Acquire) {
            // Re-entered on this CPU (a kprobe inside a hook, an interrupt): refuse, count.
            return self.refuse_busy(cpu);
        }
        // SAFETY: NMI-safe clock read.
        let t0 = if timed { unsafe { wasmhook_c_ktime_ns() } } else { 0 };
        // A tc hook that may write gets a private copy of a cloned skb's head first (the
        // verifier's unclone prologue for tc programs); if that fails the run does not start and
        // counts as a trap.
        // SAFETY: `ctx` is the kfunc's context, valid for the run; C checks its skb.
        if self.writes_packet && self.hook == HookKind::Tc && unsafe { wasmhook_c_skb_make_writable(ctx) } != 0 {
            bump(&pc.counters.traps, 1);
            bump(&pc.counters.runs, 1);
            pc.busy.store(false, Ordering::Release);
            return self.on_trap;
        }
        // SAFETY: `busy` is held and preemption is off, so this CPU's instance is ours alone.
        let inst = unsafe { &mut *pc.inst.get() };
        let mut fuel = self.fuel;
        let mut host: KernelHost =
            abi::AbiHost(KernelEnv {
            ctx,
            slot: self.id,
            read_kernel: self.read_kernel,
            tracepoint: self.hook == HookKind::Tracepoint,
            sized: (0, 0, 0),
        });
        let verdict = match inst.call_entry(self.entry, arg as i32, &mut fuel, &mut host) {
            Ok(v) if self.hook.valid_result(v) => v,
            Ok(_) => {
                bump(&pc.counters.traps, 1);
                self.on_trap
            }
            Err(trap) => {
                if matches!(trap, Trap::OutOfFuel) {
                    bump(&pc.counters.out_of_fuel, 1);
                }
                bump(&pc.counters.traps, 1);
                self.on_trap
            }
        };
        bump(&pc.counters.runs, 1);
        if timed {
            // SAFETY: NMI-safe clock read.
            let t1 = unsafe { wasmhook_c_ktime_ns() };
            bump(&pc.counters.timed_runs, 1);
            bump(&pc.counters.total_ns, t1.wrapping_sub(t0));
        }
        pc.busy.store(false, Ordering::Release);
        verdict
    }

    /// Answers a run that must not happen (re-entry) with the trap value, counted as busy.
    fn refuse_busy(&self, cpu: u32) -> i32 {
        if let Some(pc) = self.cpus.get(cpu as usize) {
            bump(&pc.counters.busy, 1);
        }
        self.on_trap
    }

    fn info(&self) -> uapi::SlotInfo {
        uapi::SlotInfo {
            slot: self.id,
            hook: self.hook.to_u32(),
            fuel: self.fuel,
            on_trap: self.on_trap as u32,
            mem_pages: self.mem_pages,
            ncpus: u32::try_from(self.cpus.len()).unwrap_or(u32::MAX),
            wasm_len: self.wasm_len,
            module_bytes: self.module_bytes as u64,
            instance_bytes: self.instance_bytes as u64,
            name: self.name,
        }
    }

    fn stats(&self) -> uapi::Stats {
        let mut s = uapi::Stats { slot: self.id, ..Default::default() };
        for pc in self.cpus.iter() {
            let c = &pc.counters;
            s.runs = s.runs.wrapping_add(c.runs.load(Ordering::Relaxed));
            s.traps = s.traps.wrapping_add(c.traps.load(Ordering::Relaxed));
            s.out_of_fuel = s.out_of_fuel.wrapping_add(c.out_of_fuel.load(Ordering::Relaxed));
            s.busy = s.busy.wrapping_add(c.busy.load(Ordering::Relaxed));
            s.total_ns = s.total_ns.wrapping_add(c.total_ns.load(Ordering::Relaxed));
            s.timed_runs = s.timed_runs.wrapping_add(c.timed_runs.load(Ordering::Relaxed));
        }
        s
    }
}

/// `wasmhook_rs_run` flags (wasmhook_abi.h).
const RUN_TIMED: u32 = 1;
const RUN_NESTED: u32 = 2;

/// Called by the kfuncs in wasmhook_kfunc.c. Runs the slot if it is the one `id` names (same
/// generation) and of the kfunc's hook `kind`, storing the verdict; otherwise returns 1 and runs
/// nothing (the kfunc answers as for an empty slot): a kprobe program's free-form result never
/// becomes an XDP action, and a stale id never runs the program loaded after it.
///
/// # Safety
///
/// `slot` must be a pointer published with `wasmhook_c_publish` and read under `rcu_read_lock`;
/// the caller has preemption disabled and `cpu` is this CPU; `ctx` and `verdict` are valid for
/// the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasmhook_rs_run(
    slot: *const c_void,
    id: u32,
    kind: u32,
    cpu: u32,
    ctx: *mut c_void,
    arg: u32,
    flags: u32,
    verdict: *mut c_int,
) -> c_int {
    // SAFETY: per the contract above, `slot` is a live `Slot` until an RCU grace period after
    // it is unpublished, and this call is inside the read-side section.
    let slot = unsafe { &*slot.cast::<Slot>() };
    if slot.id != id || slot.hook.to_u32() != kind {
        return 1;
    }
    let v = if flags & RUN_NESTED != 0 {
        // A kprobe inside another run on this CPU: not run, counted as busy (see the C side).
        slot.refuse_busy(cpu)
    } else {
        slot.run(cpu, ctx.cast::<HookCtx>(), arg, flags & RUN_TIMED != 0)
    };
    // SAFETY: `verdict` points to the kfunc's local.
    unsafe { verdict.write(v) };
    0
}

/// Why a LOAD was refused: an errno, a message and, for Wasm errors, the byte offset.
struct Refusal {
    errno: Error,
    msg: &'static str,
    offset: Option<usize>,
}

fn refuse(errno: Error, msg: &'static str) -> Refusal {
    Refusal { errno, msg, offset: None }
}

impl From<engine::Error> for Refusal {
    fn from(e: engine::Error) -> Self {
        Refusal { errno: EINVAL, msg: e.message(), offset: Some(e.offset()) }
    }
}

/// Builds a slot from a LOAD request (process context, no lock held; may sleep and allocate).
/// Its id is set when it is published.
fn build_slot(
    hook: HookKind,
    read_kernel: bool,
    req: &uapi::LoadReq,
    wasm: &[u8],
    owner: u32,
) -> core::result::Result<KBox<Slot>, Refusal> {
    let max_fuel = match hook {
        // A kprobe may fire with interrupts off: a smaller bound on one run.
        HookKind::Kprobe | HookKind::Tracepoint => uapi::MAX_KPROBE_FUEL,
        HookKind::Xdp | HookKind::Tc => uapi::MAX_FUEL,
    };
    let fuel = match req.fuel {
        0 => uapi::DEFAULT_FUEL,
        f if f > max_fuel => return Err(refuse(EINVAL, "fuel per run above the module's maximum for this hook")),
        f => f,
    };
    let mem_pages = match req.mem_pages {
        0 => uapi::DEFAULT_MEM_PAGES,
        p if p > uapi::MAX_MEM_PAGES => return Err(refuse(E2BIG, "memory limit above the module's maximum")),
        p => p,
    };
    let on_trap = req.on_trap as i32;
    if !hook.valid_on_trap(on_trap) {
        return Err(refuse(EINVAL, "trap verdict is not a valid result for this hook"));
    }
    let limits = Limits { max_memory_pages: mem_pages, ..Limits::DEFAULT };

    let plan = engine::plan(wasm, &limits, &AbiImports)?;
    // SAFETY: plain read of a kernel variable.
    let ncpus = unsafe { wasmhook_c_nr_cpu_ids() } as usize;
    let total = ncpus.checked_mul(plan.instance_bytes).and_then(|b| b.checked_add(plan.module_bytes));
    let charge = Charge::new(total.unwrap_or(usize::MAX))?;
    let mut code = RawBuf::zeroed(plan.module_bytes).map_err(|_| refuse(ENOMEM, "out of memory for code"))?;
    // SAFETY: taken once; `module` is dropped before `code` (field order in `Slot`).
    let module = Module::compile(wasm, &limits, &AbiImports, unsafe { code.take_static() })?;
    let module = KBox::new(module, GFP_KERNEL).map_err(|_| refuse(ENOMEM, "out of memory"))?;

    let entry = module.export_func(hook.entry()).ok_or_else(|| refuse(EINVAL, "no entry export (xdp, kprobe, tc or tracepoint, as the hook kind asks)"))?;
    // Imported functions come first in the function index space.
    let mut writes_packet = false;
    let mut f = 0u32;
    while let Some(id) = module.func_host_id(f) {
        writes_packet |= matches!(id, abi::id::PKT_WRITE | abi::id::CSUM_REPLACE | abi::id::CSUM_L4_REPLACE);
        // A tracepoint has no registers and no packet: refuse what could only read zeros.
        if !hook.may_import(id) {
            return Err(refuse(EINVAL, "a tracepoint hook cannot import kprobe_arg, kprobe_ret or the packet functions (read the record with ctx_read)"));
        }
        f = f.wrapping_add(1);
    }
    let instance_bytes = module.instance_bytes();
    // SAFETY: the box's contents never move and outlive the instances (field order in `Slot`).
    let module_ref: &'static Module<'static> = unsafe { &*core::ptr::from_ref::<Module<'static>>(&*module) };
    // Type-checked once here, against the boxed module the instances run: no check per run.
    let entry = module_ref.entry_i32(entry).ok_or_else(|| refuse(EINVAL, "entry export must have type (i32) -> i32"))?;

    if instance_bytes > plan.instance_bytes {
        return Err(refuse(EINVAL, "instance larger than planned"));
    }
    let mut cpus = KVec::with_capacity(ncpus, GFP_KERNEL).map_err(|_| refuse(ENOMEM, "out of memory"))?;
    let oom = || refuse(ENOMEM, "out of memory for instances");
    let mut mem0 = RawBuf::zeroed(instance_bytes).map_err(|_| oom())?;
    let mut fuel_left = fuel;
    // The start function runs here, once, at LOAD, in process context: no packet, registers or
    // maps (the host functions see a NULL context and answer 0 / -EINVAL). The other CPUs get
    // copies of the started instance.
    let mut host = abi::AbiHost(KernelEnv {
        ctx: core::ptr::null_mut(),
        slot: 0,
        read_kernel: false,
        tracepoint: false,
        sized: (0, 0, 0),
    });
    // SAFETY: taken once; the instance is dropped before `mem0` (field order in `PerCpu`).
    let inst0 = Instance::new(module_ref, unsafe { mem0.take_static() }, &mut fuel_left, &mut host)
        .map_err(|_| refuse(EINVAL, "instantiation failed (start function or segment trapped)"))?;
    let mut copies = KVec::with_capacity(ncpus.saturating_sub(1), GFP_KERNEL).map_err(|_| oom())?;
    for _ in 1..ncpus {
        let mut mem = RawBuf::zeroed(instance_bytes).map_err(|_| oom())?;
        // SAFETY: taken once; the instance is dropped before `mem` (field order in `PerCpu`).
        let inst = inst0.duplicate(unsafe { mem.take_static() }).map_err(|_| oom())?;
        copies.push((inst, mem), GFP_KERNEL).map_err(|_| oom())?;
    }
    let per_cpu = |inst, mem| PerCpu {
        busy: AtomicBool::new(false),
        counters: Counters::default(),
        inst: UnsafeCell::new(inst),
        _mem: mem,
    };
    cpus.push(per_cpu(inst0, mem0), GFP_KERNEL).map_err(|_| oom())?;
    for (inst, mem) in copies.drain_all() {
        cpus.push(per_cpu(inst, mem), GFP_KERNEL).map_err(|_| oom())?;
    }
    let slot = Slot {
        id: 0,
        owner,
        hook,
        read_kernel,
        fuel,
        on_trap,
        mem_pages,
        wasm_len: wasm.len() as u32,
        name: req.name,
        entry,
        writes_packet,
        module_bytes: plan.module_bytes,
        instance_bytes,
        cpus,
        _module: module,
        _code: code,
        _charge: charge,
    };
    KBox::new(slot, GFP_KERNEL).map_err(|_| refuse(ENOMEM, "out of memory"))
}

/// The loaded slots. A slot id is `generation * MAX_SLOTS + index`: the generation of an index
/// grows with every fresh LOAD into it and is never 0, so an id that was unloaded (or the 0 of
/// an unconfigured trampoline) never names the program loaded after it.
struct SlotTable {
    slots: [Option<KBox<Slot>>; uapi::MAX_SLOTS as usize],
    gens: [u32; uapi::MAX_SLOTS as usize],
}

impl SlotTable {
    const fn new() -> Self {
        SlotTable { slots: [const { None }; uapi::MAX_SLOTS as usize], gens: [0; uapi::MAX_SLOTS as usize] }
    }

    /// The slot `id` names, if it is loaded with that generation.
    fn get(&self, id: u32) -> Option<&Slot> {
        match self.slots.get(index(id)) {
            Some(Some(s)) if s.id == id => Some(s),
            _ => None,
        }
    }

    /// A free index and the id of its next generation.
    fn next_free(&mut self) -> Option<(usize, u32)> {
        let i = self.slots.iter().position(|s| s.is_none())?;
        let g = self.gens.get_mut(i)?;
        // Ids stay below 2^32: after the last generation an index starts again at 1.
        *g = if *g >= u32::MAX / uapi::MAX_SLOTS { 1 } else { *g + 1 };
        Some((i, *g * uapi::MAX_SLOTS + i as u32))
    }
}

/// Table index of a slot id.
fn index(id: u32) -> usize {
    (id % uapi::MAX_SLOTS) as usize
}

kernel::sync::global_lock! {
    // SAFETY: initialised in `WasmHookModule::init` before the device exists.
    unsafe(uninit) static SLOTS: Mutex<SlotTable> = SlotTable::new();
}

/// Removes the slot at table index `idx` from the kfunc's view, waits for running hooks, then
/// frees it.
fn unpublish_and_free(table: &mut SlotTable, idx: usize) -> bool {
    let Some(entry) = table.slots.get_mut(idx) else { return false };
    let Some(slot) = entry.take() else { return false };
    // SAFETY: after this returns no CPU can still be inside `slot` (synchronize_rcu).
    unsafe { wasmhook_c_unpublish(idx as u32) };
    drop(slot);
    true
}

// Capabilities (include/uapi/linux/capability.h).
const CAP_NET_ADMIN: c_int = 12;
const CAP_SYS_ADMIN: c_int = 21;
const CAP_PERFMON: c_int = 38;
const CAP_BPF: c_int = 39;

/// Whether the opener of `file` had capability `cap` in the initial user namespace.
fn capable(file: &File, cap: c_int) -> bool {
    // SAFETY: `file` is a live open file; the C side only reads its credentials.
    unsafe { wasmhook_c_file_capable(file.as_ptr().cast::<c_void>(), cap) }
}

/// Like the kernel's `bpf_capable()`: CAP_BPF, or CAP_SYS_ADMIN which implies it.
fn bpf_capable(file: &File) -> bool {
    capable(file, CAP_BPF) || capable(file, CAP_SYS_ADMIN)
}

/// What loading a hook of `hook` kind takes on top of [`bpf_capable`], as for a BPF program of
/// that type: CAP_NET_ADMIN for XDP and tc; CAP_PERFMON for kprobes, which read kernel registers, and
/// no kernel lockdown forbidding such reads.
fn may_load(file: &File, hook: HookKind) -> core::result::Result<(), Refusal> {
    match hook {
        HookKind::Xdp if !(capable(file, CAP_NET_ADMIN) || capable(file, CAP_SYS_ADMIN)) => {
            Err(refuse(EPERM, "an XDP hook needs CAP_NET_ADMIN"))
        }
        HookKind::Tc if !(capable(file, CAP_NET_ADMIN) || capable(file, CAP_SYS_ADMIN)) => {
            Err(refuse(EPERM, "a tc hook needs CAP_NET_ADMIN"))
        }
        HookKind::Kprobe if !(capable(file, CAP_PERFMON) || capable(file, CAP_SYS_ADMIN)) => {
            Err(refuse(EPERM, "a kprobe hook needs CAP_PERFMON"))
        }
        HookKind::Tracepoint if !(capable(file, CAP_PERFMON) || capable(file, CAP_SYS_ADMIN)) => {
            Err(refuse(EPERM, "a tracepoint hook needs CAP_PERFMON"))
        }
        // SAFETY: asks the LSM layer; process context.
        HookKind::Kprobe if unsafe { wasmhook_c_lockdown_read_kernel() } != 0 => {
            Err(refuse(EPERM, "kernel lockdown forbids kprobe hooks (they read kernel registers)"))
        }
        _ => Ok(()),
    }
}

/// Whether a slot of `hook` kind LOADed through `file` may read kernel memory
/// (`probe_read_kernel`), as `bpf_probe_read_kernel` is offered: only to tracing (kprobe) hooks
/// of a loader with CAP_PERFMON (or CAP_SYS_ADMIN), and not under a kernel lockdown of kernel
/// reads. (A kprobe LOAD already needs all of that; this says so again, per slot.)
fn may_read_kernel(file: &File, hook: HookKind) -> bool {
    hook == HookKind::Kprobe
        && (capable(file, CAP_PERFMON) || capable(file, CAP_SYS_ADMIN))
        // SAFETY: asks the LSM layer; process context.
        && unsafe { wasmhook_c_lockdown_read_kernel() } == 0
}

/// The owner of a slot, or CAP_SYS_ADMIN, may replace or unload it.
fn may_change(file: &File, slot: &Slot) -> bool {
    // SAFETY: `file` is a live open file; the C side only reads its credentials.
    let uid = unsafe { wasmhook_c_file_euid(file.as_ptr().cast::<c_void>()) };
    uid == slot.owner || capable(file, CAP_SYS_ADMIN)
}

fn do_load(file: &File, arg: usize) -> Result<isize> {
    let ptr = UserPtr::from_addr(arg);
    let mut raw = [0u8; uapi::LoadReq::SIZE];
    UserSlice::new(ptr, uapi::LoadReq::SIZE).reader().read_slice(&mut raw)?;
    let mut req = uapi::LoadReq::decode(&raw);
    let len = req.wasm_len as usize;

    let answer = |req: &mut uapi::LoadReq, msg: &str, offset: Option<usize>| -> Result {
        req.err = uapi::fixed_str(msg.as_bytes());
        req.err_offset = offset.map_or(u32::MAX, |o| u32::try_from(o).unwrap_or(u32::MAX));
        UserSlice::new(ptr, uapi::LoadReq::SIZE).writer().write_slice(&req.encode())
    };
    let refused = |req: &mut uapi::LoadReq, r: Refusal| -> Result<isize> {
        match r.offset {
            Some(o) => warn_rl!("LOAD refused: {} at offset {:#x}\n", r.msg, o),
            None => warn_rl!("LOAD refused: {}\n", r.msg),
        }
        answer(req, r.msg, r.offset)?;
        Err(r.errno)
    };

    let Some(hook) = HookKind::from_u32(req.hook) else {
        return refused(&mut req, refuse(EINVAL, "unknown hook kind"));
    };
    if req.flags & !uapi::LOAD_REPLACE != 0 {
        return refused(&mut req, refuse(EINVAL, "unknown flags"));
    }
    if let Err(r) = may_load(file, hook) {
        return refused(&mut req, r);
    }
    if len == 0 || req.wasm_len > uapi::MAX_WASM_BYTES {
        return refused(&mut req, refuse(E2BIG, "wasm length out of range"));
    }
    let mut wasm = KVVec::<u8>::with_capacity(len, GFP_KERNEL_ACCOUNT)?;
    UserSlice::new(UserPtr::from_addr(req.wasm_ptr as usize), len).read_all(&mut wasm, GFP_KERNEL_ACCOUNT)?;

    // SAFETY: `file` is a live open file; the C side only reads its credentials.
    let owner = unsafe { wasmhook_c_file_euid(file.as_ptr().cast::<c_void>()) };
    // Validate, compile and instantiate without the table lock: a big module keeps only its
    // own caller waiting, and the hooks and other ioctls go on.
    let mut slot = match build_slot(hook, may_read_kernel(file, hook), &req, &wasm, owner) {
        Ok(s) => s,
        Err(r) => return refused(&mut req, r),
    };

    let mut table = SLOTS.lock();
    let (idx, id) = if req.flags & uapi::LOAD_REPLACE != 0 {
        match table.get(req.slot) {
            None => {
                drop(table);
                return refused(&mut req, refuse(ENOENT, "no such slot to replace"));
            }
            Some(old) if old.hook != hook => {
                drop(table);
                return refused(&mut req, refuse(EINVAL, "replace must keep the slot's hook kind"));
            }
            Some(old) if !may_change(file, old) => {
                drop(table);
                return refused(&mut req, refuse(EPERM, "slot belongs to another user (CAP_SYS_ADMIN may replace it)"));
            }
            Some(_) => (index(req.slot), req.slot),
        }
    } else {
        match table.next_free() {
            Some(v) => v,
            None => {
                drop(table);
                return refused(&mut req, refuse(ENOSPC, "all slots in use"));
            }
        }
    };
    slot.id = id;
    let ptr = core::ptr::from_ref::<Slot>(&*slot).cast_mut().cast::<c_void>();
    let old = table.slots.get_mut(idx).and_then(|e| e.replace(slot));
    // SAFETY: `ptr` stays valid until it is unpublished and an RCU grace period passed.
    unsafe { wasmhook_c_publish(idx as u32, ptr) };
    drop(table);
    if let Some(old) = old {
        // The new slot is already visible; wait for CPUs still running the old one.
        // SAFETY: waits for an RCU grace period; process context, may sleep.
        unsafe { wasmhook_c_synchronize() };
        drop(old);
    }
    req.slot = id;
    answer(&mut req, "", None)?;
    pr_info!("loaded slot {} ({} bytes of wasm)\n", id, len);
    Ok(0)
}

fn read_u32(arg: usize) -> Result<u32> {
    let mut b = [0u8; 4];
    UserSlice::new(UserPtr::from_addr(arg), 4).reader().read_slice(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

fn do_unload(file: &File, arg: usize) -> Result<isize> {
    let id = read_u32(arg)?;
    let mut table = SLOTS.lock();
    match table.get(id) {
        None => {
            warn_rl!("UNLOAD refused: no slot {}\n", id);
            return Err(ENOENT);
        }
        Some(s) if !may_change(file, s) => {
            warn_rl!("UNLOAD refused: slot {} belongs to another user\n", id);
            return Err(EPERM);
        }
        Some(_) => {}
    }
    unpublish_and_free(&mut table, index(id));
    pr_info!("unloaded slot {}\n", id);
    Ok(0)
}

fn do_info(arg: usize) -> Result<isize> {
    let ptr = UserPtr::from_addr(arg);
    let mut raw = [0u8; uapi::SlotInfo::SIZE];
    UserSlice::new(ptr, uapi::SlotInfo::SIZE).reader().read_slice(&mut raw)?;
    let id = uapi::SlotInfo::decode(&raw).slot;
    let info = {
        let table = SLOTS.lock();
        match table.get(id) {
            Some(s) => s.info(),
            None => return Err(ENOENT),
        }
    };
    UserSlice::new(ptr, uapi::SlotInfo::SIZE).writer().write_slice(&info.encode())?;
    Ok(0)
}

fn do_stats(arg: usize) -> Result<isize> {
    let ptr = UserPtr::from_addr(arg);
    let mut raw = [0u8; uapi::Stats::SIZE];
    UserSlice::new(ptr, uapi::Stats::SIZE).reader().read_slice(&mut raw)?;
    let id = uapi::Stats::decode(&raw).slot;
    let stats = {
        let table = SLOTS.lock();
        match table.get(id) {
            Some(s) => s.stats(),
            None => return Err(ENOENT),
        }
    };
    UserSlice::new(ptr, uapi::Stats::SIZE).writer().write_slice(&stats.encode())?;
    Ok(0)
}

fn do_list(arg: usize) -> Result<isize> {
    let mut list = uapi::List { count: 0, slots: [0; uapi::MAX_SLOTS as usize] };
    {
        let table = SLOTS.lock();
        for s in table.slots.iter().flatten() {
            if let Some(dst) = list.slots.get_mut(list.count as usize) {
                *dst = s.id;
                list.count = list.count.wrapping_add(1);
            }
        }
    }
    UserSlice::new(UserPtr::from_addr(arg), uapi::List::SIZE).writer().write_slice(&list.encode())?;
    Ok(0)
}

/// One open file of `/dev/wasmhook`; all state is global, so it carries nothing.
#[pin_data]
struct WasmHookFile {}

#[vtable]
impl MiscDevice for WasmHookFile {
    type Ptr = Pin<KBox<Self>>;

    fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Pin<KBox<Self>>> {
        KBox::try_pin_init(try_pin_init!(WasmHookFile {}), GFP_KERNEL)
    }

    fn ioctl(_me: Pin<&WasmHookFile>, file: &File, cmd: u32, arg: usize) -> Result<isize> {
        // Every command, reads included, needs what bpf() needs: CAP_BPF (or CAP_SYS_ADMIN)
        // of whoever opened the device, whoever holds the fd now.
        if !bpf_capable(file) {
            warn_rl!("ioctl {:#x} refused: the opener of /dev/wasmhook lacks CAP_BPF\n", cmd);
            return Err(EPERM);
        }
        match cmd {
            uapi::IOC_LOAD => do_load(file, arg),
            uapi::IOC_UNLOAD => do_unload(file, arg),
            uapi::IOC_INFO => do_info(arg),
            uapi::IOC_STATS => do_stats(arg),
            uapi::IOC_LIST => do_list(arg),
            _ => {
                warn_rl!("unknown ioctl {:#x}\n", cmd);
                Err(ENOTTY)
            }
        }
    }
}

#[pin_data(PinnedDrop)]
struct WasmHookModule {
    _kfuncs: (),
    #[pin]
    _dev: MiscDeviceRegistration<WasmHookFile>,
}

impl kernel::InPlaceModule for WasmHookModule {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        // SAFETY: called once, before anything can use `SLOTS`.
        unsafe { SLOTS.init() };
        // SAFETY: registers our static kfunc id sets; callable from module init.
        let rc = unsafe { wasmhook_c_register() };
        let registered = if rc == 0 { Ok(()) } else { Err(Error::from_errno(rc)) };
        let status = if rc == 0 { "ok" } else { "FAILED" };
        pr_info!("engine ready: abi v{}, {} slots, kfunc registration {}\n", abi::ABI_VERSION, uapi::MAX_SLOTS, status);
        try_pin_init!(Self {
            _kfuncs: registered?,
            _dev <- MiscDeviceRegistration::register(MiscDeviceOptions { name: c"wasmhook" }),
        })
    }
}

#[pinned_drop]
impl PinnedDrop for WasmHookModule {
    fn drop(self: Pin<&mut Self>) {
        let mut table = SLOTS.lock();
        for idx in 0..uapi::MAX_SLOTS as usize {
            unpublish_and_free(&mut table, idx);
        }
    }
}

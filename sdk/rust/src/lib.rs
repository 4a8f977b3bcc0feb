//! Write wasmhook hooks in Rust: XDP, tc, kprobe and tracepoint programs compiled to WebAssembly
//! (`wasm32v1-none`) that run inside the kernel (Hook ABI v2, `docs/hook-abi.md`; v1 hooks are
//! unchanged).
//!
//! ```
//! use wasmhook_sdk::{maps, xdp, Packet, Verdict};
//!
//! maps! {
//!     /// 1 = drop everything.
//!     policy: Array<u32, u32> [1];
//!     seen: PercpuArray<u32, u64> [1];
//! }
//!
//! xdp!(fn filter(pkt: &Packet) -> Verdict {
//!     seen.add(&0, 1);
//!     if policy.lookup(&0) == Some(1) && pkt.len() > 0 { Verdict::Drop } else { Verdict::Pass }
//! });
//! # fn main() {}
//! ```
//!
//! `maps!` defines typed handles (`policy` is map 0, `seen` map 1) and emits the `wasmhook.maps`
//! custom section that tells the loader which maps to create. `xdp!` exports `xdp(len) -> verdict`;
//! [`tc!`] exports `tc(len) -> verdict` for a tc hook ([`TcVerdict`]).
//! Build with `scripts/build-hook CRATE_DIR -o hook.wasm`, check and package with `wasm2hook`.
//!
//! On targets other than wasm32 the imports are stand-ins, so hook crates also compile for the
//! build machine; with the `mock` feature they act on a fake packet and maps ([`mock`]) for tests.
#![no_std]

#[cfg(all(not(target_arch = "wasm32"), any(test, feature = "mock")))]
extern crate std;

#[cfg(all(not(target_arch = "wasm32"), any(test, feature = "mock")))]
pub mod mock;
pub mod sys;

mod maps;
mod packet;
pub use maps::*;
pub use packet::*;

/// Version of the Hook ABI this SDK targets (v2 added tc hooks, [`task`], [`cpu_id`],
/// [`prandom_u32`], [`ktime_boot_ns`], [`probe_read_kernel`] and [`Kprobe::ret`]; a hook that
/// uses none of the new functions imports only v1 functions and loads into a v1 module).
pub const ABI_VERSION: u32 = 2;
/// How many maps a hook may declare (more than 3 needs Hook ABI v2: the loader then runs the hook
/// from a 16-map trampoline).
pub const MAX_MAPS: usize = 16;
/// Largest map key or value, in bytes.
pub const MAX_MAP_ENTRY: usize = 256;
/// Longest ring buffer record (`ringbuf_output`).
pub const MAX_EVENT: usize = 1024;

/// What an XDP hook decides for a packet (the kernel's `enum xdp_action`, 0..=3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Verdict {
    /// Drop and count as an error (`XDP_ABORTED`).
    Aborted = 0,
    /// Drop (`XDP_DROP`).
    Drop = 1,
    /// Let through (`XDP_PASS`).
    Pass = 2,
    /// Send back out of the same interface (`XDP_TX`).
    Tx = 3,
    /// v2: send to the interface named by [`redirect`], or the devmap entry named by
    /// [`DevMap::redirect`], in this run (`XDP_REDIRECT`).
    Redirect = 4,
}

impl Verdict {
    /// The wire value the entry function returns.
    pub const fn to_i32(self) -> i32 {
        self as i32
    }
    /// From a wire value.
    pub const fn from_i32(v: i32) -> Option<Verdict> {
        Some(match v {
            0 => Verdict::Aborted,
            1 => Verdict::Drop,
            2 => Verdict::Pass,
            3 => Verdict::Tx,
            4 => Verdict::Redirect,
            _ => return None,
        })
    }
}

/// What a tc hook decides for a packet (the kernel's `TC_ACT_*`; Hook ABI v2). `Redirect` needs
/// a target named with [`redirect`] in the same run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum TcVerdict {
    /// Let the packet go on (`TC_ACT_OK`).
    Ok = 0,
    /// Drop the packet (`TC_ACT_SHOT`).
    Shot = 2,
    /// v2: send to the interface named by [`redirect`] in this run (`TC_ACT_REDIRECT`).
    Redirect = 7,
}

impl TcVerdict {
    /// The wire value the entry function returns.
    pub const fn to_i32(self) -> i32 {
        self as i32
    }
    /// From a wire value (other `TC_ACT_*` values are not tc verdicts of a Wasm hook).
    pub const fn from_i32(v: i32) -> Option<TcVerdict> {
        Some(match v {
            0 => TcVerdict::Ok,
            2 => TcVerdict::Shot,
            7 => TcVerdict::Redirect,
            _ => return None,
        })
    }
}

/// Monotonic clock in nanoseconds (`bpf_ktime_get_ns`).
pub fn ktime_ns() -> u64 {
    // SAFETY: no arguments; the import has no preconditions.
    unsafe { sys::ktime_ns() as u64 }
}

/// Boot-time clock in nanoseconds, counting suspend (`bpf_ktime_get_boot_ns`). ABI v2.
pub fn ktime_boot_ns() -> u64 {
    // SAFETY: no arguments; the import has no preconditions.
    unsafe { sys::ktime_boot_ns() as u64 }
}

/// The CPU this run is on (`bpf_get_smp_processor_id`). ABI v2.
pub fn cpu_id() -> u32 {
    // SAFETY: no arguments; the import has no preconditions.
    unsafe { sys::cpu_id() as u32 }
}

/// A pseudo-random number, not for cryptography (`bpf_get_prandom_u32`). ABI v2.
pub fn prandom_u32() -> u32 {
    // SAFETY: no arguments; the import has no preconditions.
    unsafe { sys::prandom_u32() as u32 }
}

/// Most bytes one [`probe_read_kernel`] reads.
pub const MAX_PROBE_READ: usize = 4096;

/// Why a kernel read failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// This hook may not read kernel memory (only kprobe hooks may, `-EPERM`).
    NotPermitted,
    /// Nothing readable at that address (`-EFAULT`); the destination was zeroed.
    Fault,
    /// Length 0 or above [`MAX_PROBE_READ`] (`-EINVAL`).
    BadLength,
    /// Another `-errno`.
    Other(i32),
}

impl ReadError {
    fn from_rc(rc: i32) -> Result<(), ReadError> {
        match rc {
            0 => Ok(()),
            -1 => Err(ReadError::NotPermitted),
            -14 => Err(ReadError::Fault),
            -22 => Err(ReadError::BadLength),
            e => Err(ReadError::Other(e)),
        }
    }
}

/// Copies kernel memory at `addr` into `dst` without faulting (`bpf_probe_read_kernel`).
/// Kprobe hooks only (their loader has CAP_PERFMON). ABI v2.
pub fn probe_read_kernel(dst: &mut [u8], addr: u64) -> Result<(), ReadError> {
    if dst.is_empty() || dst.len() > MAX_PROBE_READ {
        return Err(ReadError::BadLength);
    }
    // SAFETY: `dst` is `len` writable bytes.
    let rc = unsafe { sys::probe_read_kernel(dst.as_mut_ptr(), addr as i64, dst.len() as i32) };
    ReadError::from_rc(rc)
}

/// Reads a `T` (a plain value: integers, arrays of them) from kernel memory at `addr`:
/// `read_kernel::<u64>(regs + 112)` is the saved `di` of a `struct pt_regs`. ABI v2.
pub fn read_kernel<T: Pod + Default>(addr: u64) -> Result<T, ReadError> {
    let mut v = T::default();
    // SAFETY: `T: Pod` has no invalid bit patterns and no padding the kernel could leak into;
    // the slice covers exactly `v`.
    let bytes = unsafe {
        core::slice::from_raw_parts_mut((&raw mut v).cast::<u8>(), core::mem::size_of::<T>())
    };
    probe_read_kernel(bytes, addr)?;
    Ok(v)
}

/// The task the hook runs on behalf of: `current` in the kernel. In a kprobe that is the task
/// that called the probed function, unless the probe fired in an interrupt; in XDP (softirq) it
/// is whichever task the packet's interrupt happened to interrupt (or `ksoftirqd`, or the idle
/// task, pid 0), as for eBPF. ABI v2.
pub mod task {
    use crate::sys;

    /// `tgid << 32 | pid` (`bpf_get_current_pid_tgid`), in the initial pid namespace.
    pub fn pid_tgid() -> u64 {
        // SAFETY: no arguments; the import has no preconditions.
        unsafe { sys::pid_tgid() as u64 }
    }
    /// The process id (user space's `getpid()`): the thread group id.
    pub fn tgid() -> u32 {
        (pid_tgid() >> 32) as u32
    }
    /// The thread id (user space's `gettid()`).
    pub fn pid() -> u32 {
        pid_tgid() as u32
    }
    /// `gid << 32 | uid` (`bpf_get_current_uid_gid`), in the initial user namespace.
    pub fn uid_gid() -> u64 {
        // SAFETY: no arguments; the import has no preconditions.
        unsafe { sys::uid_gid() as u64 }
    }
    /// The real user id.
    pub fn uid() -> u32 {
        uid_gid() as u32
    }
    /// The real group id.
    pub fn gid() -> u32 {
        (uid_gid() >> 32) as u32
    }
    /// The task's name (`comm`), NUL-padded (`bpf_get_current_comm`).
    pub fn comm() -> [u8; 16] {
        let mut b = [0u8; 16];
        // SAFETY: `b` is 16 writable bytes.
        unsafe { sys::comm(b.as_mut_ptr(), 16) };
        b
    }
    /// Whether the task's name is `name` (at most 15 bytes).
    pub fn comm_is(name: &[u8]) -> bool {
        let c = comm();
        let n = c.iter().position(|b| *b == 0).unwrap_or(16);
        c.get(..n) == Some(name)
    }
}

/// Writes a line to the kernel log (rate-limited by the kernel, cut at 128 bytes).
pub fn trace(msg: &[u8]) {
    let len = msg.len().min(128) as i32;
    // SAFETY: `msg` is `len` readable bytes.
    unsafe { sys::trace(msg.as_ptr(), len) }
}

/// A 128-byte line buffer for [`trace!`]; longer output is cut.
#[derive(Debug)]
pub struct TraceBuf {
    buf: [u8; 128],
    len: usize,
}

impl TraceBuf {
    /// An empty line.
    pub const fn new() -> Self {
        TraceBuf {
            buf: [0; 128],
            len: 0,
        }
    }
    /// The text so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Default for TraceBuf {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Write for TraceBuf {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// `trace!("dropped {} from {:x}", n, addr)`: formats into a [`TraceBuf`] and logs it.
/// (`core::fmt` adds a few KiB of code; plain [`trace`] does not.)
#[macro_export]
macro_rules! trace {
    ($($arg:tt)*) => {{
        let mut b = $crate::TraceBuf::new();
        let _ = core::fmt::Write::write_fmt(&mut b, format_args!($($arg)*));
        $crate::trace(b.as_bytes());
    }};
}

/// The context of a tracepoint hook: the trace record, as the event's format file in
/// `/sys/kernel/tracing/events/CATEGORY/NAME/format` lays it out (`wasmload attach --verbose`
/// prints it); for a hook attached with `--raw-tracepoint`, the tracepoint's arguments, u64
/// each (`rec.u64(8 * i)`). Reads are bounded by the copy the trampoline made
/// ([`Record::len`] bytes): a read past it is `None`. ABI v2.
#[derive(Debug)]
pub struct Record {
    len: u32,
}

impl Record {
    /// The record of the current run, `len` bytes long (what [`tracepoint!`] passes).
    pub const fn current(len: u32) -> Self {
        Record { len }
    }
    /// Bytes of the record the hook can read.
    pub const fn len(&self) -> u32 {
        self.len
    }
    /// Whether the hook can read nothing (the kernel could not copy the record).
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Fills `dst` from record offset `off`; `None` if that is past the record.
    pub fn read_into(&self, off: u32, dst: &mut [u8]) -> Option<()> {
        let (off, len) = (i32::try_from(off).ok()?, i32::try_from(dst.len()).ok()?);
        // SAFETY: `dst` is valid for `len` writable bytes.
        let rc = unsafe { sys::ctx_read(off, dst.as_mut_ptr(), len) };
        (rc == len).then_some(())
    }
    /// `N` bytes at `off`.
    pub fn bytes<const N: usize>(&self, off: u32) -> Option<[u8; N]> {
        let mut b = [0u8; N];
        self.read_into(off, &mut b)?;
        Some(b)
    }
    /// A native-endian (little-endian) u32 field, such as `pid_t pid`.
    pub fn u32(&self, off: u32) -> Option<u32> {
        self.bytes(off).map(u32::from_le_bytes)
    }
    /// A native-endian i32 field.
    pub fn i32(&self, off: u32) -> Option<i32> {
        self.bytes(off).map(i32::from_le_bytes)
    }
    /// A native-endian u64 field.
    pub fn u64(&self, off: u32) -> Option<u64> {
        self.bytes(off).map(u64::from_le_bytes)
    }
    /// The string of the `__data_loc char[]` field at `off` (a u32 of `len << 16 | offset`)
    /// into `dst`, NUL-padded and cut to `dst.len() - 1` bytes so it stays NUL-terminated; its
    /// length without the NUL. `None` if the field or its data is past the copy.
    pub fn data_loc_str(&self, off: u32, dst: &mut [u8]) -> Option<usize> {
        let loc = self.u32(off)?;
        dst.fill(0);
        let at = loc & 0xffff;
        let n = ((loc >> 16) as usize).min(dst.len().saturating_sub(1));
        self.read_into(at, &mut dst[..n])?;
        Some(dst[..n].iter().position(|c| *c == 0).unwrap_or(n))
    }
}

/// The context of a kprobe hook: the probed function's arguments.
#[derive(Debug)]
pub struct Kprobe {
    _private: (),
}

impl Kprobe {
    /// The context of the current run (what [`kprobe!`] passes).
    pub const fn current() -> Self {
        Kprobe { _private: () }
    }
    /// Argument `n` (0..=5) of the probed function; 0 for other `n` or outside kprobes.
    /// (In a kretprobe the argument registers are clobbered: use an entry kprobe for them.)
    pub fn arg(&self, n: u32) -> u64 {
        if n > 5 {
            return 0;
        }
        // SAFETY: the import has no preconditions.
        unsafe { sys::kprobe_arg(n as i32) as u64 }
    }
    /// The probed function's return value, attached with `--kretprobe`; 0 in entry kprobes.
    /// ABI v2.
    pub fn ret(&self) -> u64 {
        // SAFETY: the import has no preconditions.
        unsafe { sys::kprobe_ret() as u64 }
    }
    /// The return value of a function returning `long` (or a pointer) as a signed number:
    /// a negative errno for most failing kernel calls.
    pub fn ret_i64(&self) -> i64 {
        self.ret() as i64
    }
    /// The return value of a function returning `int`: only the low 32 bits of the return
    /// register are defined then (the upper ones may be anything), as with `PT_REGS_RC` cast to
    /// `int` in BPF C.
    pub fn ret_i32(&self) -> i32 {
        self.ret() as u32 as i32
    }
}

/// Defines the XDP entry: `xdp!(fn name(pkt: &Packet) -> Verdict { ... })` (or `&mut Packet`
/// to write the packet). Exports `xdp(len: i32) -> i32` as Hook ABI v1 asks.
#[macro_export]
macro_rules! xdp {
    ($(#[$m:meta])* fn $name:ident ($pkt:ident : $pty:ty) -> $rty:ty $body:block) => {
        $(#[$m])*
        fn $name($pkt: $pty) -> $rty $body

        /// Hook ABI v1 XDP entry: packet length in, verdict out.
        #[unsafe(no_mangle)]
        pub extern "C" fn xdp(len: i32) -> i32 {
            let mut pkt = $crate::Packet::from_entry(len);
            $crate::Verdict::to_i32($name(&mut pkt))
        }
    };
}

/// Defines the tc entry (Hook ABI v2): `tc!(fn name(pkt: &Packet, wire_len: u32) -> TcVerdict
/// { ... })` (or `&mut Packet` to write the packet). Exports `tc(len: i32) -> i32`.
///
/// `pkt` is the packet from the Ethernet header on, as far as the hook can read it (the skb's
/// linear part: `pkt.len()` may be less than the packet); `wire_len` is the whole packet's
/// length (`skb->len`), what byte counters want.
///
/// ```
/// use wasmhook_sdk::{tc, Packet, TcVerdict};
/// tc!(fn drop_big(pkt: &Packet, wire_len: u32) -> TcVerdict {
///     if wire_len > 1000 && !pkt.is_empty() { TcVerdict::Shot } else { TcVerdict::Ok }
/// });
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! tc {
    ($(#[$m:meta])* fn $name:ident ($pkt:ident : $pty:ty, $len:ident : u32) -> $rty:ty $body:block) => {
        $(#[$m])*
        fn $name($pkt: $pty, $len: u32) -> $rty $body

        /// Hook ABI v2 tc entry: the packet's whole length in, verdict out.
        #[unsafe(no_mangle)]
        pub extern "C" fn tc(len: i32) -> i32 {
            let mut pkt = $crate::Packet::current();
            $crate::TcVerdict::to_i32($name(&mut pkt, len as u32))
        }
    };
}

/// Defines the kprobe entry: `kprobe!(fn name(ctx: &Kprobe) { ... })`.
/// Exports `kprobe(reserved: i32) -> i32` (the result is ignored by the kernel; 0 is returned).
#[macro_export]
macro_rules! kprobe {
    ($(#[$m:meta])* fn $name:ident ($ctx:ident : $cty:ty) $body:block) => {
        $(#[$m])*
        fn $name($ctx: $cty) $body

        /// Hook ABI v1 kprobe entry.
        #[unsafe(no_mangle)]
        pub extern "C" fn kprobe(_reserved: i32) -> i32 {
            $name(&$crate::Kprobe::current());
            0
        }
    };
}

/// Defines the tracepoint entry: `tracepoint!(fn name(rec: &Record) { ... })`.
/// Exports `tracepoint(record_len: i32) -> i32` (ABI v2; the result is ignored, 0 is returned).
#[macro_export]
macro_rules! tracepoint {
    ($(#[$m:meta])* fn $name:ident ($ctx:ident : $cty:ty) $body:block) => {
        $(#[$m])*
        fn $name($ctx: $cty) $body

        /// Hook ABI v2 tracepoint entry.
        #[unsafe(no_mangle)]
        pub extern "C" fn tracepoint(len: i32) -> i32 {
            $name(&$crate::Record::current(len.max(0) as u32));
            0
        }
    };
}

/// Defines a `#[panic_handler]` that traps (`unreachable`) when compiled for wasm32, so a panic
/// ends the run with the slot's trap verdict. Put `wasmhook_sdk::panic_handler!();` once in a
/// `#![no_std]` hook crate (it expands to nothing on other targets, where `std` has one).
#[macro_export]
macro_rules! panic_handler {
    () => {
        #[cfg(target_arch = "wasm32")]
        #[panic_handler]
        fn __wasmhook_panic(_: &core::panic::PanicInfo<'_>) -> ! {
            core::arch::wasm32::unreachable()
        }
    };
}

#[cfg(test)]
mod tests;

/// v2: the packet actions failed with this errno (`-rc` of the host function): 22 = EINVAL (bad
/// argument), 13 = EACCES (bad metadata length), 95 = EOPNOTSUPP (not in this hook kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacketError(pub i32);

fn pkt_rc(rc: i32) -> Result<(), PacketError> {
    if rc == 0 {
        Ok(())
    } else {
        Err(PacketError(rc.wrapping_neg()))
    }
}

/// v2: names the interface a [`Verdict::Redirect`] / [`TcVerdict::Redirect`] of this run sends
/// the packet to; `ingress` (tc only) receives it there instead of sending it.
pub fn redirect(ifindex: u32, ingress: bool) -> Result<(), PacketError> {
    // SAFETY: plain values.
    pkt_rc(unsafe { sys::redirect(ifindex as i32, i64::from(ingress)) })
}

/// v2, XDP: moves the packet start by `delta` bytes (negative: room for a new header).
pub fn adjust_head(delta: i32) -> Result<(), PacketError> {
    // SAFETY: plain values.
    pkt_rc(unsafe { sys::adjust_head(delta) })
}

/// v2, XDP: moves the packet end by `delta` bytes (negative: truncate).
pub fn adjust_tail(delta: i32) -> Result<(), PacketError> {
    // SAFETY: plain values.
    pkt_rc(unsafe { sys::adjust_tail(delta) })
}

/// v2, XDP: moves the metadata start by `delta` bytes (negative: more metadata, 4-byte units).
pub fn adjust_meta(delta: i32) -> Result<(), PacketError> {
    // SAFETY: plain values.
    pkt_rc(unsafe { sys::adjust_meta(delta) })
}

/// v2: fixes the IPv4 header checksum at packet offset `off` after a 16-bit field changed.
pub fn csum_replace16(off: usize, from: u16, to: u16) -> Result<(), PacketError> {
    // SAFETY: plain values.
    pkt_rc(unsafe { sys::csum_replace(off as i32, i32::from(from), i32::from(to), 2) })
}

/// v2: fixes the IPv4 header checksum at packet offset `off` after a 32-bit field changed.
pub fn csum_replace32(off: usize, from: u32, to: u32) -> Result<(), PacketError> {
    // SAFETY: plain values.
    pkt_rc(unsafe { sys::csum_replace(off as i32, from as i32, to as i32, 4) })
}

/// v2: fixes a TCP/UDP checksum at `off` (`flags`: size 2 or 4, | 0x10 pseudo-header field,
/// | 0x20 UDP), as `bpf_l4_csum_replace`.
pub fn csum_l4_replace(off: usize, from: u32, to: u32, flags: i32) -> Result<(), PacketError> {
    // SAFETY: plain values.
    pkt_rc(unsafe { sys::csum_l4_replace(off as i32, from as i32, to as i32, flags) })
}

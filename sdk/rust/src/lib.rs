//! Write wasmhook hooks in Rust: XDP, tc and kprobe programs compiled to WebAssembly
//! (`wasm32v1-none`) that run inside the kernel (Hook ABI v2, `docs/hook-abi.md`; tc is new in
//! v2, v1 hooks are unchanged).
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

/// Version of the Hook ABI this SDK targets (v2: v1 plus tc hooks).
pub const ABI_VERSION: u32 = 2;
/// How many maps a hook may declare.
pub const MAX_MAPS: usize = 3;
/// Largest map key or value, in bytes.
pub const MAX_MAP_ENTRY: usize = 256;

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
            _ => return None,
        })
    }
}

/// What a tc hook decides for a packet (the kernel's `TC_ACT_*`; Hook ABI v2). Redirect is not
/// available yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum TcVerdict {
    /// Let the packet go on (`TC_ACT_OK`).
    Ok = 0,
    /// Drop the packet (`TC_ACT_SHOT`).
    Shot = 2,
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
            _ => return None,
        })
    }
}

/// Monotonic clock in nanoseconds (`bpf_ktime_get_ns`).
pub fn ktime_ns() -> u64 {
    // SAFETY: no arguments; the import has no preconditions.
    unsafe { sys::ktime_ns() as u64 }
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
    pub fn arg(&self, n: u32) -> u64 {
        if n > 5 {
            return 0;
        }
        // SAFETY: the import has no preconditions.
        unsafe { sys::kprobe_arg(n as i32) as u64 }
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

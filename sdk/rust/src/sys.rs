//! The raw `wasmhook` imports of Hook ABI v1 (see `docs/hook-abi.md`).
//!
//! On wasm32 these are real imports from the module `wasmhook`. On any other target they are
//! stand-ins so the SDK and hook logic compile (and can be unit-tested) on the build machine:
//! with the `mock` feature (or in this crate's own tests) they act on [`crate::mock`]; without it
//! they behave like an empty packet with no maps.

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "wasmhook")]
extern "C" {
    /// Packet length in bytes.
    pub fn pkt_len() -> i32;
    /// Copies packet bytes `[off, off+len)` to `dst`; `len` or -1.
    pub fn pkt_read(off: i32, dst: *mut u8, len: i32) -> i32;
    /// Copies `len` bytes at `src` into the packet at `off`; `len` or -1.
    pub fn pkt_write(off: i32, src: *const u8, len: i32) -> i32;
    /// Byte at `off`, or -1.
    pub fn pkt_u8(off: i32) -> i32;
    /// Big-endian u16 at `off`, or -1.
    pub fn pkt_u16(off: i32) -> i32;
    /// Big-endian u32 at `off`, or -1.
    pub fn pkt_u32(off: i32) -> i64;
    /// Copies the value for `key` into `value`; 0, -2 or -22.
    pub fn map_lookup(map: i32, key: *const u8, value: *mut u8) -> i32;
    /// Stores `value` for `key`; 0 or -errno.
    pub fn map_update(map: i32, key: *const u8, value: *const u8, flags: i64) -> i32;
    /// Deletes `key`; 0 or -errno.
    pub fn map_delete(map: i32, key: *const u8) -> i32;
    /// Monotonic clock in ns.
    pub fn ktime_ns() -> i64;
    /// A rate-limited kernel log line (at most 128 bytes).
    pub fn trace(ptr: *const u8, len: i32);
    /// Argument `n` (0..5) of the probed function.
    pub fn kprobe_arg(n: i32) -> i64;
}

#[cfg(not(target_arch = "wasm32"))]
pub use host::*;

#[cfg(not(target_arch = "wasm32"))]
#[allow(
    clippy::missing_safety_doc,
    reason = "same contract as the wasm32 imports"
)]
mod host {
    #[cfg(any(test, feature = "mock"))]
    use crate::mock::with as m;

    /// Packet length in bytes.
    pub unsafe fn pkt_len() -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| e.packet.len() as i32);
        #[cfg(not(any(test, feature = "mock")))]
        0
    }
    /// Copies packet bytes `[off, off+len)` to `dst`; `len` or -1.
    pub unsafe fn pkt_read(off: i32, dst: *mut u8, len: i32) -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| match e.range(off, len) {
            Some(r) => {
                // SAFETY: the caller passes `len` writable bytes at `dst` (as with the real import).
                unsafe { core::ptr::copy_nonoverlapping(e.packet[r].as_ptr(), dst, len as usize) };
                len
            }
            None => -1,
        });
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = (off, dst, len);
            -1
        }
    }
    /// Copies `len` bytes at `src` into the packet at `off`; `len` or -1.
    pub unsafe fn pkt_write(off: i32, src: *const u8, len: i32) -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| match e.range(off, len) {
            Some(r) => {
                // SAFETY: the caller passes `len` readable bytes at `src`.
                let s = unsafe { core::slice::from_raw_parts(src, len as usize) };
                e.packet[r].copy_from_slice(s);
                len
            }
            None => -1,
        });
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = (off, src, len);
            -1
        }
    }
    /// Byte at `off`, or -1.
    pub unsafe fn pkt_u8(off: i32) -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| e.be(off, 1) as i32);
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = off;
            -1
        }
    }
    /// Big-endian u16 at `off`, or -1.
    pub unsafe fn pkt_u16(off: i32) -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| e.be(off, 2) as i32);
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = off;
            -1
        }
    }
    /// Big-endian u32 at `off`, or -1.
    pub unsafe fn pkt_u32(off: i32) -> i64 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| e.be(off, 4));
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = off;
            -1
        }
    }
    /// Copies the value for `key` into `value`; 0, -2 or -22.
    pub unsafe fn map_lookup(map: i32, key: *const u8, value: *mut u8) -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| {
            let Some(mp) = e.maps.get(map as usize) else {
                return -22;
            };
            // SAFETY: the caller passes key_size readable bytes at `key`.
            let k = unsafe { core::slice::from_raw_parts(key, mp.key_size) };
            match mp.entries.iter().find(|(ek, _)| ek == k) {
                Some((_, v)) => {
                    // SAFETY: the caller passes value_size writable bytes at `value`.
                    unsafe { core::ptr::copy_nonoverlapping(v.as_ptr(), value, v.len()) };
                    0
                }
                None => -2,
            }
        });
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = (map, key, value);
            -22
        }
    }
    /// Stores `value` for `key`; 0 or -errno.
    pub unsafe fn map_update(map: i32, key: *const u8, value: *const u8, flags: i64) -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| {
            let Some(mp) = e.maps.get_mut(map as usize) else {
                return -22;
            };
            // SAFETY: the caller passes key_size / value_size readable bytes.
            let (k, v) = unsafe {
                (
                    core::slice::from_raw_parts(key, mp.key_size),
                    core::slice::from_raw_parts(value, mp.value_size),
                )
            };
            mp.update(k, v, flags as u64)
        });
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = (map, key, value, flags);
            -22
        }
    }
    /// Deletes `key`; 0 or -errno.
    pub unsafe fn map_delete(map: i32, key: *const u8) -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| {
            let Some(mp) = e.maps.get_mut(map as usize) else {
                return -22;
            };
            // SAFETY: the caller passes key_size readable bytes at `key`.
            let k = unsafe { core::slice::from_raw_parts(key, mp.key_size) };
            mp.delete(k)
        });
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = (map, key);
            -22
        }
    }
    /// Monotonic clock in ns.
    pub unsafe fn ktime_ns() -> i64 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| e.ktime_ns as i64);
        #[cfg(not(any(test, feature = "mock")))]
        0
    }
    /// A kernel log line.
    pub unsafe fn trace(ptr: *const u8, len: i32) {
        #[cfg(any(test, feature = "mock"))]
        m(|e| {
            // SAFETY: the caller passes `len` readable bytes at `ptr`.
            let s = unsafe { core::slice::from_raw_parts(ptr, (len.max(0) as usize).min(128)) };
            e.trace
                .push(std::string::String::from_utf8_lossy(s).into_owned());
        });
        #[cfg(not(any(test, feature = "mock")))]
        let _ = (ptr, len);
    }
    /// Argument `n` of the probed function.
    pub unsafe fn kprobe_arg(n: i32) -> i64 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| {
            if (0..6).contains(&n) {
                e.kprobe_args[n as usize] as i64
            } else {
                0
            }
        });
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = n;
            0
        }
    }
}

//! The raw `wasmhook` imports of the Hook ABI, v1 and v2 (see `docs/hook-abi.md`).
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
    /// v2: adds `delta` in place to the counter at byte offset `field` of the value for `key`
    /// (the whole value if it is 4 bytes, else a u64; atomic across CPUs; a hash map gets a
    /// zero value with the counter = `delta`), its new value into `value`; 0 or -errno.
    pub fn map_add(map: i32, key: *const u8, value: *mut u8, field: i32, delta: i64) -> i32;
    /// Monotonic clock in ns.
    pub fn ktime_ns() -> i64;
    /// A rate-limited kernel log line (at most 128 bytes).
    pub fn trace(ptr: *const u8, len: i32);
    /// Argument `n` (0..5) of the probed function.
    pub fn kprobe_arg(n: i32) -> i64;
    /// v2: the probed function's return value in a kretprobe, else 0.
    pub fn kprobe_ret() -> i64;
    /// v2: `tgid << 32 | pid` of the current task.
    pub fn pid_tgid() -> i64;
    /// v2: `gid << 32 | uid` of the current task.
    pub fn uid_gid() -> i64;
    /// v2: the current task's name into `dst` (min(len, 16) bytes, NUL-padded); its length.
    pub fn comm(dst: *mut u8, len: i32) -> i32;
    /// v2: this CPU's number.
    pub fn cpu_id() -> i32;
    /// v2: a pseudo-random u32.
    pub fn prandom_u32() -> i32;
    /// v2: boot-time clock in ns.
    pub fn ktime_boot_ns() -> i64;
    /// v2: copies `len` (1..=4096) kernel bytes at `src` into `dst` without faulting; 0 or -errno.
    pub fn probe_read_kernel(dst: *mut u8, src: i64, len: i32) -> i32;
    /// v2: adds `value` to a queue, stack or bloom filter map; 0 or -errno.
    pub fn map_push(map: i32, value: *const u8, flags: i64) -> i32;
    /// v2: takes a queue's oldest or a stack's newest value into `value`; 0, -2 or -errno.
    pub fn map_pop(map: i32, value: *mut u8) -> i32;
    /// v2: a queue's/stack's next value into `value`; for a bloom filter 0 if `value` may be
    /// in it, -2 if not.
    pub fn map_peek(map: i32, value: *mut u8) -> i32;
    /// v2: one record of `len` (1..=1024) bytes at `data` for ring buffer map `map`; 0 or
    /// -errno (-7 too long, -28 this run's queue full, -22).
    pub fn ringbuf_output(map: i32, data: *const u8, len: i32, flags: i64) -> i32;
    /// v2: the target of this run's REDIRECT verdict (flags bit 0 = ingress, tc); 0 or -errno.
    pub fn redirect(ifindex: i32, flags: i64) -> i32;
    /// v2, XDP: `bpf_xdp_adjust_head`; 0 or -errno.
    pub fn adjust_head(delta: i32) -> i32;
    /// v2, XDP: `bpf_xdp_adjust_tail`; 0 or -errno.
    pub fn adjust_tail(delta: i32) -> i32;
    /// v2, XDP: `bpf_xdp_adjust_meta`; 0 or -errno.
    pub fn adjust_meta(delta: i32) -> i32;
    /// v2: incremental L3 checksum fix-up at `off` (size 2 or 4); 0 or -errno.
    pub fn csum_replace(off: i32, from: i32, to: i32, size: i32) -> i32;
    /// v2: incremental L4 checksum fix-up at `off` (flags as `bpf_l4_csum_replace`); 0 or -errno.
    pub fn csum_l4_replace(off: i32, from: i32, to: i32, flags: i32) -> i32;
    /// v2, tracepoints: copies trace record bytes `[off, off+len)` to `dst`; `len`, -14 past
    /// the copied record, -22 (negative `off`/`len`, not a tracepoint hook).
    pub fn ctx_read(off: i32, dst: *mut u8, len: i32) -> i32;
    /// v2, XDP: the target of this run's XDP_REDIRECT verdict is entry `key` of devmap `map`,
    /// `flags` the verdict for a missing entry (0..=3); 0 or -errno.
    pub fn redirect_map(map: i32, key: i32, flags: i64) -> i32;
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
    /// v2: adds `delta` to the counter at byte offset `field` of the value for `key` (a
    /// lookup, the sum and an update here: one CPU), its new value into `value` (the counter's
    /// width); 0 or -errno (-22 for a field the kernel refuses).
    pub unsafe fn map_add(map: i32, key: *const u8, value: *mut u8, field: i32, delta: i64) -> i32 {
        #[cfg(any(test, feature = "mock"))]
        let size = m(|e| e.maps.get(map as usize).map_or(0, |mp| mp.value_size));
        #[cfg(not(any(test, feature = "mock")))]
        let size = 0usize;
        let f = field as usize;
        let width = match size {
            4 if field == 0 => 4,
            _ if size.is_multiple_of(8) && field >= 0 && f.is_multiple_of(8) && f + 8 <= size => 8,
            _ => return -22,
        };
        let mut whole = [0u8; crate::MAX_MAP_ENTRY];
        // SAFETY: the caller's contract, passed on; `whole` holds value_size bytes.
        let rc = unsafe { map_lookup(map, key, whole.as_mut_ptr()) };
        if rc != 0 && rc != -2 {
            return rc;
        }
        let c = &mut whole[f..f + width];
        if let Ok(b) = <&mut [u8; 8]>::try_from(&mut *c) {
            *b = u64::from_le_bytes(*b)
                .wrapping_add(delta as u64)
                .to_le_bytes();
        } else if let Ok(b) = <&mut [u8; 4]>::try_from(&mut *c) {
            *b = u32::from_le_bytes(*b)
                .wrapping_add(delta as u32)
                .to_le_bytes();
        }
        // SAFETY: the caller passes the counter's width of writable bytes at `value`.
        unsafe { core::ptr::copy_nonoverlapping(c.as_ptr(), value, width) };
        // SAFETY: as above.
        unsafe { map_update(map, key, whole.as_ptr(), 0) }
    }
    /// v2: adds `value` to a queue, stack or bloom filter map; 0 or -errno.
    pub unsafe fn map_push(map: i32, value: *const u8, flags: i64) -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| {
            let Some(mp) = e.maps.get_mut(map as usize) else {
                return -22;
            };
            // SAFETY: the caller passes value_size readable bytes at `value`.
            let v = unsafe { core::slice::from_raw_parts(value, mp.value_size) };
            mp.push(v, flags as u64)
        });
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = (map, value, flags);
            -22
        }
    }
    /// v2: takes the next value of a queue or stack into `value`; 0, -2 or -errno.
    pub unsafe fn map_pop(map: i32, value: *mut u8) -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| {
            let Some(mp) = e.maps.get_mut(map as usize) else {
                return -22;
            };
            // SAFETY: the caller passes value_size writable bytes at `value`.
            let v = unsafe { core::slice::from_raw_parts_mut(value, mp.value_size) };
            mp.pop_or_peek(v, true)
        });
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = (map, value);
            -22
        }
    }
    /// v2: the target of this run's REDIRECT verdict. The mock checks the arguments as the
    /// kernel does (ifindex 1..=2^23-1, flags 0 or 1 = ingress) and keeps the target in
    /// `MockEnv::redirect`; without the mock there is no packet (-EOPNOTSUPP).
    pub unsafe fn redirect(ifindex: i32, flags: i64) -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| {
            if !(1..=(1 << 23) - 1).contains(&ifindex) || flags as u64 & !1 != 0 {
                return -22;
            }
            e.redirect = Some((ifindex as u32, flags as u64));
            e.redirect_map = None; // the last call of a run wins, as in the kernel
            0
        });
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = (ifindex, flags);
            -95
        }
    }
    /// v2 packet size changes (XDP only): not in the mock or outside the kernel (-EOPNOTSUPP).
    pub unsafe fn adjust_head(_delta: i32) -> i32 {
        -95
    }
    /// See [`adjust_head`].
    pub unsafe fn adjust_tail(_delta: i32) -> i32 {
        -95
    }
    /// See [`adjust_head`].
    pub unsafe fn adjust_meta(_delta: i32) -> i32 {
        -95
    }
    /// v2: the IPv4 header checksum fix-up; the mock applies it to its packet, without the mock
    /// there is no packet (-EOPNOTSUPP).
    pub unsafe fn csum_replace(off: i32, from: i32, to: i32, size: i32) -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| e.csum(off, from as u32, to as u32, size, false));
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = (off, from, to, size);
            -95
        }
    }
    /// v2: the TCP/UDP checksum fix-up (flags: size in bits 0-3, 0x10 pseudo-header field,
    /// 0x20 UDP); as [`csum_replace`].
    pub unsafe fn csum_l4_replace(off: i32, from: i32, to: i32, flags: i32) -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| {
            if flags & !(0x0f | 0x10 | 0x20) != 0 {
                return -22;
            }
            e.csum(off, from as u32, to as u32, flags & 0x0f, flags & 0x20 != 0)
        });
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = (off, from, to, flags);
            -95
        }
    }
    /// v2, XDP: the mock checks what the kernel checks that it can (map index, key range,
    /// flags) and records the call in `MockEnv::redirect_map`; without the mock -EOPNOTSUPP.
    pub unsafe fn redirect_map(map: i32, key: i32, flags: i64) -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| {
            if map < 0 || map as usize >= e.maps.len() {
                return -22;
            }
            if key as u32 > (1 << 21) - 1 || !(0..=3).contains(&flags) {
                return -22;
            }
            e.redirect_map = Some((map as u32, key as u32, flags as u64));
            e.redirect = None; // the last call of a run wins, as in the kernel
            0
        });
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = (map, key, flags);
            -95
        }
    }
    /// v2, tracepoints: copies trace record bytes `[off, off+len)` to `dst`; `len` or -errno.
    pub unsafe fn ctx_read(off: i32, dst: *mut u8, len: i32) -> i32 {
        if off < 0 || len < 0 {
            return -22;
        }
        #[cfg(any(test, feature = "mock"))]
        return m(|e| {
            let Some(rec) = e.record.as_ref() else {
                return -22;
            };
            let end = (off as usize).saturating_add(len as usize);
            match rec.get(off as usize..end) {
                Some(b) => {
                    // SAFETY: the caller passes `len` writable bytes at `dst`.
                    unsafe { core::ptr::copy_nonoverlapping(b.as_ptr(), dst, b.len()) };
                    len
                }
                None => -14,
            }
        });
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = dst;
            -22
        }
    }
    /// v2: peeks at a queue's or stack's next value, or tests a bloom filter; 0, -2 or -errno.
    pub unsafe fn map_peek(map: i32, value: *mut u8) -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| {
            let Some(mp) = e.maps.get_mut(map as usize) else {
                return -22;
            };
            // SAFETY: the caller passes value_size readable and writable bytes at `value`.
            let v = unsafe { core::slice::from_raw_parts_mut(value, mp.value_size) };
            mp.pop_or_peek(v, false)
        });
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = (map, value);
            -22
        }
    }
    /// v2: one ring buffer record; the mock keeps it in `MockEnv::events`.
    pub unsafe fn ringbuf_output(map: i32, data: *const u8, len: i32, flags: i64) -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| {
            if !(1..=1024).contains(&len) || !(0..=2).contains(&flags) {
                return if len > 1024 { -7 } else { -22 };
            }
            // SAFETY: the caller passes `len` readable bytes at `data`.
            let d = unsafe { core::slice::from_raw_parts(data, len as usize) };
            e.events.push((map as u32, d.to_vec()));
            0
        });
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = (map, data, len, flags);
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
    /// v2: the return value in a kretprobe.
    pub unsafe fn kprobe_ret() -> i64 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| e.kprobe_ret as i64);
        #[cfg(not(any(test, feature = "mock")))]
        0
    }
    /// v2: `tgid << 32 | pid`.
    pub unsafe fn pid_tgid() -> i64 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| e.pid_tgid as i64);
        #[cfg(not(any(test, feature = "mock")))]
        0
    }
    /// v2: `gid << 32 | uid`.
    pub unsafe fn uid_gid() -> i64 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| e.uid_gid as i64);
        #[cfg(not(any(test, feature = "mock")))]
        0
    }
    /// v2: the task name into `dst`; its length.
    pub unsafe fn comm(dst: *mut u8, len: i32) -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| {
            if len < 0 {
                return -22;
            }
            let n = (len as usize).min(16);
            // SAFETY: the caller passes `len` writable bytes at `dst`.
            unsafe { core::ptr::copy_nonoverlapping(e.comm.as_ptr(), dst, n) };
            e.comm.iter().position(|c| *c == 0).unwrap_or(16) as i32
        });
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = (dst, len);
            0
        }
    }
    /// v2: this CPU's number.
    pub unsafe fn cpu_id() -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| e.cpu_id as i32);
        #[cfg(not(any(test, feature = "mock")))]
        0
    }
    /// v2: a pseudo-random u32.
    pub unsafe fn prandom_u32() -> i32 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| {
            e.prandom = e.prandom.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            e.prandom as i32
        });
        #[cfg(not(any(test, feature = "mock")))]
        0
    }
    /// v2: boot-time clock in ns.
    pub unsafe fn ktime_boot_ns() -> i64 {
        #[cfg(any(test, feature = "mock"))]
        return m(|e| e.ktime_boot_ns as i64);
        #[cfg(not(any(test, feature = "mock")))]
        0
    }
    /// v2: a kernel read; the mock's "kernel memory" is `MockEnv::kernel` at `kernel_base`.
    pub unsafe fn probe_read_kernel(dst: *mut u8, src: i64, len: i32) -> i32 {
        if !(1..=4096).contains(&len) {
            return -22;
        }
        // SAFETY: the caller passes `len` writable bytes at `dst`.
        let d = unsafe { core::slice::from_raw_parts_mut(dst, len as usize) };
        #[cfg(any(test, feature = "mock"))]
        return m(|e| {
            let off = (src as u64).wrapping_sub(e.kernel_base) as usize;
            match e.kernel.get(off..off.saturating_add(d.len())) {
                Some(b) if (src as u64) >= e.kernel_base => {
                    d.copy_from_slice(b);
                    0
                }
                _ => {
                    d.fill(0);
                    -14
                }
            }
        });
        #[cfg(not(any(test, feature = "mock")))]
        {
            let _ = src;
            d.fill(0);
            -1
        }
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

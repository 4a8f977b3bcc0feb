// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! The interpreter loop over register code: iterative (Wasm calls push frames on an explicit
//! stack), fuel charged per basic block (at the branch that enters it), every access
//! bounds-checked except (a) value-stack slots inside the current frame, whose bound the compiler
//! recorded and the call path checked (see `slot!`), and (b) the words of the instruction being
//! executed, covered by one check per dispatch against the end of the code minus `K_MAX` (the
//! code area ends with `K_MAX` trap words; see `imm!`).

use super::super::limits::{BULK_UNITS_PER_FUEL, PAGE_SIZE};
use super::super::module::{FUNC_REC, NO_HOST, TYPE_REC};
use super::super::ops::*;
use super::super::softfloat as sf;
use super::super::trap::Trap;
use super::super::{HostSig, Intrinsic};
use super::{call_host, check_ref_results, Instance, FOREIGN_FUNC, FRAME_WORDS};

const VSE: Trap = Trap::ValueStackExhausted;

/// `Trap::Unreachable`, out of line and opaque: with the UNREACHABLE and unused-op arms
/// returning a value LLVM knows, it jumped from the jump table straight to the function's exit
/// and so set the return registers to `Trap::Unreachable` before every dispatch (one or two
/// instructions per executed op). `black_box` keeps the value unknown even where LLVM sees
/// through the call (the kernel module's build folded the plain cold function away).
#[cold]
#[inline(never)]
fn unreachable_trap() -> Trap {
    core::hint::black_box(Trap::Unreachable)
}

/// Moves `n` slots from `src` down to `dst` (dst <= src).
#[inline(always)]
fn move_slots(stack: &mut [u64], src: usize, dst: usize, n: usize) -> Result<(), Trap> {
    if src == dst || n == 0 {
        return Ok(());
    }
    if n == 1 {
        // (the common case of a return or branch with one value: no memmove call)
        let v = *stack.get(src).ok_or(VSE)?;
        *stack.get_mut(dst).ok_or(VSE)? = v;
        return Ok(());
    }
    let end = src.checked_add(n).ok_or(VSE)?;
    if end > stack.len() || dst.checked_add(n).ok_or(VSE)? > stack.len() {
        return Err(VSE);
    }
    if super::copy_within(stack, src, dst, n) {
        Ok(())
    } else {
        Err(VSE)
    }
}

/// Zeroes the `n` declared locals at `stack[lo..lo + n]` of a frame being entered. Up to 8
/// (most functions) as one fixed block of 8 slots when the stack has room: the slots past the
/// locals are the new frame's temporaries or the free stack above it, dead until written, so
/// zeroing them too changes nothing, and 8 stores are cheaper than the `memset` call a fill of
/// variable length becomes. (Frames with no locals skip even that.)
#[inline(always)]
fn zero_locals(stack: &mut [u64], lo: usize, n: usize) -> Result<(), Trap> {
    if n == 0 {
        return Ok(());
    }
    if n <= 8 {
        if let Some(block) = lo
            .checked_add(8)
            .and_then(|end| stack.get_mut(lo..end))
            .and_then(|b| <&mut [u64; 8]>::try_from(b).ok())
        {
            *block = [0; 8];
            return Ok(());
        }
    }
    let end = lo.checked_add(n).ok_or(VSE)?;
    stack.get_mut(lo..end).ok_or(VSE)?.fill(0);
    Ok(())
}

#[inline(always)]
fn ea(addr: u64, offset: u32, n: usize, mem_len: usize) -> Result<usize, Trap> {
    let a = (addr as u32 as u64).wrapping_add(u64::from(offset));
    if a.wrapping_add(n as u64) > mem_len as u64 {
        return Err(Trap::MemoryOutOfBounds);
    }
    Ok(a as usize)
}

// Fixed-size copies through `TryFrom` for arrays: inlined, and without the length-mismatch panic
// path that `copy_from_slice` carries (the kernel build checks the module has no panic paths).
// One bounds check per access: `ea` checks `a + N <= mem_len`, and `run` keeps
// `mem_len <= mem.len()` (it clamps it on entry and raises it only after `memory.grow` has
// sliced the new pages out of `mem`), so the slice access itself needs no second check.
#[inline(always)]
fn load<const N: usize>(
    mem: &[u8],
    mem_len: usize,
    addr: u64,
    offset: u32,
) -> Result<[u8; N], Trap> {
    let a = ea(addr, offset, N, mem_len)?;
    debug_assert!(mem_len <= mem.len() && a.wrapping_add(N) <= mem_len);
    // SAFETY: `a + N <= mem_len` (checked by `ea`, no overflow: both are below 2^34) and
    // `mem_len <= mem.len()` (the invariant of `run` above).
    let s = unsafe { mem.get_unchecked(a..a.wrapping_add(N)) };
    <[u8; N]>::try_from(s).map_err(|_| Trap::MemoryOutOfBounds)
}

#[inline(always)]
fn store<const N: usize>(
    mem: &mut [u8],
    mem_len: usize,
    addr: u64,
    offset: u32,
    bytes: [u8; N],
) -> Result<(), Trap> {
    let a = ea(addr, offset, N, mem_len)?;
    debug_assert!(mem_len <= mem.len() && a.wrapping_add(N) <= mem_len);
    // SAFETY: as in `load`.
    let s = unsafe { mem.get_unchecked_mut(a..a.wrapping_add(N)) };
    let dst = <&mut [u8; N]>::try_from(s).map_err(|_| Trap::MemoryOutOfBounds)?;
    *dst = bytes;
    Ok(())
}

/// Defines the ten integer comparisons of one width once, for the compare ops and every fused
/// form that contains a compare (`_IMM`, compare-and-branch, compare-and-select).
macro_rules! comparisons {
    ($m:ident, $u:ty, $s:ty) => {
        mod $m {
            #[inline(always)]
            pub fn eq(a: $u, b: $u) -> bool {
                a == b
            }
            #[inline(always)]
            pub fn ne(a: $u, b: $u) -> bool {
                a != b
            }
            #[inline(always)]
            pub fn lt_s(a: $u, b: $u) -> bool {
                (a as $s) < (b as $s)
            }
            #[inline(always)]
            pub fn lt_u(a: $u, b: $u) -> bool {
                a < b
            }
            #[inline(always)]
            pub fn gt_s(a: $u, b: $u) -> bool {
                (a as $s) > (b as $s)
            }
            #[inline(always)]
            pub fn gt_u(a: $u, b: $u) -> bool {
                a > b
            }
            #[inline(always)]
            pub fn le_s(a: $u, b: $u) -> bool {
                (a as $s) <= (b as $s)
            }
            #[inline(always)]
            pub fn le_u(a: $u, b: $u) -> bool {
                a <= b
            }
            #[inline(always)]
            pub fn ge_s(a: $u, b: $u) -> bool {
                (a as $s) >= (b as $s)
            }
            #[inline(always)]
            pub fn ge_u(a: $u, b: $u) -> bool {
                a >= b
            }
        }
    };
}
comparisons!(cmp32, u32, i32);
comparisons!(cmp64, u64, i64);

/// Slot values of the loaded bytes, one per load kind; the plain loads and their fused address
/// forms (`_ADD_IMM`, `_SCALED`) share them.
mod ld {
    #[inline(always)]
    pub fn u32_le(b: [u8; 4]) -> u64 {
        u64::from(u32::from_le_bytes(b))
    }
    #[inline(always)]
    pub fn u64_le(b: [u8; 8]) -> u64 {
        u64::from_le_bytes(b)
    }
    #[inline(always)]
    pub fn u8([b]: [u8; 1]) -> u64 {
        u64::from(b)
    }
    #[inline(always)]
    pub fn u16_le(b: [u8; 2]) -> u64 {
        u64::from(u16::from_le_bytes(b))
    }
    #[inline(always)]
    pub fn i32_s8([b]: [u8; 1]) -> u64 {
        u64::from(i32::from(b as i8) as u32)
    }
    #[inline(always)]
    pub fn i32_s16(b: [u8; 2]) -> u64 {
        u64::from(i32::from(i16::from_le_bytes(b)) as u32)
    }
    #[inline(always)]
    pub fn i64_s8([b]: [u8; 1]) -> u64 {
        i64::from(b as i8) as u64
    }
    #[inline(always)]
    pub fn i64_s16(b: [u8; 2]) -> u64 {
        i64::from(i16::from_le_bytes(b)) as u64
    }
    #[inline(always)]
    pub fn i64_s32(b: [u8; 4]) -> u64 {
        i64::from(i32::from_le_bytes(b)) as u64
    }
}

fn trunc32(r: Result<i32, sf::FloatToIntError>) -> Result<u64, Trap> {
    match r {
        Ok(v) => Ok(u64::from(v as u32)),
        Err(sf::FloatToIntError::NaN) => Err(Trap::BadConversionToInteger),
        Err(sf::FloatToIntError::Overflow) => Err(Trap::IntegerOverflow),
    }
}

fn trunc32u(r: Result<u32, sf::FloatToIntError>) -> Result<u64, Trap> {
    trunc32(r.map(|v| v as i32))
}

fn trunc64(r: Result<i64, sf::FloatToIntError>) -> Result<u64, Trap> {
    match r {
        Ok(v) => Ok(v as u64),
        Err(sf::FloatToIntError::NaN) => Err(Trap::BadConversionToInteger),
        Err(sf::FloatToIntError::Overflow) => Err(Trap::IntegerOverflow),
    }
}

fn trunc64u(r: Result<u64, sf::FloatToIntError>) -> Result<u64, Trap> {
    trunc64(r.map(|v| v as i64))
}

/// A compiled function's entry point, declared locals and maximal frame height (its record's
/// fields 2, 3 and 4), as `run_at` enters it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in super::super) struct FuncEntry {
    pub entry: u32,
    pub extra: u32,
    pub maxh: u32,
}

/// Whether a code area ends with `K_MAX` UNREACHABLE words, as the dispatch invariant of
/// `run` requires.
pub(in super::super) fn code_padded(code: &[u32]) -> bool {
    code.len() >= K_MAX
        && code
            .get(code.len().wrapping_sub(K_MAX)..)
            .is_some_and(|p| p.iter().all(|&w| w == UNREACHABLE))
}

impl Instance<'_, '_> {
    /// Runs function `func` whose `nargs` arguments are at the bottom of the value stack;
    /// leaves its results there.
    pub(super) fn run(
        &mut self,
        func: u32,
        nargs: usize,
        fuel: &mut u64,
        host: &mut dyn super::super::Host,
    ) -> Result<(), Trap> {
        let m = self.module;
        let [_, hid, entry, extra, maxh, _] = m.func_rec(func as usize);
        if hid != NO_HOST {
            let mem_len = self.mem_len();
            let mem = self.mem.get_mut(..mem_len).unwrap_or(&mut []);
            call_host(
                m,
                m.func_type_idx(func),
                hid,
                self.stack,
                nargs,
                mem,
                host,
                fuel,
            )?;
            return Ok(());
        }
        self.run_at(FuncEntry { entry, extra, maxh }, nargs, fuel, host)
    }

    /// Runs the compiled (not imported) function whose record fields `f` holds, with its
    /// `nargs` arguments at the bottom of the value stack; leaves its results there. The
    /// interpreter loop. (`f` is trusted only as far as `run` checks every frame: the maximal
    /// height against the stack, the entry against the code.)
    #[inline(always)]
    pub(super) fn run_at(
        &mut self,
        f: FuncEntry,
        nargs: usize,
        fuel: &mut u64,
        host: &mut dyn super::super::Host,
    ) -> Result<(), Trap> {
        let m = self.module;
        let mem_len = self.mem_len();
        let code =
            m.w.get(m.h.o_code..m.h.o_code.wrapping_add(m.h.code_len))
                .unwrap_or(&[]);
        // Dispatch only below `limit`: then `pc + k < code.len()` for every `k < K_MAX`.
        let limit = code.len().saturating_sub(K_MAX);
        // The fields every run uses, in locals; the rest (globals, tables, segments, the page
        // count) stay behind `self` until an instruction needs them: fewer values to load and
        // spill on entry.
        let (stack, frames) = (&mut *self.stack, &mut *self.frames);
        let mem = &mut *self.mem;
        let max_depth = frames.len() / FRAME_WORDS;
        // Invariant for `load`/`store`: `mem_len <= mem.len()`.
        let mut mem_len = mem_len.min(mem.len());
        let mut pc: usize;
        let mut fp: usize = 0;
        // `stack[fp..]`, the current frame (see `slot!`)
        let mut frame: &mut [u64];
        let mut depth: usize = 0;

        // Word `pc + k` of the code, unchecked, for the instruction at `pc` (`k < K_MAX`, checked
        // at compile time below). This holds whatever words the compiler produced.
        macro_rules! imm {
            ($k:expr) => {{
                const K: usize = $k;
                const _: () = assert!(K < K_MAX);
                let i = pc.wrapping_add(K);
                debug_assert!(i < code.len(), "code word out of bounds");
                // SAFETY: by the dispatch invariant (at the loop head), either
                // `pc < limit = code.len() - K_MAX`, so `pc + K < code.len()` as `K < K_MAX`,
                // or `code[pc]` is a padding word, whose arm reads only word 0 (`pc < code.len()`).
                unsafe { *code.get_unchecked(i) }
            }};
        }
        // Advance past the current instruction of `k` words. The dispatch that read it had
        // `pc < limit` or found a padding word there (which advances nothing), so the new `pc` is
        // below `limit + K_MAX = code.len()`; see the dispatch invariant at the loop head.
        macro_rules! next {
            ($k:expr) => {{
                const K: usize = $k;
                const _: () = assert!(K <= K_MAX);
                pc = pc.wrapping_add(K);
            }};
        }
        // Slot `i` of the current frame (`frame` is `stack[fp..]`), unchecked. Every index the
        // loop passes here is a slot operand of the current function's code (or one of the 3
        // slots from a bulk op's base operand), and the compiler records every slot it emits in
        // the function's max height `maxh` (FUNC_REC field 4: `i < maxh`; see `Ctx::sl`; a
        // CALL carries a copy of its callee's in word 5, see `link_calls`). Entry and every call
        // (`enter_call!`) check `fp + maxh <= stack.len()` before running a frame, so
        // `maxh <= frame.len()`; `stack` never changes length, and a return restores a caller
        // frame that passed the same check.
        macro_rules! slot {
            ($i:expr) => {{
                let i: usize = $i;
                debug_assert!(i < frame.len(), "value stack slot out of frame bounds");
                // SAFETY: `i < maxh <= frame.len()` by the frame invariant above.
                unsafe { frame.get_unchecked_mut(i) }
            }};
        }
        // Value of the slot named by word `k`.
        macro_rules! s {
            ($k:expr) => {
                *slot!(imm!($k) as usize)
            };
        }
        // The slot named by word `k`, for writing.
        macro_rules! d {
            ($k:expr) => {
                *slot!(imm!($k) as usize)
            };
        }
        // The current frame, `stack[fp..]`, taken again after `fp` changed or `stack` was
        // lent out (calls, returns, host calls).
        macro_rules! enter_frame {
            () => {
                frame = stack.get_mut(fp..).ok_or(VSE)?
            };
        }
        // bulk operations cost extra fuel: one unit per BULK_UNITS_PER_FUEL bytes/elements
        macro_rules! charge {
            ($n:expr) => {{
                let c = ($n as u64) / BULK_UNITS_PER_FUEL;
                if *fuel < c {
                    return Err(Trap::OutOfFuel);
                }
                *fuel = fuel.wrapping_sub(c);
            }};
        }
        macro_rules! loadop {
            ($n:literal, $conv:expr) => {{
                let bytes = load::<$n>(mem, mem_len, s!(2), imm!(3))?;
                d!(1) = ($conv)(bytes);
                next!(4);
            }};
        }
        // load at `(slot a + imm) mod 2^32 + offset`: dst a imm offset
        macro_rules! loadop_ai {
            ($n:literal, $conv:expr) => {{
                let a = u64::from((s!(2) as u32).wrapping_add(imm!(3)));
                let bytes = load::<$n>(mem, mem_len, a, imm!(4))?;
                d!(1) = ($conv)(bytes);
                next!(5);
            }};
        }
        // load at `((slot a << shift) + imm) mod 2^32 + offset`: dst a shift imm offset
        macro_rules! loadop_sc {
            ($n:literal, $conv:expr) => {{
                let a = (s!(2) as u32).wrapping_shl(imm!(3)).wrapping_add(imm!(4));
                let bytes = load::<$n>(mem, mem_len, u64::from(a), imm!(5))?;
                d!(1) = ($conv)(bytes);
                next!(6);
            }};
        }
        // load at the constant address `imm + offset`: dst imm offset
        macro_rules! loadop_abs {
            ($n:literal, $conv:expr) => {{
                let bytes = load::<$n>(mem, mem_len, u64::from(imm!(2)), imm!(3))?;
                d!(1) = ($conv)(bytes);
                next!(4);
            }};
        }
        // store at the constant address `imm + offset`: imm val offset
        macro_rules! storeop_abs {
            ($n:literal, $conv:expr) => {{
                let v = s!(2);
                let bytes: [u8; $n] = ($conv)(v);
                store(mem, mem_len, u64::from(imm!(1)), imm!(3), bytes)?;
                next!(4);
            }};
        }
        macro_rules! storeop {
            ($n:literal, $conv:expr) => {{
                let v = s!(2);
                let bytes: [u8; $n] = ($conv)(v);
                store(mem, mem_len, s!(1), imm!(3), bytes)?;
                next!(4);
            }};
        }
        // Control transfers land on the start of a basic block, which (when reachable code
        // follows) is a FUEL op: charge it here, exactly as dispatching it next would, and skip
        // it, so that FUEL does not cost a dispatch of its own. Only taken branches do this: a
        // conditional branch that falls through just moves on (`next!`), and if a FUEL op is next
        // the loop dispatches it. (Checking for FUEL there too made LLVM route every fall-through
        // back to the loop head through a block of register reloads: ~25 instructions.)
        macro_rules! fuel_block {
            () => {{
                if pc >= limit {
                    return Err(Trap::Unreachable);
                }
                if imm!(0) == FUEL {
                    let n = u64::from(imm!(1));
                    if *fuel < n {
                        return Err(Trap::OutOfFuel);
                    }
                    *fuel = fuel.wrapping_sub(n);
                    next!(2);
                }
            }};
        }
        macro_rules! un {
            ($f:expr) => {{
                let a = s!(2);
                d!(1) = ($f)(a);
                next!(3);
            }};
        }
        macro_rules! try_un {
            ($f:expr) => {{
                let a = s!(2);
                d!(1) = ($f)(a)?;
                next!(3);
            }};
        }
        macro_rules! bin {
            ($f:expr) => {{
                let a = s!(2);
                let b = s!(3);
                d!(1) = ($f)(a, b);
                next!(4);
            }};
        }
        macro_rules! try_bin {
            ($f:expr) => {{
                let a = s!(2);
                let b = s!(3);
                d!(1) = ($f)(a, b)?;
                next!(4);
            }};
        }
        macro_rules! i32b {
            ($f:expr) => {
                bin!(|a: u64, b: u64| u64::from(($f)(a as u32, b as u32)))
            };
        }
        macro_rules! i32u {
            ($f:expr) => {
                un!(|a: u64| u64::from(($f)(a as u32)))
            };
        }
        macro_rules! i64b {
            ($f:expr) => {
                bin!(|a: u64, b: u64| u64::from(($f)(a, b)))
            };
        }
        // (f32 ops call the soft-float function directly, not through a closure: LLVM would not
        // inline a closure around an inlined soft-float fast path into this loop)
        macro_rules! f32b {
            ($f:path) => {{
                let a = s!(2) as u32;
                let b = s!(3) as u32;
                d!(1) = u64::from($f(a, b));
                next!(4);
            }};
        }
        macro_rules! f32u {
            ($f:path) => {{
                let a = s!(2) as u32;
                d!(1) = u64::from($f(a));
                next!(3);
            }};
        }
        macro_rules! f64u {
            ($f:expr) => {
                un!(|a: u64| ($f)(a))
            };
        }
        // i32 op with an immediate: dst a imm
        macro_rules! i32i {
            ($f:expr) => {{
                let a = s!(2) as u32;
                d!(1) = u64::from(($f)(a, imm!(3)));
                next!(4);
            }};
        }
        // i64 op with a sign-extended immediate: dst a imm
        macro_rules! i64i {
            ($f:expr) => {{
                let a = s!(2);
                let k = imm!(3) as i32 as i64 as u64;
                d!(1) = u64::from(($f)(a, k));
                next!(4);
            }};
        }
        // i32 compare and branch: a b target
        macro_rules! brc {
            ($f:expr) => {{
                if ($f)(s!(1) as u32, s!(2) as u32) {
                    pc = imm!(3) as usize;
                    fuel_block!();
                } else {
                    next!(4);
                }
            }};
        }
        // i32 compare with an immediate and branch: a imm target
        macro_rules! brci {
            ($f:expr) => {{
                if ($f)(s!(1) as u32, imm!(2)) {
                    pc = imm!(3) as usize;
                    fuel_block!();
                } else {
                    next!(4);
                }
            }};
        }
        // i32 add with an immediate, write the sum, branch on it compared with an immediate:
        // dst a imm cmp_imm target
        macro_rules! abrci {
            ($f:expr) => {{
                let v = (s!(2) as u32).wrapping_add(imm!(3));
                d!(1) = u64::from(v);
                if ($f)(v, imm!(4)) {
                    pc = imm!(5) as usize;
                    fuel_block!();
                } else {
                    next!(6);
                }
            }};
        }
        // select on an i32 compare of two slots: dst a b x y
        macro_rules! selc {
            ($f:expr) => {{
                let v = if ($f)(s!(4) as u32, s!(5) as u32) {
                    s!(2)
                } else {
                    s!(3)
                };
                d!(1) = v;
                next!(6);
            }};
        }

        // CALL_HOST dst hid h type n: the host call on the frame's slots h..h+n; the one result
        // also to `dst` if n says so (`dst` and `h` are slots of this frame: `slot!` holds).
        macro_rules! host_call {
            () => {{
                let h = imm!(3) as usize;
                let n = imm!(5);
                let cnt = (n & 0xffff) as usize;
                let slots = frame.get_mut(h..h.wrapping_add(cnt)).ok_or(VSE)?;
                let mem = mem.get_mut(..mem_len).unwrap_or(&mut []);
                let sig = HostSig {
                    module: m,
                    type_idx: imm!(4),
                };
                host.call_slots(imm!(2), mem, sig, slots, fuel)?;
                if n & HOST_REF_RESULTS != 0 {
                    check_ref_results(m, imm!(4), slots)?;
                }
                if n & HOST_RESULT_TO_DST != 0 {
                    *slot!(imm!(1) as usize) = *slot!(h);
                }
            }};
        }
        // HOST_LOAD_* (CALL_HOST's words): the intrinsic over the host's bytes, or the call.
        macro_rules! host_load {
            ($k:expr, $enc:expr) => {{
                let off = *slot!(imm!(3) as usize) as u32 as i32;
                match host.host_bytes() {
                    Some(bytes) => {
                        let v = $k.eval(bytes, off);
                        *slot!(imm!(1) as usize) = ($enc)(v);
                    }
                    None => host_call!(),
                }
            }};
        }

        // Enters a compiled function whose record fields are `entry extra maxh np`, its frame
        // at slot `h` of this one, returning to `next_pc`: checks the call depth and that the
        // callee's maximal height fits the stack (the frame invariant of `slot!`), zeroes its
        // declared locals, pushes the return frame and charges the entry block's fuel.
        macro_rules! enter_call {
            ($h:expr, $entry:expr, $extra:expr, $maxh:expr, $np:expr, $next_pc:expr) => {{
                let new_fp = fp.wrapping_add($h as usize);
                let (entry, extra, maxh, np) = (
                    $entry as usize,
                    $extra as usize,
                    $maxh as usize,
                    $np as usize,
                );
                let next_pc: usize = $next_pc;
                if depth >= max_depth {
                    return Err(Trap::CallStackExhausted);
                }
                if new_fp.saturating_add(maxh) > stack.len() {
                    return Err(Trap::CallStackExhausted);
                }
                zero_locals(stack, new_fp.wrapping_add(np), extra)?;
                let fr = depth.wrapping_mul(FRAME_WORDS);
                *frames.get_mut(fr).ok_or(Trap::CallStackExhausted)? = next_pc as u32;
                *frames
                    .get_mut(fr.wrapping_add(1))
                    .ok_or(Trap::CallStackExhausted)? = fp as u32;
                depth = depth.wrapping_add(1);
                fp = new_fp;
                enter_frame!();
                pc = entry;
                fuel_block!();
            }};
        }

        // Enter `func`.
        {
            let (entry, extra, maxh) = (f.entry, f.extra as usize, f.maxh as usize);
            if maxh > stack.len() {
                return Err(VSE);
            }
            zero_locals(stack, nargs, extra)?;
            pc = entry as usize;
            if pc >= limit {
                return Err(Trap::Unreachable);
            }
        }
        frame = stack.get_mut(fp..).ok_or(VSE)?;
        // The padding: the code area ends with `K_MAX` UNREACHABLE words. `Module::compile`
        // checked that ([`code_padded`]) rather than trusting the decoder, and a `Module`'s
        // words are immutable (borrowed shared for its whole life); the dispatch invariant
        // below relies on it.
        debug_assert!(code_padded(code));

        // Dispatch invariant: `pc < code.len()`, and `pc < limit` unless `code[pc]` is a padding
        // word. It holds on entry (`pc < limit` is checked above, the padding at compile time).
        // An instruction read at `pc < limit` moves on by its length `k <= K_MAX` (`next!`), so
        // to below `limit + K_MAX = code.len()`; every other change of `pc` (branches, calls,
        // returns) checks `pc < limit` before the next dispatch (`fuel_block!`, RETURN). A
        // padding word is UNREACHABLE, whose arm reads no immediate and leaves the loop. So the
        // op word and the immediates an arm reads through `imm!` are in bounds without a check
        // per dispatch.
        loop {
            debug_assert!(pc < limit || code.get(pc) == Some(&UNREACHABLE));
            // The op numbers are below 2^9 (checked in `ops`): masking lets the jump table cover
            // every value, with no range check; unused numbers trap.
            let op = imm!(0) & OP_MASK;
            match op {
                FUEL => {
                    let n = u64::from(imm!(1));
                    if *fuel < n {
                        return Err(Trap::OutOfFuel);
                    }
                    *fuel = fuel.wrapping_sub(n);
                    next!(2);
                }
                // (the compiler emits no reinterpret: the bits stay in their slot; as unary ops
                // `op dst a` they would be copies)
                COPY | I32_REINTERPRET_F32 | I64_REINTERPRET_F64 | F32_REINTERPRET_I32
                | F64_REINTERPRET_I64 => {
                    d!(1) = s!(2);
                    next!(3);
                }
                COPY2 => {
                    d!(1) = s!(2);
                    d!(3) = s!(4);
                    next!(5);
                }
                COPY3 => {
                    d!(1) = s!(2);
                    d!(3) = s!(4);
                    d!(5) = s!(6);
                    next!(7);
                }
                CONST32 => {
                    d!(1) = u64::from(imm!(2));
                    next!(3);
                }
                CONST32X2 => {
                    d!(1) = u64::from(imm!(2));
                    d!(3) = u64::from(imm!(4));
                    next!(5);
                }
                CONST32X3 => {
                    d!(1) = u64::from(imm!(2));
                    d!(3) = u64::from(imm!(4));
                    d!(5) = u64::from(imm!(6));
                    next!(7);
                }
                CONST64 => {
                    d!(1) = u64::from(imm!(2)) | (u64::from(imm!(3)) << 32);
                    next!(4);
                }
                I32_ADD_IMM => i32i!(|a: u32, b: u32| a.wrapping_add(b)),
                I32_SUB_IMM => i32i!(|a: u32, b: u32| a.wrapping_sub(b)),
                I32_MUL_IMM => i32i!(|a: u32, b: u32| a.wrapping_mul(b)),
                I32_AND_IMM => i32i!(|a: u32, b: u32| a & b),
                I32_OR_IMM => i32i!(|a: u32, b: u32| a | b),
                I32_XOR_IMM => i32i!(|a: u32, b: u32| a ^ b),
                I32_SHL_IMM => i32i!(|a: u32, b: u32| a.wrapping_shl(b)),
                I32_SHR_S_IMM => i32i!(|a: u32, b: u32| (a as i32).wrapping_shr(b) as u32),
                I32_SHR_U_IMM => i32i!(|a: u32, b: u32| a.wrapping_shr(b)),
                I32_ROTL_IMM => i32i!(|a: u32, b: u32| a.rotate_left(b & 31)),
                I32_ROTR_IMM => i32i!(|a: u32, b: u32| a.rotate_right(b & 31)),
                I32_EQ_IMM => i32i!(cmp32::eq),
                I32_NE_IMM => i32i!(cmp32::ne),
                I32_LT_S_IMM => i32i!(cmp32::lt_s),
                I32_LT_U_IMM => i32i!(cmp32::lt_u),
                I32_GT_S_IMM => i32i!(cmp32::gt_s),
                I32_GT_U_IMM => i32i!(cmp32::gt_u),
                I32_LE_S_IMM => i32i!(cmp32::le_s),
                I32_LE_U_IMM => i32i!(cmp32::le_u),
                I32_GE_S_IMM => i32i!(cmp32::ge_s),
                I32_GE_U_IMM => i32i!(cmp32::ge_u),
                I64_ADD_IMM => i64i!(|a: u64, b: u64| a.wrapping_add(b)),
                I64_SUB_IMM => i64i!(|a: u64, b: u64| a.wrapping_sub(b)),
                I64_MUL_IMM => i64i!(|a: u64, b: u64| a.wrapping_mul(b)),
                I64_AND_IMM => i64i!(|a: u64, b: u64| a & b),
                I64_OR_IMM => i64i!(|a: u64, b: u64| a | b),
                I64_XOR_IMM => i64i!(|a: u64, b: u64| a ^ b),
                I64_SHL_IMM => i64i!(|a: u64, b: u64| a.wrapping_shl(b as u32)),
                I64_SHR_S_IMM => i64i!(|a: u64, b: u64| (a as i64).wrapping_shr(b as u32) as u64),
                I64_SHR_U_IMM => i64i!(|a: u64, b: u64| a.wrapping_shr(b as u32)),
                I64_ROTL_IMM => i64i!(|a: u64, b: u64| a.rotate_left((b & 63) as u32)),
                I64_ROTR_IMM => i64i!(|a: u64, b: u64| a.rotate_right((b & 63) as u32)),
                I64_EQ_IMM => i64i!(cmp64::eq),
                I64_NE_IMM => i64i!(cmp64::ne),
                I64_LT_S_IMM => i64i!(cmp64::lt_s),
                I64_LT_U_IMM => i64i!(cmp64::lt_u),
                I64_GT_S_IMM => i64i!(cmp64::gt_s),
                I64_GT_U_IMM => i64i!(cmp64::gt_u),
                I64_LE_S_IMM => i64i!(cmp64::le_s),
                I64_LE_U_IMM => i64i!(cmp64::le_u),
                I64_GE_S_IMM => i64i!(cmp64::ge_s),
                I64_GE_U_IMM => i64i!(cmp64::ge_u),
                BR_I32_EQ => brc!(cmp32::eq),
                BR_I32_NE => brc!(cmp32::ne),
                BR_I32_LT_S => brc!(cmp32::lt_s),
                BR_I32_LT_U => brc!(cmp32::lt_u),
                BR_I32_GT_S => brc!(cmp32::gt_s),
                BR_I32_GT_U => brc!(cmp32::gt_u),
                BR_I32_LE_S => brc!(cmp32::le_s),
                BR_I32_LE_U => brc!(cmp32::le_u),
                BR_I32_GE_S => brc!(cmp32::ge_s),
                BR_I32_GE_U => brc!(cmp32::ge_u),
                BR_I32_EQ_IMM => brci!(cmp32::eq),
                BR_I32_NE_IMM => brci!(cmp32::ne),
                BR_I32_LT_S_IMM => brci!(cmp32::lt_s),
                BR_I32_LT_U_IMM => brci!(cmp32::lt_u),
                BR_I32_GT_S_IMM => brci!(cmp32::gt_s),
                BR_I32_GT_U_IMM => brci!(cmp32::gt_u),
                BR_I32_LE_S_IMM => brci!(cmp32::le_s),
                BR_I32_LE_U_IMM => brci!(cmp32::le_u),
                BR_I32_GE_S_IMM => brci!(cmp32::ge_s),
                BR_I32_GE_U_IMM => brci!(cmp32::ge_u),
                I32_ADD_IMM_BR_NZ => {
                    let v = (s!(2) as u32).wrapping_add(imm!(3));
                    d!(1) = u64::from(v);
                    if v != 0 {
                        pc = imm!(4) as usize;
                        fuel_block!();
                    } else {
                        next!(5);
                    }
                }
                I32_ADD_IMM_BR_EQ_IMM => abrci!(cmp32::eq),
                I32_ADD_IMM_BR_NE_IMM => abrci!(cmp32::ne),
                I32_ADD_IMM_BR_LT_S_IMM => abrci!(cmp32::lt_s),
                I32_ADD_IMM_BR_LT_U_IMM => abrci!(cmp32::lt_u),
                I32_ADD_IMM_BR_GT_S_IMM => abrci!(cmp32::gt_s),
                I32_ADD_IMM_BR_GT_U_IMM => abrci!(cmp32::gt_u),
                I32_ADD_IMM_BR_LE_S_IMM => abrci!(cmp32::le_s),
                I32_ADD_IMM_BR_LE_U_IMM => abrci!(cmp32::le_u),
                I32_ADD_IMM_BR_GE_S_IMM => abrci!(cmp32::ge_s),
                I32_ADD_IMM_BR_GE_U_IMM => abrci!(cmp32::ge_u),
                I32_XOR_SHR_U_IMM => {
                    let v = (s!(2) as u32) ^ (s!(3) as u32).wrapping_shr(imm!(4));
                    d!(1) = u64::from(v);
                    next!(5);
                }
                I32_XOR_ROTL_IMM => {
                    let v = (s!(2) as u32) ^ (s!(3) as u32).rotate_left(imm!(4) & 31);
                    d!(1) = u64::from(v);
                    next!(5);
                }
                I32_XOR_LOAD8_U_ADD_IMM => {
                    let a = (s!(3) as u32).wrapping_add(imm!(4));
                    let [b] = load::<1>(mem, mem_len, u64::from(a), imm!(5))?;
                    d!(1) = u64::from((s!(2) as u32) ^ u32::from(b));
                    next!(6);
                }
                I32_OR_LOAD8_U_ADD_IMM => {
                    let a = (s!(3) as u32).wrapping_add(imm!(4));
                    let [b] = load::<1>(mem, mem_len, u64::from(a), imm!(5))?;
                    d!(1) = u64::from((s!(2) as u32) | u32::from(b));
                    next!(6);
                }
                GLOBAL_GET => {
                    let v = *self.globals.get(imm!(2) as usize).ok_or(VSE)?;
                    d!(1) = v;
                    next!(3);
                }
                GLOBAL_SET => {
                    let v = s!(2);
                    *self.globals.get_mut(imm!(1) as usize).ok_or(VSE)? = v;
                    next!(3);
                }
                SELECT => {
                    let v = if s!(4) as u32 != 0 { s!(2) } else { s!(3) };
                    d!(1) = v;
                    next!(5);
                }
                SELECT_I32_EQ => selc!(cmp32::eq),
                SELECT_I32_NE => selc!(cmp32::ne),
                SELECT_I32_LT_S => selc!(cmp32::lt_s),
                SELECT_I32_LT_U => selc!(cmp32::lt_u),
                SELECT_I32_GT_S => selc!(cmp32::gt_s),
                SELECT_I32_GT_U => selc!(cmp32::gt_u),
                SELECT_I32_LE_S => selc!(cmp32::le_s),
                SELECT_I32_LE_U => selc!(cmp32::le_u),
                SELECT_I32_GE_S => selc!(cmp32::ge_s),
                SELECT_I32_GE_U => selc!(cmp32::ge_u),
                SELECT_AND_IMM => {
                    let v = if (s!(4) as u32) & imm!(5) != 0 {
                        s!(2)
                    } else {
                        s!(3)
                    };
                    d!(1) = v;
                    next!(6);
                }
                JUMP => {
                    pc = imm!(1) as usize;
                    fuel_block!();
                }
                BR => {
                    let target = imm!(1) as usize;
                    move_slots(frame, imm!(2) as usize, imm!(3) as usize, imm!(4) as usize)?;
                    pc = target;
                    fuel_block!();
                }
                BR_NZ => {
                    if s!(1) as u32 != 0 {
                        pc = imm!(2) as usize;
                        fuel_block!();
                    } else {
                        next!(3);
                    }
                }
                BR_EQZ => {
                    if s!(1) as u32 == 0 {
                        pc = imm!(2) as usize;
                        fuel_block!();
                    } else {
                        next!(3);
                    }
                }
                BR_NZ_COPY => {
                    if s!(1) as u32 != 0 {
                        let target = imm!(2) as usize;
                        move_slots(frame, imm!(3) as usize, imm!(4) as usize, imm!(5) as usize)?;
                        pc = target;
                        fuel_block!();
                    } else {
                        next!(6);
                    }
                }
                BR_TABLE => {
                    let n = imm!(2);
                    let src = imm!(3) as usize;
                    let arity = imm!(4) as usize;
                    let i = (s!(1) as u32).min(n) as usize;
                    let e = pc.wrapping_add(5).wrapping_add(i.wrapping_mul(2));
                    let target = code.get(e).copied().ok_or(Trap::Unreachable)? as usize;
                    let newh = code
                        .get(e.wrapping_add(1))
                        .copied()
                        .ok_or(Trap::Unreachable)? as usize;
                    move_slots(frame, src, newh, arity)?;
                    pc = target;
                    fuel_block!();
                }
                RETURN | RETURN_CONST32 => {
                    if op == RETURN {
                        move_slots(frame, imm!(1) as usize, 0, imm!(2) as usize)?;
                    } else {
                        // (slot 0 is in every frame that has this op: the compiler records it)
                        *slot!(0) = u64::from(imm!(1));
                    }
                    if depth == 0 {
                        return Ok(());
                    }
                    depth = depth.wrapping_sub(1);
                    let fr = depth.wrapping_mul(FRAME_WORDS);
                    pc = frames.get(fr).copied().ok_or(Trap::CallStackExhausted)? as usize;
                    if pc >= limit {
                        return Err(Trap::Unreachable);
                    }
                    fp = frames
                        .get(fr.wrapping_add(1))
                        .copied()
                        .ok_or(Trap::CallStackExhausted)? as usize;
                    enter_frame!();
                }
                CALL => {
                    // the callee (a compiled function) as its record has it: entry, declared
                    // locals, maximal height, params, copied into the op by `link_calls` once
                    // every body was compiled
                    debug_assert!(
                        m.func_rec(imm!(1) as usize)[1..]
                            == [NO_HOST, imm!(3), imm!(4), imm!(5), imm!(6)],
                        "CALL words differ from the callee's record"
                    );
                    let next_pc = pc.wrapping_add(7);
                    enter_call!(imm!(2), imm!(3), imm!(4), imm!(5), imm!(6), next_pc);
                }
                CALL_INDIRECT => {
                    let canon = imm!(1);
                    let h = imm!(4) as usize;
                    let (base, size) = {
                        let i = (imm!(2) as usize).wrapping_mul(2);
                        (
                            self.table_hdr.get(i).copied().unwrap_or(0) as usize,
                            self.table_hdr.get(i.wrapping_add(1)).copied().unwrap_or(0),
                        )
                    };
                    let i = s!(3) as u32;
                    if i >= size {
                        return Err(Trap::UndefinedElement);
                    }
                    let r = *self
                        .tables
                        .get(base.wrapping_add(i as usize))
                        .ok_or(Trap::UndefinedElement)?;
                    if r == 0 {
                        return Err(Trap::UninitializedElement);
                    }
                    let f = r.wrapping_sub(1) as usize;
                    if f as u32 & FOREIGN_FUNC != 0 {
                        // a linker-provided function of another instance: the host checks
                        // its signature against the call's type
                        let id = f as u32 & !FOREIGN_FUNC;
                        let mem = mem.get_mut(..mem_len).unwrap_or(&mut []);
                        let np = m.rec(m.h.o_types, TYPE_REC, canon as usize, 1) as usize;
                        let top = fp.wrapping_add(h).wrapping_add(np);
                        call_host(m, canon, id, stack, top, mem, host, fuel)?;
                        enter_frame!();
                        next!(5);
                        continue;
                    }
                    if f >= m.h.n_funcs {
                        return Err(Trap::UninitializedElement);
                    }
                    let t = m.rec(m.h.o_funcs, FUNC_REC, f, 0) as usize;
                    if m.rec(m.h.o_types, TYPE_REC, t, 3) != canon {
                        return Err(Trap::IndirectCallTypeMismatch);
                    }
                    let [_, hid, entry, extra, maxh, np] = m.func_rec(f);
                    if hid != NO_HOST {
                        let mem = mem.get_mut(..mem_len).unwrap_or(&mut []);
                        let top = fp.wrapping_add(h).wrapping_add(np as usize);
                        call_host(
                            m,
                            m.func_type_idx(f as u32),
                            hid,
                            stack,
                            top,
                            mem,
                            host,
                            fuel,
                        )?;
                        enter_frame!();
                        next!(5);
                        continue;
                    }
                    let next_pc = pc.wrapping_add(5);
                    enter_call!(h as u32, entry, extra, maxh, np, next_pc);
                }
                CALL_HOST => {
                    host_call!();
                    next!(6);
                }
                HOST_LOAD_U8 => {
                    host_load!(Intrinsic::LoadU8, |v: i64| u64::from(v as u32));
                    next!(6);
                }
                HOST_LOAD_BE16 => {
                    host_load!(Intrinsic::LoadBe16, |v: i64| u64::from(v as u32));
                    next!(6);
                }
                HOST_LOAD_BE32 => {
                    host_load!(Intrinsic::LoadBe32, |v: i64| v as u64);
                    next!(6);
                }
                UNREACHABLE => return Err(unreachable_trap()),
                MEMORY_SIZE => {
                    d!(1) = u64::from(self.mem_pages);
                    next!(2);
                }
                MEMORY_GROW => {
                    let delta = s!(2) as u32;
                    let old = self.mem_pages;
                    let r = match old.checked_add(delta).filter(|&n| n <= m.h.mem_max) {
                        Some(new) => {
                            charge!((delta as usize).wrapping_mul(PAGE_SIZE));
                            let new_len = (new as usize).wrapping_mul(PAGE_SIZE);
                            mem.get_mut(mem_len..new_len)
                                .ok_or(Trap::MemoryOutOfBounds)?
                                .fill(0);
                            self.mem_pages = new;
                            mem_len = new_len;
                            u64::from(old)
                        }
                        None => u64::from(u32::MAX),
                    };
                    d!(1) = r;
                    next!(3);
                }
                MEMORY_INIT => {
                    let b = imm!(2) as usize;
                    let d = *slot!(b) as u32;
                    let s = *slot!(b.wrapping_add(1)) as u32;
                    let n = *slot!(b.wrapping_add(2)) as u32;
                    charge!(n);
                    super::memory_init(m, self.dropped, mem, mem_len, [imm!(1), d, s, n])?;
                    next!(3);
                }
                DATA_DROP => {
                    let i = m.h.n_elems.wrapping_add(imm!(1) as usize);
                    if let Some(x) = self.dropped.get_mut(i) {
                        *x = 1;
                    }
                    next!(2);
                }
                MEMORY_COPY => {
                    let b = imm!(1) as usize;
                    let d = *slot!(b) as u32 as usize;
                    let s = *slot!(b.wrapping_add(1)) as u32 as usize;
                    let n = *slot!(b.wrapping_add(2)) as u32 as usize;
                    charge!(n);
                    if s.saturating_add(n) > mem_len || d.saturating_add(n) > mem_len {
                        return Err(Trap::MemoryOutOfBounds);
                    }
                    let mem = mem.get_mut(..mem_len).ok_or(Trap::MemoryOutOfBounds)?;
                    if !super::copy_within(mem, s, d, n) {
                        return Err(Trap::MemoryOutOfBounds);
                    }
                    next!(2);
                }
                MEMORY_FILL => {
                    let b = imm!(1) as usize;
                    let d = *slot!(b) as u32 as usize;
                    let v = *slot!(b.wrapping_add(1)) as u8;
                    let n = *slot!(b.wrapping_add(2)) as u32 as usize;
                    charge!(n);
                    if d.saturating_add(n) > mem_len {
                        return Err(Trap::MemoryOutOfBounds);
                    }
                    mem.get_mut(d..d.wrapping_add(n))
                        .ok_or(Trap::MemoryOutOfBounds)?
                        .fill(v);
                    next!(2);
                }
                TABLE_GET => {
                    let (base, size) = super::table_bounds(self.table_hdr, imm!(2));
                    let i = s!(3) as u32;
                    if i >= size {
                        return Err(Trap::TableOutOfBounds);
                    }
                    d!(1) = u64::from(
                        *self
                            .tables
                            .get(base.wrapping_add(i as usize))
                            .ok_or(Trap::TableOutOfBounds)?,
                    );
                    next!(4);
                }
                TABLE_SET => {
                    let (base, size) = super::table_bounds(self.table_hdr, imm!(1));
                    let v = s!(3);
                    let i = s!(2) as u32;
                    if i >= size {
                        return Err(Trap::TableOutOfBounds);
                    }
                    *self
                        .tables
                        .get_mut(base.wrapping_add(i as usize))
                        .ok_or(Trap::TableOutOfBounds)? = v as u32;
                    next!(4);
                }
                TABLE_SIZE => {
                    let (_, size) = super::table_bounds(self.table_hdr, imm!(2));
                    d!(1) = u64::from(size);
                    next!(3);
                }
                TABLE_GROW => {
                    let t = imm!(1);
                    let b = imm!(2) as usize;
                    let (base, size) = super::table_bounds(self.table_hdr, t);
                    let init = *slot!(b) as u32;
                    let n = *slot!(b.wrapping_add(1)) as u32;
                    charge!(n);
                    let cap = m.rec(m.h.o_tables, super::super::module::TABLE_REC, t as usize, 2);
                    let r = match size.checked_add(n).filter(|&s| s <= cap) {
                        Some(new) => {
                            self.tables
                                .get_mut(
                                    base.wrapping_add(size as usize)
                                        ..base.wrapping_add(new as usize),
                                )
                                .ok_or(Trap::TableOutOfBounds)?
                                .fill(init);
                            if let Some(s) = self
                                .table_hdr
                                .get_mut((t as usize).wrapping_mul(2).wrapping_add(1))
                            {
                                *s = new;
                            }
                            u64::from(size)
                        }
                        None => u64::from(u32::MAX),
                    };
                    *slot!(b) = r;
                    next!(3);
                }
                TABLE_FILL => {
                    let (base, size) = super::table_bounds(self.table_hdr, imm!(1));
                    let b = imm!(2) as usize;
                    let i = *slot!(b) as u32;
                    let v = *slot!(b.wrapping_add(1)) as u32;
                    let n = *slot!(b.wrapping_add(2)) as u32;
                    charge!(n);
                    if u64::from(i).wrapping_add(u64::from(n)) > u64::from(size) {
                        return Err(Trap::TableOutOfBounds);
                    }
                    let s = base.wrapping_add(i as usize);
                    self.tables
                        .get_mut(s..s.wrapping_add(n as usize))
                        .ok_or(Trap::TableOutOfBounds)?
                        .fill(v);
                    next!(3);
                }
                TABLE_COPY => {
                    let (dbase, dsize) = super::table_bounds(self.table_hdr, imm!(1));
                    let (sbase, ssize) = super::table_bounds(self.table_hdr, imm!(2));
                    let b = imm!(3) as usize;
                    let d = *slot!(b) as u32;
                    let s = *slot!(b.wrapping_add(1)) as u32;
                    let n = *slot!(b.wrapping_add(2)) as u32;
                    charge!(n);
                    if u64::from(s).wrapping_add(u64::from(n)) > u64::from(ssize)
                        || u64::from(d).wrapping_add(u64::from(n)) > u64::from(dsize)
                    {
                        return Err(Trap::TableOutOfBounds);
                    }
                    let s = sbase.wrapping_add(s as usize);
                    let d = dbase.wrapping_add(d as usize);
                    let n = n as usize;
                    if s.saturating_add(n) > self.tables.len()
                        || d.saturating_add(n) > self.tables.len()
                    {
                        return Err(Trap::TableOutOfBounds);
                    }
                    if !super::copy_within(self.tables, s, d, n) {
                        return Err(Trap::TableOutOfBounds);
                    }
                    next!(4);
                }
                TABLE_INIT => {
                    let b = imm!(3) as usize;
                    let d = *slot!(b) as u32;
                    let s = *slot!(b.wrapping_add(1)) as u32;
                    let n = *slot!(b.wrapping_add(2)) as u32;
                    charge!(n);
                    super::table_init(
                        m,
                        self.dropped,
                        self.tables,
                        self.table_hdr,
                        self.globals,
                        [imm!(1), imm!(2), d, s, n],
                    )?;
                    next!(4);
                }
                ELEM_DROP => {
                    if let Some(x) = self.dropped.get_mut(imm!(1) as usize) {
                        *x = 1;
                    }
                    next!(2);
                }
                // memory access
                I32_LOAD => loadop!(4, ld::u32_le),
                I64_LOAD => loadop!(8, ld::u64_le),
                F32_LOAD => loadop!(4, ld::u32_le),
                F64_LOAD => loadop!(8, ld::u64_le),
                I32_LOAD8_S => loadop!(1, ld::i32_s8),
                I32_LOAD8_U => loadop!(1, ld::u8),
                I32_LOAD16_S => loadop!(2, ld::i32_s16),
                I32_LOAD16_U => loadop!(2, ld::u16_le),
                I64_LOAD8_S => loadop!(1, ld::i64_s8),
                I64_LOAD8_U => loadop!(1, ld::u8),
                I64_LOAD16_S => loadop!(2, ld::i64_s16),
                I64_LOAD16_U => loadop!(2, ld::u16_le),
                I64_LOAD32_S => loadop!(4, ld::i64_s32),
                I64_LOAD32_U => loadop!(4, ld::u32_le),
                I32_LOAD_ADD_IMM => loadop_ai!(4, ld::u32_le),
                I64_LOAD_ADD_IMM => loadop_ai!(8, ld::u64_le),
                F32_LOAD_ADD_IMM => loadop_ai!(4, ld::u32_le),
                F64_LOAD_ADD_IMM => loadop_ai!(8, ld::u64_le),
                I32_LOAD8_S_ADD_IMM => {
                    loadop_ai!(1, ld::i32_s8)
                }
                I32_LOAD8_U_ADD_IMM => loadop_ai!(1, ld::u8),
                I32_LOAD16_S_ADD_IMM => {
                    loadop_ai!(2, ld::i32_s16)
                }
                I32_LOAD16_U_ADD_IMM => loadop_ai!(2, ld::u16_le),
                I64_LOAD8_S_ADD_IMM => loadop_ai!(1, ld::i64_s8),
                I64_LOAD8_U_ADD_IMM => loadop_ai!(1, ld::u8),
                I64_LOAD16_S_ADD_IMM => loadop_ai!(2, ld::i64_s16),
                I64_LOAD16_U_ADD_IMM => loadop_ai!(2, ld::u16_le),
                I64_LOAD32_S_ADD_IMM => loadop_ai!(4, ld::i64_s32),
                I64_LOAD32_U_ADD_IMM => loadop_ai!(4, ld::u32_le),
                I32_LOAD_SCALED => loadop_sc!(4, ld::u32_le),
                I64_LOAD_SCALED => loadop_sc!(8, ld::u64_le),
                F32_LOAD_SCALED => loadop_sc!(4, ld::u32_le),
                F64_LOAD_SCALED => loadop_sc!(8, ld::u64_le),
                I32_LOAD8_S_SCALED => {
                    loadop_sc!(1, ld::i32_s8)
                }
                I32_LOAD8_U_SCALED => loadop_sc!(1, ld::u8),
                I32_LOAD16_S_SCALED => {
                    loadop_sc!(2, ld::i32_s16)
                }
                I32_LOAD16_U_SCALED => loadop_sc!(2, ld::u16_le),
                I64_LOAD8_S_SCALED => loadop_sc!(1, ld::i64_s8),
                I64_LOAD8_U_SCALED => loadop_sc!(1, ld::u8),
                I64_LOAD16_S_SCALED => loadop_sc!(2, ld::i64_s16),
                I64_LOAD16_U_SCALED => loadop_sc!(2, ld::u16_le),
                I64_LOAD32_S_SCALED => loadop_sc!(4, ld::i64_s32),
                I64_LOAD32_U_SCALED => loadop_sc!(4, ld::u32_le),
                I32_LOAD_TEE_ADD_IMM => {
                    let a = (s!(3) as u32).wrapping_add(imm!(4));
                    d!(2) = u64::from(a);
                    let bytes = load::<4>(mem, mem_len, u64::from(a), imm!(5))?;
                    d!(1) = u64::from(u32::from_le_bytes(bytes));
                    next!(6);
                }
                I32_LOAD_ABS => loadop_abs!(4, ld::u32_le),
                I64_LOAD_ABS => loadop_abs!(8, ld::u64_le),
                F32_LOAD_ABS => loadop_abs!(4, ld::u32_le),
                F64_LOAD_ABS => loadop_abs!(8, ld::u64_le),
                I32_LOAD8_S_ABS => loadop_abs!(1, ld::i32_s8),
                I32_LOAD8_U_ABS => loadop_abs!(1, ld::u8),
                I32_LOAD16_S_ABS => loadop_abs!(2, ld::i32_s16),
                I32_LOAD16_U_ABS => loadop_abs!(2, ld::u16_le),
                I64_LOAD8_S_ABS => loadop_abs!(1, ld::i64_s8),
                I64_LOAD8_U_ABS => loadop_abs!(1, ld::u8),
                I64_LOAD16_S_ABS => loadop_abs!(2, ld::i64_s16),
                I64_LOAD16_U_ABS => loadop_abs!(2, ld::u16_le),
                I64_LOAD32_S_ABS => loadop_abs!(4, ld::i64_s32),
                I64_LOAD32_U_ABS => loadop_abs!(4, ld::u32_le),
                I32_STORE_ABS | F32_STORE_ABS => {
                    storeop_abs!(4, |v: u64| (v as u32).to_le_bytes())
                }
                I64_STORE_ABS | F64_STORE_ABS => storeop_abs!(8, |v: u64| v.to_le_bytes()),
                I32_STORE8_ABS | I64_STORE8_ABS => storeop_abs!(1, |v: u64| [v as u8]),
                I32_STORE16_ABS | I64_STORE16_ABS => {
                    storeop_abs!(2, |v: u64| (v as u16).to_le_bytes())
                }
                I64_STORE32_ABS => storeop_abs!(4, |v: u64| (v as u32).to_le_bytes()),
                I32_STORE | F32_STORE => storeop!(4, |v: u64| (v as u32).to_le_bytes()),
                I64_STORE | F64_STORE => storeop!(8, |v: u64| v.to_le_bytes()),
                I32_STORE8 | I64_STORE8 => storeop!(1, |v: u64| [v as u8]),
                I32_STORE16 | I64_STORE16 => storeop!(2, |v: u64| (v as u16).to_le_bytes()),
                I64_STORE32 => storeop!(4, |v: u64| (v as u32).to_le_bytes()),
                I32_EQZ => {
                    i32u!(|a: u32| a == 0);
                }
                I32_EQ => {
                    i32b!(cmp32::eq);
                }
                I32_NE => {
                    i32b!(cmp32::ne);
                }
                I32_LT_S => {
                    i32b!(cmp32::lt_s);
                }
                I32_LT_U => {
                    i32b!(cmp32::lt_u);
                }
                I32_GT_S => {
                    i32b!(cmp32::gt_s);
                }
                I32_GT_U => {
                    i32b!(cmp32::gt_u);
                }
                I32_LE_S => {
                    i32b!(cmp32::le_s);
                }
                I32_LE_U => {
                    i32b!(cmp32::le_u);
                }
                I32_GE_S => {
                    i32b!(cmp32::ge_s);
                }
                I32_GE_U => {
                    i32b!(cmp32::ge_u);
                }
                I64_EQZ => {
                    un!(|a: u64| u64::from(a == 0));
                }
                I64_EQ => {
                    i64b!(cmp64::eq);
                }
                I64_NE => {
                    i64b!(cmp64::ne);
                }
                I64_LT_S => {
                    i64b!(cmp64::lt_s);
                }
                I64_LT_U => {
                    i64b!(cmp64::lt_u);
                }
                I64_GT_S => {
                    i64b!(cmp64::gt_s);
                }
                I64_GT_U => {
                    i64b!(cmp64::gt_u);
                }
                I64_LE_S => {
                    i64b!(cmp64::le_s);
                }
                I64_LE_U => {
                    i64b!(cmp64::le_u);
                }
                I64_GE_S => {
                    i64b!(cmp64::ge_s);
                }
                I64_GE_U => {
                    i64b!(cmp64::ge_u);
                }
                F32_EQ => {
                    f32b!(sf::f32_eq);
                }
                F32_NE => {
                    f32b!(sf::f32_ne);
                }
                F32_LT => {
                    f32b!(sf::f32_lt);
                }
                F32_GT => {
                    f32b!(sf::f32_gt);
                }
                F32_LE => {
                    f32b!(sf::f32_le);
                }
                F32_GE => {
                    f32b!(sf::f32_ge);
                }
                F64_EQ => {
                    i64b!(sf::f64_eq);
                }
                F64_NE => {
                    i64b!(sf::f64_ne);
                }
                F64_LT => {
                    i64b!(sf::f64_lt);
                }
                F64_GT => {
                    i64b!(sf::f64_gt);
                }
                F64_LE => {
                    i64b!(sf::f64_le);
                }
                F64_GE => {
                    i64b!(sf::f64_ge);
                }
                I32_CLZ => {
                    i32u!(|a: u32| a.leading_zeros());
                }
                I32_CTZ => {
                    i32u!(|a: u32| a.trailing_zeros());
                }
                I32_POPCNT => {
                    i32u!(|a: u32| a.count_ones());
                }
                I32_ADD => {
                    i32b!(|a: u32, b: u32| a.wrapping_add(b));
                }
                I32_SUB => {
                    i32b!(|a: u32, b: u32| a.wrapping_sub(b));
                }
                I32_MUL => {
                    i32b!(|a: u32, b: u32| a.wrapping_mul(b));
                }
                I32_DIV_S => {
                    try_bin!(|a: u64, b: u64| -> Result<u64, Trap> {
                        let (a, b) = (a as u32 as i32, b as u32 as i32);
                        if b == 0 {
                            return Err(Trap::IntegerDivideByZero);
                        }
                        Ok(u64::from(
                            a.checked_div(b).ok_or(Trap::IntegerOverflow)? as u32
                        ))
                    });
                }
                I32_DIV_U => {
                    try_bin!(|a: u64, b: u64| -> Result<u64, Trap> {
                        Ok(u64::from(
                            (a as u32)
                                .checked_div(b as u32)
                                .ok_or(Trap::IntegerDivideByZero)?,
                        ))
                    });
                }
                I32_REM_S => {
                    try_bin!(|a: u64, b: u64| -> Result<u64, Trap> {
                        let (a, b) = (a as u32 as i32, b as u32 as i32);
                        if b == 0 {
                            return Err(Trap::IntegerDivideByZero);
                        }
                        Ok(u64::from(a.checked_rem(b).unwrap_or(0) as u32))
                    });
                }
                I32_REM_U => {
                    try_bin!(|a: u64, b: u64| -> Result<u64, Trap> {
                        Ok(u64::from(
                            (a as u32)
                                .checked_rem(b as u32)
                                .ok_or(Trap::IntegerDivideByZero)?,
                        ))
                    });
                }
                I32_AND => {
                    i32b!(|a: u32, b: u32| a & b);
                }
                I32_OR => {
                    i32b!(|a: u32, b: u32| a | b);
                }
                I32_XOR => {
                    i32b!(|a: u32, b: u32| a ^ b);
                }
                I32_SHL => {
                    i32b!(|a: u32, b: u32| a.wrapping_shl(b));
                }
                I32_SHR_S => {
                    i32b!(|a: u32, b: u32| (a as i32).wrapping_shr(b) as u32);
                }
                I32_SHR_U => {
                    i32b!(|a: u32, b: u32| a.wrapping_shr(b));
                }
                I32_ROTL => {
                    i32b!(|a: u32, b: u32| a.rotate_left(b & 31));
                }
                I32_ROTR => {
                    i32b!(|a: u32, b: u32| a.rotate_right(b & 31));
                }
                I64_CLZ => {
                    un!(|a: u64| u64::from(a.leading_zeros()));
                }
                I64_CTZ => {
                    un!(|a: u64| u64::from(a.trailing_zeros()));
                }
                I64_POPCNT => {
                    un!(|a: u64| u64::from(a.count_ones()));
                }
                I64_ADD => {
                    bin!(|a: u64, b: u64| a.wrapping_add(b));
                }
                I64_SUB => {
                    bin!(|a: u64, b: u64| a.wrapping_sub(b));
                }
                I64_MUL => {
                    bin!(|a: u64, b: u64| a.wrapping_mul(b));
                }
                I64_DIV_S => {
                    try_bin!(|a: u64, b: u64| -> Result<u64, Trap> {
                        let (a, b) = (a as i64, b as i64);
                        if b == 0 {
                            return Err(Trap::IntegerDivideByZero);
                        }
                        Ok(a.checked_div(b).ok_or(Trap::IntegerOverflow)? as u64)
                    });
                }
                I64_DIV_U => {
                    try_bin!(|a: u64, b: u64| -> Result<u64, Trap> {
                        a.checked_div(b).ok_or(Trap::IntegerDivideByZero)
                    });
                }
                I64_REM_S => {
                    try_bin!(|a: u64, b: u64| -> Result<u64, Trap> {
                        let (a, b) = (a as i64, b as i64);
                        if b == 0 {
                            return Err(Trap::IntegerDivideByZero);
                        }
                        Ok(a.checked_rem(b).unwrap_or(0) as u64)
                    });
                }
                I64_REM_U => {
                    try_bin!(|a: u64, b: u64| -> Result<u64, Trap> {
                        a.checked_rem(b).ok_or(Trap::IntegerDivideByZero)
                    });
                }
                I64_AND => {
                    bin!(|a: u64, b: u64| a & b);
                }
                I64_OR => {
                    bin!(|a: u64, b: u64| a | b);
                }
                I64_XOR => {
                    bin!(|a: u64, b: u64| a ^ b);
                }
                I64_SHL => {
                    bin!(|a: u64, b: u64| a.wrapping_shl(b as u32));
                }
                I64_SHR_S => {
                    bin!(|a: u64, b: u64| (a as i64).wrapping_shr(b as u32) as u64);
                }
                I64_SHR_U => {
                    bin!(|a: u64, b: u64| a.wrapping_shr(b as u32));
                }
                I64_ROTL => {
                    bin!(|a: u64, b: u64| a.rotate_left((b & 63) as u32));
                }
                I64_ROTR => {
                    bin!(|a: u64, b: u64| a.rotate_right((b & 63) as u32));
                }
                F32_ABS => {
                    f32u!(sf::f32_abs);
                }
                F32_NEG => {
                    f32u!(sf::f32_neg);
                }
                F32_CEIL => {
                    f32u!(sf::f32_ceil);
                }
                F32_FLOOR => {
                    f32u!(sf::f32_floor);
                }
                F32_TRUNC => {
                    f32u!(sf::f32_trunc);
                }
                F32_NEAREST => {
                    f32u!(sf::f32_nearest);
                }
                F32_SQRT => {
                    f32u!(sf::f32_sqrt);
                }
                F32_ADD => {
                    f32b!(sf::f32_add);
                }
                F32_SUB => {
                    f32b!(sf::f32_sub);
                }
                F32_MUL => {
                    f32b!(sf::f32_mul);
                }
                F32_DIV => {
                    f32b!(sf::f32_div);
                }
                F32_MIN => {
                    f32b!(sf::f32_min);
                }
                F32_MAX => {
                    f32b!(sf::f32_max);
                }
                F32_COPYSIGN => {
                    f32b!(sf::f32_copysign);
                }
                F64_ABS => {
                    f64u!(sf::f64_abs);
                }
                F64_NEG => {
                    f64u!(sf::f64_neg);
                }
                F64_CEIL => {
                    f64u!(sf::f64_ceil);
                }
                F64_FLOOR => {
                    f64u!(sf::f64_floor);
                }
                F64_TRUNC => {
                    f64u!(sf::f64_trunc);
                }
                F64_NEAREST => {
                    f64u!(sf::f64_nearest);
                }
                F64_SQRT => {
                    f64u!(sf::f64_sqrt);
                }
                F64_ADD => {
                    bin!(sf::f64_add);
                }
                F64_SUB => {
                    bin!(sf::f64_sub);
                }
                F64_MUL => {
                    bin!(sf::f64_mul);
                }
                F64_DIV => {
                    bin!(sf::f64_div);
                }
                F64_MIN => {
                    bin!(sf::f64_min);
                }
                F64_MAX => {
                    bin!(sf::f64_max);
                }
                F64_COPYSIGN => {
                    bin!(sf::f64_copysign);
                }
                I32_WRAP_I64 => {
                    un!(|a: u64| u64::from(a as u32));
                }
                I32_TRUNC_F32_S => {
                    try_un!(|a: u64| trunc32(sf::i32_trunc_f32_s(a as u32)));
                }
                I32_TRUNC_F32_U => {
                    try_un!(|a: u64| trunc32u(sf::i32_trunc_f32_u(a as u32)));
                }
                I32_TRUNC_F64_S => {
                    try_un!(|a: u64| trunc32(sf::i32_trunc_f64_s(a)));
                }
                I32_TRUNC_F64_U => {
                    try_un!(|a: u64| trunc32u(sf::i32_trunc_f64_u(a)));
                }
                I64_EXTEND_I32_S => {
                    un!(|a: u64| i64::from(a as u32 as i32) as u64);
                }
                I64_EXTEND_I32_U => {
                    un!(|a: u64| u64::from(a as u32));
                }
                I64_TRUNC_F32_S => {
                    try_un!(|a: u64| trunc64(sf::i64_trunc_f32_s(a as u32)));
                }
                I64_TRUNC_F32_U => {
                    try_un!(|a: u64| trunc64u(sf::i64_trunc_f32_u(a as u32)));
                }
                I64_TRUNC_F64_S => {
                    try_un!(|a: u64| trunc64(sf::i64_trunc_f64_s(a)));
                }
                I64_TRUNC_F64_U => {
                    try_un!(|a: u64| trunc64u(sf::i64_trunc_f64_u(a)));
                }
                F32_CONVERT_I32_S => {
                    un!(|a: u64| u64::from(sf::f32_convert_i32_s(a as u32 as i32)));
                }
                F32_CONVERT_I32_U => {
                    un!(|a: u64| u64::from(sf::f32_convert_i32_u(a as u32)));
                }
                F32_CONVERT_I64_S => {
                    un!(|a: u64| u64::from(sf::f32_convert_i64_s(a as i64)));
                }
                F32_CONVERT_I64_U => {
                    un!(|a: u64| u64::from(sf::f32_convert_i64_u(a)));
                }
                F32_DEMOTE_F64 => {
                    un!(|a: u64| u64::from(sf::f32_demote_f64(a)));
                }
                F64_CONVERT_I32_S => {
                    un!(|a: u64| sf::f64_convert_i32_s(a as u32 as i32));
                }
                F64_CONVERT_I32_U => {
                    un!(|a: u64| sf::f64_convert_i32_u(a as u32));
                }
                F64_CONVERT_I64_S => {
                    un!(|a: u64| sf::f64_convert_i64_s(a as i64));
                }
                F64_CONVERT_I64_U => {
                    un!(|a: u64| sf::f64_convert_i64_u(a));
                }
                F64_PROMOTE_F32 => {
                    un!(|a: u64| sf::f64_promote_f32(a as u32));
                }
                I32_EXTEND8_S => {
                    i32u!(|a: u32| i32::from(a as u8 as i8) as u32);
                }
                I32_EXTEND16_S => {
                    i32u!(|a: u32| i32::from(a as u16 as i16) as u32);
                }
                I64_EXTEND8_S => {
                    un!(|a: u64| i64::from(a as u8 as i8) as u64);
                }
                I64_EXTEND16_S => {
                    un!(|a: u64| i64::from(a as u16 as i16) as u64);
                }
                I64_EXTEND32_S => {
                    un!(|a: u64| i64::from(a as u32 as i32) as u64);
                }
                I32_TRUNC_SAT_F32_S => {
                    un!(|a: u64| u64::from(sf::i32_trunc_sat_f32_s(a as u32) as u32));
                }
                I32_TRUNC_SAT_F32_U => {
                    un!(|a: u64| u64::from(sf::i32_trunc_sat_f32_u(a as u32)));
                }
                I32_TRUNC_SAT_F64_S => {
                    un!(|a: u64| u64::from(sf::i32_trunc_sat_f64_s(a) as u32));
                }
                I32_TRUNC_SAT_F64_U => {
                    un!(|a: u64| u64::from(sf::i32_trunc_sat_f64_u(a)));
                }
                I64_TRUNC_SAT_F32_S => {
                    un!(|a: u64| sf::i64_trunc_sat_f32_s(a as u32) as u64);
                }
                I64_TRUNC_SAT_F32_U => {
                    un!(|a: u64| sf::i64_trunc_sat_f32_u(a as u32));
                }
                I64_TRUNC_SAT_F64_S => {
                    un!(|a: u64| sf::i64_trunc_sat_f64_s(a) as u64);
                }
                I64_TRUNC_SAT_F64_U => {
                    un!(|a: u64| sf::i64_trunc_sat_f64_u(a));
                }
                unused_op!() => return Err(unreachable_trap()),
                // Values above OP_MASK, masked off above. A trap other than the one for unused
                // numbers, so that LLVM keeps their cases apart from this arm and, with all
                // `OP_MASK + 1` values named, drops it and the jump table's range check.
                _ => return Err(Trap::ValueStackExhausted),
            }
        }
    }
}

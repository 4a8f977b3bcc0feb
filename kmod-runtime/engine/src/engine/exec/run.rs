// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! The interpreter loop: iterative (Wasm calls push frames on an explicit stack), fuel charged
//! per basic block (at the branch that enters it), every access bounds-checked except value-stack
//! slots inside the current frame, whose bound the validator computed and the call path checked
//! (see `slot!`).

use super::super::limits::{BULK_UNITS_PER_FUEL, PAGE_SIZE};
use super::super::module::{FUNC_REC, NO_HOST, TYPE_REC};
use super::super::ops::*;
use super::super::softfloat as sf;
use super::super::trap::Trap;
use super::{call_host, Instance, FOREIGN_FUNC, FRAME_WORDS};

const VSE: Trap = Trap::ValueStackExhausted;

/// Moves `n` slots from `src` down to `dst` (dst <= src).
#[inline(always)]
fn move_slots(stack: &mut [u64], src: usize, dst: usize, n: usize) -> Result<(), Trap> {
    if src == dst || n == 0 {
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
#[inline(always)]
fn load<const N: usize>(mem: &[u8], a: usize) -> Result<[u8; N], Trap> {
    mem.get(a..a.wrapping_add(N))
        .and_then(|s| <[u8; N]>::try_from(s).ok())
        .ok_or(Trap::MemoryOutOfBounds)
}

#[inline(always)]
fn store<const N: usize>(mem: &mut [u8], a: usize, bytes: [u8; N]) -> Result<(), Trap> {
    let dst = mem
        .get_mut(a..a.wrapping_add(N))
        .and_then(|s| <&mut [u8; N]>::try_from(s).ok())
        .ok_or(Trap::MemoryOutOfBounds)?;
    *dst = bytes;
    Ok(())
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
        let hid = m.rec(m.h.o_funcs, FUNC_REC, func as usize, 1);
        let mem_len = self.mem_len();
        if hid != NO_HOST {
            let mem = self.mem.get_mut(..mem_len).unwrap_or(&mut []);
            call_host(m, m.func_type_idx(func), hid, self.stack, nargs, mem, host)?;
            return Ok(());
        }
        let code =
            m.w.get(m.h.o_code..m.h.o_code.wrapping_add(m.h.code_len))
                .unwrap_or(&[]);
        let Instance {
            mem,
            mem_pages,
            globals,
            stack,
            frames,
            table_hdr,
            tables,
            dropped,
            ..
        } = self;
        let (stack, frames, globals) = (&mut **stack, &mut **frames, &mut **globals);
        let (table_hdr, tables, dropped) = (&mut **table_hdr, &mut **tables, &mut **dropped);
        let mem = &mut **mem;
        let max_depth = frames.len() / FRAME_WORDS;
        let mut mem_len = mem_len;
        let mut pc: usize;
        let mut sp: usize;
        let mut fp: usize = 0;
        let mut depth: usize = 0;

        macro_rules! imm {
            ($k:expr) => {
                code.get(pc.wrapping_add($k)).copied().unwrap_or(0)
            };
        }
        // Value-stack slot `i` of the current frame, unchecked. Every index the loop passes here
        // is `fp + local` (local < the function's local count) or `sp ± k` inside the frame's
        // operand range, and the validator bounds both by the function's max height `maxh`
        // (FUNC_REC field 4: locals + max operand height of every instruction, fused ones
        // included since they never exceed the height of the sequence they replace). Entry and
        // every call check `fp + maxh <= stack.len()` before running a frame; `stack` never
        // changes length, and a return restores a caller frame that passed the same check.
        macro_rules! slot {
            ($i:expr) => {{
                let i: usize = $i;
                debug_assert!(i < stack.len(), "value stack slot out of frame bounds");
                // SAFETY: `i < fp + maxh <= stack.len()` by the frame invariant above.
                unsafe { stack.get_unchecked_mut(i) }
            }};
        }
        macro_rules! pop {
            () => {{
                sp = sp.wrapping_sub(1);
                *slot!(sp)
            }};
        }
        macro_rules! push {
            ($v:expr) => {{
                let v: u64 = $v;
                *slot!(sp) = v;
                sp = sp.wrapping_add(1);
            }};
        }
        macro_rules! top {
            () => {
                slot!(sp.wrapping_sub(1))
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
                let t = top!();
                let a = ea(*t, imm!(1), $n, mem_len)?;
                let bytes = load::<$n>(mem, a)?;
                *t = ($conv)(bytes);
                pc = pc.wrapping_add(2);
            }};
        }
        macro_rules! loadop_l {
            ($n:literal, $conv:expr) => {{
                let addr = local!(imm!(1));
                let a = ea(addr, imm!(2), $n, mem_len)?;
                let bytes = load::<$n>(mem, a)?;
                push!(($conv)(bytes));
                pc = pc.wrapping_add(3);
            }};
        }
        macro_rules! storeop {
            ($n:literal, $conv:expr) => {{
                let v = pop!();
                let addr = pop!();
                let a = ea(addr, imm!(1), $n, mem_len)?;
                let bytes: [u8; $n] = ($conv)(v);
                store(mem, a, bytes)?;
                pc = pc.wrapping_add(2);
            }};
        }
        // Control transfers land on the start of a basic block, which (when reachable code
        // follows) is a FUEL op: charge it here, exactly as dispatching it next would, and skip
        // it, so that FUEL does not cost a dispatch of its own.
        macro_rules! fuel_block {
            () => {{
                if imm!(0) == FUEL {
                    let n = u64::from(imm!(1));
                    if *fuel < n {
                        return Err(Trap::OutOfFuel);
                    }
                    *fuel = fuel.wrapping_sub(n);
                    pc = pc.wrapping_add(2);
                }
            }};
        }
        macro_rules! branch {
            ($k:expr) => {{
                let target = imm!(1 + $k) as usize;
                let newh = imm!(2 + $k) as usize;
                let arity = imm!(3 + $k) as usize;
                let dst = fp.wrapping_add(newh);
                let src = sp.wrapping_sub(arity);
                move_slots(stack, src, dst, arity)?;
                sp = dst.wrapping_add(arity);
                pc = target;
            }};
        }

        macro_rules! un {
            ($f:expr) => {{
                let t = top!();
                *t = ($f)(*t);
            }};
        }
        macro_rules! try_un {
            ($f:expr) => {{
                let t = top!();
                *t = ($f)(*t)?;
            }};
        }
        macro_rules! bin {
            ($f:expr) => {{
                let b = pop!();
                let t = top!();
                *t = ($f)(*t, b);
            }};
        }
        macro_rules! try_bin {
            ($f:expr) => {{
                let b = pop!();
                let t = top!();
                *t = ($f)(*t, b)?;
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
        macro_rules! f32b {
            ($f:expr) => {
                bin!(|a: u64, b: u64| u64::from(($f)(a as u32, b as u32)))
            };
        }
        macro_rules! f32u {
            ($f:expr) => {
                un!(|a: u64| u64::from(($f)(a as u32)))
            };
        }
        macro_rules! f64u {
            ($f:expr) => {
                un!(|a: u64| ($f)(a))
            };
        }

        macro_rules! local {
            ($i:expr) => {
                *slot!(fp.wrapping_add($i as usize))
            };
        }
        macro_rules! si {
            ($f:expr) => {{
                let c = imm!(1);
                let t = top!();
                *t = u64::from(($f)(*t as u32, c));
                pc = pc.wrapping_add(2);
            }};
        }
        macro_rules! sl {
            ($f:expr) => {{
                let b = local!(imm!(1)) as u32;
                let t = top!();
                *t = u64::from(($f)(*t as u32, b));
                pc = pc.wrapping_add(2);
            }};
        }
        macro_rules! ll {
            ($f:expr) => {{
                let a = local!(imm!(1)) as u32;
                let b = local!(imm!(2)) as u32;
                push!(u64::from(($f)(a, b)));
                pc = pc.wrapping_add(3);
            }};
        }
        macro_rules! brc {
            ($f:expr) => {{
                let b = pop!() as u32;
                let a = pop!() as u32;
                if ($f)(a, b) {
                    branch!(0);
                } else {
                    pc = pc.wrapping_add(4);
                }
                fuel_block!();
            }};
        }
        macro_rules! brc_si {
            ($f:expr) => {{
                let a = pop!() as u32;
                if ($f)(a, imm!(1)) {
                    branch!(1);
                } else {
                    pc = pc.wrapping_add(5);
                }
                fuel_block!();
            }};
        }

        macro_rules! brc_not {
            ($f:expr) => {{
                let b = pop!() as u32;
                let a = pop!() as u32;
                if ($f)(a, b) {
                    pc = pc.wrapping_add(2);
                } else {
                    pc = imm!(1) as usize;
                }
                fuel_block!();
            }};
        }
        macro_rules! brc_not_si {
            ($f:expr) => {{
                let a = pop!() as u32;
                if ($f)(a, imm!(1)) {
                    pc = pc.wrapping_add(3);
                } else {
                    pc = imm!(2) as usize;
                }
                fuel_block!();
            }};
        }

        macro_rules! li {
            ($f:expr) => {{
                let a = local!(imm!(1)) as u32;
                push!(u64::from(($f)(a, imm!(2))));
                pc = pc.wrapping_add(3);
            }};
        }
        macro_rules! li_l {
            ($f:expr) => {{
                let a = local!(imm!(1)) as u32;
                let v = u64::from(($f)(a, imm!(2)));
                *slot!(fp.wrapping_add(imm!(3) as usize)) = v;
                pc = pc.wrapping_add(4);
            }};
        }
        macro_rules! ll_l {
            ($f:expr) => {{
                let a = local!(imm!(1)) as u32;
                let b = local!(imm!(2)) as u32;
                let v = u64::from(($f)(a, b));
                *slot!(fp.wrapping_add(imm!(3) as usize)) = v;
                pc = pc.wrapping_add(4);
            }};
        }

        macro_rules! brc_li {
            ($f:expr) => {{
                let a = local!(imm!(1)) as u32;
                if ($f)(a, imm!(2)) {
                    branch!(2);
                } else {
                    pc = pc.wrapping_add(6);
                }
                fuel_block!();
            }};
        }
        macro_rules! brc_not_li {
            ($f:expr) => {{
                let a = local!(imm!(1)) as u32;
                if ($f)(a, imm!(2)) {
                    pc = pc.wrapping_add(4);
                } else {
                    pc = imm!(3) as usize;
                }
                fuel_block!();
            }};
        }

        macro_rules! s_l {
            ($f:expr) => {{
                let b = pop!() as u32;
                let a = pop!() as u32;
                let v = u64::from(($f)(a, b));
                *slot!(fp.wrapping_add(imm!(1) as usize)) = v;
                pc = pc.wrapping_add(2);
            }};
        }
        macro_rules! si_l {
            ($f:expr) => {{
                let a = pop!() as u32;
                let v = u64::from(($f)(a, imm!(1)));
                *slot!(fp.wrapping_add(imm!(2) as usize)) = v;
                pc = pc.wrapping_add(3);
            }};
        }
        macro_rules! sl_l {
            ($f:expr) => {{
                let a = pop!() as u32;
                let b = local!(imm!(1)) as u32;
                let v = u64::from(($f)(a, b));
                *slot!(fp.wrapping_add(imm!(2) as usize)) = v;
                pc = pc.wrapping_add(3);
            }};
        }

        // Enter `func`.
        {
            let f = func as usize;
            let extra = m.rec(m.h.o_funcs, FUNC_REC, f, 3) as usize;
            let maxh = m.rec(m.h.o_funcs, FUNC_REC, f, 4) as usize;
            if maxh > stack.len() {
                return Err(VSE);
            }
            stack
                .get_mut(nargs..nargs.wrapping_add(extra))
                .ok_or(VSE)?
                .fill(0);
            sp = nargs.wrapping_add(extra);
            pc = m.rec(m.h.o_funcs, FUNC_REC, f, 2) as usize;
        }

        loop {
            let op = *code.get(pc).ok_or(Trap::Unreachable)?;
            match op {
                FUEL => {
                    let n = u64::from(imm!(1));
                    if *fuel < n {
                        return Err(Trap::OutOfFuel);
                    }
                    *fuel = fuel.wrapping_sub(n);
                    pc = pc.wrapping_add(2);
                }
                LOCAL_GET => {
                    let v = *slot!(fp.wrapping_add(imm!(1) as usize));
                    push!(v);
                    pc = pc.wrapping_add(2);
                }
                LOCAL_GET2 => {
                    let a = *slot!(fp.wrapping_add(imm!(1) as usize));
                    let b = *slot!(fp.wrapping_add(imm!(2) as usize));
                    push!(a);
                    push!(b);
                    pc = pc.wrapping_add(3);
                }
                LOCAL_SET => {
                    let v = pop!();
                    *slot!(fp.wrapping_add(imm!(1) as usize)) = v;
                    pc = pc.wrapping_add(2);
                }
                LOCAL_TEE => {
                    let v = *slot!(sp.wrapping_sub(1));
                    *slot!(fp.wrapping_add(imm!(1) as usize)) = v;
                    pc = pc.wrapping_add(2);
                }
                I32_ADD_SI => si!(|a: u32, b: u32| a.wrapping_add(b)),
                I32_ADD_SL => sl!(|a: u32, b: u32| a.wrapping_add(b)),
                I32_ADD_LL => ll!(|a: u32, b: u32| a.wrapping_add(b)),
                I32_SUB_SI => si!(|a: u32, b: u32| a.wrapping_sub(b)),
                I32_SUB_SL => sl!(|a: u32, b: u32| a.wrapping_sub(b)),
                I32_SUB_LL => ll!(|a: u32, b: u32| a.wrapping_sub(b)),
                I32_MUL_SI => si!(|a: u32, b: u32| a.wrapping_mul(b)),
                I32_MUL_SL => sl!(|a: u32, b: u32| a.wrapping_mul(b)),
                I32_MUL_LL => ll!(|a: u32, b: u32| a.wrapping_mul(b)),
                I32_AND_SI => si!(|a: u32, b: u32| a & b),
                I32_AND_SL => sl!(|a: u32, b: u32| a & b),
                I32_AND_LL => ll!(|a: u32, b: u32| a & b),
                I32_OR_SI => si!(|a: u32, b: u32| a | b),
                I32_OR_SL => sl!(|a: u32, b: u32| a | b),
                I32_OR_LL => ll!(|a: u32, b: u32| a | b),
                I32_XOR_SI => si!(|a: u32, b: u32| a ^ b),
                I32_XOR_SL => sl!(|a: u32, b: u32| a ^ b),
                I32_XOR_LL => ll!(|a: u32, b: u32| a ^ b),
                I32_SHL_SI => si!(|a: u32, b: u32| a.wrapping_shl(b)),
                I32_SHL_SL => sl!(|a: u32, b: u32| a.wrapping_shl(b)),
                I32_SHL_LL => ll!(|a: u32, b: u32| a.wrapping_shl(b)),
                I32_SHR_S_SI => si!(|a: u32, b: u32| (a as i32).wrapping_shr(b) as u32),
                I32_SHR_S_SL => sl!(|a: u32, b: u32| (a as i32).wrapping_shr(b) as u32),
                I32_SHR_S_LL => ll!(|a: u32, b: u32| (a as i32).wrapping_shr(b) as u32),
                I32_SHR_U_SI => si!(|a: u32, b: u32| a.wrapping_shr(b)),
                I32_SHR_U_SL => sl!(|a: u32, b: u32| a.wrapping_shr(b)),
                I32_SHR_U_LL => ll!(|a: u32, b: u32| a.wrapping_shr(b)),
                I32_EQ_SI => si!(|a: u32, b: u32| a == b),
                I32_EQ_SL => sl!(|a: u32, b: u32| a == b),
                I32_EQ_LL => ll!(|a: u32, b: u32| a == b),
                I32_NE_SI => si!(|a: u32, b: u32| a != b),
                I32_NE_SL => sl!(|a: u32, b: u32| a != b),
                I32_NE_LL => ll!(|a: u32, b: u32| a != b),
                I32_LT_S_SI => si!(|a: u32, b: u32| (a as i32) < (b as i32)),
                I32_LT_S_SL => sl!(|a: u32, b: u32| (a as i32) < (b as i32)),
                I32_LT_S_LL => ll!(|a: u32, b: u32| (a as i32) < (b as i32)),
                I32_LT_U_SI => si!(|a: u32, b: u32| a < b),
                I32_LT_U_SL => sl!(|a: u32, b: u32| a < b),
                I32_LT_U_LL => ll!(|a: u32, b: u32| a < b),
                I32_GT_S_SI => si!(|a: u32, b: u32| (a as i32) > (b as i32)),
                I32_GT_S_SL => sl!(|a: u32, b: u32| (a as i32) > (b as i32)),
                I32_GT_S_LL => ll!(|a: u32, b: u32| (a as i32) > (b as i32)),
                I32_GT_U_SI => si!(|a: u32, b: u32| a > b),
                I32_GT_U_SL => sl!(|a: u32, b: u32| a > b),
                I32_GT_U_LL => ll!(|a: u32, b: u32| a > b),
                I32_LE_S_SI => si!(|a: u32, b: u32| (a as i32) <= (b as i32)),
                I32_LE_S_SL => sl!(|a: u32, b: u32| (a as i32) <= (b as i32)),
                I32_LE_S_LL => ll!(|a: u32, b: u32| (a as i32) <= (b as i32)),
                I32_LE_U_SI => si!(|a: u32, b: u32| a <= b),
                I32_LE_U_SL => sl!(|a: u32, b: u32| a <= b),
                I32_LE_U_LL => ll!(|a: u32, b: u32| a <= b),
                I32_GE_S_SI => si!(|a: u32, b: u32| (a as i32) >= (b as i32)),
                I32_GE_S_SL => sl!(|a: u32, b: u32| (a as i32) >= (b as i32)),
                I32_GE_S_LL => ll!(|a: u32, b: u32| (a as i32) >= (b as i32)),
                I32_GE_U_SI => si!(|a: u32, b: u32| a >= b),
                I32_GE_U_SL => sl!(|a: u32, b: u32| a >= b),
                I32_GE_U_LL => ll!(|a: u32, b: u32| a >= b),
                BR_IF_I32_EQ => brc!(|a: u32, b: u32| a == b),
                BR_IF_I32_EQ_SI => brc_si!(|a: u32, b: u32| a == b),
                BR_IF_I32_NE => brc!(|a: u32, b: u32| a != b),
                BR_IF_I32_NE_SI => brc_si!(|a: u32, b: u32| a != b),
                BR_IF_I32_LT_S => brc!(|a: u32, b: u32| (a as i32) < (b as i32)),
                BR_IF_I32_LT_S_SI => brc_si!(|a: u32, b: u32| (a as i32) < (b as i32)),
                BR_IF_I32_LT_U => brc!(|a: u32, b: u32| a < b),
                BR_IF_I32_LT_U_SI => brc_si!(|a: u32, b: u32| a < b),
                BR_IF_I32_GT_S => brc!(|a: u32, b: u32| (a as i32) > (b as i32)),
                BR_IF_I32_GT_S_SI => brc_si!(|a: u32, b: u32| (a as i32) > (b as i32)),
                BR_IF_I32_GT_U => brc!(|a: u32, b: u32| a > b),
                BR_IF_I32_GT_U_SI => brc_si!(|a: u32, b: u32| a > b),
                BR_IF_I32_LE_S => brc!(|a: u32, b: u32| (a as i32) <= (b as i32)),
                BR_IF_I32_LE_S_SI => brc_si!(|a: u32, b: u32| (a as i32) <= (b as i32)),
                BR_IF_I32_LE_U => brc!(|a: u32, b: u32| a <= b),
                BR_IF_I32_LE_U_SI => brc_si!(|a: u32, b: u32| a <= b),
                BR_IF_I32_GE_S => brc!(|a: u32, b: u32| (a as i32) >= (b as i32)),
                BR_IF_I32_GE_S_SI => brc_si!(|a: u32, b: u32| (a as i32) >= (b as i32)),
                BR_IF_I32_GE_U => brc!(|a: u32, b: u32| a >= b),
                BR_IF_I32_GE_U_SI => brc_si!(|a: u32, b: u32| a >= b),
                BR_UNLESS_I32_EQ => brc_not!(|a: u32, b: u32| a == b),
                BR_UNLESS_I32_EQ_SI => brc_not_si!(|a: u32, b: u32| a == b),
                BR_UNLESS_I32_NE => brc_not!(|a: u32, b: u32| a != b),
                BR_UNLESS_I32_NE_SI => brc_not_si!(|a: u32, b: u32| a != b),
                BR_UNLESS_I32_LT_S => brc_not!(|a: u32, b: u32| (a as i32) < (b as i32)),
                BR_UNLESS_I32_LT_S_SI => brc_not_si!(|a: u32, b: u32| (a as i32) < (b as i32)),
                BR_UNLESS_I32_LT_U => brc_not!(|a: u32, b: u32| a < b),
                BR_UNLESS_I32_LT_U_SI => brc_not_si!(|a: u32, b: u32| a < b),
                BR_UNLESS_I32_GT_S => brc_not!(|a: u32, b: u32| (a as i32) > (b as i32)),
                BR_UNLESS_I32_GT_S_SI => brc_not_si!(|a: u32, b: u32| (a as i32) > (b as i32)),
                BR_UNLESS_I32_GT_U => brc_not!(|a: u32, b: u32| a > b),
                BR_UNLESS_I32_GT_U_SI => brc_not_si!(|a: u32, b: u32| a > b),
                BR_UNLESS_I32_LE_S => brc_not!(|a: u32, b: u32| (a as i32) <= (b as i32)),
                BR_UNLESS_I32_LE_S_SI => brc_not_si!(|a: u32, b: u32| (a as i32) <= (b as i32)),
                BR_UNLESS_I32_LE_U => brc_not!(|a: u32, b: u32| a <= b),
                BR_UNLESS_I32_LE_U_SI => brc_not_si!(|a: u32, b: u32| a <= b),
                BR_UNLESS_I32_GE_S => brc_not!(|a: u32, b: u32| (a as i32) >= (b as i32)),
                BR_UNLESS_I32_GE_S_SI => brc_not_si!(|a: u32, b: u32| (a as i32) >= (b as i32)),
                BR_UNLESS_I32_GE_U => brc_not!(|a: u32, b: u32| a >= b),
                BR_UNLESS_I32_GE_U_SI => brc_not_si!(|a: u32, b: u32| a >= b),
                LOCAL_SET_GET => {
                    let v = pop!();
                    *slot!(fp.wrapping_add(imm!(1) as usize)) = v;
                    push!(local!(imm!(2)));
                    pc = pc.wrapping_add(3);
                }
                BR_IF_LOCAL => {
                    if local!(imm!(1)) as u32 != 0 {
                        branch!(1);
                    } else {
                        pc = pc.wrapping_add(5);
                    }
                    fuel_block!();
                }
                BR_IF_I32_ADD_LI_T => {
                    let v = (local!(imm!(1)) as u32).wrapping_add(imm!(2));
                    *slot!(fp.wrapping_add(imm!(3) as usize)) = u64::from(v);
                    if v != 0 {
                        branch!(3);
                    } else {
                        pc = pc.wrapping_add(7);
                    }
                    fuel_block!();
                }
                BR_UNLESS_LOCAL => {
                    if local!(imm!(1)) as u32 == 0 {
                        pc = imm!(2) as usize;
                    } else {
                        pc = pc.wrapping_add(3);
                    }
                    fuel_block!();
                }
                I32_ADD_LI => li!(|a: u32, b: u32| a.wrapping_add(b)),
                I32_ADD_LI_L => li_l!(|a: u32, b: u32| a.wrapping_add(b)),
                I32_ADD_LL_L => ll_l!(|a: u32, b: u32| a.wrapping_add(b)),
                I32_SUB_LI => li!(|a: u32, b: u32| a.wrapping_sub(b)),
                I32_SUB_LI_L => li_l!(|a: u32, b: u32| a.wrapping_sub(b)),
                I32_SUB_LL_L => ll_l!(|a: u32, b: u32| a.wrapping_sub(b)),
                I32_MUL_LI => li!(|a: u32, b: u32| a.wrapping_mul(b)),
                I32_MUL_LI_L => li_l!(|a: u32, b: u32| a.wrapping_mul(b)),
                I32_MUL_LL_L => ll_l!(|a: u32, b: u32| a.wrapping_mul(b)),
                I32_AND_LI => li!(|a: u32, b: u32| a & b),
                I32_AND_LI_L => li_l!(|a: u32, b: u32| a & b),
                I32_AND_LL_L => ll_l!(|a: u32, b: u32| a & b),
                I32_OR_LI => li!(|a: u32, b: u32| a | b),
                I32_OR_LI_L => li_l!(|a: u32, b: u32| a | b),
                I32_OR_LL_L => ll_l!(|a: u32, b: u32| a | b),
                I32_XOR_LI => li!(|a: u32, b: u32| a ^ b),
                I32_XOR_LI_L => li_l!(|a: u32, b: u32| a ^ b),
                I32_XOR_LL_L => ll_l!(|a: u32, b: u32| a ^ b),
                I32_SHL_LI => li!(|a: u32, b: u32| a.wrapping_shl(b)),
                I32_SHL_LI_L => li_l!(|a: u32, b: u32| a.wrapping_shl(b)),
                I32_SHL_LL_L => ll_l!(|a: u32, b: u32| a.wrapping_shl(b)),
                I32_SHR_S_LI => li!(|a: u32, b: u32| (a as i32).wrapping_shr(b) as u32),
                I32_SHR_S_LI_L => li_l!(|a: u32, b: u32| (a as i32).wrapping_shr(b) as u32),
                I32_SHR_S_LL_L => ll_l!(|a: u32, b: u32| (a as i32).wrapping_shr(b) as u32),
                I32_SHR_U_LI => li!(|a: u32, b: u32| a.wrapping_shr(b)),
                I32_SHR_U_LI_L => li_l!(|a: u32, b: u32| a.wrapping_shr(b)),
                I32_SHR_U_LL_L => ll_l!(|a: u32, b: u32| a.wrapping_shr(b)),
                I32_EQ_LI => li!(|a: u32, b: u32| a == b),
                I32_EQ_LI_L => li_l!(|a: u32, b: u32| a == b),
                I32_EQ_LL_L => ll_l!(|a: u32, b: u32| a == b),
                I32_NE_LI => li!(|a: u32, b: u32| a != b),
                I32_NE_LI_L => li_l!(|a: u32, b: u32| a != b),
                I32_NE_LL_L => ll_l!(|a: u32, b: u32| a != b),
                I32_LT_S_LI => li!(|a: u32, b: u32| (a as i32) < (b as i32)),
                I32_LT_S_LI_L => li_l!(|a: u32, b: u32| (a as i32) < (b as i32)),
                I32_LT_S_LL_L => ll_l!(|a: u32, b: u32| (a as i32) < (b as i32)),
                I32_LT_U_LI => li!(|a: u32, b: u32| a < b),
                I32_LT_U_LI_L => li_l!(|a: u32, b: u32| a < b),
                I32_LT_U_LL_L => ll_l!(|a: u32, b: u32| a < b),
                I32_GT_S_LI => li!(|a: u32, b: u32| (a as i32) > (b as i32)),
                I32_GT_S_LI_L => li_l!(|a: u32, b: u32| (a as i32) > (b as i32)),
                I32_GT_S_LL_L => ll_l!(|a: u32, b: u32| (a as i32) > (b as i32)),
                I32_GT_U_LI => li!(|a: u32, b: u32| a > b),
                I32_GT_U_LI_L => li_l!(|a: u32, b: u32| a > b),
                I32_GT_U_LL_L => ll_l!(|a: u32, b: u32| a > b),
                I32_LE_S_LI => li!(|a: u32, b: u32| (a as i32) <= (b as i32)),
                I32_LE_S_LI_L => li_l!(|a: u32, b: u32| (a as i32) <= (b as i32)),
                I32_LE_S_LL_L => ll_l!(|a: u32, b: u32| (a as i32) <= (b as i32)),
                I32_LE_U_LI => li!(|a: u32, b: u32| a <= b),
                I32_LE_U_LI_L => li_l!(|a: u32, b: u32| a <= b),
                I32_LE_U_LL_L => ll_l!(|a: u32, b: u32| a <= b),
                I32_GE_S_LI => li!(|a: u32, b: u32| (a as i32) >= (b as i32)),
                I32_GE_S_LI_L => li_l!(|a: u32, b: u32| (a as i32) >= (b as i32)),
                I32_GE_S_LL_L => ll_l!(|a: u32, b: u32| (a as i32) >= (b as i32)),
                I32_GE_U_LI => li!(|a: u32, b: u32| a >= b),
                I32_GE_U_LI_L => li_l!(|a: u32, b: u32| a >= b),
                I32_GE_U_LL_L => ll_l!(|a: u32, b: u32| a >= b),
                BR_IF_I32_EQ_LI => brc_li!(|a: u32, b: u32| a == b),
                BR_UNLESS_I32_EQ_LI => brc_not_li!(|a: u32, b: u32| a == b),
                BR_IF_I32_NE_LI => brc_li!(|a: u32, b: u32| a != b),
                BR_UNLESS_I32_NE_LI => brc_not_li!(|a: u32, b: u32| a != b),
                BR_IF_I32_LT_S_LI => brc_li!(|a: u32, b: u32| (a as i32) < (b as i32)),
                BR_UNLESS_I32_LT_S_LI => brc_not_li!(|a: u32, b: u32| (a as i32) < (b as i32)),
                BR_IF_I32_LT_U_LI => brc_li!(|a: u32, b: u32| a < b),
                BR_UNLESS_I32_LT_U_LI => brc_not_li!(|a: u32, b: u32| a < b),
                BR_IF_I32_GT_S_LI => brc_li!(|a: u32, b: u32| (a as i32) > (b as i32)),
                BR_UNLESS_I32_GT_S_LI => brc_not_li!(|a: u32, b: u32| (a as i32) > (b as i32)),
                BR_IF_I32_GT_U_LI => brc_li!(|a: u32, b: u32| a > b),
                BR_UNLESS_I32_GT_U_LI => brc_not_li!(|a: u32, b: u32| a > b),
                BR_IF_I32_LE_S_LI => brc_li!(|a: u32, b: u32| (a as i32) <= (b as i32)),
                BR_UNLESS_I32_LE_S_LI => brc_not_li!(|a: u32, b: u32| (a as i32) <= (b as i32)),
                BR_IF_I32_LE_U_LI => brc_li!(|a: u32, b: u32| a <= b),
                BR_UNLESS_I32_LE_U_LI => brc_not_li!(|a: u32, b: u32| a <= b),
                BR_IF_I32_GE_S_LI => brc_li!(|a: u32, b: u32| (a as i32) >= (b as i32)),
                BR_UNLESS_I32_GE_S_LI => brc_not_li!(|a: u32, b: u32| (a as i32) >= (b as i32)),
                BR_IF_I32_GE_U_LI => brc_li!(|a: u32, b: u32| a >= b),
                BR_UNLESS_I32_GE_U_LI => brc_not_li!(|a: u32, b: u32| a >= b),
                I32_ADD_LI_T => {
                    let v = u64::from((local!(imm!(1)) as u32).wrapping_add(imm!(2)));
                    *slot!(fp.wrapping_add(imm!(3) as usize)) = v;
                    push!(v);
                    pc = pc.wrapping_add(4);
                }
                I32_ADD_LL_T => {
                    let a = local!(imm!(1)) as u32;
                    let v = u64::from(a.wrapping_add(local!(imm!(2)) as u32));
                    *slot!(fp.wrapping_add(imm!(3) as usize)) = v;
                    push!(v);
                    pc = pc.wrapping_add(4);
                }
                I32_ADD_SI_T => {
                    let v = u64::from((*top!() as u32).wrapping_add(imm!(1)));
                    *top!() = v;
                    *slot!(fp.wrapping_add(imm!(2) as usize)) = v;
                    pc = pc.wrapping_add(3);
                }
                LOCAL_COPY => {
                    let v = local!(imm!(1));
                    *slot!(fp.wrapping_add(imm!(2) as usize)) = v;
                    pc = pc.wrapping_add(3);
                }
                LOCAL_SET_CONST => {
                    let v = u64::from(imm!(1));
                    *slot!(fp.wrapping_add(imm!(2) as usize)) = v;
                    pc = pc.wrapping_add(3);
                }
                I32_ADD_S_L => s_l!(|a: u32, b: u32| a.wrapping_add(b)),
                I32_ADD_SI_L => si_l!(|a: u32, b: u32| a.wrapping_add(b)),
                I32_ADD_SL_L => sl_l!(|a: u32, b: u32| a.wrapping_add(b)),
                I32_SUB_S_L => s_l!(|a: u32, b: u32| a.wrapping_sub(b)),
                I32_SUB_SI_L => si_l!(|a: u32, b: u32| a.wrapping_sub(b)),
                I32_SUB_SL_L => sl_l!(|a: u32, b: u32| a.wrapping_sub(b)),
                I32_MUL_S_L => s_l!(|a: u32, b: u32| a.wrapping_mul(b)),
                I32_MUL_SI_L => si_l!(|a: u32, b: u32| a.wrapping_mul(b)),
                I32_MUL_SL_L => sl_l!(|a: u32, b: u32| a.wrapping_mul(b)),
                I32_AND_S_L => s_l!(|a: u32, b: u32| a & b),
                I32_AND_SI_L => si_l!(|a: u32, b: u32| a & b),
                I32_AND_SL_L => sl_l!(|a: u32, b: u32| a & b),
                I32_OR_S_L => s_l!(|a: u32, b: u32| a | b),
                I32_OR_SI_L => si_l!(|a: u32, b: u32| a | b),
                I32_OR_SL_L => sl_l!(|a: u32, b: u32| a | b),
                I32_XOR_S_L => s_l!(|a: u32, b: u32| a ^ b),
                I32_XOR_SI_L => si_l!(|a: u32, b: u32| a ^ b),
                I32_XOR_SL_L => sl_l!(|a: u32, b: u32| a ^ b),
                I32_SHL_S_L => s_l!(|a: u32, b: u32| a.wrapping_shl(b)),
                I32_SHL_SI_L => si_l!(|a: u32, b: u32| a.wrapping_shl(b)),
                I32_SHL_SL_L => sl_l!(|a: u32, b: u32| a.wrapping_shl(b)),
                I32_SHR_S_S_L => s_l!(|a: u32, b: u32| (a as i32).wrapping_shr(b) as u32),
                I32_SHR_S_SI_L => si_l!(|a: u32, b: u32| (a as i32).wrapping_shr(b) as u32),
                I32_SHR_S_SL_L => sl_l!(|a: u32, b: u32| (a as i32).wrapping_shr(b) as u32),
                I32_SHR_U_S_L => s_l!(|a: u32, b: u32| a.wrapping_shr(b)),
                I32_SHR_U_SI_L => si_l!(|a: u32, b: u32| a.wrapping_shr(b)),
                I32_SHR_U_SL_L => sl_l!(|a: u32, b: u32| a.wrapping_shr(b)),
                I32_EQ_S_L => s_l!(|a: u32, b: u32| a == b),
                I32_EQ_SI_L => si_l!(|a: u32, b: u32| a == b),
                I32_EQ_SL_L => sl_l!(|a: u32, b: u32| a == b),
                I32_NE_S_L => s_l!(|a: u32, b: u32| a != b),
                I32_NE_SI_L => si_l!(|a: u32, b: u32| a != b),
                I32_NE_SL_L => sl_l!(|a: u32, b: u32| a != b),
                I32_LT_S_S_L => s_l!(|a: u32, b: u32| (a as i32) < (b as i32)),
                I32_LT_S_SI_L => si_l!(|a: u32, b: u32| (a as i32) < (b as i32)),
                I32_LT_S_SL_L => sl_l!(|a: u32, b: u32| (a as i32) < (b as i32)),
                I32_LT_U_S_L => s_l!(|a: u32, b: u32| a < b),
                I32_LT_U_SI_L => si_l!(|a: u32, b: u32| a < b),
                I32_LT_U_SL_L => sl_l!(|a: u32, b: u32| a < b),
                I32_GT_S_S_L => s_l!(|a: u32, b: u32| (a as i32) > (b as i32)),
                I32_GT_S_SI_L => si_l!(|a: u32, b: u32| (a as i32) > (b as i32)),
                I32_GT_S_SL_L => sl_l!(|a: u32, b: u32| (a as i32) > (b as i32)),
                I32_GT_U_S_L => s_l!(|a: u32, b: u32| a > b),
                I32_GT_U_SI_L => si_l!(|a: u32, b: u32| a > b),
                I32_GT_U_SL_L => sl_l!(|a: u32, b: u32| a > b),
                I32_LE_S_S_L => s_l!(|a: u32, b: u32| (a as i32) <= (b as i32)),
                I32_LE_S_SI_L => si_l!(|a: u32, b: u32| (a as i32) <= (b as i32)),
                I32_LE_S_SL_L => sl_l!(|a: u32, b: u32| (a as i32) <= (b as i32)),
                I32_LE_U_S_L => s_l!(|a: u32, b: u32| a <= b),
                I32_LE_U_SI_L => si_l!(|a: u32, b: u32| a <= b),
                I32_LE_U_SL_L => sl_l!(|a: u32, b: u32| a <= b),
                I32_GE_S_S_L => s_l!(|a: u32, b: u32| (a as i32) >= (b as i32)),
                I32_GE_S_SI_L => si_l!(|a: u32, b: u32| (a as i32) >= (b as i32)),
                I32_GE_S_SL_L => sl_l!(|a: u32, b: u32| (a as i32) >= (b as i32)),
                I32_GE_U_S_L => s_l!(|a: u32, b: u32| a >= b),
                I32_GE_U_SI_L => si_l!(|a: u32, b: u32| a >= b),
                I32_GE_U_SL_L => sl_l!(|a: u32, b: u32| a >= b),
                CONST32 => {
                    push!(u64::from(imm!(1)));
                    pc = pc.wrapping_add(2);
                }
                CONST64 => {
                    push!(u64::from(imm!(1)) | (u64::from(imm!(2)) << 32));
                    pc = pc.wrapping_add(3);
                }
                GLOBAL_GET => {
                    let v = *globals.get(imm!(1) as usize).ok_or(VSE)?;
                    push!(v);
                    pc = pc.wrapping_add(2);
                }
                GLOBAL_SET => {
                    let v = pop!();
                    *globals.get_mut(imm!(1) as usize).ok_or(VSE)? = v;
                    pc = pc.wrapping_add(2);
                }
                DROP => {
                    sp = sp.wrapping_sub(1);
                    pc = pc.wrapping_add(1);
                }
                SELECT => {
                    let c = pop!() as u32;
                    let b = pop!();
                    if c == 0 {
                        *top!() = b;
                    }
                    pc = pc.wrapping_add(1);
                }
                JUMP => {
                    pc = imm!(1) as usize;
                    fuel_block!();
                }
                BR => {
                    branch!(0);
                    fuel_block!();
                }
                BR_IF => {
                    if pop!() as u32 != 0 {
                        branch!(0);
                    } else {
                        pc = pc.wrapping_add(4);
                    }
                    fuel_block!();
                }
                BR_IF_EQZ => {
                    if pop!() as u32 == 0 {
                        branch!(0);
                    } else {
                        pc = pc.wrapping_add(4);
                    }
                    fuel_block!();
                }
                BR_UNLESS => {
                    if pop!() as u32 == 0 {
                        pc = imm!(1) as usize;
                    } else {
                        pc = pc.wrapping_add(2);
                    }
                    fuel_block!();
                }
                BR_TABLE => {
                    let n = imm!(1);
                    let arity = imm!(2) as usize;
                    let i = (pop!() as u32).min(n) as usize;
                    let e = pc.wrapping_add(3).wrapping_add(i.wrapping_mul(2));
                    let target = code.get(e).copied().ok_or(Trap::Unreachable)? as usize;
                    let newh = code
                        .get(e.wrapping_add(1))
                        .copied()
                        .ok_or(Trap::Unreachable)? as usize;
                    let dst = fp.wrapping_add(newh);
                    move_slots(stack, sp.wrapping_sub(arity), dst, arity)?;
                    sp = dst.wrapping_add(arity);
                    pc = target;
                    fuel_block!();
                }
                RETURN => {
                    let arity = imm!(1) as usize;
                    move_slots(stack, sp.wrapping_sub(arity), fp, arity)?;
                    sp = fp.wrapping_add(arity);
                    if depth == 0 {
                        return Ok(());
                    }
                    depth = depth.wrapping_sub(1);
                    let fr = depth.wrapping_mul(FRAME_WORDS);
                    pc = frames.get(fr).copied().ok_or(Trap::CallStackExhausted)? as usize;
                    fp = frames
                        .get(fr.wrapping_add(1))
                        .copied()
                        .ok_or(Trap::CallStackExhausted)? as usize;
                }
                CALL | CALL_INDIRECT => {
                    let f: usize;
                    let next_pc: usize;
                    if op == CALL {
                        f = imm!(1) as usize;
                        next_pc = pc.wrapping_add(2);
                    } else {
                        let canon = imm!(1);
                        let (base, size) = {
                            let i = (imm!(2) as usize).wrapping_mul(2);
                            (
                                table_hdr.get(i).copied().unwrap_or(0) as usize,
                                table_hdr.get(i.wrapping_add(1)).copied().unwrap_or(0),
                            )
                        };
                        let i = pop!() as u32;
                        if i >= size {
                            return Err(Trap::UndefinedElement);
                        }
                        let r = *tables
                            .get(base.wrapping_add(i as usize))
                            .ok_or(Trap::UndefinedElement)?;
                        if r == 0 {
                            return Err(Trap::UninitializedElement);
                        }
                        f = r.wrapping_sub(1) as usize;
                        if f as u32 & FOREIGN_FUNC != 0 {
                            // a linker-provided function of another instance: the host checks
                            // its signature against the call's type
                            let id = f as u32 & !FOREIGN_FUNC;
                            let mem = mem.get_mut(..mem_len).unwrap_or(&mut []);
                            sp = call_host(m, canon, id, stack, sp, mem, host)?;
                            pc = pc.wrapping_add(3);
                            continue;
                        }
                        if f >= m.h.n_funcs {
                            return Err(Trap::UninitializedElement);
                        }
                        let t = m.rec(m.h.o_funcs, FUNC_REC, f, 0) as usize;
                        if m.rec(m.h.o_types, TYPE_REC, t, 3) != canon {
                            return Err(Trap::IndirectCallTypeMismatch);
                        }
                        next_pc = pc.wrapping_add(3);
                    }
                    let hid = m.rec(m.h.o_funcs, FUNC_REC, f, 1);
                    if hid != NO_HOST {
                        let mem = mem.get_mut(..mem_len).unwrap_or(&mut []);
                        sp = call_host(m, m.func_type_idx(f as u32), hid, stack, sp, mem, host)?;
                        pc = next_pc;
                        continue;
                    }
                    if depth >= max_depth {
                        return Err(Trap::CallStackExhausted);
                    }
                    let t = m.rec(m.h.o_funcs, FUNC_REC, f, 0) as usize;
                    let np = m.rec(m.h.o_types, TYPE_REC, t, 1) as usize;
                    let extra = m.rec(m.h.o_funcs, FUNC_REC, f, 3) as usize;
                    let maxh = m.rec(m.h.o_funcs, FUNC_REC, f, 4) as usize;
                    let new_fp = sp.wrapping_sub(np);
                    if new_fp.saturating_add(maxh) > stack.len() {
                        return Err(Trap::CallStackExhausted);
                    }
                    stack
                        .get_mut(sp..sp.wrapping_add(extra))
                        .ok_or(VSE)?
                        .fill(0);
                    let fr = depth.wrapping_mul(FRAME_WORDS);
                    *frames.get_mut(fr).ok_or(Trap::CallStackExhausted)? = next_pc as u32;
                    *frames
                        .get_mut(fr.wrapping_add(1))
                        .ok_or(Trap::CallStackExhausted)? = fp as u32;
                    depth = depth.wrapping_add(1);
                    fp = new_fp;
                    sp = sp.wrapping_add(extra);
                    pc = m.rec(m.h.o_funcs, FUNC_REC, f, 2) as usize;
                    fuel_block!();
                }
                UNREACHABLE => return Err(Trap::Unreachable),
                MEMORY_SIZE => {
                    push!(u64::from(*mem_pages));
                    pc = pc.wrapping_add(1);
                }
                MEMORY_GROW => {
                    let t = top!();
                    let delta = *t as u32;
                    let old = *mem_pages;
                    match old.checked_add(delta).filter(|&n| n <= m.h.mem_max) {
                        Some(new) => {
                            charge!((delta as usize).wrapping_mul(PAGE_SIZE));
                            let new_len = (new as usize).wrapping_mul(PAGE_SIZE);
                            mem.get_mut(mem_len..new_len)
                                .ok_or(Trap::MemoryOutOfBounds)?
                                .fill(0);
                            *mem_pages = new;
                            mem_len = new_len;
                            *t = u64::from(old);
                        }
                        None => *t = u64::from(u32::MAX),
                    }
                    pc = pc.wrapping_add(1);
                }
                MEMORY_INIT => {
                    let n = pop!() as u32;
                    charge!(n);
                    let s = pop!() as u32;
                    let d = pop!() as u32;
                    super::memory_init(m, dropped, mem, mem_len, [imm!(1), d, s, n])?;
                    pc = pc.wrapping_add(2);
                }
                DATA_DROP => {
                    let i = m.h.n_elems.wrapping_add(imm!(1) as usize);
                    if let Some(x) = dropped.get_mut(i) {
                        *x = 1;
                    }
                    pc = pc.wrapping_add(2);
                }
                MEMORY_COPY => {
                    let n = pop!() as u32 as usize;
                    charge!(n);
                    let s = pop!() as u32 as usize;
                    let d = pop!() as u32 as usize;
                    if s.saturating_add(n) > mem_len || d.saturating_add(n) > mem_len {
                        return Err(Trap::MemoryOutOfBounds);
                    }
                    let mem = mem.get_mut(..mem_len).ok_or(Trap::MemoryOutOfBounds)?;
                    if !super::copy_within(mem, s, d, n) {
                        return Err(Trap::MemoryOutOfBounds);
                    }
                    pc = pc.wrapping_add(1);
                }
                MEMORY_FILL => {
                    let n = pop!() as u32 as usize;
                    charge!(n);
                    let v = pop!() as u8;
                    let d = pop!() as u32 as usize;
                    if d.saturating_add(n) > mem_len {
                        return Err(Trap::MemoryOutOfBounds);
                    }
                    mem.get_mut(d..d.wrapping_add(n))
                        .ok_or(Trap::MemoryOutOfBounds)?
                        .fill(v);
                    pc = pc.wrapping_add(1);
                }
                TABLE_GET => {
                    let (base, size) = super::table_bounds(table_hdr, imm!(1));
                    let t = top!();
                    let i = *t as u32;
                    if i >= size {
                        return Err(Trap::TableOutOfBounds);
                    }
                    *t = u64::from(
                        *tables
                            .get(base.wrapping_add(i as usize))
                            .ok_or(Trap::TableOutOfBounds)?,
                    );
                    pc = pc.wrapping_add(2);
                }
                TABLE_SET => {
                    let (base, size) = super::table_bounds(table_hdr, imm!(1));
                    let v = pop!();
                    let i = pop!() as u32;
                    if i >= size {
                        return Err(Trap::TableOutOfBounds);
                    }
                    *tables
                        .get_mut(base.wrapping_add(i as usize))
                        .ok_or(Trap::TableOutOfBounds)? = v as u32;
                    pc = pc.wrapping_add(2);
                }
                TABLE_SIZE => {
                    let (_, size) = super::table_bounds(table_hdr, imm!(1));
                    push!(u64::from(size));
                    pc = pc.wrapping_add(2);
                }
                TABLE_GROW => {
                    let t = imm!(1);
                    let (base, size) = super::table_bounds(table_hdr, t);
                    let n = pop!() as u32;
                    charge!(n);
                    let init = pop!() as u32;
                    let cap = m.rec(m.h.o_tables, super::super::module::TABLE_REC, t as usize, 2);
                    match size.checked_add(n).filter(|&s| s <= cap) {
                        Some(new) => {
                            tables
                                .get_mut(
                                    base.wrapping_add(size as usize)
                                        ..base.wrapping_add(new as usize),
                                )
                                .ok_or(Trap::TableOutOfBounds)?
                                .fill(init);
                            if let Some(s) =
                                table_hdr.get_mut((t as usize).wrapping_mul(2).wrapping_add(1))
                            {
                                *s = new;
                            }
                            push!(u64::from(size));
                        }
                        None => push!(u64::from(u32::MAX)),
                    }
                    pc = pc.wrapping_add(2);
                }
                TABLE_FILL => {
                    let (base, size) = super::table_bounds(table_hdr, imm!(1));
                    let n = pop!() as u32;
                    charge!(n);
                    let v = pop!() as u32;
                    let i = pop!() as u32;
                    if u64::from(i).wrapping_add(u64::from(n)) > u64::from(size) {
                        return Err(Trap::TableOutOfBounds);
                    }
                    let s = base.wrapping_add(i as usize);
                    tables
                        .get_mut(s..s.wrapping_add(n as usize))
                        .ok_or(Trap::TableOutOfBounds)?
                        .fill(v);
                    pc = pc.wrapping_add(2);
                }
                TABLE_COPY => {
                    let (dbase, dsize) = super::table_bounds(table_hdr, imm!(1));
                    let (sbase, ssize) = super::table_bounds(table_hdr, imm!(2));
                    let n = pop!() as u32;
                    charge!(n);
                    let s = pop!() as u32;
                    let d = pop!() as u32;
                    if u64::from(s).wrapping_add(u64::from(n)) > u64::from(ssize)
                        || u64::from(d).wrapping_add(u64::from(n)) > u64::from(dsize)
                    {
                        return Err(Trap::TableOutOfBounds);
                    }
                    let s = sbase.wrapping_add(s as usize);
                    let d = dbase.wrapping_add(d as usize);
                    let n = n as usize;
                    if s.saturating_add(n) > tables.len() || d.saturating_add(n) > tables.len() {
                        return Err(Trap::TableOutOfBounds);
                    }
                    if !super::copy_within(tables, s, d, n) {
                        return Err(Trap::TableOutOfBounds);
                    }
                    pc = pc.wrapping_add(3);
                }
                TABLE_INIT => {
                    let n = pop!() as u32;
                    charge!(n);
                    let s = pop!() as u32;
                    let d = pop!() as u32;
                    super::table_init(
                        m,
                        dropped,
                        tables,
                        table_hdr,
                        globals,
                        [imm!(1), imm!(2), d, s, n],
                    )?;
                    pc = pc.wrapping_add(3);
                }
                ELEM_DROP => {
                    if let Some(x) = dropped.get_mut(imm!(1) as usize) {
                        *x = 1;
                    }
                    pc = pc.wrapping_add(2);
                }
                REF_IS_NULL => {
                    let t = top!();
                    *t = u64::from(*t == 0);
                    pc = pc.wrapping_add(1);
                }
                // memory access
                I32_LOAD_L => loadop_l!(4, |b| u64::from(u32::from_le_bytes(b))),
                I64_LOAD_L => loadop_l!(8, u64::from_le_bytes),
                I32_LOAD8_U_L => loadop_l!(1, |b: [u8; 1]| u64::from(b[0])),
                I32_LOAD16_U_L => loadop_l!(2, |b| u64::from(u16::from_le_bytes(b))),
                I32_LOAD_SI => {
                    let addr = u64::from((*top!() as u32).wrapping_add(imm!(1)));
                    let a = ea(addr, imm!(2), 4, mem_len)?;
                    let bytes = load::<4>(mem, a)?;
                    *top!() = u64::from(u32::from_le_bytes(bytes));
                    pc = pc.wrapping_add(3);
                }
                I32_LOAD_SHL_SI => {
                    let i = (*top!() as u32).wrapping_shl(imm!(1));
                    let addr = u64::from(i.wrapping_add(imm!(2)));
                    let a = ea(addr, imm!(3), 4, mem_len)?;
                    let bytes = load::<4>(mem, a)?;
                    *top!() = u64::from(u32::from_le_bytes(bytes));
                    pc = pc.wrapping_add(4);
                }
                I32_LOAD8_U_LI => {
                    let addr = u64::from((local!(imm!(1)) as u32).wrapping_add(imm!(2)));
                    let a = ea(addr, imm!(3), 1, mem_len)?;
                    let [b] = load::<1>(mem, a)?;
                    push!(u64::from(b));
                    pc = pc.wrapping_add(4);
                }
                I32_STORE_LL => {
                    let addr = local!(imm!(1));
                    let v = local!(imm!(2)) as u32;
                    let a = ea(addr, imm!(3), 4, mem_len)?;
                    store(mem, a, v.to_le_bytes())?;
                    pc = pc.wrapping_add(4);
                }
                I32_LOAD => loadop!(4, |b| u64::from(u32::from_le_bytes(b))),
                I64_LOAD => loadop!(8, u64::from_le_bytes),
                F32_LOAD => loadop!(4, |b| u64::from(u32::from_le_bytes(b))),
                F64_LOAD => loadop!(8, u64::from_le_bytes),
                I32_LOAD8_S => loadop!(1, |b: [u8; 1]| u64::from(i32::from(b[0] as i8) as u32)),
                I32_LOAD8_U => loadop!(1, |b: [u8; 1]| u64::from(b[0])),
                I32_LOAD16_S => loadop!(2, |b| u64::from(i32::from(i16::from_le_bytes(b)) as u32)),
                I32_LOAD16_U => loadop!(2, |b| u64::from(u16::from_le_bytes(b))),
                I64_LOAD8_S => loadop!(1, |b: [u8; 1]| i64::from(b[0] as i8) as u64),
                I64_LOAD8_U => loadop!(1, |b: [u8; 1]| u64::from(b[0])),
                I64_LOAD16_S => loadop!(2, |b| i64::from(i16::from_le_bytes(b)) as u64),
                I64_LOAD16_U => loadop!(2, |b| u64::from(u16::from_le_bytes(b))),
                I64_LOAD32_S => loadop!(4, |b| i64::from(i32::from_le_bytes(b)) as u64),
                I64_LOAD32_U => loadop!(4, |b| u64::from(u32::from_le_bytes(b))),
                I32_STORE | F32_STORE => storeop!(4, |v: u64| (v as u32).to_le_bytes()),
                I64_STORE | F64_STORE => storeop!(8, |v: u64| v.to_le_bytes()),
                I32_STORE8 | I64_STORE8 => storeop!(1, |v: u64| [v as u8]),
                I32_STORE16 | I64_STORE16 => storeop!(2, |v: u64| (v as u16).to_le_bytes()),
                I64_STORE32 => storeop!(4, |v: u64| (v as u32).to_le_bytes()),
                I32_EQZ => {
                    i32u!(|a: u32| a == 0);
                    pc = pc.wrapping_add(1);
                }
                I32_EQ => {
                    i32b!(|a: u32, b: u32| a == b);
                    pc = pc.wrapping_add(1);
                }
                I32_NE => {
                    i32b!(|a: u32, b: u32| a != b);
                    pc = pc.wrapping_add(1);
                }
                I32_LT_S => {
                    i32b!(|a: u32, b: u32| (a as i32) < (b as i32));
                    pc = pc.wrapping_add(1);
                }
                I32_LT_U => {
                    i32b!(|a: u32, b: u32| a < b);
                    pc = pc.wrapping_add(1);
                }
                I32_GT_S => {
                    i32b!(|a: u32, b: u32| (a as i32) > (b as i32));
                    pc = pc.wrapping_add(1);
                }
                I32_GT_U => {
                    i32b!(|a: u32, b: u32| a > b);
                    pc = pc.wrapping_add(1);
                }
                I32_LE_S => {
                    i32b!(|a: u32, b: u32| (a as i32) <= (b as i32));
                    pc = pc.wrapping_add(1);
                }
                I32_LE_U => {
                    i32b!(|a: u32, b: u32| a <= b);
                    pc = pc.wrapping_add(1);
                }
                I32_GE_S => {
                    i32b!(|a: u32, b: u32| (a as i32) >= (b as i32));
                    pc = pc.wrapping_add(1);
                }
                I32_GE_U => {
                    i32b!(|a: u32, b: u32| a >= b);
                    pc = pc.wrapping_add(1);
                }
                I64_EQZ => {
                    un!(|a: u64| u64::from(a == 0));
                    pc = pc.wrapping_add(1);
                }
                I64_EQ => {
                    i64b!(|a: u64, b: u64| a == b);
                    pc = pc.wrapping_add(1);
                }
                I64_NE => {
                    i64b!(|a: u64, b: u64| a != b);
                    pc = pc.wrapping_add(1);
                }
                I64_LT_S => {
                    i64b!(|a: u64, b: u64| (a as i64) < (b as i64));
                    pc = pc.wrapping_add(1);
                }
                I64_LT_U => {
                    i64b!(|a: u64, b: u64| a < b);
                    pc = pc.wrapping_add(1);
                }
                I64_GT_S => {
                    i64b!(|a: u64, b: u64| (a as i64) > (b as i64));
                    pc = pc.wrapping_add(1);
                }
                I64_GT_U => {
                    i64b!(|a: u64, b: u64| a > b);
                    pc = pc.wrapping_add(1);
                }
                I64_LE_S => {
                    i64b!(|a: u64, b: u64| (a as i64) <= (b as i64));
                    pc = pc.wrapping_add(1);
                }
                I64_LE_U => {
                    i64b!(|a: u64, b: u64| a <= b);
                    pc = pc.wrapping_add(1);
                }
                I64_GE_S => {
                    i64b!(|a: u64, b: u64| (a as i64) >= (b as i64));
                    pc = pc.wrapping_add(1);
                }
                I64_GE_U => {
                    i64b!(|a: u64, b: u64| a >= b);
                    pc = pc.wrapping_add(1);
                }
                F32_EQ => {
                    f32b!(sf::f32_eq);
                    pc = pc.wrapping_add(1);
                }
                F32_NE => {
                    f32b!(sf::f32_ne);
                    pc = pc.wrapping_add(1);
                }
                F32_LT => {
                    f32b!(sf::f32_lt);
                    pc = pc.wrapping_add(1);
                }
                F32_GT => {
                    f32b!(sf::f32_gt);
                    pc = pc.wrapping_add(1);
                }
                F32_LE => {
                    f32b!(sf::f32_le);
                    pc = pc.wrapping_add(1);
                }
                F32_GE => {
                    f32b!(sf::f32_ge);
                    pc = pc.wrapping_add(1);
                }
                F64_EQ => {
                    i64b!(sf::f64_eq);
                    pc = pc.wrapping_add(1);
                }
                F64_NE => {
                    i64b!(sf::f64_ne);
                    pc = pc.wrapping_add(1);
                }
                F64_LT => {
                    i64b!(sf::f64_lt);
                    pc = pc.wrapping_add(1);
                }
                F64_GT => {
                    i64b!(sf::f64_gt);
                    pc = pc.wrapping_add(1);
                }
                F64_LE => {
                    i64b!(sf::f64_le);
                    pc = pc.wrapping_add(1);
                }
                F64_GE => {
                    i64b!(sf::f64_ge);
                    pc = pc.wrapping_add(1);
                }
                I32_CLZ => {
                    i32u!(|a: u32| a.leading_zeros());
                    pc = pc.wrapping_add(1);
                }
                I32_CTZ => {
                    i32u!(|a: u32| a.trailing_zeros());
                    pc = pc.wrapping_add(1);
                }
                I32_POPCNT => {
                    i32u!(|a: u32| a.count_ones());
                    pc = pc.wrapping_add(1);
                }
                I32_ADD => {
                    i32b!(|a: u32, b: u32| a.wrapping_add(b));
                    pc = pc.wrapping_add(1);
                }
                I32_SUB => {
                    i32b!(|a: u32, b: u32| a.wrapping_sub(b));
                    pc = pc.wrapping_add(1);
                }
                I32_MUL => {
                    i32b!(|a: u32, b: u32| a.wrapping_mul(b));
                    pc = pc.wrapping_add(1);
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
                    pc = pc.wrapping_add(1);
                }
                I32_DIV_U => {
                    try_bin!(|a: u64, b: u64| -> Result<u64, Trap> {
                        Ok(u64::from(
                            (a as u32)
                                .checked_div(b as u32)
                                .ok_or(Trap::IntegerDivideByZero)?,
                        ))
                    });
                    pc = pc.wrapping_add(1);
                }
                I32_REM_S => {
                    try_bin!(|a: u64, b: u64| -> Result<u64, Trap> {
                        let (a, b) = (a as u32 as i32, b as u32 as i32);
                        if b == 0 {
                            return Err(Trap::IntegerDivideByZero);
                        }
                        Ok(u64::from(a.checked_rem(b).unwrap_or(0) as u32))
                    });
                    pc = pc.wrapping_add(1);
                }
                I32_REM_U => {
                    try_bin!(|a: u64, b: u64| -> Result<u64, Trap> {
                        Ok(u64::from(
                            (a as u32)
                                .checked_rem(b as u32)
                                .ok_or(Trap::IntegerDivideByZero)?,
                        ))
                    });
                    pc = pc.wrapping_add(1);
                }
                I32_AND => {
                    i32b!(|a: u32, b: u32| a & b);
                    pc = pc.wrapping_add(1);
                }
                I32_OR => {
                    i32b!(|a: u32, b: u32| a | b);
                    pc = pc.wrapping_add(1);
                }
                I32_XOR => {
                    i32b!(|a: u32, b: u32| a ^ b);
                    pc = pc.wrapping_add(1);
                }
                I32_SHL => {
                    i32b!(|a: u32, b: u32| a.wrapping_shl(b));
                    pc = pc.wrapping_add(1);
                }
                I32_SHR_S => {
                    i32b!(|a: u32, b: u32| (a as i32).wrapping_shr(b) as u32);
                    pc = pc.wrapping_add(1);
                }
                I32_SHR_U => {
                    i32b!(|a: u32, b: u32| a.wrapping_shr(b));
                    pc = pc.wrapping_add(1);
                }
                I32_ROTL_SI => si!(|a: u32, b: u32| a.rotate_left(b & 31)),
                I32_ROTR_SI => si!(|a: u32, b: u32| a.rotate_right(b & 31)),
                I32_ROTL => {
                    i32b!(|a: u32, b: u32| a.rotate_left(b & 31));
                    pc = pc.wrapping_add(1);
                }
                I32_ROTR => {
                    i32b!(|a: u32, b: u32| a.rotate_right(b & 31));
                    pc = pc.wrapping_add(1);
                }
                I64_CLZ => {
                    un!(|a: u64| u64::from(a.leading_zeros()));
                    pc = pc.wrapping_add(1);
                }
                I64_CTZ => {
                    un!(|a: u64| u64::from(a.trailing_zeros()));
                    pc = pc.wrapping_add(1);
                }
                I64_POPCNT => {
                    un!(|a: u64| u64::from(a.count_ones()));
                    pc = pc.wrapping_add(1);
                }
                I64_ADD => {
                    bin!(|a: u64, b: u64| a.wrapping_add(b));
                    pc = pc.wrapping_add(1);
                }
                I64_SUB => {
                    bin!(|a: u64, b: u64| a.wrapping_sub(b));
                    pc = pc.wrapping_add(1);
                }
                I64_MUL => {
                    bin!(|a: u64, b: u64| a.wrapping_mul(b));
                    pc = pc.wrapping_add(1);
                }
                I64_DIV_S => {
                    try_bin!(|a: u64, b: u64| -> Result<u64, Trap> {
                        let (a, b) = (a as i64, b as i64);
                        if b == 0 {
                            return Err(Trap::IntegerDivideByZero);
                        }
                        Ok(a.checked_div(b).ok_or(Trap::IntegerOverflow)? as u64)
                    });
                    pc = pc.wrapping_add(1);
                }
                I64_DIV_U => {
                    try_bin!(|a: u64, b: u64| -> Result<u64, Trap> {
                        a.checked_div(b).ok_or(Trap::IntegerDivideByZero)
                    });
                    pc = pc.wrapping_add(1);
                }
                I64_REM_S => {
                    try_bin!(|a: u64, b: u64| -> Result<u64, Trap> {
                        let (a, b) = (a as i64, b as i64);
                        if b == 0 {
                            return Err(Trap::IntegerDivideByZero);
                        }
                        Ok(a.checked_rem(b).unwrap_or(0) as u64)
                    });
                    pc = pc.wrapping_add(1);
                }
                I64_REM_U => {
                    try_bin!(|a: u64, b: u64| -> Result<u64, Trap> {
                        a.checked_rem(b).ok_or(Trap::IntegerDivideByZero)
                    });
                    pc = pc.wrapping_add(1);
                }
                I64_AND => {
                    bin!(|a: u64, b: u64| a & b);
                    pc = pc.wrapping_add(1);
                }
                I64_OR => {
                    bin!(|a: u64, b: u64| a | b);
                    pc = pc.wrapping_add(1);
                }
                I64_XOR => {
                    bin!(|a: u64, b: u64| a ^ b);
                    pc = pc.wrapping_add(1);
                }
                I64_SHL => {
                    bin!(|a: u64, b: u64| a.wrapping_shl(b as u32));
                    pc = pc.wrapping_add(1);
                }
                I64_SHR_S => {
                    bin!(|a: u64, b: u64| (a as i64).wrapping_shr(b as u32) as u64);
                    pc = pc.wrapping_add(1);
                }
                I64_SHR_U => {
                    bin!(|a: u64, b: u64| a.wrapping_shr(b as u32));
                    pc = pc.wrapping_add(1);
                }
                I64_ROTL => {
                    bin!(|a: u64, b: u64| a.rotate_left((b & 63) as u32));
                    pc = pc.wrapping_add(1);
                }
                I64_ROTR => {
                    bin!(|a: u64, b: u64| a.rotate_right((b & 63) as u32));
                    pc = pc.wrapping_add(1);
                }
                F32_ABS => {
                    f32u!(sf::f32_abs);
                    pc = pc.wrapping_add(1);
                }
                F32_NEG => {
                    f32u!(sf::f32_neg);
                    pc = pc.wrapping_add(1);
                }
                F32_CEIL => {
                    f32u!(sf::f32_ceil);
                    pc = pc.wrapping_add(1);
                }
                F32_FLOOR => {
                    f32u!(sf::f32_floor);
                    pc = pc.wrapping_add(1);
                }
                F32_TRUNC => {
                    f32u!(sf::f32_trunc);
                    pc = pc.wrapping_add(1);
                }
                F32_NEAREST => {
                    f32u!(sf::f32_nearest);
                    pc = pc.wrapping_add(1);
                }
                F32_SQRT => {
                    f32u!(sf::f32_sqrt);
                    pc = pc.wrapping_add(1);
                }
                F32_ADD => {
                    f32b!(sf::f32_add);
                    pc = pc.wrapping_add(1);
                }
                F32_SUB => {
                    f32b!(sf::f32_sub);
                    pc = pc.wrapping_add(1);
                }
                F32_MUL => {
                    f32b!(sf::f32_mul);
                    pc = pc.wrapping_add(1);
                }
                F32_DIV => {
                    f32b!(sf::f32_div);
                    pc = pc.wrapping_add(1);
                }
                F32_MIN => {
                    f32b!(sf::f32_min);
                    pc = pc.wrapping_add(1);
                }
                F32_MAX => {
                    f32b!(sf::f32_max);
                    pc = pc.wrapping_add(1);
                }
                F32_COPYSIGN => {
                    f32b!(sf::f32_copysign);
                    pc = pc.wrapping_add(1);
                }
                F64_ABS => {
                    f64u!(sf::f64_abs);
                    pc = pc.wrapping_add(1);
                }
                F64_NEG => {
                    f64u!(sf::f64_neg);
                    pc = pc.wrapping_add(1);
                }
                F64_CEIL => {
                    f64u!(sf::f64_ceil);
                    pc = pc.wrapping_add(1);
                }
                F64_FLOOR => {
                    f64u!(sf::f64_floor);
                    pc = pc.wrapping_add(1);
                }
                F64_TRUNC => {
                    f64u!(sf::f64_trunc);
                    pc = pc.wrapping_add(1);
                }
                F64_NEAREST => {
                    f64u!(sf::f64_nearest);
                    pc = pc.wrapping_add(1);
                }
                F64_SQRT => {
                    f64u!(sf::f64_sqrt);
                    pc = pc.wrapping_add(1);
                }
                F64_ADD => {
                    bin!(sf::f64_add);
                    pc = pc.wrapping_add(1);
                }
                F64_SUB => {
                    bin!(sf::f64_sub);
                    pc = pc.wrapping_add(1);
                }
                F64_MUL => {
                    bin!(sf::f64_mul);
                    pc = pc.wrapping_add(1);
                }
                F64_DIV => {
                    bin!(sf::f64_div);
                    pc = pc.wrapping_add(1);
                }
                F64_MIN => {
                    bin!(sf::f64_min);
                    pc = pc.wrapping_add(1);
                }
                F64_MAX => {
                    bin!(sf::f64_max);
                    pc = pc.wrapping_add(1);
                }
                F64_COPYSIGN => {
                    bin!(sf::f64_copysign);
                    pc = pc.wrapping_add(1);
                }
                I32_WRAP_I64 => {
                    un!(|a: u64| u64::from(a as u32));
                    pc = pc.wrapping_add(1);
                }
                I32_TRUNC_F32_S => {
                    try_un!(|a: u64| trunc32(sf::i32_trunc_f32_s(a as u32)));
                    pc = pc.wrapping_add(1);
                }
                I32_TRUNC_F32_U => {
                    try_un!(|a: u64| trunc32u(sf::i32_trunc_f32_u(a as u32)));
                    pc = pc.wrapping_add(1);
                }
                I32_TRUNC_F64_S => {
                    try_un!(|a: u64| trunc32(sf::i32_trunc_f64_s(a)));
                    pc = pc.wrapping_add(1);
                }
                I32_TRUNC_F64_U => {
                    try_un!(|a: u64| trunc32u(sf::i32_trunc_f64_u(a)));
                    pc = pc.wrapping_add(1);
                }
                I64_EXTEND_I32_S => {
                    un!(|a: u64| i64::from(a as u32 as i32) as u64);
                    pc = pc.wrapping_add(1);
                }
                I64_EXTEND_I32_U => {
                    un!(|a: u64| u64::from(a as u32));
                    pc = pc.wrapping_add(1);
                }
                I64_TRUNC_F32_S => {
                    try_un!(|a: u64| trunc64(sf::i64_trunc_f32_s(a as u32)));
                    pc = pc.wrapping_add(1);
                }
                I64_TRUNC_F32_U => {
                    try_un!(|a: u64| trunc64u(sf::i64_trunc_f32_u(a as u32)));
                    pc = pc.wrapping_add(1);
                }
                I64_TRUNC_F64_S => {
                    try_un!(|a: u64| trunc64(sf::i64_trunc_f64_s(a)));
                    pc = pc.wrapping_add(1);
                }
                I64_TRUNC_F64_U => {
                    try_un!(|a: u64| trunc64u(sf::i64_trunc_f64_u(a)));
                    pc = pc.wrapping_add(1);
                }
                F32_CONVERT_I32_S => {
                    un!(|a: u64| u64::from(sf::f32_convert_i32_s(a as u32 as i32)));
                    pc = pc.wrapping_add(1);
                }
                F32_CONVERT_I32_U => {
                    un!(|a: u64| u64::from(sf::f32_convert_i32_u(a as u32)));
                    pc = pc.wrapping_add(1);
                }
                F32_CONVERT_I64_S => {
                    un!(|a: u64| u64::from(sf::f32_convert_i64_s(a as i64)));
                    pc = pc.wrapping_add(1);
                }
                F32_CONVERT_I64_U => {
                    un!(|a: u64| u64::from(sf::f32_convert_i64_u(a)));
                    pc = pc.wrapping_add(1);
                }
                F32_DEMOTE_F64 => {
                    un!(|a: u64| u64::from(sf::f32_demote_f64(a)));
                    pc = pc.wrapping_add(1);
                }
                F64_CONVERT_I32_S => {
                    un!(|a: u64| sf::f64_convert_i32_s(a as u32 as i32));
                    pc = pc.wrapping_add(1);
                }
                F64_CONVERT_I32_U => {
                    un!(|a: u64| sf::f64_convert_i32_u(a as u32));
                    pc = pc.wrapping_add(1);
                }
                F64_CONVERT_I64_S => {
                    un!(|a: u64| sf::f64_convert_i64_s(a as i64));
                    pc = pc.wrapping_add(1);
                }
                F64_CONVERT_I64_U => {
                    un!(|a: u64| sf::f64_convert_i64_u(a));
                    pc = pc.wrapping_add(1);
                }
                F64_PROMOTE_F32 => {
                    un!(|a: u64| sf::f64_promote_f32(a as u32));
                    pc = pc.wrapping_add(1);
                }
                I32_REINTERPRET_F32 | F32_REINTERPRET_I32 | I64_REINTERPRET_F64
                | F64_REINTERPRET_I64 => {
                    {};
                    pc = pc.wrapping_add(1);
                }
                I32_EXTEND8_S => {
                    i32u!(|a: u32| i32::from(a as u8 as i8) as u32);
                    pc = pc.wrapping_add(1);
                }
                I32_EXTEND16_S => {
                    i32u!(|a: u32| i32::from(a as u16 as i16) as u32);
                    pc = pc.wrapping_add(1);
                }
                I64_EXTEND8_S => {
                    un!(|a: u64| i64::from(a as u8 as i8) as u64);
                    pc = pc.wrapping_add(1);
                }
                I64_EXTEND16_S => {
                    un!(|a: u64| i64::from(a as u16 as i16) as u64);
                    pc = pc.wrapping_add(1);
                }
                I64_EXTEND32_S => {
                    un!(|a: u64| i64::from(a as u32 as i32) as u64);
                    pc = pc.wrapping_add(1);
                }
                I32_TRUNC_SAT_F32_S => {
                    un!(|a: u64| u64::from(sf::i32_trunc_sat_f32_s(a as u32) as u32));
                    pc = pc.wrapping_add(1);
                }
                I32_TRUNC_SAT_F32_U => {
                    un!(|a: u64| u64::from(sf::i32_trunc_sat_f32_u(a as u32)));
                    pc = pc.wrapping_add(1);
                }
                I32_TRUNC_SAT_F64_S => {
                    un!(|a: u64| u64::from(sf::i32_trunc_sat_f64_s(a) as u32));
                    pc = pc.wrapping_add(1);
                }
                I32_TRUNC_SAT_F64_U => {
                    un!(|a: u64| u64::from(sf::i32_trunc_sat_f64_u(a)));
                    pc = pc.wrapping_add(1);
                }
                I64_TRUNC_SAT_F32_S => {
                    un!(|a: u64| sf::i64_trunc_sat_f32_s(a as u32) as u64);
                    pc = pc.wrapping_add(1);
                }
                I64_TRUNC_SAT_F32_U => {
                    un!(|a: u64| sf::i64_trunc_sat_f32_u(a as u32));
                    pc = pc.wrapping_add(1);
                }
                I64_TRUNC_SAT_F64_S => {
                    un!(|a: u64| sf::i64_trunc_sat_f64_s(a) as u64);
                    pc = pc.wrapping_add(1);
                }
                I64_TRUNC_SAT_F64_U => {
                    un!(|a: u64| sf::i64_trunc_sat_f64_u(a));
                    pc = pc.wrapping_add(1);
                }
                _ => return Err(Trap::Unreachable),
            }
        }
    }
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Compiles validated Wasm function bodies into dense internal register code (`u32` words):
//! every instruction names its operands and result as frame-relative value-stack slots (locals
//! are slots `0..nlocals`, the operand at static height `h` lives in slot `nlocals + h`), branch
//! targets are resolved to code offsets, fuel is charged per basic block and compares fuse into
//! branches.
//!
//! Beside the validator's type stack the compiler keeps an operand descriptor per entry:
//! `Temp` (the value is in its own slot), `Local(i)` (the value is local `i`, nothing emitted
//! yet) or `Const(c)`. Descriptors are materialized into their slots before anything that
//! needs them there (block boundaries, branch values, call arguments, writes to the local).

use super::decode::reader::Reader;
use super::decode::{is_declared, Builder};
use super::error::{Error, ErrorKind};
use super::limits::{MAX_BR_TABLE, MAX_LOCALS};
use super::module::{FUNC_REC, GLOBAL_REC, TABLE_REC, TYPE_REC};
use super::ops;
use super::validate::{
    C_BT_SINGLE, C_BT_TYPE, C_ELSE_PATCH, C_HEIGHT, C_KIND, C_LOOP_PC, C_PATCH, K_BLOCK, K_ELSE,
    K_IF, K_LOOP, NONE, UNKNOWN,
};
use super::value::ValType;

/// Words per control frame in the validator's scratch.
pub(super) const CTRL_REC: usize = 9;
/// Words per operand descriptor payload in the compiler's scratch (the kind lives in bits
/// 8.. of the validator's type word, see `TYPE_MASK`).
pub(super) const DESC_REC: usize = 1;
/// Bits of an operand-stack word holding the type code; the bits above hold the kind.
pub(super) const TYPE_MASK: u32 = 0xff;
/// End of a patch list.
const NIL: u32 = u32::MAX;
/// Descriptor kinds: payload = local index / constant zero- or sign-extended from 32 bits.
const D_TEMP: u32 = 0;
const D_LOCAL: u32 = 1;
const D_CONST_ZX: u32 = 2;
const D_CONST_SX: u32 = 3;
/// A `local.set` scans at most this many pending entries for the local before it
/// materializes every pending entry instead (keeps compile time linear).
const SCAN_MAX: usize = 16;

/// Compile-time operand descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum D {
    Temp,
    Local(u32),
    Const(u64),
}

/// Per-function compile state.
pub(super) struct Ctx<'b, 'x> {
    pub(super) bld: &'b mut Builder<'x>,
    pub(super) at: usize,
    pub(super) runs_o: usize,
    pub(super) n_runs: usize,
    pub(super) opd_o: usize,
    pub(super) opd_cap: usize,
    pub(super) opd_len: usize,
    pub(super) desc_o: usize,
    pub(super) ctrl_o: usize,
    pub(super) ctrl_cap: usize,
    pub(super) ctrl_len: usize,
    pub(super) nlocals: usize,
    pub(super) np: usize,
    pub(super) type_vt: usize,
    pub(super) max_h: usize,
    /// Every entry below this position is `Temp`.
    pub(super) pending_lo: usize,
    fuel_at: usize,
    /// Position and op of the last emitted instruction of the current basic block.
    last_op: Option<(usize, u32)>,
    /// Position and op of the instruction emitted before `last_op` in the current basic block.
    /// After code is rewound it can name an instruction that no longer ends where `last_op`
    /// starts: users check that it does (and its op word).
    prev_op: Option<(usize, u32)>,
    /// Position of the dst word of the last emitted instruction, if it writes exactly that
    /// one slot after reading all its operands (it may be retargeted to a local).
    last_dst: Option<usize>,
    /// Declared locals `np + i` (bit `i`) still holding their initial zero: valid in the
    /// function's first basic block only (cleared when the next one starts).
    fresh: u64,
}

impl Ctx<'_, '_> {
    fn pc(&self) -> usize {
        self.bld.code_len
    }

    fn emit(&mut self, w: u32) -> Result<(), Error> {
        if self.bld.code_len >= self.bld.h.code_bound {
            return Err(self.verr(ErrorKind::BufferTooSmall));
        }
        let i = self.bld.h.o_code.wrapping_add(self.bld.code_len);
        self.bld.set(i, w)?;
        self.bld.code_len = self.bld.code_len.wrapping_add(1);
        Ok(())
    }

    fn code_get(&self, pc: usize) -> u32 {
        self.bld.get(self.bld.h.o_code.wrapping_add(pc))
    }

    fn code_set(&mut self, pc: usize, v: u32) -> Result<(), Error> {
        self.bld.set(self.bld.h.o_code.wrapping_add(pc), v)
    }

    /// Charges one Wasm instruction to the current fuel block.
    fn charge(&mut self) -> Result<(), Error> {
        if !self.reachable() {
            return Ok(());
        }
        let f = self.code_get(self.fuel_at).wrapping_add(1);
        self.code_set(self.fuel_at, f)
    }

    /// Emits an instruction (if reachable).
    fn ins(&mut self, words: &[u32]) -> Result<(), Error> {
        if !self.reachable() {
            return Ok(());
        }
        let at = self.pc();
        for w in words {
            self.emit(*w)?;
        }
        self.prev_op = self.last_op;
        self.last_op = words.first().map(|&op| (at, op));
        self.last_dst = None;
        Ok(())
    }

    /// Emits an instruction whose word 1 is its only destination slot.
    fn ins_dst(&mut self, words: &[u32]) -> Result<(), Error> {
        if !self.reachable() {
            return Ok(());
        }
        let at = self.pc();
        self.ins(words)?;
        self.last_dst = Some(at.wrapping_add(1));
        Ok(())
    }

    /// Emits `COPY dst src`, merged into the last instruction of the basic block if that is a
    /// COPY (into a COPY2) or a COPY2 (into a COPY3): these copy in order, so the merged copy
    /// behaves as the sequence, and its last dst word can be retargeted like a COPY's.
    fn copy(&mut self, dst: u32, src: u32) -> Result<(), Error> {
        self.ins_merged([ops::COPY, ops::COPY2, ops::COPY3], dst, src)
    }

    /// Emits `op dst w` for `[op, op2, op3] = ops`, merged into the last instruction of the
    /// basic block if that is an `op` (into an `op2`) or an `op2` (into an `op3`): the merged
    /// op does its pairs in order, as the sequence would, and its last dst word can be
    /// retargeted like an `op`'s (COPY, CONST32).
    fn ins_merged(&mut self, ops: [u32; 3], dst: u32, w: u32) -> Result<(), Error> {
        if !self.reachable() {
            return Ok(());
        }
        if let Some((at, op)) = self.last_op {
            let (len, merged) = match op {
                _ if op == ops[0] => (3, ops[1]),
                _ if op == ops[1] => (5, ops[2]),
                _ => (0, 0),
            };
            if len != 0 && at.wrapping_add(len) == self.pc() && self.code_get(at) == op {
                self.code_set(at, merged)?;
                let d = self.pc();
                self.emit(dst)?;
                self.emit(w)?;
                self.last_op = Some((at, merged));
                self.last_dst = Some(d);
                return Ok(());
            }
        }
        self.ins_dst(&[ops[0], dst, w])
    }

    /// Records slot `s` as used by the function (the frame's max height covers it).
    fn sl(&mut self, s: usize) -> u32 {
        let end = s.saturating_add(1);
        if end > self.max_h {
            self.max_h = end;
        }
        s as u32
    }

    /// Records slots `first..first + n` (at least `first`) in the frame's max height; returns
    /// `first`.
    fn sl_range(&mut self, first: usize, n: usize) -> u32 {
        if n > 1 {
            self.sl(first.wrapping_add(n).wrapping_sub(1));
        }
        self.sl(first)
    }

    /// Slot of the operand at stack position `pos`.
    fn tslot(&mut self, pos: usize) -> u32 {
        let s = self.nlocals.wrapping_add(pos);
        self.sl(s)
    }

    /// Starts a new basic block (a branch target): emits a FUEL op.
    fn new_block(&mut self) -> Result<(), Error> {
        if !self.reachable() {
            return Ok(());
        }
        self.emit(ops::FUEL)?;
        self.fuel_at = self.pc();
        self.emit(0)?;
        self.last_op = None;
        self.prev_op = None;
        self.last_dst = None;
        self.fresh = 0;
        Ok(())
    }

    fn desc_get(&self, pos: usize) -> D {
        let kind = self.bld.get(self.opd_o.wrapping_add(pos)) >> 8;
        let v = self.bld.get(self.desc_o.wrapping_add(pos));
        match kind {
            D_LOCAL => D::Local(v),
            D_CONST_ZX => D::Const(u64::from(v)),
            D_CONST_SX => D::Const(i64::from(v as i32) as u64),
            _ => D::Temp,
        }
    }

    /// Sets the descriptor of the entry at `pos`; a constant that does not fit the payload
    /// (neither zero- nor sign-extended from 32 bits) is written to the entry's slot instead.
    pub(super) fn desc_set(&mut self, pos: usize, d: D) -> Result<(), Error> {
        let (k, v) = match d {
            D::Temp => (D_TEMP, 0),
            D::Local(i) => (D_LOCAL, i),
            D::Const(c) if c >> 32 == 0 => (D_CONST_ZX, c as u32),
            D::Const(c) if c as i64 == i64::from(c as u32 as i32) => (D_CONST_SX, c as u32),
            D::Const(c) => {
                let dst = self.tslot(pos);
                self.konst(dst, c)?;
                (D_TEMP, 0)
            }
        };
        let o = self.opd_o.wrapping_add(pos);
        let t = self.bld.get(o) & TYPE_MASK;
        self.bld.set(o, t | (k << 8))?;
        if k != D_TEMP {
            self.bld.set(self.desc_o.wrapping_add(pos), v)?;
            if pos < self.pending_lo {
                self.pending_lo = pos;
            }
        }
        Ok(())
    }

    /// Pushes an operand with a descriptor.
    fn push_d(&mut self, t: u32, d: D) -> Result<(), Error> {
        self.push(t)?;
        let pos = self.opd_len.wrapping_sub(1);
        self.desc_set(pos, d)
    }

    /// Pops an operand of type `t` (UNKNOWN: any) with its descriptor and position.
    fn pop_d(&mut self, t: u32) -> Result<(u32, D, usize), Error> {
        let before = self.opd_len;
        let got = self.pop_expect(t)?;
        if self.opd_len < before {
            Ok((got, self.desc_get(self.opd_len), self.opd_len))
        } else {
            Ok((got, D::Temp, self.opd_len))
        }
    }

    /// Emits code writing constant `c` to slot `dst`. A 32-bit constant merges into the last
    /// instruction of the basic block if that is a CONST32 (into a CONST32X2) or a CONST32X2
    /// (into a CONST32X3), as `copy` does: call arguments are often runs of constants.
    fn konst(&mut self, dst: u32, c: u64) -> Result<(), Error> {
        if c >> 32 == 0 {
            self.ins_merged(
                [ops::CONST32, ops::CONST32X2, ops::CONST32X3],
                dst,
                c as u32,
            )
        } else {
            self.ins_dst(&[ops::CONST64, dst, c as u32, (c >> 32) as u32])
        }
    }

    /// Moves the operand at `pos` into its own slot.
    fn mat(&mut self, pos: usize) -> Result<(), Error> {
        let d = self.desc_get(pos);
        if d == D::Temp {
            return Ok(());
        }
        let dst = self.tslot(pos);
        match d {
            D::Local(i) => self.copy(dst, i)?,
            D::Const(c) => self.konst(dst, c)?,
            D::Temp => {}
        }
        self.desc_set(pos, D::Temp)
    }

    /// Materializes the entries `from..opd_len`.
    fn mat_from(&mut self, from: usize) -> Result<(), Error> {
        let lo = self.pending_lo.min(self.opd_len);
        let mut p = from.max(lo);
        while p < self.opd_len {
            self.mat(p)?;
            p = p.wrapping_add(1);
        }
        if from <= lo {
            self.pending_lo = self.opd_len;
        }
        Ok(())
    }

    /// Materializes every entry (block boundaries).
    fn mat_all(&mut self) -> Result<(), Error> {
        self.mat_from(0)
    }

    /// Materializes the top `n` entries.
    fn mat_top(&mut self, n: usize) -> Result<(), Error> {
        self.mat_from(self.opd_len.saturating_sub(n))
    }

    /// Slot holding operand `d` popped from `pos` (constants are written to the slot at `pos`).
    fn use_(&mut self, d: D, pos: usize) -> Result<u32, Error> {
        match d {
            D::Local(i) => Ok(i),
            D::Temp => Ok(self.tslot(pos)),
            D::Const(c) => {
                let s = self.tslot(pos);
                self.konst(s, c)?;
                Ok(s)
            }
        }
    }

    /// Before a write to local `x`: materializes pending reads of it.
    fn before_write(&mut self, x: u32) -> Result<(), Error> {
        let lo = self.pending_lo.min(self.opd_len);
        if self.opd_len.wrapping_sub(lo) > SCAN_MAX {
            return self.mat_all();
        }
        let mut p = lo;
        while p < self.opd_len {
            if self.desc_get(p) == D::Local(x) {
                self.mat(p)?;
            }
            p = p.wrapping_add(1);
        }
        Ok(())
    }

    /// Writes operand `d` (popped from `pos`) to local `x`.
    fn write_local(&mut self, x: u32, d: D, pos: usize) -> Result<(), Error> {
        if !self.reachable() {
            return Ok(());
        }
        // writing zero to a declared local that still holds its initial zero: nothing to do
        // (pending reads of it stay valid, as the value does not change)
        let bit = (x as usize)
            .checked_sub(self.np)
            .filter(|&i| i < 64)
            .map_or(0, |i| 1u64.wrapping_shl(i as u32));
        if self.fresh & bit != 0 {
            self.fresh &= !bit;
            if d == D::Const(0) {
                // it stays zero
                self.fresh |= bit;
                return Ok(());
            }
        }
        self.before_write(x)?;
        match d {
            D::Local(y) if y == x => Ok(()),
            D::Local(y) => self.copy(x, y),
            D::Const(c) => self.konst(x, c),
            D::Temp => {
                let s = self.tslot(pos);
                if let Some(at) = self.last_dst {
                    if self.code_get(at) == s {
                        self.code_set(at, x)?;
                        self.last_dst = None;
                        return Ok(());
                    }
                }
                self.copy(x, s)
            }
        }
    }

    /// Emits a branch target word for label `depth` (patched later for forward labels).
    fn target(&mut self, depth: usize) -> Result<(), Error> {
        if self.ctrl_get(depth, C_KIND) == K_LOOP {
            let pc = self.ctrl_get(depth, C_LOOP_PC);
            self.emit(pc)
        } else {
            let head = self.ctrl_get(depth, C_PATCH);
            let at = self.pc() as u32;
            self.emit(head)?;
            self.ctrl_set(depth, C_PATCH, at)
        }
    }

    /// Resolves a patch list to `dest`.
    fn resolve(&mut self, mut head: u32, dest: u32) -> Result<(), Error> {
        let mut guard = self.bld.code_len;
        while head != NIL {
            let next = self.code_get(head as usize);
            self.code_set(head as usize, dest)?;
            head = next;
            guard = guard.saturating_sub(1);
            if guard == 0 {
                return Err(self.verr(ErrorKind::BufferTooSmall));
            }
        }
        Ok(())
    }

    /// The fused form of "branch if operand `d` at `pos` (i32) is nonzero" (`neg`: is zero):
    /// if the last instruction computed it with a compare/eqz into its slot, replaces that
    /// instruction. Returns the words before the target, or None.
    fn fuse_cond(&mut self, d: D, pos: usize, neg: bool) -> Result<Option<[u32; 3]>, Error> {
        let (Some((at, last)), D::Temp) = (self.last_op, d) else {
            return Ok(None);
        };
        let end = self.pc();
        let s = self.tslot(pos);
        if self.code_get(at.wrapping_add(1)) != s {
            return Ok(None);
        }
        let a = self.code_get(at.wrapping_add(2));
        let b = self.code_get(at.wrapping_add(3));
        if (last == ops::I32_EQZ) && at.wrapping_add(3) == end {
            self.bld.code_len = at;
            let op = if neg { ops::BR_NZ } else { ops::BR_EQZ };
            return Ok(Some([op, a, 0]));
        }
        if at.wrapping_add(4) != end {
            return Ok(None);
        }
        let Some(&(cmp, cmp_imm, _, _, negated)) =
            ops::I32_CMP_BR.iter().find(|f| f.0 == last || f.1 == last)
        else {
            return Ok(None);
        };
        let want = if neg { negated } else { cmp };
        let Some(f) = ops::I32_CMP_BR.iter().find(|f| f.0 == want) else {
            return Ok(None);
        };
        self.bld.code_len = at;
        let _ = cmp;
        let op = if last == cmp_imm { f.3 } else { f.2 };
        Ok(Some([op, a, b]))
    }

    /// If the instruction `(at, op)` is an i32.add with an immediate ending at the current end
    /// of the code and writing slot `dst`: its position and (source slot, immediate).
    fn add_imm_at(&self, ins: Option<(usize, u32)>, dst: u32) -> Option<(usize, [u32; 2])> {
        let (at, op) = ins?;
        let ok = op == ops::I32_ADD_IMM
            && self.code_get(at) == ops::I32_ADD_IMM
            && at.wrapping_add(4) == self.pc()
            && self.code_get(at.wrapping_add(1)) == dst;
        ok.then(|| {
            let a = self.code_get(at.wrapping_add(2));
            (at, [a, self.code_get(at.wrapping_add(3))])
        })
    }

    /// `add_imm_at` for the last instruction (none if `emitted`: code was added since).
    fn add_imm_last(&self, dst: u32, emitted: bool) -> Option<(usize, [u32; 2])> {
        if emitted {
            return None;
        }
        self.add_imm_at(self.last_op, dst)
    }

    /// `add_imm_at` for the instruction before the last one, once `fuse_cond` removed the last
    /// (a compare) from the code.
    fn add_imm_before(&self, dst: u32) -> Option<(usize, [u32; 2])> {
        if self.last_op.map(|(at, _)| at) != Some(self.pc()) {
            return None;
        }
        self.add_imm_at(self.prev_op, dst)
    }

    /// Emits a branch to label `depth` (`cond`: br_if condition, already popped).
    fn branch(&mut self, depth: usize, cond: Option<(D, usize)>) -> Result<(), Error> {
        if !self.reachable() {
            return Ok(());
        }
        let arity = self.label_arity(depth);
        let is_fn = depth.wrapping_add(1) == self.ctrl_len;
        if cond.is_none() && is_fn && self.fast_return(arity)? {
            return Ok(());
        }
        let base = self.opd_len.saturating_sub(arity);
        let before = self.pc();
        self.mat_top(arity)?;
        let emitted = self.pc() != before;
        let src = self.sl_range(self.nlocals.wrapping_add(base), arity);
        if cond.is_none() && is_fn {
            return self.ins(&[ops::RETURN, src, arity as u32]);
        }
        let dst = self
            .nlocals
            .wrapping_add(self.ctrl_get(depth, C_HEIGHT) as usize);
        let dst = self.sl_range(dst, arity);
        let copy = arity > 0 && src != dst;
        match cond {
            None => {
                if copy {
                    self.ins(&[ops::BR])?;
                    self.target(depth)?;
                    self.emit(src)?;
                    self.emit(dst)?;
                    self.emit(arity as u32)?;
                } else {
                    self.ins(&[ops::JUMP])?;
                    self.target(depth)?;
                }
            }
            Some((d, pos)) => {
                let fused = if copy || emitted {
                    None
                } else {
                    self.fuse_cond(d, pos, false)?
                };
                if let Some([op, a, b]) = fused {
                    if op == ops::BR_NZ || op == ops::BR_EQZ {
                        self.ins(&[op, a])?;
                    } else if let (Some(f), Some((pat, add))) =
                        (ops::add_imm_br(op), self.add_imm_before(a))
                    {
                        // compared with an immediate: the sum the instruction before computed
                        self.bld.code_len = pat;
                        self.ins(&[f, a, add[0], add[1], b])?;
                    } else {
                        self.ins(&[op, a, b])?;
                    }
                    self.target(depth)?;
                } else {
                    let c = self.use_(d, pos)?;
                    if copy {
                        self.ins(&[ops::BR_NZ_COPY, c])?;
                        self.target(depth)?;
                        self.emit(src)?;
                        self.emit(dst)?;
                        self.emit(arity as u32)?;
                    } else if let Some((at, add)) = self.add_imm_last(c, emitted) {
                        // branch on the sum the last instruction computed
                        self.bld.code_len = at;
                        self.ins(&[ops::I32_ADD_IMM_BR_NZ, c, add[0], add[1]])?;
                        self.target(depth)?;
                    } else {
                        self.ins(&[ops::BR_NZ, c])?;
                        self.target(depth)?;
                    }
                }
            }
        }
        self.last_op = None;
        self.prev_op = None;
        self.last_dst = None;
        Ok(())
    }

    /// A return of one value that needs no copy into a slot of its own first: a 32-bit
    /// constant (RETURN_CONST32), a local (RETURN from the local's slot), or the temp the last
    /// instruction just wrote, retargeted to slot 0 (RETURN from slot 0 moves nothing; the
    /// instruction reads its operands before it writes). Whether it emitted one.
    fn fast_return(&mut self, nr: usize) -> Result<bool, Error> {
        if !self.reachable() || nr != 1 || self.opd_len == 0 {
            return Ok(false);
        }
        let pos = self.opd_len.wrapping_sub(1);
        match self.desc_get(pos) {
            D::Const(c) if c >> 32 == 0 => {
                self.sl(0);
                self.ins(&[ops::RETURN_CONST32, c as u32])?;
            }
            D::Local(i) => self.ins(&[ops::RETURN, i, 1])?,
            D::Temp => {
                let s = self.tslot(pos);
                match self.last_dst {
                    Some(at) if self.code_get(at) == s => {
                        let zero = self.sl(0);
                        self.code_set(at, zero)?;
                        self.ins(&[ops::RETURN, 0, 1])?;
                    }
                    _ => return Ok(false),
                }
            }
            D::Const(_) => return Ok(false),
        }
        Ok(true)
    }

    /// Type of local `x`.
    fn local_type(&self, x: u32) -> Option<u32> {
        let x = x as usize;
        if x < self.np {
            return self
                .bld
                .vt
                .get(self.type_vt.wrapping_add(x))
                .map(|t| t.code());
        }
        if x >= self.nlocals {
            return None;
        }
        // runs are sorted by their (exclusive) end index: binary search for the first run
        // whose end is above x (runs with count 0 have equal ends and are skipped over)
        let end_of = |i: usize| self.bld.get(self.runs_o.wrapping_add(i.wrapping_mul(2))) as usize;
        let (mut lo, mut hi) = (0usize, self.n_runs);
        while lo < hi {
            let mid = lo.wrapping_add(hi.wrapping_sub(lo) / 2);
            if end_of(mid) > x {
                hi = mid;
            } else {
                lo = mid.wrapping_add(1);
            }
        }
        if lo < self.n_runs {
            return Some(
                self.bld
                    .get(self.runs_o.wrapping_add(lo.wrapping_mul(2)).wrapping_add(1)),
            );
        }
        None
    }
}

/// Operand-stack scratch capacity (words) for a module whose longest body is `max_body` bytes.
pub(super) fn opd_capacity(value_stack: u32, max_body: usize) -> usize {
    (value_stack as usize).min(max_body.saturating_mul(8).saturating_add(1024))
}

/// Control-stack scratch capacity (frames).
pub(super) fn ctrl_capacity(max_body: usize) -> usize {
    (super::limits::MAX_CONTROL_DEPTH as usize)
        .min(max_body / 2)
        .saturating_add(2)
}

/// Reads a block type: (type index or u32::MAX, single result code or NONE).
fn block_type(r: &mut Reader<'_>, n_types: usize) -> Result<(u32, u32), Error> {
    let b = r.peek()?;
    if b == 0x40 {
        r.u8()?;
        return Ok((u32::MAX, NONE));
    }
    if let Some(t) = ValType::from_byte(b) {
        r.u8()?;
        return Ok((u32::MAX, t.code()));
    }
    let at = r.pos();
    let idx = r.s33()?;
    if idx < 0 {
        return Err(Error::new(ErrorKind::BadValType, at));
    }
    if idx as u64 >= n_types as u64 {
        return Err(Error::new(ErrorKind::UnknownIndex, at));
    }
    Ok((idx as u32, NONE))
}

/// Validates and compiles the body of function `func`.
pub(super) fn compile_body(
    r: &mut Reader<'_>,
    bld: &mut Builder<'_>,
    func: u32,
) -> Result<(), Error> {
    let h = bld.h;
    let t = bld.get_rec(h.o_funcs, FUNC_REC, func as usize, 0);
    let type_vt = bld.get_rec(h.o_types, TYPE_REC, t as usize, 0) as usize;
    let np = bld.get_rec(h.o_types, TYPE_REC, t as usize, 1) as usize;
    let runs_cap = h.max_body.saturating_add(2);
    let runs_o = h.o_scratch;
    let opd_o = runs_o.saturating_add(runs_cap.saturating_mul(2));
    let opd_cap = opd_capacity(bld.limits.value_stack(), h.max_body);
    let desc_o = opd_o.saturating_add(opd_cap);
    let ctrl_o = desc_o.saturating_add(opd_cap.saturating_mul(DESC_REC));
    let ctrl_cap = ctrl_capacity(h.max_body);

    let n_runs = r.count()?;
    let mut total = np;
    for i in 0..n_runs {
        let c = r.u32()? as usize;
        let vt = r.valtype()?;
        total = total
            .checked_add(c)
            .filter(|&t| t <= MAX_LOCALS as usize)
            .ok_or_else(|| r.err(ErrorKind::TooManyLocals))?;
        if i >= runs_cap {
            return Err(r.err(ErrorKind::LimitExceeded));
        }
        bld.set(runs_o.wrapping_add(i.wrapping_mul(2)), total as u32)?;
        bld.set(
            runs_o.wrapping_add(i.wrapping_mul(2)).wrapping_add(1),
            vt.code(),
        )?;
    }
    let start_pc = bld.code_len;
    bld.set_rec(h.o_funcs, FUNC_REC, func as usize, 2, start_pc as u32)?;
    bld.set_rec(
        h.o_funcs,
        FUNC_REC,
        func as usize,
        3,
        total.wrapping_sub(np) as u32,
    )?;
    let mut c = Ctx {
        bld,
        at: r.pos(),
        runs_o,
        n_runs,
        opd_o,
        opd_cap,
        opd_len: 0,
        desc_o,
        ctrl_o,
        ctrl_cap,
        ctrl_len: 0,
        nlocals: total,
        np,
        type_vt,
        max_h: total,
        pending_lo: 0,
        fuel_at: 0,
        last_op: None,
        prev_op: None,
        last_dst: None,
        fresh: 0,
    };
    c.push_ctrl(K_BLOCK, t, NONE)?;
    c.new_block()?;
    // The entry block also pays for zeroing the declared locals (every call does it).
    let zeroing = (total.wrapping_sub(np) as u64) / super::limits::LOCALS_PER_FUEL;
    c.code_set(c.fuel_at, zeroing as u32)?;
    let declared = total.wrapping_sub(np).min(64);
    c.fresh = 1u64
        .checked_shl(declared as u32)
        .map_or(u64::MAX, |b| b.wrapping_sub(1));
    while c.ctrl_len > 0 {
        c.at = r.pos();
        instr(&mut c, r)?;
    }
    let max_h = c.max_h;
    if max_h > c.bld.limits.value_stack() as usize {
        return Err(Error::new(ErrorKind::LimitExceeded, r.pos()));
    }
    let o = c.bld.h.o_funcs;
    c.bld.set_rec(o, FUNC_REC, func as usize, 4, max_h as u32)?;
    Ok(())
}

/// Validates and compiles one instruction.
fn instr(c: &mut Ctx<'_, '_>, r: &mut Reader<'_>) -> Result<(), Error> {
    let opcode = r.u8()?;
    let n_types = c.bld.h.n_types;
    // every instruction but the structural ones costs one unit of fuel
    if !matches!(opcode, 0x01 | 0x02 | 0x03 | 0x05 | 0x0b) {
        c.charge()?;
    }
    match opcode {
        0x00 => {
            c.ins(&[ops::UNREACHABLE])?;
            c.set_unreachable()?;
        }
        0x01 => {}
        0x02 | 0x03 => {
            let (bt, single) = block_type(r, n_types)?;
            if c.reachable() {
                c.mat_all()?;
            }
            c.pop_params(bt, single)?;
            let kind = if opcode == 0x02 { K_BLOCK } else { K_LOOP };
            c.push_ctrl(kind, bt, single)?;
            if kind == K_LOOP && c.reachable() {
                let p = c.pc();
                c.new_block()?;
                c.ctrl_set(0, C_LOOP_PC, p as u32)?;
            }
            c.push_params(bt, single)?;
        }
        0x04 => {
            let (bt, single) = block_type(r, n_types)?;
            let before = c.pc();
            if c.reachable() {
                let below = c.opd_len.saturating_sub(1);
                let lo = c.pending_lo.min(c.opd_len);
                let mut p = lo;
                while p < below {
                    c.mat(p)?;
                    p = p.wrapping_add(1);
                }
                if lo < below {
                    c.pending_lo = below;
                }
            }
            let emitted = c.pc() != before;
            let (_, cd, cpos) = c.pop_d(ValType::I32.code())?;
            c.pop_params(bt, single)?;
            c.push_ctrl(K_IF, bt, single)?;
            if c.reachable() {
                let fused = if emitted {
                    None
                } else {
                    c.fuse_cond(cd, cpos, true)?
                };
                match fused {
                    Some([op, a, b]) => {
                        if op == ops::BR_NZ || op == ops::BR_EQZ {
                            c.ins(&[op, a])?;
                        } else {
                            c.ins(&[op, a, b])?;
                        }
                    }
                    None => {
                        let s = c.use_(cd, cpos)?;
                        c.ins(&[ops::BR_EQZ, s])?;
                    }
                }
                let at = c.pc();
                c.emit(NIL)?;
                c.ctrl_set(0, C_ELSE_PATCH, at as u32)?;
                c.new_block()?;
            }
            c.push_params(bt, single)?;
        }
        0x05 => {
            if c.ctrl_get(0, C_KIND) != K_IF {
                return Err(c.verr(ErrorKind::TypeMismatch));
            }
            if c.reachable() {
                c.mat_all()?;
            }
            c.check_frame_end()?;
            if c.reachable() {
                c.ins(&[ops::JUMP])?;
                c.target(0)?;
            }
            let ep = c.ctrl_get(0, C_ELSE_PATCH);
            c.ctrl_set(0, C_KIND, K_ELSE)?;
            c.ctrl_set(0, C_ELSE_PATCH, NIL)?;
            c.ctrl_set(0, super::validate::C_UNREACHABLE, 0)?;
            c.opd_len = c.ctrl_get(0, C_HEIGHT) as usize;
            if c.reachable() {
                let here = c.pc() as u32;
                c.resolve(ep, here)?;
                c.new_block()?;
            }
            let (bt, single) = (c.ctrl_get(0, C_BT_TYPE), c.ctrl_get(0, C_BT_SINGLE));
            c.push_params(bt, single)?;
        }
        0x0b => {
            // the function's end reached by falling through: return without materializing
            // when `fast_return` can (branches to the end land after it, on the plain RETURN)
            let fast = c.ctrl_len == 1 && c.fast_return(c.label_arity(0))?;
            if c.reachable() && !fast {
                c.mat_all()?;
            }
            c.check_frame_end()?;
            let kind = c.ctrl_get(0, C_KIND);
            let (bt, single) = (c.ctrl_get(0, C_BT_TYPE), c.ctrl_get(0, C_BT_SINGLE));
            if kind == K_IF {
                let (np, nr) = c.bt_counts(bt, single);
                if np != nr || (0..np).any(|i| c.bt_param(bt, i) != c.bt_result(bt, single, i)) {
                    return Err(c.verr(ErrorKind::TypeMismatch));
                }
            }
            let dead = c.ctrl_get(0, super::validate::C_DEAD);
            let patch = c.ctrl_get(0, C_PATCH);
            let else_patch = c.ctrl_get(0, C_ELSE_PATCH);
            if c.ctrl_len == 1 {
                // function end
                let here = c.pc() as u32;
                c.resolve(patch, here)?;
                let (_, nr) = c.bt_counts(bt, single);
                let src = c.sl_range(c.nlocals, nr);
                c.emit(ops::RETURN)?;
                c.emit(src)?;
                c.emit(nr as u32)?;
                c.ctrl_len = 0;
                return Ok(());
            }
            c.ctrl_len = c.ctrl_len.wrapping_sub(1);
            if dead == 0 {
                let here = c.pc() as u32;
                c.resolve(patch, here)?;
                c.resolve(else_patch, here)?;
                c.new_block()?;
            }
            let (_, nr) = c.bt_counts(bt, single);
            for i in 0..nr {
                let t = c.bt_result(bt, single, i);
                c.push(t)?;
            }
        }
        0x0c => {
            let l = r.count()?;
            if l >= c.ctrl_len {
                return Err(c.verr(ErrorKind::UnknownIndex));
            }
            c.branch(l, None)?;
            c.pop_label(l)?;
            c.set_unreachable()?;
        }
        0x0d => {
            let l = r.count()?;
            if l >= c.ctrl_len {
                return Err(c.verr(ErrorKind::UnknownIndex));
            }
            let (_, d, pos) = c.pop_d(ValType::I32.code())?;
            c.branch(l, Some((d, pos)))?;
            c.pop_label(l)?;
            c.push_label(l)?;
        }
        0x0e => {
            let n = r.count()?;
            if n > MAX_BR_TABLE as usize {
                return Err(c.verr(ErrorKind::LimitExceeded));
            }
            let targets_at = r.pos();
            for _ in 0..n {
                r.u32()?;
            }
            let default = r.count()?;
            if default >= c.ctrl_len {
                return Err(c.verr(ErrorKind::UnknownIndex));
            }
            let (_, idx_d, idx_pos) = c.pop_d(ValType::I32.code())?;
            let arity = c.label_arity(default);
            let end_at = r.pos();
            r.set_pos(targets_at);
            for _ in 0..n {
                let l = r.count()?;
                if l >= c.ctrl_len {
                    return Err(c.verr(ErrorKind::UnknownIndex));
                }
                if c.label_arity(l) != arity {
                    return Err(c.verr(ErrorKind::TypeMismatch));
                }
                let save = c.opd_len;
                c.pop_label(l)?;
                // restore (values stay on the stack for the next label check)
                c.opd_len = save;
            }
            if c.reachable() {
                c.mat_top(arity)?;
                let base = c.opd_len.saturating_sub(arity);
                let src = c.sl_range(c.nlocals.wrapping_add(base), arity);
                let idx = c.use_(idx_d, idx_pos)?;
                c.ins(&[ops::BR_TABLE, idx, n as u32, src, arity as u32])?;
                r.set_pos(targets_at);
                for _ in 0..=n {
                    let l = r.count()?;
                    c.target(l)?;
                    let newh = c.nlocals.wrapping_add(c.ctrl_get(l, C_HEIGHT) as usize);
                    let dst = c.sl_range(newh, arity);
                    c.emit(dst)?;
                }
                c.last_op = None;
                c.prev_op = None;
                c.last_dst = None;
            }
            r.set_pos(end_at);
            c.pop_label(default)?;
            c.set_unreachable()?;
        }
        0x0f => {
            let depth = c.ctrl_len.wrapping_sub(1);
            let nr = c.label_arity(depth);
            if c.reachable() && !c.fast_return(nr)? {
                c.mat_top(nr)?;
                let base = c.opd_len.saturating_sub(nr);
                let src = c.sl_range(c.nlocals.wrapping_add(base), nr);
                c.ins(&[ops::RETURN, src, nr as u32])?;
            }
            c.pop_label(depth)?;
            c.set_unreachable()?;
        }
        0x10 => {
            let f = r.u32()?;
            if f as usize >= c.bld.h.n_funcs {
                return Err(c.verr(ErrorKind::UnknownIndex));
            }
            let t = c.bld.get_rec(c.bld.h.o_funcs, FUNC_REC, f as usize, 0);
            let h = call_args(c, t)?;
            call_sig(c, t)?;
            if (f as usize) < c.bld.h.n_imported_funcs {
                // A host function: its id and type in the op (both passes emit 5 words; only
                // the writing pass knows the id and whether it is an intrinsic).
                let hid = c.bld.get_rec(c.bld.h.o_funcs, FUNC_REC, f as usize, 1);
                let intrinsic = c.bld.get_rec(c.bld.h.o_funcs, FUNC_REC, f as usize, 2);
                let (p, res) = c.bld.type_sig(t);
                let mut n = p.len().max(res.len()) as u32;
                if res.iter().any(|v| v.is_ref()) {
                    n |= ops::HOST_REF_RESULTS;
                }
                // (an intrinsic keeps CALL_HOST's words: a host without `host_bytes` gets the
                // call)
                let op = if intrinsic != 0 {
                    intrinsic
                } else {
                    ops::CALL_HOST
                };
                if res.len() == 1 {
                    // One result, also copied to word 1's slot: a `local.set` of it retargets
                    // that word instead of emitting a COPY.
                    n |= ops::HOST_RESULT_TO_DST;
                    c.ins_dst(&[op, h, hid, h, t, n])?;
                } else {
                    c.ins(&[op, h, hid, h, t, n])?;
                }
            } else if c.reachable() {
                // A compiled function: the op carries what the call needs from its record
                // (entry, declared locals, frame height, params), so a call reads no record.
                // The callee may not be compiled yet: `code::link_calls` copies the fields in
                // once every body is, following the list of CALLs through word 3 until then.
                let at = c.pc() as u32;
                let link = c.bld.calls;
                c.ins(&[ops::CALL, f, h, link, 0, 0, 0])?;
                c.bld.calls = at;
            }
        }
        0x11 => {
            let t = r.u32()?;
            let table = r.u32()?;
            if t as usize >= n_types || table as usize >= c.bld.h.n_tables {
                return Err(c.verr(ErrorKind::UnknownIndex));
            }
            if c.bld
                .get_rec(c.bld.h.o_tables, TABLE_REC, table as usize, 0)
                != ValType::FuncRef.code()
            {
                return Err(c.verr(ErrorKind::TypeMismatch));
            }
            let (_, d, pos) = c.pop_d(ValType::I32.code())?;
            let h = call_args(c, t)?;
            let idx = if c.reachable() { c.use_(d, pos)? } else { 0 };
            call_sig(c, t)?;
            let canon = c.bld.get_rec(c.bld.h.o_types, TYPE_REC, t as usize, 3);
            c.ins(&[ops::CALL_INDIRECT, canon, table, idx, h])?;
        }
        0x1a => {
            c.pop()?;
        }
        0x1b | 0x1c => {
            let want = if opcode == 0x1c {
                let n = r.count()?;
                if n != 1 {
                    return Err(c.verr(ErrorKind::TypeMismatch));
                }
                Some(r.valtype()?.code())
            } else {
                None
            };
            let (_, cd, cpos) = c.pop_d(ValType::I32.code())?;
            let (t, bd, bpos, ad, apos) = match want {
                Some(w) => {
                    let (_, bd, bpos) = c.pop_d(w)?;
                    let (_, ad, apos) = c.pop_d(w)?;
                    (w, bd, bpos, ad, apos)
                }
                None => {
                    let (t1, bd, bpos) = c.pop_d(UNKNOWN)?;
                    let (t2, ad, apos) = c.pop_d(UNKNOWN)?;
                    let is_ref =
                        |t: u32| t == ValType::FuncRef.code() || t == ValType::ExternRef.code();
                    if is_ref(t1) || is_ref(t2) {
                        return Err(c.verr(ErrorKind::TypeMismatch));
                    }
                    if t1 != t2 && t1 != UNKNOWN && t2 != UNKNOWN {
                        return Err(c.verr(ErrorKind::TypeMismatch));
                    }
                    (if t1 == UNKNOWN { t2 } else { t1 }, bd, bpos, ad, apos)
                }
            };
            c.push(t)?;
            if c.reachable() {
                // the condition is the temp the last instruction (a compare or a bit test)
                // just wrote, and the values need no code: fold that instruction in
                let no_code = |d: D| !matches!(d, D::Const(_));
                if let (D::Temp, true, Some((at, last))) =
                    (cd, no_code(ad) && no_code(bd), c.last_op)
                {
                    let cs = c.tslot(cpos);
                    if let Some(f) = ops::select_cond(last) {
                        if at.wrapping_add(4) == c.pc()
                            && c.code_get(at) == last
                            && c.code_get(at.wrapping_add(1)) == cs
                        {
                            let x = c.code_get(at.wrapping_add(2));
                            let y = c.code_get(at.wrapping_add(3));
                            let bs = c.use_(bd, bpos)?;
                            let as_ = c.use_(ad, apos)?;
                            let dst = c.tslot(apos);
                            c.bld.code_len = at;
                            return c.ins_dst(&[f, dst, as_, bs, x, y]);
                        }
                    }
                }
                let cs = c.use_(cd, cpos)?;
                let bs = c.use_(bd, bpos)?;
                let as_ = c.use_(ad, apos)?;
                let dst = c.tslot(apos);
                c.ins_dst(&[ops::SELECT, dst, as_, bs, cs])?;
            }
        }
        0x20 => {
            let x = r.u32()?;
            let t = c
                .local_type(x)
                .ok_or_else(|| c.verr(ErrorKind::UnknownIndex))?;
            c.push_d(t, D::Local(x))?;
        }
        0x21 | 0x22 => {
            let x = r.u32()?;
            let t = c
                .local_type(x)
                .ok_or_else(|| c.verr(ErrorKind::UnknownIndex))?;
            let (_, d, pos) = c.pop_d(t)?;
            c.write_local(x, d, pos)?;
            if opcode == 0x22 {
                let nd = match d {
                    D::Const(k) => D::Const(k),
                    _ => D::Local(x),
                };
                c.push_d(t, nd)?;
            }
        }
        0x23 | 0x24 => {
            let g = r.u32()?;
            if g as usize >= c.bld.h.n_globals {
                return Err(c.verr(ErrorKind::UnknownIndex));
            }
            let t = c.bld.get_rec(c.bld.h.o_globals, GLOBAL_REC, g as usize, 0);
            if opcode == 0x23 {
                c.push(t)?;
                let dst = c.tslot(c.opd_len.wrapping_sub(1));
                c.ins_dst(&[ops::GLOBAL_GET, dst, g])?;
            } else {
                if c.bld.get_rec(c.bld.h.o_globals, GLOBAL_REC, g as usize, 1) == 0 {
                    return Err(c.verr(ErrorKind::ImmutableGlobal));
                }
                let (_, d, pos) = c.pop_d(t)?;
                if c.reachable() {
                    let s = c.use_(d, pos)?;
                    c.ins(&[ops::GLOBAL_SET, g, s])?;
                }
            }
        }
        0x25 | 0x26 => {
            let t = r.u32()?;
            let et = table_elem(c, t)?;
            if opcode == 0x25 {
                let (_, d, pos) = c.pop_d(ValType::I32.code())?;
                c.push(et)?;
                if c.reachable() {
                    let i = c.use_(d, pos)?;
                    let dst = c.tslot(pos);
                    c.ins_dst(&[ops::TABLE_GET, dst, t, i])?;
                }
            } else {
                let (_, vd, vpos) = c.pop_d(et)?;
                let (_, id, ipos) = c.pop_d(ValType::I32.code())?;
                if c.reachable() {
                    let v = c.use_(vd, vpos)?;
                    let i = c.use_(id, ipos)?;
                    c.ins(&[ops::TABLE_SET, t, i, v])?;
                }
            }
        }
        0x28..=0x3e => {
            let (is_store, vt, natural) =
                ops::memory_sig(u32::from(opcode)).ok_or_else(|| c.verr(ErrorKind::BadOpcode))?;
            let align = r.u32()?;
            let offset = r.u32()?;
            need_memory(c)?;
            if align > natural {
                return Err(c.verr(ErrorKind::BadAlignment));
            }
            let op = u32::from(opcode);
            if is_store {
                let (_, vd, vpos) = c.pop_d(vt.code())?;
                let (_, ad, apos) = c.pop_d(ValType::I32.code())?;
                if c.reachable() {
                    let v = c.use_(vd, vpos)?;
                    // a constant address is an immediate: no CONST32 to put it in a slot
                    if let (D::Const(k), Some(abs)) = (ad, ops::mem_abs(op)) {
                        return c.ins(&[abs, k as u32, v, offset]);
                    }
                    let a = c.use_(ad, apos)?;
                    c.ins(&[op, a, v, offset])?;
                }
            } else {
                let (_, ad, apos) = c.pop_d(ValType::I32.code())?;
                c.push_vt(vt)?;
                if c.reachable() {
                    let dst = c.tslot(apos);
                    // a constant address is an immediate: no CONST32 to put it in a slot
                    if let (D::Const(k), Some(abs)) = (ad, ops::mem_abs(op)) {
                        return c.ins_dst(&[abs, dst, k as u32, offset]);
                    }
                    // the address is the local the last instruction (an i32.add with an
                    // immediate) just wrote: the add and the load become one instruction
                    if let (D::Local(x), Some((at, ops::I32_ADD_IMM)), ops::I32_LOAD) =
                        (ad, c.last_op, op)
                    {
                        if at.wrapping_add(4) == c.pc()
                            && c.code_get(at) == ops::I32_ADD_IMM
                            && c.code_get(at.wrapping_add(1)) == x
                        {
                            let a = c.code_get(at.wrapping_add(2));
                            let k = c.code_get(at.wrapping_add(3));
                            c.bld.code_len = at;
                            return c.ins_dst(&[ops::I32_LOAD_TEE_ADD_IMM, dst, x, a, k, offset]);
                        }
                    }
                    // the address is the temp the last instruction (an i32.add with an
                    // immediate) just wrote: fold the add into the load
                    if let (D::Temp, Some((at, ops::I32_ADD_IMM)), Some(fused)) =
                        (ad, c.last_op, ops::load_add_imm(op))
                    {
                        if at.wrapping_add(4) == c.pc() && c.code_get(at.wrapping_add(1)) == dst {
                            let a = c.code_get(at.wrapping_add(2));
                            let k = c.code_get(at.wrapping_add(3));
                            // ... and its operand is a shift (by an immediate) the instruction
                            // before wrote to the same temp (dead once the load overwrites it)
                            if let (Some((pat, ops::I32_SHL_IMM)), Some(scaled)) =
                                (c.prev_op, ops::load_scaled(op))
                            {
                                if pat.wrapping_add(4) == at
                                    && c.code_get(pat) == ops::I32_SHL_IMM
                                    && c.code_get(pat.wrapping_add(1)) == dst
                                    && a == dst
                                {
                                    let x = c.code_get(pat.wrapping_add(2));
                                    let sh = c.code_get(pat.wrapping_add(3));
                                    c.bld.code_len = pat;
                                    return c.ins_dst(&[scaled, dst, x, sh, k, offset]);
                                }
                            }
                            c.bld.code_len = at;
                            return c.ins_dst(&[fused, dst, a, k, offset]);
                        }
                    }
                    let a = c.use_(ad, apos)?;
                    c.ins_dst(&[op, dst, a, offset])?;
                }
            }
        }
        0x3f | 0x40 => {
            if r.u8()? != 0 {
                return Err(c.verr(ErrorKind::Malformed));
            }
            need_memory(c)?;
            if opcode == 0x40 {
                let (_, d, pos) = c.pop_d(ValType::I32.code())?;
                c.push_vt(ValType::I32)?;
                if c.reachable() {
                    let s = c.use_(d, pos)?;
                    let dst = c.tslot(pos);
                    c.ins_dst(&[ops::MEMORY_GROW, dst, s])?;
                }
            } else {
                c.push_vt(ValType::I32)?;
                let dst = c.tslot(c.opd_len.wrapping_sub(1));
                c.ins_dst(&[ops::MEMORY_SIZE, dst])?;
            }
        }
        0x41 => {
            let v = r.i32()?;
            c.push_d(ValType::I32.code(), D::Const(u64::from(v as u32)))?;
        }
        0x42 => {
            let v = r.i64()? as u64;
            c.push_d(ValType::I64.code(), D::Const(v))?;
        }
        0x43 => {
            let v = r.f32()?;
            c.push_d(ValType::F32.code(), D::Const(u64::from(v)))?;
        }
        0x44 => {
            let v = r.f64()?;
            c.push_d(ValType::F64.code(), D::Const(v))?;
        }
        0x45..=0xc4 => numeric(c, u32::from(opcode))?,
        0xd0 => {
            let t = r.reftype()?;
            c.push_d(t.code(), D::Const(0))?;
        }
        0xd1 => {
            let (t, d, pos) = c.pop_d(UNKNOWN)?;
            if t != UNKNOWN && t != ValType::FuncRef.code() && t != ValType::ExternRef.code() {
                return Err(c.verr(ErrorKind::TypeMismatch));
            }
            c.push_vt(ValType::I32)?;
            if c.reachable() {
                let s = c.use_(d, pos)?;
                let dst = c.tslot(pos);
                c.ins_dst(&[ops::I64_EQZ, dst, s])?;
            }
        }
        0xd2 => {
            let f = r.u32()?;
            if f as usize >= c.bld.h.n_funcs {
                return Err(c.verr(ErrorKind::UnknownIndex));
            }
            if !is_declared(c.bld, f) {
                return Err(c.verr(ErrorKind::UndeclaredFuncRef));
            }
            c.push_d(
                ValType::FuncRef.code(),
                D::Const(u64::from(f.wrapping_add(1))),
            )?;
        }
        0xfc => prefixed(c, r)?,
        _ => return Err(c.verr(ErrorKind::BadOpcode)),
    }
    Ok(())
}

/// Materializes the arguments of a call of type `t`; returns the slot of the first.
fn call_args(c: &mut Ctx<'_, '_>, t: u32) -> Result<u32, Error> {
    let (p, res) = c.bld.type_sig(t);
    let (np, nr) = (p.len(), res.len());
    if c.reachable() {
        c.mat_top(np)?;
    }
    let base = c.opd_len.saturating_sub(np);
    Ok(c.sl_range(c.nlocals.wrapping_add(base), np.max(nr)))
}

fn call_sig(c: &mut Ctx<'_, '_>, t: u32) -> Result<(), Error> {
    let (p, res) = c.bld.type_sig(t);
    let (np, nr) = (p.len(), res.len());
    for i in (0..np).rev() {
        let vt = c.bld.type_sig(t).0.get(i).map_or(UNKNOWN, |v| v.code());
        c.pop_expect(vt)?;
    }
    for i in 0..nr {
        let vt = c.bld.type_sig(t).1.get(i).map_or(UNKNOWN, |v| v.code());
        c.push(vt)?;
    }
    Ok(())
}

fn need_memory(c: &Ctx<'_, '_>) -> Result<(), Error> {
    if c.bld.h.n_memories == 0 {
        return Err(c.verr(ErrorKind::UnknownIndex));
    }
    Ok(())
}

fn table_elem(c: &Ctx<'_, '_>, t: u32) -> Result<u32, Error> {
    if t as usize >= c.bld.h.n_tables {
        return Err(c.verr(ErrorKind::UnknownIndex));
    }
    Ok(c.bld.get_rec(c.bld.h.o_tables, TABLE_REC, t as usize, 0))
}

fn numeric(c: &mut Ctx<'_, '_>, op: u32) -> Result<(), Error> {
    let (params, result) = ops::numeric_sig(op).ok_or_else(|| c.verr(ErrorKind::BadOpcode))?;
    if let [p] = params {
        let (_, d, pos) = c.pop_d(p.code())?;
        if matches!(
            op,
            ops::I32_REINTERPRET_F32
                | ops::I64_REINTERPRET_F64
                | ops::F32_REINTERPRET_I32
                | ops::F64_REINTERPRET_I64
        ) {
            // same bits: the operand stays where it is
            return c.push_d(result.code(), d);
        }
        c.push_vt(result)?;
        if c.reachable() {
            let a = c.use_(d, pos)?;
            let dst = c.tslot(pos);
            c.ins_dst(&[op, dst, a])?;
        }
        return Ok(());
    }
    let (p0, p1) = match params {
        [a, b] => (*a, *b),
        _ => return Err(c.verr(ErrorKind::BadOpcode)),
    };
    let (_, bd, bpos) = c.pop_d(p1.code())?;
    let (_, ad, apos) = c.pop_d(p0.code())?;
    c.push_vt(result)?;
    if !c.reachable() {
        return Ok(());
    }
    let dst = c.tslot(apos);
    let is64 = p0 == ValType::I64;
    let imm_of = |d: D| -> Option<u32> {
        match d {
            D::Const(k) if !is64 => Some(k as u32),
            D::Const(k) if k as i64 == i64::from(k as u32 as i32) => Some(k as u32),
            _ => None,
        }
    };
    if let Some(&(_, imm_op, swapped)) = ops::BIN_IMM.iter().find(|f| f.0 == op) {
        if let Some(k) = imm_of(bd) {
            let a = c.use_(ad, apos)?;
            return c.ins_dst(&[imm_op, dst, a, k]);
        }
        if swapped != 0 {
            if let Some(k) = imm_of(ad) {
                if let Some(&(_, sw_imm, _)) = ops::BIN_IMM.iter().find(|f| f.0 == swapped) {
                    let b = c.use_(bd, bpos)?;
                    return c.ins_dst(&[sw_imm, dst, b, k]);
                }
            }
        }
    }
    // a commutative binop one of whose operands is the temp the last instruction (a shift or
    // rotate by an immediate, a byte load) just wrote, the other needing no code: fold that
    // instruction in
    if let Some((at, last)) = c.last_op {
        let no_code = |d: D| !matches!(d, D::Const(_));
        if let (Some((f, len)), true) = (ops::operand_fused(op, last), no_code(ad) && no_code(bd)) {
            let s = c.code_get(at.wrapping_add(1));
            let (bs, as_) = (c.tslot(bpos), c.tslot(apos));
            let other = match (ad, bd) {
                (_, D::Temp) if s == bs => Some((ad, apos)),
                (D::Temp, _) if s == as_ => Some((bd, bpos)),
                _ => None,
            };
            if let Some((od, opos)) = other {
                if at.wrapping_add(len) == c.pc() && c.code_get(at) == last {
                    let w = |i: usize| c.code_get(at.wrapping_add(i));
                    let (x, k, off) = (w(2), w(3), w(4));
                    let o = c.use_(od, opos)?;
                    c.bld.code_len = at;
                    return if len == 5 {
                        c.ins_dst(&[f, dst, o, x, k, off])
                    } else {
                        c.ins_dst(&[f, dst, o, x, k])
                    };
                }
            }
        }
    }
    let a = c.use_(ad, apos)?;
    let b = c.use_(bd, bpos)?;
    c.ins_dst(&[op, dst, a, b])
}

/// Materializes the top `n` operands (a bulk instruction's); returns the slot of the first.
fn bulk_base(c: &mut Ctx<'_, '_>, n: usize) -> Result<u32, Error> {
    if c.reachable() {
        c.mat_top(n)?;
    }
    let base = c.opd_len.saturating_sub(n);
    Ok(c.sl_range(c.nlocals.wrapping_add(base), n))
}

fn prefixed(c: &mut Ctx<'_, '_>, r: &mut Reader<'_>) -> Result<(), Error> {
    use super::module::ELEM_REC;
    let sub = r.u32()?;
    match sub {
        0..=7 => numeric(c, 0xc5u32.wrapping_add(sub))?,
        8 | 9 => {
            let d = r.u32()?;
            let dc = c
                .bld
                .h
                .data_count
                .ok_or_else(|| c.verr(ErrorKind::DataCountMismatch))?;
            if d >= dc {
                return Err(c.verr(ErrorKind::UnknownIndex));
            }
            if sub == 8 {
                if r.u8()? != 0 {
                    return Err(c.verr(ErrorKind::Malformed));
                }
                need_memory(c)?;
                let base = bulk_base(c, 3)?;
                for _ in 0..3 {
                    c.pop_vt(ValType::I32)?;
                }
                c.ins(&[ops::MEMORY_INIT, d, base])?;
            } else {
                c.ins(&[ops::DATA_DROP, d])?;
            }
        }
        10 | 11 => {
            let zeros = if sub == 10 { 2 } else { 1 };
            for _ in 0..zeros {
                if r.u8()? != 0 {
                    return Err(c.verr(ErrorKind::Malformed));
                }
            }
            need_memory(c)?;
            let base = bulk_base(c, 3)?;
            for _ in 0..3 {
                c.pop_vt(ValType::I32)?;
            }
            let op = if sub == 10 {
                ops::MEMORY_COPY
            } else {
                ops::MEMORY_FILL
            };
            c.ins(&[op, base])?;
        }
        12 => {
            let e = r.u32()?;
            let t = r.u32()?;
            let et = table_elem(c, t)?;
            if e as usize >= c.bld.h.n_elems {
                return Err(c.verr(ErrorKind::UnknownIndex));
            }
            if c.bld.get_rec(c.bld.h.o_elems, ELEM_REC, e as usize, 7) != et {
                return Err(c.verr(ErrorKind::TypeMismatch));
            }
            let base = bulk_base(c, 3)?;
            for _ in 0..3 {
                c.pop_vt(ValType::I32)?;
            }
            c.ins(&[ops::TABLE_INIT, e, t, base])?;
        }
        13 => {
            let e = r.u32()?;
            if e as usize >= c.bld.h.n_elems {
                return Err(c.verr(ErrorKind::UnknownIndex));
            }
            c.ins(&[ops::ELEM_DROP, e])?;
        }
        14 => {
            let d = r.u32()?;
            let s = r.u32()?;
            let dt = table_elem(c, d)?;
            let st = table_elem(c, s)?;
            if dt != st {
                return Err(c.verr(ErrorKind::TypeMismatch));
            }
            let base = bulk_base(c, 3)?;
            for _ in 0..3 {
                c.pop_vt(ValType::I32)?;
            }
            c.ins(&[ops::TABLE_COPY, d, s, base])?;
        }
        15 => {
            let t = r.u32()?;
            let et = table_elem(c, t)?;
            let base = bulk_base(c, 2)?;
            c.pop_vt(ValType::I32)?;
            c.pop_expect(et)?;
            c.push_vt(ValType::I32)?;
            c.ins(&[ops::TABLE_GROW, t, base])?;
        }
        16 => {
            let t = r.u32()?;
            table_elem(c, t)?;
            c.push_vt(ValType::I32)?;
            let dst = c.tslot(c.opd_len.wrapping_sub(1));
            c.ins_dst(&[ops::TABLE_SIZE, dst, t])?;
        }
        17 => {
            let t = r.u32()?;
            let et = table_elem(c, t)?;
            let base = bulk_base(c, 3)?;
            c.pop_vt(ValType::I32)?;
            c.pop_expect(et)?;
            c.pop_vt(ValType::I32)?;
            c.ins(&[ops::TABLE_FILL, t, base])?;
        }
        _ => return Err(c.verr(ErrorKind::BadOpcode)),
    }
    Ok(())
}

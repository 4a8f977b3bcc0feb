// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Compiles validated Wasm function bodies into dense internal code (`u32` words): branch
//! targets resolved to code offsets, stack heights precomputed, fuel charged per basic block,
//! common sequences fused.

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
/// End of a patch list.
const NIL: u32 = u32::MAX;

/// Per-function compile state.
pub(super) struct Ctx<'b, 'x> {
    pub(super) bld: &'b mut Builder<'x>,
    pub(super) at: usize,
    pub(super) runs_o: usize,
    pub(super) n_runs: usize,
    pub(super) opd_o: usize,
    pub(super) opd_cap: usize,
    pub(super) opd_len: usize,
    pub(super) ctrl_o: usize,
    pub(super) ctrl_cap: usize,
    pub(super) ctrl_len: usize,
    pub(super) nlocals: usize,
    pub(super) np: usize,
    pub(super) type_vt: usize,
    pub(super) max_h: usize,
    fuel_at: usize,
    /// Position and op of the last emitted instruction (for fusion), if fusable.
    last: Option<(usize, u32)>,
    /// The instruction before `last` (same block), if known.
    prev: Option<(usize, u32)>,
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

    /// Emits an instruction (if reachable) and charges it to the current fuel block.
    fn op(&mut self, op: u32, imms: &[u32]) -> Result<(), Error> {
        if !self.reachable() {
            return Ok(());
        }
        let f = self.code_get(self.fuel_at).wrapping_add(1);
        self.code_set(self.fuel_at, f)?;
        let at = self.pc();
        self.emit(op)?;
        for w in imms {
            self.emit(*w)?;
        }
        let before = |x: Option<(usize, u32)>| x.filter(|&(p, _)| p < at);
        self.prev = before(self.last).or_else(|| before(self.prev));
        self.last = Some((at, op));
        Ok(())
    }

    /// Starts a new basic block (a branch target): emits a FUEL op.
    fn new_block(&mut self) -> Result<(), Error> {
        if !self.reachable() {
            return Ok(());
        }
        self.emit(ops::FUEL)?;
        self.fuel_at = self.pc();
        self.emit(0)?;
        self.last = None;
        self.prev = None;
        Ok(())
    }

    /// Runtime stack height (slots above the frame pointer).
    fn height(&self) -> usize {
        self.nlocals.wrapping_add(self.opd_len)
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

    /// Emits a branch to label `depth` with the current stack (`kind`: BR or BR_IF).
    fn branch(&mut self, depth: usize, kind: u32) -> Result<(), Error> {
        if !self.reachable() {
            return Ok(());
        }
        let arity = self.label_arity(depth);
        let newh = self
            .nlocals
            .wrapping_add(self.ctrl_get(depth, C_HEIGHT) as usize);
        let mut op = kind;
        if kind == ops::BR && newh.wrapping_add(arity) == self.height() {
            op = ops::JUMP;
        }
        let mut imm: Option<u32> = None;
        let mut imm2: Option<(u32, u32)> = None;
        let mut imm3: Option<[u32; 3]> = None;
        if kind == ops::BR_IF {
            if let Some((at, last)) = self.last {
                let end = self.pc();
                if last == ops::I32_ADD_LI_T && at.wrapping_add(4) == end {
                    imm3 = Some([
                        self.code_get(at.wrapping_add(1)),
                        self.code_get(at.wrapping_add(2)),
                        self.code_get(at.wrapping_add(3)),
                    ]);
                    self.bld.code_len = at;
                    op = ops::BR_IF_I32_ADD_LI_T;
                } else if last == ops::I32_EQZ && at.wrapping_add(1) == end {
                    self.bld.code_len = at;
                    op = ops::BR_IF_EQZ;
                } else if last == ops::LOCAL_GET && at.wrapping_add(2) == end {
                    imm = Some(self.code_get(at.wrapping_add(1)));
                    self.bld.code_len = at;
                    op = ops::BR_IF_LOCAL;
                } else if let Some(f) = ops::I32_BR_FUSABLE.iter().find(|f| f.0 == last) {
                    if at.wrapping_add(1) == end {
                        self.bld.code_len = at;
                        op = f.1;
                    }
                } else if let Some(f) = ops::I32_BR_FUSABLE.iter().find(|f| f.2 == last) {
                    if at.wrapping_add(2) == end {
                        imm = Some(self.code_get(at.wrapping_add(1)));
                        self.bld.code_len = at;
                        op = f.3;
                    }
                } else if let Some(f) = ops::I32_LI_BRANCH.iter().find(|f| f.0 == last) {
                    if at.wrapping_add(3) == end {
                        imm2 = Some((
                            self.code_get(at.wrapping_add(1)),
                            self.code_get(at.wrapping_add(2)),
                        ));
                        self.bld.code_len = at;
                        op = f.1;
                    }
                }
            }
        }
        match (imm, imm2) {
            _ if imm3.is_some() => self.op(op, &imm3.unwrap_or_default())?,
            (_, Some((a, c))) => self.op(op, &[a, c])?,
            (Some(c), None) => self.op(op, &[c])?,
            (None, None) => self.op(op, &[])?,
        }
        self.target(depth)?;
        if op != ops::JUMP {
            self.emit(newh as u32)?;
            self.emit(arity as u32)?;
        }
        self.last = None;
        self.prev = None;
        Ok(())
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
    let ctrl_o = opd_o.saturating_add(opd_cap);
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
        ctrl_o,
        ctrl_cap,
        ctrl_len: 0,
        nlocals: total,
        np,
        type_vt,
        max_h: total,
        fuel_at: 0,
        last: None,
        prev: None,
    };
    c.push_ctrl(K_BLOCK, t, NONE)?;
    c.new_block()?;
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
    match opcode {
        0x00 => {
            c.op(ops::UNREACHABLE, &[])?;
            c.set_unreachable()?;
        }
        0x01 => {}
        0x02..=0x04 => {
            let (bt, single) = block_type(r, n_types)?;
            if opcode == 0x04 {
                c.pop_vt(ValType::I32)?;
            }
            c.pop_params(bt, single)?;
            let kind = match opcode {
                0x02 => K_BLOCK,
                0x03 => K_LOOP,
                _ => K_IF,
            };
            c.push_ctrl(kind, bt, single)?;
            if kind == K_LOOP && c.reachable() {
                let p = c.pc();
                c.new_block()?;
                c.ctrl_set(0, C_LOOP_PC, p as u32)?;
            }
            if kind == K_IF && c.reachable() {
                // the condition was computed just before `if` (still in the parent block)
                let end = c.pc();
                let mut fused = false;
                if let Some((at, last)) = c.last {
                    let x = c.code_get(at.wrapping_add(1));
                    if last == ops::LOCAL_GET && at.wrapping_add(2) == end {
                        c.bld.code_len = at;
                        c.op(ops::BR_UNLESS_LOCAL, &[x])?;
                        fused = true;
                    } else if let Some(f) = ops::I32_IF_FUSABLE.iter().find(|f| f.0 == last) {
                        if at.wrapping_add(1) == end {
                            c.bld.code_len = at;
                            c.op(f.1, &[])?;
                            fused = true;
                        }
                    } else if let Some(f) = ops::I32_IF_FUSABLE.iter().find(|f| f.2 == last) {
                        if at.wrapping_add(2) == end {
                            c.bld.code_len = at;
                            c.op(f.3, &[x])?;
                            fused = true;
                        }
                    } else if let Some(f) = ops::I32_LI_BRANCH.iter().find(|f| f.0 == last) {
                        if at.wrapping_add(3) == end {
                            let y = c.code_get(at.wrapping_add(2));
                            c.bld.code_len = at;
                            c.op(f.2, &[x, y])?;
                            fused = true;
                        }
                    }
                }
                if !fused {
                    c.op(ops::BR_UNLESS, &[])?;
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
            c.check_frame_end()?;
            if c.reachable() {
                c.op(ops::JUMP, &[])?;
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
                c.emit(ops::RETURN)?;
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
            c.branch(l, ops::BR)?;
            c.pop_label(l)?;
            c.set_unreachable()?;
        }
        0x0d => {
            let l = r.count()?;
            if l >= c.ctrl_len {
                return Err(c.verr(ErrorKind::UnknownIndex));
            }
            c.pop_vt(ValType::I32)?;
            c.branch(l, ops::BR_IF)?;
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
            c.pop_vt(ValType::I32)?;
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
                c.op(ops::BR_TABLE, &[n as u32, arity as u32])?;
                r.set_pos(targets_at);
                for _ in 0..=n {
                    let l = r.count()?;
                    c.target(l)?;
                    let newh = c.nlocals.wrapping_add(c.ctrl_get(l, C_HEIGHT) as usize);
                    c.emit(newh as u32)?;
                }
                c.last = None;
                c.prev = None;
            }
            r.set_pos(end_at);
            c.pop_label(default)?;
            c.set_unreachable()?;
        }
        0x0f => {
            let depth = c.ctrl_len.wrapping_sub(1);
            let nr = c.label_arity(depth);
            c.op(ops::RETURN, &[nr as u32])?;
            c.pop_label(depth)?;
            c.set_unreachable()?;
        }
        0x10 => {
            let f = r.u32()?;
            if f as usize >= c.bld.h.n_funcs {
                return Err(c.verr(ErrorKind::UnknownIndex));
            }
            let t = c.bld.get_rec(c.bld.h.o_funcs, FUNC_REC, f as usize, 0);
            call_sig(c, t)?;
            c.op(ops::CALL, &[f])?;
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
            c.pop_vt(ValType::I32)?;
            call_sig(c, t)?;
            let canon = c.bld.get_rec(c.bld.h.o_types, TYPE_REC, t as usize, 3);
            c.op(ops::CALL_INDIRECT, &[canon, table])?;
        }
        0x1a => {
            c.pop()?;
            c.op(ops::DROP, &[])?;
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
            c.pop_vt(ValType::I32)?;
            let t = match want {
                Some(w) => {
                    c.pop_expect(w)?;
                    c.pop_expect(w)?;
                    w
                }
                None => {
                    let t1 = c.pop()?;
                    let t2 = c.pop()?;
                    let is_ref =
                        |t: u32| t == ValType::FuncRef.code() || t == ValType::ExternRef.code();
                    if is_ref(t1) || is_ref(t2) {
                        return Err(c.verr(ErrorKind::TypeMismatch));
                    }
                    if t1 != t2 && t1 != UNKNOWN && t2 != UNKNOWN {
                        return Err(c.verr(ErrorKind::TypeMismatch));
                    }
                    if t1 == UNKNOWN {
                        t2
                    } else {
                        t1
                    }
                }
            };
            c.push(t)?;
            c.op(ops::SELECT, &[])?;
        }
        0x20 => {
            let x = r.u32()?;
            let t = c
                .local_type(x)
                .ok_or_else(|| c.verr(ErrorKind::UnknownIndex))?;
            c.push(t)?;
            if let Some((at, last)) = c.last {
                if at.wrapping_add(2) == c.pc() && c.reachable() {
                    let y = c.code_get(at.wrapping_add(1));
                    if last == ops::LOCAL_GET {
                        c.bld.code_len = at;
                        return c.op(ops::LOCAL_GET2, &[y, x]);
                    }
                    if last == ops::LOCAL_SET {
                        c.bld.code_len = at;
                        if y == x {
                            return c.op(ops::LOCAL_TEE, &[x]);
                        }
                        return c.op(ops::LOCAL_SET_GET, &[y, x]);
                    }
                }
            }
            c.op(ops::LOCAL_GET, &[x])?;
        }
        0x21 | 0x22 => {
            let x = r.u32()?;
            let t = c
                .local_type(x)
                .ok_or_else(|| c.verr(ErrorKind::UnknownIndex))?;
            c.pop_expect(t)?;
            if opcode == 0x22 {
                c.push(t)?;
                if let (Some((at, last)), true) = (c.last, c.reachable()) {
                    let end = c.pc();
                    let a = c.code_get(at.wrapping_add(1));
                    let b = c.code_get(at.wrapping_add(2));
                    if last == ops::I32_ADD_SI && at.wrapping_add(2) == end {
                        c.bld.code_len = at;
                        return c.op(ops::I32_ADD_SI_T, &[a, x]);
                    }
                    if at.wrapping_add(3) == end {
                        if last == ops::I32_ADD_LI {
                            c.bld.code_len = at;
                            return c.op(ops::I32_ADD_LI_T, &[a, b, x]);
                        }
                        if last == ops::I32_ADD_LL {
                            c.bld.code_len = at;
                            return c.op(ops::I32_ADD_LL_T, &[a, b, x]);
                        }
                    }
                }
                c.op(ops::LOCAL_TEE, &[x])?;
            } else {
                if let (Some((at, last)), true) = (c.last, c.reachable()) {
                    if at.wrapping_add(1) == c.pc() {
                        if let Some(f) = ops::I32_FUSABLE.iter().find(|f| f.op == last) {
                            c.bld.code_len = at;
                            return c.op(f.s_l, &[x]);
                        }
                    }
                    if at.wrapping_add(2) == c.pc() {
                        let a = c.code_get(at.wrapping_add(1));
                        if let Some(f) = ops::I32_FUSABLE.iter().find(|f| f.si == last) {
                            c.bld.code_len = at;
                            return c.op(f.si_l, &[a, x]);
                        }
                        if let Some(f) = ops::I32_FUSABLE.iter().find(|f| f.sl == last) {
                            c.bld.code_len = at;
                            return c.op(f.sl_l, &[a, x]);
                        }
                        if last == ops::LOCAL_GET {
                            c.bld.code_len = at;
                            return c.op(ops::LOCAL_COPY, &[a, x]);
                        }
                        if last == ops::CONST32 {
                            c.bld.code_len = at;
                            return c.op(ops::LOCAL_SET_CONST, &[a, x]);
                        }
                    }
                    if at.wrapping_add(3) == c.pc() {
                        let a = c.code_get(at.wrapping_add(1));
                        let b = c.code_get(at.wrapping_add(2));
                        if let Some(f) = ops::I32_FUSABLE.iter().find(|f| f.li == last) {
                            c.bld.code_len = at;
                            return c.op(f.li_l, &[a, b, x]);
                        }
                        if let Some(f) = ops::I32_FUSABLE.iter().find(|f| f.ll == last) {
                            c.bld.code_len = at;
                            return c.op(f.ll_l, &[a, b, x]);
                        }
                    }
                }
                c.op(ops::LOCAL_SET, &[x])?;
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
                c.op(ops::GLOBAL_GET, &[g])?;
            } else {
                if c.bld.get_rec(c.bld.h.o_globals, GLOBAL_REC, g as usize, 1) == 0 {
                    return Err(c.verr(ErrorKind::ImmutableGlobal));
                }
                c.pop_expect(t)?;
                c.op(ops::GLOBAL_SET, &[g])?;
            }
        }
        0x25 | 0x26 => {
            let t = r.u32()?;
            let et = table_elem(c, t)?;
            if opcode == 0x25 {
                c.pop_vt(ValType::I32)?;
                c.push(et)?;
                c.op(ops::TABLE_GET, &[t])?;
            } else {
                c.pop_expect(et)?;
                c.pop_vt(ValType::I32)?;
                c.op(ops::TABLE_SET, &[t])?;
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
            if is_store {
                c.pop_vt(vt)?;
                c.pop_vt(ValType::I32)?;
            } else {
                c.pop_vt(ValType::I32)?;
                c.push_vt(vt)?;
            }
            let op = u32::from(opcode);
            if let (Some((at, last)), true) = (c.last, c.reachable()) {
                let end = c.pc();
                let x = c.code_get(at.wrapping_add(1));
                let y = c.code_get(at.wrapping_add(2));
                if let Some(f) = ops::LOAD_LOCAL_FUSABLE.iter().find(|f| f.0 == op) {
                    if last == ops::LOCAL_GET && at.wrapping_add(2) == end {
                        c.bld.code_len = at;
                        return c.op(f.1, &[x, offset]);
                    }
                }
                if op == ops::I32_LOAD && last == ops::I32_ADD_SI && at.wrapping_add(2) == end {
                    if let Some((p, ops::I32_SHL_SI)) = c.prev {
                        if p.wrapping_add(2) == at {
                            let sh = c.code_get(p.wrapping_add(1));
                            c.bld.code_len = p;
                            return c.op(ops::I32_LOAD_SHL_SI, &[sh, x, offset]);
                        }
                    }
                    c.bld.code_len = at;
                    return c.op(ops::I32_LOAD_SI, &[x, offset]);
                }
                if op == ops::I32_LOAD8_U && last == ops::I32_ADD_LI && at.wrapping_add(3) == end {
                    c.bld.code_len = at;
                    return c.op(ops::I32_LOAD8_U_LI, &[x, y, offset]);
                }
                if op == ops::I32_STORE && last == ops::LOCAL_GET2 && at.wrapping_add(3) == end {
                    c.bld.code_len = at;
                    return c.op(ops::I32_STORE_LL, &[x, y, offset]);
                }
            }
            c.op(op, &[offset])?;
        }
        0x3f | 0x40 => {
            if r.u8()? != 0 {
                return Err(c.verr(ErrorKind::Malformed));
            }
            need_memory(c)?;
            if opcode == 0x40 {
                c.pop_vt(ValType::I32)?;
            }
            c.push_vt(ValType::I32)?;
            c.op(
                if opcode == 0x3f {
                    ops::MEMORY_SIZE
                } else {
                    ops::MEMORY_GROW
                },
                &[],
            )?;
        }
        0x41 => {
            let v = r.i32()?;
            c.push_vt(ValType::I32)?;
            c.op(ops::CONST32, &[v as u32])?;
        }
        0x42 => {
            let v = r.i64()? as u64;
            c.push_vt(ValType::I64)?;
            c.op(ops::CONST64, &[v as u32, (v >> 32) as u32])?;
        }
        0x43 => {
            let v = r.f32()?;
            c.push_vt(ValType::F32)?;
            c.op(ops::CONST32, &[v])?;
        }
        0x44 => {
            let v = r.f64()?;
            c.push_vt(ValType::F64)?;
            c.op(ops::CONST64, &[v as u32, (v >> 32) as u32])?;
        }
        0x45..=0xc4 => numeric(c, u32::from(opcode))?,
        0xd0 => {
            let t = r.reftype()?;
            c.push_vt(t)?;
            c.op(ops::CONST32, &[0])?;
        }
        0xd1 => {
            let t = c.pop()?;
            if t != UNKNOWN && t != ValType::FuncRef.code() && t != ValType::ExternRef.code() {
                return Err(c.verr(ErrorKind::TypeMismatch));
            }
            c.push_vt(ValType::I32)?;
            c.op(ops::REF_IS_NULL, &[])?;
        }
        0xd2 => {
            let f = r.u32()?;
            if f as usize >= c.bld.h.n_funcs {
                return Err(c.verr(ErrorKind::UnknownIndex));
            }
            if !is_declared(c.bld, f) {
                return Err(c.verr(ErrorKind::UndeclaredFuncRef));
            }
            c.push_vt(ValType::FuncRef)?;
            c.op(ops::CONST32, &[f.wrapping_add(1)])?;
        }
        0xfc => prefixed(c, r)?,
        _ => return Err(c.verr(ErrorKind::BadOpcode)),
    }
    Ok(())
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
    for p in params.iter().rev() {
        c.pop_vt(*p)?;
    }
    c.push_vt(result)?;
    if op == ops::I32_ROTL || op == ops::I32_ROTR {
        if let (Some((at, ops::CONST32)), true) = (c.last, c.reachable()) {
            if at.wrapping_add(2) == c.pc() {
                let k = c.code_get(at.wrapping_add(1));
                c.bld.code_len = at;
                let fused = if op == ops::I32_ROTL {
                    ops::I32_ROTL_SI
                } else {
                    ops::I32_ROTR_SI
                };
                return c.op(fused, &[k]);
            }
        }
    }
    if let (Some(f), Some((at, last))) = (ops::I32_FUSABLE.iter().find(|f| f.op == op), c.last) {
        if c.reachable() {
            let x = c.code_get(at.wrapping_add(1));
            let y = c.code_get(at.wrapping_add(2));
            let end = c.pc();
            if last == ops::CONST32 && at.wrapping_add(2) == end {
                if let Some((p, ops::LOCAL_GET)) = c.prev {
                    if p.wrapping_add(2) == at {
                        let a = c.code_get(p.wrapping_add(1));
                        c.bld.code_len = p;
                        return c.op(f.li, &[a, x]);
                    }
                }
                c.bld.code_len = at;
                return c.op(f.si, &[x]);
            }
            if last == ops::LOCAL_GET && at.wrapping_add(2) == end {
                c.bld.code_len = at;
                return c.op(f.sl, &[x]);
            }
            if last == ops::LOCAL_GET2 && at.wrapping_add(3) == end {
                c.bld.code_len = at;
                return c.op(f.ll, &[x, y]);
            }
        }
    }
    c.op(op, &[])
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
                for _ in 0..3 {
                    c.pop_vt(ValType::I32)?;
                }
                c.op(ops::MEMORY_INIT, &[d])?;
            } else {
                c.op(ops::DATA_DROP, &[d])?;
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
            for _ in 0..3 {
                c.pop_vt(ValType::I32)?;
            }
            c.op(
                if sub == 10 {
                    ops::MEMORY_COPY
                } else {
                    ops::MEMORY_FILL
                },
                &[],
            )?;
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
            for _ in 0..3 {
                c.pop_vt(ValType::I32)?;
            }
            c.op(ops::TABLE_INIT, &[e, t])?;
        }
        13 => {
            let e = r.u32()?;
            if e as usize >= c.bld.h.n_elems {
                return Err(c.verr(ErrorKind::UnknownIndex));
            }
            c.op(ops::ELEM_DROP, &[e])?;
        }
        14 => {
            let d = r.u32()?;
            let s = r.u32()?;
            let dt = table_elem(c, d)?;
            let st = table_elem(c, s)?;
            if dt != st {
                return Err(c.verr(ErrorKind::TypeMismatch));
            }
            for _ in 0..3 {
                c.pop_vt(ValType::I32)?;
            }
            c.op(ops::TABLE_COPY, &[d, s])?;
        }
        15 => {
            let t = r.u32()?;
            let et = table_elem(c, t)?;
            c.pop_vt(ValType::I32)?;
            c.pop_expect(et)?;
            c.push_vt(ValType::I32)?;
            c.op(ops::TABLE_GROW, &[t])?;
        }
        16 => {
            let t = r.u32()?;
            table_elem(c, t)?;
            c.push_vt(ValType::I32)?;
            c.op(ops::TABLE_SIZE, &[t])?;
        }
        17 => {
            let t = r.u32()?;
            let et = table_elem(c, t)?;
            c.pop_vt(ValType::I32)?;
            c.pop_expect(et)?;
            c.pop_vt(ValType::I32)?;
            c.op(ops::TABLE_FILL, &[t])?;
        }
        _ => return Err(c.verr(ErrorKind::BadOpcode)),
    }
    Ok(())
}

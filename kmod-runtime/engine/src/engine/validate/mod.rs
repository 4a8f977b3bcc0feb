// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Function-body validation: the spec's operand/control stack algorithm over scratch words.
//! The compiler calls these checks for every instruction before it emits code.

use super::compile::{Ctx, CTRL_REC, TYPE_MASK};
use super::error::{Error, ErrorKind};
use super::value::ValType;

/// Operand type code for the polymorphic "unknown" type.
pub(super) const UNKNOWN: u32 = 6;
/// `bt_single` value meaning "no result".
pub(super) const NONE: u32 = 0xff;

/// Control frame kinds.
pub(super) const K_BLOCK: u32 = 0;
pub(super) const K_LOOP: u32 = 1;
pub(super) const K_IF: u32 = 2;
pub(super) const K_ELSE: u32 = 3;

/// Control frame fields.
pub(super) const C_KIND: usize = 0;
pub(super) const C_HEIGHT: usize = 1;
pub(super) const C_BT_TYPE: usize = 2;
pub(super) const C_BT_SINGLE: usize = 3;
pub(super) const C_UNREACHABLE: usize = 4;
pub(super) const C_PATCH: usize = 5;
pub(super) const C_LOOP_PC: usize = 6;
pub(super) const C_ELSE_PATCH: usize = 7;
/// Frame lies inside unreachable code (no code is emitted for it).
pub(super) const C_DEAD: usize = 8;

impl Ctx<'_, '_> {
    pub(super) fn verr(&self, kind: ErrorKind) -> Error {
        Error::new(kind, self.at)
    }

    /// Pushes an operand type.
    pub(super) fn push(&mut self, t: u32) -> Result<(), Error> {
        if self.opd_len >= self.opd_cap {
            return Err(self.verr(ErrorKind::LimitExceeded));
        }
        // kind bits zero: a `Temp` descriptor
        self.bld
            .set(self.opd_o.wrapping_add(self.opd_len), t & TYPE_MASK)?;
        self.opd_len = self.opd_len.wrapping_add(1);
        let h = self.nlocals.saturating_add(self.opd_len);
        if h > self.max_h {
            self.max_h = h;
        }
        Ok(())
    }

    pub(super) fn push_vt(&mut self, t: ValType) -> Result<(), Error> {
        self.push(t.code())
    }

    /// Pops any operand type.
    pub(super) fn pop(&mut self) -> Result<u32, Error> {
        let h = self.ctrl_get(0, C_HEIGHT) as usize;
        if self.opd_len <= h {
            if self.ctrl_get(0, C_UNREACHABLE) != 0 {
                return Ok(UNKNOWN);
            }
            return Err(self.verr(ErrorKind::TypeMismatch));
        }
        self.opd_len = self.opd_len.wrapping_sub(1);
        Ok(self.bld.get(self.opd_o.wrapping_add(self.opd_len)) & TYPE_MASK)
    }

    /// Pops an operand of type `t`.
    pub(super) fn pop_expect(&mut self, t: u32) -> Result<u32, Error> {
        let a = self.pop()?;
        if a != t && a != UNKNOWN && t != UNKNOWN {
            return Err(self.verr(ErrorKind::TypeMismatch));
        }
        Ok(a)
    }

    pub(super) fn pop_vt(&mut self, t: ValType) -> Result<(), Error> {
        self.pop_expect(t.code()).map(|_| ())
    }

    /// Control frame field, `depth` frames below the top.
    pub(super) fn ctrl_get(&self, depth: usize, f: usize) -> u32 {
        let idx = self.ctrl_len.wrapping_sub(1).wrapping_sub(depth);
        self.bld.get(
            self.ctrl_o
                .wrapping_add(idx.wrapping_mul(CTRL_REC))
                .wrapping_add(f),
        )
    }

    pub(super) fn ctrl_set(&mut self, depth: usize, f: usize, v: u32) -> Result<(), Error> {
        let idx = self.ctrl_len.wrapping_sub(1).wrapping_sub(depth);
        self.bld.set(
            self.ctrl_o
                .wrapping_add(idx.wrapping_mul(CTRL_REC))
                .wrapping_add(f),
            v,
        )
    }

    /// Number of params / results of a block type.
    pub(super) fn bt_counts(&self, bt_type: u32, bt_single: u32) -> (usize, usize) {
        if bt_type != u32::MAX {
            let (p, r) = self.bld.type_sig(bt_type);
            (p.len(), r.len())
        } else if bt_single != NONE {
            (0, 1)
        } else {
            (0, 0)
        }
    }

    /// Param `i` of a block type.
    pub(super) fn bt_param(&self, bt_type: u32, i: usize) -> u32 {
        let (p, _) = self.bld.type_sig(bt_type);
        p.get(i).map_or(UNKNOWN, |t| t.code())
    }

    /// Result `i` of a block type.
    pub(super) fn bt_result(&self, bt_type: u32, bt_single: u32, i: usize) -> u32 {
        if bt_type != u32::MAX {
            let (_, r) = self.bld.type_sig(bt_type);
            r.get(i).map_or(UNKNOWN, |t| t.code())
        } else {
            bt_single
        }
    }

    /// Label arity of the frame `depth` below the top.
    pub(super) fn label_arity(&self, depth: usize) -> usize {
        let (np, nr) = self.bt_counts(
            self.ctrl_get(depth, C_BT_TYPE),
            self.ctrl_get(depth, C_BT_SINGLE),
        );
        if self.ctrl_get(depth, C_KIND) == K_LOOP {
            np
        } else {
            nr
        }
    }

    /// Label type `i` of the frame `depth` below the top.
    pub(super) fn label_type(&self, depth: usize, i: usize) -> u32 {
        let bt = self.ctrl_get(depth, C_BT_TYPE);
        if self.ctrl_get(depth, C_KIND) == K_LOOP {
            self.bt_param(bt, i)
        } else {
            self.bt_result(bt, self.ctrl_get(depth, C_BT_SINGLE), i)
        }
    }

    /// Pops the label types of frame `depth` (checking them).
    pub(super) fn pop_label(&mut self, depth: usize) -> Result<(), Error> {
        let n = self.label_arity(depth);
        for i in (0..n).rev() {
            let t = self.label_type(depth, i);
            self.pop_expect(t)?;
        }
        Ok(())
    }

    /// Pushes the label types of frame `depth`.
    pub(super) fn push_label(&mut self, depth: usize) -> Result<(), Error> {
        let n = self.label_arity(depth);
        for i in 0..n {
            let t = self.label_type(depth, i);
            self.push(t)?;
        }
        Ok(())
    }

    /// Pops the params of a block type (checking them).
    pub(super) fn pop_params(&mut self, bt_type: u32, bt_single: u32) -> Result<(), Error> {
        let (np, _) = self.bt_counts(bt_type, bt_single);
        for i in (0..np).rev() {
            let t = self.bt_param(bt_type, i);
            self.pop_expect(t)?;
        }
        Ok(())
    }

    /// Pushes the params of a block type.
    pub(super) fn push_params(&mut self, bt_type: u32, bt_single: u32) -> Result<(), Error> {
        let (np, _) = self.bt_counts(bt_type, bt_single);
        for i in 0..np {
            let t = self.bt_param(bt_type, i);
            self.push(t)?;
        }
        Ok(())
    }

    /// Pushes a control frame (params already popped).
    pub(super) fn push_ctrl(
        &mut self,
        kind: u32,
        bt_type: u32,
        bt_single: u32,
    ) -> Result<(), Error> {
        if self.ctrl_len >= self.ctrl_cap {
            return Err(self.verr(ErrorKind::LimitExceeded));
        }
        let dead = if self.ctrl_len == 0 {
            0
        } else {
            u32::from(!self.reachable())
        };
        self.ctrl_len = self.ctrl_len.wrapping_add(1);
        let vals = [
            kind,
            self.opd_len as u32,
            bt_type,
            bt_single,
            0,
            u32::MAX,
            0,
            u32::MAX,
            dead,
        ];
        // Not `enumerate()`: its counter is overflow-checked in the kernel build (a panic path).
        let mut f = 0usize;
        for v in vals {
            self.ctrl_set(0, f, v)?;
            f = f.wrapping_add(1);
        }
        Ok(())
    }

    /// Checks the results at the end of the top frame and resets the operand stack.
    pub(super) fn check_frame_end(&mut self) -> Result<(), Error> {
        let bt = self.ctrl_get(0, C_BT_TYPE);
        let single = self.ctrl_get(0, C_BT_SINGLE);
        let (_, nr) = self.bt_counts(bt, single);
        for i in (0..nr).rev() {
            let t = self.bt_result(bt, single, i);
            self.pop_expect(t)?;
        }
        if self.opd_len != self.ctrl_get(0, C_HEIGHT) as usize {
            return Err(self.verr(ErrorKind::TypeMismatch));
        }
        Ok(())
    }

    /// Marks the rest of the current frame unreachable.
    pub(super) fn set_unreachable(&mut self) -> Result<(), Error> {
        self.opd_len = self.ctrl_get(0, C_HEIGHT) as usize;
        self.ctrl_set(0, C_UNREACHABLE, 1)
    }

    /// True if code emitted now can execute.
    pub(super) fn reachable(&self) -> bool {
        self.ctrl_get(0, C_DEAD) == 0 && self.ctrl_get(0, C_UNREACHABLE) == 0
    }
}

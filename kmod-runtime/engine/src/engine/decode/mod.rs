// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Binary decoding: one file per section kind. Decoding runs twice: a counting pass that sizes
//! every region (used by `plan`), then a writing pass that fills the buffer and compiles code.

mod code;
mod custom;
mod data;
mod elements;
mod exports;
mod functions;
mod globals;
mod imports;
mod memory;
pub(super) mod reader;
mod start;
mod tables;
mod types;

use super::error::{Error, ErrorKind};
use super::limits::Limits;
use super::module::{Header, TYPE_REC};
use super::value::ValType;
use super::Imports;
use reader::Reader;

/// Decoding state shared by all sections.
pub(super) struct Builder<'x> {
    pub w: &'x mut [u32],
    pub vt: &'x mut [ValType],
    pub b: &'x mut [u8],
    /// False in the counting pass: writes are dropped, reads return zero.
    pub writing: bool,
    pub h: Header,
    pub limits: Limits,
    pub imports: &'x dyn Imports,
    /// Running counters (writing pass).
    pub vt_len: usize,
    pub b_len: usize,
    pub items_len: usize,
    pub code_len: usize,
    pub n_imported_tables: usize,
    pub n_imported_memories: usize,
    pub n_defined_funcs: usize,
    /// Code offset of the last Wasm-to-Wasm CALL compiled, `u32::MAX` if none: the head of the
    /// list (linked through each CALL's word 3) that `code::link_calls` fills in once every
    /// body is compiled.
    pub calls: u32,
}

impl<'x> Builder<'x> {
    /// Writes word `i`.
    pub(super) fn set(&mut self, i: usize, v: u32) -> Result<(), Error> {
        if !self.writing {
            return Ok(());
        }
        let slot = self
            .w
            .get_mut(i)
            .ok_or(Error::new(ErrorKind::BufferTooSmall, 0))?;
        *slot = v;
        Ok(())
    }

    /// Reads word `i`.
    pub(super) fn get(&self, i: usize) -> u32 {
        self.w.get(i).copied().unwrap_or(0)
    }

    /// Writes field `f` of record `idx` at `base`.
    pub(super) fn set_rec(
        &mut self,
        base: usize,
        rec: usize,
        idx: usize,
        f: usize,
        v: u32,
    ) -> Result<(), Error> {
        self.set(base.wrapping_add(idx.wrapping_mul(rec)).wrapping_add(f), v)
    }

    /// Reads field `f` of record `idx` at `base`.
    pub(super) fn get_rec(&self, base: usize, rec: usize, idx: usize, f: usize) -> u32 {
        self.get(base.wrapping_add(idx.wrapping_mul(rec)).wrapping_add(f))
    }

    /// Appends a value type to the vt region.
    pub(super) fn push_vt(&mut self, t: ValType) -> Result<(), Error> {
        if self.writing {
            let slot = self
                .vt
                .get_mut(self.vt_len)
                .ok_or(Error::new(ErrorKind::BufferTooSmall, 0))?;
            *slot = t;
        }
        self.vt_len = self.vt_len.wrapping_add(1);
        Ok(())
    }

    /// Appends bytes to the byte region; returns their offset.
    pub(super) fn push_bytes(&mut self, s: &[u8]) -> Result<usize, Error> {
        let off = self.b_len;
        let end = off
            .checked_add(s.len())
            .ok_or(Error::new(ErrorKind::LimitExceeded, 0))?;
        if self.writing {
            let dst = self
                .b
                .get_mut(off..end)
                .ok_or(Error::new(ErrorKind::BufferTooSmall, 0))?;
            if !super::copy_bytes(dst, s) {
                return Err(Error::new(ErrorKind::BufferTooSmall, 0));
            }
        }
        self.b_len = end;
        Ok(off)
    }

    /// Params and results of type `t` (writing pass only; empty in the counting pass).
    pub(super) fn type_sig(&self, t: u32) -> (&[ValType], &[ValType]) {
        let t = t as usize;
        let start = self.get_rec(self.h.o_types, TYPE_REC, t, 0) as usize;
        let np = self.get_rec(self.h.o_types, TYPE_REC, t, 1) as usize;
        let nr = self.get_rec(self.h.o_types, TYPE_REC, t, 2) as usize;
        let mid = start.saturating_add(np);
        let p = self.vt.get(start..mid).unwrap_or(&[]);
        let r = self.vt.get(mid..mid.saturating_add(nr)).unwrap_or(&[]);
        (p, r)
    }
}

/// Section ids in required order (custom sections excluded).
fn section_rank(id: u8) -> Option<u8> {
    Some(match id {
        1 => 1,
        2 => 2,
        3 => 3,
        4 => 4,
        5 => 5,
        6 => 6,
        7 => 7,
        8 => 8,
        9 => 9,
        12 => 10,
        10 => 11,
        11 => 12,
        _ => return None,
    })
}

/// Runs one decoding pass over the whole binary.
pub(super) fn decode_pass(bld: &mut Builder<'_>, wasm: &[u8]) -> Result<(), Error> {
    let mut r = Reader::new(wasm);
    let magic = r.bytes(4).map_err(|_| r.err(ErrorKind::BadMagic))?;
    if magic != b"\0asm" {
        return Err(Error::new(ErrorKind::BadMagic, 0));
    }
    let version = r.bytes(4).map_err(|_| r.err(ErrorKind::BadVersion))?;
    if version != [1, 0, 0, 0] {
        return Err(Error::new(ErrorKind::BadVersion, 4));
    }
    let mut last_rank = 0u8;
    let mut saw_code = false;
    let mut n_func_decls = 0usize;
    while !r.eof() {
        let id = r.u8()?;
        let size = r.count()?;
        let start = r.pos();
        let end = start
            .checked_add(size)
            .filter(|&e| e <= r.end())
            .ok_or_else(|| r.err(ErrorKind::UnexpectedEnd))?;
        let mut s = r.sub(end);
        if id == 0 {
            custom::decode(&mut s)?;
        } else {
            let rank = section_rank(id)
                .ok_or_else(|| Error::new(ErrorKind::BadSection, start.saturating_sub(1)))?;
            if rank <= last_rank {
                return Err(Error::new(ErrorKind::BadSection, start.saturating_sub(1)));
            }
            last_rank = rank;
            match id {
                1 => types::decode(&mut s, bld)?,
                2 => imports::decode(&mut s, bld)?,
                3 => {
                    n_func_decls = functions::decode(&mut s, bld)?;
                }
                4 => tables::decode(&mut s, bld)?,
                5 => memory::decode(&mut s, bld)?,
                6 => globals::decode(&mut s, bld)?,
                7 => exports::decode(&mut s, bld)?,
                8 => start::decode(&mut s, bld)?,
                9 => elements::decode(&mut s, bld)?,
                12 => {
                    let n = s.u32()?;
                    bld.h.data_count = Some(n);
                }
                10 => {
                    saw_code = true;
                    code::decode(&mut s, bld, n_func_decls)?;
                }
                11 => data::decode(&mut s, bld)?,
                _ => return Err(Error::new(ErrorKind::BadSection, start)),
            }
        }
        if s.pos() != end {
            return Err(s.err(ErrorKind::SectionSizeMismatch));
        }
        r.set_pos(end);
    }
    if !saw_code && n_func_decls != 0 {
        return Err(Error::new(ErrorKind::FuncCodeMismatch, wasm.len()));
    }
    if let Some(dc) = bld.h.data_count {
        if dc as usize != bld.h.n_datas {
            return Err(Error::new(ErrorKind::DataCountMismatch, wasm.len()));
        }
    }
    Ok(())
}

/// Decodes a constant expression; returns (init kind, lo, hi) and its type.
/// `max_global` bounds which globals `global.get` may name.
pub(super) fn const_expr(
    r: &mut Reader<'_>,
    bld: &mut Builder<'_>,
    max_global: usize,
) -> Result<(u32, u32, u32, Option<ValType>), Error> {
    use super::module::{GLOBAL_REC, INIT_CONST, INIT_GLOBAL};
    let op = r.u8()?;
    let res = match op {
        0x41 => {
            let v = r.i32()?;
            (INIT_CONST, v as u32, 0, Some(ValType::I32))
        }
        0x42 => {
            let v = r.i64()? as u64;
            (INIT_CONST, v as u32, (v >> 32) as u32, Some(ValType::I64))
        }
        0x43 => (INIT_CONST, r.f32()?, 0, Some(ValType::F32)),
        0x44 => {
            let v = r.f64()?;
            (INIT_CONST, v as u32, (v >> 32) as u32, Some(ValType::F64))
        }
        0xd0 => {
            let t = r.reftype()?;
            (INIT_CONST, 0, 0, Some(t))
        }
        0xd2 => {
            let f = r.u32()?;
            if f as usize >= bld.h.n_funcs {
                return Err(r.err(ErrorKind::UnknownIndex));
            }
            mark_declared(bld, f)?;
            (INIT_CONST, f.wrapping_add(1), 0, Some(ValType::FuncRef))
        }
        0x23 => {
            let g = r.u32()?;
            if g as usize >= max_global {
                return Err(r.err(ErrorKind::UnknownIndex));
            }
            let t = bld.get_rec(bld.h.o_globals, GLOBAL_REC, g as usize, 0);
            let m = bld.get_rec(bld.h.o_globals, GLOBAL_REC, g as usize, 1);
            if bld.writing && m != 0 {
                return Err(r.err(ErrorKind::ConstantExprRequired));
            }
            (
                INIT_GLOBAL,
                g,
                0,
                if bld.writing {
                    Some(ValType::from_code(t))
                } else {
                    None
                },
            )
        }
        0x00..=0xbf | 0xc0..=0xcf | 0xfc | 0xd1 => {
            return Err(r.err(ErrorKind::ConstantExprRequired))
        }
        _ => return Err(r.err(ErrorKind::BadOpcode)),
    };
    // exactly one instruction, then `end` (a second instruction is either non-constant or
    // leaves two values: both invalid)
    if r.u8()? != 0x0b {
        return Err(r.err(ErrorKind::ConstantExprRequired));
    }
    Ok(res)
}

/// Marks function `f` as declared (may be named by `ref.func` in code).
pub(super) fn mark_declared(bld: &mut Builder<'_>, f: u32) -> Result<(), Error> {
    let i = bld.h.o_declared.wrapping_add((f / 32) as usize);
    let v = bld.get(i) | (1u32 << (f % 32));
    bld.set(i, v)
}

/// True if `f` is declared.
pub(super) fn is_declared(bld: &Builder<'_>, f: u32) -> bool {
    let i = bld.h.o_declared.wrapping_add((f / 32) as usize);
    bld.get(i) & (1u32 << (f % 32)) != 0
}

/// Checks a count against a limit.
pub(super) fn check_limit(r: &Reader<'_>, n: usize, max: u32) -> Result<(), Error> {
    if n > max as usize {
        Err(r.err(ErrorKind::LimitExceeded))
    } else {
        Ok(())
    }
}

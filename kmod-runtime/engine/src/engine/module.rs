// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! A compiled module: records and internal code in a caller-provided buffer.

use super::limits::Limits;
use super::value::ValType;

/// Words per type record: [vt_start, n_params, n_results, canonical type index].
pub(super) const TYPE_REC: usize = 4;
/// Words per function record: [type, host id or NO_HOST, code pc, extra locals, max height,
/// number of params] (the last repeats the type's, so that a call reads one record).
pub(super) const FUNC_REC: usize = 6;
/// Words per table record: [elem type code, min, effective max, has declared max, declared max].
pub(super) const TABLE_REC: usize = 5;
/// Words per global record: [type code, mutable, init kind, lo, hi].
pub(super) const GLOBAL_REC: usize = 5;
/// Words per export record: [name offset, name length, kind, index].
/// Export record: name offset, name length, kind, index, name hash (for the duplicate check).
pub(super) const EXPORT_REC: usize = 5;
/// Words per element segment: [mode, table, off kind, off lo, off hi, items start, count, type].
pub(super) const ELEM_REC: usize = 8;
/// Words per element item: [init kind, lo, hi].
pub(super) const ITEM_REC: usize = 3;
/// Words per data segment: [mode, memory, off kind, off lo, off hi, byte offset, length].
pub(super) const DATA_REC: usize = 7;

/// Host id word of a function defined in the module.
pub(super) const NO_HOST: u32 = u32::MAX;
/// Init kind: constant slot value in (lo, hi).
pub(super) const INIT_CONST: u32 = 0;
/// Init kind: value of global `lo`.
pub(super) const INIT_GLOBAL: u32 = 1;
/// Segment mode: active.
pub(super) const MODE_ACTIVE: u32 = 0;
/// Segment mode: passive.
pub(super) const MODE_PASSIVE: u32 = 1;
/// Segment mode: declarative.
pub(super) const MODE_DECLARATIVE: u32 = 2;

/// Counts and word offsets of every record region.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Header {
    pub n_types: usize,
    pub n_vts: usize,
    pub n_funcs: usize,
    pub n_imported_funcs: usize,
    pub n_tables: usize,
    pub n_memories: usize,
    pub n_globals: usize,
    pub n_imported_globals: usize,
    pub n_exports: usize,
    pub n_bytes: usize,
    pub n_elems: usize,
    pub n_items: usize,
    pub n_datas: usize,
    pub code_bound: usize,
    pub max_body: usize,
    pub code_len: usize,
    pub o_types: usize,
    pub o_funcs: usize,
    pub o_tables: usize,
    pub o_globals: usize,
    pub o_exports: usize,
    pub o_elems: usize,
    pub o_items: usize,
    pub o_datas: usize,
    pub o_declared: usize,
    pub o_code: usize,
    pub o_scratch: usize,
    pub scratch_words: usize,
    pub n_words: usize,
    pub mem_min: u32,
    pub mem_max: u32,
    pub mem_declared_max: Option<u32>,
    pub start: Option<u32>,
    pub data_count: Option<u32>,
}

impl Header {
    /// Assigns region offsets from the counts; returns total words.
    pub(super) fn layout(&mut self, limits: &Limits) -> Option<usize> {
        let mut o: usize = 0;
        let mut region = |n: usize, rec: usize| -> Option<usize> {
            let start = o;
            o = o.checked_add(n.checked_mul(rec)?)?;
            Some(start)
        };
        self.o_types = region(self.n_types, TYPE_REC)?;
        self.o_funcs = region(self.n_funcs, FUNC_REC)?;
        self.o_tables = region(self.n_tables, TABLE_REC)?;
        self.o_globals = region(self.n_globals, GLOBAL_REC)?;
        self.o_exports = region(self.n_exports, EXPORT_REC)?;
        self.o_elems = region(self.n_elems, ELEM_REC)?;
        self.o_items = region(self.n_items, ITEM_REC)?;
        self.o_datas = region(self.n_datas, DATA_REC)?;
        self.o_declared = region(self.n_funcs.checked_add(31)? / 32, 1)?;
        self.o_code = region(self.code_bound, 1)?;
        let opd = super::compile::opd_capacity(limits.value_stack(), self.max_body);
        let ctrl = super::compile::ctrl_capacity(self.max_body);
        let runs = self.max_body.checked_add(2)?;
        self.scratch_words = runs
            .checked_mul(2)?
            .checked_add(opd.checked_mul(1 + super::compile::DESC_REC)?)?
            .checked_add(ctrl.checked_mul(super::compile::CTRL_REC)?)?;
        self.o_scratch = region(self.scratch_words, 1)?;
        self.n_words = o;
        Some(o)
    }
}

/// A validated, compiled module living in a caller-provided buffer.
#[derive(Debug)]
pub struct Module<'a> {
    pub(super) w: &'a [u32],
    pub(super) vt: &'a [ValType],
    pub(super) b: &'a [u8],
    pub(super) h: Header,
    pub(super) limits: Limits,
    pub(super) instance_bytes: usize,
}

impl<'a> Module<'a> {
    /// Word at `i` (0 if out of range; callers index validated records).
    #[inline(always)]
    pub(super) fn word(&self, i: usize) -> u32 {
        self.w.get(i).copied().unwrap_or(0)
    }

    /// Field `f` of record `idx` in the region at `base` with `rec` words per record.
    #[inline(always)]
    pub(super) fn rec(&self, base: usize, rec: usize, idx: usize, f: usize) -> u32 {
        self.word(base.wrapping_add(idx.wrapping_mul(rec)).wrapping_add(f))
    }

    /// The record of function `f` (all zero if out of range; callers pass validated indices).
    #[inline(always)]
    pub(super) fn func_rec(&self, f: usize) -> [u32; FUNC_REC] {
        let i = self.h.o_funcs.wrapping_add(f.wrapping_mul(FUNC_REC));
        self.w
            .get(i..i.wrapping_add(FUNC_REC))
            .and_then(|s| <[u32; FUNC_REC]>::try_from(s).ok())
            .unwrap_or([0; FUNC_REC])
    }

    /// Params and results of type `t`.
    pub(super) fn type_sig(&self, t: u32) -> Option<(&[ValType], &[ValType])> {
        let t = t as usize;
        if t >= self.h.n_types {
            return None;
        }
        let start = self.rec(self.h.o_types, TYPE_REC, t, 0) as usize;
        let np = self.rec(self.h.o_types, TYPE_REC, t, 1) as usize;
        let nr = self.rec(self.h.o_types, TYPE_REC, t, 2) as usize;
        let mid = start.checked_add(np)?;
        let params = self.vt.get(start..mid)?;
        let results = self.vt.get(mid..mid.checked_add(nr)?)?;
        Some((params, results))
    }

    /// Type index of function `f`.
    pub(super) fn func_type_idx(&self, f: u32) -> u32 {
        self.rec(self.h.o_funcs, FUNC_REC, f as usize, 0)
    }

    /// Bytes of linear memory and tables etc. that `Instance::new` needs.
    pub fn instance_bytes(&self) -> usize {
        self.instance_bytes
    }

    /// Index of the exported function `name`.
    pub fn export_func(&self, name: &str) -> Option<u32> {
        self.export(name)
            .and_then(|(kind, idx)| if kind == 0 { Some(idx) } else { None })
    }

    /// Kind (0 func, 1 table, 2 memory, 3 global) and index of export `name`.
    pub fn export(&self, name: &str) -> Option<(u32, u32)> {
        (0..self.h.n_exports).find_map(|i| {
            let off = self.rec(self.h.o_exports, EXPORT_REC, i, 0) as usize;
            let len = self.rec(self.h.o_exports, EXPORT_REC, i, 1) as usize;
            let n = self.b.get(off..off.checked_add(len)?)?;
            if n == name.as_bytes() {
                Some((
                    self.rec(self.h.o_exports, EXPORT_REC, i, 2),
                    self.rec(self.h.o_exports, EXPORT_REC, i, 3),
                ))
            } else {
                None
            }
        })
    }

    /// Number of exports.
    pub fn export_count(&self) -> usize {
        self.h.n_exports
    }

    /// Name, kind and index of export `i`.
    pub fn export_at(&self, i: usize) -> Option<(&str, u32, u32)> {
        if i >= self.h.n_exports {
            return None;
        }
        let off = self.rec(self.h.o_exports, EXPORT_REC, i, 0) as usize;
        let len = self.rec(self.h.o_exports, EXPORT_REC, i, 1) as usize;
        let n = self.b.get(off..off.checked_add(len)?)?;
        let name = core::str::from_utf8(n).ok()?;
        Some((
            name,
            self.rec(self.h.o_exports, EXPORT_REC, i, 2),
            self.rec(self.h.o_exports, EXPORT_REC, i, 3),
        ))
    }

    /// Params and results of function `func`.
    pub fn func_type(&self, func: u32) -> Option<(&[ValType], &[ValType])> {
        if func as usize >= self.h.n_funcs {
            return None;
        }
        self.type_sig(self.func_type_idx(func))
    }

    /// Host-function id of function `func` if it is imported.
    pub fn func_host_id(&self, func: u32) -> Option<u32> {
        if func as usize >= self.h.n_funcs {
            return None;
        }
        let id = self.rec(self.h.o_funcs, FUNC_REC, func as usize, 1);
        (id != NO_HOST).then_some(id)
    }

    /// Type and mutability of global `g`.
    pub fn global_type(&self, g: u32) -> Option<(ValType, bool)> {
        if g as usize >= self.h.n_globals {
            return None;
        }
        let t = self.rec(self.h.o_globals, GLOBAL_REC, g as usize, 0);
        let m = self.rec(self.h.o_globals, GLOBAL_REC, g as usize, 1);
        Some((ValType::from_code(t), m != 0))
    }

    /// Element type, min and effective max of table `t`.
    pub fn table_type(&self, t: u32) -> Option<(ValType, u32, u32)> {
        if t as usize >= self.h.n_tables {
            return None;
        }
        Some((
            ValType::from_code(self.rec(self.h.o_tables, TABLE_REC, t as usize, 0)),
            self.rec(self.h.o_tables, TABLE_REC, t as usize, 1),
            self.rec(self.h.o_tables, TABLE_REC, t as usize, 2),
        ))
    }

    /// Declared maximum of table `t` (None if unbounded or no such table).
    pub fn table_declared_max(&self, t: u32) -> Option<u32> {
        if t as usize >= self.h.n_tables || self.rec(self.h.o_tables, TABLE_REC, t as usize, 3) == 0
        {
            return None;
        }
        Some(self.rec(self.h.o_tables, TABLE_REC, t as usize, 4))
    }

    /// Declared maximum pages of the memory (None if unbounded or no memory).
    pub fn memory_declared_max(&self) -> Option<u32> {
        self.h.mem_declared_max
    }

    /// Memory (min pages, effective max pages), if the module has one.
    pub fn memory_type(&self) -> Option<(u32, u32)> {
        if self.h.n_memories > 0 {
            Some((self.h.mem_min, self.h.mem_max))
        } else {
            None
        }
    }
}

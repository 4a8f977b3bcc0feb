// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Element section: active, passive and declarative segments.

use super::super::error::{Error, ErrorKind};
use super::super::limits::MAX_SEGMENTS;
use super::super::module::{
    ELEM_REC, INIT_CONST, ITEM_REC, MODE_ACTIVE, MODE_DECLARATIVE, MODE_PASSIVE, TABLE_REC,
};
use super::super::value::ValType;
use super::reader::Reader;
use super::{const_expr, mark_declared, Builder};

pub(super) fn decode(r: &mut Reader<'_>, bld: &mut Builder<'_>) -> Result<(), Error> {
    let n = r.count()?;
    super::check_limit(r, n, MAX_SEGMENTS)?;
    for i in 0..n {
        let flags = r.u32()?;
        if flags > 7 {
            return Err(r.err(ErrorKind::Malformed));
        }
        let mode = if flags & 1 == 0 {
            MODE_ACTIVE
        } else if flags & 2 == 0 {
            MODE_PASSIVE
        } else {
            MODE_DECLARATIVE
        };
        let mut table = 0u32;
        let (mut ok, mut olo, mut ohi) = (INIT_CONST, 0u32, 0u32);
        if mode == MODE_ACTIVE {
            if flags & 2 != 0 {
                table = r.u32()?;
            }
            if table as usize >= bld.h.n_tables {
                return Err(r.err(ErrorKind::UnknownIndex));
            }
            let ng = bld.h.n_globals;
            let (k, lo, hi, ty) = const_expr(r, bld, ng)?;
            if ty.is_some_and(|t| t != ValType::I32) {
                return Err(r.err(ErrorKind::TypeMismatch));
            }
            (ok, olo, ohi) = (k, lo, hi);
        }
        let uses_exprs = flags & 4 != 0;
        let et = if flags & 3 == 0 {
            ValType::FuncRef
        } else if uses_exprs {
            r.reftype()?
        } else {
            if r.u8()? != 0 {
                return Err(r.err(ErrorKind::Malformed));
            }
            ValType::FuncRef
        };
        if mode == MODE_ACTIVE && bld.writing {
            let tt = bld.get_rec(bld.h.o_tables, TABLE_REC, table as usize, 0);
            if tt != et.code() {
                return Err(r.err(ErrorKind::TypeMismatch));
            }
        }
        let count = r.count()?;
        let items_start = bld.items_len;
        for _ in 0..count {
            let (k, lo, hi) = if uses_exprs {
                let ng = bld.h.n_globals;
                let (k, lo, hi, ty) = const_expr(r, bld, ng)?;
                if ty.is_some_and(|t| t != et) {
                    return Err(r.err(ErrorKind::TypeMismatch));
                }
                (k, lo, hi)
            } else {
                let f = r.u32()?;
                if f as usize >= bld.h.n_funcs {
                    return Err(r.err(ErrorKind::UnknownIndex));
                }
                mark_declared(bld, f)?;
                (INIT_CONST, f.wrapping_add(1), 0)
            };
            let o = bld.h.o_items;
            let it = bld.items_len;
            bld.set_rec(o, ITEM_REC, it, 0, k)?;
            bld.set_rec(o, ITEM_REC, it, 1, lo)?;
            bld.set_rec(o, ITEM_REC, it, 2, hi)?;
            bld.items_len = it.wrapping_add(1);
        }
        let o = bld.h.o_elems;
        let vals = [
            mode,
            table,
            ok,
            olo,
            ohi,
            items_start as u32,
            count as u32,
            et.code(),
        ];
        let mut f = 0usize;
        for v in vals {
            bld.set_rec(o, ELEM_REC, i, f, v)?;
            f = f.wrapping_add(1);
        }
    }
    bld.h.n_elems = n;
    bld.h.n_items = bld.items_len;
    Ok(())
}

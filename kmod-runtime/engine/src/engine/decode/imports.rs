// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Import section: functions resolve to host ids; globals, tables and memories resolve through
//! the optional `Imports` methods (user-space linking).

use super::super::error::{Error, ErrorKind};
use super::super::limits::{MAX_FUNCTIONS, MAX_GLOBALS, MAX_HOST_VALUES, MAX_PAGES, MAX_TABLES};
use super::super::module::{FUNC_REC, GLOBAL_REC, INIT_CONST, TABLE_REC, TYPE_REC};
use super::super::value::{Val, ValType};
use super::super::{ops, Intrinsic};
use super::reader::Reader;
use super::Builder;

pub(super) fn decode(r: &mut Reader<'_>, bld: &mut Builder<'_>) -> Result<(), Error> {
    let n = r.count()?;
    for _ in 0..n {
        let module = r.name()?;
        let name = r.name()?;
        let kind = r.u8()?;
        let at = r.pos();
        match kind {
            0 => {
                let t = r.u32()?;
                if t as usize >= bld.h.n_types {
                    return Err(r.err(ErrorKind::UnknownIndex));
                }
                let f = bld.h.n_funcs;
                if f >= MAX_FUNCTIONS as usize {
                    return Err(r.err(ErrorKind::LimitExceeded));
                }
                // Resolved in the writing pass, where the type section is already decoded:
                // looking a type up is then O(1). (Re-parsing the type section for each import
                // made a 1 MiB module of imports quadratic: 22 s in plan().) The counting pass
                // needs no host id.
                let (id, intrinsic) = if bld.writing {
                    let (params, results) = bld.type_sig(t);
                    if params.len().saturating_add(results.len()) > MAX_HOST_VALUES {
                        return Err(Error::new(ErrorKind::LimitExceeded, at));
                    }
                    let id = bld
                        .imports
                        .resolve_func(module, name, params, results)
                        .ok_or(Error::new(ErrorKind::UnknownImport, at))?;
                    // An intrinsic only with exactly its own type.
                    let intrinsic = match bld.imports.intrinsic(id) {
                        Some(k) if params == [ValType::I32] && results == [k.result()] => {
                            intrinsic_code(k)
                        }
                        _ => 0,
                    };
                    (id, intrinsic)
                } else {
                    (0, 0)
                };
                let o = bld.h.o_funcs;
                bld.set_rec(o, FUNC_REC, f, 0, t)?;
                bld.set_rec(o, FUNC_REC, f, 1, id)?;
                // (an import has no code: its entry word holds the intrinsic, 0 for none)
                bld.set_rec(o, FUNC_REC, f, 2, intrinsic)?;
                let np = bld.get_rec(bld.h.o_types, TYPE_REC, t as usize, 1);
                bld.set_rec(o, FUNC_REC, f, 5, np)?;
                bld.h.n_funcs = f.wrapping_add(1);
                bld.h.n_imported_funcs = bld.h.n_funcs;
            }
            1 => {
                let et = r.reftype()?;
                let (min, max) = r.limits(u64::from(u32::MAX))?;
                let t = bld.h.n_tables;
                if t >= MAX_TABLES as usize {
                    return Err(r.err(ErrorKind::LimitExceeded));
                }
                let max = bld
                    .imports
                    .resolve_table(module, name, et, min, max)
                    .ok_or(Error::new(ErrorKind::UnknownImport, at))?;
                let eff = max.unwrap_or(u32::MAX).min(bld.limits.table_elems());
                if min > eff {
                    return Err(Error::new(ErrorKind::LimitExceeded, at));
                }
                let o = bld.h.o_tables;
                bld.set_rec(o, TABLE_REC, t, 0, et.code())?;
                bld.set_rec(o, TABLE_REC, t, 1, min)?;
                bld.set_rec(o, TABLE_REC, t, 2, eff)?;
                bld.set_rec(o, TABLE_REC, t, 3, u32::from(max.is_some()))?;
                bld.set_rec(o, TABLE_REC, t, 4, max.unwrap_or(0))?;
                bld.h.n_tables = t.wrapping_add(1);
                bld.n_imported_tables = bld.h.n_tables;
            }
            2 => {
                let (min, max) = r.limits(u64::from(MAX_PAGES))?;
                if bld.h.n_memories > 0 {
                    return Err(r.err(ErrorKind::MultipleMemories));
                }
                let max = bld
                    .imports
                    .resolve_memory(module, name, min, max)
                    .ok_or(Error::new(ErrorKind::UnknownImport, at))?;
                super::memory::set_memory(bld, min, max, at)?;
                bld.n_imported_memories = 1;
            }
            3 => {
                let t = r.valtype()?;
                let m = r.u8()?;
                if m > 1 {
                    return Err(r.err(ErrorKind::Malformed));
                }
                let g = bld.h.n_globals;
                if g >= MAX_GLOBALS as usize {
                    return Err(r.err(ErrorKind::LimitExceeded));
                }
                let v: Val = bld
                    .imports
                    .resolve_global(module, name, t, m == 1)
                    .ok_or(Error::new(ErrorKind::UnknownImport, at))?;
                if v.ty() != t {
                    return Err(Error::new(ErrorKind::IncompatibleImport, at));
                }
                let s = v.to_slot();
                let o = bld.h.o_globals;
                bld.set_rec(o, GLOBAL_REC, g, 0, t.code())?;
                bld.set_rec(o, GLOBAL_REC, g, 1, u32::from(m))?;
                bld.set_rec(o, GLOBAL_REC, g, 2, INIT_CONST)?;
                bld.set_rec(o, GLOBAL_REC, g, 3, s as u32)?;
                bld.set_rec(o, GLOBAL_REC, g, 4, (s >> 32) as u32)?;
                bld.h.n_globals = g.wrapping_add(1);
                bld.h.n_imported_globals = bld.h.n_globals;
            }
            _ => return Err(r.err(ErrorKind::Malformed)),
        }
    }
    Ok(())
}

/// The op a call of intrinsic `k` compiles to (stored in an import's entry word).
fn intrinsic_code(k: Intrinsic) -> u32 {
    match k {
        Intrinsic::LoadU8 => ops::HOST_LOAD_U8,
        Intrinsic::LoadBe16 => ops::HOST_LOAD_BE16,
        Intrinsic::LoadBe32 => ops::HOST_LOAD_BE32,
    }
}

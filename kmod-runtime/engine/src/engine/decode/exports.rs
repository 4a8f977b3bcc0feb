// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Export section.

use super::super::error::{Error, ErrorKind};
use super::super::limits::MAX_EXPORTS;
use super::super::module::EXPORT_REC;
use super::reader::Reader;
use super::{mark_declared, Builder};

pub(super) fn decode(r: &mut Reader<'_>, bld: &mut Builder<'_>) -> Result<(), Error> {
    let n = r.count()?;
    super::check_limit(r, n, MAX_EXPORTS)?;
    let o = bld.h.o_exports;
    for i in 0..n {
        let at = r.pos();
        let name = r.name()?;
        let kind = r.u8()?;
        let idx = r.u32()?;
        let count = match kind {
            0 => bld.h.n_funcs,
            1 => bld.h.n_tables,
            2 => bld.h.n_memories,
            3 => bld.h.n_globals,
            _ => return Err(r.err(ErrorKind::Malformed)),
        };
        if idx as usize >= count {
            return Err(r.err(ErrorKind::UnknownIndex));
        }
        if kind == 0 {
            mark_declared(bld, idx)?;
        }
        if bld.writing {
            for j in 0..i {
                let off = bld.get_rec(o, EXPORT_REC, j, 0) as usize;
                let len = bld.get_rec(o, EXPORT_REC, j, 1) as usize;
                if len == name.len()
                    && bld.b.get(off..off.saturating_add(len)) == Some(name.as_bytes())
                {
                    return Err(Error::new(ErrorKind::DuplicateExport, at));
                }
            }
        }
        let off = bld.push_bytes(name.as_bytes())?;
        bld.set_rec(o, EXPORT_REC, i, 0, off as u32)?;
        bld.set_rec(o, EXPORT_REC, i, 1, name.len() as u32)?;
        bld.set_rec(o, EXPORT_REC, i, 2, u32::from(kind))?;
        bld.set_rec(o, EXPORT_REC, i, 3, idx)?;
    }
    bld.h.n_exports = n;
    Ok(())
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Export section.

use super::super::error::{Error, ErrorKind};
use super::super::limits::MAX_EXPORTS;
use super::super::module::EXPORT_REC;
use super::reader::Reader;
use super::{mark_declared, Builder};

/// FNV-1a of an export name.
fn name_hash(b: &[u8]) -> u32 {
    b.iter().fold(0x811c_9dc5u32, |h, &c| {
        (h ^ u32::from(c)).wrapping_mul(0x0100_0193)
    })
}

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
        // Duplicate names: each name against the earlier ones' hashes, bytes only when the
        // hashes match, so names that share long prefixes cost a word compare each (a memcmp
        // per pair made 10 000 such names take 5.5 s in a debug build).
        let hash = name_hash(name.as_bytes());
        if bld.writing {
            let earlier = bld
                .w
                .get(o..o.saturating_add(i.saturating_mul(EXPORT_REC)))
                .unwrap_or(&[]);
            for rec in earlier.chunks_exact(EXPORT_REC) {
                if rec.get(4) != Some(&hash) {
                    continue;
                }
                let off = rec.first().copied().unwrap_or(0) as usize;
                let len = rec.get(1).copied().unwrap_or(0) as usize;
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
        bld.set_rec(o, EXPORT_REC, i, 4, hash)?;
    }
    bld.h.n_exports = n;
    Ok(())
}

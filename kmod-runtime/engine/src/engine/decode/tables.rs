// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Table section.

use super::super::error::{Error, ErrorKind};
use super::super::limits::MAX_TABLES;
use super::super::module::TABLE_REC;
use super::reader::Reader;
use super::Builder;

pub(super) fn decode(r: &mut Reader<'_>, bld: &mut Builder<'_>) -> Result<(), Error> {
    let n = r.count()?;
    for _ in 0..n {
        let et = r.reftype()?;
        let at = r.pos();
        let (min, max) = r.limits(u64::from(u32::MAX))?;
        let t = bld.h.n_tables;
        if t >= MAX_TABLES as usize {
            return Err(r.err(ErrorKind::LimitExceeded));
        }
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
    }
    Ok(())
}

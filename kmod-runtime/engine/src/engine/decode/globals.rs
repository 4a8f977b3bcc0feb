// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Global section.

use super::super::error::{Error, ErrorKind};
use super::super::limits::MAX_GLOBALS;
use super::super::module::GLOBAL_REC;
use super::reader::Reader;
use super::{const_expr, Builder};

pub(super) fn decode(r: &mut Reader<'_>, bld: &mut Builder<'_>) -> Result<(), Error> {
    let n = r.count()?;
    if n.saturating_add(bld.h.n_globals) > MAX_GLOBALS as usize {
        return Err(r.err(ErrorKind::LimitExceeded));
    }
    for _ in 0..n {
        let t = r.valtype()?;
        let m = r.u8()?;
        if m > 1 {
            return Err(r.err(ErrorKind::Malformed));
        }
        let max_g = bld.h.n_imported_globals;
        let (kind, lo, hi, ty) = const_expr(r, bld, max_g)?;
        if ty.is_some_and(|ty| ty != t) {
            return Err(r.err(ErrorKind::TypeMismatch));
        }
        let g = bld.h.n_globals;
        let o = bld.h.o_globals;
        bld.set_rec(o, GLOBAL_REC, g, 0, t.code())?;
        bld.set_rec(o, GLOBAL_REC, g, 1, u32::from(m))?;
        bld.set_rec(o, GLOBAL_REC, g, 2, kind)?;
        bld.set_rec(o, GLOBAL_REC, g, 3, lo)?;
        bld.set_rec(o, GLOBAL_REC, g, 4, hi)?;
        bld.h.n_globals = g.wrapping_add(1);
    }
    Ok(())
}

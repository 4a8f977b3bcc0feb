// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Function section: type indices of defined functions.

use super::super::error::{Error, ErrorKind};
use super::super::limits::MAX_FUNCTIONS;
use super::super::module::{FUNC_REC, NO_HOST, TYPE_REC};
use super::reader::Reader;
use super::Builder;

/// Returns the number of defined functions.
pub(super) fn decode(r: &mut Reader<'_>, bld: &mut Builder<'_>) -> Result<usize, Error> {
    let n = r.count()?;
    if n.saturating_add(bld.h.n_funcs) > MAX_FUNCTIONS as usize {
        return Err(r.err(ErrorKind::LimitExceeded));
    }
    for _ in 0..n {
        let t = r.u32()?;
        if t as usize >= bld.h.n_types {
            return Err(r.err(ErrorKind::UnknownIndex));
        }
        let f = bld.h.n_funcs;
        let o = bld.h.o_funcs;
        bld.set_rec(o, FUNC_REC, f, 0, t)?;
        bld.set_rec(o, FUNC_REC, f, 1, NO_HOST)?;
        let np = bld.get_rec(bld.h.o_types, TYPE_REC, t as usize, 1);
        bld.set_rec(o, FUNC_REC, f, 5, np)?;
        bld.h.n_funcs = f.wrapping_add(1);
    }
    bld.n_defined_funcs = n;
    Ok(n)
}

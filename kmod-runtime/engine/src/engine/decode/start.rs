// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Start section.

use super::super::error::{Error, ErrorKind};
use super::super::module::{FUNC_REC, TYPE_REC};
use super::reader::Reader;
use super::Builder;

pub(super) fn decode(r: &mut Reader<'_>, bld: &mut Builder<'_>) -> Result<(), Error> {
    let f = r.u32()?;
    if f as usize >= bld.h.n_funcs {
        return Err(r.err(ErrorKind::UnknownIndex));
    }
    if bld.writing {
        let t = bld.get_rec(bld.h.o_funcs, FUNC_REC, f as usize, 0) as usize;
        let np = bld.get_rec(bld.h.o_types, TYPE_REC, t, 1);
        let nr = bld.get_rec(bld.h.o_types, TYPE_REC, t, 2);
        if np != 0 || nr != 0 {
            return Err(r.err(ErrorKind::BadStartFunction));
        }
    }
    bld.h.start = Some(f);
    Ok(())
}

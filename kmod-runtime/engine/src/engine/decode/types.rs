// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Type section: function types.

use super::super::error::{Error, ErrorKind};
use super::super::limits::{MAX_PARAMS, MAX_TYPES};
use super::super::module::TYPE_REC;
use super::reader::Reader;
use super::{check_limit, Builder};

pub(super) fn decode(r: &mut Reader<'_>, bld: &mut Builder<'_>) -> Result<(), Error> {
    let n = r.count()?;
    check_limit(r, n, MAX_TYPES)?;
    for i in 0..n {
        if r.u8()? != 0x60 {
            return Err(r.err(ErrorKind::Malformed));
        }
        let start = bld.vt_len;
        let np = r.count()?;
        check_limit(r, np, MAX_PARAMS)?;
        for _ in 0..np {
            let t = r.valtype()?;
            bld.push_vt(t)?;
        }
        let nr = r.count()?;
        check_limit(r, nr, MAX_PARAMS)?;
        for _ in 0..nr {
            let t = r.valtype()?;
            bld.push_vt(t)?;
        }
        let o = bld.h.o_types;
        bld.set_rec(o, TYPE_REC, i, 0, start as u32)?;
        bld.set_rec(o, TYPE_REC, i, 1, np as u32)?;
        bld.set_rec(o, TYPE_REC, i, 2, nr as u32)?;
        let mut canon = i as u32;
        if bld.writing {
            for j in 0..i {
                if bld.get_rec(o, TYPE_REC, j, 3) == j as u32
                    && bld.get_rec(o, TYPE_REC, j, 1) == np as u32
                    && bld.get_rec(o, TYPE_REC, j, 2) == nr as u32
                    && bld.type_sig(j as u32) == bld.type_sig(i as u32)
                {
                    canon = j as u32;
                    break;
                }
            }
        }
        bld.set_rec(o, TYPE_REC, i, 3, canon)?;
    }
    bld.h.n_types = n;
    bld.h.n_vts = bld.vt_len;
    Ok(())
}

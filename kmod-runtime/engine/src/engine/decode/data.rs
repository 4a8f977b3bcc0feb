// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Data section: active and passive segments; bytes are copied into the module buffer.

use super::super::error::{Error, ErrorKind};
use super::super::limits::MAX_SEGMENTS;
use super::super::module::{DATA_REC, INIT_CONST, MODE_ACTIVE, MODE_PASSIVE};
use super::super::value::ValType;
use super::reader::Reader;
use super::{const_expr, Builder};

pub(super) fn decode(r: &mut Reader<'_>, bld: &mut Builder<'_>) -> Result<(), Error> {
    let n = r.count()?;
    super::check_limit(r, n, MAX_SEGMENTS)?;
    for i in 0..n {
        let flags = r.u32()?;
        let (mode, mem) = match flags {
            0 => (MODE_ACTIVE, 0),
            1 => (MODE_PASSIVE, 0),
            2 => (MODE_ACTIVE, r.u32()?),
            _ => return Err(r.err(ErrorKind::Malformed)),
        };
        let (mut ok, mut olo, mut ohi) = (INIT_CONST, 0u32, 0u32);
        if mode == MODE_ACTIVE {
            if mem as usize >= bld.h.n_memories {
                return Err(r.err(ErrorKind::UnknownIndex));
            }
            let ng = bld.h.n_globals;
            let (k, lo, hi, ty) = const_expr(r, bld, ng)?;
            if ty.is_some_and(|t| t != ValType::I32) {
                return Err(r.err(ErrorKind::TypeMismatch));
            }
            (ok, olo, ohi) = (k, lo, hi);
        }
        let len = r.count()?;
        let bytes = r.bytes(len)?;
        let off = bld.push_bytes(bytes)?;
        let o = bld.h.o_datas;
        let vals = [mode, mem, ok, olo, ohi, off as u32, len as u32];
        let mut f = 0usize;
        for v in vals {
            bld.set_rec(o, DATA_REC, i, f, v)?;
            f = f.wrapping_add(1);
        }
    }
    bld.h.n_datas = n;
    Ok(())
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Code section: in the counting pass only sizes the code region; in the writing pass every
//! body is validated and compiled.

use super::super::compile;
use super::super::error::{Error, ErrorKind};
use super::super::module::FUNC_REC;
use super::super::ops;
use super::reader::Reader;
use super::Builder;

/// Upper bound of internal code words per byte of function body.
pub(in super::super) const CODE_WORDS_PER_BYTE: usize = 5;
/// Extra code words per function.
pub(in super::super) const CODE_WORDS_PER_FUNC: usize = 8;

pub(super) fn decode(
    r: &mut Reader<'_>,
    bld: &mut Builder<'_>,
    n_decls: usize,
) -> Result<(), Error> {
    let n = r.count()?;
    if n != n_decls {
        return Err(r.err(ErrorKind::FuncCodeMismatch));
    }
    for i in 0..n {
        let size = r.count()?;
        let start = r.pos();
        let end = start
            .checked_add(size)
            .filter(|&e| e <= r.end())
            .ok_or_else(|| r.err(ErrorKind::UnexpectedEnd))?;
        if bld.writing {
            let mut body = r.sub(end);
            let f = bld.h.n_imported_funcs.wrapping_add(i);
            compile::compile_body(&mut body, bld, f as u32)?;
            if body.pos() != end {
                return Err(body.err(ErrorKind::SectionSizeMismatch));
            }
        } else {
            let words = size
                .checked_mul(CODE_WORDS_PER_BYTE)
                .and_then(|w| w.checked_add(CODE_WORDS_PER_FUNC))
                .ok_or_else(|| r.err(ErrorKind::LimitExceeded))?;
            bld.h.code_bound = bld
                .h
                .code_bound
                .checked_add(words)
                .ok_or_else(|| r.err(ErrorKind::LimitExceeded))?;
            bld.h.max_body = bld.h.max_body.max(size);
        }
        r.set_pos(end);
    }
    // the code area ends with K_MAX trap words (see `ops::K_MAX`)
    if bld.writing {
        link_calls(bld, r.pos())?;
        for _ in 0..ops::K_MAX {
            let i = bld.h.o_code.wrapping_add(bld.code_len);
            if bld.code_len >= bld.h.code_bound {
                return Err(r.err(ErrorKind::BufferTooSmall));
            }
            bld.set(i, ops::UNREACHABLE)?;
            bld.code_len = bld.code_len.wrapping_add(1);
        }
    } else {
        bld.h.code_bound = bld
            .h
            .code_bound
            .checked_add(ops::K_MAX)
            .ok_or_else(|| r.err(ErrorKind::LimitExceeded))?;
    }
    Ok(())
}

/// Fills in every Wasm-to-Wasm CALL's words 3..6 with its callee's record fields 2..5 (entry,
/// declared locals, maximal frame height, params), now that every body is compiled: the
/// interpreter enters the callee from the op alone. The CALLs are listed through word 3 from
/// `Builder::calls` (`compile`'s CALL arm); each listed site must hold a CALL of a compiled
/// function, and the list ends within as many steps as there are code words, or the module is
/// refused. Every CALL the compiler emits is listed (none is ever removed from the code again:
/// the compiler only rewinds over the ops it fuses, and CALL is not one).
fn link_calls(bld: &mut Builder<'_>, offset: usize) -> Result<(), Error> {
    let bad = Error::new(ErrorKind::LimitExceeded, offset);
    let mut at = bld.calls;
    let mut guard = bld.code_len;
    while at != u32::MAX {
        let pc = at as usize;
        let f = bld.get(bld.h.o_code.wrapping_add(pc).wrapping_add(1)) as usize;
        if guard == 0
            || pc.saturating_add(7) > bld.code_len
            || bld.get(bld.h.o_code.wrapping_add(pc)) != ops::CALL
            || f < bld.h.n_imported_funcs
            || f >= bld.h.n_funcs
        {
            return Err(bad);
        }
        guard = guard.wrapping_sub(1);
        let w = bld.h.o_code.wrapping_add(pc).wrapping_add(3);
        at = bld.get(w);
        for k in 0..4 {
            let v = bld.get_rec(bld.h.o_funcs, FUNC_REC, f, 2usize.wrapping_add(k));
            bld.set(w.wrapping_add(k), v)?;
        }
    }
    bld.calls = u32::MAX;
    Ok(())
}

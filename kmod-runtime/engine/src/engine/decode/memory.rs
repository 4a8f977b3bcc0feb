// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Memory section (at most one memory).

use super::super::error::{Error, ErrorKind};
use super::super::limits::MAX_PAGES;
use super::reader::Reader;
use super::Builder;

pub(super) fn decode(r: &mut Reader<'_>, bld: &mut Builder<'_>) -> Result<(), Error> {
    let n = r.count()?;
    for _ in 0..n {
        let at = r.pos();
        let (min, max) = r.limits(u64::from(MAX_PAGES))?;
        if bld.h.n_memories > 0 {
            return Err(Error::new(ErrorKind::MultipleMemories, at));
        }
        set_memory(bld, min, max, at)?;
    }
    Ok(())
}

/// Records the (single) memory; its effective maximum is clamped by the limits.
pub(super) fn set_memory(
    bld: &mut Builder<'_>,
    min: u32,
    max: Option<u32>,
    at: usize,
) -> Result<(), Error> {
    let eff = max.unwrap_or(MAX_PAGES).min(bld.limits.memory_pages());
    if min > eff {
        return Err(Error::new(ErrorKind::LimitExceeded, at));
    }
    bld.h.n_memories = 1;
    bld.h.mem_min = min;
    bld.h.mem_max = eff;
    bld.h.mem_declared_max = max;
    Ok(())
}

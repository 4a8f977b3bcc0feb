// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Custom sections: the name must be valid UTF-8; contents are ignored.

use super::super::error::Error;
use super::reader::Reader;

pub(super) fn decode(r: &mut Reader<'_>) -> Result<(), Error> {
    let _name = r.name()?;
    let rest = r.end().saturating_sub(r.pos());
    r.bytes(rest)?;
    Ok(())
}

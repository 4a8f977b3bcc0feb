// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Byte reader for the Wasm binary format: LEB128 integers, names, fixed-width floats.

use super::super::error::{Error, ErrorKind};
use super::super::value::ValType;

/// A cursor over a slice of the Wasm binary; offsets in errors are absolute.
#[derive(Clone, Debug)]
pub(in super::super) struct Reader<'w> {
    data: &'w [u8],
    pos: usize,
}

impl<'w> Reader<'w> {
    /// Reader over the whole binary.
    pub(crate) fn new(data: &'w [u8]) -> Reader<'w> {
        Reader { data, pos: 0 }
    }

    /// Reader over `data[start..end]` keeping absolute offsets.
    pub(crate) fn sub(&self, end: usize) -> Reader<'w> {
        Reader {
            data: self.data.get(..end).unwrap_or(self.data),
            pos: self.pos,
        }
    }

    /// Current absolute offset.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Moves to an absolute offset (only forward within the data).
    pub(crate) fn set_pos(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// Absolute end offset.
    pub(crate) fn end(&self) -> usize {
        self.data.len()
    }

    /// True when all input is consumed.
    pub(crate) fn eof(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// Error at the current offset.
    pub(crate) fn err(&self, kind: ErrorKind) -> Error {
        Error::new(kind, self.pos)
    }

    /// One byte.
    pub(crate) fn u8(&mut self) -> Result<u8, Error> {
        let b = *self
            .data
            .get(self.pos)
            .ok_or_else(|| self.err(ErrorKind::UnexpectedEnd))?;
        self.pos = self.pos.wrapping_add(1);
        Ok(b)
    }

    /// Peeks one byte.
    pub(crate) fn peek(&self) -> Result<u8, Error> {
        self.data
            .get(self.pos)
            .copied()
            .ok_or_else(|| self.err(ErrorKind::UnexpectedEnd))
    }

    /// `n` raw bytes.
    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'w [u8], Error> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or_else(|| self.err(ErrorKind::UnexpectedEnd))?;
        let s = self
            .data
            .get(self.pos..end)
            .ok_or_else(|| self.err(ErrorKind::UnexpectedEnd))?;
        self.pos = end;
        Ok(s)
    }

    /// Unsigned LEB128 of at most `bits` bits.
    fn uleb(&mut self, bits: u32) -> Result<u64, Error> {
        let mut result: u64 = 0;
        let mut shift: u32 = 0;
        loop {
            let b = self.u8()?;
            let low = u64::from(b & 0x7f);
            if shift.saturating_add(7) > bits {
                // last permitted byte: unused bits must be zero
                let remaining = bits.saturating_sub(shift);
                if b & 0x80 != 0 {
                    return Err(self.err(ErrorKind::BadLeb));
                }
                if remaining < 7 && (low >> remaining) != 0 {
                    return Err(self.err(ErrorKind::IntegerTooLarge));
                }
            }
            result |= low.checked_shl(shift).unwrap_or(0);
            if b & 0x80 == 0 {
                return Ok(result);
            }
            shift = shift.wrapping_add(7);
        }
    }

    /// Signed LEB128 of at most `bits` bits (sign-extended to i64).
    fn sleb(&mut self, bits: u32) -> Result<i64, Error> {
        let mut result: i64 = 0;
        let mut shift: u32 = 0;
        loop {
            let b = self.u8()?;
            let low = i64::from(b & 0x7f);
            if shift.saturating_add(7) >= bits {
                let remaining = bits.saturating_sub(shift); // bits still available, 1..=7
                if b & 0x80 != 0 {
                    return Err(self.err(ErrorKind::BadLeb));
                }
                if remaining < 7 {
                    // bits [remaining-1 .. 6] must all equal the sign bit
                    let mask: i64 =
                        0x7f_i64 & !((1_i64 << remaining.saturating_sub(1)).wrapping_sub(1));
                    let top = low & mask;
                    if top != 0 && top != mask {
                        return Err(self.err(ErrorKind::IntegerTooLarge));
                    }
                }
            }
            result |= low.checked_shl(shift).unwrap_or(0);
            shift = shift.wrapping_add(7);
            if b & 0x80 == 0 {
                if shift < 64 && (b & 0x40) != 0 {
                    result |= (-1_i64).checked_shl(shift).unwrap_or(0);
                }
                return Ok(result);
            }
        }
    }

    /// u32 LEB128.
    pub(crate) fn u32(&mut self) -> Result<u32, Error> {
        Ok(self.uleb(32)? as u32)
    }

    /// A count or index as usize.
    pub(crate) fn count(&mut self) -> Result<usize, Error> {
        Ok(self.u32()? as usize)
    }

    /// i32 LEB128.
    pub(crate) fn i32(&mut self) -> Result<i32, Error> {
        Ok(self.sleb(32)? as i32)
    }

    /// i64 LEB128.
    pub(crate) fn i64(&mut self) -> Result<i64, Error> {
        self.sleb(64)
    }

    /// s33 LEB128 (block type index).
    pub(crate) fn s33(&mut self) -> Result<i64, Error> {
        self.sleb(33)
    }

    /// Little-endian u32 (f32 bits).
    pub(crate) fn f32(&mut self) -> Result<u32, Error> {
        let b = self.bytes(4)?;
        let a = <[u8; 4]>::try_from(b).map_err(|_| self.err(ErrorKind::UnexpectedEnd))?;
        Ok(u32::from_le_bytes(a))
    }

    /// Little-endian u64 (f64 bits).
    pub(crate) fn f64(&mut self) -> Result<u64, Error> {
        let b = self.bytes(8)?;
        let a = <[u8; 8]>::try_from(b).map_err(|_| self.err(ErrorKind::UnexpectedEnd))?;
        Ok(u64::from_le_bytes(a))
    }

    /// A UTF-8 name.
    pub(crate) fn name(&mut self) -> Result<&'w str, Error> {
        let n = self.count()?;
        let b = self.bytes(n)?;
        core::str::from_utf8(b).map_err(|_| self.err(ErrorKind::BadUtf8))
    }

    /// A value type.
    pub(crate) fn valtype(&mut self) -> Result<ValType, Error> {
        let b = self.u8()?;
        ValType::from_byte(b).ok_or_else(|| self.err(ErrorKind::BadValType))
    }

    /// A reference type.
    pub(crate) fn reftype(&mut self) -> Result<ValType, Error> {
        let t = self.valtype()?;
        if t.is_ref() {
            Ok(t)
        } else {
            Err(self.err(ErrorKind::BadValType))
        }
    }

    /// Limits: (min, max).
    pub(crate) fn limits(&mut self, ceiling: u64) -> Result<(u32, Option<u32>), Error> {
        let flag = self.u8()?;
        let (min, max) = match flag {
            0 => (self.u32()?, None),
            1 => (self.u32()?, Some(self.u32()?)),
            _ => return Err(self.err(ErrorKind::Malformed)),
        };
        if u64::from(min) > ceiling || max.is_some_and(|m| u64::from(m) > ceiling) {
            return Err(self.err(ErrorKind::BadLimits));
        }
        if max.is_some_and(|m| m < min) {
            return Err(self.err(ErrorKind::BadLimits));
        }
        Ok((min, max))
    }
}

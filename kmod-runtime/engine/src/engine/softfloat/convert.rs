//! Conversions between floats (as bits) and integers, and between the two float formats.

use super::{binary32, binary64, FloatToIntError, TruncMag};

// ---------------------------------------------------------------------------------------------
// float -> int, trapping
// ---------------------------------------------------------------------------------------------

#[inline]
fn to_i32(m: TruncMag) -> Result<i32, FloatToIntError> {
    match m {
        TruncMag::NaN => Err(FloatToIntError::NaN),
        TruncMag::Val { neg: true, mag } if mag <= 1 << 31 => {
            Ok((mag as i64).wrapping_neg() as i32)
        }
        TruncMag::Val { neg: false, mag } if mag <= i32::MAX as u64 => Ok(mag as i32),
        _ => Err(FloatToIntError::Overflow),
    }
}

#[inline]
fn to_u32(m: TruncMag) -> Result<u32, FloatToIntError> {
    match m {
        TruncMag::NaN => Err(FloatToIntError::NaN),
        TruncMag::Val { neg: true, mag: 0 } => Ok(0),
        TruncMag::Val { neg: false, mag } if mag <= u32::MAX as u64 => Ok(mag as u32),
        _ => Err(FloatToIntError::Overflow),
    }
}

#[inline]
fn to_i64(m: TruncMag) -> Result<i64, FloatToIntError> {
    match m {
        TruncMag::NaN => Err(FloatToIntError::NaN),
        TruncMag::Val { neg: true, mag } if mag <= 1 << 63 => Ok((mag as i64).wrapping_neg()),
        TruncMag::Val { neg: false, mag } if mag <= i64::MAX as u64 => Ok(mag as i64),
        _ => Err(FloatToIntError::Overflow),
    }
}

#[inline]
fn to_u64(m: TruncMag) -> Result<u64, FloatToIntError> {
    match m {
        TruncMag::NaN => Err(FloatToIntError::NaN),
        TruncMag::Val { neg: true, mag: 0 } => Ok(0),
        TruncMag::Val { neg: false, mag } => Ok(mag),
        _ => Err(FloatToIntError::Overflow),
    }
}

/// `i32.trunc_f32_s`.
#[inline]
pub fn i32_trunc_f32_s(a: u32) -> Result<i32, FloatToIntError> {
    to_i32(binary32::trunc_mag(a))
}

/// `i32.trunc_f32_u`.
#[inline]
pub fn i32_trunc_f32_u(a: u32) -> Result<u32, FloatToIntError> {
    to_u32(binary32::trunc_mag(a))
}

/// `i32.trunc_f64_s`.
#[inline]
pub fn i32_trunc_f64_s(a: u64) -> Result<i32, FloatToIntError> {
    to_i32(binary64::trunc_mag(a))
}

/// `i32.trunc_f64_u`.
#[inline]
pub fn i32_trunc_f64_u(a: u64) -> Result<u32, FloatToIntError> {
    to_u32(binary64::trunc_mag(a))
}

/// `i64.trunc_f32_s`.
#[inline]
pub fn i64_trunc_f32_s(a: u32) -> Result<i64, FloatToIntError> {
    to_i64(binary32::trunc_mag(a))
}

/// `i64.trunc_f32_u`.
#[inline]
pub fn i64_trunc_f32_u(a: u32) -> Result<u64, FloatToIntError> {
    to_u64(binary32::trunc_mag(a))
}

/// `i64.trunc_f64_s`.
#[inline]
pub fn i64_trunc_f64_s(a: u64) -> Result<i64, FloatToIntError> {
    to_i64(binary64::trunc_mag(a))
}

/// `i64.trunc_f64_u`.
#[inline]
pub fn i64_trunc_f64_u(a: u64) -> Result<u64, FloatToIntError> {
    to_u64(binary64::trunc_mag(a))
}

// ---------------------------------------------------------------------------------------------
// float -> int, saturating
// ---------------------------------------------------------------------------------------------

#[inline]
fn sat_i32(m: TruncMag) -> i32 {
    match m {
        TruncMag::NaN => 0,
        TruncMag::Val { neg: true, mag } if mag <= 1 << 31 => (mag as i64).wrapping_neg() as i32,
        TruncMag::Val { neg: false, mag } if mag <= i32::MAX as u64 => mag as i32,
        TruncMag::Val { neg, .. } | TruncMag::Big { neg } => {
            if neg {
                i32::MIN
            } else {
                i32::MAX
            }
        }
    }
}

#[inline]
fn sat_u32(m: TruncMag) -> u32 {
    match m {
        TruncMag::NaN | TruncMag::Val { neg: true, .. } | TruncMag::Big { neg: true } => 0,
        TruncMag::Val { neg: false, mag } if mag <= u32::MAX as u64 => mag as u32,
        TruncMag::Val { neg: false, .. } | TruncMag::Big { neg: false } => u32::MAX,
    }
}

#[inline]
fn sat_i64(m: TruncMag) -> i64 {
    match m {
        TruncMag::NaN => 0,
        TruncMag::Val { neg: true, mag } if mag <= 1 << 63 => (mag as i64).wrapping_neg(),
        TruncMag::Val { neg: false, mag } if mag <= i64::MAX as u64 => mag as i64,
        TruncMag::Val { neg, .. } | TruncMag::Big { neg } => {
            if neg {
                i64::MIN
            } else {
                i64::MAX
            }
        }
    }
}

#[inline]
fn sat_u64(m: TruncMag) -> u64 {
    match m {
        TruncMag::NaN | TruncMag::Val { neg: true, .. } | TruncMag::Big { neg: true } => 0,
        TruncMag::Val { neg: false, mag } => mag,
        TruncMag::Big { neg: false } => u64::MAX,
    }
}

/// `i32.trunc_sat_f32_s`.
#[inline]
pub fn i32_trunc_sat_f32_s(a: u32) -> i32 {
    sat_i32(binary32::trunc_mag(a))
}

/// `i32.trunc_sat_f32_u`.
#[inline]
pub fn i32_trunc_sat_f32_u(a: u32) -> u32 {
    sat_u32(binary32::trunc_mag(a))
}

/// `i32.trunc_sat_f64_s`.
#[inline]
pub fn i32_trunc_sat_f64_s(a: u64) -> i32 {
    sat_i32(binary64::trunc_mag(a))
}

/// `i32.trunc_sat_f64_u`.
#[inline]
pub fn i32_trunc_sat_f64_u(a: u64) -> u32 {
    sat_u32(binary64::trunc_mag(a))
}

/// `i64.trunc_sat_f32_s`.
#[inline]
pub fn i64_trunc_sat_f32_s(a: u32) -> i64 {
    sat_i64(binary32::trunc_mag(a))
}

/// `i64.trunc_sat_f32_u`.
#[inline]
pub fn i64_trunc_sat_f32_u(a: u32) -> u64 {
    sat_u64(binary32::trunc_mag(a))
}

/// `i64.trunc_sat_f64_s`.
#[inline]
pub fn i64_trunc_sat_f64_s(a: u64) -> i64 {
    sat_i64(binary64::trunc_mag(a))
}

/// `i64.trunc_sat_f64_u`.
#[inline]
pub fn i64_trunc_sat_f64_u(a: u64) -> u64 {
    sat_u64(binary64::trunc_mag(a))
}

// ---------------------------------------------------------------------------------------------
// int -> float (round to nearest, ties to even)
// ---------------------------------------------------------------------------------------------

/// `f32.convert_i32_s`.
#[inline]
pub fn f32_convert_i32_s(a: i32) -> u32 {
    binary32::from_u64(a < 0, u64::from(a.unsigned_abs()))
}

/// `f32.convert_i32_u`.
#[inline]
pub fn f32_convert_i32_u(a: u32) -> u32 {
    binary32::from_u64(false, u64::from(a))
}

/// `f32.convert_i64_s`.
#[inline]
pub fn f32_convert_i64_s(a: i64) -> u32 {
    binary32::from_u64(a < 0, a.unsigned_abs())
}

/// `f32.convert_i64_u`.
#[inline]
pub fn f32_convert_i64_u(a: u64) -> u32 {
    binary32::from_u64(false, a)
}

/// `f64.convert_i32_s` (always exact).
#[inline]
pub fn f64_convert_i32_s(a: i32) -> u64 {
    binary64::from_u64(a < 0, u64::from(a.unsigned_abs()))
}

/// `f64.convert_i32_u` (always exact).
#[inline]
pub fn f64_convert_i32_u(a: u32) -> u64 {
    binary64::from_u64(false, u64::from(a))
}

/// `f64.convert_i64_s`.
#[inline]
pub fn f64_convert_i64_s(a: i64) -> u64 {
    binary64::from_u64(a < 0, a.unsigned_abs())
}

/// `f64.convert_i64_u`.
#[inline]
pub fn f64_convert_i64_u(a: u64) -> u64 {
    binary64::from_u64(false, a)
}

// ---------------------------------------------------------------------------------------------
// f32 <-> f64
// ---------------------------------------------------------------------------------------------

/// Fraction-bit difference between the formats (52 - 23).
const FRAC_SHIFT: u32 = binary64::SIG_BITS - binary32::SIG_BITS;

/// `f64.promote_f32` (always exact; NaN payload kept and quieted).
#[inline]
pub fn f64_promote_f32(a: u32) -> u64 {
    let sign = if binary32::sign_of(a) {
        binary64::SIGN
    } else {
        0
    };
    let exp = binary32::exp_of(a);
    let frac = u64::from(a & binary32::FRAC_MASK);
    if exp == binary32::EXP_MAX {
        let r = sign | binary64::EXP_MASK | super::shl64(frac, FRAC_SHIFT);
        return if frac != 0 { r | binary64::QUIET } else { r };
    }
    if exp == 0 {
        if frac == 0 {
            return sign;
        }
        // Subnormal f32: normalize (every f32 subnormal is a normal f64).
        let shift = frac
            .leading_zeros()
            .wrapping_sub(64 - binary32::SIG_BITS - 1);
        let sig = super::shl64(frac, shift) & u64::from(binary32::FRAC_MASK);
        let e = 1i32
            .wrapping_sub(shift as i32)
            .wrapping_sub(binary32::BIAS)
            .wrapping_add(binary64::BIAS);
        return sign | super::shl64(e as u64, binary64::SIG_BITS) | super::shl64(sig, FRAC_SHIFT);
    }
    let e = exp
        .wrapping_sub(binary32::BIAS)
        .wrapping_add(binary64::BIAS);
    sign | super::shl64(e as u64, binary64::SIG_BITS) | super::shl64(frac, FRAC_SHIFT)
}

/// `f32.demote_f64` (round to nearest even, overflow to infinity; NaN payload truncated and
/// quieted).
#[inline]
pub fn f32_demote_f64(a: u64) -> u32 {
    let sign = binary64::sign_of(a);
    let exp = binary64::exp_of(a);
    let frac = a & binary64::FRAC_MASK;
    if exp == binary64::EXP_MAX {
        let s = if sign { binary32::SIGN } else { 0 };
        if frac != 0 {
            return s
                | binary32::EXP_MASK
                | binary32::QUIET
                | (super::shr64(frac, FRAC_SHIFT) as u32);
        }
        return s | binary32::EXP_MASK;
    }
    // Keep 30 fraction bits (hidden bit goes to bit 30 of the round_pack input), jam the rest.
    let keep = super::shr64(frac, FRAC_SHIFT - 7);
    let jam = u64::from(frac & ((1u64 << (FRAC_SHIFT - 7)) - 1) != 0);
    let sig = (keep | jam) as u32;
    if exp == 0 && sig == 0 {
        return if sign { binary32::SIGN } else { 0 };
    }
    // f64 subnormals (exp == 0) are far below the f32 range and round to zero correctly here.
    binary32::round_pack(
        sign,
        exp.wrapping_sub(binary64::BIAS - binary32::BIAS + 1),
        sig | (1u32 << 30),
    )
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! PLACEHOLDER soft-float API (integer-only IEEE-754). The real implementation lives on the
//! `softfloat` branch and replaces this file on merge. Only bit-level operations are correct
//! here; arithmetic returns a canonical NaN and conversions trap.
#![allow(missing_docs)]

/// Why a float-to-int conversion failed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FloatToIntError {
    /// Operand was NaN.
    NaN,
    /// Operand out of range.
    Overflow,
}

const N32: u32 = 0x7fc0_0000;
const N64: u64 = 0x7ff8_0000_0000_0000;

pub fn f32_abs(a: u32) -> u32 {
    a & 0x7fff_ffff
}
pub fn f32_neg(a: u32) -> u32 {
    a ^ 0x8000_0000
}
pub fn f32_copysign(a: u32, b: u32) -> u32 {
    (a & 0x7fff_ffff) | (b & 0x8000_0000)
}
pub fn f64_abs(a: u64) -> u64 {
    a & 0x7fff_ffff_ffff_ffff
}
pub fn f64_neg(a: u64) -> u64 {
    a ^ 0x8000_0000_0000_0000
}
pub fn f64_copysign(a: u64, b: u64) -> u64 {
    (a & 0x7fff_ffff_ffff_ffff) | (b & 0x8000_0000_0000_0000)
}
pub fn f32_ceil(_: u32) -> u32 {
    N32
}
pub fn f32_floor(_: u32) -> u32 {
    N32
}
pub fn f32_trunc(_: u32) -> u32 {
    N32
}
pub fn f32_nearest(_: u32) -> u32 {
    N32
}
pub fn f32_sqrt(_: u32) -> u32 {
    N32
}
pub fn f32_add(_: u32, _: u32) -> u32 {
    N32
}
pub fn f32_sub(_: u32, _: u32) -> u32 {
    N32
}
pub fn f32_mul(_: u32, _: u32) -> u32 {
    N32
}
pub fn f32_div(_: u32, _: u32) -> u32 {
    N32
}
pub fn f32_min(_: u32, _: u32) -> u32 {
    N32
}
pub fn f32_max(_: u32, _: u32) -> u32 {
    N32
}
pub fn f64_ceil(_: u64) -> u64 {
    N64
}
pub fn f64_floor(_: u64) -> u64 {
    N64
}
pub fn f64_trunc(_: u64) -> u64 {
    N64
}
pub fn f64_nearest(_: u64) -> u64 {
    N64
}
pub fn f64_sqrt(_: u64) -> u64 {
    N64
}
pub fn f64_add(_: u64, _: u64) -> u64 {
    N64
}
pub fn f64_sub(_: u64, _: u64) -> u64 {
    N64
}
pub fn f64_mul(_: u64, _: u64) -> u64 {
    N64
}
pub fn f64_div(_: u64, _: u64) -> u64 {
    N64
}
pub fn f64_min(_: u64, _: u64) -> u64 {
    N64
}
pub fn f64_max(_: u64, _: u64) -> u64 {
    N64
}
pub fn f32_eq(a: u32, b: u32) -> bool {
    a == b
}
pub fn f32_ne(a: u32, b: u32) -> bool {
    a != b
}
pub fn f32_lt(_: u32, _: u32) -> bool {
    false
}
pub fn f32_gt(_: u32, _: u32) -> bool {
    false
}
pub fn f32_le(_: u32, _: u32) -> bool {
    false
}
pub fn f32_ge(_: u32, _: u32) -> bool {
    false
}
pub fn f64_eq(a: u64, b: u64) -> bool {
    a == b
}
pub fn f64_ne(a: u64, b: u64) -> bool {
    a != b
}
pub fn f64_lt(_: u64, _: u64) -> bool {
    false
}
pub fn f64_gt(_: u64, _: u64) -> bool {
    false
}
pub fn f64_le(_: u64, _: u64) -> bool {
    false
}
pub fn f64_ge(_: u64, _: u64) -> bool {
    false
}
pub fn i32_trunc_f32_s(_: u32) -> Result<i32, FloatToIntError> {
    Err(FloatToIntError::NaN)
}
pub fn i32_trunc_f32_u(_: u32) -> Result<u32, FloatToIntError> {
    Err(FloatToIntError::NaN)
}
pub fn i32_trunc_f64_s(_: u64) -> Result<i32, FloatToIntError> {
    Err(FloatToIntError::NaN)
}
pub fn i32_trunc_f64_u(_: u64) -> Result<u32, FloatToIntError> {
    Err(FloatToIntError::NaN)
}
pub fn i64_trunc_f32_s(_: u32) -> Result<i64, FloatToIntError> {
    Err(FloatToIntError::NaN)
}
pub fn i64_trunc_f32_u(_: u32) -> Result<u64, FloatToIntError> {
    Err(FloatToIntError::NaN)
}
pub fn i64_trunc_f64_s(_: u64) -> Result<i64, FloatToIntError> {
    Err(FloatToIntError::NaN)
}
pub fn i64_trunc_f64_u(_: u64) -> Result<u64, FloatToIntError> {
    Err(FloatToIntError::NaN)
}
pub fn i32_trunc_sat_f32_s(_: u32) -> i32 {
    0
}
pub fn i32_trunc_sat_f32_u(_: u32) -> u32 {
    0
}
pub fn i32_trunc_sat_f64_s(_: u64) -> i32 {
    0
}
pub fn i32_trunc_sat_f64_u(_: u64) -> u32 {
    0
}
pub fn i64_trunc_sat_f32_s(_: u32) -> i64 {
    0
}
pub fn i64_trunc_sat_f32_u(_: u32) -> u64 {
    0
}
pub fn i64_trunc_sat_f64_s(_: u64) -> i64 {
    0
}
pub fn i64_trunc_sat_f64_u(_: u64) -> u64 {
    0
}
pub fn f32_convert_i32_s(_: i32) -> u32 {
    N32
}
pub fn f32_convert_i32_u(_: u32) -> u32 {
    N32
}
pub fn f32_convert_i64_s(_: i64) -> u32 {
    N32
}
pub fn f32_convert_i64_u(_: u64) -> u32 {
    N32
}
pub fn f64_convert_i32_s(_: i32) -> u64 {
    N64
}
pub fn f64_convert_i32_u(_: u32) -> u64 {
    N64
}
pub fn f64_convert_i64_s(_: i64) -> u64 {
    N64
}
pub fn f64_convert_i64_u(_: u64) -> u64 {
    N64
}
pub fn f32_demote_f64(_: u64) -> u32 {
    N32
}
pub fn f64_promote_f32(_: u32) -> u64 {
    N64
}

//! Integer-only IEEE-754 binary32/binary64 arithmetic with exact WebAssembly semantics.
//!
//! Floats are passed and returned as their raw bits (`u32` for f32, `u64` for f64); no
//! floating-point type or instruction is used anywhere, so this runs inside the kernel where the
//! FPU must not be touched.
//!
//! Semantics (WebAssembly 2.0 numerics):
//! * every operation rounds to nearest, ties to even; subnormals are fully supported (no flush);
//! * NaN results: if an operand is a NaN, that NaN is returned with its quiet bit set (for binary
//!   operations the first NaN operand wins); a NaN produced from non-NaN operands (`inf - inf`,
//!   `0 * inf`, `0 / 0`, `inf / inf`, `sqrt(-x)`) is the canonical NaN with positive sign.
//!   This satisfies Wasm's `nan:canonical` / `nan:arithmetic` result rules;
//! * `neg`, `abs` and `copysign` are pure bit operations and never touch NaN payloads;
//! * `min`/`max` return a NaN if either operand is a NaN and order `-0 < +0`;
//! * `ceil`/`floor`/`trunc`/`nearest` keep the sign of zero results;
//! * float -> int truncations report [`FloatToIntError`]; the `_sat` variants saturate and map NaN
//!   to 0.
//!
//! Performance: `add`/`sub`/`mul` are `#[inline]` fast paths for the common case (normal
//! operands, normal result) with a single exponent-range check, branch-free operand ordering and
//! add/subtract selection, and a round-to-nearest-even step on a `u64` significand that lets the
//! significand carry into the exponent; anything else falls through to the general out-of-line
//! code (`*_slow`), which is the original implementation (plus an early exit for a zero operand
//! of `add`/`sub`). The fast paths avoid sticky bits where they cannot matter: binary32 works
//! in `u64` where the exact aligned sum or product fits; binary64 `add` jams only when the
//! alignment shift exceeds the 10 free low bits, and binary64 `mul` lets round bits other than
//! exactly one half decide alone (exactly half goes to the general code). `div` has the same
//! kind of fast path (normal operands and result, general code in `div_slow`). `min`/`max`
//! compare an order-preserving integer key.
//!
//! Algorithms follow Berkeley SoftFloat 3 (round/pack, add/sub/mul/div structure). `f64`
//! division and both square roots use table-seeded Newton iterations for `1/b` / `1/sqrt(x)`
//! (multiplications only) followed by an exact integer fix-up, so no `u128` division (a
//! panicking compiler intrinsic in the kernel) is ever used; `f32` division uses one native
//! `u64` division, and the `f32` square root a `u64`-only version of the `f64` one.

#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::float_arithmetic
)]

/// Error returned by the trapping float -> integer truncations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloatToIntError {
    /// The operand was a NaN ("invalid conversion to integer").
    NaN,
    /// The truncated value does not fit the target type ("integer overflow").
    Overflow,
}

/// Magnitude of a float truncated toward zero, shared by all float -> int conversions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TruncMag {
    /// The operand was a NaN.
    NaN,
    /// `|trunc(x)| == mag`, `neg` is the sign bit of `x`.
    Val { neg: bool, mag: u64 },
    /// `|trunc(x)| >= 2^64` (including infinities).
    Big { neg: bool },
}

/// Rounding direction for the round-to-integral operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IntMode {
    Nearest,
    Trunc,
    Floor,
    Ceil,
}

/// Shifts `x` right by `n`, returning 0 when `n >= 64` (no panic, no masking).
#[inline]
fn shr64(x: u64, n: u32) -> u64 {
    x.checked_shr(n).unwrap_or(0)
}

/// Shifts `x` left by `n`, returning 0 when `n >= 64` (no panic, no masking).
#[inline]
fn shl64(x: u64, n: u32) -> u64 {
    x.checked_shl(n).unwrap_or(0)
}

/// Full 64x64 -> 128 bit product (a single widening multiply).
#[inline]
fn mul_wide(a: u64, b: u64) -> u128 {
    u128::from(a).wrapping_mul(u128::from(b))
}

/// `((a as u64) << shift) / b` for the f32 divider; returns `(quotient, inexact)`.
#[inline]
fn div_f32_sig(a: u32, b: u32, shift: u32) -> (u32, bool) {
    let n = shl64(u64::from(a), shift);
    let b = u64::from(b);
    let q = n.checked_div(b).unwrap_or(0);
    (q as u32, n != q.wrapping_mul(b))
}

/// Bits of `y = b / 2^52` (after the leading one) indexing the reciprocal table.
const RECIP_INDEX_BITS: u32 = 7;
/// Table entries: `y` in `[1, 2)` in steps of `2^-RECIP_INDEX_BITS`.
const RECIP_LEN: usize = 1 << RECIP_INDEX_BITS;

/// Entry `i`: `1/y_mid` in Q16 (`y_mid` the midpoint of the i-th interval of `[1, 2)`).
const fn build_recip_tab() -> [u16; RECIP_LEN] {
    let mut t = [0u16; RECIP_LEN];
    let mut i: u64 = 0;
    let mut rest: &mut [u16] = &mut t;
    while let Some((slot, tail)) = rest.split_first_mut() {
        // y_mid = (2 (2^B + i) + 1) / 2^(B + 1); 2^16 / y_mid = 2^(17 + B) / (2^(B+1) + 2i + 1).
        let den = i
            .wrapping_mul(2)
            .wrapping_add(1 << (RECIP_INDEX_BITS + 1))
            .wrapping_add(1);
        let num: u64 = 1 << (17 + RECIP_INDEX_BITS);
        *slot = match num.checked_div(den) {
            Some(q) => q as u16,
            None => 0,
        };
        rest = tail;
        i = i.wrapping_add(1);
    }
    t
}

static RECIP_TAB: [u16; RECIP_LEN] = build_recip_tab();

/// `((a as u128) << shift) / b` for the f64 divider; returns `(quotient, inexact)`.
/// Requires `a`, `b` in `[2^52, 2^53)`, `shift` in `{62, 63}` with `a < b` when `shift == 63`
/// (so the quotient is below `2^63`).
///
/// Table-seeded Newton iteration for `1/b` in Q63 (multiplications only), a quotient estimate,
/// then an exact integer fix-up against the true remainder: no `u128` division anywhere.
#[inline(always)]
fn div_f64_sig(a: u64, b: u64, shift: u32) -> (u64, bool) {
    let idx = shr64(b, 52 - RECIP_INDEX_BITS).wrapping_sub(1 << RECIP_INDEX_BITS) as usize;
    let r16 = RECIP_TAB.get(idx).copied().unwrap_or(1 << 15);
    // r: 1/y in Q63 (y = b / 2^52 in [1, 2), r in (1/2, 1]).
    let mut r = u64::from(r16) << 47;
    let mut k: u32 = 0;
    while k < 3 {
        let e = (mul_wide(b, r) >> 52) as u64; // y r, Q63 (close to 1)
        let u = e.wrapping_neg(); // 2 - y r, Q63 (close to 1)
        r = (mul_wide(r, u) >> 63) as u64; // r (2 - y r), Q63
        k = k.wrapping_add(1);
    }
    // q = a 2^shift / b = a r 2^(shift - 115).
    let n = u128::from(a).checked_shl(shift).unwrap_or(0);
    let mut q = mul_wide(a, r)
        .checked_shr(115u32.wrapping_sub(shift))
        .unwrap_or(0) as u64;
    // Exact correction (the estimate is measured to be within 2 units; allow 8).
    let mut k: u32 = 0;
    while k < 8 && mul_wide(q, b) > n {
        q = q.wrapping_sub(1);
        k = k.wrapping_add(1);
    }
    let mut rem = n.wrapping_sub(mul_wide(q, b));
    let b128 = u128::from(b);
    let mut k: u32 = 0;
    while k < 8 && rem >= b128 {
        q = q.wrapping_add(1);
        rem = rem.wrapping_sub(b128);
        k = k.wrapping_add(1);
    }
    (q, rem != 0)
}

/// Bits of `x = m / 2^52` (beyond the leading ones) used to index the reciprocal-sqrt table.
const RSQRT_INDEX_BITS: u32 = 6;
/// Table entries: `x` in `[1, 4)` in steps of `2^-RSQRT_INDEX_BITS`.
const RSQRT_LEN: usize = 3 << RSQRT_INDEX_BITS;

/// `floor(sqrt(n))`, compile-time only (used to build [`RSQRT_TAB`]).
const fn isqrt_const(n: u64) -> u64 {
    let mut x = n;
    let mut res: u64 = 0;
    let mut bit: u64 = 1 << 62;
    while bit > n {
        bit >>= 2;
    }
    while bit != 0 {
        let t = res.wrapping_add(bit);
        if x >= t {
            x = x.wrapping_sub(t);
            res = (res >> 1).wrapping_add(bit);
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    res
}

/// Entry `i`: `1/sqrt(x_mid)` in Q16 where `x_mid = (2j + 1) / 2^(RSQRT_INDEX_BITS + 1)`,
/// `j = i + 2^RSQRT_INDEX_BITS` (the midpoint of the i-th interval of `[1, 4)`).
const fn build_rsqrt_tab() -> [u16; RSQRT_LEN] {
    let mut t = [0u16; RSQRT_LEN];
    let mut i: u64 = 0;
    let mut rest: &mut [u16] = &mut t;
    while let Some((slot, tail)) = rest.split_first_mut() {
        let j = i.wrapping_add(1 << RSQRT_INDEX_BITS);
        let den = j.wrapping_mul(2).wrapping_add(1);
        let num: u64 = 1 << (32 + RSQRT_INDEX_BITS + 1);
        let q = match num.checked_div(den) {
            Some(q) => q,
            None => 0,
        };
        *slot = isqrt_const(q) as u16;
        rest = tail;
        i = i.wrapping_add(1);
    }
    t
}

static RSQRT_TAB: [u16; RSQRT_LEN] = build_rsqrt_tab();

/// `floor(sqrt(m * 2^54))` for `m` in `[2^52, 2^54)` (result in `[2^53, 2^54)`).
///
/// Table-seeded Newton iteration for `1/sqrt(x)` in Q62 fixed point (multiplications only,
/// ~60 correct bits after three steps), `sqrt(x) = x * (1/sqrt(x))`, then an exact
/// integer fix-up against `m * 2^54` so the result is the exact floor whatever the
/// approximation error.
#[inline]
fn sqrt_sig(m: u64) -> u64 {
    const THREE_Q62: u64 = 3 << 62;
    let idx = shr64(m, 52 - RSQRT_INDEX_BITS).wrapping_sub(1 << RSQRT_INDEX_BITS) as usize;
    let r16 = RSQRT_TAB.get(idx).copied().unwrap_or(1 << 15);
    // r: 1/sqrt(x) in Q62 (x = m / 2^52 in [1, 4), r in (1/2, 1]).
    let mut r = u64::from(r16) << 46;
    let mut k: u32 = 0;
    while k < 3 {
        let r2 = (mul_wide(r, r) >> 62) as u64; // r^2, Q62
        let t = (mul_wide(m, r2) >> 52) as u64; // x r^2, Q62 (close to 1)
        let u = THREE_Q62.wrapping_sub(t); // 3 - x r^2, Q62 (close to 2)
        r = (mul_wide(r, u) >> 63) as u64; // r (3 - x r^2) / 2, Q62
        k = k.wrapping_add(1);
    }
    // sqrt(x) * 2^53 = x r 2^53 = m r / 2^61.
    let mut q = (mul_wide(m, r) >> 61) as u64;
    let n = u128::from(m) << 54;
    // Exact correction (the estimate is measured to be within 1 unit; allow 8).
    let mut k: u32 = 0;
    while k < 8 && mul_wide(q, q) > n {
        q = q.wrapping_sub(1);
        k = k.wrapping_add(1);
    }
    let mut k: u32 = 0;
    while k < 8 && {
        let q1 = q.wrapping_add(1);
        mul_wide(q1, q1) <= n
    } {
        q = q.wrapping_add(1);
        k = k.wrapping_add(1);
    }
    q
}

/// `floor(sqrt(m * 2^25))` for `m` in `[2^23, 2^25)` (result in `[2^24, 2^25)`).
///
/// Same scheme as [`sqrt_sig`] with `u64` arithmetic only: table seed, two Newton steps for
/// `1/sqrt(x)` in Q31 (~30 correct bits), `sqrt(x) = x * (1/sqrt(x))`, then an exact integer
/// fix-up against `m * 2^25`. Every significand is checked against the host's `sqrt` by the
/// `f32_sqrt_all_significands` test.
#[inline]
fn sqrt_sig_f32(m: u32) -> u32 {
    const THREE_Q31: u64 = 3 << 31;
    let m = u64::from(m);
    // x = m / 2^23 in [1, 4): the table is indexed like sqrt_sig's (x = m' / 2^52, m' = m 2^29).
    let idx = shr64(m, 23 - RSQRT_INDEX_BITS).wrapping_sub(1 << RSQRT_INDEX_BITS) as usize;
    let r16 = RSQRT_TAB.get(idx).copied().unwrap_or(1 << 15);
    // r: 1/sqrt(x) in Q31, r <= 2^31.
    let mut r = u64::from(r16) << 15;
    let mut k: u32 = 0;
    while k < 2 {
        let r2 = r.wrapping_mul(r) >> 31; // r^2, Q31 (r^2 < 2^62)
        let t = m.wrapping_mul(r2) >> 23; // x r^2, Q31 (close to 1; m r2 < 2^57)
        let u = THREE_Q31.wrapping_sub(t); // 3 - x r^2, Q31 (close to 2)
        r = r.wrapping_mul(u) >> 32; // r (3 - x r^2) / 2, Q31 (r u < 2^64)
        k = k.wrapping_add(1);
    }
    // sqrt(x) * 2^24 = x r 2^24 = m r / 2^30.
    let mut q = m.wrapping_mul(r) >> 30;
    let n = m << 25;
    // Exact correction (the estimate is within 1 unit for every m; allow 8).
    let mut k: u32 = 0;
    while k < 8 && q.wrapping_mul(q) > n {
        q = q.wrapping_sub(1);
        k = k.wrapping_add(1);
    }
    let mut k: u32 = 0;
    while k < 8 && {
        let q1 = q.wrapping_add(1);
        q1.wrapping_mul(q1) <= n
    } {
        q = q.wrapping_add(1);
        k = k.wrapping_add(1);
    }
    q as u32
}

macro_rules! impl_float {
    (
        uint = $U:ty,
        wide = $W:ty,
        bits = $BITS:expr,
        sig_bits = $SIG:expr,
        exp_max = $EXPMAX:expr,
        div = $div:path,
        sqrt_sig = $sqrt_sig:path $(,)?
    ) => {
        use super::{IntMode, TruncMag};

        /// Total width in bits.
        pub(super) const BITS: u32 = $BITS;
        /// Explicit fraction bits.
        pub(super) const SIG_BITS: u32 = $SIG;
        /// Biased exponent of infinities/NaNs.
        pub(super) const EXP_MAX: i32 = $EXPMAX;
        /// Exponent bias.
        pub(super) const BIAS: i32 = EXP_MAX >> 1;
        /// Number of exponent bits.
        const EXP_BITS: u32 = BITS - 1 - SIG_BITS;
        pub(super) const SIGN: $U = 1 << (BITS - 1);
        pub(super) const FRAC_MASK: $U = (1 << SIG_BITS) - 1;
        const HIDDEN: $U = 1 << SIG_BITS;
        pub(super) const EXP_MASK: $U = !SIGN & !FRAC_MASK;
        pub(super) const QUIET: $U = 1 << (SIG_BITS - 1);
        /// The canonical NaN (positive, only the quiet bit set).
        pub(super) const CANON_NAN: $U = EXP_MASK | QUIET;
        /// Extra low bits kept below the result's lsb by `round_pack` (hidden bit at BITS-2).
        const ROUND_BITS: u32 = BITS - 2 - SIG_BITS;
        const ROUND_MASK: $U = (1 << ROUND_BITS) - 1;
        const ROUND_HALF: $U = 1 << (ROUND_BITS - 1);
        /// Hidden bit in `round_pack` position.
        const TOP: $U = 1 << (BITS - 2);
        const ONE: $U = (BIAS as $U) << SIG_BITS;

        #[inline]
        fn shr(x: $U, n: u32) -> $U {
            x.checked_shr(n).unwrap_or(0)
        }

        #[inline]
        fn shl(x: $U, n: u32) -> $U {
            x.checked_shl(n).unwrap_or(0)
        }

        #[inline]
        pub(super) fn sign_of(a: $U) -> bool {
            a & SIGN != 0
        }

        #[inline]
        pub(super) fn exp_of(a: $U) -> i32 {
            (shr(a, SIG_BITS) as i32) & EXP_MAX
        }

        #[inline]
        pub(super) fn is_nan(a: $U) -> bool {
            a & !SIGN > EXP_MASK
        }

        #[inline]
        fn propagate(a: $U, b: $U) -> $U {
            if is_nan(a) {
                a | QUIET
            } else {
                b | QUIET
            }
        }

        /// Packs without rounding; `sig` may carry into the exponent field (by design).
        #[inline]
        pub(super) fn pack(sign: bool, exp: i32, sig: $U) -> $U {
            let s = if sign { SIGN } else { 0 };
            s.wrapping_add(shl(exp as $U, SIG_BITS)).wrapping_add(sig)
        }

        /// `x >> dist` with every shifted-out 1 bit ORed into the lsb ("jamming").
        #[inline]
        fn shift_right_jam(a: $U, dist: u32) -> $U {
            if dist == 0 {
                a
            } else if dist < BITS {
                shr(a, dist) | <$U>::from(shl(a, BITS.wrapping_sub(dist)) != 0)
            } else {
                <$U>::from(a != 0)
            }
        }

        /// Rounds and packs. `sig` has its leading 1 at bit `BITS-2` for a normal result and the
        /// value is `sig * 2^(exp + 1 - BIAS - (BITS-2))`. Handles overflow and underflow.
        #[inline]
        pub(super) fn round_pack(sign: bool, exp: i32, sig: $U) -> $U {
            let mut exp = exp;
            let mut sig = sig;
            let mut round_bits = sig & ROUND_MASK;
            if (exp as u32) >= (EXP_MAX.wrapping_sub(2) as u32) {
                if exp < 0 {
                    sig = shift_right_jam(sig, exp.unsigned_abs());
                    exp = 0;
                    round_bits = sig & ROUND_MASK;
                } else if exp > EXP_MAX.wrapping_sub(2) || sig.wrapping_add(ROUND_HALF) >= SIGN {
                    return pack(sign, EXP_MAX, 0);
                }
            }
            sig = shr(sig.wrapping_add(ROUND_HALF), ROUND_BITS);
            if round_bits == ROUND_HALF {
                sig &= !1;
            }
            if sig == 0 {
                exp = 0;
            }
            pack(sign, exp, sig)
        }

        /// Like `round_pack`, but `sig` need not be normalized (leading 1 anywhere below bit
        /// `BITS-1`).
        #[inline]
        fn norm_round_pack(sign: bool, exp: i32, sig: $U) -> $U {
            let shift = sig.leading_zeros().wrapping_sub(1);
            let exp = exp.wrapping_sub(shift as i32);
            if shift >= ROUND_BITS && (exp as u32) < (EXP_MAX.wrapping_sub(2) as u32) {
                pack(
                    sign,
                    if sig != 0 { exp } else { 0 },
                    shl(sig, shift.wrapping_sub(ROUND_BITS)),
                )
            } else {
                round_pack(sign, exp, shl(sig, shift))
            }
        }

        /// Normalizes a nonzero subnormal fraction: returns `(exp, sig)` with the hidden bit set.
        #[inline]
        fn norm_subnormal(sig: $U) -> (i32, $U) {
            let shift = sig.leading_zeros().wrapping_sub(EXP_BITS);
            (1i32.wrapping_sub(shift as i32), shl(sig, shift))
        }

        fn add_mags(a: $U, b: $U, sign_z: bool) -> $U {
            let exp_a = exp_of(a);
            let sig_a = a & FRAC_MASK;
            let exp_b = exp_of(b);
            let sig_b = b & FRAC_MASK;
            let exp_diff = exp_a.wrapping_sub(exp_b);
            let mut exp_z;
            let mut sig_z;
            if exp_diff == 0 {
                if exp_a == 0 {
                    // Both subnormal (or zero): exact, a carry lands in the exponent.
                    return a.wrapping_add(sig_b);
                }
                if exp_a == EXP_MAX {
                    return a;
                }
                exp_z = exp_a;
                sig_z = (HIDDEN << 1).wrapping_add(sig_a).wrapping_add(sig_b);
                if sig_z & 1 == 0 && exp_z < EXP_MAX.wrapping_sub(1) {
                    return pack(sign_z, exp_z, sig_z >> 1);
                }
                sig_z = shl(sig_z, ROUND_BITS.wrapping_sub(1));
            } else {
                let mut sa = shl(sig_a, ROUND_BITS.wrapping_sub(1));
                let mut sb = shl(sig_b, ROUND_BITS.wrapping_sub(1));
                const H: $U = HIDDEN << (ROUND_BITS - 1);
                if exp_diff < 0 {
                    if exp_b == EXP_MAX {
                        return pack(sign_z, EXP_MAX, 0);
                    }
                    exp_z = exp_b;
                    sa = sa.wrapping_add(if exp_a != 0 { H } else { sa });
                    sa = shift_right_jam(sa, exp_diff.unsigned_abs());
                } else {
                    if exp_a == EXP_MAX {
                        return a;
                    }
                    exp_z = exp_a;
                    sb = sb.wrapping_add(if exp_b != 0 { H } else { sb });
                    sb = shift_right_jam(sb, exp_diff.unsigned_abs());
                }
                sig_z = H.wrapping_add(sa).wrapping_add(sb);
                if sig_z < TOP {
                    exp_z = exp_z.wrapping_sub(1);
                    sig_z = shl(sig_z, 1);
                }
            }
            round_pack(sign_z, exp_z, sig_z)
        }

        fn sub_mags(a: $U, b: $U, sign_z: bool) -> $U {
            let exp_a = exp_of(a);
            let sig_a = a & FRAC_MASK;
            let exp_b = exp_of(b);
            let sig_b = b & FRAC_MASK;
            let exp_diff = exp_a.wrapping_sub(exp_b);
            if exp_diff == 0 {
                if exp_a == EXP_MAX {
                    return CANON_NAN;
                }
                if sig_a == sig_b {
                    return 0;
                }
                let exp_a = if exp_a != 0 { exp_a.wrapping_sub(1) } else { 0 };
                let (sign_z, sig_diff) = if sig_a < sig_b {
                    (!sign_z, sig_b.wrapping_sub(sig_a))
                } else {
                    (sign_z, sig_a.wrapping_sub(sig_b))
                };
                let mut shift = sig_diff.leading_zeros().wrapping_sub(EXP_BITS);
                let mut exp_z = exp_a.wrapping_sub(shift as i32);
                if exp_z < 0 {
                    shift = exp_a as u32;
                    exp_z = 0;
                }
                return pack(sign_z, exp_z, shl(sig_diff, shift));
            }
            let sa = shl(sig_a, ROUND_BITS);
            let sb = shl(sig_b, ROUND_BITS);
            const H: $U = HIDDEN << ROUND_BITS;
            let (sign_z, exp_z, sig_x, sig_y) = if exp_diff < 0 {
                if exp_b == EXP_MAX {
                    return pack(!sign_z, EXP_MAX, 0);
                }
                (
                    !sign_z,
                    exp_b.wrapping_sub(1),
                    sb | H,
                    sa.wrapping_add(if exp_a != 0 { H } else { sa }),
                )
            } else {
                if exp_a == EXP_MAX {
                    return a;
                }
                (
                    sign_z,
                    exp_a.wrapping_sub(1),
                    sa | H,
                    sb.wrapping_add(if exp_b != 0 { H } else { sb }),
                )
            };
            norm_round_pack(
                sign_z,
                exp_z,
                sig_x.wrapping_sub(shift_right_jam(sig_y, exp_diff.unsigned_abs())),
            )
        }

        /// Right shift from a significand with its leading one at bit `BITS-1` to the result lsb.
        const NORM_SHIFT: u32 = BITS - 1 - SIG_BITS;
        const NORM_MASK: $U = (1 << NORM_SHIFT) - 1;
        const NORM_HALF: $U = 1 << (NORM_SHIFT - 1);

        /// `1..=EXP_MAX-1` (a normal number's biased exponent).
        #[inline(always)]
        fn exp_normal(e: i32) -> bool {
            (e.wrapping_sub(1) as u32) < (EXP_MAX.wrapping_sub(1) as u32)
        }

        /// Bits of the `u64` working type of the `add`/`mul` fast paths.
        const WBITS: u32 = 64;
        /// Zero bits below a significand placed with its hidden bit at `WBITS-2` in a `u64`.
        const ALIGN_ROOM: u32 = WBITS - 2 - SIG_BITS;
        /// Whether an alignment shift in the `add` fast path can drop nonzero bits that must be
        /// jammed into a sticky bit. Not for binary32: in a `u64` there are 39 zero bits below
        /// the significand, so a shift up to 39 is exact, and an operand aligned further is
        /// below a quarter of the result's ulp either way (shifting it by only 39 keeps it
        /// nonzero and still below a quarter ulp: `SIG_BITS + 3 <= ALIGN_ROOM`), so the
        /// rounded result is the same. binary64 has only 10 zero bits and needs the jam.
        const ADD_JAM: bool = ALIGN_ROOM < SIG_BITS + 3;
        /// Right shift from a `u64` significand with its leading one at bit 63 to the result lsb.
        const WNORM_SHIFT: u32 = WBITS - 1 - SIG_BITS;
        const WNORM_MASK: u64 = (1 << WNORM_SHIFT) - 1;
        const WNORM_HALF: u64 = 1 << (WNORM_SHIFT - 1);

        /// Fast-path round and pack: `sig` has its leading one at bit 63 (lower bits are round
        /// bits, and nothing nonzero lies below them), `exp` is the result's biased exponent
        /// and must be in `1..=EXP_MAX-1`, `sign` is the sign bit in place. Rounds to nearest
        /// even; a carry out of the significand bumps the exponent (up to infinity, which is the
        /// correct RNE overflow result).
        #[inline(always)]
        fn round_pack_normal_w(sign: $U, exp: i32, sig: u64) -> $U {
            let m = sig >> WNORM_SHIFT;
            // Round up iff the round bits exceed half, or equal half and m is odd.
            let up = (sig & WNORM_MASK)
                .wrapping_add(WNORM_HALF - 1)
                .wrapping_add(m & 1)
                >> WNORM_SHIFT;
            sign | ((exp.wrapping_sub(1) as $U) << SIG_BITS)
                .wrapping_add(m as $U)
                .wrapping_add(up as $U)
        }

        /// `a + b` when both operands are normal and the result is normal (or an exact zero);
        /// `None` otherwise (NaN, infinity, zero or subnormal operand, subnormal or overflowing
        /// result). Branch-free apart from the path checks: which operand is larger and whether
        /// the signs differ are often unpredictable (a branchy variant measured slower in the
        /// interpreter, and a variant preparing both operands before ordering them was
        /// lower-latency but slower there too: more instructions). Works in `u64` for both
        /// widths, which lets binary32 skip the sticky bit (see [`ADD_JAM`]).
        #[inline(always)]
        fn add_fast(a: $U, b: $U) -> Option<$U> {
            let ma = a & !SIGN;
            let mb = b & !SIGN;
            // x: the operand of larger magnitude (its sign is the result's sign).
            let (x, y, sign) = if ma < mb {
                (mb, ma, b & SIGN)
            } else {
                (ma, mb, a & SIGN)
            };
            let ex = (x >> SIG_BITS) as i32;
            let ey = (y >> SIG_BITS) as i32;
            // ex >= ey, so this also rejects NaN/infinity (largest magnitudes) and zero/subnormal.
            if ey == 0 || ex == EXP_MAX {
                return None;
            }
            // Significands with the hidden bit at 62 (room for a carry): the fraction shifted
            // up to the top (dropping the exponent), back down by 2, hidden bit set.
            const WTOP: u64 = 1 << (WBITS - 2);
            let sx = ((u64::from(x) << (WBITS - SIG_BITS)) >> 2) | WTOP;
            let sy = ((u64::from(y) << (WBITS - SIG_BITS)) >> 2) | WTOP;
            let diff = ex.wrapping_sub(ey) as u32;
            let sy = if ADD_JAM {
                if diff <= ALIGN_ROOM {
                    // The usual case (close exponents): the shift drops only zero bits.
                    super::shr64(sy, diff)
                } else {
                    // Align y, jamming shifted-out bits (a shift of 63 leaves only the sticky
                    // bit); nonzero bits are lost iff y has fewer than d trailing zeros.
                    let d = diff.min(WBITS - 1);
                    super::shr64(sy, d) | u64::from(sy.trailing_zeros() < d)
                }
            } else {
                // Exact up to ALIGN_ROOM; further only the nonzero-ness of y matters.
                super::shr64(sy, diff.min(ALIGN_ROOM))
            };
            // Effective subtraction when the signs differ: x - y (never negative).
            let neg = u64::from((a ^ b) & SIGN != 0).wrapping_neg();
            let s = sx.wrapping_add((sy ^ neg).wrapping_sub(neg));
            if s == 0 {
                return Some(0);
            }
            let lz = s.leading_zeros();
            let e = ex.wrapping_add(1).wrapping_sub(lz as i32);
            if !exp_normal(e) {
                return None;
            }
            Some(round_pack_normal_w(sign, e, super::shl64(s, lz)))
        }

        /// `a + b`.
        #[inline(always)]
        pub fn add(a: $U, b: $U) -> $U {
            match add_fast(a, b) {
                Some(z) => z,
                None => add_slow(a, b),
            }
        }

        /// `a - b`.
        #[inline(always)]
        pub fn sub(a: $U, b: $U) -> $U {
            match add_fast(a, b ^ SIGN) {
                Some(z) => z,
                None => sub_slow(a, b),
            }
        }

        /// `a * b`.
        #[inline(always)]
        pub fn mul(a: $U, b: $U) -> $U {
            // Both operands normal? Adding HIDDEN to the bits increments the exponent field
            // (carrying into the sign bit from all ones), so the field is a normal one iff the
            // incremented field is not 0 or 1, i.e. has a bit set above its lowest. (Fewer
            // instructions than extracting and range-checking both exponents.)
            const ABOVE_LOWEST: $U = EXP_MASK - HIDDEN;
            let normal = (a.wrapping_add(HIDDEN) & ABOVE_LOWEST != 0)
                && (b.wrapping_add(HIDDEN) & ABOVE_LOWEST != 0);
            // Sum of the biased exponents; both fields are at most `(EXP_MAX-1) << SIG_BITS`
            // when it is used, so the in-place sum does not overflow.
            let esum = ((a & EXP_MASK).wrapping_add(b & EXP_MASK) >> SIG_BITS) as i32;
            if normal {
                // Significands with the leading one at BITS-1: the product's top half has its
                // leading one at BITS-1 or BITS-2.
                let sa = ((a & FRAC_MASK) | HIDDEN) << NORM_SHIFT;
                let sb = ((b & FRAC_MASK) | HIDDEN) << NORM_SHIFT;
                let prod = <$W>::from(sa).wrapping_mul(<$W>::from(sb));
                let e = esum.wrapping_sub(BIAS);
                if BITS * 2 <= WBITS {
                    // binary32: the exact product is a u64, so it is rounded whole (no sticky).
                    // Normalized by a shift of `top ^ 1` (LLVM tests the top bit twice for the
                    // if/else form used for binary64 below).
                    let p = prod as u64;
                    let top = (p >> (WBITS - 1)) as u32;
                    let p = p << (top ^ 1);
                    let e = e.wrapping_add(top as i32);
                    if exp_normal(e) {
                        return round_pack_normal_w((a ^ b) & SIGN, e, p);
                    }
                    return mul_slow(a, b);
                }
                // binary64: only the top half is rounded. (The normalizing shift drops the low
                // half's top bit, which only the exact-half case below would need.)
                let hi = (prod >> BITS) as $U;
                let (hi, e) = if hi >> (BITS - 1) != 0 {
                    (hi, e.wrapping_add(1))
                } else {
                    (hi << 1, e)
                };
                // The low half only decides between a tie and a round-up when the round bits
                // are exactly one half; otherwise they decide alone (below half: down, above:
                // up), so no sticky bit is computed. The exact-half case (about 1 in 2^11 for
                // inexact products) takes the general path.
                let round = hi & NORM_MASK;
                if exp_normal(e) && round != NORM_HALF {
                    let up = round.wrapping_add(NORM_HALF - 1) >> NORM_SHIFT;
                    return ((a ^ b) & SIGN)
                        | ((e.wrapping_sub(1) as $U) << SIG_BITS)
                            .wrapping_add(hi >> NORM_SHIFT)
                            .wrapping_add(up);
                }
            }
            mul_slow(a, b)
        }

        /// `a + b`, general case.
        #[inline(never)]
        fn add_slow(a: $U, b: $U) -> $U {
            if is_nan(a) || is_nan(b) {
                return propagate(a, b);
            }
            // A zero operand (sums usually start at 0): the other operand is the exact result;
            // two zeros give -0 only if both are -0 (round to nearest).
            if a & !SIGN == 0 {
                return if b & !SIGN == 0 { a & b } else { b };
            }
            if b & !SIGN == 0 {
                return a;
            }
            let sa = sign_of(a);
            if sa == sign_of(b) {
                add_mags(a, b, sa)
            } else {
                sub_mags(a, b, sa)
            }
        }

        /// `a - b`, general case.
        #[inline(never)]
        fn sub_slow(a: $U, b: $U) -> $U {
            if is_nan(a) || is_nan(b) {
                return propagate(a, b);
            }
            // A zero operand: as in `add_slow` with `b` negated.
            if a & !SIGN == 0 {
                let nb = b ^ SIGN;
                return if b & !SIGN == 0 { a & nb } else { nb };
            }
            if b & !SIGN == 0 {
                return a;
            }
            let sa = sign_of(a);
            if sa == sign_of(b) {
                sub_mags(a, b, sa)
            } else {
                add_mags(a, b, sa)
            }
        }

        /// `a * b`, general case.
        #[inline(never)]
        fn mul_slow(a: $U, b: $U) -> $U {
            if is_nan(a) || is_nan(b) {
                return propagate(a, b);
            }
            let sign_z = sign_of(a) != sign_of(b);
            let mut exp_a = exp_of(a);
            let mut sig_a = a & FRAC_MASK;
            let mut exp_b = exp_of(b);
            let mut sig_b = b & FRAC_MASK;
            if exp_a == EXP_MAX {
                if exp_b == 0 && sig_b == 0 {
                    return CANON_NAN;
                }
                return pack(sign_z, EXP_MAX, 0);
            }
            if exp_b == EXP_MAX {
                if exp_a == 0 && sig_a == 0 {
                    return CANON_NAN;
                }
                return pack(sign_z, EXP_MAX, 0);
            }
            if exp_a == 0 {
                if sig_a == 0 {
                    return pack(sign_z, 0, 0);
                }
                (exp_a, sig_a) = norm_subnormal(sig_a);
            }
            if exp_b == 0 {
                if sig_b == 0 {
                    return pack(sign_z, 0, 0);
                }
                (exp_b, sig_b) = norm_subnormal(sig_b);
            }
            let mut exp_z = exp_a.wrapping_add(exp_b).wrapping_sub(BIAS);
            let sa = shl(sig_a | HIDDEN, ROUND_BITS);
            let sb = shl(sig_b | HIDDEN, ROUND_BITS.wrapping_add(1));
            let prod = <$W>::from(sa).wrapping_mul(<$W>::from(sb));
            let hi = prod.checked_shr(BITS).unwrap_or(0) as $U;
            let lo = prod as $U;
            let mut sig_z = hi | <$U>::from(lo != 0);
            if sig_z < TOP {
                exp_z = exp_z.wrapping_sub(1);
                sig_z = shl(sig_z, 1);
            }
            round_pack(sign_z, exp_z, sig_z)
        }

        /// `a / b`.
        pub fn div(a: $U, b: $U) -> $U {
            // Fast path: normal operands and a normal result skip the special-case checks and
            // the general rounding (same significand division as below).
            let ea = exp_of(a);
            let eb = exp_of(b);
            if exp_normal(ea) & exp_normal(eb) {
                let sa = (a & FRAC_MASK) | HIDDEN;
                let sb = (b & FRAC_MASK) | HIDDEN;
                let lt = sa < sb;
                // The result's biased exponent before rounding.
                let e = ea
                    .wrapping_sub(eb)
                    .wrapping_add(BIAS)
                    .wrapping_sub(i32::from(lt));
                if exp_normal(e) {
                    let shift = if lt {
                        BITS.wrapping_sub(1)
                    } else {
                        BITS.wrapping_sub(2)
                    };
                    // q has its leading one at BITS-2; moved to bit 63 it leaves bit 0 free
                    // for the sticky (inexact) bit below all round bits.
                    let (q, inexact) = $div(sa, sb, shift);
                    let sig = (u64::from(q) << (WBITS - BITS + 1)) | u64::from(inexact);
                    return round_pack_normal_w((a ^ b) & SIGN, e, sig);
                }
            }
            div_slow(a, b)
        }

        /// `a / b`, general case.
        #[inline(never)]
        fn div_slow(a: $U, b: $U) -> $U {
            if is_nan(a) || is_nan(b) {
                return propagate(a, b);
            }
            let sign_z = sign_of(a) != sign_of(b);
            let mut exp_a = exp_of(a);
            let mut sig_a = a & FRAC_MASK;
            let mut exp_b = exp_of(b);
            let mut sig_b = b & FRAC_MASK;
            if exp_a == EXP_MAX {
                if exp_b == EXP_MAX {
                    return CANON_NAN;
                }
                return pack(sign_z, EXP_MAX, 0);
            }
            if exp_b == EXP_MAX {
                return pack(sign_z, 0, 0);
            }
            if exp_b == 0 {
                if sig_b == 0 {
                    if exp_a == 0 && sig_a == 0 {
                        return CANON_NAN;
                    }
                    return pack(sign_z, EXP_MAX, 0);
                }
                (exp_b, sig_b) = norm_subnormal(sig_b);
            }
            if exp_a == 0 {
                if sig_a == 0 {
                    return pack(sign_z, 0, 0);
                }
                (exp_a, sig_a) = norm_subnormal(sig_a);
            }
            let mut exp_z = exp_a.wrapping_sub(exp_b).wrapping_add(BIAS.wrapping_sub(1));
            sig_a |= HIDDEN;
            sig_b |= HIDDEN;
            let shift = if sig_a < sig_b {
                exp_z = exp_z.wrapping_sub(1);
                BITS.wrapping_sub(1)
            } else {
                BITS.wrapping_sub(2)
            };
            let (q, inexact) = $div(sig_a, sig_b, shift);
            round_pack(sign_z, exp_z, q | <$U>::from(inexact))
        }

        /// `sqrt(a)`.
        pub fn sqrt(a: $U) -> $U {
            if is_nan(a) {
                return a | QUIET;
            }
            if sign_of(a) {
                if a & !SIGN == 0 {
                    return a;
                }
                return CANON_NAN;
            }
            let mut exp = exp_of(a);
            let mut sig = a & FRAC_MASK;
            if exp == EXP_MAX {
                return a;
            }
            if exp == 0 {
                if sig == 0 {
                    return a;
                }
                (exp, sig) = norm_subnormal(sig);
            }
            // value = m * 2^(e - SIG_BITS) with e made even.
            let mut m = sig | HIDDEN;
            let mut e = exp.wrapping_sub(BIAS);
            if e & 1 != 0 {
                m = shl(m, 1);
                e = e.wrapping_sub(1);
            }
            // q = floor(sqrt(m * 2^(SIG_BITS + 2))): SIG_BITS + 2 bits, the last one the round bit.
            let q = $sqrt_sig(m);
            // The exact root is never a tie, so rounding up on the round bit is RNE.
            let sig_z = shr(q, 1).wrapping_add(q & 1);
            let exp_z = (e >> 1).wrapping_add(BIAS).wrapping_sub(1);
            pack(false, exp_z, sig_z)
        }

        #[inline]
        fn round_int(a: $U, mode: IntMode) -> $U {
            let exp = exp_of(a);
            let neg = sign_of(a);
            if exp < BIAS {
                if a & !SIGN == 0 {
                    return a;
                }
                let z = a & SIGN;
                return match mode {
                    IntMode::Nearest => {
                        if exp == BIAS.wrapping_sub(1) && a & FRAC_MASK != 0 {
                            z | ONE
                        } else {
                            z
                        }
                    }
                    IntMode::Trunc => z,
                    IntMode::Floor => {
                        if neg {
                            SIGN | ONE
                        } else {
                            0
                        }
                    }
                    IntMode::Ceil => {
                        if neg {
                            SIGN
                        } else {
                            ONE
                        }
                    }
                };
            }
            if exp >= BIAS.wrapping_add(SIG_BITS as i32) {
                if is_nan(a) {
                    return a | QUIET;
                }
                return a;
            }
            let last = shl(
                1,
                BIAS.wrapping_add(SIG_BITS as i32).wrapping_sub(exp) as u32,
            );
            let round_mask = last.wrapping_sub(1);
            let mut z = a;
            match mode {
                IntMode::Nearest => {
                    z = z.wrapping_add(last >> 1);
                    if z & round_mask == 0 {
                        z &= !last;
                    }
                }
                IntMode::Trunc => {}
                IntMode::Floor => {
                    if neg {
                        z = z.wrapping_add(round_mask);
                    }
                }
                IntMode::Ceil => {
                    if !neg {
                        z = z.wrapping_add(round_mask);
                    }
                }
            }
            z & !round_mask
        }

        /// Round toward +inf.
        #[inline]
        pub fn ceil(a: $U) -> $U {
            round_int(a, IntMode::Ceil)
        }

        /// Round toward -inf.
        #[inline]
        pub fn floor(a: $U) -> $U {
            round_int(a, IntMode::Floor)
        }

        /// Round toward zero.
        #[inline]
        pub fn trunc(a: $U) -> $U {
            round_int(a, IntMode::Trunc)
        }

        /// Round to nearest integer, ties to even.
        #[inline]
        pub fn nearest(a: $U) -> $U {
            round_int(a, IntMode::Nearest)
        }

        /// `|a|` (bit operation).
        #[inline]
        pub fn abs(a: $U) -> $U {
            a & !SIGN
        }

        /// `-a` (bit operation).
        #[inline]
        pub fn neg(a: $U) -> $U {
            a ^ SIGN
        }

        /// Magnitude of `a` with the sign of `b` (bit operation).
        #[inline]
        pub fn copysign(a: $U, b: $U) -> $U {
            (a & !SIGN) | (b & SIGN)
        }

        /// Order-preserving map of a non-NaN float to an unsigned integer: `key(a) < key(b)`
        /// iff `a < b`, and `+0`/`-0` share a key. (Sign-magnitude to two's complement, then the
        /// sign bit flipped.)
        #[inline(always)]
        fn key(a: $U) -> $U {
            let s = (a >> (BITS - 1)).wrapping_neg(); // all ones if negative
            ((a & !SIGN) ^ s).wrapping_sub(s) ^ SIGN
        }

        /// Neither operand is a NaN (no branch).
        #[inline(always)]
        fn ordered(a: $U, b: $U) -> bool {
            !is_nan(a) & !is_nan(b)
        }

        /// `a == b`.
        #[inline]
        pub fn eq(a: $U, b: $U) -> bool {
            if is_nan(a) || is_nan(b) {
                return false;
            }
            a == b || (a | b) & !SIGN == 0
        }

        /// `a != b`.
        #[inline]
        pub fn ne(a: $U, b: $U) -> bool {
            !eq(a, b)
        }

        /// `a < b`. (Branchy on purpose: a branch-free version via [`key`] was faster in
        /// isolation but made the interpreter loop it is inlined into measurably slower.)
        #[inline]
        pub fn lt(a: $U, b: $U) -> bool {
            if is_nan(a) || is_nan(b) {
                return false;
            }
            let sa = sign_of(a);
            if sa != sign_of(b) {
                sa && (a | b) & !SIGN != 0
            } else {
                a != b && (sa ^ (a < b))
            }
        }

        /// `a <= b`.
        #[inline]
        pub fn le(a: $U, b: $U) -> bool {
            if is_nan(a) || is_nan(b) {
                return false;
            }
            let sa = sign_of(a);
            if sa != sign_of(b) {
                sa || (a | b) & !SIGN == 0
            } else {
                a == b || (sa ^ (a < b))
            }
        }

        /// `a > b`.
        #[inline]
        pub fn gt(a: $U, b: $U) -> bool {
            lt(b, a)
        }

        /// `a >= b`.
        #[inline]
        pub fn ge(a: $U, b: $U) -> bool {
            le(b, a)
        }

        /// Wasm `min`: NaN if either operand is NaN, `min(-0, +0) = -0`.
        #[inline]
        pub fn min(a: $U, b: $U) -> $U {
            if !ordered(a, b) {
                return propagate(a, b);
            }
            let (ka, kb) = (key(a), key(b));
            if ka < kb {
                a
            } else if kb < ka {
                b
            } else {
                // Equal: identical bits, or +0/-0 where the OR yields -0.
                a | b
            }
        }

        /// Wasm `max`: NaN if either operand is NaN, `max(-0, +0) = +0`.
        #[inline]
        pub fn max(a: $U, b: $U) -> $U {
            if !ordered(a, b) {
                return propagate(a, b);
            }
            let (ka, kb) = (key(a), key(b));
            if ka < kb {
                b
            } else if kb < ka {
                a
            } else {
                a & b
            }
        }

        /// Rounds `(-1)^sign * mag` to this format.
        #[inline]
        pub(super) fn from_u64(sign: bool, mag: u64) -> $U {
            if mag == 0 {
                return 0;
            }
            let lz = mag.leading_zeros();
            let m = super::shl64(mag, lz);
            // Keep BITS-1 bits with the leading one at BITS-2, jam the rest.
            let shift = 65u32.wrapping_sub(BITS);
            let low = m & super::shr64(u64::MAX, 64u32.wrapping_sub(shift));
            let sig = (super::shr64(m, shift) as $U) | <$U>::from(low != 0);
            let exp = 62i32.wrapping_sub(lz as i32).wrapping_add(BIAS);
            round_pack(sign, exp, sig)
        }

        /// Truncates toward zero and returns the magnitude (for the float -> int conversions).
        #[inline]
        pub(super) fn trunc_mag(a: $U) -> TruncMag {
            if is_nan(a) {
                return TruncMag::NaN;
            }
            let neg = sign_of(a);
            let exp = exp_of(a);
            if exp < BIAS {
                return TruncMag::Val { neg, mag: 0 };
            }
            let e = exp.wrapping_sub(BIAS) as u32;
            if e >= 64 {
                return TruncMag::Big { neg };
            }
            let sig = u64::from(a & FRAC_MASK) | (1u64 << SIG_BITS);
            let mag = if e >= SIG_BITS {
                super::shl64(sig, e.wrapping_sub(SIG_BITS))
            } else {
                super::shr64(sig, SIG_BITS.wrapping_sub(e))
            };
            TruncMag::Val { neg, mag }
        }
    };
}

/// binary32 (`f32`) operations on `u32` bits.
mod binary32 {
    impl_float!(
        uint = u32,
        wide = u64,
        bits = 32,
        sig_bits = 23,
        exp_max = 0xFF,
        div = super::div_f32_sig,
        sqrt_sig = super::sqrt_sig_f32,
    );
}

/// binary64 (`f64`) operations on `u64` bits.
mod binary64 {
    impl_float!(
        uint = u64,
        wide = u128,
        bits = 64,
        sig_bits = 52,
        exp_max = 0x7FF,
        div = super::div_f64_sig,
        sqrt_sig = super::sqrt_sig,
    );
}

mod convert;

pub use self::binary32::{
    abs as f32_abs, add as f32_add, ceil as f32_ceil, copysign as f32_copysign, div as f32_div,
    eq as f32_eq, floor as f32_floor, ge as f32_ge, gt as f32_gt, le as f32_le, lt as f32_lt,
    max as f32_max, min as f32_min, mul as f32_mul, ne as f32_ne, nearest as f32_nearest,
    neg as f32_neg, sqrt as f32_sqrt, sub as f32_sub, trunc as f32_trunc,
};
pub use self::binary64::{
    abs as f64_abs, add as f64_add, ceil as f64_ceil, copysign as f64_copysign, div as f64_div,
    eq as f64_eq, floor as f64_floor, ge as f64_ge, gt as f64_gt, le as f64_le, lt as f64_lt,
    max as f64_max, min as f64_min, mul as f64_mul, ne as f64_ne, nearest as f64_nearest,
    neg as f64_neg, sqrt as f64_sqrt, sub as f64_sub, trunc as f64_trunc,
};
pub use self::convert::*;

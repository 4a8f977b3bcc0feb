//! Randomized (and, for f32 unary ops, exhaustive) comparison of the soft-float module against
//! the host's native IEEE-754 arithmetic.
//!
//! Case count per op: `SOFTFLOAT_CASES` (default 200_000, sized for a debug `cargo test`).
//! Exhaustive f32 unary sweep: `cargo test --release -p softfloat-tests -- --ignored`.

use softfloat_tests::softfloat as sf;
use softfloat_tests::softfloat::FloatToIntError;

// ------------------------------------------------------------------------------------------
// RNG and case generators
// ------------------------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn bool(&mut self) -> bool {
        self.next() & 1 != 0
    }
}

fn cases() -> u64 {
    std::env::var("SOFTFLOAT_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500_000)
}

const F32_EDGE: &[u32] = &[
    0x0000_0000,
    0x8000_0000,
    0x7F80_0000,
    0xFF80_0000,
    0x7FC0_0000,
    0xFFC0_0000,
    0x7F80_0001,
    0xFF80_0001,
    0x7FBF_FFFF,
    0x7FFF_FFFF,
    0x0000_0001,
    0x8000_0001,
    0x007F_FFFF,
    0x807F_FFFF,
    0x0080_0000,
    0x8080_0000,
    0x7F7F_FFFF,
    0xFF7F_FFFF,
    0x3F80_0000,
    0xBF80_0000,
    0x3F00_0000,
    0xBF00_0000,
    0x3F40_0000,
    0xBEFF_FFFF,
    0x3F7F_FFFF,
    0x4B00_0000,
    0x4B7F_FFFF,
    0x4AFF_FFFF,
    0x4F00_0000, // 2^31
    0xCF00_0000, // -2^31
    0x4EFF_FFFF,
    0xCF00_0001,
    0x4F80_0000, // 2^32
    0x4F7F_FFFF,
    0x5F00_0000, // 2^63
    0xDF00_0000,
    0x5EFF_FFFF,
    0xDF00_0001,
    0x5F80_0000, // 2^64
    0x5F7F_FFFF,
    0x3FC0_0000, // 1.5
    0x4020_0000, // 2.5
    0xC020_0000,
];

const F64_EDGE: &[u64] = &[
    0x0000_0000_0000_0000,
    0x8000_0000_0000_0000,
    0x7FF0_0000_0000_0000,
    0xFFF0_0000_0000_0000,
    0x7FF8_0000_0000_0000,
    0xFFF8_0000_0000_0000,
    0x7FF0_0000_0000_0001,
    0xFFF0_0000_0000_0001,
    0x7FF7_FFFF_FFFF_FFFF,
    0x7FFF_FFFF_FFFF_FFFF,
    0x0000_0000_0000_0001,
    0x8000_0000_0000_0001,
    0x000F_FFFF_FFFF_FFFF,
    0x800F_FFFF_FFFF_FFFF,
    0x0010_0000_0000_0000,
    0x8010_0000_0000_0000,
    0x7FEF_FFFF_FFFF_FFFF,
    0xFFEF_FFFF_FFFF_FFFF,
    0x3FF0_0000_0000_0000,
    0xBFF0_0000_0000_0000,
    0x3FE0_0000_0000_0000,
    0xBFE0_0000_0000_0000,
    0x3FDF_FFFF_FFFF_FFFF,
    0x3FEF_FFFF_FFFF_FFFF,
    0x4330_0000_0000_0000,
    0x432F_FFFF_FFFF_FFFF,
    0x41E0_0000_0000_0000, // 2^31
    0xC1E0_0000_0000_0000,
    0x41DF_FFFF_FFC0_0000, // 2^31 - 1
    0x41DF_FFFF_FFFF_FFFF,
    0xC1E0_0000_0010_0000, // -2^31 - 1
    0xC1E0_0000_000F_FFFF,
    0x41F0_0000_0000_0000, // 2^32
    0x41EF_FFFF_FFFF_FFFF,
    0x41EF_FFFF_FFE0_0000, // 2^32 - 1
    0x43E0_0000_0000_0000, // 2^63
    0xC3E0_0000_0000_0000,
    0x43DF_FFFF_FFFF_FFFF,
    0xC3E0_0000_0000_0001,
    0x43F0_0000_0000_0000, // 2^64
    0x43EF_FFFF_FFFF_FFFF,
    0x47EF_FFFF_E000_0000, // f32::MAX
    0x47EF_FFFF_F000_0000, // f32::MAX + half ulp
    0x47EF_FFFF_EFFF_FFFF,
    0x3690_0000_0000_0000, // f32 min subnormal
    0x3680_0000_0000_0000, // half of it
    0x3680_0000_0000_0001,
    0x380F_FFFF_F000_0000,
    0x4004_0000_0000_0000, // 2.5
];

/// A "structured" f32: random sign, exponent from an interesting range, fraction with a random
/// number of trailing zero bits (produces exact halves / integers / ties).
fn f32_structured(r: &mut Rng) -> u32 {
    let sign = (r.next() as u32) & 0x8000_0000;
    let exp: u32 = match r.below(6) {
        0 => r.below(4) as u32,        // subnormal / smallest normals
        1 => 0xFE - r.below(3) as u32, // largest
        2 => 126 + r.below(66) as u32, // integer-ish region incl. 2^31..2^64
        3 => 100 + r.below(60) as u32, // around 1
        4 => 0xFF,                     // inf / nan
        _ => r.below(256) as u32,
    };
    let tz = r.below(24) as u32;
    let mut frac = (r.next() as u32) & 0x007F_FFFF;
    frac = (frac >> tz) << tz;
    if r.below(4) == 0 {
        // all-ones or all-zero tails
        frac |= (1u32 << tz) - 1;
    }
    sign | (exp << 23) | frac
}

fn f64_structured(r: &mut Rng) -> u64 {
    let sign = r.next() & 0x8000_0000_0000_0000;
    let exp: u64 = match r.below(7) {
        0 => r.below(4),
        1 => 0x7FE - r.below(3),
        2 => 1022 + r.below(70),
        3 => 900 + r.below(250),
        4 => 0x7FF,
        5 => 1023 - 126 - 30 + r.below(60), // around the f32 range edges (demote)
        _ => r.below(2048),
    };
    let tz = r.below(53) as u32;
    let mut frac = r.next() & 0x000F_FFFF_FFFF_FFFF;
    frac = (frac >> tz) << tz;
    if r.below(4) == 0 {
        frac |= (1u64 << tz) - 1;
    }
    sign | (exp << 52) | frac
}

fn gen_f32(r: &mut Rng) -> u32 {
    match r.below(8) {
        0..=2 => r.next() as u32,
        3 => F32_EDGE[r.below(F32_EDGE.len() as u64) as usize],
        4 => {
            // small integers and halves
            let v = (r.below(64) as f32 - 32.0) * 0.5;
            v.to_bits()
        }
        _ => f32_structured(r),
    }
}

fn gen_f64(r: &mut Rng) -> u64 {
    match r.below(8) {
        0..=2 => r.next(),
        3 => F64_EDGE[r.below(F64_EDGE.len() as u64) as usize],
        4 => ((r.below(64) as f64 - 32.0) * 0.5).to_bits(),
        _ => f64_structured(r),
    }
}

/// Second operand: independent, or related to `a` (near-cancellation, same binade, etc.).
fn gen_f32_pair(r: &mut Rng) -> (u32, u32) {
    let a = gen_f32(r);
    let b = match r.below(6) {
        0 | 1 => gen_f32(r),
        2 => a ^ ((r.next() as u32) & ((1u32 << r.below(25)) - 1)),
        3 => (a ^ 0x8000_0000) ^ ((r.next() as u32) & ((1u32 << r.below(25)) - 1)),
        4 => {
            // exponent within a few binades of a
            let d = (r.below(60) as u32).wrapping_sub(30) << 23;
            a.wrapping_add(d) ^ ((r.next() as u32) & 0x807F_FFFF)
        }
        _ => f32_structured(r),
    };
    if r.bool() {
        (a, b)
    } else {
        (b, a)
    }
}

fn gen_f64_pair(r: &mut Rng) -> (u64, u64) {
    let a = gen_f64(r);
    let b = match r.below(6) {
        0 | 1 => gen_f64(r),
        2 => a ^ (r.next() & ((1u64 << r.below(54)) - 1)),
        3 => (a ^ 0x8000_0000_0000_0000) ^ (r.next() & ((1u64 << r.below(54)) - 1)),
        4 => {
            let d = r.below(140).wrapping_sub(70) << 52;
            a.wrapping_add(d) ^ (r.next() & 0x800F_FFFF_FFFF_FFFF)
        }
        _ => f64_structured(r),
    };
    if r.bool() {
        (a, b)
    } else {
        (b, a)
    }
}

// ------------------------------------------------------------------------------------------
// Result checking
// ------------------------------------------------------------------------------------------

fn f32_nan(x: u32) -> bool {
    x & 0x7FFF_FFFF > 0x7F80_0000
}
fn f64_nan(x: u64) -> bool {
    x & 0x7FFF_FFFF_FFFF_FFFF > 0x7FF0_0000_0000_0000
}

/// Checks `ours` against the host result `host` for an op with NaN-propagating inputs `ins`.
#[track_caller]
fn check32(op: &str, ins: &[u32], ours: u32, host: u32) {
    if f32_nan(host) || f32_nan(ours) {
        assert!(
            f32_nan(ours) && f32_nan(host),
            "{op}{ins:08x?}: ours {ours:08x} host {host:08x}"
        );
        let expect = match ins.iter().find(|&&x| f32_nan(x)) {
            Some(&n) => n | 0x0040_0000,
            None => 0x7FC0_0000,
        };
        assert_eq!(ours, expect, "{op}{ins:08x?}: NaN rule");
    } else {
        assert_eq!(
            ours, host,
            "{op}{ins:08x?}: ours {ours:08x} host {host:08x}"
        );
    }
}

#[track_caller]
fn check64(op: &str, ins: &[u64], ours: u64, host: u64) {
    if f64_nan(host) || f64_nan(ours) {
        assert!(
            f64_nan(ours) && f64_nan(host),
            "{op}{ins:016x?}: ours {ours:016x} host {host:016x}"
        );
        let expect = match ins.iter().find(|&&x| f64_nan(x)) {
            Some(&n) => n | 0x0008_0000_0000_0000,
            None => 0x7FF8_0000_0000_0000,
        };
        assert_eq!(ours, expect, "{op}{ins:016x?}: NaN rule");
    } else {
        assert_eq!(
            ours, host,
            "{op}{ins:016x?}: ours {ours:016x} host {host:016x}"
        );
    }
}

fn f32_min_ref(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        f32::NAN
    } else if a < b {
        a
    } else if b < a {
        b
    } else if a.is_sign_negative() {
        a
    } else {
        b
    }
}
fn f32_max_ref(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        f32::NAN
    } else if a > b {
        a
    } else if b > a {
        b
    } else if a.is_sign_positive() {
        a
    } else {
        b
    }
}
fn f64_min_ref(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a < b {
        a
    } else if b < a {
        b
    } else if a.is_sign_negative() {
        a
    } else {
        b
    }
}
fn f64_max_ref(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a > b {
        a
    } else if b > a {
        b
    } else if a.is_sign_positive() {
        a
    } else {
        b
    }
}

// Trapping truncation references, computed exactly in f64 (every f32 is exact in f64, and the
// bounds used are exactly representable).
fn trunc_ref(x: f64, lo: f64, hi_excl: f64) -> Result<f64, FloatToIntError> {
    if x.is_nan() {
        return Err(FloatToIntError::NaN);
    }
    let t = x.trunc();
    if t >= lo && t < hi_excl {
        Ok(t)
    } else {
        Err(FloatToIntError::Overflow)
    }
}
const P31: f64 = 2147483648.0;
const P32: f64 = 4294967296.0;
const P63: f64 = 9223372036854775808.0;
const P64: f64 = 18446744073709551616.0;

fn check_trunc_f64_input(x: u64) {
    let v = f64::from_bits(x);
    assert_eq!(
        sf::i32_trunc_f64_s(x),
        trunc_ref(v, -P31, P31).map(|t| t as i32),
        "i32_trunc_f64_s {x:016x}"
    );
    assert_eq!(
        sf::i32_trunc_f64_u(x),
        trunc_ref(v, 0.0, P32).map(|t| t as u32),
        "i32_trunc_f64_u {x:016x}"
    );
    assert_eq!(
        sf::i64_trunc_f64_s(x),
        trunc_ref(v, -P63, P63).map(|t| t as i64),
        "i64_trunc_f64_s {x:016x}"
    );
    assert_eq!(
        sf::i64_trunc_f64_u(x),
        trunc_ref(v, 0.0, P64).map(|t| t as u64),
        "i64_trunc_f64_u {x:016x}"
    );
    assert_eq!(
        sf::i32_trunc_sat_f64_s(x),
        v as i32,
        "i32_trunc_sat_f64_s {x:016x}"
    );
    assert_eq!(
        sf::i32_trunc_sat_f64_u(x),
        v as u32,
        "i32_trunc_sat_f64_u {x:016x}"
    );
    assert_eq!(
        sf::i64_trunc_sat_f64_s(x),
        v as i64,
        "i64_trunc_sat_f64_s {x:016x}"
    );
    assert_eq!(
        sf::i64_trunc_sat_f64_u(x),
        v as u64,
        "i64_trunc_sat_f64_u {x:016x}"
    );
}

fn check_trunc_f32_input(x: u32) {
    let v = f32::from_bits(x);
    let w = v as f64;
    assert_eq!(
        sf::i32_trunc_f32_s(x),
        trunc_ref(w, -P31, P31).map(|t| t as i32),
        "i32_trunc_f32_s {x:08x}"
    );
    assert_eq!(
        sf::i32_trunc_f32_u(x),
        trunc_ref(w, 0.0, P32).map(|t| t as u32),
        "i32_trunc_f32_u {x:08x}"
    );
    assert_eq!(
        sf::i64_trunc_f32_s(x),
        trunc_ref(w, -P63, P63).map(|t| t as i64),
        "i64_trunc_f32_s {x:08x}"
    );
    assert_eq!(
        sf::i64_trunc_f32_u(x),
        trunc_ref(w, 0.0, P64).map(|t| t as u64),
        "i64_trunc_f32_u {x:08x}"
    );
    assert_eq!(
        sf::i32_trunc_sat_f32_s(x),
        v as i32,
        "i32_trunc_sat_f32_s {x:08x}"
    );
    assert_eq!(
        sf::i32_trunc_sat_f32_u(x),
        v as u32,
        "i32_trunc_sat_f32_u {x:08x}"
    );
    assert_eq!(
        sf::i64_trunc_sat_f32_s(x),
        v as i64,
        "i64_trunc_sat_f32_s {x:08x}"
    );
    assert_eq!(
        sf::i64_trunc_sat_f32_u(x),
        v as u64,
        "i64_trunc_sat_f32_u {x:08x}"
    );
}

/// All f32 unary ops on one input (shared by the random and the exhaustive tests).
fn check_f32_unary(x: u32) {
    let v = f32::from_bits(x);
    check32("f32_sqrt", &[x], sf::f32_sqrt(x), v.sqrt().to_bits());
    check32("f32_ceil", &[x], sf::f32_ceil(x), v.ceil().to_bits());
    check32("f32_floor", &[x], sf::f32_floor(x), v.floor().to_bits());
    check32("f32_trunc", &[x], sf::f32_trunc(x), v.trunc().to_bits());
    check32(
        "f32_nearest",
        &[x],
        sf::f32_nearest(x),
        v.round_ties_even().to_bits(),
    );
    if !f32_nan(x) {
        assert_eq!(
            sf::f64_promote_f32(x),
            (v as f64).to_bits(),
            "promote {x:08x}"
        );
    } else {
        assert_eq!(
            sf::f64_promote_f32(x),
            (((x as u64) & 0x8000_0000) << 32)
                | 0x7FF8_0000_0000_0000
                | ((x as u64 & 0x003F_FFFF) << 29),
            "promote NaN payload {x:08x}"
        );
    }
    assert_eq!(sf::f32_abs(x), x & 0x7FFF_FFFF);
    assert_eq!(sf::f32_neg(x), x ^ 0x8000_0000);
    check_trunc_f32_input(x);
    // The same bits as integers.
    assert_eq!(
        sf::f32_convert_i32_s(x as i32),
        (x as i32 as f32).to_bits(),
        "f32_convert_i32_s {x:08x}"
    );
    assert_eq!(
        sf::f32_convert_i32_u(x),
        (x as f32).to_bits(),
        "f32_convert_i32_u {x:08x}"
    );
    assert_eq!(
        sf::f64_convert_i32_s(x as i32),
        (x as i32 as f64).to_bits(),
        "f64_convert_i32_s {x:08x}"
    );
    assert_eq!(
        sf::f64_convert_i32_u(x),
        (x as f64).to_bits(),
        "f64_convert_i32_u {x:08x}"
    );
}

fn check_f64_unary(x: u64) {
    let v = f64::from_bits(x);
    check64("f64_sqrt", &[x], sf::f64_sqrt(x), v.sqrt().to_bits());
    check64("f64_ceil", &[x], sf::f64_ceil(x), v.ceil().to_bits());
    check64("f64_floor", &[x], sf::f64_floor(x), v.floor().to_bits());
    check64("f64_trunc", &[x], sf::f64_trunc(x), v.trunc().to_bits());
    check64(
        "f64_nearest",
        &[x],
        sf::f64_nearest(x),
        v.round_ties_even().to_bits(),
    );
    if !f64_nan(x) {
        assert_eq!(
            sf::f32_demote_f64(x),
            (v as f32).to_bits(),
            "demote {x:016x}"
        );
    } else {
        assert_eq!(
            sf::f32_demote_f64(x),
            (((x >> 32) as u32) & 0x8000_0000) | 0x7FC0_0000 | ((x >> 29) as u32 & 0x003F_FFFF),
            "demote NaN payload {x:016x}"
        );
    }
    assert_eq!(sf::f64_abs(x), x & 0x7FFF_FFFF_FFFF_FFFF);
    assert_eq!(sf::f64_neg(x), x ^ 0x8000_0000_0000_0000);
    check_trunc_f64_input(x);
    assert_eq!(
        sf::f32_convert_i64_s(x as i64),
        (x as i64 as f32).to_bits(),
        "f32_convert_i64_s {x:016x}"
    );
    assert_eq!(
        sf::f32_convert_i64_u(x),
        (x as f32).to_bits(),
        "f32_convert_i64_u {x:016x}"
    );
    assert_eq!(
        sf::f64_convert_i64_s(x as i64),
        (x as i64 as f64).to_bits(),
        "f64_convert_i64_s {x:016x}"
    );
    assert_eq!(
        sf::f64_convert_i64_u(x),
        (x as f64).to_bits(),
        "f64_convert_i64_u {x:016x}"
    );
}

fn check_f32_binary(a: u32, b: u32) {
    let (x, y) = (f32::from_bits(a), f32::from_bits(b));
    check32("f32_add", &[a, b], sf::f32_add(a, b), (x + y).to_bits());
    check32("f32_sub", &[a, b], sf::f32_sub(a, b), (x - y).to_bits());
    check32("f32_mul", &[a, b], sf::f32_mul(a, b), (x * y).to_bits());
    check32("f32_div", &[a, b], sf::f32_div(a, b), (x / y).to_bits());
    check32(
        "f32_min",
        &[a, b],
        sf::f32_min(a, b),
        f32_min_ref(x, y).to_bits(),
    );
    check32(
        "f32_max",
        &[a, b],
        sf::f32_max(a, b),
        f32_max_ref(x, y).to_bits(),
    );
    assert_eq!(sf::f32_copysign(a, b), x.copysign(y).to_bits());
    assert_eq!(sf::f32_eq(a, b), x == y, "f32_eq {a:08x} {b:08x}");
    assert_eq!(sf::f32_ne(a, b), x != y, "f32_ne {a:08x} {b:08x}");
    assert_eq!(sf::f32_lt(a, b), x < y, "f32_lt {a:08x} {b:08x}");
    assert_eq!(sf::f32_gt(a, b), x > y, "f32_gt {a:08x} {b:08x}");
    assert_eq!(sf::f32_le(a, b), x <= y, "f32_le {a:08x} {b:08x}");
    assert_eq!(sf::f32_ge(a, b), x >= y, "f32_ge {a:08x} {b:08x}");
}

fn check_f64_binary(a: u64, b: u64) {
    let (x, y) = (f64::from_bits(a), f64::from_bits(b));
    check64("f64_add", &[a, b], sf::f64_add(a, b), (x + y).to_bits());
    check64("f64_sub", &[a, b], sf::f64_sub(a, b), (x - y).to_bits());
    check64("f64_mul", &[a, b], sf::f64_mul(a, b), (x * y).to_bits());
    check64("f64_div", &[a, b], sf::f64_div(a, b), (x / y).to_bits());
    check64(
        "f64_min",
        &[a, b],
        sf::f64_min(a, b),
        f64_min_ref(x, y).to_bits(),
    );
    check64(
        "f64_max",
        &[a, b],
        sf::f64_max(a, b),
        f64_max_ref(x, y).to_bits(),
    );
    assert_eq!(sf::f64_copysign(a, b), x.copysign(y).to_bits());
    assert_eq!(sf::f64_eq(a, b), x == y, "f64_eq {a:016x} {b:016x}");
    assert_eq!(sf::f64_ne(a, b), x != y, "f64_ne {a:016x} {b:016x}");
    assert_eq!(sf::f64_lt(a, b), x < y, "f64_lt {a:016x} {b:016x}");
    assert_eq!(sf::f64_gt(a, b), x > y, "f64_gt {a:016x} {b:016x}");
    assert_eq!(sf::f64_le(a, b), x <= y, "f64_le {a:016x} {b:016x}");
    assert_eq!(sf::f64_ge(a, b), x >= y, "f64_ge {a:016x} {b:016x}");
}

/// Integers near the conversion boundaries (2^k +- small, and with round/sticky patterns).
fn gen_int64(r: &mut Rng) -> u64 {
    match r.below(4) {
        0 => r.next(),
        1 => {
            let k = r.below(64) as u32;
            (1u64 << k).wrapping_add(r.below(9)).wrapping_sub(4)
        }
        2 => {
            // random mantissa-ish value with a tie/near-tie tail
            let k = r.below(64) as u32;
            let base = r.next() >> k;
            let tail = r.below(40) as u32;
            let t = (base >> tail) << tail;
            t | if r.bool() {
                1u64 << tail.saturating_sub(1)
            } else {
                0
            }
        }
        _ => r.next() >> r.below(64),
    }
}

// ------------------------------------------------------------------------------------------
// Arithmetic stress generators: operands aimed at the fast/slow path boundaries of add, sub,
// mul, div (normal operands whose result lands near overflow / the subnormal range, exact
// halfway cases, massive cancellation, far-apart exponents, signed zeros, NaN payloads).
// ------------------------------------------------------------------------------------------

/// Stress cases per op: `SOFTFLOAT_STRESS` (default 4M in release, 200k in debug).
fn stress_cases() -> u64 {
    std::env::var("SOFTFLOAT_STRESS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) {
            200_000
        } else {
            4_000_000
        })
}

macro_rules! stress_gen {
    ($fname:ident, $U:ty, $BITS:expr, $SIG:expr, $EMAX:expr) => {
        /// Generator for one width: `(a, b)` biased as described above.
        fn $fname(r: &mut Rng) -> ($U, $U) {
            const SIGN: $U = 1 << ($BITS - 1);
            const FRAC: $U = (1 << $SIG) - 1;
            const EMAX: i64 = $EMAX;
            const BIAS: i64 = EMAX >> 1;
            let frac = |r: &mut Rng| -> $U {
                let f = (r.next() as $U) & FRAC;
                match r.below(5) {
                    0 | 1 => f,
                    2 => {
                        // few significant bits: exact products, halfway cases
                        let tz = r.below($SIG + 1) as u32;
                        (f >> tz) << tz
                    }
                    3 => {
                        let tz = r.below($SIG + 1) as u32;
                        ((f >> tz) << tz) | (((1 as $U) << tz) - 1)
                    }
                    _ => {
                        // top or bottom bits only
                        if r.bool() {
                            f & !(FRAC >> r.below($SIG + 1) as u32)
                        } else {
                            f & (FRAC >> r.below($SIG + 1) as u32)
                        }
                    }
                }
            };
            let exp_any = |r: &mut Rng| -> i64 {
                match r.below(6) {
                    0 => r.below(4) as i64,            // zero/subnormal, smallest normals
                    1 => EMAX - 1 - r.below(4) as i64, // largest normals (and inf/NaN)
                    2 => EMAX,
                    _ => 1 + r.below(EMAX as u64 - 1) as i64,
                }
            };
            let mk = |r: &mut Rng, e: i64| -> $U {
                let e = e.clamp(0, EMAX) as $U;
                let s = if r.bool() { SIGN } else { 0 };
                s | (e << $SIG) | frac(r)
            };
            let (a, b) = match r.below(8) {
                0 | 1 => {
                    // mul/div: result exponent near the normal range's ends
                    let ea = exp_any(r);
                    let target = match r.below(3) {
                        0 => r.below(2 * $SIG + 8) as i64 - $SIG - 4, // near subnormal
                        1 => EMAX - 4 + r.below(8) as i64 - 2,        // near overflow
                        _ => r.below(EMAX as u64 + 1) as i64,
                    };
                    let eb = if r.bool() {
                        target - ea + BIAS // a * b
                    } else {
                        ea - target + BIAS // a / b
                    };
                    (mk(r, ea), mk(r, eb))
                }
                2 | 3 => {
                    // add/sub: close exponents (cancellation, carries), also at the range ends
                    let ea = exp_any(r);
                    let d = match r.below(3) {
                        0 => r.below(3) as i64,
                        1 => r.below($SIG + 4) as i64,
                        _ => r.below($BITS + 8) as i64,
                    };
                    (mk(r, ea), mk(r, ea - d))
                }
                4 => {
                    // near-equal magnitudes: a with a few low bits flipped, either sign
                    let ea = exp_any(r);
                    let a = mk(r, ea);
                    let flip = (r.next() as $U) & (((1 as $U) << r.below($SIG) as u32) - 1);
                    let b = (a ^ flip) ^ if r.bool() { SIGN } else { 0 };
                    (a, b)
                }
                5 => {
                    // specials against normals: +-0, inf, NaN (random payloads), subnormals
                    let sp = match r.below(4) {
                        0 => 0,
                        1 => (EMAX as $U) << $SIG,
                        2 => ((EMAX as $U) << $SIG) | frac(r).max(1),
                        _ => frac(r),
                    } | if r.bool() { SIGN } else { 0 };
                    let eb = exp_any(r);
                    (sp, mk(r, eb))
                }
                _ => {
                    let (ea, eb) = (exp_any(r), exp_any(r));
                    (mk(r, ea), mk(r, eb))
                }
            };
            if r.bool() {
                (a, b)
            } else {
                (b, a)
            }
        }
    };
}

stress_gen!(gen_stress_f32, u32, 32, 23, 0xFF);
stress_gen!(gen_stress_f64, u64, 64, 52, 0x7FF);

// ------------------------------------------------------------------------------------------
// Tests
// ------------------------------------------------------------------------------------------

/// Every f32 significand through `sqrt` with both exponent parities (inputs in `[1, 4)`):
/// the rounded root depends only on these, so this covers the significand root exhaustively.
#[test]
fn f32_sqrt_all_significands() {
    let step = if cfg!(debug_assertions) { 61 } else { 1 };
    for x in (0x3F80_0000u32..0x4080_0000).step_by(step) {
        let host = f32::from_bits(x).sqrt().to_bits();
        assert_eq!(sf::f32_sqrt(x), host, "f32_sqrt {x:08x}");
    }
}

#[test]
fn f32_arith_stress() {
    let mut r = Rng::new(11);
    for _ in 0..stress_cases() {
        let (a, b) = gen_stress_f32(&mut r);
        let (x, y) = (f32::from_bits(a), f32::from_bits(b));
        check32("f32_add", &[a, b], sf::f32_add(a, b), (x + y).to_bits());
        check32("f32_sub", &[a, b], sf::f32_sub(a, b), (x - y).to_bits());
        check32("f32_mul", &[a, b], sf::f32_mul(a, b), (x * y).to_bits());
        check32("f32_div", &[a, b], sf::f32_div(a, b), (x / y).to_bits());
        check32(
            "f32_min",
            &[a, b],
            sf::f32_min(a, b),
            f32_min_ref(x, y).to_bits(),
        );
        check32(
            "f32_max",
            &[a, b],
            sf::f32_max(a, b),
            f32_max_ref(x, y).to_bits(),
        );
        assert_eq!(sf::f32_eq(a, b), x == y, "f32_eq {a:08x} {b:08x}");
        assert_eq!(sf::f32_ne(a, b), x != y, "f32_ne {a:08x} {b:08x}");
        assert_eq!(sf::f32_lt(a, b), x < y, "f32_lt {a:08x} {b:08x}");
        assert_eq!(sf::f32_gt(a, b), x > y, "f32_gt {a:08x} {b:08x}");
        assert_eq!(sf::f32_le(a, b), x <= y, "f32_le {a:08x} {b:08x}");
        assert_eq!(sf::f32_ge(a, b), x >= y, "f32_ge {a:08x} {b:08x}");
    }
}

#[test]
fn f64_arith_stress() {
    let mut r = Rng::new(12);
    for _ in 0..stress_cases() {
        let (a, b) = gen_stress_f64(&mut r);
        let (x, y) = (f64::from_bits(a), f64::from_bits(b));
        check64("f64_add", &[a, b], sf::f64_add(a, b), (x + y).to_bits());
        check64("f64_sub", &[a, b], sf::f64_sub(a, b), (x - y).to_bits());
        check64("f64_mul", &[a, b], sf::f64_mul(a, b), (x * y).to_bits());
        check64("f64_div", &[a, b], sf::f64_div(a, b), (x / y).to_bits());
        check64(
            "f64_min",
            &[a, b],
            sf::f64_min(a, b),
            f64_min_ref(x, y).to_bits(),
        );
        check64(
            "f64_max",
            &[a, b],
            sf::f64_max(a, b),
            f64_max_ref(x, y).to_bits(),
        );
        assert_eq!(sf::f64_eq(a, b), x == y, "f64_eq {a:016x} {b:016x}");
        assert_eq!(sf::f64_ne(a, b), x != y, "f64_ne {a:016x} {b:016x}");
        assert_eq!(sf::f64_lt(a, b), x < y, "f64_lt {a:016x} {b:016x}");
        assert_eq!(sf::f64_gt(a, b), x > y, "f64_gt {a:016x} {b:016x}");
        assert_eq!(sf::f64_le(a, b), x <= y, "f64_le {a:016x} {b:016x}");
        assert_eq!(sf::f64_ge(a, b), x >= y, "f64_ge {a:016x} {b:016x}");
    }
}

#[test]
fn f32_binary_random() {
    let mut r = Rng::new(1);
    for _ in 0..cases() {
        let (a, b) = gen_f32_pair(&mut r);
        check_f32_binary(a, b);
    }
}

#[test]
fn f64_binary_random() {
    let mut r = Rng::new(2);
    for _ in 0..cases() {
        let (a, b) = gen_f64_pair(&mut r);
        check_f64_binary(a, b);
    }
}

#[test]
fn f32_unary_random() {
    let mut r = Rng::new(3);
    for _ in 0..cases() {
        check_f32_unary(gen_f32(&mut r));
    }
}

#[test]
fn f64_unary_random() {
    let mut r = Rng::new(4);
    for _ in 0..cases() {
        check_f64_unary(gen_f64(&mut r));
        let i = gen_int64(&mut r);
        check_f64_unary(if r.bool() { i } else { i.wrapping_neg() });
    }
}

/// Near-exact quotients, roots and sums: operands built from host products so results sit on or
/// right next to representable values and rounding ties.
#[test]
fn near_exact_random() {
    let mut r = Rng::new(5);
    for _ in 0..cases() / 2 {
        let (a, b) = gen_f64_pair(&mut r);
        let (x, y) = (f64::from_bits(a), f64::from_bits(b));
        let p = (x * y).to_bits();
        check_f64_binary(p, b);
        check_f64_binary(p, a);
        check_f64_unary(p);
        let sq = (x * x).to_bits();
        check_f64_unary(sq);
        check_f64_unary(sq.wrapping_add(1));
        check_f64_unary(sq.wrapping_sub(1));
        let s = (x + y).to_bits();
        check_f64_binary(s, a);
        check_f64_binary(s, b);

        let (a, b) = gen_f32_pair(&mut r);
        let (x, y) = (f32::from_bits(a), f32::from_bits(b));
        let p = (x * y).to_bits();
        check_f32_binary(p, b);
        check_f32_binary(p, a);
        let sq = (x * x).to_bits();
        check_f32_unary(sq.wrapping_add(1));
        let s = (x + y).to_bits();
        check_f32_binary(s, a);
        check_f32_binary(s, b);
        // f64 values that are near f32 rounding boundaries (demote ties).
        let w = ((x as f64).to_bits() ^ (r.next() & 0x1FFF_FFFF)) | (1 << 28);
        check_f64_unary(w);
    }
}

#[test]
fn edge_cross_products() {
    for &a in F32_EDGE {
        check_f32_unary(a);
        for &b in F32_EDGE {
            check_f32_binary(a, b);
        }
    }
    for &a in F64_EDGE {
        check_f64_unary(a);
        for &b in F64_EDGE {
            check_f64_binary(a, b);
        }
    }
}

#[test]
fn spot_values() {
    // Canonical NaN generation.
    assert_eq!(sf::f32_sub(0x7F80_0000, 0x7F80_0000), 0x7FC0_0000);
    assert_eq!(sf::f32_mul(0x0000_0000, 0xFF80_0000), 0x7FC0_0000);
    assert_eq!(sf::f32_div(0x8000_0000, 0x0000_0000), 0x7FC0_0000);
    assert_eq!(sf::f32_sqrt(0xBF80_0000), 0x7FC0_0000);
    assert_eq!(sf::f64_sqrt(0xBFF0_0000_0000_0000), 0x7FF8_0000_0000_0000);
    assert_eq!(
        sf::f64_add(0xFFF0_0000_0000_0000, 0x7FF0_0000_0000_0000),
        0x7FF8_0000_0000_0000
    );
    // First NaN operand wins, quieted.
    assert_eq!(sf::f32_add(0xFF80_0001, 0x7FC0_1234), 0xFFC0_0001);
    assert_eq!(sf::f32_sub(0x3F80_0000, 0x7F80_0005), 0x7FC0_0005);
    assert_eq!(
        sf::f64_min(0x7FF0_0000_0000_0001, 0x7FF8_0000_0000_0002),
        0x7FF8_0000_0000_0001
    );
    // Bit ops never canonicalize.
    assert_eq!(sf::f32_neg(0x7F80_0001), 0xFF80_0001);
    assert_eq!(sf::f64_abs(0xFFF0_0000_0000_0001), 0x7FF0_0000_0000_0001);
    assert_eq!(sf::f32_copysign(0x7F80_0001, 0x8000_0000), 0xFF80_0001);
    // Signed zeros.
    assert_eq!(sf::f32_min(0x0000_0000, 0x8000_0000), 0x8000_0000);
    assert_eq!(sf::f32_max(0x8000_0000, 0x0000_0000), 0x0000_0000);
    assert_eq!(sf::f32_ceil(0xBF00_0000), 0x8000_0000); // ceil(-0.5) = -0
    assert_eq!(
        sf::f64_nearest(0xBFE0_0000_0000_0000),
        0x8000_0000_0000_0000
    ); // nearest(-0.5) = -0
    assert_eq!(
        sf::f64_nearest(0x4004_0000_0000_0000),
        0x4000_0000_0000_0000
    ); // nearest(2.5) = 2
       // Conversions.
    assert_eq!(sf::i32_trunc_f32_s(0xCF00_0000), Ok(i32::MIN));
    assert_eq!(
        sf::i32_trunc_f32_s(0x4F00_0000),
        Err(FloatToIntError::Overflow)
    );
    assert_eq!(sf::i32_trunc_f64_u(0xBFEF_FFFF_FFFF_FFFF), Ok(0)); // -0.99.. -> 0
    assert_eq!(
        sf::i64_trunc_f64_s(0x7FF8_0000_0000_0000),
        Err(FloatToIntError::NaN)
    );
    assert_eq!(sf::i64_trunc_sat_f64_u(0x7FF0_0000_0000_0000), u64::MAX);
    assert_eq!(sf::f32_convert_i64_u(u64::MAX), 0x5F80_0000);
    assert_eq!(sf::f32_demote_f64(0x47EF_FFFF_F000_0000), 0x7F80_0000); // rounds to inf
}

/// Every f32 bit pattern through every f32 unary op (and every u32/i32 through the i32
/// conversions). Run with `cargo test --release -p softfloat-tests -- --ignored`.
#[test]
#[ignore]
fn f32_unary_exhaustive() {
    let threads: u64 = std::env::var("SOFTFLOAT_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let span = (1u64 << 32) / threads;
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            std::thread::spawn(move || {
                let lo = t * span;
                let hi = if t + 1 == threads {
                    1u64 << 32
                } else {
                    lo + span
                };
                for x in lo..hi {
                    check_f32_unary(x as u32);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("worker panicked");
    }
}

/// Rough per-op cost (ns/op) of the soft-float routines on typical (normal, finite) operands.
/// Run with `cargo test --release -p softfloat-tests -- --ignored --nocapture bench`.
#[test]
#[ignore]
fn bench_ns_per_op() {
    use std::hint::black_box;
    use std::time::Instant;
    const N: usize = 4096;
    const ROUNDS: usize = 400;
    /// Best of REPS timings (the machine is shared).
    const REPS: usize = 7;
    let mut r = Rng::new(99);
    // Finite normals in a moderate range, both signs.
    let a32: Vec<u32> = (0..N)
        .map(|_| ((r.next() as u32) & 0x807F_FFFF) | ((100 + r.below(56) as u32) << 23))
        .collect();
    let b32: Vec<u32> = (0..N)
        .map(|_| ((r.next() as u32) & 0x807F_FFFF) | ((100 + r.below(56) as u32) << 23))
        .collect();
    let a64: Vec<u64> = (0..N)
        .map(|_| (r.next() & 0x800F_FFFF_FFFF_FFFF) | ((1000 + r.below(48)) << 52))
        .collect();
    let b64: Vec<u64> = (0..N)
        .map(|_| (r.next() & 0x800F_FFFF_FFFF_FFFF) | ((1000 + r.below(48)) << 52))
        .collect();
    macro_rules! bench2 {
        ($name:expr, $f:path, $a:expr, $b:expr) => {{
            let mut best = f64::MAX;
            for _ in 0..REPS {
                let t = Instant::now();
                let mut acc = 0u64;
                for _ in 0..ROUNDS {
                    for (x, y) in $a.iter().zip($b.iter()) {
                        acc = acc.wrapping_add($f(black_box(*x), black_box(*y)) as u64);
                    }
                }
                black_box(acc);
                best = best.min(t.elapsed().as_nanos() as f64 / (ROUNDS * N) as f64);
            }
            println!("{:<22} {:6.2} ns/op", $name, best);
        }};
    }
    macro_rules! bench1 {
        ($name:expr, $f:path, $a:expr) => {{
            let mut best = f64::MAX;
            for _ in 0..REPS {
                let t = Instant::now();
                let mut acc = 0u64;
                for _ in 0..ROUNDS {
                    for x in $a.iter() {
                        acc = acc.wrapping_add($f(black_box(*x)) as u64);
                    }
                }
                black_box(acc);
                best = best.min(t.elapsed().as_nanos() as f64 / (ROUNDS * N) as f64);
            }
            println!("{:<22} {:6.2} ns/op", $name, best);
        }};
    }
    // Latency: a dependent chain (like an interpreter's accumulator), acc = f(acc, x).
    macro_rules! bench_chain {
        ($name:expr, $f:path, $init:expr, $a:expr) => {{
            let mut best = f64::MAX;
            for _ in 0..REPS {
                let t = Instant::now();
                let mut sink = 0u64;
                for _ in 0..ROUNDS {
                    let mut acc = $init;
                    for x in $a.iter() {
                        acc = $f(acc, black_box(*x));
                    }
                    sink = sink.wrapping_add(acc as u64);
                }
                black_box(sink);
                best = best.min(t.elapsed().as_nanos() as f64 / (ROUNDS * N) as f64);
            }
            println!("{:<22} {:6.2} ns/op", $name, best);
        }};
    }
    // Addends: small magnitudes of both signs; factors: in [0.5, 2), so chains stay normal.
    let add32: Vec<u32> = (0..N)
        .map(|_| ((r.next() as u32) & 0x807F_FFFF) | ((120 + r.below(8) as u32) << 23))
        .collect();
    let mul32: Vec<u32> = (0..N)
        .map(|_| ((r.next() as u32) & 0x007F_FFFF) | ((126 + r.below(2) as u32) << 23))
        .collect();
    let add64: Vec<u64> = (0..N)
        .map(|_| (r.next() & 0x800F_FFFF_FFFF_FFFF) | ((1016 + r.below(8)) << 52))
        .collect();
    let mul64: Vec<u64> = (0..N)
        .map(|_| (r.next() & 0x000F_FFFF_FFFF_FFFF) | ((1022 + r.below(2)) << 52))
        .collect();
    bench_chain!("f32_add_chain", sf::f32_add, 0x4120_0000u32, add32);
    bench_chain!("f32_mul_chain", sf::f32_mul, 0x3F80_0000u32, mul32);
    bench_chain!(
        "f64_add_chain",
        sf::f64_add,
        0x4024_0000_0000_0000u64,
        add64
    );
    bench_chain!(
        "f64_mul_chain",
        sf::f64_mul,
        0x3FF0_0000_0000_0000u64,
        mul64
    );
    bench2!("f32_add", sf::f32_add, a32, b32);
    bench2!("f32_sub", sf::f32_sub, a32, b32);
    bench2!("f32_mul", sf::f32_mul, a32, b32);
    bench2!("f32_div", sf::f32_div, a32, b32);
    bench1!("f32_sqrt", sf::f32_sqrt, a32);
    bench1!("f32_nearest", sf::f32_nearest, a32);
    bench2!("f32_lt", sf::f32_lt, a32, b32);
    bench2!("f32_min", sf::f32_min, a32, b32);
    bench2!("f64_add", sf::f64_add, a64, b64);
    bench2!("f64_sub", sf::f64_sub, a64, b64);
    bench2!("f64_mul", sf::f64_mul, a64, b64);
    bench2!("f64_div", sf::f64_div, a64, b64);
    bench1!("f64_sqrt", sf::f64_sqrt, a64);
    bench1!("f64_nearest", sf::f64_nearest, a64);
    bench2!("f64_lt", sf::f64_lt, a64, b64);
    bench1!("f32_demote_f64", sf::f32_demote_f64, a64);
    bench1!("f64_promote_f32", sf::f64_promote_f32, a32);
    bench1!("i64_trunc_sat_f64_s", sf::i64_trunc_sat_f64_s, a64);
    bench1!(
        "f64_convert_i64_s",
        sf::f64_convert_i64_s,
        a64.iter().map(|&x| x as i64).collect::<Vec<_>>()
    );
}

// ------------------------------------------------------------------------------------------
// Fast-path boundaries (add/sub alignment without a sticky bit, mul rounding without a sticky
// bit, zero operands on the general path)
// ------------------------------------------------------------------------------------------

/// Random fraction of `sig` bits with patterns that make exact ties and near-ties likely.
fn pattern_frac(r: &mut Rng, sig: u32) -> u64 {
    let mask = (1u64 << sig) - 1;
    let f = r.next() & mask;
    match r.below(6) {
        0 => 0,
        1 => mask,
        2 => f & !(mask >> r.below(u64::from(sig) + 1)), // top bits only
        3 => f & (mask >> r.below(u64::from(sig) + 1)),  // bottom bits only
        4 => 1 << r.below(u64::from(sig)),
        _ => f,
    }
}

/// f32 add/sub with every exponent difference from 0 to 70 (the `u64` fast path clamps the
/// alignment shift at 39, and anything beyond 25 is sticky-only), both signs, exponents
/// across the range including the subnormal and overflow edges.
#[test]
fn f32_add_alignment_boundaries() {
    let mut r = Rng::new(31);
    let n = stress_cases() / 4;
    for i in 0..n {
        let d = (i % 71) as i64;
        let ex = match r.below(4) {
            0 => 1 + r.below(40) as i64,
            1 => 254 - r.below(4) as i64,
            _ => 1 + r.below(254) as i64,
        };
        let ey = (ex - d).max(0);
        let sx = if r.bool() { 0x8000_0000u32 } else { 0 };
        let sy = if r.bool() { 0x8000_0000u32 } else { 0 };
        let a = sx | ((ex as u32) << 23) | pattern_frac(&mut r, 23) as u32;
        let b = sy | ((ey as u32) << 23) | pattern_frac(&mut r, 23) as u32;
        let (a, b) = if r.bool() { (a, b) } else { (b, a) };
        let (x, y) = (f32::from_bits(a), f32::from_bits(b));
        check32("f32_add", &[a, b], sf::f32_add(a, b), (x + y).to_bits());
        check32("f32_sub", &[a, b], sf::f32_sub(a, b), (x - y).to_bits());
    }
}

/// f64 add/sub around the jam-free alignment limit (exponent differences 0..=12 exact, more
/// jammed) and far beyond it.
#[test]
fn f64_add_alignment_boundaries() {
    let mut r = Rng::new(32);
    let n = stress_cases() / 4;
    for i in 0..n {
        let d = match i % 3 {
            0 => r.below(14) as i64,
            1 => 8 + r.below(6) as i64,
            _ => r.below(70) as i64,
        };
        let ex = match r.below(4) {
            0 => 1 + r.below(70) as i64,
            1 => 2046 - r.below(4) as i64,
            _ => 1 + r.below(2046) as i64,
        };
        let ey = (ex - d).max(0);
        let sx = if r.bool() { 1u64 << 63 } else { 0 };
        let sy = if r.bool() { 1u64 << 63 } else { 0 };
        let a = sx | ((ex as u64) << 52) | pattern_frac(&mut r, 52);
        let b = sy | ((ey as u64) << 52) | pattern_frac(&mut r, 52);
        let (a, b) = if r.bool() { (a, b) } else { (b, a) };
        let (x, y) = (f64::from_bits(a), f64::from_bits(b));
        check64("f64_add", &[a, b], sf::f64_add(a, b), (x + y).to_bits());
        check64("f64_sub", &[a, b], sf::f64_sub(a, b), (x - y).to_bits());
    }
}

/// Products whose round bits are exactly one half (exact ties and ties broken by the low
/// product half, which the f64 fast path hands to the general code), next to them (one unit
/// above/below half), and near the overflow/subnormal edges. Checks that the generator
/// actually hits the exact-half case for f64.
#[test]
fn mul_rounding_boundaries() {
    let mut r = Rng::new(33);
    let n = stress_cases() / 4;
    let mut half_hits = 0u64;
    for _ in 0..n {
        // Significands with t1 and t2 significant bits (t1 + t2 around 54..56 for f64 and
        // 25..27 for f32 makes the product's round bits land on small patterns, often half).
        let mk64 = |r: &mut Rng, t: u32| -> u64 {
            let t = t.clamp(1, 53);
            let m = (r.next() >> (64 - t)) | (1 << (t - 1)) | 1; // t bits, odd
            (m << (53 - t)) & ((1 << 52) - 1)
        };
        let t1 = 1 + r.below(53) as u32;
        let t2 = (54 + r.below(3) as u32).saturating_sub(t1).max(1);
        let ea = 1 + r.below(2046);
        let eb = match r.below(4) {
            0 => (1023 + 2046 - ea).clamp(1, 2046) - r.below(3),
            1 => (1023 + 1 - ea as i64).clamp(1, 2046) as u64 + r.below(60),
            _ => 1 + r.below(2046),
        }
        .clamp(1, 2046);
        let sa = if r.bool() { 1u64 << 63 } else { 0 };
        let a = sa | (ea << 52) | mk64(&mut r, t1);
        let b = (eb << 52) | mk64(&mut r, t2);
        let ma = u128::from((a & ((1 << 52) - 1)) | (1 << 52));
        let mb = u128::from((b & ((1 << 52) - 1)) | (1 << 52));
        let p = ma * mb; // 105 or 106 bits
        let shift = if p >> 105 != 0 { 53 } else { 52 };
        if (p >> (shift - 1)) & 1 == 1 && (p & ((1u128 << (shift - 1)) - 1)) >> (shift - 12) == 0 {
            half_hits += 1;
        }
        let (x, y) = (f64::from_bits(a), f64::from_bits(b));
        check64("f64_mul", &[a, b], sf::f64_mul(a, b), (x * y).to_bits());

        let mk32 = |r: &mut Rng, t: u32| -> u32 {
            let t = t.clamp(1, 24);
            let m = ((r.next() >> (64 - t)) as u32) | (1 << (t - 1)) | 1;
            (m << (24 - t)) & ((1 << 23) - 1)
        };
        let t1 = 1 + r.below(24) as u32;
        let t2 = (25 + r.below(3) as u32).saturating_sub(t1).max(1);
        let ea = 1 + r.below(254) as u32;
        let eb = match r.below(4) {
            0 => (127 + 254 - ea as i64).clamp(1, 254) as u32,
            1 => ((127 + 1 - ea as i64).clamp(1, 254) as u32 + r.below(30) as u32).min(254),
            _ => 1 + r.below(254) as u32,
        };
        let sa = if r.bool() { 0x8000_0000u32 } else { 0 };
        let a = sa | (ea << 23) | mk32(&mut r, t1);
        let b = (eb << 23) | mk32(&mut r, t2);
        let (x, y) = (f32::from_bits(a), f32::from_bits(b));
        check32("f32_mul", &[a, b], sf::f32_mul(a, b), (x * y).to_bits());
    }
    assert!(
        half_hits > n / 100,
        "exact-half round bits hit only {half_hits} times"
    );
}

/// add/sub with a +-0 operand against every kind of other operand (zeros, subnormals,
/// normals, the largest finite values, infinities, NaNs with payloads), both orders.
#[test]
fn add_zero_operands() {
    let mut r = Rng::new(34);
    for _ in 0..stress_cases() / 16 {
        let z32 = if r.bool() { 0x8000_0000u32 } else { 0 };
        let s32 = if r.bool() { 0x8000_0000u32 } else { 0 };
        let f = r.next() as u32 & 0x007F_FFFF;
        let o32 = s32
            | match r.below(6) {
                0 => 0,
                1 => f,
                2 => 0x7F80_0000,
                3 => 0x7F80_0000 | f.max(1),
                4 => 0x7F7F_FFFF,
                _ => r.next() as u32 & 0x7FFF_FFFF,
            };
        for (a, b) in [(z32, o32), (o32, z32)] {
            let (x, y) = (f32::from_bits(a), f32::from_bits(b));
            check32("f32_add", &[a, b], sf::f32_add(a, b), (x + y).to_bits());
            check32("f32_sub", &[a, b], sf::f32_sub(a, b), (x - y).to_bits());
        }
        let z64 = if r.bool() { 1u64 << 63 } else { 0 };
        let s64 = if r.bool() { 1u64 << 63 } else { 0 };
        let f = r.next() & ((1 << 52) - 1);
        let o64 = s64
            | match r.below(6) {
                0 => 0,
                1 => f,
                2 => 0x7FF0_0000_0000_0000,
                3 => 0x7FF0_0000_0000_0000 | f.max(1),
                4 => 0x7FEF_FFFF_FFFF_FFFF,
                _ => r.next() & 0x7FFF_FFFF_FFFF_FFFF,
            };
        for (a, b) in [(z64, o64), (o64, z64)] {
            let (x, y) = (f64::from_bits(a), f64::from_bits(b));
            check64("f64_add", &[a, b], sf::f64_add(a, b), (x + y).to_bits());
            check64("f64_sub", &[a, b], sf::f64_sub(a, b), (x - y).to_bits());
        }
    }
}

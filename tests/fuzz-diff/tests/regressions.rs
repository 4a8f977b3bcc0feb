//! Regression inputs from fuzzing. Each checks our engine (and the wasmi 0.31 referee) against the
//! spec answer; wasmi 2.0.0's own answers are recorded in comments only.

use bench_engine::{ours, SetupError, Value};

/// `x / select(1, v, i32.eqz v)`, the divisor guard wasm-smith's `disallow_traps` emits:
/// ```wat
/// (module
///   (func $F (export "F") (param i32 i32) (result i32)
///     local.get 1  i32.const 1  local.get 0  local.get 0  i32.eqz  select  i32.div_u)
///   (func (export "F_2_10") (result i32) i32.const 2 i32.const 10 call $F)          ;; wasmi 2.0.0: 10
///   (func (export "F_31_65536") (result i32) i32.const 31 i32.const 65536 call $F)  ;; wasmi 2.0.0: 65536
///   (func (export "F_0_5") (result i32) i32.const 0 i32.const 5 call $F)
///   (memory 1 1)
///   (func (export "D0") (result i32) (local i32)                                   ;; wasmi 2.0.0: traps
///     memory.size  i32.const 1  local.get 0  local.get 0  i32.eqz  select  i32.div_u))
/// ```
const SELECT_EQZ_DIV: &[u8] = &[
    0, 97, 115, 109, 1, 0, 0, 0, 1, 11, 2, 96, 2, 127, 127, 1, 127, 96, 0, 1, 127, 3, 6, 5, 0, 1,
    1, 1, 1, 5, 4, 1, 1, 1, 1, 7, 40, 5, 1, 70, 0, 0, 6, 70, 95, 50, 95, 49, 48, 0, 1, 10, 70, 95,
    51, 49, 95, 54, 53, 53, 51, 54, 0, 2, 5, 70, 95, 48, 95, 53, 0, 3, 2, 68, 48, 0, 4, 10, 60, 5,
    13, 0, 32, 1, 65, 1, 32, 0, 32, 0, 69, 27, 110, 11, 8, 0, 65, 2, 65, 10, 16, 0, 11, 10, 0, 65,
    31, 65, 128, 128, 4, 16, 0, 11, 8, 0, 65, 0, 65, 5, 16, 0, 11, 15, 1, 1, 127, 63, 0, 65, 1, 32,
    0, 32, 0, 69, 27, 110, 11,
];

const EXPECTED: &[(&str, i32)] = &[("F_2_10", 5), ("F_31_65536", 2114), ("F_0_5", 5), ("D0", 1)];

#[test]
fn select_eqz_divisor_guard() {
    let mut fuel = 10_000;
    let r = ours::with_instance(SELECT_EQZ_DIV, &mut fuel, |s| {
        for (name, want) in EXPECTED {
            let idx = s.find(name).expect("export");
            let mut fuel = 10_000;
            assert_eq!(
                s.call(idx, &[], &mut fuel),
                Ok(vec![Value::I32(*want)]),
                "ours {name}"
            );
        }
    });
    match r {
        Ok(()) | Err(SetupError::Unavailable(_)) => {}
        Err(e) => panic!("ours: {e}"),
    }
    for (name, want) in EXPECTED {
        let got = fuzz_diff::referee::replay(SELECT_EQZ_DIV, 10_000, &[(name.to_string(), vec![])]);
        assert_eq!(
            got.map(|o| o.0),
            Some(Ok(vec![Value::I32(*want)])),
            "referee {name}"
        );
    }
}

/// The same guard in a start function, with the result left in a global and no call made: the
/// referee used to stay "undecided" when no call preceded the comparison (a finding of a 1M run).
/// ```wat
/// (module
///   (global (export "g") (mut i32) (i32.const 0))
///   (func $start (local i32 i32)
///     i32.const 1023  i32.const -129  local.set 0
///     i32.const 1  local.get 0  local.get 0  i32.eqz  select  local.set 0   ;; -129
///     local.set 1                                                          ;; 1023
///     local.get 1  local.get 0  i32.rem_s  global.get 0  i32.xor  global.set 0)
///   (start $start))                                                        ;; g = 120, wasmi 2.0.0: 0
/// ```
const START_GLOBAL: &[u8] = &[
    0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 6, 6, 1, 127, 1, 65, 0, 11, 7, 5,
    1, 1, 103, 3, 0, 8, 1, 0, 10, 36, 1, 34, 1, 2, 127, 65, 255, 7, 65, 255, 126, 33, 0, 65, 1, 32,
    0, 32, 0, 69, 27, 33, 0, 33, 1, 32, 1, 32, 0, 111, 35, 0, 115, 36, 0, 11,
];

#[test]
fn start_function_global_without_calls() {
    let want = vec![("g".to_string(), Value::I32(120))];
    let mut fuel = 10_000;
    match ours::with_instance(START_GLOBAL, &mut fuel, |s| s.globals()) {
        Ok(g) => assert_eq!(g, want, "ours"),
        Err(SetupError::Unavailable(_)) => {}
        Err(e) => panic!("ours: {e}"),
    }
    let got = fuzz_diff::referee::replay(START_GLOBAL, 10_000, &[]);
    assert_eq!(got.map(|o| o.2), Some(want), "referee");
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Unit tests for the engine through its public API.
#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use super::*;
use std::vec;
use std::vec::Vec;

fn wat(src: &str) -> Vec<u8> {
    let buf = wast::parser::ParseBuffer::new(src).unwrap();
    let mut m = wast::parser::parse::<wast::Wat>(&buf).unwrap();
    m.encode().unwrap()
}

struct TestImports;
impl Imports for TestImports {
    fn resolve_func(
        &self,
        module: &str,
        name: &str,
        params: &[ValType],
        results: &[ValType],
    ) -> Option<u32> {
        match (module, name, params, results) {
            ("env", "double_at", [ValType::I32], [ValType::I32]) => Some(7),
            ("env", "fail", [], []) => Some(8),
            _ => None,
        }
    }
}

#[derive(Default)]
struct TestHost {
    calls: u32,
}
impl Host for TestHost {
    fn call(
        &mut self,
        id: u32,
        mem: &mut [u8],
        args: &[Val],
        results: &mut [Val],
    ) -> Result<(), Trap> {
        self.calls += 1;
        match id {
            7 => {
                let Val::I32(addr) = args[0] else {
                    return Err(Trap::Host(1));
                };
                let a = addr as usize;
                let v =
                    u32::from_le_bytes(mem.get(a..a + 4).ok_or(Trap::Host(2))?.try_into().unwrap());
                mem[a..a + 4].copy_from_slice(&(v * 2).to_le_bytes());
                results[0] = Val::I32(v as i32);
                Ok(())
            }
            8 => Err(Trap::Host(42)),
            _ => Err(Trap::Host(0)),
        }
    }
}

/// Compiles with exactly the planned buffer sizes.
fn build(wasm: &[u8], limits: &Limits) -> (Vec<u8>, usize) {
    let p = plan(wasm, limits, &TestImports).unwrap();
    let mut mbuf = vec![0u8; p.module_bytes];
    let ib = {
        let m = Module::compile(wasm, limits, &TestImports, &mut mbuf).unwrap();
        assert!(
            m.instance_bytes() <= p.instance_bytes,
            "plan instance size too small"
        );
        m.instance_bytes()
    };
    (mbuf, ib)
}

fn run1(src: &str, func: &str, args: &[Val], nres: usize, fuel: u64) -> Result<Vec<Val>, Trap> {
    let wasm = wat(src);
    let limits = Limits::DEFAULT;
    let p = plan(&wasm, &limits, &TestImports).unwrap();
    let mut mbuf = vec![0u8; p.module_bytes];
    let m = Module::compile(&wasm, &limits, &TestImports, &mut mbuf).unwrap();
    let mut ibuf = vec![0u8; p.instance_bytes];
    let mut f = fuel;
    let mut host = TestHost::default();
    let mut inst = Instance::new(&m, &mut ibuf, &mut f, &mut host).unwrap();
    let mut out = vec![Val::I32(0); nres];
    inst.invoke(
        m.export_func(func).unwrap(),
        args,
        &mut out,
        &mut f,
        &mut host,
    )?;
    Ok(out)
}

#[test]
fn error_is_small() {
    assert!(core::mem::size_of::<Error>() <= 16);
    assert!(core::mem::size_of::<Trap>() <= 8);
}

#[test]
fn integer_arith_and_control() {
    let src = r#"(module
      (func $fac (export "fac") (param i64) (result i64)
        (if (result i64) (i64.eqz (local.get 0))
          (then (i64.const 1))
          (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
      (func (export "sum") (param i32) (result i32) (local i32)
        (block $done (loop $l
          (br_if $done (i32.eqz (local.get 0)))
          (local.set 1 (i32.add (local.get 1) (local.get 0)))
          (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
          (br $l)))
        (local.get 1))
      (func (export "tbl") (param i32) (result i32)
        (block (block (block (br_table 0 1 2 (local.get 0))) (return (i32.const 10))) (return (i32.const 11)))
        (i32.const 12))
      (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))"#;
    assert_eq!(
        run1(src, "fac", &[Val::I64(20)], 1, 1_000_000).unwrap(),
        vec![Val::I64(2432902008176640000)]
    );
    assert_eq!(
        run1(src, "sum", &[Val::I32(100)], 1, 1_000_000).unwrap(),
        vec![Val::I32(5050)]
    );
    for (i, r) in [(0, 10), (1, 11), (2, 12), (99, 12)] {
        assert_eq!(
            run1(src, "tbl", &[Val::I32(i)], 1, 1000).unwrap(),
            vec![Val::I32(r)]
        );
    }
    assert_eq!(
        run1(src, "div", &[Val::I32(1), Val::I32(0)], 1, 1000),
        Err(Trap::IntegerDivideByZero)
    );
    assert_eq!(
        run1(src, "div", &[Val::I32(i32::MIN), Val::I32(-1)], 1, 1000),
        Err(Trap::IntegerOverflow)
    );
}

#[test]
fn infinite_loop_runs_out_of_fuel_and_instance_is_reusable() {
    let wasm = wat(r#"(module
      (global $g (mut i32) (i32.const 0))
      (func (export "spin") (loop $l (global.set $g (i32.add (global.get $g) (i32.const 1))) (br $l)))
      (func (export "get") (result i32) (global.get $g)))"#);
    let limits = Limits::DEFAULT;
    let (mut mbuf, ib) = build(&wasm, &limits);
    let m = Module::compile(&wasm, &limits, &TestImports, &mut mbuf).unwrap();
    let mut ibuf = vec![0u8; ib];
    let mut host = TestHost::default();
    let mut fuel = 10_000u64;
    let mut inst = Instance::new(&m, &mut ibuf, &mut fuel, &mut host).unwrap();
    let spin = m.export_func("spin").unwrap();
    assert_eq!(
        inst.invoke(spin, &[], &mut [], &mut fuel, &mut host),
        Err(Trap::OutOfFuel)
    );
    assert!(fuel < 10);
    let mut out = [Val::I32(0)];
    let mut fuel2 = 100;
    inst.invoke(
        m.export_func("get").unwrap(),
        &[],
        &mut out,
        &mut fuel2,
        &mut host,
    )
    .unwrap();
    let Val::I32(n) = out[0] else { panic!() };
    assert!(n > 100, "loop made progress: {n}");
    // fuel accounting is deterministic
    let mut fuel3 = 10_000u64;
    assert_eq!(
        inst.invoke(spin, &[], &mut [], &mut fuel3, &mut host),
        Err(Trap::OutOfFuel)
    );
    assert_eq!(fuel3, fuel);
}

#[test]
fn calls_pay_fuel_for_the_locals_they_zero() {
    // Each call of $wide zeroes its locals. It used to cost the same fuel as a call of an
    // empty function (one unit per block), so 1 M fuel bought ~250 000 calls of a function
    // with 16 000 locals: ~10 s of work.
    let module = |locals: usize| {
        wat(&format!(
            r#"(module
          (global $n (mut i32) (i32.const 0))
          (func $wide {})
          (func (export "spin") (loop $l (call $wide) (global.set $n (i32.add (global.get $n) (i32.const 1))) (br $l)))
          (func (export "n") (result i32) (global.get $n)))"#,
            "(local i64) ".repeat(locals)
        ))
    };
    let (wasm, many) = (module(40), module(16_000));
    let limits = Limits::DEFAULT;
    for (w, locals) in [(&wasm, 40u64), (&many, 16_000)] {
        let (mut mbuf, ib) = build(w, &limits);
        let m = Module::compile(w, &limits, &TestImports, &mut mbuf).unwrap();
        let mut ibuf = vec![0u8; ib];
        let mut host = TestHost::default();
        let mut fuel = 1_000_000u64;
        let mut inst = Instance::new(&m, &mut ibuf, &mut fuel, &mut host).unwrap();
        let mut fuel = 1_000_000u64;
        assert_eq!(
            inst.invoke(
                m.export_func("spin").unwrap(),
                &[],
                &mut [],
                &mut fuel,
                &mut host
            ),
            Err(Trap::OutOfFuel)
        );
        let mut out = [Val::I32(0)];
        let mut f2 = 100;
        inst.invoke(
            m.export_func("n").unwrap(),
            &[],
            &mut out,
            &mut f2,
            &mut host,
        )
        .unwrap();
        let Val::I32(n) = out[0] else { panic!() };
        // each iteration: the call's entry block (locals / LOCALS_PER_FUEL) plus the loop body
        let per_call = locals / limits::LOCALS_PER_FUEL;
        assert!(n > 0, "{locals} locals: no call completed");
        assert!(
            (n as u64) * per_call <= 1_000_000,
            "{locals} locals: {n} calls on 1 M fuel, but each must cost >= {per_call}"
        );
    }
}

#[test]
fn deep_recursion_is_call_stack_exhausted() {
    let src = r#"(module (func $r (export "r") (param i32) (result i32)
        (i32.add (i32.const 1) (call $r (local.get 0)))))"#;
    assert_eq!(
        run1(src, "r", &[Val::I32(0)], 1, u64::MAX),
        Err(Trap::CallStackExhausted)
    );
}

#[test]
fn host_function_reads_and_writes_memory_and_traps() {
    let src = r#"(module
      (import "env" "double_at" (func $d (param i32) (result i32)))
      (import "env" "fail" (func $fail))
      (memory (export "mem") 1)
      (data (i32.const 16) "\15\00\00\00")
      (func (export "go") (result i32 i32) (call $d (i32.const 16)) (i32.load (i32.const 16)))
      (func (export "bad") (call $fail))
      (func (export "oob") (result i32) (call $d (i32.const 65534))))"#;
    assert_eq!(
        run1(src, "go", &[], 2, 1000).unwrap(),
        vec![Val::I32(21), Val::I32(42)]
    );
    assert_eq!(run1(src, "bad", &[], 0, 1000), Err(Trap::Host(42)));
    assert_eq!(run1(src, "oob", &[], 1, 1000), Err(Trap::Host(2)));
}

#[test]
fn memory_is_bounds_checked_and_grow_is_limited() {
    let src = r#"(module (memory 1)
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;
    assert_eq!(
        run1(src, "load", &[Val::I32(65532)], 1, 100).unwrap(),
        vec![Val::I32(0)]
    );
    assert_eq!(
        run1(src, "load", &[Val::I32(65533)], 1, 100),
        Err(Trap::MemoryOutOfBounds)
    );
    assert_eq!(
        run1(src, "load", &[Val::I32(-1)], 1, 100),
        Err(Trap::MemoryOutOfBounds)
    );
    assert_eq!(
        run1(src, "grow", &[Val::I32(1)], 1, 10_000).unwrap(),
        vec![Val::I32(1)]
    );
    let max = Limits::DEFAULT.max_memory_pages as i32;
    assert_eq!(
        run1(src, "grow", &[Val::I32(max)], 1, 100).unwrap(),
        vec![Val::I32(-1)]
    );
}

#[test]
fn limits_are_errors_not_crashes() {
    let limits = Limits {
        max_memory_pages: 2,
        ..Limits::DEFAULT
    };
    let wasm = wat("(module (memory 3))");
    let e = plan(&wasm, &limits, &TestImports).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::LimitExceeded);
    // too-small buffers
    let wasm = wat(r#"(module (func (export "f") (result i32) (i32.const 1)))"#);
    let p = plan(&wasm, &limits, &TestImports).unwrap();
    let mut small = vec![0u8; p.module_bytes - 1];
    let e = Module::compile(&wasm, &limits, &TestImports, &mut small).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BufferTooSmall);
    let mut mbuf = vec![0u8; p.module_bytes];
    let m = Module::compile(&wasm, &limits, &TestImports, &mut mbuf).unwrap();
    let mut ib = vec![0u8; m.instance_bytes() - 1];
    let e = Instance::new(&m, &mut ib, &mut 100, &mut TestHost::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BufferTooSmall);
    // unknown import: plan sizes the module, compile resolves function imports
    let wasm = wat(r#"(module (import "env" "nope" (func)))"#);
    let p = plan(&wasm, &limits, &TestImports).unwrap();
    let mut mbuf = vec![0u8; p.module_bytes];
    assert_eq!(
        Module::compile(&wasm, &limits, &TestImports, &mut mbuf)
            .unwrap_err()
            .kind(),
        ErrorKind::UnknownImport
    );
    // garbage and truncated input never panic
    for n in 0..wasm.len() {
        let _ = plan(&wasm[..n], &limits, &TestImports);
    }
    let big = wat(
        r#"(module (memory 1) (func (export "f") (param i32) (result i32)
        (block (result i32) (loop (result i32) (br_table 0 1 (local.get 0) (local.get 0))))))"#,
    );
    for i in 0..big.len() {
        for b in [0u8, 0xff, 0x7f, 0x80, 0x0b] {
            let mut w = big.clone();
            w[i] = b;
            if let Ok(p) = plan(&w, &limits, &TestImports) {
                let mut mb = vec![0u8; p.module_bytes];
                if let Ok(m) = Module::compile(&w, &limits, &TestImports, &mut mb) {
                    let mut ib = vec![0u8; m.instance_bytes()];
                    let mut fuel = 1000;
                    let mut h = TestHost::default();
                    if let Ok(mut inst) = Instance::new(&m, &mut ib, &mut fuel, &mut h) {
                        if let Some(f) = m.export_func("f") {
                            let _ = inst.invoke(
                                f,
                                &[Val::I32(1)],
                                &mut [Val::I32(0)],
                                &mut fuel,
                                &mut h,
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn plan_sizes_are_sufficient() {
    let srcs = [
        "(module)",
        r#"(module (memory 1 2) (table 3 funcref) (global (mut i64) (i64.const 5))
            (elem (i32.const 0) $a $a) (data (i32.const 1) "abc")
            (func $a (export "a") (param i32 i64 f32) (result i32 i64) (local f64 i32)
              (local.get 0) (local.get 1)
              (br_table 0 0 0 0 0 0 (i32.const 1)))
            (func (export "b") (result i32) (call_indirect (param i32 i64 f32) (result i32 i64)
               (i32.const 1) (i64.const 2) (f32.const 3) (i32.const 0)) (drop)))"#,
        r#"(module (func (export "e") (if (i32.const 0) (then) (else)) (block (loop (br 1))) (return)))"#,
    ];
    for s in srcs {
        let wasm = wat(s);
        let limits = Limits::DEFAULT;
        let p = plan(&wasm, &limits, &TestImports).unwrap();
        let mut mbuf = vec![0u8; p.module_bytes];
        let m = Module::compile(&wasm, &limits, &TestImports, &mut mbuf).unwrap();
        let mut ibuf = vec![0u8; p.instance_bytes];
        let mut fuel = 1000;
        Instance::new(&m, &mut ibuf, &mut fuel, &mut TestHost::default()).unwrap();
    }
}

#[test]
fn validation_rejects_type_errors() {
    let limits = Limits::DEFAULT;
    for s in [
        "(module (func (result i32) (i64.const 0)))",
        "(module (func (i32.add (i32.const 0))))",
        "(module (func (local.get 0)))",
        "(module (func (br 1)))",
        "(module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))",
    ] {
        let wasm = wat(s);
        let p = plan(&wasm, &limits, &TestImports).unwrap();
        let mut mbuf = vec![0u8; p.module_bytes];
        assert!(
            Module::compile(&wasm, &limits, &TestImports, &mut mbuf).is_err(),
            "{s}"
        );
    }
}

#[test]
fn zero_limits_are_errors_or_traps() {
    let limits = Limits {
        max_memory_pages: 0,
        max_call_depth: 0,
        max_value_stack: 0,
        max_table_elems: 0,
    };
    let wasm = wat(r#"(module (memory 0) (func $g (result i32) (i32.const 1))
        (func (export "f") (result i32) (call $g)))"#);
    let p = plan(&wasm, &limits, &TestImports).unwrap();
    let mut mbuf = vec![0u8; p.module_bytes];
    let m = Module::compile(&wasm, &limits, &TestImports, &mut mbuf);
    // a function that needs stack slots cannot fit a zero-slot value stack
    assert_eq!(m.unwrap_err().kind(), ErrorKind::LimitExceeded);
    let limits = Limits {
        max_value_stack: 8,
        ..limits
    };
    let mut mbuf = vec![0u8; plan(&wasm, &limits, &TestImports).unwrap().module_bytes];
    let m = Module::compile(&wasm, &limits, &TestImports, &mut mbuf).unwrap();
    let mut ibuf = vec![0u8; m.instance_bytes()];
    let mut fuel = 100;
    let mut host = TestHost::default();
    let mut inst = Instance::new(&m, &mut ibuf, &mut fuel, &mut host).unwrap();
    let f = m.export_func("f").unwrap();
    let mut out = [Val::I32(0)];
    assert_eq!(
        inst.invoke(f, &[], &mut out, &mut fuel, &mut host),
        Err(Trap::CallStackExhausted)
    );
    assert_eq!(
        inst.invoke(f, &[Val::I32(1)], &mut out, &mut fuel, &mut host),
        Err(Trap::BadSignature)
    );
    // table larger than the limit
    let wasm = wat("(module (table 1 funcref))");
    assert_eq!(
        plan(&wasm, &limits, &TestImports).unwrap_err().kind(),
        ErrorKind::LimitExceeded
    );
}

#[test]
fn bulk_operations_are_charged_fuel() {
    let src = r#"(module (memory 1)
      (func (export "fill") (param i32) (memory.fill (i32.const 0) (i32.const 7) (local.get 0))))"#;
    // 64 KiB fill costs 1024 extra fuel units
    assert_eq!(
        run1(src, "fill", &[Val::I32(65536)], 0, 1000),
        Err(Trap::OutOfFuel)
    );
    assert_eq!(run1(src, "fill", &[Val::I32(65536)], 0, 2000), Ok(vec![]));
    assert_eq!(run1(src, "fill", &[Val::I32(64)], 0, 100), Ok(vec![]));
}

/// Register-code hazards: pending `local.get` reads must see the value before a later write
/// (by `local.set`/`local.tee`, in a loop, across blocks), retargeted results, constants
/// carried by branches, select on constants.
#[test]
fn register_code_operand_hazards() {
    let src = r#"(module
      (func (export "swap") (param i32 i32) (result i32)
        ;; a b -> b a through pending reads
        local.get 0 local.get 1 local.set 0 local.set 1
        local.get 0 i32.const 16 i32.shl local.get 1 i32.or)
      (func (export "tee") (param i32) (result i32)
        ;; x, (x := x + 1), x  -> old + new*16 + new*256
        local.get 0
        local.get 0 i32.const 1 i32.add local.tee 0 i32.const 16 i32.mul
        i32.add
        local.get 0 i32.const 256 i32.mul i32.add)
      (func (export "loop") (param i32) (result i32) (local i32)
        ;; a read of local 0 pushed before the loop, consumed after it
        local.get 0
        (loop $l
          (local.set 0 (i32.add (local.get 0) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get 0) (i32.const 10))))
        local.get 0 i32.const 100 i32.mul i32.add)
      (func (export "blockval") (param i32) (result i32)
        (block $b (result i32)
          i32.const 7
          local.get 0
          br_if $b
          drop
          local.get 0
          i32.const 3
          i32.add)
        local.get 0 i32.const 1000 i32.mul i32.add)
      (func (export "table") (param i32) (result i32)
        (block $a (result i32)
          (block $b (result i32)
            i32.const 5 local.get 0 br_table $a $b $a)
          i32.const 10 i32.add)
        i32.const 100 i32.add)
      (func (export "sel") (param i32) (result i32)
        i32.const 11 i32.const 22 local.get 0 select
        local.get 0 i32.const 5 local.get 0 i32.eqz select i32.add)
      (func (export "if") (param i32 i32) (result i32)
        local.get 1
        (if (result i32) (i32.lt_s (local.get 0) (i32.const 3))
          (then (local.set 1 (i32.const 9)) (local.get 1))
          (else (i32.const 4)))
        i32.add)
      (func $id (param i32 i32) (result i32 i32) local.get 1 local.get 0)
      (func (export "call") (param i32) (result i32)
        local.get 0
        i32.const 1 local.get 0 call $id
        i32.sub i32.add))"#;
    let call = |f: &str, args: &[Val]| run1(src, f, args, 1, 100_000).unwrap()[0];
    assert_eq!(
        call("swap", &[Val::I32(1), Val::I32(2)]),
        Val::I32(0x2_0001)
    );
    assert_eq!(call("tee", &[Val::I32(5)]), Val::I32(5 + 6 * 16 + 6 * 256));
    assert_eq!(call("loop", &[Val::I32(3)]), Val::I32(3 + 1000));
    assert_eq!(call("blockval", &[Val::I32(1)]), Val::I32(7 + 1000));
    assert_eq!(call("blockval", &[Val::I32(0)]), Val::I32(3));
    assert_eq!(call("table", &[Val::I32(0)]), Val::I32(105));
    assert_eq!(call("table", &[Val::I32(1)]), Val::I32(115));
    assert_eq!(call("table", &[Val::I32(7)]), Val::I32(105));
    assert_eq!(call("sel", &[Val::I32(0)]), Val::I32(22));
    assert_eq!(call("sel", &[Val::I32(2)]), Val::I32(11 + 5));
    assert_eq!(call("if", &[Val::I32(1), Val::I32(100)]), Val::I32(109));
    assert_eq!(call("if", &[Val::I32(5), Val::I32(100)]), Val::I32(104));
    assert_eq!(call("call", &[Val::I32(4)]), Val::I32(4 + (4 - 1)));
}

/// Zero writes to fresh declared locals are elided only while the local still holds its
/// initial zero.
#[test]
fn register_code_fresh_locals() {
    let src = r#"(module
      (func (export "fresh") (param i32) (result i32) (local i32 i32)
        local.get 1
        i32.const 0 local.set 1
        i32.const 5 local.set 1
        i32.const 0 local.set 1
        local.get 1 i32.add
        local.get 0 local.set 2
        i32.const 0 local.tee 2
        local.get 2 i32.add i32.add)
      (func (export "many") (param i32) (result i32) (local i64 i64 i64 i64 i64 i64 i64 i64
          i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
          i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
          i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i32)
        (loop $l
          (local.set 67 (i32.add (local.get 67) (i32.const 1)))
          (local.set 64 (i64.add (local.get 64) (i64.const 3)))
          (br_if $l (i32.lt_u (local.get 67) (local.get 0))))
        i64.const 0 local.set 64
        local.get 64 i32.wrap_i64 local.get 67 i32.add))"#;
    let call = |f: &str, args: &[Val]| run1(src, f, args, 1, 100_000).unwrap()[0];
    assert_eq!(call("fresh", &[Val::I32(7)]), Val::I32(0));
    assert_eq!(call("many", &[Val::I32(4)]), Val::I32(4));
}

/// A load whose address is an `i32.add` with a constant folds the add into the load: the sum
/// still wraps at 32 bits before the offset is added, and a `local.tee` of the sum keeps it.
#[test]
fn register_code_load_add_imm() {
    let src = r#"(module
      (memory 1)
      (data (i32.const 0) "\01\02\03\04\05\06\07\08\09")
      (func (export "ld") (param i32) (result i32)
        (i32.load offset=1 (i32.add (local.get 0) (i32.const 4))))
      (func (export "ld8") (param i32) (result i64)
        (i64.load8_s (i32.add (local.get 0) (i32.const -1))))
      (func (export "sc") (param i32) (result i32)
        (i32.load16_u offset=1 (i32.add (i32.shl (local.get 0) (i32.const 1)) (i32.const 2))))
      (func (export "sc_tee") (param i32) (result i32) (local i32)
        (i32.load8_u (i32.add (local.tee 1 (i32.shl (local.get 0) (i32.const 33)))
          (i32.const 1)))
        local.get 1 i32.add)
      (func (export "tee") (param i32) (result i32) (local i32)
        (i32.load16_u (local.tee 1 (i32.add (local.get 0) (i32.const 2))))
        local.get 1 i32.add))"#;
    let call = |f: &str, args: &[Val]| run1(src, f, args, 1, 100_000);
    assert_eq!(
        call("ld", &[Val::I32(0)]).unwrap()[0],
        Val::I32(0x0908_0706)
    );
    // (-4 + 4) mod 2^32 = 0, + offset 1 (without the wrap: 2^32 + 1, out of bounds)
    assert_eq!(
        call("ld", &[Val::I32(-4)]).unwrap()[0],
        Val::I32(0x0504_0302)
    );
    // (-5 + 4) mod 2^32 = 2^32 - 1, + offset 1: out of bounds
    assert_eq!(call("ld", &[Val::I32(-5)]), Err(Trap::MemoryOutOfBounds));
    assert_eq!(call("ld", &[Val::I32(65532)]), Err(Trap::MemoryOutOfBounds));
    assert_eq!(call("ld8", &[Val::I32(1)]).unwrap()[0], Val::I64(1));
    assert_eq!(call("ld8", &[Val::I32(0)]), Err(Trap::MemoryOutOfBounds));
    assert_eq!(
        call("tee", &[Val::I32(1)]).unwrap()[0],
        Val::I32(0x0504 + 3)
    );
    // (1 << 1) + 2 + 1 = 5
    assert_eq!(call("sc", &[Val::I32(1)]).unwrap()[0], Val::I32(0x0706));
    // ((2^31 + 1) << 1) + 2 wraps to 4, + 1 = 5
    assert_eq!(
        call("sc", &[Val::I32(i32::MIN + 1)]).unwrap()[0],
        Val::I32(0x0706)
    );
    // (-1 << 1) + 2 wraps to 0, + 1 = 1
    assert_eq!(call("sc", &[Val::I32(-1)]).unwrap()[0], Val::I32(0x0302));
    assert_eq!(call("sc", &[Val::I32(40000)]), Err(Trap::MemoryOutOfBounds));
    // shift count mod 32: 2 << 1 = 4, + 1 = 5 -> byte 6; the teed shift is kept
    assert_eq!(call("sc_tee", &[Val::I32(2)]).unwrap()[0], Val::I32(6 + 4));
}

/// An i32.add with an immediate followed by a branch on the sum fuses with the branch.
#[test]
fn register_code_add_imm_branch() {
    let src = r#"(module
      (func (export "down") (param i32) (result i32) (local i32)
        (loop $l
          (local.set 1 (i32.add (local.get 1) (i32.const 3)))
          (br_if $l (local.tee 0 (i32.add (local.get 0) (i32.const -1)))))
        local.get 1)
      (func (export "up") (param i32) (result i32) (local i32)
        (loop $l
          (local.set 1 (i32.add (local.get 1) (i32.const 2)))
          (br_if $l (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1)))
            (i32.const 10))))
        local.get 1 local.get 0 i32.const 100 i32.mul i32.add)
      (func (export "reg") (param i32 i32) (result i32)
        (loop $l
          (br_if $l (i32.lt_s (local.tee 0 (i32.add (local.get 0) (i32.const 1)))
            (local.get 1))))
        local.get 0)
      (func (export "tmp") (param i32) (result i32)
        (block $b
          (br_if $b (i32.ne (i32.add (local.get 0) (i32.const 5)) (i32.const 7)))
          (return (i32.const 1)))
        i32.const 2))"#;
    let call = |f: &str, args: &[Val]| run1(src, f, args, 1, 100_000).unwrap()[0];
    assert_eq!(call("down", &[Val::I32(4)]), Val::I32(12));
    assert_eq!(call("up", &[Val::I32(4)]), Val::I32(12 + 1000));
    assert_eq!(call("up", &[Val::I32(20)]), Val::I32(2 + 2100));
    assert_eq!(call("reg", &[Val::I32(-3), Val::I32(5)]), Val::I32(5));
    assert_eq!(call("tmp", &[Val::I32(2)]), Val::I32(1));
    assert_eq!(call("tmp", &[Val::I32(3)]), Val::I32(2));
}

#[test]
fn op_numbers_partition_the_mask() {
    // Every value of `word & OP_MASK` is either an op or in UNUSED_OPS, never both, so the
    // interpreter's match names each one (see `ops::for_each_unused_op`).
    for v in 0..=ops::OP_MASK {
        let defined = ops::numeric_sig(v).is_some()
            || ops::memory_sig(v).is_some()
            || ops::internal_imms(v).is_some();
        let unused = ops::UNUSED_OPS.contains(&v);
        assert!(
            defined != unused,
            "op number {v:#x}: defined={defined} unused={unused}"
        );
    }
}

/// Consecutive COPYs merge into COPY2/COPY3, which copy in order (a rotation through a
/// temporary local, a swap through a materialized pending read, a merged copy whose last
/// destination is retargeted by `local.set`).
#[test]
fn register_code_copy_chains() {
    let src = r#"(module
      (func (export "rot") (param i32 i32 i32 i32 i32) (result i32) (local i32)
        (loop $l
          local.get 3 local.set 5
          local.get 2 local.set 3
          local.get 1 local.set 2
          local.get 0 local.set 1
          local.get 5 local.set 0
          (br_if $l (local.tee 4 (i32.add (local.get 4) (i32.const -1)))))
        local.get 0 i32.const 12 i32.shl
        local.get 1 i32.const 8 i32.shl i32.or
        local.get 2 i32.const 4 i32.shl i32.or
        local.get 3 i32.or)
      (func (export "swap") (param i32 i32 i32) (result i32)
        local.get 2 local.set 2
        local.get 0 local.get 1 local.set 0 local.set 1
        local.get 0 i32.const 16 i32.shl local.get 1 i32.or)
      (func (export "blk") (param i32 i32) (result i32) (local i32 i32)
        local.get 0 local.get 1
        (block (param i32 i32) local.set 2 local.set 3)
        local.get 2 i32.const 16 i32.shl local.get 3 i32.or))"#;
    let call = |f: &str, args: &[Val]| run1(src, f, args, 1, 100_000).unwrap()[0];
    let v = |xs: &[i32]| xs.iter().map(|&x| Val::I32(x)).collect::<Vec<_>>();
    assert_eq!(call("rot", &v(&[1, 2, 3, 4, 1])), Val::I32(0x4123));
    assert_eq!(call("rot", &v(&[1, 2, 3, 4, 2])), Val::I32(0x3412));
    assert_eq!(call("rot", &v(&[1, 2, 3, 4, 4])), Val::I32(0x1234));
    assert_eq!(call("swap", &v(&[1, 2, 3])), Val::I32(0x2_0001));
    assert_eq!(call("blk", &v(&[1, 2])), Val::I32(0x2_0001));
}

/// Consecutive 32-bit constants merge into CONST32X2/CONST32X3, which write in order (call
/// arguments, local.set of constants over a pending read of the same local, a merged constant
/// whose last destination is retargeted by `local.set`, a 64-bit constant in between).
#[test]
fn register_code_const_chains() {
    let src = r#"(module
      (func $mix (param i32 i32 i32 i32) (result i32)
        local.get 0 i32.const 12 i32.shl
        local.get 1 i32.const 8 i32.shl i32.or
        local.get 2 i32.const 4 i32.shl i32.or
        local.get 3 i32.or)
      (func (export "args") (result i32)
        (call $mix (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4)))
      (func (export "sets") (param i32) (result i32) (local i32 i32 i32)
        local.get 0
        i32.const 7 local.set 0
        i32.const 8 local.set 1
        i32.const 9 local.set 2
        i32.const 3 local.set 3
        local.get 1 local.get 2 local.get 3 call $mix)
      (func (export "wide") (param i32) (result i64) (local i64 i32)
        i32.const 5 local.set 2
        i64.const 0x100000000 local.set 1
        i32.const 6 local.set 0
        local.get 1 local.get 0 i64.extend_i32_u i64.add
        local.get 2 i64.extend_i32_u i64.add))"#;
    let call = |f: &str, args: &[Val]| run1(src, f, args, 1, 100_000).unwrap()[0];
    assert_eq!(call("args", &[]), Val::I32(0x1234));
    assert_eq!(call("sets", &[Val::I32(1)]), Val::I32(0x1893));
    assert_eq!(call("wide", &[Val::I32(0)]), Val::I64(0x1_0000_000b));
}

/// Loads and stores at a constant address take it as an immediate (`*_ABS`): every access
/// kind, the address plus offset past 2^32 (no wrap: a trap), the last bytes of memory.
#[test]
fn register_code_constant_addresses() {
    let src = r#"(module (memory 1)
      (func (export "kinds") (result i64)
        (i64.store (i32.const 8) (i64.const -2))
        (i32.store8 (i32.const 100) (i32.const 0x1ff))
        (i32.store16 offset=2 (i32.const 100) (i32.const 0x8001))
        (i64.store32 (i32.const 200) (i64.const 0x1_8000_0000))
        (f32.store (i32.const 300) (f32.const 1.5))
        (i64.add
          (i64.add (i64.load (i32.const 8)) (i64.load8_s (i32.const 8)))
          (i64.add
            (i64.extend_i32_u (i32.add (i32.load8_u (i32.const 100)) (i32.load16_s offset=2 (i32.const 100))))
            (i64.add (i64.load32_u (i32.const 200)) (i64.extend_i32_u (i32.reinterpret_f32 (f32.load (i32.const 300))))))))
      (func (export "last") (result i32)
        (i32.store (i32.const 65532) (i32.const 7)) (i32.load offset=65530 (i32.const 2)))
      (func (export "oob_load") (result i32) (i32.load offset=1 (i32.const 0xffffffff)))
      (func (export "oob_store") (i32.store16 (i32.const 65535) (i32.const 1))))"#;
    let kinds = (-2i64)
        .wrapping_add(-2)
        .wrapping_add(0xff + (0x8001u16 as i16 as i32) as u32 as i64)
        .wrapping_add(0x8000_0000)
        .wrapping_add(0x3fc0_0000);
    assert_eq!(
        run1(src, "kinds", &[], 1, 1000).unwrap()[0],
        Val::I64(kinds)
    );
    assert_eq!(run1(src, "last", &[], 1, 1000).unwrap()[0], Val::I32(7));
    assert_eq!(
        run1(src, "oob_load", &[], 1, 1000),
        Err(Trap::MemoryOutOfBounds)
    );
    assert_eq!(
        run1(src, "oob_store", &[], 0, 1000),
        Err(Trap::MemoryOutOfBounds)
    );
}

/// Returns of one value need no copy first (RETURN_CONST32, RETURN from a local, the last
/// instruction retargeted to slot 0), at the function end, by `return`, by `br` to the function
/// label, in called functions; branches to the end still return their own value; constants
/// that do not fit 32 bits take the plain path.
#[test]
fn register_code_fast_returns() {
    let src = r#"(module
      (func $k (param i32) (result i32)
        (if (local.get 0) (then (return (i32.const 7))))
        i32.const 9)
      (func $loc (param i32 i32) (result i32)
        (block (drop (br_if 1 (local.get 1) (local.get 0))))
        local.get 1)
      (func $tmp (param i32 i32) (result i32)
        (block (drop (br_if 1 (i32.const 100) (local.get 0))))
        (i32.add (local.get 0) (local.get 1)))
      (func $brfn (param i32) (result i64)
        (block (br_if 0 (local.get 0)) (br 1 (i64.const 0x1_0000_0005)))
        i64.const -3)
      (func $rot (param i32 i32) (result i32)
        (i32.sub (local.get 1) (local.get 0)))
      (func (export "k") (param i32) (result i32) (call $k (local.get 0)))
      (func (export "loc") (param i32 i32) (result i32) (call $loc (local.get 0) (local.get 1)))
      (func (export "tmp") (param i32 i32) (result i32) (call $tmp (local.get 0) (local.get 1)))
      (func (export "brfn") (param i32) (result i64) (call $brfn (local.get 0)))
      (func (export "rot") (param i32 i32) (result i32) (call $rot (local.get 0) (local.get 1)))
      (func (export "direct") (param i32) (result i32) (i32.add (call $k (local.get 0)) (i32.const 1))))"#;
    let call = |f: &str, args: &[i32]| {
        let a: Vec<Val> = args.iter().map(|&x| Val::I32(x)).collect();
        run1(src, f, &a, 1, 100_000).unwrap()[0]
    };
    assert_eq!(call("k", &[1]), Val::I32(7));
    assert_eq!(call("k", &[0]), Val::I32(9));
    assert_eq!(call("loc", &[1, 5]), Val::I32(5));
    assert_eq!(call("loc", &[0, 5]), Val::I32(5));
    assert_eq!(call("tmp", &[1, 5]), Val::I32(100));
    assert_eq!(call("tmp", &[0, 5]), Val::I32(5));
    assert_eq!(call("brfn", &[0]), Val::I64(0x1_0000_0005));
    assert_eq!(call("brfn", &[1]), Val::I64(-3));
    assert_eq!(call("rot", &[2, 9]), Val::I32(7));
    assert_eq!(call("direct", &[0]), Val::I32(10));
}

/// A select whose condition an i32 compare of two slots or an i32.and with a constant just
/// computed fuses with it; each form against its unfused value.
#[test]
fn register_code_select_cond() {
    let cmps = [
        "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u",
    ];
    let mut src = String::from("(module\n");
    for c in cmps {
        // fused: both values and the compare operands are locals
        src.push_str(&format!(
            "(func (export \"{c}\") (param i32 i32 i64 i64) (result i64)
               (select (local.get 2) (local.get 3) (i32.{c} (local.get 0) (local.get 1))))\n"
        ));
    }
    src.push_str(
        r#"(func (export "min") (param i32 i32) (result i32) (local i32)
             ;; the result retargeted to a local; compare operands are the values
             (local.set 2 (select (local.get 0) (local.get 1)
               (i32.lt_u (local.get 0) (local.get 1))))
             local.get 2)
           (func (export "bit") (param i32 i32 i32) (result i32)
             (select (local.get 1) (local.get 2) (i32.and (local.get 0) (i32.const 0x80000001))))
           (func (export "tmp") (param i32 i32) (result i32)
             ;; values are temps computed before the condition
             (select (i32.add (local.get 0) (i32.const 1)) (i32.add (local.get 1) (i32.const 2))
               (i32.gt_s (local.get 0) (local.get 1))))
           (func (export "sub") (param i32 i32) (result i32)
             ;; compare operand is the temp slot the condition is written to
             (select (local.get 0) (local.get 1)
               (i32.eq (i32.sub (local.get 0) (local.get 1)) (local.get 1)))))"#,
    );
    let call = |f: &str, args: &[Val]| run1(&src, f, args, 1, 100_000).unwrap()[0];
    let vals = [0i32, 1, -1, i32::MIN, i32::MAX, 7];
    for (i, c) in cmps.iter().enumerate() {
        for &x in &vals {
            for &y in &vals {
                let (ux, uy) = (x as u32, y as u32);
                let want = [
                    x == y,
                    x != y,
                    x < y,
                    ux < uy,
                    x > y,
                    ux > uy,
                    x <= y,
                    ux <= uy,
                    x >= y,
                    ux >= uy,
                ][i];
                let got = call(c, &[Val::I32(x), Val::I32(y), Val::I64(10), Val::I64(-20)]);
                assert_eq!(got, Val::I64(if want { 10 } else { -20 }), "{c} {x} {y}");
            }
        }
    }
    assert_eq!(call("min", &[Val::I32(3), Val::I32(-1)]), Val::I32(3));
    assert_eq!(call("min", &[Val::I32(-1), Val::I32(3)]), Val::I32(3));
    assert_eq!(call("min", &[Val::I32(2), Val::I32(5)]), Val::I32(2));
    for (x, want) in [(0, 22), (1, 11), (2, 22), (i32::MIN, 11), (-2, 11), (6, 22)] {
        let got = call("bit", &[Val::I32(x), Val::I32(11), Val::I32(22)]);
        assert_eq!(got, Val::I32(want), "bit {x}");
    }
    assert_eq!(call("tmp", &[Val::I32(5), Val::I32(3)]), Val::I32(6));
    assert_eq!(call("tmp", &[Val::I32(3), Val::I32(5)]), Val::I32(7));
    assert_eq!(call("sub", &[Val::I32(6), Val::I32(3)]), Val::I32(6));
    assert_eq!(call("sub", &[Val::I32(7), Val::I32(3)]), Val::I32(3));
}

/// An i32.load from the local an i32.add with a constant just wrote fuses with the add; the
/// local keeps the sum, which wraps at 32 bits before the offset is added.
#[test]
fn register_code_load_tee_add_imm() {
    let src = r#"(module
      (memory 1)
      (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c")
      (func (export "walk") (param i32) (result i32) (local i32 i32)
        ;; sum of the words at 4, 8 (p += 4 then load p), n = param times
        (loop $l
          (local.set 2 (i32.add (local.get 2)
            (i32.load (local.tee 1 (i32.add (local.get 1) (i32.const 4))))))
          (br_if $l (local.tee 0 (i32.add (local.get 0) (i32.const -1)))))
        local.get 2 local.get 1 i32.add)
      (func (export "set") (param i32) (result i32) (local i32)
        (local.set 1 (i32.add (local.get 0) (i32.const 4)))
        (i32.load offset=2 (local.get 1))
        local.get 1 i32.const 24 i32.shl i32.add)
      (func (export "self") (param i32) (result i32)
        (local.set 0 (i32.load (local.tee 0 (i32.add (local.get 0) (i32.const 1)))))
        local.get 0)
      (func (export "trap") (param i32) (result i32) (local i32)
        (i32.load offset=1 (local.tee 1 (i32.add (local.get 0) (i32.const 4))))
        drop
        local.get 1)
      )"#;
    let call = |f: &str, args: &[Val]| run1(src, f, args, 1, 100_000);
    assert_eq!(
        call("walk", &[Val::I32(2)]).unwrap()[0],
        Val::I32(0x0807_0605_i32.wrapping_add(0x0c0b_0a09) + 8)
    );
    assert_eq!(
        call("set", &[Val::I32(0)]).unwrap()[0],
        Val::I32(0x0a09_0807 + (4 << 24))
    );
    assert_eq!(
        call("self", &[Val::I32(0)]).unwrap()[0],
        Val::I32(0x0504_0302)
    );
    // (-4 + 4) mod 2^32 = 0, + offset 1
    assert_eq!(call("trap", &[Val::I32(-4)]).unwrap()[0], Val::I32(0));
    // (-5 + 4) mod 2^32 = 2^32 - 1, + offset 1: out of bounds (no wrap to 0)
    assert_eq!(call("trap", &[Val::I32(-5)]), Err(Trap::MemoryOutOfBounds));
    assert_eq!(
        call("trap", &[Val::I32(65528)]),
        Err(Trap::MemoryOutOfBounds)
    );
    assert_eq!(
        call("trap", &[Val::I32(65527)]).unwrap()[0],
        Val::I32(65531)
    );
}

/// An i32.xor with an operand that a shift right (unsigned) or rotate left by a constant just
/// computed fuses with it, whichever side the shifted operand is on; counts are mod 32.
#[test]
fn register_code_xor_shifted() {
    let src = r#"(module
      (func (export "shr_b") (param i32 i32 i32) (result i32)
        (i32.xor (local.get 0) (i32.shr_u (local.get 1) (i32.const 8))))
      (func (export "shr_a") (param i32 i32 i32) (result i32)
        (i32.xor (i32.shr_u (local.get 1) (i32.const 33)) (local.get 0)))
      (func (export "rotl_b") (param i32 i32 i32) (result i32)
        (i32.xor (i32.add (local.get 0) (i32.const 1)) (i32.rotl (local.get 1) (i32.const 7))))
      (func (export "rotl_a") (param i32 i32 i32) (result i32)
        (i32.xor (i32.rotl (local.get 1) (i32.const 40)) (local.get 0)))
      (func (export "sigma") (param i32 i32 i32) (result i32) (local i32)
        ;; sha256-style: rotl ^ rotl ^ shr, in place through temps, retargeted to a local
        (local.set 3 (i32.xor
          (i32.xor (i32.rotl (local.get 1) (i32.const 25)) (i32.rotl (local.get 1) (i32.const 14)))
          (i32.shr_u (local.get 1) (i32.const 3))))
        (i32.xor (local.get 3) (i32.shr_u (i32.load8_u (local.get 2)) (i32.const 1))))
      (memory 1)
      (data (i32.const 0) "\ff\80"))"#;
    let call = |f: &str, a: i32, b: i32, p: i32| {
        run1(src, f, &[Val::I32(a), Val::I32(b), Val::I32(p)], 1, 100_000)
    };
    for (a, b) in [
        (0x1234_5678u32, 0x9abc_def0u32),
        (0, u32::MAX),
        (u32::MAX, 1),
    ] {
        let (ia, ib) = (a as i32, b as i32);
        let v = |x: u32| Ok(vec![Val::I32(x as i32)]);
        assert_eq!(call("shr_b", ia, ib, 0), v(a ^ (b >> 8)));
        assert_eq!(call("shr_a", ia, ib, 0), v(a ^ (b >> 1)));
        assert_eq!(
            call("rotl_b", ia, ib, 0),
            v(a.wrapping_add(1) ^ b.rotate_left(7))
        );
        assert_eq!(call("rotl_a", ia, ib, 0), v(a ^ b.rotate_left(8)));
        let s = b.rotate_left(25) ^ b.rotate_left(14) ^ (b >> 3);
        assert_eq!(call("sigma", ia, ib, 0), v(s ^ 0x7f));
        assert_eq!(call("sigma", ia, ib, 1), v(s ^ 0x40));
    }
    assert_eq!(call("sigma", 0, 0, 65536), Err(Trap::MemoryOutOfBounds));
}

/// An i32.xor / i32.or with a byte an i32.load8_u at `x + constant` just loaded fuses with
/// the load, whichever side the byte is on; the load still traps out of bounds (the sum wraps
/// at 32 bits before the offset is added).
#[test]
fn register_code_binop_load8() {
    let src = r#"(module
      (memory 1)
      (data (i32.const 0) "\81\42\ff\10")
      (func (export "xor_b") (param i32 i32) (result i32)
        (i32.xor (local.get 0) (i32.load8_u offset=1 (i32.add (local.get 1) (i32.const 1)))))
      (func (export "or_a") (param i32 i32) (result i32)
        (i32.or (i32.load8_u (i32.add (local.get 1) (i32.const -1))) (local.get 0)))
      (func (export "crc") (param i32 i32) (result i32) (local i32)
        ;; crc-style loop: c = (c ^ p[i]) rotated, retargeted to a local
        (loop $l
          (local.set 0 (i32.xor (local.get 0) (i32.load8_u (i32.add (local.get 2) (i32.const 0)))))
          (local.set 0 (i32.rotl (local.get 0) (i32.const 8)))
          (br_if $l (i32.lt_u (local.tee 2 (i32.add (local.get 2) (i32.const 1))) (local.get 1))))
        local.get 0)
      (func (export "keep") (param i32 i32) (result i32) (local i32)
        ;; the or's result retargeted to the local it reads
        (local.set 2 (i32.const 0x1f))
        (local.set 2 (i32.or (local.get 2) (i32.load8_u (i32.add (local.get 1) (i32.const 2)))))
        local.get 2))"#;
    let call = |f: &str, a: i32, b: i32| run1(src, f, &[Val::I32(a), Val::I32(b)], 1, 100_000);
    let v = |x: i32| Ok(vec![Val::I32(x)]);
    assert_eq!(call("xor_b", 0x1234, 0), v(0x1234 ^ 0xff));
    assert_eq!(call("xor_b", -1, 1), v(!0x10));
    // (-2 + 1) mod 2^32 = 2^32 - 1, + offset 1: out of bounds (no wrap to 0)
    assert_eq!(call("xor_b", 0, -2), Err(Trap::MemoryOutOfBounds));
    assert_eq!(call("xor_b", 0, 65534), Err(Trap::MemoryOutOfBounds));
    assert_eq!(call("xor_b", 0, 65533), v(0));
    assert_eq!(call("or_a", 0x1ff, 1), v(0x1ff));
    assert_eq!(call("or_a", 0x100, 2), v(0x142));
    assert_eq!(call("or_a", 0, 0), Err(Trap::MemoryOutOfBounds));
    let mut c = 7u32;
    for p in 0..4u32 {
        c = (c ^ [0x81u32, 0x42, 0xff, 0x10][p as usize]).rotate_left(8);
    }
    assert_eq!(call("crc", 7, 4), v(c as i32));
    assert_eq!(call("keep", 0, 1), v(0x1f));
    assert_eq!(call("keep", 0, 65534), Err(Trap::MemoryOutOfBounds));
}

#[test]
fn invoke_refuses_forged_function_references() {
    // A funcref argument must name one of the module's functions: index 999 does not exist,
    // and FOREIGN_FUNC-tagged refs are the linker's (allowed).
    let wasm = wat(r#"(module
      (table 1 funcref)
      (func (export "keep") (param funcref) (table.set (i32.const 0) (local.get 0))))"#);
    let limits = Limits::DEFAULT;
    let (mut mbuf, ib) = build(&wasm, &limits);
    let m = Module::compile(&wasm, &limits, &TestImports, &mut mbuf).unwrap();
    let mut ibuf = vec![0u8; ib];
    let mut host = TestHost::default();
    let mut fuel = 1000u64;
    let mut inst = Instance::new(&m, &mut ibuf, &mut fuel, &mut host).unwrap();
    let keep = m.export_func("keep").unwrap();
    let mut fuel = 1000u64;
    assert_eq!(
        inst.invoke(
            keep,
            &[Val::FuncRef(Some(999))],
            &mut [],
            &mut fuel,
            &mut host
        ),
        Err(Trap::BadSignature)
    );
    for ok in [None, Some(0), Some(FOREIGN_FUNC | 3)] {
        inst.invoke(keep, &[Val::FuncRef(ok)], &mut [], &mut fuel, &mut host)
            .unwrap();
    }
}

/// A 1 MiB module of the shape that made LOAD quadratic: 10 000 types, then as many imports as
/// fit, each of the last type. Import resolution re-parsed the type section per import (22 s
/// in plan() in a release build); now plan + compile are linear.
#[test]
fn a_megabyte_of_imports_decodes_in_linear_time() {
    struct AnyF3;
    impl Imports for AnyF3 {
        fn resolve_func(&self, _: &str, _: &str, p: &[ValType], r: &[ValType]) -> Option<u32> {
            (p == [ValType::I32; 3] && r == [ValType::I32]).then_some(1)
        }
    }
    fn leb(mut v: u32, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }
    fn section(id: u8, body: &[u8], out: &mut Vec<u8>) {
        out.push(id);
        leb(body.len() as u32, out);
        out.extend_from_slice(body);
    }
    let n_types = limits::MAX_TYPES;
    let mut types = Vec::new();
    leb(n_types, &mut types);
    for _ in 0..n_types {
        types.extend_from_slice(&[0x60, 3, 0x7f, 0x7f, 0x7f, 1, 0x7f]);
    }
    let one = {
        // the names a real hook imports: (module "wasmhook" "pkt_read")
        let mut e = vec![8];
        e.extend_from_slice(b"wasmhook");
        e.push(8);
        e.extend_from_slice(b"pkt_read");
        e.push(0);
        leb(n_types - 1, &mut e);
        e
    };
    let n_imports = ((1 << 20) - types.len() - 32) / one.len();
    let mut imports = Vec::new();
    leb(n_imports as u32, &mut imports);
    for _ in 0..n_imports {
        imports.extend_from_slice(&one);
    }
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    section(1, &types, &mut wasm);
    section(2, &imports, &mut wasm);
    assert!(
        wasm.len() <= 1 << 20 && wasm.len() > 1_000_000,
        "{} bytes",
        wasm.len()
    );
    let limits = Limits::DEFAULT;
    let t = std::time::Instant::now();
    let p = plan(&wasm, &limits, &AnyF3).unwrap();
    let mut mbuf = vec![0u8; p.module_bytes];
    let m = Module::compile(&wasm, &limits, &AnyF3, &mut mbuf).unwrap();
    let took = t.elapsed();
    assert_eq!(
        m.func_type(n_imports as u32 - 1).map(|(p, _)| p.len()),
        Some(3)
    );
    assert!(
        took.as_secs_f64() < 1.0,
        "{n_imports} imports of {n_types} types took {took:?}"
    );
}

#[test]
fn duplicate_copies_the_started_state_without_running_start_again() {
    let wasm = wat(r#"(module
      (import "env" "double_at" (func $d (param i32) (result i32)))
      (memory 1)
      (table 2 funcref)
      (global $g (mut i32) (i32.const 0))
      (func $start (global.set $g (i32.add (global.get $g) (i32.const 5)))
        (i32.store (i32.const 16) (i32.const 21)) (drop (call $d (i32.const 16))))
      (start $start)
      (func (export "g") (result i32) (global.get $g))
      (func (export "m") (result i32) (i32.load (i32.const 16)))
      (func (export "bump") (global.set $g (i32.add (global.get $g) (i32.const 1)))))"#);
    let limits = Limits::DEFAULT;
    let (mut mbuf, ib) = build(&wasm, &limits);
    let m = Module::compile(&wasm, &limits, &TestImports, &mut mbuf).unwrap();
    let mut b0 = vec![0u8; ib];
    let mut b1 = vec![0u8; ib];
    let mut host = TestHost::default();
    let mut fuel = 1000u64;
    let mut i0 = Instance::new(&m, &mut b0, &mut fuel, &mut host).unwrap();
    assert_eq!(host.calls, 1, "the start function called the host once");
    let mut i1 = i0.duplicate(&mut b1).unwrap();
    assert_eq!(host.calls, 1, "duplicate runs no start function");
    let get = |inst: &mut Instance<'_, '_>, name: &str, host: &mut TestHost| {
        let mut out = [Val::I32(0)];
        let mut f = 1000;
        inst.invoke(m.export_func(name).unwrap(), &[], &mut out, &mut f, host)
            .unwrap();
        out[0]
    };
    assert_eq!(get(&mut i1, "g", &mut host), Val::I32(5));
    assert_eq!(get(&mut i1, "m", &mut host), Val::I32(42));
    // independent afterwards
    let mut f = 1000;
    i1.invoke(
        m.export_func("bump").unwrap(),
        &[],
        &mut [],
        &mut f,
        &mut host,
    )
    .unwrap();
    assert_eq!(get(&mut i1, "g", &mut host), Val::I32(6));
    assert_eq!(get(&mut i0, "g", &mut host), Val::I32(5));
    let mut small = vec![0u8; ib - 1];
    assert!(i0.duplicate(&mut small).is_err());
}

#[test]
fn overlapping_bulk_copies_and_value_moves() {
    // memory.copy and table.copy with overlapping ranges both ways, and a branch that carries
    // values down the value stack (a slot move): the paths through `copy_within`.
    let src = r#"(module (memory 1) (table 4 funcref) (elem (i32.const 0) $a $b)
      (func $a) (func $b)
      (data (i32.const 0) "\01\02\03\04\05\06\07\08")
      (func (export "mem") (result i64)
        (memory.copy (i32.const 2) (i32.const 0) (i32.const 6))
        (memory.copy (i32.const 0) (i32.const 1) (i32.const 4))
        (i64.load (i32.const 0)))
      (func (export "tab") (result i32)
        (table.copy (i32.const 1) (i32.const 0) (i32.const 3))
        (i32.add (ref.is_null (table.get (i32.const 0)))
          (i32.mul (i32.const 2) (ref.is_null (table.get (i32.const 3))))))
      (func (export "br") (param i32) (result i32 i32)
        (block (result i32 i32)
          (i32.const 9) (i32.const 7) (i32.const 8) (br_if 0 (local.get 0))
          (drop) (drop) (drop) (i32.const 1) (i32.const 2))))"#;
    // mem after copy 1: 01 02 01 02 03 04 05 06; after copy 2: 02 01 02 03 03 04 05 06
    assert_eq!(
        run1(src, "mem", &[], 1, 1000),
        Ok(vec![Val::I64(i64::from_le_bytes([2, 1, 2, 3, 3, 4, 5, 6]))])
    );
    // table after copy: a a b null -> [0] not null, [3] null
    assert_eq!(run1(src, "tab", &[], 1, 1000), Ok(vec![Val::I32(2)]));
    assert_eq!(
        run1(src, "br", &[Val::I32(1)], 2, 1000),
        Ok(vec![Val::I32(7), Val::I32(8)])
    );
    assert_eq!(
        run1(src, "br", &[Val::I32(0)], 2, 1000),
        Ok(vec![Val::I32(1), Val::I32(2)])
    );
}

/// 10 000 exports (the limit) whose names share all but their last bytes: the duplicate-name
/// check compares each with every earlier one.
#[test]
fn many_long_export_names_decode_quickly() {
    let mut src = String::from("(module (func $f)");
    for i in 0..limits::MAX_EXPORTS {
        src.push_str(&format!(" (export \"{}{i:05}\" (func $f))", "x".repeat(90)));
    }
    src.push(')');
    let wasm = wat(&src);
    assert!(wasm.len() > 900_000, "{}", wasm.len());
    let limits = Limits::DEFAULT;
    let t = std::time::Instant::now();
    let p = plan(&wasm, &limits, &TestImports).unwrap();
    let mut mbuf = vec![0u8; p.module_bytes];
    Module::compile(&wasm, &limits, &TestImports, &mut mbuf).unwrap();
    let took = t.elapsed();
    println!("10 000 long export names: plan + compile {took:?}");
    assert!(took.as_secs_f64() < 1.0, "took {took:?}");
}

/// Imports where `env.u8`/`env.be16`/`env.be32` are intrinsics (and `env.u8_i64` claims one
/// with the wrong type, so it stays an ordinary call).
struct IntrinsicImports;
impl Imports for IntrinsicImports {
    fn resolve_func(
        &self,
        module: &str,
        name: &str,
        params: &[ValType],
        results: &[ValType],
    ) -> Option<u32> {
        match (module, name, params, results) {
            ("env", "u8", [ValType::I32], [ValType::I32]) => Some(1),
            ("env", "be16", [ValType::I32], [ValType::I32]) => Some(2),
            ("env", "be32", [ValType::I32], [ValType::I64]) => Some(3),
            ("env", "u8_i64", [ValType::I32], [ValType::I64]) => Some(1),
            _ => None,
        }
    }
    fn intrinsic(&self, id: u32) -> Option<Intrinsic> {
        match id {
            1 => Some(Intrinsic::LoadU8),
            2 => Some(Intrinsic::LoadBe16),
            3 => Some(Intrinsic::LoadBe32),
            _ => None,
        }
    }
}

/// A host that implements the intrinsics' ids as ordinary calls too (the call_indirect path)
/// and counts those calls.
struct BytesHost {
    bytes: Vec<u8>,
    calls: u32,
    expose: bool,
}
impl Host for BytesHost {
    fn call(&mut self, id: u32, _: &mut [u8], args: &[Val], res: &mut [Val]) -> Result<(), Trap> {
        self.calls += 1;
        let Val::I32(off) = args[0] else {
            return Err(Trap::Host(1));
        };
        let k = [Intrinsic::LoadU8, Intrinsic::LoadBe16, Intrinsic::LoadBe32][id as usize - 1];
        let v = k.eval(&self.bytes, off);
        res[0] = match res[0] {
            Val::I64(_) => Val::I64(v),
            _ => Val::I32(v as i32),
        };
        Ok(())
    }
    fn host_bytes(&mut self) -> Option<&[u8]> {
        self.expose.then_some(&self.bytes)
    }
}

#[test]
fn intrinsic_loads_match_the_host_call_and_make_none() {
    let src = r#"(module
      (import "env" "u8" (func $u8 (param i32) (result i32)))
      (import "env" "be16" (func $be16 (param i32) (result i32)))
      (import "env" "be32" (func $be32 (param i32) (result i64)))
      (import "env" "u8_i64" (func $u8_i64 (param i32) (result i64)))
      (type $t32 (func (param i32) (result i32)))
      (type $t64 (func (param i32) (result i64)))
      (table funcref (elem $u8 $be16 $be32))
      (func (export "d0") (param i32 i32) (result i64) (i64.extend_i32_s (call $u8 (local.get 0))))
      (func (export "d1") (param i32 i32) (result i64) (i64.extend_i32_s (call $be16 (local.get 0))))
      (func (export "d2") (param i32 i32) (result i64) (call $be32 (local.get 0)))
      (func (export "d3") (param i32 i32) (result i64) (call $u8_i64 (local.get 0)))
      (func (export "indirect") (param i32 i32) (result i64)
        (if (result i64) (i32.lt_u (local.get 1) (i32.const 2))
          (then (i64.extend_i32_s (call_indirect (type $t32) (local.get 0) (local.get 1))))
          (else (call_indirect (type $t64) (local.get 0) (local.get 1))))))"#;
    let wasm = wat(src);
    let limits = Limits::DEFAULT;
    let p = plan(&wasm, &limits, &IntrinsicImports).unwrap();
    let mut mbuf = vec![0u8; p.module_bytes];
    let m = Module::compile(&wasm, &limits, &IntrinsicImports, &mut mbuf).unwrap();
    let mut ibuf = vec![0u8; p.instance_bytes];
    let mut fuel = 1_000_000;
    let mut host = BytesHost {
        bytes: vec![0x12, 0x34, 0x56, 0x78, 0x9a],
        calls: 0,
        expose: true,
    };
    let mut inst = Instance::new(&m, &mut ibuf, &mut fuel, &mut host).unwrap();
    let mut call = |name: &str, off: i32, k: i32, host: &mut BytesHost| {
        let mut out = [Val::I64(0)];
        let mut f = 1_000;
        inst.invoke(
            m.export_func(name).unwrap(),
            &[Val::I32(off), Val::I32(k)],
            &mut out,
            &mut f,
            host,
        )
        .unwrap();
        out[0]
    };
    for off in [-1, 0, 1, 2, 3, 4, 5, i32::MAX, i32::MIN] {
        for k in 0..3 {
            let want = [Intrinsic::LoadU8, Intrinsic::LoadBe16, Intrinsic::LoadBe32][k as usize]
                .eval(&host.bytes, off);
            let before = host.calls;
            let d = ["d0", "d1", "d2"][k as usize];
            assert_eq!(
                call(d, off, k, &mut host),
                Val::I64(want),
                "off {off} k {k}"
            );
            assert_eq!(
                host.calls, before,
                "a direct call of an intrinsic calls the host"
            );
            assert_eq!(call("indirect", off, k, &mut host), Val::I64(want));
            assert_eq!(host.calls, before + 1);
        }
        // the wrong type: an ordinary host call
        let before = host.calls;
        call("d3", off, 3, &mut host);
        assert_eq!(host.calls, before + 1);
    }
    // A host that exposes no bytes gets ordinary calls, with its own results.
    host.expose = false;
    for k in 0..3 {
        let before = host.calls;
        let d = ["d0", "d1", "d2"][k as usize];
        let want = [Intrinsic::LoadU8, Intrinsic::LoadBe16, Intrinsic::LoadBe32][k as usize]
            .eval(&host.bytes, 1);
        assert_eq!(call(d, 1, k, &mut host), Val::I64(want));
        assert_eq!(host.calls, before + 1);
    }
    assert_eq!(Intrinsic::LoadBe32.eval(&host.bytes, 1), 0x3456789a);
    assert_eq!(Intrinsic::LoadBe16.eval(&host.bytes, 4), -1);
}

#[test]
fn call_i32_runs_i32_to_i32_functions_only() {
    let src = r#"(module
      (func (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
      (func (export "wide") (param i64) (result i32) (i32.wrap_i64 (local.get 0)))
      (func (export "two") (param i32 i32) (result i32) (local.get 1)))"#;
    let wasm = wat(src);
    let (mut mbuf, ib) = build(&wasm, &Limits::DEFAULT);
    let m = Module::compile(&wasm, &Limits::DEFAULT, &TestImports, &mut mbuf).unwrap();
    let mut ibuf = vec![0u8; ib];
    let mut fuel = 1000;
    let mut host = TestHost::default();
    let mut inst = Instance::new(&m, &mut ibuf, &mut fuel, &mut host).unwrap();
    let inc = m.export_func("inc").unwrap();
    assert_eq!(inst.call_i32(inc, -1, &mut fuel, &mut host), Ok(0));
    assert_eq!(
        inst.call_i32(inc, i32::MAX, &mut fuel, &mut host),
        Ok(i32::MIN)
    );
    for f in ["wide", "two"] {
        let f = m.export_func(f).unwrap();
        assert_eq!(
            inst.call_i32(f, 1, &mut fuel, &mut host),
            Err(Trap::BadSignature)
        );
    }
    assert_eq!(
        inst.call_i32(99, 1, &mut fuel, &mut host),
        Err(Trap::BadSignature)
    );
    // An entry checked once runs with no further check; another module's entry is refused.
    let e = m.entry_i32(inc).unwrap();
    assert_eq!(inst.call_entry(e, 41, &mut fuel, &mut host), Ok(42));
    assert_eq!(m.entry_i32(m.export_func("wide").unwrap()), None);
    let mut mbuf2 = vec![
        0u8;
        plan(&wasm, &Limits::DEFAULT, &TestImports)
            .unwrap()
            .module_bytes
    ];
    let m2 = Module::compile(&wasm, &Limits::DEFAULT, &TestImports, &mut mbuf2).unwrap();
    let e2 = m2.entry_i32(m2.export_func("inc").unwrap()).unwrap();
    assert_eq!(
        inst.call_entry(e2, 1, &mut fuel, &mut host),
        Err(Trap::BadSignature)
    );
}

/// `call_entry` enters a compiled function from the record fields its `EntryI32` carries
/// (declared locals zeroed on every run), and an exported import through the host.
#[test]
fn call_entry_direct_and_imported() {
    let src = r#"(module
      (import "env" "double_at" (func $d (param i32) (result i32)))
      (memory 1) (data (i32.const 0) "\15\00\00\00")
      (export "imp" (func $d))
      (func (export "loc") (param i32) (result i32) (local i32 i32)
        (local.set 2 (i32.add (local.get 2) (local.get 0)))
        (i32.add (local.get 1) (local.get 2))))"#;
    let wasm = wat(src);
    let (mut mbuf, ib) = build(&wasm, &Limits::DEFAULT);
    let m = Module::compile(&wasm, &Limits::DEFAULT, &TestImports, &mut mbuf).unwrap();
    let mut ibuf = vec![0u8; ib];
    let mut fuel = 1000;
    let mut host = TestHost::default();
    let mut inst = Instance::new(&m, &mut ibuf, &mut fuel, &mut host).unwrap();
    let loc = m.entry_i32(m.export_func("loc").unwrap()).unwrap();
    assert_eq!(inst.call_entry(loc, 5, &mut fuel, &mut host), Ok(5));
    assert_eq!(inst.call_entry(loc, 7, &mut fuel, &mut host), Ok(7));
    let imp = m.entry_i32(m.export_func("imp").unwrap()).unwrap();
    assert_eq!(inst.call_entry(imp, 0, &mut fuel, &mut host), Ok(21));
    assert_eq!(inst.call_entry(imp, 0, &mut fuel, &mut host), Ok(42));
    assert_eq!(host.calls, 2);
}

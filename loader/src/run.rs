//! `wasmload run`: instantiate a module in user space with the kernel's engine and call an export.

use std::path::Path;
use std::process::ExitCode;

use wasmhook_engine::{Instance, Limits, Module, Val, ValType};
use wasmhook_hook_abi as abi;

/// User-space stand-in for the hook environment: no packet, no maps, a real clock.
#[derive(Debug, Default)]
pub struct UserEnv {
    /// Packet bytes (empty for `run`).
    pub packet: Vec<u8>,
}

impl abi::HookEnv for UserEnv {
    fn packet(&mut self) -> &mut [u8] {
        &mut self.packet
    }
    fn map_sizes(&mut self, _idx: u32) -> Option<(usize, usize)> {
        None
    }
    fn map_lookup(&mut self, _idx: u32, _key: &[u8], _value: &mut [u8]) -> i32 {
        -abi::errno::EINVAL
    }
    fn map_update(&mut self, _idx: u32, _key: &[u8], _value: &[u8], _flags: u64) -> i32 {
        -abi::errno::EINVAL
    }
    fn map_delete(&mut self, _idx: u32, _key: &[u8]) -> i32 {
        -abi::errno::EINVAL
    }
    fn ktime_ns(&mut self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
    }
    fn trace(&mut self, msg: &[u8]) {
        eprintln!("trace: {}", String::from_utf8_lossy(msg));
    }
    fn kprobe_arg(&mut self, _n: u32) -> u64 {
        0
    }
}

pub use abi::{AbiHost, AbiImports};

fn parse_arg(ty: ValType, s: &str) -> Result<Val, String> {
    let bad = |e: &dyn std::fmt::Display| format!("argument `{s}` is not a valid {ty:?}: {e}");
    Ok(match ty {
        ValType::I32 => Val::I32(s.parse::<i64>().map_err(|e| bad(&e)).and_then(|v| {
            // Accept both signed and unsigned 32-bit spellings.
            if (i64::from(i32::MIN)..=i64::from(u32::MAX)).contains(&v) {
                Ok(v as i32)
            } else {
                Err(bad(&"out of range"))
            }
        })?),
        ValType::I64 => Val::I64(
            s.parse::<i64>()
                .or_else(|_| s.parse::<u64>().map(|v| v as i64))
                .map_err(|e| bad(&e))?,
        ),
        ValType::F32 => Val::F32(s.parse::<f32>().map_err(|e| bad(&e))?.to_bits()),
        ValType::F64 => Val::F64(s.parse::<f64>().map_err(|e| bad(&e))?.to_bits()),
        _ => return Err(format!("cannot pass `{s}` as {ty:?} from the command line")),
    })
}

fn show(v: &Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(b) => format!("{:?}", f32::from_bits(*b)),
        Val::F64(b) => format!("{:?}", f64::from_bits(*b)),
        Val::FuncRef(None) | Val::ExternRef(None) => "null".to_owned(),
        Val::FuncRef(Some(i)) => format!("funcref {i}"),
        Val::ExternRef(Some(i)) => format!("externref {i}"),
    }
}

fn zero(ty: ValType) -> Val {
    match ty {
        ValType::I32 => Val::I32(0),
        ValType::I64 => Val::I64(0),
        ValType::F32 => Val::F32(0),
        ValType::F64 => Val::F64(0),
        ValType::FuncRef => Val::FuncRef(None),
        ValType::ExternRef => Val::ExternRef(None),
    }
}

/// Aligned, zeroed scratch memory for the engine.
fn buffer(len: usize) -> Vec<u8> {
    vec![0u8; len]
}

/// Runs `wasmload run`. Exit codes: 0 ok, 1 trap or usage error, 2 invalid module.
pub fn run(path: &Path, invoke: &str, fuel: u64, args: &[String]) -> ExitCode {
    let file = path.display();
    let wasm = match crate::read_module(path) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("wasmload: {e:#}");
            return ExitCode::from(2);
        }
    };
    let limits = Limits::DEFAULT;
    let plan = match wasmhook_engine::plan(&wasm, &limits, &AbiImports) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{file}: {} at byte offset {:#x}", e.message(), e.offset());
            return ExitCode::from(2);
        }
    };
    let mut code = buffer(plan.module_bytes);
    let module = match Module::compile(&wasm, &limits, &AbiImports, &mut code) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{file}: {} at byte offset {:#x}", e.message(), e.offset());
            return ExitCode::from(2);
        }
    };
    let Some(func) = module.export_func(invoke) else {
        eprintln!("{file}: no exported function `{invoke}`");
        return ExitCode::from(1);
    };
    let Some((params, results)) = module.func_type(func) else {
        eprintln!("{file}: no exported function `{invoke}`");
        return ExitCode::from(1);
    };
    if params.len() != args.len() {
        eprintln!(
            "{file}: `{invoke}` takes {} arguments ({params:?}), {} given",
            params.len(),
            args.len()
        );
        return ExitCode::from(1);
    }
    let mut vals = Vec::with_capacity(args.len());
    for (ty, s) in params.iter().zip(args) {
        match parse_arg(*ty, s) {
            Ok(v) => vals.push(v),
            Err(e) => {
                eprintln!("wasmload: {e}");
                return ExitCode::from(1);
            }
        }
    }
    let mut out: Vec<Val> = results.iter().map(|t| zero(*t)).collect();
    let mut mem = buffer(module.instance_bytes());
    let mut host = AbiHost(UserEnv::default());
    let mut fuel_left = fuel;
    let mut inst = match Instance::new(&module, &mut mem, &mut fuel_left, &mut host) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("trap: {}", e.message());
            return ExitCode::from(1);
        }
    };
    match inst.invoke(func, &vals, &mut out, &mut fuel_left, &mut host) {
        Ok(()) => {
            for v in &out {
                println!("{}", show(v));
            }
            ExitCode::SUCCESS
        }
        Err(t) => {
            eprintln!("trap: {}", t.message());
            ExitCode::from(1)
        }
    }
}

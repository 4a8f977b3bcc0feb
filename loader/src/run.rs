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
    // The task helpers see this process, as in the kernel's BPF_PROG_TEST_RUN (`--kernel`);
    // user space cannot read kernel memory (in the kernel only kprobe hooks may).
    crate::run::process_context!();
    fn map_push(&mut self, _idx: u32, _value: &[u8], _flags: u64) -> i32 {
        -abi::errno::EINVAL
    }
    fn map_pop(&mut self, _idx: u32, _value: &mut [u8]) -> i32 {
        -abi::errno::EINVAL
    }
    fn map_peek(&mut self, _idx: u32, _value: &mut [u8]) -> i32 {
        -abi::errno::EINVAL
    }
}

/// The ABI v2 context methods of a user-space `HookEnv` (`wasmload run` and `test`): the task
/// helpers describe this process ([`task`]); `kprobe_ret` is 0 and `probe_read_kernel` -EPERM
/// with `dst` zeroed. Expands inside an `impl HookEnv for ...` block.
macro_rules! process_context {
    () => {
        fn kprobe_ret(&mut self) -> u64 {
            0
        }
        fn pid_tgid(&mut self) -> u64 {
            $crate::run::task::pid_tgid()
        }
        fn uid_gid(&mut self) -> u64 {
            $crate::run::task::uid_gid()
        }
        fn comm(&mut self) -> [u8; wasmhook_hook_abi::COMM_LEN] {
            $crate::run::task::comm()
        }
        fn cpu_id(&mut self) -> u32 {
            $crate::run::task::cpu_id()
        }
        fn prandom_u32(&mut self) -> u32 {
            $crate::run::task::prandom_u32()
        }
        fn ktime_boot_ns(&mut self) -> u64 {
            $crate::run::task::boot_ns()
        }
        fn probe_read_kernel(&mut self, dst: &mut [u8], _src: u64) -> i32 {
            dst.fill(0);
            -wasmhook_hook_abi::errno::EPERM
        }
    };
}
pub(crate) use process_context;

/// The v2 context helpers in user space: this process, as the kernel's `current` is the
/// process that runs `BPF_PROG_TEST_RUN` (so `wasmload test` and `--kernel` agree).
pub mod task {
    use wasmhook_hook_abi as abi;

    /// `tgid << 32 | tid` of this thread.
    pub fn pid_tgid() -> u64 {
        // SAFETY: plain syscalls without arguments.
        let (pid, tid) = unsafe { (libc::getpid(), libc::gettid()) };
        (u64::from(pid as u32) << 32) | u64::from(tid as u32)
    }
    /// `gid << 32 | uid` of this process.
    pub fn uid_gid() -> u64 {
        // SAFETY: plain syscalls without arguments.
        let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
        (u64::from(gid) << 32) | u64::from(uid)
    }
    /// This thread's name (`/proc/self/comm`), NUL-padded.
    pub fn comm() -> [u8; abi::COMM_LEN] {
        let mut out = [0u8; abi::COMM_LEN];
        let name = std::fs::read("/proc/thread-self/comm").unwrap_or_default();
        let name = name.strip_suffix(b"\n").unwrap_or(&name);
        for (d, s) in out.iter_mut().take(abi::COMM_LEN - 1).zip(name) {
            *d = *s;
        }
        out
    }
    /// The CPU this thread runs on.
    pub fn cpu_id() -> u32 {
        // SAFETY: no arguments.
        let c = unsafe { libc::sched_getcpu() };
        u32::try_from(c).unwrap_or(0)
    }
    /// A pseudo-random u32 (xorshift, seeded from the clock).
    pub fn prandom_u32() -> u32 {
        use std::cell::Cell;
        thread_local!(static STATE: Cell<u64> = Cell::new(boot_ns() | 1));
        STATE.with(|s| {
            let mut x = s.get();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            s.set(x);
            (x >> 32) as u32
        })
    }
    /// CLOCK_BOOTTIME in ns.
    pub fn boot_ns() -> u64 {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid timespec to fill.
        unsafe { libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut ts) };
        (ts.tv_sec as u64)
            .wrapping_mul(1_000_000_000)
            .wrapping_add(ts.tv_nsec as u64)
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

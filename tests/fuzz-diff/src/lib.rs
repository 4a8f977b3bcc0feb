//! Differential fuzzing of wasmhook-engine ("ours") against wasmi.
//!
//! Each input is a wasm-smith module generated from a deterministic byte stream, restricted to
//! our feature set. Some inputs are generated with invalid function bodies or get random byte
//! mutations so that validation is compared too. For every input:
//!
//! 1. validation: wasmi and ours must both accept or both reject;
//! 2. instantiation: both succeed, or both trap (same trap kind);
//! 3. every exported function is called with deterministic arguments, under a fuel bound on both
//!    sides: results must be equal (any NaN equals any NaN), both trap with the same kind or
//!    neither. Out-of-fuel or stack exhaustion on either side ends the comparison of that module
//!    (fuel models and stack limits differ, and the states diverge from there);
//! 4. the exported linear memory must be byte-identical after all calls.
//!
//! A disagreement is a *finding*: the module is saved as `.wasm` (plus a `.txt` describing the
//! disagreement) under the findings directory.
//!
//! Until our engine is merged into this branch the "ours" side is a stand-in (wasmi with lazy
//! compilation and its own store), so the harness itself stays exercised.

pub mod referee;

use arbitrary::Unstructured;
use bench_engine::{ours, theirs, ExportFunc, Session, SetupError, TrapKind, Ty, Value};
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Fuzzing parameters.
#[derive(Clone, Debug)]
pub struct FuzzConfig {
    pub iters: u64,
    pub seed: u64,
    /// Fuel for instantiation and for each call, on both sides (the units differ; that is
    /// fine, out-of-fuel anywhere just skips).
    pub fuel: u64,
    /// Where findings are written.
    pub out_dir: PathBuf,
    /// Print a progress line every this many inputs (0 = never).
    pub progress_every: u64,
    /// An input running longer than this is saved as a `hang` finding and the process exits
    /// (fuel should make that impossible). 0 = no watchdog.
    pub hang_secs: u64,
}

impl FuzzConfig {
    pub fn default_out_dir() -> PathBuf {
        let cache = std::env::var_os("WASMHOOK_CACHE")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| "/root".into()))
                    .join(".cache/wasmhook")
            });
        cache.join("fuzz-findings")
    }
}

/// Totals of one fuzzing run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub inputs: u64,
    pub findings: u64,
    /// Inputs both engines rejected.
    pub both_invalid: u64,
    /// Inputs both instantiated.
    pub instantiated: u64,
    /// Calls compared (result or trap).
    pub calls_compared: u64,
    /// Calls where fuel / stack ran out on at least one side.
    pub calls_resource: u64,
    /// Compared calls that returned normally in both.
    pub calls_returned: u64,
    /// Compared calls that trapped in both.
    pub calls_trapped: u64,
    /// Resource stops caused by our side / by wasmi (both may count for one call).
    pub stops_ours: u64,
    pub stops_wasmi: u64,
    /// Inputs skipped for limits / imports.
    pub skipped: u64,
    /// Whether our engine (not the stand-in) was compared.
    pub ours_available: bool,
    /// Paths of saved findings.
    pub finding_paths: Vec<PathBuf>,
    /// Disagreements where the referee sided with our engine (saved, not findings).
    pub wasmi_bugs: u64,
}

/// SplitMix64: seeds, argument choice and byte streams.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
}

/// How one input was produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// A valid wasm-smith module.
    Valid,
    /// wasm-smith with `allow_invalid_funcs` (some bodies are invalid).
    InvalidFuncs,
    /// A valid module with a few random bytes changed.
    Mutated,
    /// wasm-smith with `disallow_traps` (guarded loads/stores/divisions: deeper executions).
    NoTraps,
    /// A valid module passed through wasm-smith's `ensure_termination` (a fuel global bounds
    /// every loop and call, so most calls run to completion).
    Terminating,
}

/// wasm-smith configured to wasmhook-engine's feature set.
pub fn smith_config(kind: InputKind) -> wasm_smith::Config {
    wasm_smith::Config {
        // our feature set
        sign_extension_ops_enabled: true,
        saturating_float_to_int_enabled: true,
        multi_value_enabled: true,
        bulk_memory_enabled: true,
        reference_types_enabled: true,
        allow_floats: true,
        // not supported
        simd_enabled: false,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        tail_call_enabled: false,
        gc_enabled: false,
        exceptions_enabled: false,
        memory64_enabled: false,
        custom_page_sizes_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        custom_descriptors_enabled: false,
        // shape: no imports, everything exported, bounded sizes
        max_imports: 0,
        min_imports: 0,
        export_everything: true,
        max_memories: 1,
        max_memory32_bytes: 16 * 65536,
        max_tables: 2,
        max_table_elements: 1000,
        // every memory / table declares a maximum within our kernel limits, so memory.grow and
        // table.grow fail at the same point in both engines
        memory_max_size_required: true,
        table_max_size_required: true,
        min_funcs: 3,
        max_funcs: 30,
        max_globals: 30,
        max_instructions: 200,
        max_data_segments: 10,
        max_element_segments: 10,
        max_elements: 50,
        max_types: 30,
        max_nesting_depth: 8,
        allow_start_export: true,
        // NaN sign and payload of arithmetic results are nondeterministic in the spec and become
        // visible through reinterpret and stores: canonicalise them so only real bugs differ.
        canonicalize_nans: true,
        allow_invalid_funcs: kind == InputKind::InvalidFuncs,
        disallow_traps: kind == InputKind::NoTraps,
        ..wasm_smith::Config::default()
    }
}

/// Generates input number `i` of the run seeded with `seed`.
pub fn make_input(seed: u64, i: u64) -> Option<(InputKind, Vec<u8>)> {
    let mut rng = Rng::new(seed ^ i.wrapping_mul(0xa076_1d64_78bd_642f));
    let kind = match rng.below(10) {
        0 => InputKind::InvalidFuncs,
        1 => InputKind::Mutated,
        2 | 3 => InputKind::NoTraps,
        4 | 5 => InputKind::Terminating,
        _ => InputKind::Valid,
    };
    let len = 256 + rng.below(8192) as usize;
    let bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
    let mut u = Unstructured::new(&bytes);
    let mut config = smith_config(kind);
    if rng.below(4) == 0 {
        // now and then larger function bodies and deeper nesting
        config.max_instructions = 1000;
        config.max_nesting_depth = 20;
    }
    let mut m = wasm_smith::Module::new(config, &mut u).ok()?;
    if kind == InputKind::Terminating {
        m.ensure_termination(10_000).ok()?;
    }
    let mut wasm = m.to_bytes();
    if kind == InputKind::Mutated && wasm.len() > 8 {
        for _ in 0..1 + rng.below(4) {
            // leave the 8-byte header alone
            let at = 8 + rng.below(wasm.len() as u64 - 8) as usize;
            wasm[at] = rng.next_u64() as u8;
        }
    }
    Some((kind, wasm))
}

/// Deterministic interesting arguments for call `k` of a function.
pub fn args_for(params: &[Ty], k: u64) -> Vec<Value> {
    const I32S: &[i32] = &[
        0,
        1,
        -1,
        7,
        i32::MIN,
        i32::MAX,
        0x7fff,
        65536,
        -65536,
        31,
        32,
        100,
    ];
    const I64S: &[i64] = &[
        0,
        1,
        -1,
        63,
        64,
        i64::MIN,
        i64::MAX,
        1 << 32,
        -(1 << 40),
        0xffff,
    ];
    const F32S: &[u32] = &[
        0x0000_0000,
        0x8000_0000,
        0x3fc0_0000,
        0x7fc0_0000,
        0x7f80_0000,
        0xff80_0000,
        0x4f00_0000,
        0xcf00_0001,
        0x0000_0001,
        0x7f7f_ffff,
        0xbf80_0000,
        0x7fa0_0001,
    ];
    const F64S: &[u64] = &[
        0,
        0x8000_0000_0000_0000,
        0x3ff8_0000_0000_0000,
        0x7ff8_0000_0000_0000,
        0x7ff0_0000_0000_0000,
        0xfff0_0000_0000_0000,
        0x43e0_0000_0000_0000,
        0xc3e0_0000_0000_0001,
        1,
        0x7fef_ffff_ffff_ffff,
        0xbff0_0000_0000_0000,
        0x41df_ffff_ffc0_0000,
    ];
    let mut rng = Rng::new(k.wrapping_mul(0x9e37_79b9) ^ params.len() as u64);
    params
        .iter()
        .map(|t| {
            let r = rng.next_u64();
            let pick = |n: usize| (r as usize) % n;
            match t {
                Ty::I32 => Value::I32(if k == 0 { 0 } else { I32S[pick(I32S.len())] }),
                Ty::I64 => Value::I64(if k == 0 { 0 } else { I64S[pick(I64S.len())] }),
                Ty::F32 => Value::F32(F32S[pick(F32S.len())]),
                Ty::F64 => Value::F64(F64S[pick(F64S.len())]),
                Ty::FuncRef => Value::FuncRef(false),
                Ty::ExternRef => Value::ExternRef(None),
            }
        })
        .collect()
}

/// Finding kind for a disagreement where the referee (wasmi 0.31) sides with our engine: saved
/// like a finding but counted separately, not a failure.
pub const WASMI_BUG: &str = "wasmi-bug";

/// Each export is called this many times, with argument sets 0, 1, 2 (set 0 = all zeros).
pub const CALLS_PER_EXPORT: usize = 3;

/// Fuel for input `i`: usually `base`, but one input in eight gets a small random budget so
/// that fuel running out at every possible point (instantiation, mid-block, in callees) is
/// exercised too.
pub fn fuel_for(seed: u64, i: u64, base: u64) -> u64 {
    let mut rng = Rng::new(seed.rotate_left(17) ^ i ^ 0x0f0e_0d0c);
    if rng.below(8) == 0 {
        1 + rng.below(base.min(5000))
    } else {
        base
    }
}

/// A panic that escaped from outside our engine's calls (wasmi 2.x's translator): saved, counted
/// with the wasmi bugs, not a finding.
pub const WASMI_PANIC: &str = "wasmi-panic";

/// One disagreement.
#[derive(Clone, Debug)]
pub struct Finding {
    pub what: String,
    pub detail: String,
}

/// The side compared against wasmi.
enum Ours<'e> {
    Engine,
    /// wasmi with another configuration, while our engine is not merged.
    StandIn(&'e wasmi::Engine),
}

impl Ours<'_> {
    fn validate(&self, wasm: &[u8]) -> Result<(), SetupError> {
        match self {
            Ours::Engine => ours::validate(wasm),
            Ours::StandIn(e) => theirs::validate(e, wasm).map_err(SetupError::Invalid),
        }
    }
    fn with_instance<R>(
        &self,
        wasm: &[u8],
        fuel: &mut u64,
        f: impl FnOnce(&mut dyn Session) -> R,
    ) -> Result<R, SetupError> {
        match self {
            Ours::Engine => ours::with_instance(wasm, fuel, f),
            Ours::StandIn(e) => theirs::with_instance(e, &STANDIN, wasm, fuel, f),
        }
    }
}

const STANDIN: theirs::Options = theirs::Options {
    fuel: true,
    eager: false,
};

fn results_same(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y))
}

fn show(v: &[Value]) -> String {
    let parts: Vec<String> = v.iter().map(ToString::to_string).collect();
    format!("[{}]", parts.join(", "))
}

/// Outcome of comparing one module.
#[derive(Debug, Default)]
struct ModuleStats {
    both_invalid: bool,
    instantiated: bool,
    skipped: bool,
    calls_compared: u64,
    calls_resource: u64,
    calls_returned: u64,
    calls_trapped: u64,
    stops_ours: u64,
    stops_wasmi: u64,
}

/// The referee never decides anything by panicking.
fn referee_replay(
    wasm: &[u8],
    fuel: u64,
    history: &[(String, Vec<Value>)],
) -> Option<referee::Outcome> {
    guarded(|| referee::replay(wasm, fuel, history))
        .ok()
        .flatten()
}

/// Catches a panic in our engine as a finding.
fn guarded<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
        p.downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into())
    })
}

/// Compares the live instances: all exports called, then memory.
/// Calls are numbered `CALLS_PER_EXPORT * export + k`; comparison starts at call `start`. Returns
/// `Ok(Some(next))` when fuel / stack ran out at call `next - 1` (the caller re-instantiates both
/// and resumes at `next`, since the states may have diverged).
fn compare_calls(
    wasm: &[u8],
    os: &mut dyn Session,
    ts: &mut dyn Session,
    fuel: u64,
    start: usize,
    st: &mut ModuleStats,
) -> Result<Option<usize>, Finding> {
    let t_exports: Vec<ExportFunc> = ts.exports().to_vec();
    // calls made on these instances so far, for the referee
    let mut history: Vec<(String, Vec<Value>)> = Vec::new();
    for (ti, ef) in t_exports.iter().enumerate() {
        if CALLS_PER_EXPORT * (ti + 1) <= start {
            continue;
        }
        let Some(oi) = os.find(&ef.name) else {
            return Err(Finding {
                what: "export-missing".into(),
                detail: format!("export {:?} missing in ours", ef.name),
            });
        };
        if os.exports()[oi] != *ef {
            return Err(Finding {
                what: "export-type".into(),
                detail: format!(
                    "export {:?}: ours {:?}, wasmi {:?}",
                    ef.name,
                    os.exports()[oi],
                    ef
                ),
            });
        }
        for k in 0..CALLS_PER_EXPORT as u64 {
            let call_no = CALLS_PER_EXPORT * ti + k as usize;
            if call_no < start {
                continue;
            }
            let args = args_for(&ef.params, k);
            let mut of = fuel;
            let mut tf = fuel;
            let o = guarded(|| os.call(oi, &args, &mut of)).map_err(|p| Finding {
                what: "panic".into(),
                detail: format!("ours panicked calling {:?}{}: {p}", ef.name, show(&args)),
            })?;
            let t = ts.call(ti, &args, &mut tf);
            history.push((ef.name.clone(), args.clone()));
            let call = format!("{:?}{}", ef.name, show(&args));
            if of > fuel {
                return Err(Finding {
                    what: "fuel".into(),
                    detail: format!("{call}: ours left {of} fuel of {fuel} given"),
                });
            }
            let o_res = matches!(&o, Err(a) if a.is_resource());
            let t_res = matches!(&t, Err(b) if b.is_resource());
            if o_res || t_res {
                st.calls_resource += 1;
                st.stops_ours += u64::from(o_res);
                st.stops_wasmi += u64::from(t_res);
                return Ok(Some(call_no + 1));
            }
            let what = match (&o, &t) {
                (Ok(a), Ok(b)) if results_same(a, b) => {
                    st.calls_returned += 1;
                    None
                }
                (Err(a), Err(b)) if a == b => {
                    st.calls_trapped += 1;
                    None
                }
                (Ok(_), Ok(_)) => Some("result"),
                _ => Some("trap"),
            };
            if let Some(what) = what {
                let referee = referee_replay(wasm, fuel, &history);
                let ours_right = match &referee {
                    Some((Ok(r), _, _)) => matches!(&o, Ok(a) if results_same(a, r)),
                    Some((Err(r), _, _)) => matches!(&o, Err(a) if a == r),
                    None => false,
                };
                let show_outcome = |x: &Result<Vec<Value>, TrapKind>| match x {
                    Ok(v) => show(v),
                    Err(t) => format!("trap {t:?}"),
                };
                let referee_said = referee
                    .as_ref()
                    .map_or("undecided".to_string(), |(r, _, _)| show_outcome(r));
                return Err(Finding {
                    what: if ours_right { WASMI_BUG.into() } else { what.into() },
                    detail: format!(
                        "{call} (call {} on fresh instances): ours {} wasmi {} referee(wasmi 0.31) {referee_said}",
                        history.len(),
                        show_outcome(&o),
                        show_outcome(&t),
                    ),
                });
            }
            st.calls_compared += 1;
        }
    }
    let og = os.globals();
    for (name, tv) in ts.globals() {
        let ov = og.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        if !ov.is_some_and(|ov| ov.same(&tv)) {
            let referee = referee_replay(wasm, fuel, &history);
            let rv = referee
                .as_ref()
                .and_then(|(_, _, g)| g.iter().find(|(n, _)| *n == name).map(|(_, v)| *v));
            let ours_right = matches!((ov, rv), (Some(a), Some(b)) if a.same(&b));
            return Err(Finding {
                what: if ours_right { WASMI_BUG } else { "global" }.into(),
                detail: format!(
                    "exported global {name:?} after {} calls: ours {} wasmi {tv} referee(wasmi 0.31) {}",
                    history.len(),
                    ov.map_or("missing".to_string(), |v| v.to_string()),
                    rv.map_or("undecided".to_string(), |v| v.to_string())
                ),
            });
        }
    }
    // wasmi's view only covers an exported memory; without one there is nothing to compare.
    let (om, tm) = (os.memory(), ts.memory());
    if !tm.is_empty() && om != tm {
        let first = om.iter().zip(&tm).position(|(a, b)| a != b);
        let ours_right = !history.is_empty()
            && matches!(referee_replay(wasm, fuel, &history), Some((_, m, _)) if m == om);
        return Err(Finding {
            what: if ours_right { WASMI_BUG } else { "memory" }.into(),
            detail: format!(
                "memory differs after all calls: ours {} bytes, wasmi {} bytes, first difference at {first:?}",
                om.len(),
                tm.len()
            ),
        });
    }
    Ok(None)
}

/// Compares one module in both engines.
fn compare_module(
    ours_side: &Ours<'_>,
    wasmi: &wasmi::Engine,
    wasm: &[u8],
    fuel: u64,
) -> (ModuleStats, Option<Finding>) {
    let mut st = ModuleStats::default();
    // 1. validation
    let vt = theirs::validate(wasmi, wasm);
    let vo = match guarded(|| ours_side.validate(wasm)) {
        Ok(v) => v,
        Err(p) => {
            return (
                st,
                Some(Finding {
                    what: "panic".into(),
                    detail: format!("ours panicked in validate: {p}"),
                }),
            )
        }
    };
    match (&vt, &vo) {
        (Err(_), Err(_)) => {
            st.both_invalid = true;
            return (st, None);
        }
        (Err(e), Ok(())) => {
            return (
                st,
                Some(Finding {
                    what: "accepts-invalid".into(),
                    detail: format!("ours accepts a module wasmi rejects: {e}"),
                }),
            )
        }
        (Ok(()), Err(SetupError::Limits(_) | SetupError::Unavailable(_))) => {
            st.skipped = true;
            return (st, None);
        }
        (Ok(()), Err(e)) => {
            // a module with imports may be refused by our resolver: not comparable
            if has_imports(wasmi, wasm) {
                st.skipped = true;
                return (st, None);
            }
            return (
                st,
                Some(Finding {
                    what: "rejects-valid".into(),
                    detail: format!("ours rejects a module wasmi accepts: {e}"),
                }),
            );
        }
        (Ok(()), Ok(())) => {}
    }
    if has_imports(wasmi, wasm) {
        st.skipped = true;
        return (st, None);
    }
    // 2. + 3. instantiate both, compare calls; after a fuel / stack stop, fresh instances
    // resume at the next call.
    let mut start = 0usize;
    let mut first = true;
    loop {
        let r = session_round(ours_side, wasmi, wasm, fuel, start, &mut st);
        let (o, t, finding, resume) = match r {
            Ok(x) => x,
            Err(f) => return (st, Some(f)),
        };
        if let Some(f) = finding {
            return (st, Some(f));
        }
        if first {
            first = false;
            if let Some(mut f) = compare_setup(&o, &t, &mut st) {
                let ours_as_trap = match &o {
                    Ok(()) => Some(Ok(())),
                    Err(SetupError::Trap(k)) => Some(Err(k.clone())),
                    Err(_) => None,
                };
                let referee = guarded(|| referee::instantiate(wasm, fuel)).ok().flatten();
                if referee.is_some() && referee == ours_as_trap {
                    f.what = WASMI_BUG.into();
                }
                f.detail = format!("{} referee(wasmi 0.31) {referee:?}", f.detail);
                return (st, Some(f));
            }
        }
        match resume {
            Some(next) if o.is_ok() && t.is_ok() => start = next,
            _ => return (st, None),
        }
    }
}

type Round = (
    Result<(), SetupError>,
    Result<(), SetupError>,
    Option<Finding>,
    Option<usize>,
);

/// Instantiates both and compares calls from `start`.
fn session_round(
    ours_side: &Ours<'_>,
    wasmi: &wasmi::Engine,
    wasm: &[u8],
    fuel: u64,
    start: usize,
    st: &mut ModuleStats,
) -> Result<Round, Finding> {
    let mut finding = None;
    let mut resume = None;
    let mut tfuel = fuel;
    let mut ours_setup: Option<Result<(), SetupError>> = None;
    let t = theirs::with_instance(wasmi, &theirs::Options::FUZZ, wasm, &mut tfuel, |ts| {
        let mut ofuel = fuel;
        let r = guarded(|| {
            ours_side.with_instance(wasm, &mut ofuel, |os| {
                compare_calls(wasm, os, ts, fuel, start, st)
            })
        });
        match r {
            Err(p) => {
                finding = Some(Finding {
                    what: "panic".into(),
                    detail: format!("ours panicked: {p}"),
                })
            }
            Ok(Ok(Ok(next))) => {
                ours_setup = Some(Ok(()));
                resume = next;
            }
            Ok(Ok(Err(f))) => {
                ours_setup = Some(Ok(()));
                finding = Some(f);
            }
            Ok(Err(e)) => ours_setup = Some(Err(e)),
        }
    });
    let o = match ours_setup {
        Some(o) => o,
        // wasmi did not instantiate: find out what ours does
        None => {
            let mut ofuel = fuel;
            guarded(|| ours_side.with_instance(wasm, &mut ofuel, |_| ())).map_err(|p| Finding {
                what: "panic".into(),
                detail: format!("ours panicked instantiating: {p}"),
            })?
        }
    };
    Ok((o, t, finding, resume))
}

/// Compares the instantiation outcomes.
fn compare_setup(
    o: &Result<(), SetupError>,
    t: &Result<(), SetupError>,
    st: &mut ModuleStats,
) -> Option<Finding> {
    match (o, t) {
        (Ok(()), Ok(())) => {
            st.instantiated = true;
            None
        }
        (Err(SetupError::Limits(m)), _) | (_, Err(SetupError::Limits(m))) => {
            if std::env::var_os("FUZZ_DIFF_VERBOSE").is_some() {
                eprintln!("skip (limits): {m}");
            }
            st.skipped = true;
            None
        }
        (Err(SetupError::Trap(a)), _) if a.is_resource() => {
            st.skipped = true;
            None
        }
        (_, Err(SetupError::Trap(b))) if b.is_resource() => {
            st.skipped = true;
            None
        }
        (Err(SetupError::Trap(a)), Err(SetupError::Trap(b))) if a == b => None,
        _ => Some(Finding {
            what: "instantiate".into(),
            detail: format!(
                "instantiation differs: ours {o:?} wasmi {:?}",
                t.as_ref().err()
            ),
        }),
    }
}

fn has_imports(engine: &wasmi::Engine, wasm: &[u8]) -> bool {
    wasmi::Module::new(engine, wasm)
        .map(|m| m.imports().len() != 0)
        .unwrap_or(false)
}

fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn save_finding(
    cfg: &FuzzConfig,
    i: u64,
    wasm: &[u8],
    kind: InputKind,
    fuel: u64,
    f: &Finding,
) -> PathBuf {
    let _ = std::fs::create_dir_all(&cfg.out_dir);
    let base = cfg.out_dir.join(format!("{}-{:016x}", f.what, fnv(wasm)));
    let path = base.with_extension("wasm");
    let _ = std::fs::write(&path, wasm);
    let mut txt = String::new();
    let _ = writeln!(
        txt,
        "finding: {}\n{}\ninput {i} of seed {} ({kind:?}), fuel {fuel}\nreproduce: cargo run --release -p fuzz-diff -- --fuel {fuel} --replay {}\nshow all calls: cargo run --release -p fuzz-diff -- --fuel {fuel} --show {}",
        f.what,
        f.detail,
        cfg.seed,
        path.display(),
        path.display()
    );
    let _ = std::fs::write(base.with_extension("txt"), txt);
    path
}

/// Compares one module file (for `--replay`); returns the finding if any.
pub fn replay(wasm: &[u8], fuel: u64) -> Option<Finding> {
    let wasmi = theirs::engine(&theirs::Options::FUZZ);
    let standin = theirs::engine(&STANDIN);
    let side = if ours::AVAILABLE {
        Ours::Engine
    } else {
        Ours::StandIn(&standin)
    };
    match guarded(|| compare_module(&side, &wasmi, wasm, fuel)) {
        Ok((_, f)) => f,
        Err(p) => Some(Finding {
            what: WASMI_PANIC.into(),
            detail: format!("panic outside our engine's guarded calls (wasmi): {p}"),
        }),
    }
}

/// Prints every export call's outcome in both engines (fresh instances per engine, calls in
/// order, same arguments as the fuzzer). For reducing findings by hand.
pub fn show_module(wasm: &[u8], fuel: u64) {
    let wasmi = theirs::engine(&theirs::Options::FUZZ);
    let standin = theirs::engine(&STANDIN);
    let side = if ours::AVAILABLE {
        Ours::Engine
    } else {
        Ours::StandIn(&standin)
    };
    // calls in wasmi's export order, in both engines (as the fuzzer does)
    let names: Vec<String> = {
        let mut f = fuel;
        theirs::with_instance(&wasmi, &theirs::Options::FUZZ, wasm, &mut f, |s| {
            s.exports().iter().map(|e| e.name.clone()).collect()
        })
        .unwrap_or_default()
    };
    let run = |s: &mut dyn Session| -> Vec<String> {
        let exports = s.exports().to_vec();
        let mut out = Vec::new();
        for name in &names {
            let Some(i) = s.find(name) else {
                out.push(format!("{name:?} missing"));
                continue;
            };
            let ef = &exports[i];
            for k in 0..CALLS_PER_EXPORT as u64 {
                let args = args_for(&ef.params, k);
                let mut f = fuel;
                let r = s.call(i, &args, &mut f);
                let r = match r {
                    Ok(v) => show(&v),
                    Err(t) => format!("trap {t:?}"),
                };
                out.push(format!("{:?}{} -> {r}", ef.name, show(&args)));
            }
        }
        out
    };
    let mut f = fuel;
    let t = theirs::with_instance(&wasmi, &theirs::Options::FUZZ, wasm, &mut f, run);
    let mut f = fuel;
    let o = side.with_instance(wasm, &mut f, run);
    match (o, t) {
        (Ok(o), Ok(t)) => {
            for (a, b) in o.iter().zip(&t) {
                let mark = if a == b { " " } else { "!" };
                println!("{mark} ours  {a}\n{mark} wasmi {b}");
            }
        }
        (o, t) => println!("ours {:?}\nwasmi {:?}", o.err(), t.err()),
    }
}

/// Runs `f` on a thread with a 1 GiB stack (reserved, touched on demand). wasmi 2.0's
/// tail-call dispatch does not turn every handler into a real tail call (e.g. `table.grow`), so
/// its native stack grows with the number of instructions executed: a few hundred thousand
/// instructions overflow the 8 MiB main-thread stack. Use this around [`run`], [`replay`] and
/// [`show_module`].
pub fn with_big_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .name("fuzz-diff".into())
        .stack_size(1 << 30)
        .spawn(f)
        .expect("spawn the fuzzing thread")
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// Runs `cfg.iters` inputs and reports.
pub fn run(cfg: &FuzzConfig) -> Report {
    // wasmi engines keep compiled code of dropped modules: start fresh ones now and then
    let mut wasmi = theirs::engine(&theirs::Options::FUZZ);
    let mut standin = theirs::engine(&STANDIN);
    let mut rep = Report {
        ours_available: ours::AVAILABLE,
        ..Report::default()
    };
    let current: Arc<Mutex<(u64, Vec<u8>)>> = Arc::new(Mutex::new((u64::MAX, Vec::new())));
    let done = Arc::new(AtomicBool::new(false));
    let watchdog =
        (cfg.hang_secs != 0).then(|| spawn_watchdog(cfg.clone(), current.clone(), done.clone()));
    for i in 0..cfg.iters {
        if i % 1000 == 999 {
            wasmi = theirs::engine(&theirs::Options::FUZZ);
            standin = theirs::engine(&STANDIN);
        }
        let side = if ours::AVAILABLE {
            Ours::Engine
        } else {
            Ours::StandIn(&standin)
        };
        let Some((kind, wasm)) = make_input(cfg.seed, i) else {
            continue;
        };
        if watchdog.is_some() {
            if let Ok(mut c) = current.lock() {
                *c = (i, wasm.clone());
            }
        }
        rep.inputs += 1;
        let fuel = fuel_for(cfg.seed, i, cfg.fuel);
        // Our engine's panics are caught inside (and are findings); one that escapes comes from
        // wasmi 2.x itself (its translator has `unreachable!`s that wasm-smith input can hit).
        let (st, f) = match guarded(|| compare_module(&side, &wasmi, &wasm, fuel)) {
            Ok(r) => r,
            Err(p) => (
                ModuleStats::default(),
                Some(Finding {
                    what: WASMI_PANIC.into(),
                    detail: format!("panic outside our engine's guarded calls (wasmi): {p}"),
                }),
            ),
        };
        rep.both_invalid += u64::from(st.both_invalid);
        rep.instantiated += u64::from(st.instantiated);
        rep.skipped += u64::from(st.skipped);
        rep.calls_compared += st.calls_compared;
        rep.calls_resource += st.calls_resource;
        rep.calls_returned += st.calls_returned;
        rep.calls_trapped += st.calls_trapped;
        rep.stops_ours += st.stops_ours;
        rep.stops_wasmi += st.stops_wasmi;
        if let Some(f) = f {
            let path = save_finding(cfg, i, &wasm, kind, fuel, &f);
            if f.what == WASMI_BUG || f.what == WASMI_PANIC {
                rep.wasmi_bugs += 1;
                println!(
                    "WASMI-BUG {} input={i} {}: {}",
                    f.what,
                    path.display(),
                    f.detail
                );
            } else {
                rep.findings += 1;
                println!(
                    "FINDING {} input={i} {}: {}",
                    f.what,
                    path.display(),
                    f.detail
                );
                rep.finding_paths.push(path);
            }
        }
        if cfg.progress_every != 0 && (i + 1) % cfg.progress_every == 0 {
            println!(
                "progress inputs={} findings={} instantiated={} both_invalid={} skipped={} calls={} resource_stops={}",
                rep.inputs, rep.findings, rep.instantiated, rep.both_invalid, rep.skipped, rep.calls_compared, rep.calls_resource
            );
        }
    }
    done.store(true, Ordering::Relaxed);
    if let Some(w) = watchdog {
        let _ = w.join();
    }
    rep
}

/// Saves the current input as a `hang` finding and exits if one input runs too long.
fn spawn_watchdog(
    cfg: FuzzConfig,
    current: Arc<Mutex<(u64, Vec<u8>)>>,
    done: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut last = u64::MAX;
        let mut since = Instant::now();
        while !done.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(200));
            let Ok(c) = current.lock() else {
                return;
            };
            if c.0 != last {
                last = c.0;
                since = Instant::now();
            } else if last != u64::MAX && since.elapsed() > Duration::from_secs(cfg.hang_secs) {
                let f = Finding {
                    what: "hang".into(),
                    detail: format!(
                        "input still running after {} s (fuel not enforced?)",
                        cfg.hang_secs
                    ),
                };
                let fuel = fuel_for(cfg.seed, c.0, cfg.fuel);
                let path = save_finding(&cfg, c.0, &c.1, InputKind::Valid, fuel, &f);
                println!(
                    "FINDING hang input={} {}: {}",
                    c.0,
                    path.display(),
                    f.detail
                );
                println!("FUZZ inputs={} findings=1 (aborted on hang)", c.0 + 1);
                std::process::exit(1);
            }
        }
    })
}

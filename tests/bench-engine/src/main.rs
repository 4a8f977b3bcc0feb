//! `bench-engine`: runs every workload in wasmhook-engine and in wasmi in one process, checks
//! that both return the same checksum, and times them.
//!
//! Output (one line per workload, geomean last):
//! ```text
//! PLAN NAME module_bytes=N instance_bytes=N
//! BENCH NAME ours_ns=N wasmi_ns=N ratio=R
//! BENCH geomean ratio=R
//! ```
//! `ns` = median wall time of one `run(n)` call over several timed runs (after a warm-up);
//! ratio = ours / wasmi (lower is better for us). Without our engine compiled in, `ours_ns`
//! and the ratios print as `NA`.
//!
//! Usage: `bench-engine [--workloads DIR] [--runs N] [--target-ms MS] [--only NAME[,NAME..]]`.
//! The workloads are built by `scripts/build-workloads`.

use bench_engine::{ours, theirs, Session, SetupError, Value};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// (name, argument n). n is chosen so one call is a few ms in wasmi (release build).
const WORKLOADS: &[(&str, i32)] = &[
    ("coremark", 20),
    ("sha256", 10),
    ("crc32", 15),
    ("sort", 4),
    ("packet", 200),
    ("matmul_f64", 4),
    ("nbody_f32", 20),
    ("fib", 6),
];

struct Opts {
    dir: PathBuf,
    runs: usize,
    target_ns: u128,
    only: Option<Vec<String>>,
}

fn parse_args() -> Result<Opts, String> {
    let default_dir = std::env::var_os("WASMHOOK_WORKLOADS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let cache = std::env::var_os("WASMHOOK_CACHE")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| "/root".into()))
                        .join(".cache/wasmhook")
                });
            cache.join("workloads")
        });
    let mut o = Opts {
        dir: default_dir,
        runs: 5,
        target_ns: 100_000_000,
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--workloads" => o.dir = PathBuf::from(val()?),
            "--runs" => o.runs = val()?.parse().map_err(|e| format!("--runs: {e}"))?,
            "--target-ms" => {
                let ms: u128 = val()?.parse().map_err(|e| format!("--target-ms: {e}"))?;
                o.target_ns = ms * 1_000_000;
            }
            "--only" => o.only = Some(val()?.split(',').map(str::to_string).collect()),
            "-h" | "--help" => {
                return Err(
                    "usage: bench-engine [--workloads DIR] [--runs N] [--target-ms MS] [--only A,B]"
                        .into(),
                )
            }
            _ => return Err(format!("unknown argument {a}")),
        }
    }
    if o.runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    Ok(o)
}

/// Result of timing one engine on one workload.
struct Timing {
    /// Median ns per call.
    ns: u128,
    /// Every result seen (all calls must agree with the first).
    result: u64,
    plan: Option<bench_engine::PlanBytes>,
}

/// Warm-up, calibrate the iteration count to `target_ns` per run, then `runs` timed runs.
fn time_session(s: &mut dyn Session, n: i32, o: &Opts, fuel_per_call: u64) -> Result<Timing, String> {
    let idx = s.find("run").ok_or("workload exports no `run`")?;
    let args = [Value::I32(n)];
    let mut fuel = fuel_per_call;
    let t0 = Instant::now();
    let first = s
        .call_raw(idx, &args, &mut fuel)
        .map_err(|t| format!("warm-up trapped: {t:?}"))?;
    let once = t0.elapsed().as_nanos().max(1);
    let iters = (o.target_ns / once).clamp(1, 10_000) as usize;
    let mut per_call = Vec::with_capacity(o.runs);
    for _ in 0..o.runs {
        let t = Instant::now();
        for _ in 0..iters {
            fuel = fuel_per_call;
            let r = s
                .call_raw(idx, &args, &mut fuel)
                .map_err(|t| format!("trapped: {t:?}"))?;
            if r != first {
                return Err(format!("nondeterministic: {r:#x} != {first:#x}"));
            }
        }
        per_call.push(t.elapsed().as_nanos() / iters as u128);
    }
    per_call.sort_unstable();
    Ok(Timing {
        ns: per_call[per_call.len() / 2],
        result: first,
        plan: s.plan(),
    })
}

fn main() -> ExitCode {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let wasmi_engine = theirs::engine(&theirs::Options::BENCH);
    let mut failed = false;
    let mut log_ratio_sum = 0.0f64;
    let mut ratios = 0u32;
    println!(
        "# bench-engine: {} runs, ~{} ms per run, workloads from {}, ours {}",
        o.runs,
        o.target_ns / 1_000_000,
        o.dir.display(),
        if ours::AVAILABLE { "compiled in" } else { "NOT AVAILABLE (engine not merged)" }
    );
    for &(name, n) in WORKLOADS {
        if let Some(only) = &o.only {
            if !only.iter().any(|x| x == name) {
                continue;
            }
        }
        let path = o.dir.join(format!("{name}.wasm"));
        let wasm = match std::fs::read(&path) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("ERROR {name}: cannot read {} ({e}); run scripts/build-workloads", path.display());
                failed = true;
                continue;
            }
        };
        let mut fuel = 0;
        let theirs = theirs::with_instance(&wasmi_engine, &theirs::Options::BENCH, &wasm, &mut fuel, |s| {
            time_session(s, n, &o, 0)
        });
        let theirs = match theirs {
            Ok(Ok(t)) => t,
            Ok(Err(e)) => {
                eprintln!("ERROR {name}: wasmi: {e}");
                failed = true;
                continue;
            }
            Err(e) => {
                eprintln!("ERROR {name}: wasmi: {e}");
                failed = true;
                continue;
            }
        };
        let mut fuel = ours::BENCH_FUEL;
        let mine = ours::with_instance(&wasm, &mut fuel, |s| time_session(s, n, &o, ours::BENCH_FUEL));
        let mine = match mine {
            Ok(Ok(t)) => Some(t),
            Ok(Err(e)) => {
                eprintln!("ERROR {name}: ours: {e}");
                failed = true;
                None
            }
            Err(SetupError::Unavailable(_)) => None,
            Err(e) => {
                eprintln!("ERROR {name}: ours: {e}");
                failed = true;
                None
            }
        };
        match &mine {
            Some(m) => {
                if let Some(p) = m.plan {
                    println!(
                        "PLAN {name} module_bytes={} instance_bytes={}",
                        p.module_bytes, p.instance_bytes
                    );
                }
                let agree = m.result == theirs.result;
                println!(
                    "CHECK {name} n={n} ours={:#x} wasmi={:#x} {}",
                    m.result,
                    theirs.result,
                    if agree { "agree" } else { "MISMATCH" }
                );
                if !agree {
                    failed = true;
                }
                let ratio = m.ns as f64 / theirs.ns.max(1) as f64;
                log_ratio_sum += ratio.ln();
                ratios += 1;
                println!(
                    "BENCH {name} ours_ns={} wasmi_ns={} ratio={ratio:.3}",
                    m.ns, theirs.ns
                );
            }
            None => {
                println!("CHECK {name} n={n} wasmi={:#x}", theirs.result);
                println!("BENCH {name} ours_ns=NA wasmi_ns={} ratio=NA", theirs.ns);
            }
        }
    }
    if ratios > 0 {
        println!("BENCH geomean ratio={:.3}", (log_ratio_sum / f64::from(ratios)).exp());
    } else {
        println!("BENCH geomean ratio=NA");
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

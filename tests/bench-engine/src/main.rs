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
//! Usage: `bench-engine [--workloads DIR] [--runs N] [--target-ms MS] [--only NAME[,NAME..]]
//! [--wasmi-fuel]`. wasmi runs in its default configuration (no fuel metering) unless
//! `--wasmi-fuel` is given; our engine always meters fuel (given `u64::MAX / 2` per call).
//! The workloads are built by `scripts/build-workloads`.

use bench_engine::{ours, theirs, Session, SetupError, Value, WORKLOADS};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

struct Opts {
    dir: PathBuf,
    runs: usize,
    target_ns: u128,
    only: Option<Vec<String>>,
    /// Run wasmi with fuel metering too (ours always meters fuel).
    wasmi_fuel: bool,
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
        wasmi_fuel: false,
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
            "--wasmi-fuel" => o.wasmi_fuel = true,
            "-h" | "--help" => return Err(
                "usage: bench-engine [--workloads DIR] [--runs N] [--target-ms MS] [--only A,B] [--wasmi-fuel]"
                    .into(),
            ),
            _ => return Err(format!("unknown argument {a}")),
        }
    }
    if o.runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    Ok(o)
}

/// One engine's timing state on one workload.
struct Runner<'s> {
    s: &'s mut dyn Session,
    idx: usize,
    n: i32,
    iters: usize,
    fuel_per_call: u64,
    /// Result of the first call; every later call must return the same.
    result: u64,
    /// Fuel one call consumed (0 for an engine without metering).
    fuel_used: u64,
    /// ns per call of each timed run.
    samples: Vec<u128>,
}

impl<'s> Runner<'s> {
    /// Warm-up call, then calibrate the iteration count so one run takes about `target_ns`.
    fn new(
        s: &'s mut dyn Session,
        n: i32,
        target_ns: u128,
        fuel_per_call: u64,
    ) -> Result<Self, String> {
        let idx = s.find("run").ok_or("workload exports no `run`")?;
        let mut fuel = fuel_per_call;
        let t0 = Instant::now();
        let result = s
            .call_raw(idx, &[Value::I32(n)], &mut fuel)
            .map_err(|t| format!("warm-up trapped: {t:?}"))?;
        let once = t0.elapsed().as_nanos().max(1);
        let iters = (target_ns / once).clamp(1, 10_000) as usize;
        Ok(Runner {
            s,
            idx,
            n,
            iters,
            fuel_per_call,
            result,
            fuel_used: fuel_per_call.saturating_sub(fuel),
            samples: Vec::new(),
        })
    }

    /// One timed run of `iters` calls.
    fn run(&mut self) -> Result<(), String> {
        let args = [Value::I32(self.n)];
        let t = Instant::now();
        for _ in 0..self.iters {
            let mut fuel = self.fuel_per_call;
            let r = self
                .s
                .call_raw(self.idx, &args, &mut fuel)
                .map_err(|t| format!("trapped: {t:?}"))?;
            if r != self.result {
                return Err(format!("nondeterministic: {r:#x} != {:#x}", self.result));
            }
        }
        self.samples
            .push(t.elapsed().as_nanos() / self.iters as u128);
        Ok(())
    }

    fn median(&self) -> u128 {
        let mut v = self.samples.clone();
        v.sort_unstable();
        v.get(v.len() / 2).copied().unwrap_or(0)
    }
}

/// Per-workload outcome.
struct Measured {
    wasmi_ns: u128,
    wasmi_result: u64,
    wasmi_fuel_used: u64,
    /// (ns, result, plan, fuel used per call) for our engine when available.
    ours: Option<(u128, u64, Option<bench_engine::PlanBytes>, u64)>,
}

/// Times wasmi and (if given) ours on one workload, interleaving their timed runs so that
/// background load drifts hit both alike.
fn measure(
    ours: Option<&mut dyn Session>,
    theirs: &mut dyn Session,
    n: i32,
    o: &Opts,
) -> Result<Measured, String> {
    let plan = ours.as_ref().and_then(|s| s.plan());
    let wasmi_fuel = if o.wasmi_fuel { ours::BENCH_FUEL } else { 0 };
    let mut t =
        Runner::new(theirs, n, o.target_ns, wasmi_fuel).map_err(|e| format!("wasmi: {e}"))?;
    let mut m = match ours {
        Some(s) => Some(
            Runner::new(s, n, o.target_ns, ours::BENCH_FUEL).map_err(|e| format!("ours: {e}"))?,
        ),
        None => None,
    };
    for _ in 0..o.runs {
        if let Some(m) = m.as_mut() {
            m.run().map_err(|e| format!("ours: {e}"))?;
        }
        t.run().map_err(|e| format!("wasmi: {e}"))?;
    }
    Ok(Measured {
        wasmi_ns: t.median(),
        wasmi_result: t.result,
        wasmi_fuel_used: t.fuel_used,
        ours: m.map(|m| (m.median(), m.result, plan, m.fuel_used)),
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
    let wasmi_opts = theirs::Options {
        fuel: o.wasmi_fuel,
        eager: o.wasmi_fuel,
    };
    let wasmi_engine = theirs::engine(&wasmi_opts);
    let mut failed = false;
    let mut log_ratio_sum = 0.0f64;
    let mut ratios = 0u32;
    println!(
        "# bench-engine: {} runs, ~{} ms per run, wasmi fuel metering {}, workloads from {}, ours {}",
        o.runs,
        o.target_ns / 1_000_000,
        if o.wasmi_fuel { "on" } else { "off" },
        o.dir.display(),
        if ours::AVAILABLE {
            "compiled in"
        } else {
            "NOT AVAILABLE (engine not merged)"
        }
    );
    for w in WORKLOADS {
        let (name, n) = (w.name, w.n);
        if let Some(only) = &o.only {
            if !only.iter().any(|x| x == name) {
                continue;
            }
        }
        let path = o.dir.join(format!("{name}.wasm"));
        let wasm = match std::fs::read(&path) {
            Ok(w) => w,
            Err(e) => {
                eprintln!(
                    "ERROR {name}: cannot read {} ({e}); run scripts/build-workloads",
                    path.display()
                );
                failed = true;
                continue;
            }
        };
        let mut fuel = ours::BENCH_FUEL;
        let r = theirs::with_instance(&wasmi_engine, &wasmi_opts, &wasm, &mut fuel, |ts| {
            let mut fuel = ours::BENCH_FUEL;
            match ours::with_instance(&wasm, &mut fuel, |os| measure(Some(os), &mut *ts, n, &o)) {
                Ok(r) => r,
                Err(SetupError::Unavailable(_)) => measure(None, ts, n, &o),
                Err(e) => Err(format!("ours: {e}")),
            }
        });
        let m = match r {
            Ok(Ok(m)) => m,
            Ok(Err(e)) => {
                eprintln!("ERROR {name}: {e}");
                failed = true;
                continue;
            }
            Err(e) => {
                eprintln!("ERROR {name}: wasmi: {e}");
                failed = true;
                continue;
            }
        };
        if m.wasmi_result != w.expected {
            eprintln!(
                "ERROR {name}: wasmi returned {:#x}, expected {:#x} (native build)",
                m.wasmi_result, w.expected
            );
            failed = true;
        }
        match m.ours {
            Some((ns, result, plan, fuel_used)) => {
                if o.wasmi_fuel {
                    println!("FUEL {name} ours={fuel_used} wasmi={}", m.wasmi_fuel_used);
                } else {
                    println!("FUEL {name} ours={fuel_used}");
                }
                if let Some(p) = plan {
                    println!(
                        "PLAN {name} module_bytes={} instance_bytes={}",
                        p.module_bytes, p.instance_bytes
                    );
                }
                let agree = result == m.wasmi_result;
                println!(
                    "CHECK {name} n={n} ours={result:#x} wasmi={:#x} {}",
                    m.wasmi_result,
                    if agree { "agree" } else { "MISMATCH" }
                );
                if !agree {
                    failed = true;
                }
                let ratio = ns as f64 / m.wasmi_ns.max(1) as f64;
                log_ratio_sum += ratio.ln();
                ratios += 1;
                println!(
                    "BENCH {name} ours_ns={ns} wasmi_ns={} ratio={ratio:.3}",
                    m.wasmi_ns
                );
            }
            None => {
                println!("CHECK {name} n={n} wasmi={:#x}", m.wasmi_result);
                println!("BENCH {name} ours_ns=NA wasmi_ns={} ratio=NA", m.wasmi_ns);
            }
        }
    }
    if ratios > 0 {
        println!(
            "BENCH geomean ratio={:.3}",
            (log_ratio_sum / f64::from(ratios)).exp()
        );
    } else {
        println!("BENCH geomean ratio=NA");
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

//! `fuzz-diff --iters N --seed S [--fuel F] [--out DIR]`, `fuzz-diff --replay FILE.wasm` (re-run
//! the comparison on one module) or `fuzz-diff --show FILE.wasm` (print every call in both).
//! Prints progress and a final `FUZZ inputs=N findings=M` line; findings are saved under
//! `${WASMHOOK_CACHE:-~/.cache/wasmhook}/fuzz-findings` (or `--out`). Exit status 1 on findings.

use fuzz_diff::{replay, run, show_module, with_big_stack, FuzzConfig, WASMI_BUG, WASMI_PANIC};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut cfg = FuzzConfig {
        iters: 1000,
        seed: 1,
        fuel: 100_000,
        out_dir: FuzzConfig::default_out_dir(),
        progress_every: 100,
        hang_secs: 60,
    };
    let mut replay_file = None;
    let mut show_file = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let Some(v) = args.next() else {
            eprintln!("{a} needs a value\nusage: fuzz-diff --iters N --seed S [--fuel F] [--out DIR] | --replay FILE");
            return ExitCode::from(2);
        };
        let num = |v: &str| v.parse::<u64>().map_err(|e| format!("{a}: {e}"));
        let r = match a.as_str() {
            "--iters" => num(&v).map(|n| cfg.iters = n),
            "--seed" => num(&v).map(|n| cfg.seed = n),
            "--fuel" => num(&v).map(|n| cfg.fuel = n),
            "--progress" => num(&v).map(|n| cfg.progress_every = n),
            "--hang-secs" => num(&v).map(|n| cfg.hang_secs = n),
            "--out" => {
                cfg.out_dir = PathBuf::from(v);
                Ok(())
            }
            "--replay" => {
                replay_file = Some(PathBuf::from(v));
                Ok(())
            }
            "--show" => {
                show_file = Some(PathBuf::from(v));
                Ok(())
            }
            _ => Err(format!("unknown argument {a}")),
        };
        if let Err(e) = r {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    }
    if let Some(path) = show_file {
        match std::fs::read(&path) {
            Ok(w) => {
                let fuel = cfg.fuel;
                with_big_stack(move || show_module(&w, fuel))
            }
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
        return ExitCode::SUCCESS;
    }
    if let Some(path) = replay_file {
        let wasm = match std::fs::read(&path) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                return ExitCode::from(2);
            }
        };
        let fuel = cfg.fuel;
        return match with_big_stack(move || replay(&wasm, fuel)) {
            Some(f) if f.what == WASMI_BUG || f.what == WASMI_PANIC => {
                println!("WASMI-BUG {}: {}", f.what, f.detail);
                ExitCode::SUCCESS
            }
            Some(f) => {
                println!("FINDING {}: {}", f.what, f.detail);
                ExitCode::FAILURE
            }
            None => {
                println!("no finding");
                ExitCode::SUCCESS
            }
        };
    }
    let rep = {
        let cfg = cfg.clone();
        with_big_stack(move || run(&cfg))
    };
    println!(
        "# ours={} seed={} fuel={} instantiated={} both_invalid={} skipped={} calls_compared={} (returned={} trapped={}) resource_stops={} (ours={} wasmi={})",
        if rep.ours_available { "wasmhook-engine" } else { "STAND-IN (wasmi lazy; engine not merged)" },
        cfg.seed,
        cfg.fuel,
        rep.instantiated,
        rep.both_invalid,
        rep.skipped,
        rep.calls_compared,
        rep.calls_returned,
        rep.calls_trapped,
        rep.calls_resource,
        rep.stops_ours,
        rep.stops_wasmi
    );
    println!(
        "# wasmi 2.0 disagreements where the referee (wasmi 0.31) sided with ours: {}",
        rep.wasmi_bugs
    );
    println!("FUZZ inputs={} findings={}", rep.inputs, rep.findings);
    if rep.findings == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

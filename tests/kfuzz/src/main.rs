//! `kfuzz-gen --seed S --iters N --out DIR`: writes the inputs of an in-kernel fuzz run.
//!
//! DIR/manifest.txt has one line per input (`index kind hook fuel mem_pages on_trap flags
//! mapset repeat expect file`), DIR/inputs/ the binaries, DIR/pkts/ the test packets and
//! DIR/churn/ the programs of the churn loop (`churn.txt`: `name hook file`). The guest side
//! (`kfuzz-guest`, `tests/vm/kfuzz.sh`) reads them. Same seed and N, same bytes.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut seed = 1u64;
    let mut iters = 100u64;
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next().unwrap_or_default();
        let ok = match a.as_str() {
            "--seed" => v.parse().map(|n| seed = n).is_ok(),
            "--iters" => v.parse().map(|n| iters = n).is_ok(),
            "--out" => {
                out = Some(PathBuf::from(v));
                true
            }
            _ => false,
        };
        if !ok {
            eprintln!("usage: kfuzz-gen --seed S --iters N --out DIR");
            return ExitCode::from(2);
        }
    }
    let Some(out) = out else {
        eprintln!("usage: kfuzz-gen --seed S --iters N --out DIR");
        return ExitCode::from(2);
    };
    match generate(seed, iters, &out) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kfuzz-gen: {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}

fn generate(seed: u64, iters: u64, out: &std::path::Path) -> std::io::Result<String> {
    for d in ["inputs", "pkts", "churn"] {
        let p = out.join(d);
        if p.exists() {
            std::fs::remove_dir_all(&p)?;
        }
        std::fs::create_dir_all(&p)?;
    }
    let mut manifest = String::new();
    let mut kinds = std::collections::BTreeMap::<&str, u64>::new();
    let (mut ok, mut bytes) = (0u64, 0usize);
    for i in 0..iters {
        let input = kfuzz::make_input(seed, i);
        std::fs::write(out.join(format!("inputs/{i:05}.wasm")), &input.wasm)?;
        let _ = writeln!(manifest, "{}", kfuzz::manifest_line(&input));
        *kinds.entry(input.kind.name()).or_default() += 1;
        ok += u64::from(input.expect_ok);
        bytes += input.wasm.len();
    }
    std::fs::write(out.join("manifest.txt"), manifest)?;
    for (k, p) in kfuzz::packets(seed, 24).iter().enumerate() {
        std::fs::write(out.join(format!("pkts/{k:02}.bin")), p)?;
    }
    let mut churn = String::new();
    for (name, hook, wat) in kfuzz::CHURN_WAT {
        let w = wat::parse_str(wat).map_err(|e| std::io::Error::other(format!("{name}: {e}")))?;
        std::fs::write(out.join(format!("churn/{name}.wasm")), w)?;
        let _ = writeln!(churn, "{name} {hook} churn/{name}.wasm");
    }
    std::fs::write(out.join("churn.txt"), churn)?;
    let mut s = format!("KFUZZ-GEN seed={seed} inputs={iters} expect_ok={ok} bytes={bytes}");
    for (k, n) in kinds {
        let _ = write!(s, " {k}={n}");
    }
    Ok(s)
}

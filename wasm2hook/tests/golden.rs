//! CLI golden tests: every `tests/golden/NAME.wat` starts with `;; wasm2hook ARGS` (`{}` stands
//! for the module, written as `NAME.wasm` into a scratch directory that is the working
//! directory), and `NAME.expected` holds the exact stdout, then stderr, then `[exit N]`.
//! `(module binary ...)` gives raw bytes for malformed cases. Set `GOLDEN_BLESS=1` to rewrite
//! the `.expected` files from the current output (review the diff!).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn run_case(wat_path: &Path, scratch: &Path) -> Result<(String, String), String> {
    let name = wat_path.file_stem().unwrap().to_str().unwrap();
    let src = std::fs::read_to_string(wat_path).map_err(|e| e.to_string())?;
    let first = src.lines().next().unwrap_or("");
    let args = first
        .strip_prefix(";; wasm2hook ")
        .ok_or_else(|| format!("{name}: first line must be `;; wasm2hook ARGS`"))?;
    let bytes = wat::parse_str(&src).map_err(|e| format!("{name}: bad .wat: {e}"))?;
    let wasm = format!("{name}.wasm");
    std::fs::write(scratch.join(&wasm), bytes).map_err(|e| e.to_string())?;
    let args: Vec<String> = args
        .split_whitespace()
        .map(|a| a.replace("{}", &wasm))
        .collect();
    let out = Command::new(env!("CARGO_BIN_EXE_wasm2hook"))
        .args(&args)
        .current_dir(scratch)
        .output()
        .map_err(|e| e.to_string())?;
    let mut got = String::from_utf8_lossy(&out.stdout).into_owned();
    got.push_str(&String::from_utf8_lossy(&out.stderr));
    let _ = writeln!(got, "[exit {}]", out.status.code().unwrap_or(-1));
    let expected_path = wat_path.with_extension("expected");
    if std::env::var_os("GOLDEN_BLESS").is_some() {
        std::fs::write(&expected_path, &got).map_err(|e| e.to_string())?;
    }
    let want = std::fs::read_to_string(&expected_path)
        .map_err(|e| format!("{name}: {}: {e}", expected_path.display()))?;
    Ok((want, got))
}

#[test]
fn golden() {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("golden");
    std::fs::create_dir_all(&scratch).unwrap();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 13, "golden cases went missing");
    let mut failures = String::new();
    for case in &cases {
        match run_case(case, &scratch) {
            Ok((want, got)) if want == got => {}
            Ok((want, got)) => {
                let _ = writeln!(failures, "--- {}\nwant:\n{want}got:\n{got}", case.display());
            }
            Err(e) => {
                let _ = writeln!(failures, "--- {}: {e}", case.display());
            }
        }
    }
    assert!(failures.is_empty(), "golden mismatches:\n{failures}");
}

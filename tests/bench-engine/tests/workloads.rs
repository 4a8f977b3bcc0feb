//! Builds the workloads (scripts/build-workloads, needs clang + wasm-ld) and checks that every
//! one returns its native-verified checksum in wasmi and, when compiled in, in our engine.

use bench_engine::{ours, theirs, SetupError, Value, WORKLOADS};
use std::path::PathBuf;
use std::process::Command;

fn workload_dir() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new("bash")
        .arg(root.join("scripts/build-workloads"))
        .output()
        .expect("run scripts/build-workloads");
    assert!(
        out.status.success(),
        "scripts/build-workloads failed (apt-get install -y clang lld?):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).expect("utf-8 path").trim())
}

#[test]
fn workloads_return_expected_checksums() {
    let dir = workload_dir();
    let engine = theirs::engine(&theirs::Options::FUZZ);
    for w in WORKLOADS {
        let wasm = std::fs::read(dir.join(format!("{}.wasm", w.name))).expect("workload built");
        let args = [Value::I32(w.n)];
        let mut fuel = u64::MAX / 2;
        let got = theirs::with_instance(&engine, &theirs::Options::FUZZ, &wasm, &mut fuel, |s| {
            let idx = s.find("run").expect("exports run");
            let mut fuel = u64::MAX / 2;
            s.call_raw(idx, &args, &mut fuel)
        })
        .expect("wasmi instantiates")
        .expect("wasmi runs");
        assert_eq!(got, w.expected, "wasmi {}", w.name);
        let mut fuel = ours::BENCH_FUEL;
        match ours::with_instance(&wasm, &mut fuel, |s| {
            let idx = s.find("run").expect("exports run");
            let mut fuel = ours::BENCH_FUEL;
            s.call_raw(idx, &args, &mut fuel)
        }) {
            Ok(r) => assert_eq!(r, Ok(w.expected), "ours {}", w.name),
            Err(SetupError::Unavailable(_)) => {}
            Err(e) => panic!("ours {}: {e}", w.name),
        }
    }
}

#[test]
fn sha256_known_answer() {
    // SHA-256("abc") = ba7816bf...
    let dir = workload_dir();
    let wasm = std::fs::read(dir.join("sha256.wasm")).expect("workload built");
    let engine = theirs::engine(&theirs::Options::FUZZ);
    let mut fuel = 1 << 40;
    let got = theirs::with_instance(&engine, &theirs::Options::FUZZ, &wasm, &mut fuel, |s| {
        let idx = s.find("selftest").expect("exports selftest");
        let mut fuel = 1 << 40;
        s.call_raw(idx, &[], &mut fuel)
    })
    .expect("wasmi instantiates");
    assert_eq!(got, Ok(0xba78_16bf));
    let mut fuel = ours::BENCH_FUEL;
    match ours::with_instance(&wasm, &mut fuel, |s| {
        let idx = s.find("selftest").expect("exports selftest");
        let mut fuel = ours::BENCH_FUEL;
        s.call_raw(idx, &[], &mut fuel)
    }) {
        Ok(r) => assert_eq!(r, Ok(0xba78_16bf)),
        Err(SetupError::Unavailable(_)) => {}
        Err(e) => panic!("ours: {e}"),
    }
}

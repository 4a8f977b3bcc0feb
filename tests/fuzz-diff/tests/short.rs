//! Bounded differential run: 300 inputs with a fixed seed must produce no finding.

use fuzz_diff::{run, with_big_stack, FuzzConfig};

#[test]
fn short_differential_run_has_no_findings() {
    let out = std::env::temp_dir().join(format!("fuzz-diff-test-{}", std::process::id()));
    let cfg = FuzzConfig {
        iters: 300,
        seed: 0x5eed,
        fuel: 20_000,
        out_dir: out,
        progress_every: 0,
        hang_secs: 0,
    };
    let rep = with_big_stack(move || run(&cfg));
    println!(
        "FUZZ inputs={} findings={} ({rep:?})",
        rep.inputs, rep.findings
    );
    assert!(
        rep.inputs >= 250,
        "too few inputs generated: {}",
        rep.inputs
    );
    assert!(rep.instantiated > 0, "nothing instantiated");
    assert_eq!(rep.findings, 0, "findings saved: {:?}", rep.finding_paths);
}

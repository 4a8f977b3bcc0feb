// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! `cargo run --release -p spectest [-v]`: runs the spec testsuite and prints compliance.

fn main() {
    let verbose = std::env::args().any(|a| a == "-v");
    let all = spectest::run_all(true);
    if verbose {
        for (_, reports) in &all {
            for r in reports {
                for o in r.outcomes.iter().filter(|o| !o.passed) {
                    println!("FAIL {}:{} {}", r.name, o.line, o.detail);
                }
            }
        }
    }
}

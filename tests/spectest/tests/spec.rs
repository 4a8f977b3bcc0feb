// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Runs the whole spec testsuite; fails on any failure not listed in `expected-failures.txt`
//! and reports listed entries that now pass (so the list only shrinks).

use std::collections::BTreeSet;

#[test]
fn spec_testsuite() {
    let list_path = concat!(env!("CARGO_MANIFEST_DIR"), "/expected-failures.txt");
    let text = std::fs::read_to_string(list_path).expect("expected-failures.txt");
    let expected: BTreeSet<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let mut unexpected = Vec::new();
    let mut seen = BTreeSet::new();
    for (_, reports) in spectest::run_all(false) {
        for r in reports {
            for o in r.outcomes.iter().filter(|o| !o.passed) {
                let key = format!("{}:{}", r.name, o.line);
                if expected.contains(&key) {
                    seen.insert(key);
                } else if expected.contains(&r.name) {
                    seen.insert(r.name.clone());
                } else {
                    unexpected.push(format!("{key} {}", o.detail));
                }
            }
        }
    }
    let now_passing: Vec<_> = expected.difference(&seen).collect();
    if !now_passing.is_empty() {
        println!("listed in expected-failures.txt but now passing (remove them):");
        for k in &now_passing {
            println!("  {k}");
        }
    }
    assert!(
        unexpected.is_empty(),
        "{} unexpected spec failures:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}

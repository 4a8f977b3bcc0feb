//! Runs one .wast file: `cargo run --release -p spectest --example one FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: one FILE.wast");
    let src = std::fs::read_to_string(&path).expect("read");
    let r = spectest::run_file(&path, &src);
    for o in &r.outcomes {
        if !o.passed {
            println!("FAIL {}:{} {}", r.name, o.line, o.detail);
        }
    }
    println!("{} {}/{}", r.name, r.passed(), r.outcomes.len());
}

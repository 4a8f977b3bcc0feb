//! Compiles the trampolines (`*.bpf.c`) with `clang -target bpf` into OUT_DIR.
//! Output is deterministic: debug paths are mapped to a fixed prefix.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let src =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let clang = std::env::var("BPF_CLANG").unwrap_or_else(|_| "clang".to_owned());
    println!("cargo:rerun-if-changed=trampoline.h");
    println!("cargo:rerun-if-changed=trampoline16.h");
    println!("cargo:rerun-if-changed=trampoline_tp.h");
    println!("cargo:rerun-if-env-changed=BPF_CLANG");
    for name in [
        "wasm_xdp",
        "wasm_kprobe",
        "wasm_kretprobe",
        "wasm_tc",
        "wasm_xdp16",
        "wasm_kprobe16",
        "wasm_kretprobe16",
        "wasm_tc16",
        "wasm_tracepoint",
        "wasm_tracepoint16",
        "wasm_raw_tp",
        "wasm_raw_tp16",
    ] {
        let c = src.join(format!("{name}.bpf.c"));
        println!("cargo:rerun-if-changed={}", c.display());
        let status = Command::new(&clang)
            .args([
                "-O2",
                "-g",
                "-target",
                "bpf",
                "-Wall",
                "-Werror",
                "-I/usr/include/x86_64-linux-gnu",
            ])
            .arg(format!("-I{}", src.display()))
            .arg(format!(
                "-fdebug-prefix-map={}=/wasmhook/bpf-trampoline",
                src.display()
            ))
            .arg("-c")
            .arg(&c)
            .arg("-o")
            .arg(out.join(format!("{name}.bpf.o")))
            .status()
            .unwrap_or_else(|e| {
                panic!("cannot run {clang} (install clang: scripts/kernel-lab does): {e}")
            });
        assert!(status.success(), "{clang} failed on {}", c.display());
    }
}

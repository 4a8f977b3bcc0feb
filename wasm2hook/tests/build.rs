//! `wasm2hook build`: deterministic output, the sections the loader relies on, and (when the
//! tools are installed) that llvm-readelf and bpftool/libbpf can open it. Also checks that the
//! SDK's `maps!` encoding is what hook-abi parses.

use std::path::{Path, PathBuf};
use std::process::Command;

const XDP: &str = r#"(module
  (import "wasmhook" "pkt_len" (func (result i32)))
  (memory 1)
  (func (export "xdp") (param i32) (result i32) i32.const 2))"#;

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn w2h(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wasm2hook"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn section<'a>(elf: &goblin::elf::Elf<'_>, bytes: &'a [u8], name: &str) -> Option<&'a [u8]> {
    let s = elf
        .section_headers
        .iter()
        .find(|s| elf.shdr_strtab.get_at(s.sh_name) == Some(name))?;
    bytes.get(s.file_range()?)
}

#[test]
fn build_is_deterministic_and_keeps_the_trampoline() {
    let d = scratch("build");
    let wasm = wat::parse_str(XDP).unwrap();
    std::fs::write(d.join("h.wasm"), &wasm).unwrap();
    for out in ["a.o", "b.o"] {
        let o = w2h(&d, &["build", "h.wasm", "-o", out]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let a = std::fs::read(d.join("a.o")).unwrap();
    assert_eq!(
        a,
        std::fs::read(d.join("b.o")).unwrap(),
        "build output differs between runs"
    );

    let e = goblin::elf::Elf::parse(&a).unwrap();
    assert_eq!(section(&e, &a, "wasmhook.wasm"), Some(&wasm[..]));
    assert_eq!(section(&e, &a, "license"), Some(&b"GPL\0"[..]));
    let t = wasmhook_bpf_trampoline::XDP_OBJ;
    let te = goblin::elf::Elf::parse(t).unwrap();
    for name in ["xdp", ".maps", ".BTF", ".BTF.ext", ".relxdp"] {
        assert_eq!(
            section(&e, &a, name),
            section(&te, t, name),
            "section {name} changed"
        );
    }
    let syms = |e: &goblin::elf::Elf<'_>| {
        e.syms
            .iter()
            .map(|s| {
                (
                    e.strtab.get_at(s.st_name).map(str::to_owned),
                    s.st_shndx,
                    s.st_value,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(syms(&e), syms(&te));

    // Optional tools: run them if present so a broken object shows up where they exist.
    if let Ok(o) = Command::new("llvm-readelf")
        .args(["-S", "a.o"])
        .current_dir(&d)
        .output()
    {
        assert!(o.status.success());
        assert!(String::from_utf8_lossy(&o.stdout).contains("wasmhook.wasm"));
    }
    let mut opened_by_bpftool = false;
    for bpftool in [
        std::env::var("BPFTOOL").unwrap_or_default().as_str(),
        "bpftool",
        "/usr/sbin/bpftool",
    ] {
        if bpftool.is_empty() {
            continue;
        }
        let Ok(o) = Command::new(bpftool)
            .args(["btf", "dump", "file", "a.o"])
            .current_dir(&d)
            .output()
        else {
            continue;
        };
        assert!(
            o.status.success(),
            "bpftool btf dump: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let o = Command::new(bpftool)
            .args(["gen", "skeleton", "a.o", "name", "hook"])
            .current_dir(&d)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "libbpf cannot open the object: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        opened_by_bpftool = true;
        break;
    }
    // scripts/test-all sets WASMHOOK_REQUIRE_TOOLS (and BPFTOOL from the kernel lab): there the
    // libbpf check must run, not be skipped.
    assert!(
        opened_by_bpftool || std::env::var_os("WASMHOOK_REQUIRE_TOOLS").is_none(),
        "no bpftool found and WASMHOOK_REQUIRE_TOOLS is set"
    );

    // inspect reads the object back.
    let o = w2h(&d, &["inspect", "a.o"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("program: wasm_xdp (section xdp)"), "{text}");
    assert!(
        text.contains("import: wasmhook.pkt_len () -> i32"),
        "{text}"
    );
}

#[test]
fn kprobe_uses_the_kprobe_trampoline_and_bad_modules_write_nothing() {
    let d = scratch("build-kprobe");
    let k = wat::parse_str(
        r#"(module (memory 1) (func (export "kprobe") (param i32) (result i32) i32.const 0))"#,
    )
    .unwrap();
    std::fs::write(d.join("k.wasm"), k).unwrap();
    let o = w2h(&d, &["build", "k.wasm", "-o", "k.o"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&w2h(&d, &["inspect", "k.o"]).stdout).into_owned();
    assert!(
        text.contains("program: wasm_kprobe (section kprobe)"),
        "{text}"
    );

    let bad =
        wat::parse_str(r#"(module (func (export "xdp") (param i32) (result i32) i32.const 2))"#)
            .unwrap();
    std::fs::write(d.join("bad.wasm"), bad).unwrap();
    let _ = std::fs::remove_file(d.join("bad.o"));
    let o = w2h(&d, &["build", "bad.wasm", "-o", "bad.o"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!d.join("bad.o").exists());
}

mod sdk_encoding {
    wasmhook_sdk::maps! {
        policy: Array<u32, u32> [1];
        counts: PercpuArray<u32, u64> [256];
        flows: LruHash<[u8; 12], u64> [4096];
    }

    #[test]
    fn sdk_maps_section_parses_with_hook_abi() {
        let d = wasmhook_hook_abi::maps::MapDecls::parse(&__WASMHOOK_MAPS).unwrap();
        let got: Vec<_> = d
            .iter()
            .map(|m| {
                (
                    m.name().to_owned(),
                    m.map_type.name(),
                    m.key_size,
                    m.value_size,
                    m.max_entries,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("policy".to_owned(), "array", 4, 4, 1),
                ("counts".to_owned(), "percpu_array", 4, 8, 256),
                ("flows".to_owned(), "lru_hash", 12, 8, 4096),
            ]
        );
        assert_eq!((policy.index(), counts.index(), flows.index()), (0, 1, 2));
    }
}

//! End to end for the examples: build `examples/xdp-icmp` (Rust, scripts/build-hook) and
//! `examples/c-drop-udp` (clang), `wasm2hook check` them, then run them on wasmhook-engine with
//! the Hook ABI v1 host functions of `wasmhook-hook-abi` (`dispatch`, the same code the kernel
//! module runs) over user-space packets and maps.
//!
//! Needs the wasm32 sysroot (scripts/wasm-sysroot, which needs rust-src from scripts/kernel-lab)
//! and clang + wasm-ld; a missing tool skips that example with a message instead of failing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use wasmhook_hook_abi::engine::{plan, Host, Instance, Limits, Module, Trap, Val};
use wasmhook_hook_abi::maps::MapDecls;
use wasmhook_hook_abi::{dispatch, HookEnv};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn scratch() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("examples");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Builds with the given command; `None` (and a message) if the toolchain is not there.
/// With `WASMHOOK_REQUIRE_TOOLS` set (scripts/test-all sets it) a missing toolchain fails.
fn build(what: &str, cmd: &mut Command, out: &Path) -> Option<Vec<u8>> {
    let r = build_inner(what, cmd, out);
    if r.is_none() && std::env::var_os("WASMHOOK_REQUIRE_TOOLS").is_some() {
        panic!("{what}: could not be built and WASMHOOK_REQUIRE_TOOLS is set");
    }
    r
}

fn build_inner(what: &str, cmd: &mut Command, out: &Path) -> Option<Vec<u8>> {
    match cmd.output() {
        Ok(o) if o.status.success() => Some(std::fs::read(out).unwrap()),
        Ok(o) => {
            eprintln!(
                "SKIP {what}: build failed (toolchain missing?):\n{}",
                String::from_utf8_lossy(&o.stderr)
            );
            None
        }
        Err(e) => {
            eprintln!("SKIP {what}: {e}");
            None
        }
    }
}

fn check_ok(wasm: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_wasm2hook"))
        .arg("check")
        .arg(wasm)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

use wasmhook_hook_abi::AbiImports as Abi;

struct Map {
    ks: usize,
    vs: usize,
    array: bool,
    max: u32,
    entries: HashMap<Vec<u8>, Vec<u8>>,
}

#[derive(Default)]
struct Env {
    packet: Vec<u8>,
    maps: Vec<Map>,
    args: [u64; 6],
    now: u64,
}

impl HookEnv for Env {
    fn packet(&mut self) -> &mut [u8] {
        &mut self.packet
    }
    fn map_sizes(&mut self, idx: u32) -> Option<(usize, usize)> {
        self.maps.get(idx as usize).map(|m| (m.ks, m.vs))
    }
    fn map_lookup(&mut self, idx: u32, key: &[u8], value: &mut [u8]) -> i32 {
        let m = &self.maps[idx as usize];
        if let Some(v) = m.entries.get(key) {
            value.copy_from_slice(v);
            return 0;
        }
        // BPF arrays always hold every index, zero-filled.
        if m.array && u32::from_le_bytes(key.try_into().unwrap()) < m.max {
            value.fill(0);
            return 0;
        }
        -2
    }
    fn map_update(&mut self, idx: u32, key: &[u8], value: &[u8], _flags: u64) -> i32 {
        self.maps[idx as usize]
            .entries
            .insert(key.to_vec(), value.to_vec());
        0
    }
    fn map_delete(&mut self, idx: u32, key: &[u8]) -> i32 {
        if self.maps[idx as usize].entries.remove(key).is_some() {
            0
        } else {
            -2
        }
    }
    fn ktime_ns(&mut self) -> u64 {
        self.now
    }
    fn trace(&mut self, _msg: &[u8]) {}
    fn kprobe_arg(&mut self, n: u32) -> u64 {
        self.args[n as usize]
    }

    // no task, no kernel memory: v2 context functions answer 0 / -EPERM
    wasmhook_hook_abi::no_task_context!();
    fn map_push(&mut self, _idx: u32, _value: &[u8], _flags: u64) -> i32 {
        -22
    }
    fn map_pop(&mut self, _idx: u32, _value: &mut [u8]) -> i32 {
        -22
    }
    fn map_peek(&mut self, _idx: u32, _value: &mut [u8]) -> i32 {
        -22
    }
}

impl Host for Env {
    fn call(
        &mut self,
        id: u32,
        mem: &mut [u8],
        args: &[Val],
        results: &mut [Val],
    ) -> Result<(), Trap> {
        dispatch(self, id, mem, args, results)
    }
}

fn maps_of(wasm: &[u8]) -> Vec<Map> {
    for p in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::CustomSection(c) = p.unwrap() {
            if c.name() == "wasmhook.maps" {
                let d = MapDecls::parse(c.data()).unwrap();
                return d
                    .iter()
                    .map(|m| Map {
                        ks: m.key_size as usize,
                        vs: m.value_size as usize,
                        array: m.map_type.is_array(),
                        max: m.max_entries,
                        entries: HashMap::new(),
                    })
                    .collect();
            }
        }
    }
    Vec::new()
}

/// Runs `xdp(len)` once on `packet`; map 0 key 0 is set to `cfg` first. Returns the verdict and
/// the environment afterwards.
fn run(wasm: &[u8], packet: &[u8], cfg: u32) -> (i32, Env) {
    let mut env = Env {
        packet: packet.to_vec(),
        maps: maps_of(wasm),
        ..Env::default()
    };
    env.map_update(0, &0u32.to_le_bytes(), &cfg.to_le_bytes(), 0);
    let v = run_entry(wasm, "xdp", packet.len() as i32, 1, &mut env);
    (v, env)
}

/// Instantiates `wasm` once and calls `entry(arg)` `times` times; returns the last result.
fn run_entry(wasm: &[u8], entry: &str, arg: i32, times: u32, env: &mut Env) -> i32 {
    let limits = Limits::DEFAULT;
    let p = plan(wasm, &limits, &Abi).unwrap();
    let mut mbuf = vec![0u8; p.module_bytes];
    let module = Module::compile(wasm, &limits, &Abi, &mut mbuf).unwrap();
    let mut ibuf = vec![0u8; module.instance_bytes()];
    let mut fuel = 100_000u64;
    let mut inst = Instance::new(&module, &mut ibuf, &mut fuel, env).unwrap();
    let f = module.export_func(entry).unwrap();
    let mut out = [Val::I32(0)];
    for _ in 0..times {
        let mut fuel = 100_000u64;
        inst.invoke(f, &[Val::I32(arg)], &mut out, &mut fuel, env)
            .unwrap();
    }
    let Val::I32(v) = out[0] else {
        panic!("bad result")
    };
    v
}

fn frame(vlans: &[u16], proto: u8, frag: u16, l4: &[u8]) -> Vec<u8> {
    let mut f = vec![0xff; 12];
    for v in vlans {
        f.extend_from_slice(&v.to_be_bytes());
        f.extend_from_slice(&[0, 7]);
    }
    f.extend_from_slice(&[0x08, 0x00, 0x45, 0, 0, 28, 0, 1]);
    f.extend_from_slice(&frag.to_be_bytes());
    f.extend_from_slice(&[64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
    f.extend_from_slice(l4);
    f
}

fn counter(env: &Env, map: usize, key: u32) -> Option<u64> {
    env.maps[map]
        .entries
        .get(&key.to_le_bytes()[..])
        .map(|v| u64::from_le_bytes(v[..8].try_into().unwrap()))
}

const DROP: i32 = 1;
const PASS: i32 = 2;

#[test]
fn xdp_icmp_runs_on_the_engine() {
    let out = scratch().join("xdp-icmp.wasm");
    let mut cmd = Command::new(root().join("scripts/build-hook"));
    cmd.arg(root().join("examples/xdp-icmp"))
        .arg("-o")
        .arg(&out);
    // A separate target dir: the outer `cargo test` may hold the workspace one.
    cmd.env("CARGO_TARGET_DIR", scratch().join("target"));
    let Some(wasm) = build("xdp-icmp", &mut cmd, &out) else {
        return;
    };
    check_ok(&out);

    let ping = frame(&[], 1, 0, &[8, 0, 0, 0, 0, 0, 0, 0]);
    let (v, env) = run(&wasm, &ping, 1);
    assert_eq!((v, counter(&env, 1, 8)), (DROP, Some(1)));
    let (v, env) = run(&wasm, &ping, 0);
    assert_eq!((v, counter(&env, 1, 8)), (PASS, Some(1)));
    let (v, env) = run(&wasm, &frame(&[0x88a8, 0x8100], 1, 0, &[8, 0, 0, 0]), 1);
    assert_eq!((v, counter(&env, 1, 8)), (DROP, Some(1)));
    let (v, env) = run(&wasm, &frame(&[], 1, 0, &[0, 0, 0, 0]), 1);
    assert_eq!(
        (v, counter(&env, 1, 0), counter(&env, 1, 8)),
        (PASS, Some(1), None)
    );
    let (v, env) = run(&wasm, &frame(&[], 1, 185, &[8, 0]), 1);
    assert_eq!((v, counter(&env, 1, 8)), (PASS, None));
    let (v, env) = run(&wasm, &ping[..20], 1);
    assert_eq!((v, env.maps[1].entries.len()), (PASS, 0));
}

#[test]
fn kprobe_count_runs_on_the_engine() {
    let out = scratch().join("kprobe-count.wasm");
    let mut cmd = Command::new(root().join("scripts/build-hook"));
    cmd.arg(root().join("examples/kprobe-count"))
        .arg("-o")
        .arg(&out);
    cmd.env("CARGO_TARGET_DIR", scratch().join("target"));
    let Some(wasm) = build("kprobe-count", &mut cmd, &out) else {
        return;
    };
    check_ok(&out);

    let mut env = Env {
        maps: maps_of(&wasm),
        args: [7, 0, 0, 0, 0, 0],
        now: 5000,
        ..Env::default()
    };
    assert_eq!(run_entry(&wasm, "kprobe", 0, 3, &mut env), 0);
    assert_eq!(counter(&env, 0, 0), Some(3));
    assert_eq!(counter(&env, 0, 1), Some(5000));
    let by_arg = env.maps[1]
        .entries
        .get(&7u64.to_le_bytes()[..])
        .map(|v| u64::from_le_bytes(v[..8].try_into().unwrap()));
    assert_eq!(by_arg, Some(3));
}

#[test]
fn native_twin_compiles_for_bpf() {
    let out = scratch().join("icmp_native.bpf.o");
    let mut cmd = Command::new("clang");
    cmd.args([
        "-O2",
        "-g",
        "-target",
        "bpf",
        "-Wall",
        "-Werror",
        "-I/usr/include/x86_64-linux-gnu",
        "-c",
    ])
    .arg(root().join("examples/xdp-icmp/native/icmp_native.bpf.c"))
    .arg("-o")
    .arg(&out);
    let Some(obj) = build("icmp_native.bpf.c", &mut cmd, &out) else {
        return;
    };
    let e = goblin::elf::Elf::parse(&obj).unwrap();
    let names: Vec<&str> = e
        .syms
        .iter()
        .filter_map(|s| e.strtab.get_at(s.st_name))
        .collect();
    for want in ["icmp_native", "policy", "counts"] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
}

#[test]
fn c_drop_udp_runs_on_the_engine() {
    let out = scratch().join("c-drop-udp.wasm");
    let mut cmd = Command::new(root().join("examples/c-drop-udp/build.sh"));
    cmd.arg(&out);
    let Some(wasm) = build("c-drop-udp", &mut cmd, &out) else {
        return;
    };
    check_ok(&out);

    let udp = |port: u16| {
        frame(
            &[0x8100],
            17,
            0,
            &[0x30, 0x39, (port >> 8) as u8, port as u8, 0, 8, 0, 0],
        )
    };
    let (v, env) = run(&wasm, &udp(53), 53);
    assert_eq!((v, counter(&env, 1, 0)), (DROP, Some(1)));
    let (v, env) = run(&wasm, &udp(54), 53);
    assert_eq!((v, counter(&env, 1, 0)), (PASS, None));
    let (v, _) = run(&wasm, &udp(53), 0);
    assert_eq!(v, PASS);
    let (v, _) = run(&wasm, &frame(&[], 6, 0, &[0, 0, 0, 53]), 53);
    assert_eq!(v, PASS);
}

/// The C SDK declares the v2 map types the kernel parser accepts: a ring buffer (no key, no
/// value, a size in bytes) and a devmap (u32 keys, ifindex values), and imports redirect_map.
#[test]
fn c_sdk_declares_ringbuf_and_devmap() {
    let dir = scratch();
    let src = dir.join("c_v2_maps.c");
    let out = dir.join("c_v2_maps.wasm");
    std::fs::write(
        &src,
        r#"#include "wasmhook.h"
#define MAPS(X) X(hits, WH_MAP_ARRAY, 4, 8, 1) X(events, WH_MAP_RINGBUF, 0, 0, 4096) \
                X(tx, WH_MAP_DEVMAP, 4, 4, 8)
WASMHOOK_MAPS(MAPS)
WASMHOOK_XDP(int len)
{
	wh_i32 n = len;
	wh_ringbuf_output(events, &n, 4, 0);
	return wh_redirect_map(tx, 1, WH_PASS) == 0 ? WH_REDIRECT : WH_PASS;
}
"#,
    )
    .unwrap();
    let mut cmd = Command::new("clang");
    cmd.args([
        "--target=wasm32",
        "-O2",
        "-nostdlib",
        "-Wall",
        "-Werror",
        "-I",
    ])
    .arg(root().join("sdk/c"))
    .args(["-Wl,--no-entry", "-Wl,--export=xdp", "-Wl,--strip-debug"])
    .arg(&src)
    .arg("-o")
    .arg(&out);
    let Some(wasm) = build("c_v2_maps", &mut cmd, &out) else {
        return;
    };
    check_ok(&out);
    let maps = wasmparser::Parser::new(0)
        .parse_all(&wasm)
        .find_map(|p| match p {
            Ok(wasmparser::Payload::CustomSection(c)) if c.name() == "wasmhook.maps" => {
                Some(wasmhook_hook_abi::maps::MapDecls::parse(c.data()).unwrap())
            }
            _ => None,
        })
        .expect("a wasmhook.maps section");
    let got: Vec<_> = maps
        .iter()
        .map(|d| (d.name().to_owned(), d.map_type, d.key_size, d.value_size))
        .collect();
    use wasmhook_hook_abi::maps::MapType;
    assert_eq!(
        got,
        vec![
            ("hits".to_owned(), MapType::Array, 4, 8),
            ("events".to_owned(), MapType::RingBuf, 0, 0),
            ("tx".to_owned(), MapType::DevMap, 4, 4),
        ]
    );
}

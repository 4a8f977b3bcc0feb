//! `bench-hook-host`: ns per packet on the real CPU, in one process, for
//!
//! - native eBPF XDP programs, loaded into the host's own kernel and run with
//!   `BPF_PROG_TEST_RUN` (JIT; load, test-run, unload; nothing is attached);
//! - Wasm hooks, run by our engine with the real Hook ABI dispatch (`wasmhook-hook-abi`) over
//!   user-space maps laid out like the kernel's (an array map is one flat buffer), on the same
//!   packet with the same map contents.
//!
//! The in-kernel path adds a fixed cost this does not include (trampoline, kfunc, RCU, slot
//! lookup, stats); `scripts/bench-hook` measures that inside the VM.
//!
//! Usage: `bench-hook-host --packet FILE [--repeat N] NAME=native:OBJ[:PROG] NAME=wasm:FILE ...`
//! Each `policy` array map (native or Wasm) gets `policy[0] = 1`, the ICMP filters' "drop pings".
//! Prints `HOOK host NAME ns_per_packet=N verdict=V` per program (best of 5 timed batches).
//!
//! `bench-hook-host --worst-case`: ns per unit of fuel for the most expensive work a hook can
//! buy (plain instructions, calls that zero many locals, bulk memory, packet copies, map
//! operations, call_indirect, br_table), each run to exhaustion of `MAX_FUEL`; prints
//! `FUEL NAME ns_per_fuel=X run_ms=Y` and the worst case of one run at `MAX_FUEL`.

use std::time::Instant;

use anyhow::{Context, Result, bail};
use aya::Ebpf;
use aya::maps::Array;
use aya::programs::{TestRun, TestRunOptions, Xdp};
use wasmhook_engine::{Instance, Limits, Module, Val};
use wasmhook_hook_abi::{self as abi, AbiHost, AbiImports, maps::MapDecls};

const BATCHES: usize = 5;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut packet = None;
    let mut repeat = 1_000_000u32;
    let mut progs = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--packet" => packet = Some(std::fs::read(args.next().context("--packet FILE")?)?),
            "--repeat" => repeat = args.next().context("--repeat N")?.parse()?,
            "--worst-case" => return worst_case(),
            "-h" | "--help" => {
                println!(
                    "usage: bench-hook-host --packet FILE [--repeat N] NAME=native:OBJ[:PROG] NAME=wasm:FILE ..."
                );
                return Ok(());
            }
            p => progs.push(p.to_owned()),
        }
    }
    let packet = packet.context("--packet FILE is required")?;
    for p in &progs {
        let (name, spec) = p
            .split_once('=')
            .with_context(|| format!("{p}: want NAME=native:OBJ or NAME=wasm:FILE"))?;
        let (ns, v) = match spec.split_once(':') {
            Some(("native", rest)) => {
                native(rest, &packet, repeat).with_context(|| format!("{name}: {rest}"))?
            }
            Some(("wasm", file)) => {
                wasm(file, &packet, repeat).with_context(|| format!("{name}: {file}"))?
            }
            _ => bail!("{p}: want NAME=native:OBJ[:PROG] or NAME=wasm:FILE"),
        };
        println!("HOOK host {name} ns_per_packet={ns:.1} verdict={v}");
    }
    Ok(())
}

/// Best-of-`BATCHES` average ns of `repeat` BPF_PROG_TEST_RUN repetitions of a native program.
fn native(spec: &str, packet: &[u8], repeat: u32) -> Result<(f64, u32)> {
    let (obj, prog) = match spec.rsplit_once(':') {
        Some((o, p)) => (o, Some(p)),
        None => (spec, None),
    };
    let mut bpf =
        Ebpf::load(&std::fs::read(obj)?).context("cannot load the object into the host kernel")?;
    if let Some(m) = bpf.map_mut("policy") {
        let mut a: Array<_, u32> = Array::try_from(m)?;
        a.set(0, 1, 0)?;
    }
    let name = match prog {
        Some(p) => p.to_owned(),
        None => bpf
            .programs()
            .next()
            .map(|(n, _)| n.to_owned())
            .context("no program in the object")?,
    };
    let p: &mut Xdp = bpf
        .program_mut(&name)
        .context("no such program")?
        .try_into()?;
    p.load()?;
    let mut best = f64::MAX;
    let mut verdict = 0;
    for _ in 0..BATCHES {
        let r = p.test_run(TestRunOptions {
            data_in: Some(packet),
            repeat,
            ..Default::default()
        })?;
        best = best.min(r.duration.as_nanos() as f64);
        verdict = r.return_value;
    }
    Ok((best, verdict))
}

/// One map as the kernel lays it out: an array is a flat buffer; other types are not needed by
/// the benchmarked hooks and answer -EINVAL.
#[derive(Debug)]
struct FlatMap {
    key_size: usize,
    value_size: usize,
    entries: u32,
    array: bool,
    data: Vec<u8>,
}

#[derive(Debug)]
struct BenchEnv {
    packet: Vec<u8>,
    maps: Vec<FlatMap>,
}

impl BenchEnv {
    fn slot(&mut self, idx: u32, key: &[u8]) -> Option<&mut [u8]> {
        let m = self.maps.get_mut(idx as usize)?;
        let k = u32::from_le_bytes(key.try_into().ok()?);
        if !m.array || k >= m.entries {
            return None;
        }
        let at = k as usize * m.value_size;
        m.data.get_mut(at..at + m.value_size)
    }
}

impl abi::HookEnv for BenchEnv {
    fn packet(&mut self) -> &mut [u8] {
        &mut self.packet
    }
    fn map_sizes(&mut self, idx: u32) -> Option<(usize, usize)> {
        let m = self.maps.get(idx as usize)?;
        Some((m.key_size, m.value_size))
    }
    fn map_lookup(&mut self, idx: u32, key: &[u8], value: &mut [u8]) -> i32 {
        match self.slot(idx, key) {
            Some(v) if v.len() == value.len() => {
                value.copy_from_slice(v);
                0
            }
            _ => -abi::errno::ENOENT,
        }
    }
    fn map_update(&mut self, idx: u32, key: &[u8], value: &[u8], _flags: u64) -> i32 {
        match self.slot(idx, key) {
            Some(v) if v.len() == value.len() => {
                v.copy_from_slice(value);
                0
            }
            _ => -abi::errno::EINVAL,
        }
    }
    // In place, as the module adds to an array element (the counter's width is value.len()).
    fn map_add(&mut self, idx: u32, key: &[u8], field: usize, value: &mut [u8], delta: u64) -> i32 {
        let Some(c) = self
            .slot(idx, key)
            .and_then(|v| v.get_mut(field..field + value.len()))
        else {
            return -abi::errno::E2BIG;
        };
        if !abi::add_to_counter(c, delta) {
            return -abi::errno::EINVAL;
        }
        value.copy_from_slice(c);
        0
    }
    fn map_delete(&mut self, _idx: u32, _key: &[u8]) -> i32 {
        -abi::errno::EINVAL
    }
    fn ktime_ns(&mut self) -> u64 {
        0
    }
    fn trace(&mut self, _msg: &[u8]) {}
    fn kprobe_arg(&mut self, _n: u32) -> u64 {
        0
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

/// The bytes of custom section `name` of a Wasm binary, if present.
fn custom_section<'a>(wasm: &'a [u8], name: &str) -> Option<&'a [u8]> {
    let leb = |b: &[u8], pos: &mut usize| -> Option<usize> {
        let (mut v, mut shift) = (0usize, 0);
        loop {
            let byte = *b.get(*pos)?;
            *pos += 1;
            v |= ((byte & 0x7f) as usize) << shift;
            if byte & 0x80 == 0 {
                return Some(v);
            }
            shift += 7;
        }
    };
    let mut pos = 8;
    while pos < wasm.len() {
        let id = wasm[pos];
        pos += 1;
        let len = leb(wasm, &mut pos)?;
        let body = wasm.get(pos..pos + len)?;
        pos += len;
        if id == 0 {
            let mut p = 0;
            let n = leb(body, &mut p)?;
            if body.get(p..p + n)? == name.as_bytes() {
                return body.get(p + n..);
            }
        }
    }
    None
}

/// Best-of-`BATCHES` ns per run of a Wasm XDP hook through the engine and Hook ABI dispatch.
fn wasm(file: &str, packet: &[u8], repeat: u32) -> Result<(f64, u32)> {
    let bytes = std::fs::read(file)?;
    let wasm = if file.ends_with(".wat") {
        wat::parse_bytes(&bytes)?.into_owned()
    } else {
        bytes
    };
    let decls = match custom_section(&wasm, abi::maps::SECTION) {
        Some(b) => MapDecls::parse(b).map_err(|e| anyhow::anyhow!("maps section: {e:?}"))?,
        None => MapDecls::default(),
    };
    let maps = decls
        .iter()
        .map(|d| {
            let mut m = FlatMap {
                key_size: d.key_size as usize,
                value_size: d.value_size as usize,
                entries: d.max_entries,
                array: d.map_type.is_array(),
                data: vec![0; d.max_entries as usize * d.value_size as usize],
            };
            if d.name() == "policy"
                && let Some(b) = m.data.first_mut()
            {
                *b = 1;
            }
            m
        })
        .collect();
    let limits = Limits::DEFAULT;
    let plan = wasmhook_engine::plan(&wasm, &limits, &AbiImports)
        .map_err(|e| anyhow::anyhow!("{}", e.message()))?;
    let mut code = vec![0u8; plan.module_bytes];
    let module = Module::compile(&wasm, &limits, &AbiImports, &mut code)
        .map_err(|e| anyhow::anyhow!("{}", e.message()))?;
    let entry = module
        .export_func(abi::XDP_ENTRY)
        .and_then(|f| module.entry_i32(f))
        .context("no xdp export of type (i32) -> i32")?;
    let mut mem = vec![0u8; module.instance_bytes()];
    let mut host = AbiHost(BenchEnv {
        packet: packet.to_vec(),
        maps,
    });
    let mut fuel = abi::uapi::DEFAULT_FUEL;
    let mut inst = Instance::new(&module, &mut mem, &mut fuel, &mut host)
        .map_err(|t| anyhow::anyhow!("{}", t.message()))?;
    let mut best = f64::MAX;
    let mut verdict = 0;
    for _ in 0..BATCHES {
        let t = Instant::now();
        for _ in 0..repeat {
            // (the kernel module's run: `call_i32` with the packet length)
            let mut fuel = abi::uapi::DEFAULT_FUEL;
            let v = inst
                .call_entry(entry, packet.len() as i32, &mut fuel, &mut host)
                .map_err(|t| anyhow::anyhow!("trap: {}", t.message()))?;
            verdict = v as u32;
        }
        best = best.min(t.elapsed().as_nanos() as f64 / f64::from(repeat));
    }
    Ok((best, verdict))
}

/// One adversarial hook per kind of work, each an endless loop until fuel runs out.
fn worst_case() -> Result<()> {
    // as many locals as the kernel's value stack (Limits::DEFAULT) lets one frame have
    let locals = "(local i64) ".repeat(16_000);
    let cases: [(&str, String); 7] = [
        (
            "plain_loop",
            "(local.set 1 (i32.add (local.get 1) (i32.const 1)))".into(),
        ),
        ("wide_calls", "(call $wide)".into()),
        (
            "memory_copy_64k",
            "(memory.copy (i32.const 0) (i32.const 65536) (i32.const 65536))".into(),
        ),
        (
            "memory_fill_128k",
            "(memory.fill (i32.const 0) (i32.const 7) (i32.const 131072))".into(),
        ),
        (
            "pkt_read_64k",
            "(drop (call $pkt_read (i32.const 0) (i32.const 0) (i32.const 65535)))".into(),
        ),
        (
            "map_lookup",
            "(drop (call $lookup (i32.const 0) (i32.const 0) (i32.const 8)))".into(),
        ),
        (
            "call_indirect",
            "(call_indirect (type $v) (i32.const 0))".into(),
        ),
    ];
    let fuel = abi::uapi::MAX_FUEL;
    let mut worst = 0f64;
    for (name, body) in cases {
        let src = format!(
            r#"(module
              (import "wasmhook" "pkt_read" (func $pkt_read (param i32 i32 i32) (result i32)))
              (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
              (type $v (func))
              (memory 16 16)
              (table 1 funcref) (elem (i32.const 0) $wide)
              (func $wide {locals})
              (func (export "xdp") (param i32) (result i32) (local i32)
                (loop $l {body} (br $l)) (i32.const 2)))"#
        );
        let wasm = wat::parse_str(&src)?;
        let limits = Limits {
            max_memory_pages: 16,
            ..Limits::DEFAULT
        };
        let plan = wasmhook_engine::plan(&wasm, &limits, &AbiImports)
            .map_err(|e| anyhow::anyhow!("{name}: {}", e.message()))?;
        let mut code = vec![0u8; plan.module_bytes];
        let module = Module::compile(&wasm, &limits, &AbiImports, &mut code)
            .map_err(|e| anyhow::anyhow!("{name}: {}", e.message()))?;
        let entry = module.export_func(abi::XDP_ENTRY).context("no xdp")?;
        let mut mem = vec![0u8; module.instance_bytes()];
        let map = FlatMap {
            key_size: 4,
            value_size: 8,
            entries: 1,
            array: true,
            data: vec![0; 8],
        };
        let mut host = AbiHost(BenchEnv {
            packet: vec![0x5a; 65535],
            maps: vec![map],
        });
        let mut f = fuel;
        let mut inst = Instance::new(&module, &mut mem, &mut f, &mut host)
            .map_err(|t| anyhow::anyhow!("{}", t.message()))?;
        let mut best = f64::MAX;
        for _ in 0..3 {
            let mut f = fuel;
            let mut res = [Val::I32(0)];
            let t = Instant::now();
            let r = inst.invoke(entry, &[Val::I32(0)], &mut res, &mut f, &mut host);
            let ns = t.elapsed().as_nanos() as f64;
            if !matches!(r, Err(wasmhook_engine::Trap::OutOfFuel)) {
                bail!("{name}: expected to run out of fuel, got {r:?}");
            }
            best = best.min(ns);
        }
        let per = best / fuel as f64;
        worst = worst.max(per);
        println!("FUEL {name} ns_per_fuel={per:.2} run_ms={:.1}", best / 1e6);
    }
    println!(
        "FUEL worst ns_per_fuel={worst:.2}: one run at MAX_FUEL={fuel} takes at most ~{:.0} ms here",
        worst * fuel as f64 / 1e6
    );
    Ok(())
}

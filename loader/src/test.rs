//! `wasmload test`: run an XDP or tc hook on packets, in user space (the kernel's engine and host
//! functions over in-memory maps) or in the kernel (`--kernel`: module slot + trampoline +
//! `BPF_PROG_TEST_RUN`), and print each verdict.
//!
//! A tc hook sees the packet as tc does, from the Ethernet header on; here the whole packet is
//! linear, so its entry argument (`skb->len` in the kernel) and `pkt_len()` are both its length.

use std::collections::{HashMap, VecDeque};
use std::path::Path;

use anyhow::{Context, Result, bail};
use aya::programs::{SchedClassifier, TestRun, TestRunOptions, Xdp};
use aya_obj::programs::XdpAttachType;
use wasmhook_engine::{Instance, Limits, Module, Val};
use wasmhook_hook_abi::{
    self as abi, HookKind,
    maps::{MapDecls, MapType},
};

use crate::hookfile::HookFile;
use crate::run::{AbiHost, AbiImports};

/// Name of a verdict of a hook of `kind` (XDP: `enum xdp_action`; tc: `TC_ACT_*`).
pub fn verdict_name(kind: HookKind, v: i64) -> String {
    let name = match (kind, v) {
        (HookKind::Tc, -1) => "UNSPEC",
        (HookKind::Tc, 0) => "OK",
        (HookKind::Tc, 1) => "RECLASSIFY",
        (HookKind::Tc, 2) => "SHOT",
        (HookKind::Tc, 7) => "REDIRECT",
        (HookKind::Tc, _) => "",
        (_, 0) => "ABORTED",
        (_, 1) => "DROP",
        (_, 2) => "PASS",
        (_, 3) => "TX",
        (_, 4) => "REDIRECT",
        _ => "",
    };
    if name.is_empty() {
        format!("verdict {v}")
    } else {
        name.into()
    }
}

/// Packets from `--packet HEX` (repeatable) and `--pcap FILE`.
pub fn packets(hex: &[String], pcap: Option<&Path>) -> Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    for h in hex {
        let h: String = h
            .chars()
            .filter(|c| !c.is_whitespace() && *c != ':')
            .collect();
        if !h.len().is_multiple_of(2) {
            bail!("--packet {h}: odd number of hex digits");
        }
        let b = (0..h.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&h[i..i + 2], 16))
            .collect::<Result<Vec<u8>, _>>()
            .with_context(|| format!("--packet {h}: not hex"))?;
        out.push(b);
    }
    if let Some(p) = pcap {
        let b = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
        out.extend(parse_pcap(&b).with_context(|| format!("{}: not a pcap file", p.display()))?);
    }
    if out.is_empty() {
        bail!("no packets: give --packet HEX or --pcap FILE");
    }
    Ok(out)
}

fn parse_pcap(b: &[u8]) -> Result<Vec<Vec<u8>>> {
    let magic = b.get(..4).context("too short")?;
    let le = match magic {
        [0xd4, 0xc3, 0xb2, 0xa1] | [0x4d, 0x3c, 0xb2, 0xa1] => true,
        [0xa1, 0xb2, 0xc3, 0xd4] | [0xa1, 0xb2, 0x3c, 0x4d] => false,
        _ => bail!("bad magic (pcapng is not supported; use classic pcap)"),
    };
    let u32_at = |o: usize| -> Result<u32> {
        let s: [u8; 4] = b.get(o..o + 4).context("truncated")?.try_into()?;
        Ok(if le {
            u32::from_le_bytes(s)
        } else {
            u32::from_be_bytes(s)
        })
    };
    let mut pos = 24;
    let mut out = Vec::new();
    while pos < b.len() {
        let incl = u32_at(pos + 8)? as usize;
        let data = b
            .get(pos + 16..pos + 16 + incl)
            .context("truncated packet record")?;
        out.push(data.to_vec());
        pos += 16 + incl;
    }
    Ok(out)
}

/// In-memory maps per the hook's declarations.
#[derive(Debug, Default)]
struct UserMaps {
    decls: MapDecls,
    data: Vec<HashMap<Vec<u8>, Vec<u8>>>,
    /// Queue and stack contents (oldest first); a bloom filter's values are `data`'s keys.
    queues: Vec<VecDeque<Vec<u8>>>,
    /// Ring buffer records the current run staged: (map index, bytes).
    events: Vec<(u32, Vec<u8>)>,
}

/// An array map's index (its 4-byte key); any other length is past every end.
fn array_index(key: &[u8]) -> u32 {
    key.try_into().map_or(u32::MAX, u32::from_le_bytes)
}

/// An lpm_trie key `{u32 prefixlen; data}` with the bits past the prefix cleared (the kernel
/// keeps one node per prefix), or `None` if the prefix is longer than the data.
fn lpm_canonical(key: &[u8]) -> Option<(u32, Vec<u8>)> {
    let plen = u32::from_le_bytes(key.get(..4)?.try_into().ok()?);
    let data = key.get(4..)?;
    if plen as usize > data.len() * 8 {
        return None;
    }
    let mut k = key.to_vec();
    for (i, b) in k[4..].iter_mut().enumerate() {
        let keep = (plen as usize).saturating_sub(i * 8).min(8);
        *b &= !(0xffu8.checked_shr(keep as u32).unwrap_or(0));
    }
    Some((plen, k))
}

impl UserMaps {
    /// Longest-prefix match of `key` (its prefix length bounds the match) in lpm_trie `idx`.
    fn lpm_lookup(&self, idx: usize, key: &[u8]) -> Option<&Vec<u8>> {
        let (plen, _) = lpm_canonical(key)?;
        (0..=plen).rev().find_map(|l| {
            let mut k = key.to_vec();
            k[..4].copy_from_slice(&l.to_le_bytes());
            self.data[idx].get(&lpm_canonical(&k)?.1)
        })
    }
}

#[derive(Debug)]
struct PacketEnv<'a> {
    /// The packet, or for a tracepoint hook the trace record.
    packet: Vec<u8>,
    maps: &'a mut UserMaps,
    /// A tracepoint hook: `packet` is the record `ctx_read` reads, and there is no packet.
    tracepoint: bool,
}

impl abi::HookEnv for PacketEnv<'_> {
    fn packet(&mut self) -> &mut [u8] {
        if self.tracepoint {
            return &mut [];
        }
        &mut self.packet
    }
    fn record(&mut self) -> Option<&[u8]> {
        self.tracepoint.then_some(&self.packet[..])
    }
    fn map_sizes(&mut self, idx: u32) -> Option<(usize, usize)> {
        let d = self.maps.decls.get(idx as usize)?;
        // As in the kernel, a ring buffer takes no map operation but ringbuf_output, a devmap
        // none but redirect_map.
        if d.map_type.is_ringbuf() || d.map_type.is_devmap() {
            return None;
        }
        Some((d.key_size as usize, d.value_size as usize))
    }
    fn ringbuf_output(&mut self, idx: u32, data: &[u8], flags: u64) -> i32 {
        // The kernel's rules (wasmhook_c_ringbuf_output): per-run limits included.
        let is_rb = self
            .maps
            .decls
            .get(idx as usize)
            .is_some_and(|d| d.map_type.is_ringbuf());
        if !is_rb || flags > 3 || data.is_empty() {
            return -abi::errno::EINVAL;
        }
        if data.len() > abi::MAX_EVENT {
            return -abi::errno::E2BIG;
        }
        let used: usize = self
            .maps
            .events
            .iter()
            .map(|(_, d)| d.len().next_multiple_of(8))
            .sum();
        if self.maps.events.len() >= abi::MAX_EVENTS_PER_RUN
            || used + data.len() > abi::MAX_EVENT_BYTES_PER_RUN
        {
            return -abi::errno::ENOSPC;
        }
        self.maps.events.push((idx, data.to_vec()));
        0
    }
    fn map_lookup(&mut self, idx: u32, key: &[u8], value: &mut [u8]) -> i32 {
        let Some(d) = self.maps.decls.get(idx as usize) else {
            return -abi::errno::EINVAL;
        };
        if d.map_type.is_keyless() {
            return -abi::errno::EINVAL;
        }
        let found = if d.map_type == MapType::LpmTrie {
            self.maps.lpm_lookup(idx as usize, key)
        } else {
            self.maps.data[idx as usize].get(key)
        };
        match found {
            Some(v) => {
                value.copy_from_slice(v);
                0
            }
            None if d.map_type.is_array() => {
                if array_index(key) < d.max_entries {
                    value.fill(0);
                    0
                } else {
                    -abi::errno::ENOENT
                }
            }
            None => -abi::errno::ENOENT,
        }
    }
    fn map_update(&mut self, idx: u32, key: &[u8], value: &[u8], flags: u64) -> i32 {
        let Some(d) = self.maps.decls.get(idx as usize) else {
            return -abi::errno::EINVAL;
        };
        if d.map_type.is_keyless() {
            return -abi::errno::EINVAL;
        }
        let key = if d.map_type == MapType::LpmTrie {
            match lpm_canonical(key) {
                Some((_, k)) => k,
                None => return -abi::errno::EINVAL,
            }
        } else {
            key.to_vec()
        };
        // The kernel's array order: bad flags, then an index past the end, then BPF_NOEXIST.
        if d.map_type.is_array() && flags <= 2 && array_index(&key) >= d.max_entries {
            return -abi::errno::E2BIG;
        }
        let m = &mut self.maps.data[idx as usize];
        let exists = m.contains_key(&key) || d.map_type.is_array();
        match flags {
            1 if exists => return -17, // EEXIST
            2 if !exists => return -abi::errno::ENOENT,
            0..=2 => {}
            _ => return -abi::errno::EINVAL,
        }
        if !exists && m.len() >= d.max_entries as usize {
            // a full lpm_trie says ENOSPC, the hash maps E2BIG
            return if d.map_type == MapType::LpmTrie {
                -28
            } else {
                -7
            };
        }
        m.insert(key, value.to_vec());
        0
    }
    // One CPU: a lookup and an update are the kernel's in-place add. As there, an lpm_trie
    // refuses (its lookup answers for a prefix, not the key).
    fn map_add(&mut self, idx: u32, key: &[u8], field: usize, value: &mut [u8], delta: u64) -> i32 {
        match self.maps.decls.get(idx as usize) {
            Some(d) if d.map_type != MapType::LpmTrie => {
                abi::map_add_by_update(self, idx, key, field, value, delta)
            }
            _ => -abi::errno::EINVAL,
        }
    }
    fn map_delete(&mut self, idx: u32, key: &[u8]) -> i32 {
        let Some(d) = self.maps.decls.get(idx as usize) else {
            return -abi::errno::EINVAL;
        };
        let key = match d.map_type {
            // array elements always exist: the kernel's arrays refuse deletes
            t if t.is_keyless() || t.is_array() => return -abi::errno::EINVAL,
            MapType::LpmTrie => match lpm_canonical(key) {
                Some((_, k)) => k,
                None => return -abi::errno::EINVAL,
            },
            _ => key.to_vec(),
        };
        let m = &mut self.maps.data[idx as usize];
        m.remove(&key).map(|_| 0).unwrap_or(-abi::errno::ENOENT)
    }
    // Queue, stack and bloom filter as the kernel's: BPF_EXIST on a full queue or stack
    // replaces the oldest value; a bloom filter here has no false positives.
    fn map_push(&mut self, idx: u32, value: &[u8], flags: u64) -> i32 {
        let Some(d) = self.maps.decls.get(idx as usize) else {
            return -abi::errno::EINVAL;
        };
        let i = idx as usize;
        match d.map_type {
            MapType::BloomFilter if flags == 0 => {
                self.maps.data[i].insert(value.to_vec(), Vec::new());
                0
            }
            MapType::Queue | MapType::Stack if flags == 0 || flags == 2 => {
                let q = &mut self.maps.queues[i];
                if q.len() >= d.max_entries as usize {
                    if flags == 0 {
                        return -7; // E2BIG
                    }
                    q.pop_front();
                }
                q.push_back(value.to_vec());
                0
            }
            _ => -abi::errno::EINVAL,
        }
    }
    fn map_pop(&mut self, idx: u32, value: &mut [u8]) -> i32 {
        let Some(d) = self.maps.decls.get(idx as usize) else {
            return -abi::errno::EINVAL;
        };
        let q = &mut self.maps.queues[idx as usize];
        let v = match d.map_type {
            MapType::Queue => q.pop_front(),
            MapType::Stack => q.pop_back(),
            _ => return -abi::errno::EINVAL,
        };
        match v {
            Some(v) => {
                value.copy_from_slice(&v);
                0
            }
            None => -abi::errno::ENOENT,
        }
    }
    fn map_peek(&mut self, idx: u32, value: &mut [u8]) -> i32 {
        let Some(d) = self.maps.decls.get(idx as usize) else {
            return -abi::errno::EINVAL;
        };
        let i = idx as usize;
        let v = match d.map_type {
            MapType::BloomFilter => {
                return if self.maps.data[i].contains_key(&*value) {
                    0
                } else {
                    -abi::errno::ENOENT
                };
            }
            MapType::Queue => self.maps.queues[i].front(),
            MapType::Stack => self.maps.queues[i].back(),
            _ => return -abi::errno::EINVAL,
        };
        match v {
            Some(v) => {
                value.copy_from_slice(v);
                0
            }
            None => -abi::errno::ENOENT,
        }
    }
    fn ktime_ns(&mut self) -> u64 {
        0
    }
    fn trace(&mut self, msg: &[u8]) {
        // As in the kernel: the hook's bytes, anything but printable ASCII shown as '?', so a
        // trace line cannot drive the terminal or forge other lines.
        let line: String = msg
            .iter()
            .take(128)
            .map(|&b| {
                if (0x20..0x7f).contains(&b) {
                    b as char
                } else {
                    '?'
                }
            })
            .collect();
        eprintln!("trace: {line}{}", if msg.len() > 128 { "..." } else { "" });
    }
    fn kprobe_arg(&mut self, _n: u32) -> u64 {
        0
    }
    // The task helpers see this process, as in the kernel's BPF_PROG_TEST_RUN (`--kernel`);
    // user space cannot read kernel memory (in the kernel only kprobe hooks may).
    crate::run::process_context!();
}

/// One `--map-value NAME KEY=VALUE` (or `NAME VALUE` for a queue, stack or bloom filter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapValue {
    /// Index of the declared map.
    pub idx: usize,
    /// Key bytes (empty for the keyless types).
    pub key: Vec<u8>,
    /// Value bytes.
    pub value: Vec<u8>,
}

/// `123` or `0x7b`: an unsigned integer, little-endian in `size` bytes (it must fit);
/// `hex:0a000001`: exactly `size` raw bytes in this order.
fn parse_bytes(s: &str, size: usize, what: &str) -> Result<Vec<u8>> {
    if let Some(h) = s.strip_prefix("hex:") {
        let h: String = h.chars().filter(|c| *c != ' ' && *c != ':').collect();
        if !h.len().is_multiple_of(2) || !h.bytes().all(|c| c.is_ascii_hexdigit()) {
            bail!("{what} `{s}`: hex: wants pairs of hex digits");
        }
        let b: Vec<u8> = (0..h.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap_or(0))
            .collect();
        if b.len() != size {
            bail!(
                "{what} `{s}`: {} bytes, but the map declares {size}",
                b.len()
            );
        }
        return Ok(b);
    }
    let v = match s.strip_prefix("0x") {
        Some(h) => u128::from_str_radix(h, 16),
        None => s.parse::<u128>(),
    }
    .with_context(|| format!("{what} `{s}`: not a number (decimal, 0xHEX or hex:BYTES)"))?;
    let bytes = v.to_le_bytes();
    if size < 16 && v >> (8 * size) != 0 {
        bail!("{what} `{s}`: does not fit the map's {size} bytes");
    }
    let mut out = vec![0u8; size];
    let n = size.min(16);
    out[..n].copy_from_slice(&bytes[..n]);
    Ok(out)
}

/// Parses `--map-value NAME KEY=VALUE` pairs against the declarations.
pub fn map_values(decls: &MapDecls, args: &[String]) -> Result<Vec<MapValue>> {
    let mut out = Vec::new();
    for pair in args.chunks(2) {
        let [name, kv] = pair else {
            bail!("--map-value wants NAME KEY=VALUE");
        };
        let Some(idx) = decls.iter().position(|d| d.name() == name) else {
            let declared: Vec<&str> = decls.iter().map(|d| d.name()).collect();
            bail!(
                "--map-value {name}: the hook declares no map `{name}` (it declares {declared:?})"
            );
        };
        let d = decls.get(idx).context("map index")?;
        if d.map_type.is_ringbuf() {
            bail!(
                "--map-value {name}: {name} is a ringbuf: only the hook writes into it (ringbuf_output)"
            );
        }
        if d.map_type.is_devmap() {
            bail!(
                "--map-value {name}: {name} is a {}: the hook only redirects through it \
                 (redirect_map), which wasmload test does not simulate",
                d.map_type.name()
            );
        }
        let keyless = d.key_size == 0;
        let (k, v) = match (kv.split_once('='), keyless) {
            (Some((k, v)), false) => (k, v),
            (None, true) => ("", kv.as_str()),
            (Some(_), true) => bail!(
                "--map-value {name} {kv}: {name} is a {} (no keys): give just VALUE",
                d.map_type.name()
            ),
            (None, false) => bail!("--map-value {name} {kv}: want KEY=VALUE"),
        };
        let key = if keyless {
            Vec::new()
        } else {
            parse_bytes(k, d.key_size as usize, &format!("--map-value {name}: key"))?
        };
        let value = parse_bytes(
            v,
            d.value_size as usize,
            &format!("--map-value {name}: value"),
        )?;
        out.push(MapValue { idx, key, value });
    }
    Ok(out)
}

/// Runs the hook of `kind` (XDP or tc) in user space on each packet; returns the verdicts.
#[cfg(test)]
pub fn run_user(
    kind: HookKind,
    file: &Path,
    hook: &HookFile,
    fuel: u64,
    on_trap: i32,
    pkts: &[Vec<u8>],
) -> Result<Vec<i32>> {
    let runs = run_user_seeded(kind, file, hook, fuel, on_trap, pkts, &[])?;
    Ok(runs.into_iter().map(|r| r.verdict).collect())
}

/// What one user-space run gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOut {
    /// The verdict.
    pub verdict: i32,
    /// The ring buffer records the run emitted: (map index, bytes). A trapped run emits none,
    /// as in the kernel, where only a run that returns has its records taken.
    pub events: Vec<(u32, Vec<u8>)>,
    /// The run trapped (the verdict is the trap verdict).
    pub trapped: bool,
}

/// As [`run_user`], with the maps seeded first (`--map-value`).
pub fn run_user_seeded(
    kind: HookKind,
    file: &Path,
    hook: &HookFile,
    fuel: u64,
    on_trap: i32,
    pkts: &[Vec<u8>],
    seeds: &[MapValue],
) -> Result<Vec<RunOut>> {
    let limits = Limits::DEFAULT;
    let at = |e: wasmhook_engine::Error| {
        anyhow::anyhow!(
            "{}: {} at byte offset {:#x}",
            file.display(),
            e.message(),
            e.offset()
        )
    };
    let plan = wasmhook_engine::plan(&hook.wasm, &limits, &AbiImports).map_err(at)?;
    let mut code = vec![0u8; plan.module_bytes];
    let module = Module::compile(&hook.wasm, &limits, &AbiImports, &mut code).map_err(at)?;
    let entry = kind.entry();
    let func = module.export_func(entry).with_context(|| {
        format!(
            "{}: no exported function `{entry}` (the entry of a {entry} hook)",
            file.display()
        )
    })?;
    // As the module: a tracepoint's imports are checked, and it runs with its record.
    let mut fi = 0u32;
    while let Some(id) = module.func_host_id(fi) {
        if !kind.may_import(id) {
            let name = abi::HOST_FNS.get(id as usize).map_or("?", |h| h.name);
            bail!(
                "{}: a {} hook cannot import `{name}` (a tracepoint has no registers and no \
                 packet: read the record with ctx_read)",
                file.display(),
                kind.name()
            );
        }
        fi += 1;
    }
    // As wasmload attach: a devmap is for XDP hooks.
    crate::attach::check_devmap_kind(&hook.maps, kind)
        .with_context(|| file.display().to_string())?;
    let mut maps = UserMaps {
        decls: hook.maps,
        data: vec![HashMap::new(); hook.maps.len()],
        queues: vec![VecDeque::new(); hook.maps.len()],
        events: Vec::new(),
    };
    for sd in seeds {
        let rc = {
            let mut env = PacketEnv {
                packet: Vec::new(),
                maps: &mut maps,
                tracepoint: false,
            };
            if sd.key.is_empty() {
                abi::HookEnv::map_push(&mut env, sd.idx as u32, &sd.value, 0)
            } else {
                abi::HookEnv::map_update(&mut env, sd.idx as u32, &sd.key, &sd.value, 0)
            }
        };
        if rc != 0 {
            bail!("--map-value: cannot seed map {} (error {rc})", sd.idx);
        }
    }
    let mut mem = vec![0u8; module.instance_bytes()];
    let mut out = Vec::new();
    // One instance for all packets, like one CPU's instance in the kernel.
    let mut host = AbiHost(PacketEnv {
        packet: Vec::new(),
        maps: &mut maps,
        tracepoint: false,
    });
    let mut f = fuel;
    let mut inst = Instance::new(&module, &mut mem, &mut f, &mut host).map_err(|t| {
        anyhow::anyhow!(
            "{}: trap while instantiating: {}",
            file.display(),
            t.message()
        )
    })?;
    host.0.tracepoint = kind == HookKind::Tracepoint;
    for p in pkts {
        host.0.packet = p.clone();
        host.0.maps.events.clear();
        let mut res = [Val::I32(0)];
        let mut f = fuel;
        let len = i32::try_from(p.len()).unwrap_or(i32::MAX);
        let (v, trapped) = match inst.invoke(func, &[Val::I32(len)], &mut res, &mut f, &mut host) {
            Ok(()) => match res[0] {
                Val::I32(v) if kind.valid_result(v) => (v, false),
                _ => (on_trap, true),
            },
            Err(t) => {
                eprintln!("trap: {}", t.message());
                host.0.maps.events.clear();
                (on_trap, true)
            }
        };
        out.push(RunOut {
            verdict: v,
            events: std::mem::take(&mut host.0.maps.events),
            trapped,
        });
    }
    Ok(out)
}

/// Runs the hook of `kind` (XDP or tc) in the kernel on each packet through BPF_PROG_TEST_RUN,
/// then cleans up.
pub fn run_kernel(
    kind: HookKind,
    file: &Path,
    hook: &HookFile,
    fuel: u64,
    on_trap: u32,
    pkts: &[Vec<u8>],
) -> Result<Vec<i32>> {
    use crate::{attach, dev, kfunc};
    if kind == HookKind::Kprobe {
        bail!("kprobe hooks have no test run; attach them (`wasmload attach --kprobe`)");
    }
    let elf = attach::trampoline_for(file, hook, kind)?;
    let d = dev::Device::open()?;
    let btf = kfunc::ModuleBtf::open("wasmhook")?;
    let name = format!("test{}", std::process::id());
    let slot = d.load(
        &file.display().to_string(),
        &hook.wasm,
        &dev::LoadOpts {
            hook: kind,
            fuel,
            on_trap,
            mem_pages: wasmhook_hook_abi::uapi::DEFAULT_MEM_PAGES,
            name: name.chars().take(15).collect(),
            replace: None,
        },
    )?;
    let res = (|| -> Result<Vec<i32>> {
        let loaded = attach::load_trampoline(&elf, kind, slot, &hook.maps, &[], &btf, 0)?;
        // aya takes programs from pins: pin briefly under a private name.
        std::fs::create_dir_all(attach::PIN_ROOT)?;
        // bpffs refuses names with dots.
        let pin = Path::new(attach::PIN_ROOT).join(format!("{name}-prog"));
        crate::bpf::obj_pin(std::os::fd::AsFd::as_fd(&loaded.prog), &pin)
            .with_context(|| format!("cannot pin {}", pin.display()))?;
        fn run(p: &[u8]) -> TestRunOptions<'_> {
            TestRunOptions {
                data_in: Some(p),
                repeat: 1,
                ..Default::default()
            }
        }
        let mut out = Vec::new();
        if kind == HookKind::Tc {
            let prog = SchedClassifier::from_pin(&pin);
            let _ = std::fs::remove_file(&pin);
            let prog = prog?;
            for (i, p) in pkts.iter().enumerate() {
                if p.len() < 14 {
                    bail!(
                        "packet {}: {} bytes; a tc test run needs at least an Ethernet header (14)",
                        i + 1,
                        p.len()
                    );
                }
                let r = prog.test_run(run(p)).context("BPF_PROG_TEST_RUN")?;
                out.push(r.return_value as i32);
            }
        } else {
            let prog = Xdp::from_pin(&pin, XdpAttachType::Interface);
            let _ = std::fs::remove_file(&pin);
            let prog = prog?;
            for p in pkts {
                let r = prog.test_run(run(p)).context("BPF_PROG_TEST_RUN")?;
                out.push(r.return_value as i32);
            }
        }
        Ok(out)
    })();
    let _ = d.unload(slot);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn icmp(ty: u8) -> Vec<u8> {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x08, 0x00, 0x45, 0, 0, 28, 0, 1, 0, 0, 64, 1, 0, 0]);
        f.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2, ty, 0, 0, 0, 0, 0, 0, 0]);
        f
    }

    fn hook(path: &str) -> HookFile {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
        crate::hookfile::read(&p).unwrap()
    }

    #[test]
    fn ringbuf_records_follow_the_kernel_rules_in_user_space() {
        let h = hook("tests/vm/wasm/xdp_events.wat");
        let mut big = vec![0xab; 120];
        big[..8].copy_from_slice(b"BIGFRAME");
        let runs = run_user_seeded(
            HookKind::Xdp,
            Path::new("xdp_events.wat"),
            &h,
            1_000_000,
            0,
            &[b"frame-one-60".to_vec(), big],
            &[],
        )
        .unwrap();
        // one record of the first 8 bytes
        assert_eq!(runs[0].verdict, 2);
        assert_eq!(runs[0].events, vec![(0, b"frame-on".to_vec())]);
        // 40 asked, 32 fit (as in the kernel's per-run queue), the rest got ENOSPC
        assert_eq!(runs[1].verdict, 1);
        assert_eq!(runs[1].events.len(), abi::MAX_EVENTS_PER_RUN);
        assert!(runs[1].events.iter().all(|(_, d)| d == b"BIGFRAME"));
    }

    #[test]
    fn a_devmap_is_for_xdp_hooks_and_redirect_map_is_not_simulated() {
        let tc = hook("tests/vm/wasm/tc_devmap.wat");
        let e = run_user_seeded(
            HookKind::Tc,
            Path::new("tc_devmap.wat"),
            &tc,
            1000,
            0,
            &[vec![0; 60]],
            &[],
        )
        .unwrap_err();
        assert!(
            format!("{e:#}").contains("a devmap is for XDP hooks"),
            "{e:#}"
        );
        // In user space redirect_map answers -95, so pkt_devmap.wat's command 10 drops.
        let x = hook("tests/vm/wasm/pkt_devmap.wat");
        let mut f = vec![0u8; 60];
        f[12..15].copy_from_slice(&[0x88, 0xb5, 10]);
        let runs = run_user_seeded(
            HookKind::Xdp,
            Path::new("pkt_devmap.wat"),
            &x,
            100_000,
            0,
            &[f],
            &[],
        )
        .unwrap();
        assert_eq!(runs[0].verdict, 1);
    }

    #[test]
    fn tracepoint_hooks_read_their_record_and_refuse_packet_imports() {
        // tp_exec.wat emits pid, old_pid, the record length, ctx_read's answer for the
        // filename, the filename and comm (160 bytes) per run.
        let h = hook("tests/vm/wasm/tp_exec.wat");
        let mut rec = vec![0u8; 20];
        rec[8..12].copy_from_slice(&((10u32 << 16) | 20).to_le_bytes());
        rec[12..16].copy_from_slice(&42u32.to_le_bytes());
        rec[16..20].copy_from_slice(&41u32.to_le_bytes());
        rec.extend_from_slice(b"/bin/true\0");
        let short = rec[..16].to_vec(); // the filename's data past the record
        let runs = run_user_seeded(
            HookKind::Tracepoint,
            Path::new("tp_exec.wat"),
            &h,
            100_000,
            0,
            &[rec, short],
            &[],
        )
        .unwrap();
        let ev = &runs[0].events[0].1;
        assert_eq!(ev.len(), 160);
        let u = |e: &[u8], i: usize| u32::from_le_bytes(e[i..i + 4].try_into().unwrap());
        assert_eq!((u(ev, 0), u(ev, 4), u(ev, 8), u(ev, 12)), (42, 41, 30, 10));
        assert_eq!((u(ev, 16) as i32, u(ev, 20) as i32), (-14, -22));
        assert_eq!(&ev[24..34], b"/bin/true\0");
        let ev = &runs[1].events[0].1;
        assert_eq!((u(ev, 0), u(ev, 8), u(ev, 12) as i32), (42, 16, -14));
        assert!(!runs[0].trapped && !runs[1].trapped);
        // a tracepoint hook importing pkt_read is refused, as the module refuses it
        let bad = hook("tests/vm/wasm/tp_pkt.wat");
        let e = run_user_seeded(
            HookKind::Tracepoint,
            Path::new("tp_pkt.wat"),
            &bad,
            100_000,
            0,
            &[vec![0; 4]],
            &[],
        )
        .unwrap_err();
        assert!(e.to_string().contains("cannot import `pkt_read`"), "{e}");
    }

    #[test]
    fn icmp_filter_drops_echo_requests_only() {
        let h = hook("tests/vm/wasm/icmp.wat");
        let v = run_user(
            HookKind::Xdp,
            Path::new("icmp.wat"),
            &h,
            100_000,
            2,
            &[icmp(8), icmp(0), vec![0; 60]],
        )
        .unwrap();
        assert_eq!(v, [1, 2, 2]);
    }

    #[test]
    fn declared_maps_work_in_user_space() {
        // xdp_icmp.wat counts in map 1 and reads its policy from map 0 (empty = allow).
        let h = hook("tests/vm/wasm/xdp_icmp.wat");
        assert_eq!(h.maps.len(), 2);
        assert_eq!(h.maps.get(0).unwrap().name(), "policy");
        assert_eq!(h.maps.get(1).unwrap().name(), "counts");
        let v = run_user(
            HookKind::Xdp,
            Path::new("xdp_icmp.wat"),
            &h,
            100_000,
            2,
            &[icmp(8), icmp(8)],
        )
        .unwrap();
        assert_eq!(v, [2, 2]);
    }

    #[test]
    fn out_of_fuel_answers_the_trap_verdict() {
        let h = hook("tests/vm/wasm/loop.wat");
        let v = run_user(
            HookKind::Xdp,
            Path::new("loop.wat"),
            &h,
            1000,
            1,
            &[icmp(8)],
        )
        .unwrap();
        assert_eq!(v, [1]);
    }

    #[test]
    fn packets_from_hex_and_pcap() {
        let p = packets(&["00:11 22".into()], None).unwrap();
        assert_eq!(p, vec![vec![0x00, 0x11, 0x22]]);
        assert!(packets(&["abc".into()], None).is_err());
        assert!(packets(&[], None).is_err());
        let mut pcap = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        pcap.extend_from_slice(&[0; 16]);
        for pkt in [&[1u8, 2, 3][..], &[4u8][..]] {
            let n = (pkt.len() as u32).to_le_bytes();
            pcap.extend_from_slice(&[0; 8]);
            pcap.extend_from_slice(&n);
            pcap.extend_from_slice(&n);
            pcap.extend_from_slice(pkt);
        }
        assert_eq!(parse_pcap(&pcap).unwrap(), vec![vec![1, 2, 3], vec![4]]);
        assert!(
            parse_pcap(b"\x0a\x0d\x0d\x0a").is_err(),
            "pcapng is refused"
        );
    }

    #[test]
    fn map_values_are_checked_against_the_declarations() {
        let h = hook("tests/vm/wasm/map16_xdp.wat");
        let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let s = map_values(
            &h.maps,
            &a(&["m00", "0=7", "m10", "hex:2000000000000000=0x10", "m11", "5"]),
        )
        .unwrap();
        assert_eq!(
            s[0],
            MapValue {
                idx: 0,
                key: vec![0; 4],
                value: vec![7, 0, 0, 0, 0, 0, 0, 0]
            }
        );
        assert_eq!(s[1].key, vec![0x20, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(s[2].key, Vec::<u8>::new());
        for (bad, want) in [
            (&["nope", "0=1"][..], "declares no map"),
            (&["m00", "0x100000000=1"][..], "does not fit"),
            (&["m00", "hex:00=1"][..], "1 bytes, but the map declares 4"),
            (&["m11", "0=1"][..], "no keys"),
            (&["m00", "7"][..], "KEY=VALUE"),
            (&["m00", "x=1"][..], "not a number"),
        ] {
            let e = format!("{:#}", map_values(&h.maps, &a(bad)).unwrap_err());
            assert!(e.contains(want), "{bad:?}: {e}");
        }
        // A seeded run runs (the seeds went into the maps the hook uses).
        let seeds = map_values(&h.maps, &a(&["m00", "0=41"])).unwrap();
        let pkt = vec![0u8; 64];
        let v = run_user_seeded(
            HookKind::Xdp,
            Path::new("m"),
            &h,
            1_000_000,
            0,
            &[pkt],
            &seeds,
        )
        .unwrap();
        assert_eq!(v[0].verdict, 2);
    }

    #[test]
    fn verdict_names() {
        assert_eq!(verdict_name(HookKind::Xdp, 1), "DROP");
        assert_eq!(verdict_name(HookKind::Xdp, 2), "PASS");
        assert_eq!(verdict_name(HookKind::Xdp, 9), "verdict 9");
        assert_eq!(verdict_name(HookKind::Tc, 0), "OK");
        assert_eq!(verdict_name(HookKind::Tc, 2), "SHOT");
        assert_eq!(verdict_name(HookKind::Tc, 3), "verdict 3");
    }

    fn udp(dport: u16) -> Vec<u8> {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x08, 0x00, 0x45, 0, 0, 36, 0, 1, 0, 0, 64, 17, 0, 0]);
        f.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
        f.extend_from_slice(&[0x13, 0x88]);
        f.extend_from_slice(&dport.to_be_bytes());
        f.extend_from_slice(&[0, 16, 0, 0]);
        f.extend_from_slice(b"payload!");
        f
    }

    #[test]
    fn tc_hook_drops_udp_to_its_port_and_counts() {
        // tc_udp_drop.wat: UDP to port 9999 is SHOT, everything else OK; map 0 counts both.
        let h = hook("tests/vm/wasm/tc_udp_drop.wat");
        let v = run_user(
            HookKind::Tc,
            Path::new("tc_udp_drop.wat"),
            &h,
            100_000,
            0,
            &[udp(9999), udp(53), icmp(8), udp(9999)],
        )
        .unwrap();
        assert_eq!(v, [2, 0, 0, 2]);
    }

    #[test]
    fn a_tc_run_refuses_an_xdp_hook_and_xdp_verdicts() {
        // icmp.wat exports `xdp` only: as a tc hook it has no entry.
        let h = hook("tests/vm/wasm/icmp.wat");
        let e = run_user(HookKind::Tc, Path::new("icmp.wat"), &h, 1000, 0, &[icmp(8)]).unwrap_err();
        assert!(e.to_string().contains("no exported function `tc`"), "{e}");
        // A tc hook returning 1 (an XDP verdict, TC_ACT_RECLASSIFY for tc) gets the trap verdict.
        let h = hook("tests/vm/wasm/tc_bad_verdict.wat");
        let v = run_user(
            HookKind::Tc,
            Path::new("tc_bad_verdict.wat"),
            &h,
            1000,
            2,
            &[udp(1)],
        )
        .unwrap();
        assert_eq!(v, [2]);
    }

    /// Runs tests/vm/wasm/`name`, an XDP hook that checks its own answers and passes only if
    /// all hold (the VM tests run the same hook in the kernel), on one UDP packet: PASS.
    fn assert_self_checks_pass(name: &str) {
        let h = hook(&format!("tests/vm/wasm/{name}"));
        let v = run_user(HookKind::Xdp, Path::new(name), &h, 100_000, 0, &[udp(1)]).unwrap();
        assert_eq!(v, [2], "{name}");
    }

    #[test]
    fn v2_map_rules_hold_in_user_space() {
        // maprefuse.wat checks 30 map results itself (keyless/keyed refusals, a full and an
        // empty queue, BPF_EXIST, bloom membership, longest-prefix match) and passes only if
        // all hold; the VM test runs it in the kernel too.
        assert_self_checks_pass("maprefuse.wat");
    }

    #[test]
    fn array_answers_match_the_kernels() {
        // arrayops.wat checks 37 array and per-CPU array results itself (past the end, BPF_NOEXIST,
        // bad flags, deletes, unaligned keys and values) and passes only if all hold; the VM
        // test runs it in the kernel too. Here an update past the end used to store a phantom
        // element and a delete used to succeed.
        assert_self_checks_pass("arrayops.wat");
    }

    #[test]
    fn map_add_answers_match_the_kernels() {
        // mapadd.wat checks 51 map_add results itself (arrays, u32 values, per-CPU maps, hash
        // inserts until full, u64 fields of larger values, refusals) and passes only if all hold;
        // the VM test runs it in the kernel too.
        assert_self_checks_pass("mapadd.wat");
    }

    #[test]
    fn lpm_keys_keep_only_their_prefix() {
        let k = |p: u32, d: [u8; 4]| {
            let mut v = p.to_le_bytes().to_vec();
            v.extend_from_slice(&d);
            v
        };
        assert_eq!(
            lpm_canonical(&k(12, [10, 0xff, 1, 2])),
            Some((12, k(12, [10, 0xf0, 0, 0])))
        );
        assert_eq!(lpm_canonical(&k(33, [0; 4])), None);
        let mut m = UserMaps {
            decls: MapDecls::new(),
            data: vec![HashMap::new()],
            queues: vec![VecDeque::new()],
            events: Vec::new(),
        };
        m.data[0].insert(k(8, [10, 0, 0, 0]), vec![1]);
        m.data[0].insert(k(24, [10, 9, 0, 0]), vec![2]);
        assert_eq!(m.lpm_lookup(0, &k(32, [10, 9, 0, 7])), Some(&vec![2]));
        assert_eq!(m.lpm_lookup(0, &k(32, [10, 8, 0, 7])), Some(&vec![1]));
        assert_eq!(m.lpm_lookup(0, &k(32, [11, 9, 0, 7])), None);
    }

    #[test]
    fn queue_and_stack_hook_records_echo_requests() {
        // qrec.wat pushes a record per echo request into a queue and a stack and consults a
        // bloom filter (empty here): every packet passes.
        let h = hook("tests/vm/wasm/qrec.wat");
        let types: Vec<_> = h.maps.iter().map(|d| d.map_type).collect();
        assert_eq!(
            types,
            [MapType::Queue, MapType::Stack, MapType::BloomFilter]
        );
        let v = run_user(
            HookKind::Xdp,
            Path::new("qrec.wat"),
            &h,
            100_000,
            0,
            &[icmp(8), icmp(0)],
        )
        .unwrap();
        assert_eq!(v, [2, 2]);
    }
}

//! `kfuzz-guest`: the guest side of the in-kernel fuzz run (tests/vm/kfuzz.sh starts it).
//!
//! ```text
//! kfuzz-guest run DIR TRAMPS SEED [N]  # every input (or the first N) of DIR/manifest.txt: LOAD, run, check, UNLOAD
//! kfuzz-guest churn DIR TRAMPS SEED   # LOAD/REPLACE/UNLOAD small programs the traffic is running
//! kfuzz-guest ioctls SEED [COUNT]     # garbage and mutated ioctls on /dev/wasmhook
//! kfuzz-guest traffic DIR TRAMPS CPU   # BPF_PROG_TEST_RUN on the shared trampoline
//! kfuzz-guest udp ADDR CPU        # UDP datagrams (run in the peer netns: veth XDP sees them)
//! ```
//! TRAMPS is a file of `role prog_pin cfg_pin` lines (roles x0..x3, shared, veth, kp, hot;
//! prog_pin `-` for kprobes). All loops but `run` stop when /tmp/kfuzz.stop exists; each prints
//! one `KFUZZ-<LOOP> ...` summary line. Anything the kernel must never do (accept what the
//! user-space engine refuses, an XDP verdict outside 0..=3, a kprobe slot running from XDP,
//! wrong counters) is printed as `KFUZZ-ANOMALY` and counted.

mod sys;

use std::collections::HashMap;
use std::os::fd::RawFd;
use std::path::Path;
use wasmhook_hook_abi::uapi;

const DEV: &str = "/dev/wasmhook";
/// Highest fuel of an input the shared and veth trampolines (the traffic loops) may run.
const SHARED_MAX_FUEL: u64 = 200_000;
const STOP: &str = "/tmp/kfuzz.stop";

/// SplitMix64 (the generator's, so runs are reproducible from the seed).
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
    fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

fn stopped() -> bool {
    Path::new(STOP).exists()
}

fn die(msg: &str) -> ! {
    eprintln!("kfuzz-guest: {msg}");
    std::process::exit(1)
}

fn open_dev() -> RawFd {
    match sys::open(DEV, true) {
        Ok(fd) => fd as RawFd,
        Err(e) => die(&format!("{DEV}: errno {e}")),
    }
}

/// The trampolines of the guest: prog fd (XDP) and config-map fd per role.
struct Tramps {
    prog: HashMap<String, RawFd>,
    cfg: HashMap<String, RawFd>,
}

impl Tramps {
    fn read(path: &str) -> Tramps {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| die(&format!("{path}: {e}")));
        let mut t = Tramps {
            prog: HashMap::new(),
            cfg: HashMap::new(),
        };
        for line in text.lines() {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() != 3 {
                continue;
            }
            if f[1] != "-" {
                match sys::obj_get(f[1]) {
                    Ok(fd) => {
                        t.prog.insert(f[0].to_owned(), fd as RawFd);
                    }
                    Err(e) => eprintln!("kfuzz-guest: {}: errno {e}", f[1]),
                }
            }
            match sys::obj_get(f[2]) {
                Ok(fd) => {
                    t.cfg.insert(f[0].to_owned(), fd as RawFd);
                }
                Err(e) => eprintln!("kfuzz-guest: {}: errno {e}", f[2]),
            }
        }
        t
    }
    fn set(&self, role: &str, slot: u32) -> bool {
        match self.cfg.get(role) {
            Some(fd) => sys::cfg_set(*fd, slot).is_ok(),
            None => false,
        }
    }
    /// The XDP trampoline of map set `k`, or the first one there is.
    fn xdp_role(&self, k: u32) -> Option<String> {
        let want = format!("x{k}");
        if self.prog.contains_key(&want) && self.cfg.contains_key(&want) {
            return Some(want);
        }
        (0..4)
            .map(|i| format!("x{i}"))
            .find(|r| self.prog.contains_key(r) && self.cfg.contains_key(r))
    }
}

fn load_req(
    wasm: &[u8],
    hook: u32,
    fuel: u64,
    mem_pages: u32,
    on_trap: u32,
    name: &str,
) -> uapi::LoadReq {
    let mut r = uapi::LoadReq::zeroed();
    r.wasm_ptr = wasm.as_ptr() as u64;
    r.wasm_len = wasm.len() as u32;
    r.hook = hook;
    r.fuel = fuel;
    r.mem_pages = mem_pages;
    r.on_trap = on_trap;
    r.name = uapi::fixed_str(name.as_bytes());
    r
}

/// LOAD; the slot id, or the errno and the kernel's message.
fn load(fd: RawFd, req: &uapi::LoadReq) -> Result<u32, (i32, String)> {
    let mut b = req.encode();
    let rc = sys::ioctl(fd, uapi::IOC_LOAD, b.as_mut_ptr() as usize);
    let ans = uapi::LoadReq::decode(&b);
    match rc {
        Ok(_) => Ok(ans.slot),
        Err(e) => Err((
            e,
            String::from_utf8_lossy(uapi::fixed_str_get(&ans.err)).into_owned(),
        )),
    }
}

fn unload(fd: RawFd, slot: u32) -> bool {
    let mut b = slot.to_le_bytes();
    sys::ioctl(fd, uapi::IOC_UNLOAD, b.as_mut_ptr() as usize).is_ok()
}

fn stats(fd: RawFd, slot: u32) -> Option<uapi::Stats> {
    let mut b = uapi::Stats {
        slot,
        ..Default::default()
    }
    .encode();
    sys::ioctl(fd, uapi::IOC_STATS, b.as_mut_ptr() as usize).ok()?;
    Some(uapi::Stats::decode(&b))
}

fn info(fd: RawFd, slot: u32) -> Option<uapi::SlotInfo> {
    let mut b = uapi::SlotInfo {
        slot,
        ..Default::default()
    }
    .encode();
    sys::ioctl(fd, uapi::IOC_INFO, b.as_mut_ptr() as usize).ok()?;
    Some(uapi::SlotInfo::decode(&b))
}

fn list(fd: RawFd) -> Vec<u32> {
    let mut b = [0u8; uapi::List::SIZE];
    if sys::ioctl(fd, uapi::IOC_LIST, b.as_mut_ptr() as usize).is_err() {
        return Vec::new();
    }
    let l = uapi::List::decode(&b);
    l.slots.iter().take(l.count as usize).copied().collect()
}

/// One progress line: to the kernel log at KERN_ERR (shown on the console) when possible.
fn progress(kmsg: &mut Option<std::fs::File>, line: String) {
    use std::io::Write as _;
    if let Some(k) = kmsg {
        if k.write_all(format!("<3>kfuzz: {line}\n").as_bytes())
            .is_ok()
        {
            return;
        }
    }
    println!("{line}");
}

/// `id:name` of every loaded slot.
fn slot_names(fd: RawFd) -> String {
    list(fd)
        .iter()
        .map(|s| {
            let name = info(fd, *s)
                .map(|i| String::from_utf8_lossy(uapi::fixed_str_get(&i.name)).into_owned());
            format!("{s}:{}", name.unwrap_or_default())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn packets(dir: &str) -> Vec<Vec<u8>> {
    let mut names: Vec<_> = std::fs::read_dir(format!("{dir}/pkts"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    names.sort();
    let p: Vec<Vec<u8>> = names.iter().filter_map(|n| std::fs::read(n).ok()).collect();
    if p.is_empty() {
        die("no packets");
    }
    p
}

/// Counters of the main loop.
#[derive(Default)]
struct RunCounts {
    inputs: u64,
    loaded: u64,
    replaced: u64,
    refused: u64,
    packets: u64,
    kprobe_calls: u64,
    anomalies: u64,
    /// Refusals by errno.
    errnos: std::collections::BTreeMap<i32, u64>,
}

macro_rules! anomaly {
    ($c:expr, $($arg:tt)*) => {{
        $c.anomalies += 1;
        println!("KFUZZ-ANOMALY {}", format!($($arg)*));
    }};
}

/// The main loop: every input of the manifest, in order.
fn run(dir: &str, tramps: &str, seed: u64, limit: Option<u64>) {
    let t = Tramps::read(tramps);
    let fd = open_dev();
    let pkts = packets(dir);
    let manifest = std::fs::read_to_string(format!("{dir}/manifest.txt"))
        .unwrap_or_else(|e| die(&e.to_string()));
    let mut rng = Rng(seed ^ 0x0072_756e);
    let mut c = RunCounts::default();
    // (slot id, hook) of the inputs still loaded, oldest first
    let mut live: Vec<(u32, u32)> = Vec::new();
    let start = std::time::Instant::now();
    let mut kmsg = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/kmsg")
        .ok();
    for line in manifest.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() != 11 {
            continue;
        }
        if limit.is_some_and(|n| c.inputs >= n) {
            break;
        }
        let num = |k: usize| f[k].parse::<u64>().unwrap_or(0);
        let (index, hook, fuel, mem_pages, on_trap, flags, mapset, repeat) = (
            num(0),
            num(2) as u32,
            num(3),
            num(4) as u32,
            num(5) as u32,
            num(6) as u32,
            num(7) as u32,
            num(8) as u32,
        );
        let expect_ok = f[9] == "ok";
        let Ok(wasm) = std::fs::read(format!("{dir}/inputs/{}", f[10])) else {
            continue;
        };
        c.inputs += 1;
        // The kernel log names the last input started: what to replay if the kernel dies. It goes
        // through /dev/kmsg, so it is in the log before the LOAD starts and the panic path
        // prints it (a line in a pipe to the console can be lost with the kernel).
        progress(
            &mut kmsg,
            format!(
                "kf {index} {} h{hook} f{fuel} m{mem_pages} t{on_trap} x{flags} s{mapset}",
                f[1]
            ),
        );
        let mut req = load_req(&wasm, hook, fuel, mem_pages, on_trap, &format!("kf{index}"));
        req.flags = flags;
        let replacing = flags == uapi::LOAD_REPLACE;
        if replacing {
            req.slot = if !live.is_empty() && rng.chance(3, 4) {
                live[rng.below(live.len() as u64) as usize].0
            } else {
                rng.next_u64() as u32
            };
        }
        let slot = match load(fd, &req) {
            Ok(s) => s,
            Err((e, msg)) => {
                c.refused += 1;
                *c.errnos.entry(e).or_default() += 1;
                if e == libc::ENOSPC && c.errnos[&e] == 1 {
                    println!("kf {index}: all slots in use: {}", slot_names(fd));
                }
                let benign = matches!(e, libc::ENOSPC | libc::ENOMEM);
                if expect_ok && !replacing && !benign {
                    anomaly!(
                        c,
                        "{index}: LOAD refused (errno {e}: {msg}) what the user-space engine accepts"
                    );
                } else if expect_ok && !replacing {
                    println!("kf {index}: refused, errno {e}: {msg}");
                }
                continue;
            }
        };
        if replacing {
            c.replaced += 1;
            if live.iter().any(|(s, h)| *s == slot && *h != hook) {
                anomaly!(c, "{index}: REPLACE changed slot {slot}'s hook kind");
            }
        } else {
            c.loaded += 1;
            if !expect_ok {
                anomaly!(
                    c,
                    "{index}: LOAD accepted (slot {slot}) what the user-space engine refuses"
                );
            }
            live.push((slot, hook));
        }
        match info(fd, slot) {
            Some(i) if i.hook != hook || i.wasm_len as usize != wasm.len() || i.slot != slot => {
                anomaly!(
                    c,
                    "{index}: INFO of slot {slot} says hook {} wasm {} bytes",
                    i.hook,
                    i.wasm_len
                );
            }
            _ => {}
        }
        let before = stats(fd, slot).map(|s| s.runs);
        let mut expected_runs = 0u64;
        let mut exact = !replacing;
        if hook == 1 {
            if let Some(role) = t.xdp_role(mapset) {
                t.set(&role, slot);
                let prog = t.prog[&role];
                for _ in 0..1 + rng.below(3) {
                    let p = &pkts[rng.below(pkts.len() as u64) as usize];
                    match sys::test_run(prog, p, repeat) {
                        Ok(v) if v > 3 => anomaly!(c, "{index}: XDP verdict {v} from slot {slot}"),
                        Ok(_) => {
                            expected_runs += u64::from(repeat);
                            c.packets += u64::from(repeat);
                        }
                        Err(e) => {
                            exact = false;
                            println!("kf {index}: test run errno {e}");
                        }
                    }
                }
            }
            // Not the slow ones: under TCG a run at 10 M fuel takes about a second, and on veth0
            // every UDP datagram would pay it (the CPU starves, with no kernel report: seen at
            // input 2127 of seed 20261203).
            let cheap = fuel <= SHARED_MAX_FUEL;
            if cheap && rng.chance(1, 6) {
                t.set("veth", slot);
                exact = false;
            }
            if cheap && rng.chance(1, 6) {
                t.set("shared", slot);
                exact = false;
            }
            if rng.chance(1, 8) {
                // an XDP slot named by a kprobe trampoline must not run
                t.set("kp", slot);
                for _ in 0..3 {
                    sys::getppid();
                }
            }
        } else if hook == 2 {
            t.set("kp", slot);
            for _ in 0..repeat {
                sys::getppid();
            }
            expected_runs += u64::from(repeat);
            c.kprobe_calls += u64::from(repeat);
            if rng.chance(1, 6) {
                t.set("hot", slot);
                exact = false;
            }
            if rng.chance(1, 6) {
                // a kprobe slot named by an XDP trampoline must not run: PASS, no run counted
                if let Some(role) = t.xdp_role(mapset) {
                    t.set(&role, slot);
                    if let Ok(v) = sys::test_run(t.prog[&role], &pkts[0], 1) {
                        if v != 2 {
                            anomaly!(
                                c,
                                "{index}: kprobe slot {slot} from the XDP trampoline gave verdict {v} (want 2: not run)"
                            );
                        }
                    }
                }
            }
        }
        if let (true, Some(b), Some(a)) = (exact, before, stats(fd, slot)) {
            if a.runs != b + expected_runs {
                anomaly!(
                    c,
                    "{index}: slot {slot} counted {} runs, {} expected",
                    a.runs - b,
                    expected_runs
                );
            }
        }
        if rng.chance(1, 4) && !live.is_empty() {
            // an UNLOAD in the middle, then once more: the second must fail
            let (s, _) = live.remove(rng.below(live.len() as u64) as usize);
            let first = unload(fd, s);
            if first && unload(fd, s) {
                anomaly!(c, "{index}: slot {s} unloaded twice");
            }
        }
        while live.len() > 6 {
            let (s, _) = live.remove(0);
            unload(fd, s);
        }
    }
    for (s, _) in live.drain(..) {
        unload(fd, s);
    }
    let by: Vec<String> = c.errnos.iter().map(|(e, n)| format!("{e}:{n}")).collect();
    println!(
        "KFUZZ-RUN inputs={} loaded={} replaced={} refused={} (errno:count {}) packets={} kprobe_calls={} anomalies={} secs={}",
        c.inputs,
        c.loaded,
        c.replaced,
        c.refused,
        by.join(","),
        c.packets,
        c.kprobe_calls,
        c.anomalies,
        start.elapsed().as_secs()
    );
}

/// The churn loop: small programs LOADed, pointed at by the shared, veth and hot trampolines,
/// REPLACEd and UNLOADed while traffic runs them.
fn churn(dir: &str, tramps: &str, seed: u64) {
    let t = Tramps::read(tramps);
    let fd = open_dev();
    let text = std::fs::read_to_string(format!("{dir}/churn.txt")).unwrap_or_default();
    let progs: Vec<(u32, Vec<u8>)> = text
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let w = std::fs::read(format!("{dir}/{}", f.get(2)?)).ok()?;
            Some((f.get(1)?.parse().ok()?, w))
        })
        .collect();
    if progs.is_empty() {
        die("no churn programs");
    }
    let mut rng = Rng(seed ^ 0x6368_7572);
    let (mut loads, mut replaces, mut unloads, mut refused) = (0u64, 0u64, 0u64, 0u64);
    // runs of the churned slots, read before each UNLOAD: proof the trampolines ran them
    let (mut xdp_runs, mut kp_runs, mut busy) = (0u64, 0u64, 0u64);
    let mut count = |fd: RawFd, s: u32, h: u32| {
        if let Some(st) = stats(fd, s) {
            if h == 1 {
                xdp_runs += st.runs;
            } else {
                kp_runs += st.runs;
            }
            busy += st.busy;
        }
    };
    let mut live: Vec<(u32, u32)> = Vec::new();
    while !stopped() {
        let (hook, w) = &progs[rng.below(progs.len() as u64) as usize];
        let fuel = rng.pick(&[0u64, 100, 5000, 100_000]);
        match load(
            fd,
            &load_req(w, *hook, fuel, 1, 2 * u32::from(*hook == 1), "churn"),
        ) {
            Ok(s) => {
                loads += 1;
                live.push((s, *hook));
                if *hook == 1 {
                    t.set(if rng.chance(1, 2) { "shared" } else { "veth" }, s);
                } else {
                    t.set("hot", s);
                }
            }
            Err(_) => refused += 1,
        }
        if let Some(&(s, h)) = live.last() {
            for _ in 0..rng.below(3) {
                let (h2, w2) = &progs[rng.below(progs.len() as u64) as usize];
                let mut req = load_req(w2, *h2, 0, 1, 2 * u32::from(*h2 == 1), "churn");
                req.flags = uapi::LOAD_REPLACE;
                req.slot = s;
                match load(fd, &req) {
                    Ok(_) if *h2 != h => {
                        println!("KFUZZ-ANOMALY churn: REPLACE of {s} changed its hook kind")
                    }
                    Ok(_) => replaces += 1,
                    Err(_) => refused += 1,
                }
            }
        }
        if !live.is_empty() && (live.len() > 3 || rng.chance(1, 3)) {
            let (s, h) = live.remove(rng.below(live.len() as u64) as usize);
            count(fd, s, h);
            unloads += u64::from(unload(fd, s));
        }
    }
    for (s, h) in live {
        count(fd, s, h);
        unloads += u64::from(unload(fd, s));
    }
    println!(
        "KFUZZ-CHURN loads={loads} replaces={replaces} unloads={unloads} refused={refused} xdp_runs={xdp_runs} kprobe_runs={kp_runs} busy={busy}"
    );
}

/// A tiny valid XDP hook: `(module (func (export "xdp") (param i32) (result i32) i32.const 2))`.
const PASS_WASM: &[u8] = &[
    0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 120, 100,
    112, 0, 0, 10, 6, 1, 4, 0, 65, 2, 11,
];

const IOC_CMDS: [u32; 5] = [
    uapi::IOC_LOAD,
    uapi::IOC_UNLOAD,
    uapi::IOC_INFO,
    uapi::IOC_LIST,
    uapi::IOC_STATS,
];

/// Garbage and mutated ioctls: random commands, real commands with random, short, unmapped and
/// kernel pointers, LOAD requests with every field mutated (lengths up to u32::MAX, wasm
/// pointers into unmapped memory or across the end of mapped memory), random slot ids, plus
/// read/write/mmap/poll and descriptor churn. `count` = 0: until the stop file appears.
fn ioctls(seed: u64, count: u64) {
    let mut fd = open_dev();
    let mut rng = Rng(seed ^ 0x696f_6374);
    let mut arena = sys::Arena::new(64);
    let (base, len, unmapped) = (arena.base, arena.len, arena.unmapped);
    let end = base + len;
    // a valid module at the start of the arena, and one whose last bytes run into the guard page
    arena.bytes()[..PASS_WASM.len()].copy_from_slice(PASS_WASM);
    let tail = end - PASS_WASM.len() + 3;
    arena.bytes()[len - PASS_WASM.len() + 3..].copy_from_slice(&PASS_WASM[..PASS_WASM.len() - 3]);
    let (mut ops, mut accepted, mut loaded) = (0u64, 0u64, 0u64);
    let mut own: Vec<u32> = Vec::new();
    while (count == 0 && !stopped()) || (count > 0 && ops < count) {
        ops += 1;
        if ops % 2000 == 0 {
            println!("kfuzz-ioctls: {ops} ops");
        }
        // an argument pointer: our buffer, one ending just before the guard page, the guard
        // page, an unmapped page, NULL, a kernel address, random
        let ptr_pick = |rng: &mut Rng, size: usize| -> usize {
            match rng.below(9) {
                0..=2 => base + 8192 + rng.below(4096) as usize,
                3 => end - size.min(len) + rng.below(size.min(64) as u64 + 1) as usize,
                4 => end + rng.below(4096) as usize,
                5 => unmapped,
                6 => rng.below(4096) as usize,
                7 => 0xffff_ffff_8100_0000usize.wrapping_add(rng.below(1 << 20) as usize),
                _ => rng.next_u64() as usize,
            }
        };
        // fill our scratch area with random bytes now and then
        if rng.chance(1, 4) {
            let at = 8192 + rng.below(4096) as usize;
            let n = rng.below(512) as usize;
            let b = arena.bytes();
            for k in 0..n.min(len - at) {
                b[at + k] = rng.next_u64() as u8;
            }
        }
        match rng.below(10) {
            0 => {
                // any command
                let cmd = match rng.below(3) {
                    0 => rng.next_u64() as u32,
                    1 => {
                        (rng.below(4) as u32) << 30
                            | (rng.below(1 << 14) as u32) << 16
                            | 0xb7 << 8
                            | rng.below(16) as u32
                    }
                    _ => rng.pick(&IOC_CMDS) ^ (1 << rng.below(32)),
                };
                let p = ptr_pick(&mut rng, 256);
                if sys::ioctl(fd, cmd, p).is_ok() && !IOC_CMDS.contains(&cmd) {
                    accepted += 1;
                    println!("KFUZZ-ANOMALY ioctls: unknown command {cmd:#x} accepted");
                }
            }
            1..=4 => {
                // a mutated LOAD
                let mut r = uapi::LoadReq::zeroed();
                let (wp, wl) = match rng.below(9) {
                    0..=3 => (base as u64, PASS_WASM.len() as u32),
                    4 => (tail as u64, PASS_WASM.len() as u32),
                    5 => (
                        base as u64,
                        rng.pick(&[
                            0u32,
                            1,
                            7,
                            9,
                            uapi::MAX_WASM_BYTES,
                            uapi::MAX_WASM_BYTES + 1,
                            u32::MAX,
                            len as u32,
                            len as u32 + 1,
                        ]),
                    ),
                    6 => (unmapped as u64, rng.below(64) as u32),
                    7 => (0xffff_ffff_8100_0000, 64),
                    _ => (rng.next_u64(), rng.next_u64() as u32),
                };
                r.wasm_ptr = wp;
                r.wasm_len = wl;
                r.hook = if rng.chance(7, 8) {
                    1 + rng.below(2) as u32
                } else {
                    rng.next_u64() as u32
                };
                r.fuel = rng.pick(&[
                    0u64,
                    1,
                    100_000,
                    uapi::MAX_KPROBE_FUEL,
                    uapi::MAX_KPROBE_FUEL + 1,
                    uapi::MAX_FUEL,
                    uapi::MAX_FUEL + 1,
                    u64::MAX,
                ]);
                r.mem_pages = rng.pick(&[0u32, 1, 16, 17, u32::MAX]);
                r.on_trap = rng.pick(&[0u32, 1, 2, 3, 4, u32::MAX]);
                r.flags = rng.pick(&[0u32, 0, 0, uapi::LOAD_REPLACE, 2, u32::MAX]);
                r.slot = if !own.is_empty() && rng.chance(1, 2) {
                    own[rng.below(own.len() as u64) as usize]
                } else {
                    let any = rng.next_u64() as u32;
                    rng.pick(&[0u32, 63, 64, 65, u32::MAX, any])
                };
                r.err_offset = rng.next_u64() as u32;
                r.pad = rng.next_u64() as u32;
                for b in r.name.iter_mut().chain(r.err.iter_mut()) {
                    *b = if rng.chance(1, 2) {
                        0
                    } else {
                        rng.next_u64() as u8
                    };
                }
                r.name[..2].copy_from_slice(b"io");
                let enc = r.encode();
                // the request itself: in our buffer, or ending in the guard page
                let at = if rng.chance(1, 6) {
                    end - rng.below(enc.len() as u64) as usize - 1
                } else {
                    base + 16384
                };
                let room = end.saturating_sub(at).min(enc.len());
                let off = at - base;
                arena.bytes()[off..off + room].copy_from_slice(&enc[..room]);
                if sys::ioctl(fd, uapi::IOC_LOAD, at).is_ok() {
                    loaded += 1;
                    if room < enc.len() {
                        println!(
                            "KFUZZ-ANOMALY ioctls: LOAD with a request cut by the guard page succeeded"
                        );
                    }
                    let b = arena.bytes();
                    // `slot` is bytes 36..40 of struct wh_load
                    let slot =
                        u32::from_le_bytes([b[off + 36], b[off + 37], b[off + 38], b[off + 39]]);
                    if r.flags & uapi::LOAD_REPLACE == 0 {
                        own.push(slot);
                    }
                }
            }
            5 => {
                // UNLOAD: our own slots, the churn loop's, or any id
                let ids = list(fd);
                let choice = rng.below(3);
                let own_id = choice == 0 && !own.is_empty();
                let id = match choice {
                    0 if own_id => own.remove(rng.below(own.len() as u64) as usize),
                    1 => ids
                        .iter()
                        .copied()
                        .find(|s| {
                            info(fd, *s)
                                .is_some_and(|i| uapi::fixed_str_get(&i.name).starts_with(b"churn"))
                        })
                        .unwrap_or(0),
                    _ => rng.next_u64() as u32,
                };
                let mut b = id.to_le_bytes();
                let good = rng.chance(5, 6);
                let p = if good {
                    b.as_mut_ptr() as usize
                } else {
                    ptr_pick(&mut rng, 4)
                };
                if sys::ioctl(fd, uapi::IOC_UNLOAD, p).is_err() && !good && own_id {
                    // the id never reached the kernel: still ours to unload
                    own.push(id);
                }
            }
            6 | 7 => {
                // INFO / STATS / LIST with live, stale and random ids and pointers
                let cmd = rng.pick(&[uapi::IOC_INFO, uapi::IOC_STATS, uapi::IOC_LIST]);
                let ids = list(fd);
                let id = if !ids.is_empty() && rng.chance(1, 2) {
                    ids[rng.below(ids.len() as u64) as usize].wrapping_add(rng.pick(&[
                        0u32,
                        0,
                        64,
                        0u32.wrapping_sub(64),
                        1,
                    ]))
                } else {
                    rng.next_u64() as u32
                };
                let p = ptr_pick(&mut rng, 300);
                if p >= base && p + 4 <= end {
                    arena.bytes()[p - base..p - base + 4].copy_from_slice(&id.to_le_bytes());
                }
                let _ = sys::ioctl(fd, cmd, p);
            }
            8 => {
                let mut buf = [0u8; 64];
                sys::odd_file_ops(fd, &mut buf);
            }
            _ => {
                // a fresh descriptor now and then; slots outlive the file that loaded them
                if rng.chance(1, 4) {
                    sys::close(fd);
                    fd = open_dev();
                }
            }
        }
        if own.len() > 4 {
            let s = own.remove(0);
            unload(fd, s);
        }
    }
    for s in own {
        unload(fd, s);
    }
    println!("KFUZZ-IOCTLS ops={ops} loads={loaded} unknown_accepted={accepted}");
}

/// BPF_PROG_TEST_RUN on the shared trampoline (the churn loop keeps changing what it runs).
fn traffic(dir: &str, tramps: &str, cpu: usize) {
    sys::pin_cpu(cpu);
    let t = Tramps::read(tramps);
    let pkts = packets(dir);
    let Some(&prog) = t.prog.get("shared") else {
        die("no shared trampoline")
    };
    let mut rng = Rng(cpu as u64 ^ 0x7472_6166);
    let (mut runs, mut bad) = (0u64, 0u64);
    while !stopped() {
        let p = &pkts[rng.below(pkts.len() as u64) as usize];
        match sys::test_run(prog, p, 20) {
            Ok(v) if v > 3 => {
                bad += 1;
                println!("KFUZZ-ANOMALY traffic: XDP verdict {v}");
            }
            Ok(_) => runs += 20,
            Err(_) => {}
        }
    }
    println!("KFUZZ-TRAFFIC cpu={cpu} packets={runs} bad_verdicts={bad}");
}

/// UDP datagrams of random sizes to ADDR:9 (from the peer namespace: veth0's XDP sees them).
fn udp(addr: &str, cpu: usize) {
    sys::pin_cpu(cpu);
    let sock = std::net::UdpSocket::bind("0.0.0.0:0").unwrap_or_else(|e| die(&e.to_string()));
    let mut rng = Rng(0x0075_6470);
    let buf: Vec<u8> = (0..1400).map(|_| rng.next_u64() as u8).collect();
    let (mut sent, mut errs) = (0u64, 0u64);
    while !stopped() {
        let n = rng.below(buf.len() as u64) as usize;
        match sock.send_to(&buf[..n], (addr, 9)) {
            Ok(_) => sent += 1,
            Err(_) => errs += 1,
        }
    }
    println!("KFUZZ-UDP sent={sent} errors={errs}");
}

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let arg = |k: usize| {
        a.get(k)
            .map(String::as_str)
            .unwrap_or_else(|| die("missing argument (see the source's header)"))
    };
    let num = |k: usize| {
        arg(k)
            .parse::<u64>()
            .unwrap_or_else(|_| die("not a number"))
    };
    match arg(0) {
        "run" => run(
            arg(1),
            arg(2),
            num(3),
            a.get(4).and_then(|v| v.parse().ok()),
        ),
        "churn" => churn(arg(1), arg(2), num(3)),
        "ioctls" => ioctls(num(1), a.get(2).and_then(|v| v.parse().ok()).unwrap_or(0)),
        "traffic" => traffic(arg(1), arg(2), num(3) as usize),
        "udp" => udp(arg(1), num(2) as usize),
        other => die(&format!("unknown command {other}")),
    }
}

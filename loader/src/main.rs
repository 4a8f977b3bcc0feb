//! `wasmload`: run WebAssembly hooks in user space or load them into the wasmhook kernel module.
//!
//! ```text
//! wasmload attach --xdp veth0 icmp.wat              # slot + trampoline + XDP link, pinned
//! wasmload attach --kprobe __x64_sys_sync count.wat
//! wasmload attach --kretprobe do_sys_openat2 open_errors.wat   # kprobe_ret() = return value
//! wasmload attach --tc veth0 --direction ingress udp_drop.wat   # tcx link, pinned
//! wasmload attach --uprobe /usr/bin/bash:readline count.wat   # a user-space function
//! wasmload list | stats NAME | detach NAME
//! wasmload test --xdp icmp.wat --packet 0011...     # verdicts, here or with --kernel
//! wasmload test --tc udp_drop.wat --packet 0011...  # tc verdicts (OK / SHOT)
//! wasmload run filter.wasm --invoke xdp 64          # run an export with the engine, here
//! wasmload slot load filter.wasm --hook xdp         # validate + instantiate in the kernel
//! wasmload slot list | info N | stats N | unload N
//! ```

mod attach;
mod bpf;
mod dev;
mod events;
mod hookfile;
mod kfunc;
mod mapcheck;
mod run;
mod test;
mod tracefs;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use wasmhook_hook_abi::{HookKind, tc_verdict, uapi, verdict};

/// Load WebAssembly programs into the Linux kernel as XDP, tc and kprobe hooks.
///
/// wasmload talks to the wasmhook kernel module through /dev/wasmhook. The module validates
/// and compiles each Wasm program in the kernel, runs one instance per CPU under a fuel bound,
/// and is called by small eBPF trampolines through kfuncs.
///
/// A typical session:
///
///   insmod wasmhook.ko
///   wasmload test --xdp xdp_icmp.wat --packet 00...   # try it on a packet, in user space
///   wasmload attach --xdp veth0 xdp_icmp.wat          # maps policy, counts get pinned
///   wasmload list                                     # what is attached, prog ids, map ids
///   bpftool map update pinned /sys/fs/bpf/wasmload/xdp_icmp/maps/policy \
///       key 0 0 0 0 value 1 0 0 0                     # the hook now drops pings
///   bpftool map dump pinned /sys/fs/bpf/wasmload/xdp_icmp/maps/counts
///   wasmload stats xdp_icmp
///   wasmload detach xdp_icmp
#[derive(Parser, Debug)]
#[command(
    name = "wasmload",
    version,
    propagate_version = true,
    verbatim_doc_comment
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Instantiate a module in user space with the same engine as the kernel and call an export.
    ///
    /// Arguments are parsed by the export's parameter types (integers in signed decimal, floats
    /// in decimal). Results print one per line. A trap prints `trap: REASON` and exits 1; a
    /// decode or validation error prints its byte offset and exits 2.
    Run {
        /// The module (.wasm, or .wat text).
        file: PathBuf,
        /// Export to call.
        #[arg(long)]
        invoke: String,
        /// Fuel for the call (instructions, roughly); running out is a trap.
        #[arg(long, default_value_t = u64::MAX / 2)]
        fuel: u64,
        /// Arguments for the export.
        #[arg(allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Load a hook into the module and attach it to an interface (XDP, tc), a kernel function
    /// (kprobe at its entry, kretprobe at its return) or a user-space function (uprobe).
    ///
    /// FILE is a .wasm, a .wat, or a hook object (.o) from `wasm2hook build`. The hook's maps
    /// (its `wasmhook.maps` section) are created and pinned, or bound to existing pinned maps
    /// with --map. Everything is pinned under /sys/fs/bpf/wasmload/NAME/ (prog, link, map_cfg,
    /// maps/<name>), so the attachment outlives wasmload; on any failure nothing is left behind.
    ///
    ///   wasmload attach --xdp veth0 --mode skb icmp.wat
    ///   wasmload attach --kprobe __x64_sys_sync --name syncs count.wat
    ///   wasmload attach --kretprobe do_sys_openat2 open_errors.wat
    ///   wasmload attach --tc veth0 --direction egress --on-trap drop acct.wasm
    ///   wasmload attach --uprobe /usr/lib/x86_64-linux-gnu/libc.so.6:malloc allocs.wasm
    ///   wasmload attach --tracepoint sched:sched_process_exec --verbose execs.wasm
    ///   wasmload attach --raw-tracepoint sys_enter syscalls.wasm
    ///   wasmload attach --xdp eth0 --map policy=/sys/fs/bpf/shared_policy filter.wasm
    #[command(verbatim_doc_comment)]
    #[command(group(clap::ArgGroup::new("target").required(true)))]
    Attach {
        /// Attach as XDP to this network interface.
        #[arg(long, value_name = "IFACE", group = "target")]
        xdp: Option<String>,
        /// XDP mode: skb (generic, any interface) or native (driver).
        #[arg(long, value_enum, requires = "xdp")]
        mode: Option<Mode>,
        /// Attach as a kprobe on this kernel function (see /proc/kallsyms).
        #[arg(long, value_name = "SYMBOL", group = "target")]
        kprobe: Option<String>,
        /// Attach as a kretprobe on this kernel function: the kprobe hook runs when it returns,
        /// and `kprobe_ret()` is its return value.
        #[arg(long, value_name = "SYMBOL", group = "target")]
        kretprobe: Option<String>,
        /// Attach as a uprobe on function SYMBOL (or SYMBOL+OFFSET) of the ELF file BINARY (an
        /// executable or shared library): the kprobe hook runs whenever any process calls it,
        /// `kprobe_arg(n)` are the function's arguments (its user registers), the task helpers
        /// give the caller. Needs the same capabilities as a kprobe hook.
        #[arg(long, value_name = "BINARY:SYMBOL", group = "target")]
        uprobe: Option<String>,
        /// Attach as a tc (sched_cls) program to this network interface, through a tcx link
        /// (Linux 6.6+, CONFIG_NET_XGRESS; no clsact qdisc needed). Needs --direction.
        #[arg(long, value_name = "IFACE", group = "target")]
        tc: Option<String>,
        /// tc direction: packets the interface receives (ingress) or sends (egress).
        #[arg(long, value_enum, requires = "tc")]
        direction: Option<Direction>,
        /// Attach as a classic tracepoint hook on CATEGORY:NAME (see
        /// /sys/kernel/tracing/events/): the hook's entry `tracepoint` runs for every event and
        /// reads the trace record with `ctx_read`. Needs the same capabilities as a kprobe hook.
        #[arg(long, value_name = "CATEGORY:NAME", group = "target")]
        tracepoint: Option<String>,
        /// Attach as a raw tracepoint hook on NAME (e.g. sys_enter, sched_switch): the hook's
        /// entry `tracepoint` runs with the tracepoint's arguments as its record, u64 each
        /// (argument i is ctx_read(8 * i, dst, 8); the count comes from the kernel's BTF,
        /// --verbose prints it). Arguments that are kernel pointers are addresses, not data.
        #[arg(long, value_name = "NAME", group = "target")]
        raw_tracepoint: Option<String>,
        /// Print the tracepoint's record layout (field offsets and sizes) before attaching.
        #[arg(long, short)]
        verbose: bool,
        /// Attachment and slot name (default: the file name up to its first dot), 1-15 of
        /// [A-Za-z0-9_-].
        #[arg(long)]
        name: Option<String>,
        /// Fuel per run; a run that uses it up traps.
        #[arg(long, default_value_t = uapi::DEFAULT_FUEL)]
        fuel: u64,
        /// Verdict when the hook traps: pass (XDP_PASS / TC_ACT_OK), drop (XDP_DROP /
        /// TC_ACT_SHOT) or aborted (XDP only).
        #[arg(long, value_enum, default_value = "pass")]
        on_trap: OnTrap,
        /// Use the pinned map PIN for declared map NAME (type, key and value sizes are checked).
        #[arg(long = "map", value_name = "NAME=PIN")]
        maps: Vec<String>,
        /// Seed declared map NAME before the hook goes live: KEY=VALUE for keyed maps, VALUE for a
        /// queue, stack or bloom filter. Numbers are little-endian in the declared size (123,
        /// 0x7b); hex:BYTES gives raw bytes. A per-CPU map gets VALUE on every CPU. Not for maps
        /// bound with --map (seed those with bpftool map update).
        #[arg(long = "map-value", num_args = 2, value_names = ["NAME", "KEY=VALUE"])]
        map_value: Vec<String>,
        /// The hook.
        file: PathBuf,
    },
    /// One line per attachment (name, kind, target, prog id, link id, slot, maps), from the pins.
    List {
        /// JSON for machines.
        #[arg(long)]
        json: bool,
    },
    /// Counters of an attachment: the slot's runs/traps/fuel, and the program's run_cnt.
    Stats { name: String },
    /// Stream the records an attached hook emits with `ringbuf_output`, one line each.
    ///
    /// The hook declares a ringbuf map (Rust SDK `events: RingBuf<Event> [65536]`; C
    /// X(events, WH_MAP_RINGBUF, 0, 0, 65536) in its WASMHOOK_MAPS list); it is pinned at
    /// /sys/fs/bpf/wasmload/NAME/maps/events, where any ring buffer consumer (libbpf's
    /// ring_buffer__poll, aya's RingBuf) reads the same records.
    ///
    ///   wasmload events execs
    ///   wasmload events execs --fields pid:u32,ppid:u32,comm:str16 --json
    ///   wasmload events execs --count 10 --timeout 5
    #[command(verbatim_doc_comment)]
    Events {
        /// The attachment (as given to `attach --name`; `wasmload list` shows them).
        name: String,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
        /// Decode each record as these fields in order, little-endian, no padding:
        /// NAME:TYPE,... with TYPE u8 u16 u32 u64 i32 i64 strN (NUL-padded) or hexN (raw).
        /// Without it a record prints as its length and hex bytes.
        #[arg(long, value_name = "NAME:TYPE,...")]
        fields: Option<String>,
        /// Stop after this many records.
        #[arg(long, value_name = "N")]
        count: Option<u64>,
        /// Stop after this many seconds.
        #[arg(long, value_name = "SECS")]
        timeout: Option<f64>,
    },
    /// Detach an attachment, unpin everything, unload its slot.
    Detach { name: String },
    /// Run an XDP or tc hook on packets and print each verdict (`packet 1: DROP`, `packet 1: SHOT`),
    /// or a tracepoint hook on trace records (`record 1: ran`).
    ///
    /// In user space by default (the kernel's engine and host functions, in-memory maps per the
    /// hook's declarations, maps start empty); with --kernel through the module, the trampoline
    /// and BPF_PROG_TEST_RUN (nothing stays loaded afterwards).
    ///
    ///   wasmload test --xdp icmp.wat --packet "$(xxd -p ping.bin)"
    ///   wasmload test --xdp icmp.wat --pcap capture.pcap --kernel
    ///   wasmload test --tc udp_drop.wat --packet "$(xxd -p udp.bin)" --kernel
    ///   wasmload test --xdp filter.wat --map-value policy 0=2 --map-value cidrs hex:180000000a0000=1 --packet ...
    #[command(verbatim_doc_comment)]
    #[command(group(clap::ArgGroup::new("hook").required(true)))]
    Test {
        /// An XDP hook (.wasm, .wat or hook object).
        #[arg(long, value_name = "FILE", group = "hook")]
        xdp: Option<PathBuf>,
        /// A tc hook (.wasm, .wat or hook object); the packet is the skb from the Ethernet
        /// header on, as tc ingress and egress see it.
        #[arg(long, value_name = "FILE", group = "hook")]
        tc: Option<PathBuf>,
        /// A tracepoint hook (.wasm, .wat or hook object), run in user space on each --record
        /// (the kernel has no BPF_PROG_TEST_RUN for tracepoint programs: attach it to see it
        /// run there). Prints `record N: ran` and the ring buffer records it emitted.
        #[arg(long, value_name = "FILE", group = "hook")]
        tracepoint: Option<PathBuf>,
        /// A trace record as hex, laid out as the event's format file says (`wasmload attach
        /// --tracepoint CAT:NAME --verbose` prints the offsets); repeatable.
        #[arg(long, value_name = "HEX", requires = "tracepoint")]
        record: Vec<String>,
        /// A packet as hex (Ethernet frame); repeatable.
        #[arg(long, value_name = "HEX")]
        packet: Vec<String>,
        /// Packets from a classic pcap file.
        #[arg(long, value_name = "FILE")]
        pcap: Option<PathBuf>,
        /// Run in the kernel (needs the module loaded and root).
        #[arg(long)]
        kernel: bool,
        /// Fuel per run.
        #[arg(long, default_value_t = uapi::DEFAULT_FUEL)]
        fuel: u64,
        /// Verdict when the hook traps.
        #[arg(long, value_enum, default_value = "pass")]
        on_trap: OnTrap,
        /// Seed declared map NAME before the run (user space; repeatable): KEY=VALUE, or just
        /// VALUE (pushed) for a queue, stack or bloom filter. KEY and VALUE are each a decimal
        /// or 0x-hex unsigned integer, stored little-endian in the declared size (it must fit),
        /// or hex:BYTES, exactly the declared size in this byte order (lpm_trie keys:
        /// hex:PREFIXLEN_LE32 then the data, e.g. hex:180000000a0000 for 10.0.0.0/24).
        #[arg(long = "map-value", num_args = 2, value_names = ["NAME", "KEY=VALUE"])]
        map_value: Vec<String>,
    },
    /// Low-level: manage the kernel module's program slots directly.
    #[command(subcommand)]
    Slot(SlotCmd),
    /// Debugging aids for the kernel tests.
    #[command(subcommand, hide = true)]
    Debug(DebugCmd),
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum Hook {
    Xdp,
    Kprobe,
    Tc,
    Tracepoint,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    /// Packets the interface receives.
    Ingress,
    /// Packets the interface sends.
    Egress,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum Mode {
    /// Generic XDP (works on any interface).
    Skb,
    /// Native (driver) XDP.
    Native,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum OnTrap {
    Aborted,
    Drop,
    Pass,
}

#[derive(Subcommand, Debug)]
enum SlotCmd {
    /// Validate a Wasm hook in the kernel, instantiate it on every CPU and print its slot id.
    Load {
        /// The hook (.wasm, or .wat text).
        file: PathBuf,
        /// Hook kind: decides the entry export (`xdp`, `kprobe` or `tc`).
        #[arg(long, value_enum, default_value = "xdp")]
        hook: Hook,
        /// Fuel per run; a run that uses it up traps.
        #[arg(long, default_value_t = uapi::DEFAULT_FUEL)]
        fuel: u64,
        /// Verdict returned when the program traps (XDP and tc).
        #[arg(long, value_enum, default_value = "pass")]
        on_trap: OnTrap,
        /// Linear memory limit per instance, in 64 KiB pages.
        #[arg(long, default_value_t = uapi::DEFAULT_MEM_PAGES)]
        mem_pages: u32,
        /// Name shown by `slot list` (15 bytes at most).
        #[arg(long)]
        name: Option<String>,
        /// Replace the program in this slot atomically (running trampolines switch over).
        #[arg(long)]
        replace: Option<u32>,
    },
    /// Unload a slot (fails while nothing else refers to it is not checked: detach first).
    Unload { slot: u32 },
    /// One line per loaded slot.
    List,
    /// Settings and memory sizes of a slot.
    Info { slot: u32 },
    /// Run counters of a slot.
    Stats { slot: u32 },
}

#[derive(Subcommand, Debug)]
enum DebugCmd {
    /// Send malformed ioctls to /dev/wasmhook; exit 0 if every one was refused with an errno.
    GarbageIoctls,
}

/// Reads a module file; `.wat` files are converted to binary.
pub fn read_module(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if path.extension().is_some_and(|e| e == "wat") {
        return wat::parse_bytes(&bytes)
            .map(|b| b.into_owned())
            .with_context(|| format!("{}: not valid WebAssembly text", path.display()));
    }
    Ok(bytes)
}

/// `--name`, else the file name up to its first dot (`icmp.bpf.o` -> `icmp`; bpffs refuses dots).
fn name_of(path: &Path, name: Option<String>) -> String {
    name.unwrap_or_else(|| {
        path.file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
            .split('.')
            .next()
            .unwrap_or_default()
            .to_owned()
    })
}

fn slot_cmd(cmd: SlotCmd) -> Result<()> {
    let dev = dev::Device::open()?;
    match cmd {
        SlotCmd::Load {
            file,
            hook,
            fuel,
            on_trap,
            mem_pages,
            name,
            replace,
        } => {
            let wasm = read_module(&file)?;
            let hook = match hook {
                Hook::Xdp => HookKind::Xdp,
                Hook::Kprobe => HookKind::Kprobe,
                Hook::Tc => HookKind::Tc,
                Hook::Tracepoint => HookKind::Tracepoint,
            };
            let on_trap = trap_verdict(hook, on_trap)? as u32;
            let opts = dev::LoadOpts {
                hook,
                fuel,
                on_trap,
                mem_pages,
                name: name_of(&file, name),
                replace,
            };
            let slot = dev.load(&file.display().to_string(), &wasm, &opts)?;
            println!("{slot}");
        }
        SlotCmd::Unload { slot } => dev.unload(slot)?,
        SlotCmd::List => {
            for slot in dev.list()? {
                let i = dev.info(slot)?;
                println!(
                    "{slot}: {} name {} fuel {} on_trap {} wasm {}B code {}B instance {}B x {} cpus",
                    hook_name(i.hook),
                    String::from_utf8_lossy(uapi::fixed_str_get(&i.name)),
                    i.fuel,
                    i.on_trap,
                    i.wasm_len,
                    i.module_bytes,
                    i.instance_bytes,
                    i.ncpus
                );
            }
        }
        SlotCmd::Info { slot } => {
            let i = dev.info(slot)?;
            println!("slot {slot}");
            println!(
                "  name            {}",
                String::from_utf8_lossy(uapi::fixed_str_get(&i.name))
            );
            println!("  hook            {}", hook_name(i.hook));
            println!("  fuel per run    {}", i.fuel);
            println!("  trap verdict    {}", i.on_trap);
            println!("  memory limit    {} pages", i.mem_pages);
            println!("  wasm size       {} bytes", i.wasm_len);
            println!("  code            {} bytes (shared)", i.module_bytes);
            println!(
                "  instance        {} bytes per CPU x {} CPUs",
                i.instance_bytes, i.ncpus
            );
        }
        SlotCmd::Stats { slot } => {
            let s = dev.stats(slot)?;
            let avg = dev::avg_ns(&s);
            println!(
                "slot {slot}: runs {} traps {} out_of_fuel {} busy {} total_ns {} avg_ns {avg}",
                s.runs, s.traps, s.out_of_fuel, s.busy, s.total_ns
            );
            if s.timed_runs == 0 && s.runs > 0 {
                println!(
                    "  (run times are measured while kernel.bpf_stats_enabled=1, as for BPF programs)"
                );
            }
        }
    }
    Ok(())
}

fn hook_name(v: u32) -> &'static str {
    HookKind::from_u32(v).map_or("?", HookKind::name)
}

/// Sends malformed requests; every one must fail with an errno and none may succeed.
fn garbage_ioctls() -> Result<()> {
    let dev = dev::Device::open()?;
    let mut failures = 0;
    let mut check = |what: &str, res: std::io::Result<()>| match res {
        Ok(()) => {
            println!("garbage: {what}: ACCEPTED (bug)");
            failures += 1;
        }
        Err(e) => println!("garbage: {what}: refused ({e})"),
    };
    let mut big = [0u8; 4096];
    // Unknown commands, including ones with our magic and other sizes.
    for cmd in [
        0u32,
        0xdead_beef,
        0xc0b7_0063,
        uapi::IOC_LOAD ^ (1 << 16),
        uapi::IOC_INFO + 100,
    ] {
        check(
            &format!("unknown cmd {cmd:#x}"),
            dev.ioctl_raw(cmd, big.as_mut_ptr()),
        );
    }
    // Bad argument pointers.
    for ptr in [0usize, 1, 0xffff_ffff_8100_0000, usize::MAX - 7] {
        check(
            &format!("LOAD with arg {ptr:#x}"),
            dev.ioctl_raw(uapi::IOC_LOAD, ptr as *mut u8),
        );
        check(
            &format!("INFO with arg {ptr:#x}"),
            dev.ioctl_raw(uapi::IOC_INFO, ptr as *mut u8),
        );
    }
    // LOAD with bad lengths and wasm pointers.
    let wasm = [0u8, b'a', b's', b'm', 1, 0, 0, 0];
    let cases: [(&str, u64, u32, u32); 6] = [
        ("zero length", wasm.as_ptr() as u64, 0, 1),
        (
            "length over the maximum",
            wasm.as_ptr() as u64,
            uapi::MAX_WASM_BYTES + 1,
            1,
        ),
        ("length u32::MAX", wasm.as_ptr() as u64, u32::MAX, 1),
        ("wasm pointer into the kernel", 0xffff_ffff_8100_0000, 8, 1),
        ("wasm pointer NULL", 0, 8, 1),
        ("unknown hook kind", wasm.as_ptr() as u64, 8, 77),
    ];
    for (what, ptr, len, hook) in cases {
        let mut req = uapi::LoadReq::zeroed();
        req.wasm_ptr = ptr;
        req.wasm_len = len;
        req.hook = hook;
        let mut b = req.encode();
        check(
            &format!("LOAD {what}"),
            dev.ioctl_raw(uapi::IOC_LOAD, b.as_mut_ptr()),
        );
    }
    // Settings out of range on a valid (empty) module.
    for (what, fuel, pages, flags, on_trap) in [
        ("fuel over the maximum", uapi::MAX_FUEL + 1, 1, 0, 2),
        (
            "memory over the maximum",
            1000,
            uapi::MAX_MEM_PAGES + 1,
            0,
            2,
        ),
        ("unknown flags", 1000, 1, 0x80, 2),
        ("invalid trap verdict", 1000, 1, 0, 99),
    ] {
        let mut req = uapi::LoadReq::zeroed();
        req.wasm_ptr = wasm.as_ptr() as u64;
        req.wasm_len = wasm.len() as u32;
        req.hook = 1;
        req.fuel = fuel;
        req.mem_pages = pages;
        req.flags = flags;
        req.on_trap = on_trap;
        let mut b = req.encode();
        check(
            &format!("LOAD {what}"),
            dev.ioctl_raw(uapi::IOC_LOAD, b.as_mut_ptr()),
        );
    }
    // Slot ids that do not exist: generation 0 is never handed out, and the last id of the
    // last generation is not reached in a test run.
    for slot in [0, uapi::MAX_SLOTS - 1, u32::MAX] {
        let mut b = slot.to_le_bytes();
        check(
            &format!("UNLOAD slot {slot}"),
            dev.ioctl_raw(uapi::IOC_UNLOAD, b.as_mut_ptr()),
        );
        let mut b = uapi::Stats {
            slot,
            ..Default::default()
        }
        .encode();
        check(
            &format!("STATS slot {slot}"),
            dev.ioctl_raw(uapi::IOC_STATS, b.as_mut_ptr()),
        );
    }
    if failures > 0 {
        bail!("{failures} malformed requests were accepted");
    }
    println!("garbage: all refused");
    Ok(())
}

/// The wire value of `--on-trap` for a hook of `kind` (a kprobe's result is ignored: 0).
fn trap_verdict(kind: HookKind, t: OnTrap) -> Result<i32> {
    Ok(match (kind, t) {
        (HookKind::Kprobe | HookKind::Tracepoint, _) => 0,
        (HookKind::Xdp, OnTrap::Aborted) => verdict::ABORTED,
        (HookKind::Xdp, OnTrap::Drop) => verdict::DROP,
        (HookKind::Xdp, OnTrap::Pass) => verdict::PASS,
        (HookKind::Tc, OnTrap::Drop) => tc_verdict::SHOT,
        (HookKind::Tc, OnTrap::Pass) => tc_verdict::OK,
        (HookKind::Tc, OnTrap::Aborted) => {
            bail!(
                "--on-trap aborted is an XDP verdict; a tc hook takes pass (TC_ACT_OK) or drop (TC_ACT_SHOT)"
            )
        }
    })
}

#[expect(clippy::too_many_arguments, reason = "one argument per CLI flag")]
fn attach_cmd(
    xdp: Option<String>,
    mode: Option<Mode>,
    kprobe: Option<String>,
    kretprobe: Option<String>,
    uprobe: Option<String>,
    tc: Option<(String, Option<Direction>)>,
    tracepoint: Option<String>,
    raw_tracepoint: Option<String>,
    verbose: bool,
    name: Option<String>,
    fuel: u64,
    on_trap: OnTrap,
    maps: Vec<String>,
    map_value: Vec<String>,
    file: PathBuf,
) -> Result<()> {
    if let Some(spec) = &uprobe
        && (xdp.is_some() || kprobe.is_some() || kretprobe.is_some() || tc.is_some())
    {
        bail!("--uprobe {spec}: give only one of --xdp, --tc, --kprobe, --kretprobe, --uprobe");
    }
    if let Some(spec) = &tracepoint
        && (xdp.is_some()
            || kprobe.is_some()
            || kretprobe.is_some()
            || tc.is_some()
            || uprobe.is_some())
    {
        bail!(
            "--tracepoint {spec}: give only one of --xdp, --tc, --kprobe, --kretprobe, --uprobe, \
             --tracepoint"
        );
    }
    let target = match (xdp, kprobe, kretprobe, tc) {
        (None, None, None, None) if raw_tracepoint.is_some() => {
            let name = raw_tracepoint.unwrap_or_default();
            // Checked (and its arguments counted) before anything is loaded.
            let nargs = tracefs::raw_tp_nargs(&name)?;
            if verbose {
                eprintln!(
                    "raw tracepoint {name}: {nargs} arguments, u64 each, at record offsets 0, 8, ..."
                );
            }
            attach::Target::RawTracepoint { name, nargs }
        }
        (None, None, None, None) if tracepoint.is_some() => {
            let spec = tracepoint.unwrap_or_default();
            // Checked (and its layout read) before anything is loaded.
            let format = tracefs::read(&spec)?;
            if verbose {
                eprint!("{}", format.layout());
            }
            attach::Target::Tracepoint { spec, format }
        }
        (None, None, None, None) if uprobe.is_some() => {
            let spec = uprobe.unwrap_or_default();
            match spec.rsplit_once(':') {
                Some((binary, symbol)) if !binary.is_empty() && !symbol.is_empty() => {
                    attach::Target::Uprobe {
                        binary: PathBuf::from(binary),
                        symbol: symbol.to_owned(),
                    }
                }
                _ => bail!("--uprobe {spec}: want BINARY:SYMBOL (e.g. /usr/bin/bash:readline)"),
            }
        }
        (Some(iface), None, None, None) => attach::Target::Xdp {
            iface,
            mode: match mode {
                Some(Mode::Skb) => aya::programs::XdpMode::Skb,
                Some(Mode::Native) => aya::programs::XdpMode::Driver,
                None => aya::programs::XdpMode::Default,
            },
        },
        (None, Some(symbol), None, None) => attach::Target::Kprobe { symbol },
        (None, None, Some(symbol), None) => attach::Target::Kretprobe { symbol },
        (None, None, None, Some((iface, direction))) => {
            let Some(direction) = direction else {
                bail!("--tc {iface}: give --direction ingress or --direction egress");
            };
            attach::Target::Tc {
                iface,
                direction: match direction {
                    Direction::Ingress => aya::programs::TcAttachType::Ingress,
                    Direction::Egress => aya::programs::TcAttachType::Egress,
                },
            }
        }
        _ => bail!(
            "give exactly one of --xdp IFACE, --tc IFACE, --kprobe SYMBOL, --kretprobe SYMBOL, \
             --uprobe BINARY:SYMBOL, --tracepoint CATEGORY:NAME or --raw-tracepoint NAME"
        ),
    };
    let mut binds = Vec::new();
    for m in maps {
        let Some((n, p)) = m.split_once('=') else {
            bail!("--map {m}: want NAME=PIN (e.g. policy=/sys/fs/bpf/my_policy)");
        };
        binds.push((n.to_owned(), PathBuf::from(p)));
    }
    let on_trap = trap_verdict(target.kind(), on_trap)? as u32;
    let hook = hookfile::read(&file)?;
    let seeds =
        test::map_values(&hook.maps, &map_value).with_context(|| file.display().to_string())?;
    attach::attach(
        &file,
        &hook,
        &attach::AttachOpts {
            name: name_of(&file, name),
            target,
            fuel,
            on_trap,
            binds,
            seeds,
        },
    )
}

#[expect(clippy::too_many_arguments, reason = "one argument per CLI flag")]
fn test_cmd(
    xdp: Option<PathBuf>,
    tc: Option<PathBuf>,
    packet: Vec<String>,
    pcap: Option<PathBuf>,
    kernel: bool,
    fuel: u64,
    on_trap: OnTrap,
    map_value: Vec<String>,
) -> Result<()> {
    let (kind, file) = match (xdp, tc) {
        (Some(f), None) => (HookKind::Xdp, f),
        (None, Some(f)) => (HookKind::Tc, f),
        _ => bail!("give exactly one of --xdp FILE or --tc FILE"),
    };
    let hook = hookfile::read(&file)?;
    let pkts = test::packets(&packet, pcap.as_deref())?;
    let v = trap_verdict(kind, on_trap)?;
    let seeds =
        test::map_values(&hook.maps, &map_value).with_context(|| file.display().to_string())?;
    if kernel && !seeds.is_empty() {
        bail!("--map-value seeds user-space runs only (not with --kernel)");
    }
    let runs = if kernel {
        test::run_kernel(kind, &file, &hook, fuel, v as u32, &pkts)?
            .into_iter()
            .map(|verdict| test::RunOut {
                verdict,
                events: Vec::new(),
                trapped: false,
            })
            .collect()
    } else {
        test::run_user_seeded(kind, &file, &hook, fuel, v, &pkts, &seeds)?
    };
    for (i, r) in runs.iter().enumerate() {
        println!(
            "packet {}: {}",
            i + 1,
            test::verdict_name(kind, i64::from(r.verdict))
        );
        for (m, data) in &r.events {
            let name = hook.maps.get(*m as usize).map_or("?", |d| d.name());
            let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
            println!("  event {name} len={}: {hex}", data.len());
        }
    }
    Ok(())
}

/// `wasmload test --tracepoint FILE --record HEX...`: user space only.
fn test_tracepoint(
    file: &Path,
    records: &[String],
    packets: &[String],
    kernel: bool,
    fuel: u64,
    map_value: &[String],
) -> Result<()> {
    if kernel {
        bail!(
            "--tracepoint runs in user space only: the kernel has no BPF_PROG_TEST_RUN for \
             tracepoint programs (attach it with `wasmload attach --tracepoint CAT:NAME`)"
        );
    }
    if !packets.is_empty() {
        bail!("a tracepoint hook reads trace records: give them with --record HEX, not --packet");
    }
    if records.is_empty() {
        bail!(
            "give at least one --record HEX (the trace record, as the event's format lays it out)"
        );
    }
    let hook = hookfile::read(file)?;
    let recs = test::packets(records, None).context("--record")?;
    let seeds =
        test::map_values(&hook.maps, map_value).with_context(|| file.display().to_string())?;
    let runs = test::run_user_seeded(HookKind::Tracepoint, file, &hook, fuel, 0, &recs, &seeds)?;
    for (i, r) in runs.iter().enumerate() {
        println!(
            "record {}: {}",
            i + 1,
            if r.trapped { "trapped" } else { "ran" }
        );
        for (m, data) in &r.events {
            let name = hook.maps.get(*m as usize).map_or("?", |d| d.name());
            let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
            println!("  event {name} len={}: {hex}", data.len());
        }
    }
    Ok(())
}

fn events_cmd(
    name: String,
    json: bool,
    fields: Option<String>,
    count: Option<u64>,
    timeout: Option<f64>,
) -> Result<()> {
    let fields = fields.as_deref().map(events::parse_fields).transpose()?;
    let timeout = match timeout {
        Some(t) if t.is_finite() && t > 0.0 => Some(std::time::Duration::from_secs_f64(t)),
        Some(t) => bail!("--timeout {t}: want a number of seconds above 0"),
        None => None,
    };
    events::events(&events::EventsOpts {
        name,
        json,
        fields,
        count,
        timeout,
    })
}

fn main() -> ExitCode {
    // A closed pipe (`wasmload stats | head -1`) ends us quietly, as it does any Unix tool,
    // instead of a panic in println!.
    // SAFETY: called before any thread exists; SIG_DFL is a valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let res = match cli.cmd {
        Cmd::Run {
            file,
            invoke,
            fuel,
            args,
        } => return run::run(&file, &invoke, fuel, &args),
        Cmd::Attach {
            xdp,
            mode,
            kprobe,
            kretprobe,
            uprobe,
            tc,
            direction,
            tracepoint,
            raw_tracepoint,
            verbose,
            name,
            fuel,
            on_trap,
            maps,
            map_value,
            file,
        } => attach_cmd(
            xdp,
            mode,
            kprobe,
            kretprobe,
            uprobe,
            tc.map(|t| (t, direction)),
            tracepoint,
            raw_tracepoint,
            verbose,
            name,
            fuel,
            on_trap,
            maps,
            map_value,
            file,
        ),
        Cmd::List { json } => attach::list(json),
        Cmd::Stats { name } => attach::stats(&name),
        Cmd::Events {
            name,
            json,
            fields,
            count,
            timeout,
        } => events_cmd(name, json, fields, count, timeout),
        Cmd::Detach { name } => attach::detach(&name),
        Cmd::Test {
            xdp,
            tc,
            tracepoint,
            record,
            packet,
            pcap,
            kernel,
            fuel,
            on_trap,
            map_value,
        } => match tracepoint {
            Some(file) => test_tracepoint(&file, &record, &packet, kernel, fuel, &map_value),
            None => test_cmd(xdp, tc, packet, pcap, kernel, fuel, on_trap, map_value),
        },
        Cmd::Slot(cmd) => slot_cmd(cmd),
        Cmd::Debug(DebugCmd::GarbageIoctls) => garbage_ioctls(),
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wasmload: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_stop_at_the_first_dot() {
        assert_eq!(name_of(Path::new("/w/xdp_icmp.wat"), None), "xdp_icmp");
        assert_eq!(name_of(Path::new("hook.bpf.o"), None), "hook");
        assert_eq!(name_of(Path::new("x.wasm"), Some("y".into())), "y");
    }
}

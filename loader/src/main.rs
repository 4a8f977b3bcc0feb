//! `wasmload`: run WebAssembly hooks in user space or load them into the wasmhook kernel module.
//!
//! ```text
//! wasmload run filter.wasm --invoke xdp 64          # run an export with the engine, here
//! wasmload slot load filter.wasm --hook xdp         # validate + instantiate in the kernel
//! wasmload slot list | info N | stats N | unload N
//! ```

mod dev;
mod run;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use wasmhook_hook_abi::{HookKind, uapi, verdict};

/// Load WebAssembly programs into the Linux kernel as XDP and kprobe hooks.
///
/// wasmload talks to the wasmhook kernel module through /dev/wasmhook. The module validates
/// and compiles each Wasm program in the kernel, runs one instance per CPU under a fuel bound,
/// and is called by small eBPF trampolines through kfuncs.
#[derive(Parser, Debug)]
#[command(name = "wasmload", version, propagate_version = true)]
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
        /// Hook kind: decides the entry export (`xdp` or `kprobe`).
        #[arg(long, value_enum, default_value = "xdp")]
        hook: Hook,
        /// Fuel per run; a run that uses it up traps.
        #[arg(long, default_value_t = uapi::DEFAULT_FUEL)]
        fuel: u64,
        /// Verdict returned when the program traps (XDP).
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

fn name_of(path: &Path, name: Option<String>) -> String {
    name.unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
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
            };
            let on_trap = match (hook, on_trap) {
                (HookKind::Kprobe, _) => 0,
                (_, OnTrap::Aborted) => verdict::ABORTED,
                (_, OnTrap::Drop) => verdict::DROP,
                (_, OnTrap::Pass) => verdict::PASS,
            } as u32;
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
            let avg = s.total_ns.checked_div(s.runs).unwrap_or(0);
            println!(
                "slot {slot}: runs {} traps {} out_of_fuel {} busy {} total_ns {} avg_ns {avg}",
                s.runs, s.traps, s.out_of_fuel, s.busy, s.total_ns
            );
        }
    }
    Ok(())
}

fn hook_name(v: u32) -> &'static str {
    match HookKind::from_u32(v) {
        Some(HookKind::Xdp) => "xdp",
        Some(HookKind::Kprobe) => "kprobe",
        None => "?",
    }
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
    // Slot ids that do not exist.
    for slot in [uapi::MAX_SLOTS - 1, uapi::MAX_SLOTS, u32::MAX] {
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let res = match cli.cmd {
        Cmd::Run {
            file,
            invoke,
            fuel,
            args,
        } => return run::run(&file, &invoke, fuel, &args),
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

//! `wasm2hook`: check, package and inspect wasmhook hooks.
//!
//! ```text
//! wasm2hook check hook.wasm [--hook xdp|tc|kprobe|tracepoint]   validate against the Hook ABI (v2)
//! wasm2hook build hook.wasm -o hook.o [--hook ...]   eBPF ELF object: trampoline + Wasm
//! wasm2hook inspect hook.wasm|hook.o [--json]        entry, imports, maps, memory, sizes
//! ```
//! The object format is described in `docs/hook-object.md`.

mod check;
mod elf;
mod inspect;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wasmhook_hook_abi::HookKind;

/// Section of a hook object that holds the Wasm module.
pub const WASM_SECTION: &str = "wasmhook.wasm";

#[derive(Parser, Debug)]
#[command(
    name = "wasm2hook",
    version,
    about = "Check, package and inspect wasmhook hooks (Hook ABI v2)"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Validate a Wasm module as a hook: Wasm features, entry, imports, memory, maps.
    Check {
        /// The .wasm file.
        file: PathBuf,
        /// Hook kind (default: inferred from the `xdp` / `tc` / `kprobe` / `tracepoint` export).
        #[arg(long, value_parser = ["xdp", "tc", "kprobe", "tracepoint"])]
        hook: Option<String>,
    },
    /// Check, then write an eBPF ELF object: the trampoline program plus section `wasmhook.wasm`.
    Build {
        /// The .wasm file.
        file: PathBuf,
        /// Output object.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// Hook kind (default: inferred).
        #[arg(long, value_parser = ["xdp", "tc", "kprobe", "tracepoint"])]
        hook: Option<String>,
    },
    /// Show a hook's entry, imports, maps, memory and sizes (from a .wasm or a built .o).
    Inspect {
        /// A .wasm file or a hook object made by `wasm2hook build`.
        file: PathBuf,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
}

fn read(file: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(file).map_err(|e| format!("{}: error: cannot read: {e}", file.display()))
}

/// Prints every problem as one line; true if there were none.
fn report_problems(file: &Path, r: &check::Report) -> bool {
    for p in &r.problems {
        eprintln!("{}: {p}", file.display());
    }
    r.problems.is_empty()
}

fn summary(r: &check::Report) -> String {
    let kind = r.kind.map(check::kind_name).unwrap_or("unknown");
    let maps = r.maps.as_ref().map_or(0, |m| m.len());
    format!(
        "{kind} hook, {} imports, {maps} maps{}",
        r.imports.len(),
        if check::abi_version(r) > 1 {
            ", needs ABI v2"
        } else {
            ""
        }
    )
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.cmd {
        Cmd::Check { file, hook } => {
            let bytes = read(&file)?;
            let r = check::check(&bytes, hook.as_deref().and_then(check::parse_kind));
            if !report_problems(&file, &r) {
                return Err(String::new());
            }
            println!("{}: ok ({})", file.display(), summary(&r));
            Ok(())
        }
        Cmd::Build { file, output, hook } => {
            let bytes = read(&file)?;
            let r = check::check(&bytes, hook.as_deref().and_then(check::parse_kind));
            if !report_problems(&file, &r) {
                return Err(String::new());
            }
            let kind = r
                .kind
                .ok_or_else(|| format!("{}: error: hook kind unknown", file.display()))?;
            // A ring buffer needs a 16-map trampoline too: only those emit events.
            let nmaps = r.maps.as_ref().map_or(0, |m| {
                if m.iter().any(|d| d.map_type.is_ringbuf()) {
                    wasmhook_hook_abi::MAX_MAPS as usize
                } else {
                    m.len()
                }
            });
            let obj = build_object_maps(&bytes, kind, nmaps)
                .map_err(|e| format!("{}: error: {e}", file.display()))?;
            std::fs::write(&output, &obj)
                .map_err(|e| format!("{}: error: cannot write: {e}", output.display()))?;
            println!(
                "{}: wrote {} ({}, {} bytes)",
                file.display(),
                output.display(),
                summary(&r),
                obj.len()
            );
            Ok(())
        }
        Cmd::Inspect { file, json } => {
            let bytes = read(&file)?;
            let (out, ok) = inspect::inspect(&file, &bytes, json)
                .map_err(|e| format!("{}: error: {e}", file.display()))?;
            print!("{out}");
            if ok {
                Ok(())
            } else {
                Err(String::new())
            }
        }
    }
}

/// The hook object: the trampoline for `kind`, with the Wasm module in section `wasmhook.wasm`
/// and a `license` section (the trampolines already carry "GPL"; added if one ever does not).
pub fn build_object(wasm: &[u8], kind: HookKind) -> Result<Vec<u8>, elf::ElfError> {
    build_object_maps(wasm, kind, 0)
}

/// As [`build_object`], for a hook declaring `nmaps` maps: more than 3 take the 16-map
/// trampoline (`wasm_xdp16`, ...).
pub fn build_object_maps(
    wasm: &[u8],
    kind: HookKind,
    nmaps: usize,
) -> Result<Vec<u8>, elf::ElfError> {
    use wasmhook_bpf_trampoline as t;
    let tramp = match (kind, nmaps > t::HOOK_MAPS.len()) {
        (HookKind::Xdp, false) => t::XDP_OBJ,
        (HookKind::Xdp, true) => t::XDP16_OBJ,
        (HookKind::Kprobe, false) => t::KPROBE_OBJ,
        (HookKind::Kprobe, true) => t::KPROBE16_OBJ,
        (HookKind::Tc, false) => t::TC_OBJ,
        (HookKind::Tc, true) => t::TC16_OBJ,
        (HookKind::Tracepoint, false) => t::TRACEPOINT_OBJ,
        (HookKind::Tracepoint, true) => t::TRACEPOINT16_OBJ,
    };
    let mut new = vec![elf::NewSection {
        name: WASM_SECTION,
        data: wasm,
        align: 8,
    }];
    if elf::section(tramp, "license")?.is_none() {
        new.push(elf::NewSection {
            name: "license",
            data: b"GPL\0",
            align: 1,
        });
    }
    elf::append_sections(tramp, &new)
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("{msg}");
            }
            ExitCode::FAILURE
        }
    }
}

//! `wasmload attach/list/stats/detach`: a Wasm hook in a module slot, run by a trampoline that
//! aya attaches, with everything pinned under `/sys/fs/bpf/wasmload/NAME/`:
//!
//! ```text
//! /sys/fs/bpf/wasmload/NAME/prog           the trampoline (wasm_xdp, wasm_tc, wasm_kprobe or
//!                                          wasm_kretprobe)
//! /sys/fs/bpf/wasmload/NAME/link           its link (XDP or tcx on an interface, a kprobe or
//!                                          kretprobe)
//! /sys/fs/bpf/wasmload/NAME/map_cfg        wh_cfg: [0] = the module slot id
//! /sys/fs/bpf/wasmload/NAME/maps/<name>    each map the hook declares (wasmhook.maps)
//! ```
//! The pins are the only state: `list`, `stats` and `detach` read them back.

use std::borrow::Cow;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use aya::maps::{MapData, MapInfo};
use aya::programs::links::FdLink;
use aya::programs::tc::TcAttachOptions;
use aya::programs::{
    KProbe, LinkOrder, ProbeKind, ProgramInfo, RawTracePoint, SchedClassifier, TcAttachType,
    TracePoint, UProbe, Xdp, XdpMode,
};
use aya_obj::programs::XdpAttachType;
use wasmhook_bpf_trampoline as tramp;
use wasmhook_hook_abi::HookKind;
use wasmhook_hook_abi::maps::{MapDecl, MapDecls, MapType};

use crate::bpf;
use crate::dev::{self, Device};
use crate::hookfile::HookFile;
use crate::kfunc::{self, ModuleBtf};

/// Where wasmload pins its attachments.
pub const PIN_ROOT: &str = "/sys/fs/bpf/wasmload";
const BPF_PROG_TYPE_KPROBE: u32 = 2;
const BPF_PROG_TYPE_SCHED_CLS: u32 = 3;
const BPF_PROG_TYPE_TRACEPOINT: u32 = 5;
const BPF_PROG_TYPE_RAW_TRACEPOINT: u32 = 17;
const BPF_PROG_TYPE_XDP: u32 = 6;
const BPF_XDP: u32 = 37;

/// Where to attach.
#[derive(Debug, Clone)]
pub enum Target {
    /// XDP on an interface.
    Xdp { iface: String, mode: XdpMode },
    /// A kprobe on a kernel function.
    Kprobe { symbol: String },
    /// A kretprobe on a kernel function: a kprobe hook run at its return (`kprobe_ret`).
    Kretprobe { symbol: String },
    /// tc (sched_cls) on an interface's ingress or egress, through a tcx link.
    Tc {
        iface: String,
        direction: TcAttachType,
    },
    /// A uprobe on function `symbol` (`NAME` or `NAME+OFFSET`) of ELF file `binary`: a kprobe
    /// hook, run for every process that calls it.
    Uprobe { binary: PathBuf, symbol: String },
    /// A classic tracepoint `CATEGORY:NAME` (checked against tracefs), with its record layout.
    Tracepoint {
        spec: String,
        format: crate::tracefs::Format,
    },
    /// A raw tracepoint `name` (BPF_PROG_TYPE_RAW_TRACEPOINT) passing `nargs` u64 arguments
    /// (from the kernel's BTF): a tracepoint hook whose record is the argument array.
    RawTracepoint { name: String, nargs: u32 },
}

impl Target {
    /// The hook kind this target runs.
    pub fn kind(&self) -> HookKind {
        match self {
            Target::Xdp { .. } => HookKind::Xdp,
            Target::Kprobe { .. } | Target::Kretprobe { .. } | Target::Uprobe { .. } => {
                HookKind::Kprobe
            }
            Target::Tc { .. } => HookKind::Tc,
            Target::Tracepoint { .. } | Target::RawTracepoint { .. } => HookKind::Tracepoint,
        }
    }
}

fn direction_name(d: TcAttachType) -> &'static str {
    match d {
        TcAttachType::Ingress => "ingress",
        TcAttachType::Egress => "egress",
        TcAttachType::Custom(_) => "custom",
    }
}

/// Everything created so far, undone on drop unless [`Rollback::commit`] was called.
#[derive(Debug)]
struct Rollback<'a> {
    dev: &'a Device,
    slot: Option<u32>,
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
    done: bool,
}

impl<'a> Rollback<'a> {
    fn new(dev: &'a Device) -> Self {
        Rollback {
            dev,
            slot: None,
            files: Vec::new(),
            dirs: Vec::new(),
            done: false,
        }
    }
    fn commit(mut self) {
        self.done = true;
    }
}

impl Drop for Rollback<'_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        for f in self.files.iter().rev() {
            let _ = std::fs::remove_file(f);
        }
        for d in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
        if let Some(slot) = self.slot {
            let _ = self.dev.unload(slot);
        }
    }
}

/// A trampoline loaded for one slot, with its maps.
#[derive(Debug)]
pub struct Loaded {
    /// The program.
    pub prog: OwnedFd,
    /// `wh_cfg`.
    pub cfg: MapData,
    /// The hook's declared maps, in index order, with their declared names.
    pub maps: Vec<(String, MapData)>,
    /// Program name.
    pub prog_name: &'static str,
}

/// Program name and section of the trampoline for `kind` in `obj`: a kprobe hook runs from
/// either the kprobe or the kretprobe trampoline, whichever the object holds; each in its
/// 3-map or 16-map variant (`wasm_xdp16`, ...).
fn prog_of(kind: HookKind, obj: &aya_obj::Object) -> (&'static str, &'static str) {
    let candidates: &[(&'static str, &'static str)] = match kind {
        HookKind::Xdp => &[(tramp::XDP16_PROG, "xdp"), (tramp::XDP_PROG, "xdp")],
        HookKind::Kprobe => &[
            (tramp::KRETPROBE16_PROG, "kretprobe"),
            (tramp::KRETPROBE_PROG, "kretprobe"),
            (tramp::KPROBE16_PROG, "kprobe"),
            (tramp::KPROBE_PROG, "kprobe"),
        ],
        HookKind::Tc => &[
            (tramp::TC16_PROG, "classifier"),
            (tramp::TC_PROG, "classifier"),
        ],
        HookKind::Tracepoint => &[
            (tramp::RAW_TP16_PROG, "raw_tp"),
            (tramp::RAW_TP_PROG, "raw_tp"),
            (tramp::TRACEPOINT16_PROG, "tracepoint"),
            (tramp::TRACEPOINT_PROG, "tracepoint"),
        ],
    };
    let last = candidates[candidates.len() - 1];
    candidates
        .iter()
        .copied()
        .find(|(n, _)| obj.programs.contains_key(*n))
        .unwrap_or(last)
}

/// Whether a hook with these declarations needs a 16-map trampoline: more than the 3 maps
/// `wh_m0..wh_m2` the plain ones pass, or a ring buffer (only the 16-map ones emit events).
pub fn needs_16_maps(decls: &MapDecls) -> bool {
    decls.len() > tramp::HOOK_MAPS.len() || ringbuf_index(decls).is_some()
}

/// Index of the hook's ring buffer map (a hook declares at most one).
pub fn ringbuf_index(decls: &MapDecls) -> Option<usize> {
    decls.iter().position(|d| d.map_type.is_ringbuf())
}

/// Index of the hook's devmap (a hook declares at most one; XDP hooks only).
pub fn devmap_index(decls: &MapDecls) -> Option<usize> {
    decls.iter().position(|d| d.map_type.is_devmap())
}

/// Refuses a devmap in a hook of any kind but XDP (`redirect_map` redirects XDP frames).
pub fn check_devmap_kind(decls: &MapDecls, kind: HookKind) -> Result<()> {
    let Some(d) = decls.iter().find(|d| d.map_type.is_devmap()) else {
        return Ok(());
    };
    if kind != HookKind::Xdp {
        bail!(
            "the hook declares devmap `{}`, but a devmap is for XDP hooks (this is a {} hook: \
             redirect with redirect(ifindex, flags))",
            d.name(),
            kind.name()
        );
    }
    Ok(())
}

fn check_bound(decl: &MapDecl, pin: &Path, info: &MapInfo) -> Result<()> {
    let ty = info.map_type().map(|t| t as u32).unwrap_or(u32::MAX);
    if ty != decl.map_type.to_u32()
        || info.key_size() != decl.key_size
        || info.value_size() != decl.value_size
    {
        bail!(
            "--map {}={}: the pinned map is type {} key {} value {}, but the hook declares {} key {} value {}",
            decl.name(),
            pin.display(),
            MapType::from_u32(ty).map_or_else(|| ty.to_string(), |t| t.name().to_owned()),
            info.key_size(),
            info.value_size(),
            decl.map_type.name(),
            decl.key_size,
            decl.value_size
        );
    }
    Ok(())
}

/// Loads trampoline object `elf` for `kind`, with maps from `decls` (bound to pinned maps per
/// `binds`), `wh_cfg[0] = slot` (and, for a tracepoint, `wh_cfg[2] = tp_len`, the record bytes
/// to copy), and the kfunc call patched for module BTF `btf`.
pub fn load_trampoline(
    elf: &[u8],
    kind: HookKind,
    slot: u32,
    decls: &MapDecls,
    binds: &[(String, PathBuf)],
    btf: &ModuleBtf,
    tp_len: u32,
) -> Result<Loaded> {
    for (name, _) in binds {
        if !decls.iter().any(|d| d.name() == name) {
            let declared: Vec<&str> = decls.iter().map(|d| d.name()).collect();
            bail!("--map {name}=...: the hook declares no map `{name}` (it declares {declared:?})");
        }
    }
    let mut obj = aya_obj::Object::parse(elf).context("cannot parse the trampoline object")?;
    let (prog_name, section) = prog_of(kind, &obj);
    let Some(prog) = obj.programs.get(prog_name) else {
        bail!("the trampoline object has no program `{prog_name}` for a {section} hook");
    };
    let key = prog.function_key();
    let obj_maps: Vec<(String, aya_obj::Map)> = obj
        .maps
        .iter()
        .map(|(n, m)| (n.clone(), m.clone()))
        .collect();
    // The maps this trampoline passes (wh_m0..wh_m2, or wh_m0..wh_m15 for the 16-map ones).
    let passed = obj_maps
        .iter()
        .filter(|(n, _)| tramp::HOOK_MAPS16.contains(&n.as_str()))
        .count();
    if decls.len() > passed {
        bail!(
            "the hook declares {} maps, but trampoline `{prog_name}` passes only {passed} \
             (a hook object built before 16-map trampolines existed? rebuild it with wasm2hook build, \
             or attach the .wasm)",
            decls.len()
        );
    }
    if ringbuf_index(decls).is_some() && !obj_maps.iter().any(|(n, _)| n == tramp::EVENTS_MAP) {
        bail!(
            "the hook declares a ringbuf map, but trampoline `{prog_name}` has no `{}` to emit \
             its records into (a hook object built before events existed? rebuild it with \
             wasm2hook build, or attach the .wasm)",
            tramp::EVENTS_MAP
        );
    }
    check_devmap_kind(decls, kind)?;
    if let Some(i) = devmap_index(decls) {
        let d = decls.get(i).map(|d| d.name()).unwrap_or_default();
        if !obj_maps.iter().any(|(n, _)| n == tramp::DEVMAP_MAP) {
            bail!(
                "the hook declares devmap `{d}`, but trampoline `{prog_name}` has no `{}` to \
                 redirect through (a hook object built before devmaps existed? rebuild it with \
                 wasm2hook build, or attach the .wasm)",
                tramp::DEVMAP_MAP
            );
        }
    }
    let mut cfg = None;
    let mut hook_maps: Vec<Option<(String, MapData)>> =
        (0..tramp::HOOK_MAPS16.len()).map(|_| None).collect();
    let mut others = Vec::new();
    for (name, m) in &obj_maps {
        if name == tramp::CFG_MAP {
            // [0] = slot; the 16-map trampolines have more: [1] the declared map count, above
            // which the module refuses map indices; [2] whether the hook declares a ring buffer
            // (then its staged records are emitted after each run); [3] the records the ring
            // buffer refused (the trampoline counts them). The tracepoint trampolines have [4]:
            // how many record bytes to copy.
            let entries = m.max_entries().clamp(1, 5);
            let d = MapData::create(
                aya_obj::Map::new_from_params(2, 4, 4, entries, 0),
                name,
                None,
            )
            .context("cannot create map wh_cfg")?;
            bpf::map_update(d.fd().as_fd(), &0u32.to_le_bytes(), &slot.to_le_bytes())
                .context("cannot write the slot id into wh_cfg")?;
            if entries > 1 {
                bpf::map_update(
                    d.fd().as_fd(),
                    &1u32.to_le_bytes(),
                    &(decls.len() as u32).to_le_bytes(),
                )
                .context("cannot write the map count into wh_cfg")?;
            }
            if entries > 2 && ringbuf_index(decls).is_some() {
                bpf::map_update(d.fd().as_fd(), &2u32.to_le_bytes(), &1u32.to_le_bytes())
                    .context("cannot turn events on in wh_cfg")?;
            }
            if entries > 4 {
                bpf::map_update(d.fd().as_fd(), &4u32.to_le_bytes(), &tp_len.to_le_bytes())
                    .context("cannot write the record length into wh_cfg")?;
            }
            cfg = Some(d);
        } else if let Some(i) = tramp::HOOK_MAPS16.iter().position(|n| n == name) {
            let data = match decls.get(i) {
                Some(decl) => {
                    if let Some((_, pin)) = binds.iter().find(|(n, _)| n == decl.name()) {
                        let d = MapData::from_pin(pin).with_context(|| {
                            format!(
                                "--map {}={}: cannot open the pinned map",
                                decl.name(),
                                pin.display()
                            )
                        })?;
                        check_bound(decl, pin, &d.info()?)?;
                        let what = format!("--map {}={}", decl.name(), pin.display());
                        let note = crate::mapcheck::check(d.fd().as_fd(), &what)?;
                        if !note.is_empty() {
                            eprintln!("wasmload: {note}");
                        }
                        d
                    } else {
                        let def = aya_obj::Map::new_from_params(
                            decl.map_type.to_u32(),
                            decl.key_size,
                            decl.value_size,
                            decl.max_entries,
                            // BPF_F_NO_PREALLOC for an lpm_trie (the kernel requires it)
                            decl.map_type.create_flags(),
                        );
                        MapData::create(def, decl.name(), None).with_context(|| {
                            format!(
                                "cannot create map `{}` ({} key {} value {} entries {})",
                                decl.name(),
                                decl.map_type.name(),
                                decl.key_size,
                                decl.value_size,
                                decl.max_entries
                            )
                        })?
                    }
                }
                None => {
                    // Not declared: a small default map keeps the verifier happy.
                    let def = aya_obj::Map::new_from_params(
                        m.map_type(),
                        m.key_size(),
                        m.value_size(),
                        1,
                        0,
                    );
                    MapData::create(def, name, None)
                        .with_context(|| format!("cannot create placeholder map {name}"))?
                }
            };
            let label = decls
                .get(i)
                .map(|d| d.name().to_owned())
                .unwrap_or_default();
            hook_maps[i] = Some((label, data));
        } else if name == tramp::EVENTS_MAP && ringbuf_index(decls).is_some() {
            // The hook's own ring buffer (bound below).
        } else if name == tramp::DEVMAP_MAP && devmap_index(decls).is_some() {
            // The hook's own devmap (bound below).
        } else {
            // The trampoline's own maps (the ring buffer and devmap placeholders, the record
            // buffer): from their parameters, without the object's BTF ids (no BTF is loaded
            // with them).
            let def = aya_obj::Map::new_from_params(
                m.map_type(),
                m.key_size(),
                m.value_size(),
                m.max_entries(),
                m.map_flags(),
            );
            others.push((
                name.clone(),
                MapData::create(def, name, None)
                    .with_context(|| format!("cannot create map {name}"))?,
            ));
        }
    }
    let Some(cfg) = cfg else {
        bail!("the trampoline object has no `wh_cfg` map");
    };
    let text = obj.functions.keys().map(|(s, _)| *s).collect();
    {
        let mut fds: Vec<(&str, i32, &aya_obj::Map)> = Vec::new();
        use std::os::fd::AsRawFd;
        for (name, m) in &obj_maps {
            let fd = if name == tramp::CFG_MAP {
                cfg.fd().as_fd().as_raw_fd()
            } else if let Some(i) = ringbuf_index(decls).filter(|_| name == tramp::EVENTS_MAP) {
                match &hook_maps[i] {
                    Some((_, d)) => d.fd().as_fd().as_raw_fd(),
                    None => bail!("the hook's ringbuf map {i} was not created"),
                }
            } else if let Some(i) = devmap_index(decls).filter(|_| name == tramp::DEVMAP_MAP) {
                match &hook_maps[i] {
                    Some((_, d)) => d.fd().as_fd().as_raw_fd(),
                    None => bail!("the hook's devmap {i} was not created"),
                }
            } else if let Some(i) = tramp::HOOK_MAPS16.iter().position(|n| n == name) {
                match &hook_maps[i] {
                    Some((_, d)) => d.fd().as_fd().as_raw_fd(),
                    None => continue,
                }
            } else {
                match others.iter().find(|(n, _)| n == name) {
                    Some((_, d)) => d.fd().as_fd().as_raw_fd(),
                    None => continue,
                }
            };
            fds.push((name.as_str(), fd, m));
        }
        obj.relocate_maps(fds.into_iter(), &text)
            .context("cannot relocate the trampoline's maps")?;
    }
    let sites = kfunc::kfunc_calls(elf, section)?;
    let f = obj
        .functions
        .get_mut(&key)
        .context("trampoline program function missing")?;
    let off = f.section_offset;
    kfunc::patch(&mut f.instructions, off, &sites, |n| btf.func_id(n))?;
    obj.relocate_calls(&text)
        .context("cannot link the trampoline's calls")?;
    let f = &obj.functions[&key];
    let (prog_type, eat) = match kind {
        HookKind::Xdp => (BPF_PROG_TYPE_XDP, BPF_XDP),
        HookKind::Kprobe => (BPF_PROG_TYPE_KPROBE, 0),
        // tcx links check the attach type at link time, not at load time.
        HookKind::Tc => (BPF_PROG_TYPE_SCHED_CLS, 0),
        HookKind::Tracepoint if section == "raw_tp" => (BPF_PROG_TYPE_RAW_TRACEPOINT, 0),
        HookKind::Tracepoint => (BPF_PROG_TYPE_TRACEPOINT, 0),
    };
    let license = obj.license.to_str().unwrap_or("GPL").to_owned();
    let prog = kfunc::prog_load(&kfunc::ProgLoad {
        prog_type,
        expected_attach_type: eat,
        name: prog_name,
        insns: &f.instructions,
        license: &license,
        module_btf: btf,
    })?;
    Ok(Loaded {
        prog,
        cfg,
        maps: hook_maps
            .into_iter()
            .flatten()
            .filter(|(n, _)| !n.is_empty())
            .collect(),
        prog_name,
    })
}

/// Options of `wasmload attach`.
#[derive(Debug)]
pub struct AttachOpts {
    /// Attachment (and slot) name.
    pub name: String,
    /// Where.
    pub target: Target,
    /// Fuel per run.
    pub fuel: u64,
    /// Trap verdict.
    pub on_trap: u32,
    /// `--map NAME=PIN`.
    pub binds: Vec<(String, PathBuf)>,
    /// `--map-value NAME KEY=VALUE`, written before the link is made.
    pub seeds: Vec<crate::test::MapValue>,
}

fn check_name(name: &str) -> Result<()> {
    if name.is_empty()
        || name.len() > 15
        || !name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    {
        bail!("attachment name `{name}` must be 1-15 characters of [A-Za-z0-9_-] (use --name)");
    }
    Ok(())
}

fn hook_kind_of_object(elf: &[u8]) -> Option<HookKind> {
    let obj = aya_obj::Object::parse(elf).ok()?;
    let has = |names: &[&str]| names.iter().any(|n| obj.programs.contains_key(*n));
    if has(&[tramp::XDP_PROG, tramp::XDP16_PROG]) {
        Some(HookKind::Xdp)
    } else if has(&[
        tramp::KPROBE_PROG,
        tramp::KRETPROBE_PROG,
        tramp::KPROBE16_PROG,
        tramp::KRETPROBE16_PROG,
    ]) {
        Some(HookKind::Kprobe)
    } else if has(&[tramp::TC_PROG, tramp::TC16_PROG]) {
        Some(HookKind::Tc)
    } else if has(&[
        tramp::TRACEPOINT_PROG,
        tramp::TRACEPOINT16_PROG,
        tramp::RAW_TP_PROG,
        tramp::RAW_TP16_PROG,
    ]) {
        Some(HookKind::Tracepoint)
    } else {
        None
    }
}

/// The built-in trampoline for `kind`: the 3-map one, or the 16-map one if the hook declares
/// more than 3 maps (the plain ones stay as cheap as they were).
pub fn builtin_trampoline(kind: HookKind, decls: &MapDecls) -> &'static [u8] {
    match (kind, needs_16_maps(decls)) {
        (HookKind::Xdp, false) => tramp::XDP_OBJ,
        (HookKind::Xdp, true) => tramp::XDP16_OBJ,
        (HookKind::Kprobe, false) => tramp::KPROBE_OBJ,
        (HookKind::Kprobe, true) => tramp::KPROBE16_OBJ,
        (HookKind::Tc, false) => tramp::TC_OBJ,
        (HookKind::Tc, true) => tramp::TC16_OBJ,
        (HookKind::Tracepoint, false) => tramp::TRACEPOINT_OBJ,
        (HookKind::Tracepoint, true) => tramp::TRACEPOINT16_OBJ,
    }
}

/// The trampoline to use: the hook object's own, else the built-in one.
pub fn trampoline_for<'a>(
    file: &Path,
    hook: &'a HookFile,
    kind: HookKind,
) -> Result<Cow<'a, [u8]>> {
    match &hook.trampoline {
        Some(elf) => {
            let k = hook_kind_of_object(elf);
            if k != Some(kind) {
                bail!(
                    "{}: this hook object's trampoline is for {} hooks, not {}",
                    file.display(),
                    k.map(|k| k.entry()).unwrap_or("unknown"),
                    kind.entry()
                );
            }
            Ok(Cow::Borrowed(elf))
        }
        None => Ok(Cow::Borrowed(builtin_trampoline(kind, &hook.maps))),
    }
}

/// The raw tracepoint trampoline (3- or 16-map): always the built-in one; a hook object's own
/// trampoline is a classic tracepoint program, which cannot attach to a raw tracepoint.
pub fn raw_tp_trampoline<'a>(file: &Path, hook: &'a HookFile) -> Result<Cow<'a, [u8]>> {
    if hook.trampoline.is_some() {
        bail!(
            "{}: a hook object carries a classic tracepoint trampoline; attach the .wasm to a raw \
             tracepoint",
            file.display()
        );
    }
    Ok(Cow::Borrowed(if needs_16_maps(&hook.maps) {
        tramp::RAW_TP16_OBJ
    } else {
        tramp::RAW_TP_OBJ
    }))
}

/// The kretprobe trampoline: the built-in one, or a hook object's own if it is one (a hook
/// object whose trampoline is for entry kprobes cannot run at returns).
pub fn kretprobe_trampoline<'a>(file: &Path, hook: &'a HookFile) -> Result<Cow<'a, [u8]>> {
    match &hook.trampoline {
        Some(elf) => {
            let ok = aya_obj::Object::parse(elf).is_ok_and(|o| {
                o.programs.contains_key(tramp::KRETPROBE_PROG)
                    || o.programs.contains_key(tramp::KRETPROBE16_PROG)
            });
            if !ok {
                bail!(
                    "{}: this hook object's trampoline has no `{}` program; attach its .wasm \
                     with --kretprobe, or build the object with a kretprobe trampoline",
                    file.display(),
                    tramp::KRETPROBE_PROG
                );
            }
            Ok(Cow::Borrowed(elf))
        }
        None if needs_16_maps(&hook.maps) => Ok(Cow::Borrowed(tramp::KRETPROBE16_OBJ)),
        None => Ok(Cow::Borrowed(tramp::KRETPROBE_OBJ)),
    }
}

/// Writes one `--map-value` into the freshly created map: BPF_MAP_UPDATE_ELEM, with no key for
/// a queue, stack or bloom filter (a push), and the value repeated for every possible CPU (each
/// copy padded to 8 bytes, as the kernel wants) for a per-CPU map.
fn seed(loaded: &Loaded, hook: &HookFile, sd: &crate::test::MapValue) -> Result<()> {
    let decl = hook.maps.get(sd.idx).context("--map-value: no such map")?;
    let name = decl.name();
    let (_, map) = loaded
        .maps
        .get(sd.idx)
        .with_context(|| format!("--map-value {name}: the trampoline holds no such map"))?;
    let per_cpu = matches!(
        decl.map_type,
        MapType::PercpuHash | MapType::PercpuArray | MapType::LruPercpuHash
    );
    let value = if per_cpu {
        let ncpus = aya::util::nr_cpus()
            .map_err(|(what, e)| anyhow::anyhow!("--map-value {name}: {what}: {e}"))?;
        let stride = sd.value.len().next_multiple_of(8);
        let mut v = vec![0u8; stride * ncpus];
        for c in v.chunks_exact_mut(stride) {
            c[..sd.value.len()].copy_from_slice(&sd.value);
        }
        v
    } else {
        sd.value.clone()
    };
    let key = (!sd.key.is_empty()).then_some(sd.key.as_slice());
    bpf::map_update_opt(map.fd().as_fd(), key, &value).with_context(|| {
        format!(
            "--map-value {name}: cannot write into the new {} map `{name}`",
            decl.map_type.name()
        )
    })
}

fn pin(fd: impl AsFd, path: PathBuf, rb: &mut Rollback<'_>) -> Result<()> {
    bpf::obj_pin(fd.as_fd(), &path).with_context(|| format!("cannot pin {}", path.display()))?;
    rb.files.push(path);
    Ok(())
}

fn ensure_root() -> Result<()> {
    let fs = Path::new("/sys/fs/bpf");
    if !fs.is_dir() {
        bail!("/sys/fs/bpf does not exist: mount bpffs (`mount -t bpf bpf /sys/fs/bpf`)");
    }
    std::fs::create_dir_all(PIN_ROOT)
        .with_context(|| format!("cannot create {PIN_ROOT} (is /sys/fs/bpf a bpffs mount?)"))
}

/// `wasmload attach`.
pub fn attach(file: &Path, hook: &HookFile, opts: &AttachOpts) -> Result<()> {
    check_name(&opts.name)?;
    let kind = opts.target.kind();
    let elf = match &opts.target {
        Target::Kretprobe { .. } => kretprobe_trampoline(file, hook)?,
        Target::RawTracepoint { .. } => raw_tp_trampoline(file, hook)?,
        _ => trampoline_for(file, hook, kind)?,
    };
    for sd in &opts.seeds {
        let name = hook.maps.get(sd.idx).map(|d| d.name()).unwrap_or("?");
        if opts.binds.iter().any(|(n, _)| n == name) {
            bail!(
                "--map-value {name}: `{name}` is bound to a pinned map with --map; \
                 seed that map with `bpftool map update pinned PIN ...` instead"
            );
        }
    }
    check_devmap_kind(&hook.maps, kind).with_context(|| file.display().to_string())?;
    ensure_root()?;
    let dir = Path::new(PIN_ROOT).join(&opts.name);
    if dir.exists() {
        bail!(
            "an attachment named `{}` exists ({}): detach it first or pick another --name",
            opts.name,
            dir.display()
        );
    }
    // Check the target before loading anything.
    if let Target::Uprobe { binary, .. } = &opts.target {
        let elf = std::fs::read(binary)
            .with_context(|| format!("--uprobe: cannot read {}", binary.display()))?;
        if !elf.starts_with(b"\x7fELF") {
            bail!("--uprobe: {} is not an ELF file", binary.display());
        }
    }
    if let Target::Xdp { iface, .. } | Target::Tc { iface, .. } = &opts.target {
        let c = std::ffi::CString::new(iface.as_str()).unwrap_or_default();
        // SAFETY: `c` is a valid NUL-terminated string.
        if unsafe { libc::if_nametoindex(c.as_ptr()) } == 0 {
            bail!("no network interface `{iface}` (in this network namespace)");
        }
    }
    let dev = Device::open()?;
    let btf = ModuleBtf::open("wasmhook")?;
    let mut rb = Rollback::new(&dev);
    let slot = dev.load(
        &file.display().to_string(),
        &hook.wasm,
        &dev::LoadOpts {
            hook: kind,
            fuel: opts.fuel,
            on_trap: opts.on_trap,
            mem_pages: wasmhook_hook_abi::uapi::DEFAULT_MEM_PAGES,
            name: opts.name.clone(),
            replace: None,
        },
    )?;
    rb.slot = Some(slot);
    let tp_len = match &opts.target {
        Target::Tracepoint { format, .. } => format.copy_len(),
        Target::RawTracepoint { nargs, .. } => nargs.saturating_mul(8),
        _ => 0,
    };
    let loaded = load_trampoline(&elf, kind, slot, &hook.maps, &opts.binds, &btf, tp_len)
        .with_context(|| {
            format!(
                "{}: cannot load the {} trampoline",
                file.display(),
                kind.entry()
            )
        })?;
    // Seed the maps before anything can run the hook: the link is made last.
    for sd in &opts.seeds {
        seed(&loaded, hook, sd)?;
    }
    std::fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    rb.dirs.push(dir.clone());
    pin(&loaded.prog, dir.join("prog"), &mut rb)?;
    pin(loaded.cfg.fd(), dir.join("map_cfg"), &mut rb)?;
    if !loaded.maps.is_empty() {
        std::fs::create_dir(dir.join("maps"))?;
        rb.dirs.push(dir.join("maps"));
        for (name, m) in &loaded.maps {
            pin(m.fd(), dir.join("maps").join(name), &mut rb)?;
        }
    }
    let link: FdLink = match &opts.target {
        Target::Xdp { iface, mode } => {
            let mut p = Xdp::from_pin(dir.join("prog"), XdpAttachType::Interface)?;
            let id = p.attach(iface, *mode).map_err(|e| {
                let e = anyhow::Error::from(e);
                let hint = xdp_attach_hint(iface, *mode, &e);
                e.context(format!(
                    "cannot attach XDP to {iface} (mode {}){hint}",
                    mode_name(*mode)
                ))
            })?;
            FdLink::try_from(p.take_link(id)?).with_context(|| {
                format!(
                    "XDP on {iface} was attached through netlink, not a BPF link; cannot pin it"
                )
            })?
        }
        Target::Kprobe { symbol } => {
            let mut p = KProbe::from_pin(dir.join("prog"), ProbeKind::Entry)?;
            let id = p
                .attach(symbol, 0)
                .with_context(|| format!("cannot attach a kprobe to kernel symbol `{symbol}`"))?;
            FdLink::try_from(p.take_link(id)?)
                .context("the kprobe was attached without a BPF link; cannot pin it")?
        }
        Target::Kretprobe { symbol } => {
            let mut p = KProbe::from_pin(dir.join("prog"), ProbeKind::Return)?;
            let id = p.attach(symbol, 0).with_context(|| {
                format!("cannot attach a kretprobe to kernel symbol `{symbol}`")
            })?;
            FdLink::try_from(p.take_link(id)?)
                .context("the kretprobe was attached without a BPF link; cannot pin it")?
        }
        Target::Uprobe { binary, symbol } => {
            let mut p = UProbe::from_pin(dir.join("prog"), ProbeKind::Entry)?;
            let loc = match symbol.split_once('+') {
                Some((name, off)) => {
                    let off = match off.strip_prefix("0x") {
                        Some(h) => u64::from_str_radix(h, 16),
                        None => off.parse::<u64>(),
                    }
                    .with_context(|| format!("--uprobe {symbol}: the offset is not a number"))?;
                    aya::programs::uprobe::UProbeAttachLocation::SymbolOffset(name, off)
                }
                None => aya::programs::uprobe::UProbeAttachLocation::Symbol(symbol),
            };
            let id = p
                .attach(
                    loc,
                    binary,
                    aya::programs::uprobe::UProbeScope::AllProcesses,
                )
                .with_context(|| {
                    format!(
                        "cannot attach a uprobe to `{symbol}` in {} (is the symbol in its \
                         symbol table?)",
                        binary.display()
                    )
                })?;
            FdLink::try_from(p.take_link(id)?)
                .context("the uprobe was attached without a BPF link; cannot pin it")?
        }
        Target::Tracepoint { spec, .. } => {
            let (cat, name) = crate::tracefs::split(spec)?;
            let mut p = TracePoint::from_pin(dir.join("prog"))?;
            let id = p
                .attach(cat, name)
                .with_context(|| format!("cannot attach to tracepoint {spec}"))?;
            FdLink::try_from(p.take_link(id)?)
                .context("the tracepoint was attached without a BPF link; cannot pin it")?
        }
        Target::RawTracepoint { name, .. } => {
            let mut p = RawTracePoint::from_pin(dir.join("prog"))?;
            let id = p
                .attach(name)
                .with_context(|| format!("cannot attach to raw tracepoint {name}"))?;
            // A raw tracepoint attachment is always a BPF link.
            FdLink::from(p.take_link(id)?)
        }
        Target::Tc { iface, direction } => {
            let mut p = SchedClassifier::from_pin(dir.join("prog"))?;
            let id = p
                .attach_with_options(
                    iface,
                    *direction,
                    TcAttachOptions::TcxOrder(LinkOrder::default()),
                )
                .with_context(|| {
                    format!(
                        "cannot attach tc {} to {iface} through a tcx link (needs Linux 6.6+ with CONFIG_NET_XGRESS)",
                        direction_name(*direction)
                    )
                })?;
            FdLink::try_from(p.take_link(id)?).with_context(|| {
                format!("tc on {iface} was attached without a BPF link; cannot pin it")
            })?
        }
    };
    let link_path = dir.join("link");
    link.pin(&link_path)
        .with_context(|| format!("cannot pin {}", link_path.display()))?;
    rb.files.push(link_path);
    rb.commit();
    let target = match &opts.target {
        Target::Xdp { iface, mode } => format!("xdp {iface} mode {}", mode_name(*mode)),
        Target::Kprobe { symbol } => format!("kprobe {symbol}"),
        Target::Kretprobe { symbol } => format!("kretprobe {symbol}"),
        Target::Tc { iface, direction } => format!("tc {iface} {}", direction_name(*direction)),
        Target::Uprobe { binary, symbol } => format!("uprobe {}:{symbol}", binary.display()),
        Target::Tracepoint { spec, format } => {
            format!("tracepoint {spec} record {}B", format.copy_len())
        }
        Target::RawTracepoint { name, nargs } => {
            format!("raw_tracepoint {name} args {nargs} (record {}B)", nargs * 8)
        }
    };
    println!(
        "{}: {target} prog {} slot {slot} pinned {}",
        opts.name,
        loaded.prog_name,
        dir.display()
    );
    Ok(())
}

/// What to add to a failed XDP attach: the frags explanation when the driver's answer is one
/// drivers give for an MTU too large for single-buffer XDP. The trampolines are loaded without
/// `BPF_F_XDP_HAS_FRAGS` (the module reads a frame's linear part only), so a driver that would
/// have to hand them multi-buffer frames refuses them: veth answers ERANGE when its peer's MTU
/// needs more than a page, other drivers EOPNOTSUPP or EINVAL. In skb mode the kernel
/// linearizes each frame for a program without frags support, so the hook sees all of it.
fn xdp_attach_hint(iface: &str, mode: XdpMode, e: &anyhow::Error) -> String {
    let errno = e.chain().find_map(|c| {
        c.downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::raw_os_error)
    });
    let frag_errno = matches!(errno, Some(libc::ERANGE | libc::EOPNOTSUPP | libc::EINVAL));
    let mtu = std::fs::read_to_string(format!("/sys/class/net/{iface}/mtu"))
        .ok()
        .and_then(|m| m.trim().parse::<u32>().ok());
    // A jumbo MTU here, or ERANGE: veth's answer when its peer's MTU is too large.
    let jumbo = mtu.is_none_or(|m| m > 1500) || errno == Some(libc::ERANGE);
    if mode == XdpMode::Skb || !frag_errno || !jumbo {
        return String::new();
    }
    format!(
        ": if the MTU needs multi-buffer frames (here {}; for a veth, its peer's MTU counts), \
         that is why: wasmhook's XDP trampolines are single-buffer programs (no frags), which \
         such a driver refuses; lower the MTU, or attach with --mode skb, where the kernel \
         hands the hook each frame linearized",
        mtu.map_or_else(|| "unknown".to_owned(), |m| m.to_string())
    )
}

fn mode_name(m: XdpMode) -> &'static str {
    match m {
        XdpMode::Skb => "skb",
        XdpMode::Driver => "native",
        XdpMode::Hardware => "hw",
        _ => "default",
    }
}

/// One attachment as read back from its pins.
#[derive(Debug)]
pub struct Attachment {
    /// Name (directory).
    pub name: String,
    /// `xdp`, `tc`, `kprobe` or `kretprobe`.
    pub kind: &'static str,
    /// Interface (with the direction for tc: `veth0 ingress`) or symbol.
    pub target: String,
    /// Program id.
    pub prog_id: u32,
    /// Link id.
    pub link_id: u32,
    /// Module slot.
    pub slot: u32,
    /// Declared maps: name and map id.
    pub maps: Vec<(String, u32)>,
    /// Program run count and total ns (0 unless kernel.bpf_stats_enabled).
    pub run: (u64, u64),
}

/// Reads attachment `name` back from its pins.
pub fn read(name: &str) -> Result<Attachment> {
    let dir = Path::new(PIN_ROOT).join(name);
    if !dir.is_dir() {
        bail!(
            "no attachment named `{name}` (no {}); see `wasmload list`",
            dir.display()
        );
    }
    let pi = ProgramInfo::from_pin(dir.join("prog"))
        .with_context(|| format!("cannot read {}", dir.join("prog").display()))?;
    let link = bpf::obj_get(&dir.join("link"))
        .with_context(|| format!("cannot open {}", dir.join("link").display()))?;
    let (link_id, _, target) = bpf::link_info(link.as_fd())?;
    let (kind, target) = match target {
        bpf::LinkTarget::Xdp { ifindex } => ("xdp", bpf::ifname(ifindex)),
        bpf::LinkTarget::Kprobe { symbol } => ("kprobe", symbol),
        bpf::LinkTarget::Kretprobe { symbol } => ("kretprobe", symbol),
        bpf::LinkTarget::Uprobe { file, offset } => ("uprobe", format!("{file}+{offset:#x}")),
        bpf::LinkTarget::Tracepoint { name } => (
            "tracepoint",
            crate::tracefs::category_of(&name).unwrap_or(name),
        ),
        bpf::LinkTarget::RawTracepoint { name } => ("raw_tracepoint", name),
        bpf::LinkTarget::Tcx { ifindex, egress } => (
            "tc",
            format!(
                "{} {}",
                bpf::ifname(ifindex),
                if egress { "egress" } else { "ingress" }
            ),
        ),
        bpf::LinkTarget::Other(t) => ("?", format!("link type {t}")),
    };
    let cfg = bpf::obj_get(&dir.join("map_cfg"))?;
    let mut v = [0u8; 4];
    bpf::map_lookup(cfg.as_fd(), &0u32.to_le_bytes(), &mut v)?;
    let mut maps = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir.join("maps")) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            let id = MapInfo::from_pin(e.path()).map(|i| i.id()).unwrap_or(0);
            maps.push((n, id));
        }
    }
    maps.sort();
    Ok(Attachment {
        name: name.into(),
        kind,
        target,
        prog_id: pi.id(),
        link_id,
        slot: u32::from_le_bytes(v),
        maps,
        run: (pi.run_count(), pi.run_time().as_nanos() as u64),
    })
}

/// Names of all attachments.
pub fn names() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(PIN_ROOT)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// `s` as a JSON string literal.
fn json_str(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// `wasmload list [--json]`.
pub fn list(json: bool) -> Result<()> {
    let mut out = Vec::new();
    for n in names() {
        match read(&n) {
            Ok(a) => out.push(a),
            Err(e) => eprintln!("wasmload: {n}: {e:#}"),
        }
    }
    let dev = Device::open().ok();
    if json {
        let items: Vec<String> = out
            .iter()
            .map(|a| {
                let maps: Vec<String> = a
                    .maps
                    .iter()
                    .map(|(n, id)| format!("{{\"name\":{},\"id\":{id}}}", json_str(n)))
                    .collect();
                format!(
                    "{{\"name\":{},\"kind\":\"{}\",\"target\":{},\"prog_id\":{},\"link_id\":{},\"slot\":{},\"maps\":[{}]}}",
                    json_str(&a.name),
                    a.kind,
                    json_str(&a.target),
                    a.prog_id,
                    a.link_id,
                    a.slot,
                    maps.join(",")
                )
            })
            .collect();
        println!("[{}]", items.join(","));
        return Ok(());
    }
    for a in &out {
        let maps: Vec<String> = a.maps.iter().map(|(n, id)| format!("{n}({id})")).collect();
        let fuel = dev
            .as_ref()
            .and_then(|d| d.info(a.slot).ok())
            .map(|i| format!(" fuel {}", i.fuel))
            .unwrap_or_default();
        println!(
            "{}: {} {} prog_id {} link_id {} slot {}{fuel} maps [{}]",
            a.name,
            a.kind,
            a.target,
            a.prog_id,
            a.link_id,
            a.slot,
            maps.join(" ")
        );
    }
    Ok(())
}

/// `wasmload stats NAME`.
pub fn stats(name: &str) -> Result<()> {
    let a = read(name)?;
    let dev = Device::open()?;
    let s = dev.stats(a.slot)?;
    let avg = crate::dev::avg_ns(&s);
    println!(
        "{name}: slot {} runs {} traps {} out_of_fuel {} busy {} avg_ns {avg}",
        a.slot, s.runs, s.traps, s.out_of_fuel, s.busy
    );
    if a.run.0 > 0 {
        println!(
            "{name}: prog {} run_cnt {} run_time_ns {}",
            a.prog_id, a.run.0, a.run.1
        );
    } else {
        println!(
            "{name}: prog {} run_cnt 0 (enable with `sysctl kernel.bpf_stats_enabled=1`)",
            a.prog_id
        );
    }
    Ok(())
}

/// `wasmload detach NAME`.
pub fn detach(name: &str) -> Result<()> {
    let a = read(name)?;
    let dir = Path::new(PIN_ROOT).join(name);
    // Unpinning the link detaches it (wasmload holds no other reference).
    std::fs::remove_file(dir.join("link"))
        .with_context(|| format!("cannot unpin {}", dir.join("link").display()))?;
    for (m, _) in &a.maps {
        std::fs::remove_file(dir.join("maps").join(m))?;
    }
    let _ = std::fs::remove_dir(dir.join("maps"));
    std::fs::remove_file(dir.join("map_cfg"))?;
    std::fs::remove_file(dir.join("prog"))?;
    std::fs::remove_dir(&dir).with_context(|| format!("cannot remove {}", dir.display()))?;
    Device::open()?
        .unload(a.slot)
        .with_context(|| format!("detached, but cannot unload slot {}", a.slot))?;
    println!(
        "{name}: detached {} {}, slot {} unloaded",
        a.kind, a.target, a.slot
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_str("veth0"), "\"veth0\"");
        assert_eq!(json_str("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }

    #[test]
    fn attachment_names_must_fit_bpffs_and_slot_names() {
        for ok in ["icmp", "xdp_icmp", "a-b_9", "fifteen_chars_x"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        // bpffs refuses dots; slot names are 15 bytes.
        for bad in ["", "x.y", "sixteen_chars_xx", "a/b", "a b"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn built_in_trampolines_match_their_hook_kind() {
        assert_eq!(hook_kind_of_object(tramp::XDP_OBJ), Some(HookKind::Xdp));
        assert_eq!(
            hook_kind_of_object(tramp::KPROBE_OBJ),
            Some(HookKind::Kprobe)
        );
        assert_eq!(hook_kind_of_object(tramp::TC_OBJ), Some(HookKind::Tc));
        let hook = HookFile {
            wasm: Vec::new(),
            trampoline: Some(tramp::KPROBE_OBJ.to_vec()),
            maps: MapDecls::new(),
        };
        let e = trampoline_for(Path::new("k.o"), &hook, HookKind::Xdp).unwrap_err();
        assert!(e.to_string().contains("k.o"), "{e}");
        // An entry-kprobe hook object cannot run at returns; the built-in kretprobe one can.
        let e = kretprobe_trampoline(Path::new("k.o"), &hook).unwrap_err();
        assert!(e.to_string().contains("wasm_kretprobe"), "{e}");
        let plain = HookFile {
            wasm: Vec::new(),
            trampoline: None,
            maps: MapDecls::new(),
        };
        let elf = kretprobe_trampoline(Path::new("k.wasm"), &plain).unwrap();
        assert_eq!(hook_kind_of_object(&elf), Some(HookKind::Kprobe));
        let obj = aya_obj::Object::parse(&elf).unwrap();
        assert_eq!(
            prog_of(HookKind::Kprobe, &obj),
            ("wasm_kretprobe", "kretprobe")
        );
        let obj = aya_obj::Object::parse(tramp::KPROBE_OBJ).unwrap();
        assert_eq!(prog_of(HookKind::Kprobe, &obj), ("wasm_kprobe", "kprobe"));
    }
}

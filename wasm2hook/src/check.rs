//! `wasm2hook check`: validates a Wasm module (the Wasm features our engine implements) and checks
//! it against the Hook ABI, v1 or v2 (v2 adds tc hooks and host functions: entry export,
//! `wasmhook` imports, memory, map declarations).
//! Everything it knows about the ABI comes from `wasmhook-hook-abi`.

use std::fmt;

use wasmhook_hook_abi::maps::{self, MapDecls};
use wasmhook_hook_abi::uapi::{MAX_MEM_PAGES, MAX_WASM_BYTES};
use wasmhook_hook_abi::{
    host_fn, HookKind, ValType, HOST_FNS, IMPORT_MODULE, KPROBE_ENTRY, MAX_MAPS, TC_ENTRY,
    TRACEPOINT_ENTRY, XDP_ENTRY,
};
use wasmparser::{
    CompositeInnerType, ExternalKind, FuncType, Parser, Payload, TypeRef, ValidPayload, Validator,
    WasmFeatures,
};

/// Wasm 2.0 without SIMD: what `wasmhook-engine` executes.
pub fn engine_features() -> WasmFeatures {
    WasmFeatures::WASM2 & !WasmFeatures::SIMD
}

/// Where a problem is, for the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ctx {
    /// Nothing more specific than the offset.
    None,
    /// In export `name`.
    Export(String),
    /// In import `module.name`.
    Import(String, String),
    /// In custom section `name`.
    Section(String),
}

/// One problem found in a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Byte offset in the file, if it points somewhere.
    pub offset: Option<u64>,
    /// What is wrong.
    pub msg: String,
    /// Where.
    pub ctx: Ctx,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.msg)?;
        let mut parts = Vec::new();
        if let Some(o) = self.offset {
            parts.push(format!("at byte offset {o:#x}"));
        }
        match &self.ctx {
            Ctx::None => {}
            Ctx::Export(n) => parts.push(format!("in export `{n}`")),
            Ctx::Import(m, n) => parts.push(format!("in import `{m}.{n}`")),
            Ctx::Section(n) => parts.push(format!("in custom section `{n}`")),
        }
        if !parts.is_empty() {
            write!(f, " ({})", parts.join(", "))?;
        }
        Ok(())
    }
}

/// An import as found in the module.
#[derive(Clone, Debug)]
pub struct ImportInfo {
    /// Module name.
    pub module: String,
    /// Field name.
    pub name: String,
    /// `(i32) -> i64`, `memory`, ...
    pub ty: String,
}

/// The Hook ABI version a module needs: 2 if it imports any v2 host function, declares a v2
/// map type or more than 3 maps, else 1.
pub fn abi_version(r: &Report) -> u32 {
    let maps = r
        .maps
        .iter()
        .flat_map(|d| d.iter())
        .map(|m| m.map_type.since())
        // More than the 3 maps of v1 (the 16-map trampolines) is v2.
        .chain(
            r.maps
                .iter()
                .filter(|d| d.len() > wasmhook_hook_abi::MAX_MAPS_V1 as usize)
                .map(|_| 2),
        );
    r.imports
        .iter()
        .filter(|i| i.module == IMPORT_MODULE)
        .filter_map(|i| {
            wasmhook_hook_abi::HOST_FNS
                .iter()
                .position(|f| f.name == i.name)
                .map(|id| wasmhook_hook_abi::since(id as u32))
        })
        .chain(maps)
        .max()
        .unwrap_or(1)
        .max(1)
}

/// What `check` learned about a module; `problems` empty means it is a valid hook.
#[derive(Debug, Default)]
pub struct Report {
    /// The hook kind (given or inferred), if known.
    pub kind: Option<HookKind>,
    /// Imports in order.
    pub imports: Vec<ImportInfo>,
    /// Declared maps.
    pub maps: Option<MapDecls>,
    /// Initial pages of the first defined memory.
    pub memory_pages: Option<u64>,
    /// Maximum pages, if declared.
    pub memory_max: Option<u64>,
    /// Bytes of the code section.
    pub code_size: u64,
    /// Functions defined.
    pub functions: u32,
    /// Total module size.
    pub total_size: u64,
    /// Exports: name and kind.
    pub exports: Vec<(String, &'static str)>,
    /// Everything wrong, sorted by offset (problems without an offset last).
    pub problems: Vec<Problem>,
}

fn vt(t: &wasmparser::ValType) -> Option<ValType> {
    use wasmparser::ValType as W;
    Some(match t {
        W::I32 => ValType::I32,
        W::I64 => ValType::I64,
        W::F32 => ValType::F32,
        W::F64 => ValType::F64,
        W::Ref(r) if r.is_func_ref() => ValType::FuncRef,
        W::Ref(r) if r.is_extern_ref() => ValType::ExternRef,
        _ => return None,
    })
}

fn abi_type_name(t: ValType) -> &'static str {
    match t {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        ValType::FuncRef => "funcref",
        ValType::ExternRef => "externref",
    }
}

fn fmt_list<T>(ts: &[T], name: impl Fn(&T) -> String) -> String {
    ts.iter().map(name).collect::<Vec<_>>().join(", ")
}

fn fmt_func(f: &FuncType) -> String {
    let p = fmt_list(f.params(), |t| t.to_string());
    let r = fmt_list(f.results(), |t| t.to_string());
    format!("({p}) {}", arrow_result(&r))
}

fn arrow_result(r: &str) -> String {
    if r.contains(',') || r.is_empty() {
        format!("-> ({r})")
    } else {
        format!("-> {r}")
    }
}

fn fmt_abi(params: &[ValType], results: &[ValType]) -> String {
    let p = fmt_list(params, |t| abi_type_name(*t).to_owned());
    let r = fmt_list(results, |t| abi_type_name(*t).to_owned());
    format!("({p}) {}", arrow_result(&r))
}

/// `both a and b`, or `a, b and c`.
fn join_both(names: &[String]) -> String {
    match names {
        [a, b] => format!("both {a} and {b}"),
        [rest @ .., last] if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// The hook kind named by `--hook`.
pub fn parse_kind(s: &str) -> Option<HookKind> {
    match s {
        "xdp" => Some(HookKind::Xdp),
        "kprobe" => Some(HookKind::Kprobe),
        "tc" => Some(HookKind::Tc),
        "tracepoint" => Some(HookKind::Tracepoint),
        _ => None,
    }
}

/// `xdp` / `kprobe` / `tc`.
pub fn kind_name(k: HookKind) -> &'static str {
    k.name()
}

struct Collect {
    r: Report,
    types: Vec<Option<FuncType>>,
    func_types: Vec<u32>,
    exports: Vec<(String, ExternalKind, u32, u64)>,
    /// Host functions imported: host id, name, byte offset of the import.
    host_imports: Vec<(u32, String, u64)>,
    maps_sections: u32,
    /// Where the `wasmhook.maps` payload starts (for problems about a declared map).
    maps_at: Option<u64>,
}

impl Collect {
    fn problem(&mut self, offset: Option<u64>, msg: impl Into<String>, ctx: Ctx) {
        let msg: String = msg.into();
        // wasmparser's messages are sometimes multi-line (bad magic); every problem is one line.
        let msg = if msg.starts_with("magic header not detected") {
            "not a Wasm module (no \\0asm magic number)".to_owned()
        } else {
            msg.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        let p = Problem { offset, msg, ctx };
        // One problem per offset: the validator and our own reading may trip over the same bytes.
        if p.offset.is_some() && self.r.problems.iter().any(|q| q.offset == p.offset) {
            return;
        }
        self.r.problems.push(p);
    }

    fn func_type(&self, type_idx: u32) -> Option<&FuncType> {
        self.types.get(type_idx as usize).and_then(|t| t.as_ref())
    }

    fn payload(&mut self, payload: &Payload<'_>) -> wasmparser::Result<()> {
        match payload {
            Payload::TypeSection(s) => {
                for rg in s.clone() {
                    for st in rg?.types() {
                        self.types.push(match &st.composite_type.inner {
                            CompositeInnerType::Func(f) => Some(f.clone()),
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(s) => {
                for imp in s.clone().into_imports_with_offsets() {
                    let (off, imp) = imp?;
                    self.import(off, &imp);
                }
            }
            Payload::FunctionSection(s) => {
                for t in s.clone() {
                    self.func_types.push(t?);
                    self.r.functions += 1;
                }
            }
            Payload::MemorySection(s) => {
                for m in s.clone().into_iter_with_offsets() {
                    let (off, m) = m?;
                    if self.r.memory_pages.is_none() {
                        self.r.memory_pages = Some(m.initial);
                        self.r.memory_max = m.maximum;
                        if m.initial > u64::from(MAX_MEM_PAGES) {
                            self.problem(
                                Some(off),
                                format!(
                                    "memory needs {} pages of 64 KiB initially; LOAD allows at most {MAX_MEM_PAGES}",
                                    m.initial
                                ),
                                Ctx::None,
                            );
                        }
                    }
                }
            }
            Payload::ExportSection(s) => {
                for e in s.clone().into_iter_with_offsets() {
                    let (off, e) = e?;
                    self.exports.push((e.name.to_owned(), e.kind, e.index, off));
                    let kind = match e.kind {
                        ExternalKind::Func => "func",
                        ExternalKind::Memory => "memory",
                        ExternalKind::Table => "table",
                        ExternalKind::Global => "global",
                        _ => "other",
                    };
                    self.r.exports.push((e.name.to_owned(), kind));
                }
            }
            Payload::CodeSectionStart { size, .. } => self.r.code_size = u64::from(*size),
            Payload::CustomSection(c) if c.name() == maps::SECTION => {
                self.maps_sections += 1;
                let ctx = Ctx::Section(maps::SECTION.to_owned());
                if self.maps_sections > 1 {
                    self.problem(
                        Some(c.range().start),
                        "more than one wasmhook.maps section",
                        ctx,
                    );
                    return Ok(());
                }
                self.maps_at = Some(c.data_offset());
                match MapDecls::parse(c.data()) {
                    Ok(d) => {
                        if d.len() > MAX_MAPS as usize {
                            self.problem(Some(c.data_offset()), "more than 16 maps declared", ctx);
                        }
                        self.r.maps = Some(d);
                    }
                    Err(e) => self.problem(Some(c.data_offset() + e.offset as u64), e.msg, ctx),
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn import(&mut self, off: u64, imp: &wasmparser::Import<'_>) {
        let ctx = Ctx::Import(imp.module.to_owned(), imp.name.to_owned());
        let ty = match imp.ty {
            TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                self.func_types.push(t);
                self.func_type(t)
                    .map(fmt_func)
                    .unwrap_or_else(|| "func".to_owned())
            }
            TypeRef::Memory(_) => "memory".to_owned(),
            TypeRef::Table(_) => "table".to_owned(),
            TypeRef::Global(_) => "global".to_owned(),
            TypeRef::Tag(_) => "tag".to_owned(),
        };
        self.r.imports.push(ImportInfo {
            module: imp.module.to_owned(),
            name: imp.name.to_owned(),
            ty: ty.clone(),
        });
        let off = Some(off);
        if imp.module != IMPORT_MODULE {
            self.problem(
                off,
                format!(
                    "import from module `{}`: hooks may import only from `{IMPORT_MODULE}`",
                    imp.module
                ),
                ctx,
            );
            return;
        }
        let t = match imp.ty {
            TypeRef::Func(t) | TypeRef::FuncExact(t) => t,
            _ => {
                let what = if ty == "memory" {
                    "; the module must define its own memory"
                } else {
                    ""
                };
                self.problem(
                    off,
                    format!("imported {ty}: a hook may import only functions{what}"),
                    ctx,
                );
                return;
            }
        };
        let Some(h) = host_fn(imp.name) else {
            self.problem(
                off,
                format!("unknown host function `{}` (not in Hook ABI v2)", imp.name),
                ctx,
            );
            return;
        };
        if let (Some(id), Some(o)) = (HOST_FNS.iter().position(|f| f.name == h.name), off) {
            self.host_imports.push((id as u32, h.name.to_owned(), o));
        }
        let Some(f) = self.func_type(t) else { return };
        let params: Option<Vec<ValType>> = f.params().iter().map(vt).collect();
        let results: Option<Vec<ValType>> = f.results().iter().map(vt).collect();
        if params.as_deref() != Some(h.params) || results.as_deref() != Some(h.results) {
            let msg = format!(
                "host function `{}` has type {}, the Hook ABI says {}",
                h.name,
                fmt_func(f),
                fmt_abi(h.params, h.results)
            );
            self.problem(off, msg, ctx);
        }
    }

    fn finish(&mut self, hook: Option<HookKind>, complete: bool) {
        let has = |name: &str| self.exports.iter().any(|e| e.0 == name);
        let entries: Vec<&str> = [XDP_ENTRY, KPROBE_ENTRY, TC_ENTRY, TRACEPOINT_ENTRY]
            .into_iter()
            .filter(|e| has(e))
            .collect();
        let kind = match (hook, entries.as_slice()) {
            (Some(k), _) => Some(k),
            (None, [one]) => [
                HookKind::Xdp,
                HookKind::Kprobe,
                HookKind::Tc,
                HookKind::Tracepoint,
            ]
            .into_iter()
            .find(|k| k.entry() == *one),
            (None, []) => {
                if complete {
                    self.problem(
                        None,
                        "no entry point: a hook exports `xdp`, `tc`, `kprobe` or `tracepoint` with type (i32) -> i32",
                        Ctx::None,
                    );
                }
                None
            }
            (None, several) => {
                if complete {
                    let names: Vec<String> = several.iter().map(|e| format!("`{e}`")).collect();
                    self.problem(
                        None,
                        format!(
                            "exports {}: choose the hook kind with --hook",
                            join_both(&names)
                        ),
                        Ctx::None,
                    );
                }
                None
            }
        };
        self.r.kind = kind;
        if let Some(k) = kind {
            for (id, name, off) in self.host_imports.clone() {
                if !k.may_import(id) {
                    self.problem(
                        Some(off),
                        format!(
                            "host function `{name}` is not available to {} hooks (a tracepoint \
                             has no registers and no packet: read the record with ctx_read)",
                            kind_name(k)
                        ),
                        Ctx::Import(IMPORT_MODULE.to_owned(), name),
                    );
                }
            }
            let devmap = self
                .r
                .maps
                .as_ref()
                .and_then(|m| m.iter().find(|d| d.map_type.is_devmap()));
            if let (Some(d), false) = (devmap, k == HookKind::Xdp) {
                let msg = format!(
                    "map `{}` is a {}, which only XDP hooks may declare (redirect_map redirects \
                     XDP frames; a {} hook redirects with redirect)",
                    d.name(),
                    d.map_type.name(),
                    kind_name(k)
                );
                self.problem(self.maps_at, msg, Ctx::Section(maps::SECTION.to_owned()));
            }
            let entry = k.entry();
            match self.exports.iter().find(|e| e.0 == entry).cloned() {
                None if complete => self.problem(
                    None,
                    format!(
                        "no `{entry}` export: the entry of a {} hook, type (i32) -> i32",
                        kind_name(k)
                    ),
                    Ctx::None,
                ),
                None => {}
                Some((name, ExternalKind::Func, idx, off)) => {
                    let ft = self
                        .func_types
                        .get(idx as usize)
                        .copied()
                        .and_then(|t| self.func_type(t))
                        .cloned();
                    if let Some(f) = ft {
                        let ok = matches!(f.params(), [wasmparser::ValType::I32])
                            && matches!(f.results(), [wasmparser::ValType::I32]);
                        if !ok {
                            let msg = format!(
                                "entry `{entry}` has type {}, the Hook ABI wants (i32) -> i32",
                                fmt_func(&f)
                            );
                            self.problem(Some(off), msg, Ctx::Export(name));
                        }
                    }
                }
                Some((name, _, _, off)) => {
                    self.problem(
                        Some(off),
                        format!("entry `{entry}` is not a function"),
                        Ctx::Export(name),
                    );
                }
            }
        }
        if complete && self.r.memory_pages.is_none() {
            let imported = self.r.imports.iter().any(|i| i.ty == "memory");
            if !imported {
                self.problem(None, "no memory: a hook must define a linear memory (host functions read and write it)", Ctx::None);
            }
        }
    }
}

/// Checks `bytes` as a hook of kind `hook` (inferred from the exports when `None`).
pub fn check(bytes: &[u8], hook: Option<HookKind>) -> Report {
    let mut c = Collect {
        r: Report {
            total_size: bytes.len() as u64,
            ..Report::default()
        },
        types: Vec::new(),
        func_types: Vec::new(),
        exports: Vec::new(),
        host_imports: Vec::new(),
        maps_sections: 0,
        maps_at: None,
    };
    if bytes.len() > MAX_WASM_BYTES as usize {
        c.problem(
            None,
            format!(
                "module is {} bytes; LOAD accepts at most {MAX_WASM_BYTES}",
                bytes.len()
            ),
            Ctx::None,
        );
    }
    if bytes.is_empty() {
        c.problem(Some(0), "empty file, not a Wasm module", Ctx::None);
        return c.r;
    }
    if bytes.starts_with(b"\x7fELF") {
        c.problem(
            Some(0),
            "not a Wasm module: an ELF object (`wasm2hook inspect` reads hook objects)",
            Ctx::None,
        );
        return c.r;
    }
    let mut validator = Validator::new_with_features(engine_features());
    let mut validating = true;
    let mut complete = false;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = match payload {
            Ok(p) => p,
            Err(e) => {
                c.problem(Some(e.offset()), e.message(), Ctx::None);
                break;
            }
        };
        if validating {
            match validator.payload(&payload) {
                Ok(ValidPayload::Func(fv, body)) => {
                    let mut fv = fv.into_validator(Default::default());
                    if let Err(e) = fv.validate(&body) {
                        c.problem(Some(e.offset()), e.message(), Ctx::None);
                        validating = false;
                    }
                }
                Ok(ValidPayload::End(_)) => complete = true,
                Ok(_) => {}
                Err(e) => {
                    c.problem(Some(e.offset()), e.message(), Ctx::None);
                    validating = false;
                }
            }
        } else if matches!(payload, Payload::End(_)) {
            complete = true;
        }
        if let Err(e) = c.payload(&payload) {
            c.problem(Some(e.offset()), e.message(), Ctx::None);
        }
    }
    c.finish(hook, complete);
    c.r.problems.sort_by_key(|p| p.offset.unwrap_or(u64::MAX));
    c.r
}

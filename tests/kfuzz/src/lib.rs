//! Inputs of the in-kernel fuzz run (`scripts/test-kfuzz`, guest side `tests/vm/kfuzz.sh`).
//!
//! Every input is a Wasm binary plus the LOAD settings the guest sends with it, all derived
//! deterministically from `(seed, index)`:
//!
//! - **smith**: wasm-smith modules limited to Hook ABI v1: the only imports available are the
//!   host functions of `wasmhook` ([`HOST_FNS`], exact signatures), the required export is `xdp`
//!   or `kprobe` of type (i32)->i32, one memory sized around the LOAD memory limit, start
//!   functions allowed (they may call host functions);
//! - **abi**: modules built here that call host functions with edge-case arguments (map indices
//!   out of range, lengths 0/256/257/huge, offsets at and past the memory end, kprobe argument
//!   numbers out of range), from the entry and often from a start function, in loops bounded only
//!   by fuel;
//! - **limits**: modules at and one past the engine's limits (block nesting, locals, br_table
//!   targets, call depth, functions, globals, table elements, a module near 1 MiB);
//! - **invalid** (wasm-smith with invalid function bodies), **mutated** (a few bytes changed),
//!   **truncated** and **garbage** binaries;
//! - settings: fuel (tiny, default, the maximums and one over), memory limit (0..=17 pages),
//!   trap verdict (valid and not), hook kind (sometimes not matching the export, sometimes an
//!   unknown value), a REPLACE flag or unknown flags, which of the guest's trampolines (map set)
//!   runs it, and how many packets.
//!
//! The generator also predicts the kernel's answer to each LOAD with the same engine in user
//! space (`expect`): the kernel compiles the same source, so a disagreement is a finding.

use arbitrary::Unstructured;
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, DataSection, EntityType, ExportKind, ExportSection,
    Function, FunctionSection, ImportSection, MemArg, MemArgTarget, MemorySection, MemoryType,
    Module, StartSection, TypeSection, ValType as EncTy,
};
use wasmhook_engine::{Instance, Limits, Module as EngineModule, ValType};
use wasmhook_hook_abi::{uapi, AbiHost, AbiImports, HookEnv, HookKind, HOST_FNS};

/// SplitMix64, as fuzz-diff uses: seeds, choices and byte streams.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for one stream.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (0 if `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
    /// True with probability `num/den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }
    /// One element of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// How an input's bytes were produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// wasm-smith, Hook ABI v1 shape.
    Smith,
    /// Host-function edge cases, built here.
    Abi,
    /// wasm-smith with invalid function bodies allowed.
    Invalid,
    /// A smith or abi module with a few bytes changed.
    Mutated,
    /// A smith or abi module cut short.
    Truncated,
    /// Random bytes (sometimes behind a valid header).
    Garbage,
    /// At and just past the engine's limits: nesting, locals, br_table size, call depth,
    /// functions, globals, table size, a module near MAX_WASM_BYTES.
    Limits,
}

impl Kind {
    /// Name in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Smith => "smith",
            Kind::Abi => "abi",
            Kind::Invalid => "invalid",
            Kind::Mutated => "mutated",
            Kind::Truncated => "truncated",
            Kind::Garbage => "garbage",
            Kind::Limits => "limits",
        }
    }
}

/// One input: the binary and the LOAD settings.
#[derive(Clone, Debug)]
pub struct Input {
    /// Position in the run.
    pub index: u64,
    /// How the bytes were made.
    pub kind: Kind,
    /// The Wasm binary (or garbage).
    pub wasm: Vec<u8>,
    /// `LoadReq::hook` (1 xdp, 2 kprobe, sometimes something else).
    pub hook: u32,
    /// `LoadReq::fuel`.
    pub fuel: u64,
    /// `LoadReq::mem_pages`.
    pub mem_pages: u32,
    /// `LoadReq::on_trap`.
    pub on_trap: u32,
    /// `LoadReq::flags` (1 = REPLACE: the guest names one of its live slots).
    pub flags: u32,
    /// Which trampoline (map set) of the guest runs it.
    pub mapset: u32,
    /// Packets per run (BPF_PROG_TEST_RUN repeat) or kprobe triggers.
    pub repeat: u32,
    /// The user-space engine's prediction of LOAD: accepted or refused.
    pub expect_ok: bool,
}

/// Map sets the guest offers (trampolines with different maps bound); see tests/vm/kfuzz.sh.
pub const MAPSETS: u32 = 4;

/// The import module every generated module may import from: all of Hook ABI v1.
pub fn abi_imports_module() -> Vec<u8> {
    let mut m = Module::new();
    let mut types = TypeSection::new();
    let mut imports = ImportSection::new();
    for (i, f) in HOST_FNS.iter().enumerate() {
        types
            .ty()
            .function(f.params.iter().map(enc), f.results.iter().map(enc));
        imports.import("wasmhook", f.name, EntityType::Function(i as u32));
    }
    m.section(&types).section(&imports);
    m.finish()
}

/// A module that only exports the entry `name` of type (i32)->i32 (wasm-smith's `exports`).
pub fn entry_export_module(name: &str) -> Vec<u8> {
    let mut m = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([EncTy::I32], [EncTy::I32]);
    let mut funcs = FunctionSection::new();
    funcs.function(0);
    let mut exports = ExportSection::new();
    exports.export(name, ExportKind::Func, 0);
    let mut code = CodeSection::new();
    let mut f = Function::new([]);
    f.instructions().i32_const(2).end();
    code.function(&f);
    m.section(&types)
        .section(&funcs)
        .section(&exports)
        .section(&code);
    m.finish()
}

fn enc(t: &ValType) -> EncTy {
    match t {
        ValType::I32 => EncTy::I32,
        ValType::I64 => EncTy::I64,
        ValType::F32 => EncTy::F32,
        ValType::F64 => EncTy::F64,
        _ => EncTy::FUNCREF,
    }
}

/// wasm-smith configured for hooks: ABI imports only, the entry export, our feature set.
pub fn smith_config(entry: &str, mem_limit: u32, invalid: bool) -> wasm_smith::Config {
    wasm_smith::Config {
        available_imports: Some(abi_imports_module()),
        exports: Some(entry_export_module(entry)),
        max_imports: HOST_FNS.len(),
        sign_extension_ops_enabled: true,
        saturating_float_to_int_enabled: true,
        multi_value_enabled: true,
        bulk_memory_enabled: true,
        reference_types_enabled: true,
        allow_floats: true,
        simd_enabled: false,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        tail_call_enabled: false,
        gc_enabled: false,
        exceptions_enabled: false,
        memory64_enabled: false,
        custom_page_sizes_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        custom_descriptors_enabled: false,
        compact_imports_enabled: false,
        acquire_release_atomics_enabled: false,
        multibyte_array_access_enabled: false,
        max_memories: 1,
        // around the LOAD limit: sometimes one page too many (LOAD must refuse it)
        max_memory32_bytes: u64::from(mem_limit + 1) * 65536,
        max_tables: 2,
        max_table_elements: 1000,
        min_funcs: 1,
        max_funcs: 30,
        max_globals: 30,
        max_instructions: 300,
        max_data_segments: 10,
        max_element_segments: 10,
        max_elements: 50,
        max_types: 30,
        max_nesting_depth: 12,
        allow_start_export: true,
        canonicalize_nans: false,
        allow_invalid_funcs: invalid,
        ..wasm_smith::Config::default()
    }
}

/// Interesting i32 arguments for host functions (offsets, pointers, lengths, map indices).
const I32S: &[i32] = &[
    0,
    1,
    2,
    3,
    -1,
    4,
    8,
    13,
    14,
    20,
    34,
    42,
    64,
    128,
    255,
    256,
    257,
    1500,
    4096,
    65531,
    65532,
    65535,
    65536,
    65537,
    131072,
    16 * 65536 - 4,
    16 * 65536,
    i32::MAX,
    i32::MIN,
    -256,
];

fn arg_i32(rng: &mut Rng) -> i32 {
    if rng.chance(1, 6) {
        rng.next_u64() as i32
    } else {
        rng.pick(I32S)
    }
}

/// Pushes a call of host function `id` (import `import_index`) with edge-case arguments.
fn push_host_call(rng: &mut Rng, f: &mut Function, id: u32, import_index: u32) {
    let hf = &HOST_FNS[id as usize];
    let mut sink = f.instructions();
    for (k, p) in hf.params.iter().enumerate() {
        match p {
            ValType::I64 => {
                // only map_update's flags: BPF_ANY/NOEXIST/EXIST and junk
                let v = rng.pick(&[0i64, 1, 2, 3, -1, 1 << 40]);
                sink.i64_const(v);
            }
            _ => {
                // first argument of the map functions is the map index: mostly 0..2
                let v = if k == 0 && (6..=8).contains(&id) && rng.chance(3, 4) {
                    rng.below(4) as i32
                } else if id == 11 && rng.chance(3, 4) {
                    rng.below(8) as i32
                } else {
                    arg_i32(rng)
                };
                sink.i32_const(v);
            }
        }
    }
    sink.call(import_index);
    for _ in hf.results.iter() {
        sink.drop();
    }
}

fn memarg() -> MemArg {
    MemArg {
        offset: 0,
        align: 2,
        target: MemArgTarget::Memory(0),
        ordering: None,
    }
}

/// A module that exercises the host functions at their edges.
pub fn abi_module(rng: &mut Rng, entry: &str, mem_limit: u32) -> Vec<u8> {
    let mut m = Module::new();
    let mut types = TypeSection::new();
    let mut imports = ImportSection::new();
    // host fn types 0..12, then entry (i32)->i32 = 12, start ()->() = 13
    for f in HOST_FNS.iter() {
        types
            .ty()
            .function(f.params.iter().map(enc), f.results.iter().map(enc));
    }
    types.ty().function([EncTy::I32], [EncTy::I32]);
    types.ty().function([], []);
    // a random subset of imports in random order; `imported[k]` = host id of import k
    let mut imported: Vec<u32> = Vec::new();
    let all = rng.chance(1, 3);
    let mut order: Vec<u32> = (0..HOST_FNS.len() as u32).collect();
    for i in (1..order.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        order.swap(i, j);
    }
    for id in order {
        if all || rng.chance(1, 2) {
            imports.import(
                "wasmhook",
                HOST_FNS[id as usize].name,
                EntityType::Function(id),
            );
            imported.push(id);
        }
    }
    if imported.is_empty() {
        imports.import("wasmhook", HOST_FNS[6].name, EntityType::Function(6));
        imported.push(6);
    }
    let nimp = imported.len() as u32;
    let has_start = rng.chance(1, 2);
    let mut funcs = FunctionSection::new();
    funcs.function(12);
    if has_start {
        funcs.function(13);
    }
    // memory: usually within the limit, sometimes none, sometimes exactly one page over
    let mut mems = MemorySection::new();
    let has_mem = !rng.chance(1, 10);
    let min_pages = match rng.below(8) {
        0 => 0,
        1 => mem_limit,
        2 => mem_limit + 1,
        _ => rng.below(u64::from(mem_limit.min(3)) + 1) as u32,
    };
    if has_mem {
        let max = if rng.chance(1, 2) {
            Some(u64::from(min_pages) + rng.below(4))
        } else {
            None
        };
        mems.memory(MemoryType {
            minimum: u64::from(min_pages),
            maximum: max,
            memory64: false,
            shared: false,
            page_size_log2: None,
        });
    }
    let mut exports = ExportSection::new();
    exports.export(entry, ExportKind::Func, nimp);
    if rng.chance(1, 8) {
        // both entries: the hook kind decides which one runs
        let other = if entry == "xdp" { "kprobe" } else { "xdp" };
        exports.export(other, ExportKind::Func, nimp);
    }
    if has_mem && rng.chance(1, 4) {
        exports.export("memory", ExportKind::Memory, 0);
    }
    let mut code = CodeSection::new();
    // entry: local 1 = loop counter
    let mut f = Function::new([(1, EncTy::I32)]);
    let loop_iters = match rng.below(6) {
        0 => Some(-1i32), // until fuel runs out
        1 => Some(1 + rng.below(50) as i32),
        _ => None,
    };
    if let Some(n) = loop_iters {
        f.instructions()
            .i32_const(n)
            .local_set(1)
            .loop_(BlockType::Empty);
    }
    let calls = if has_mem || rng.chance(1, 2) {
        1 + rng.below(12)
    } else {
        0
    };
    for _ in 0..calls {
        let k = rng.below(u64::from(nimp)) as u32;
        push_host_call(rng, &mut f, imported[k as usize], k);
        if has_mem && rng.chance(1, 6) {
            // a store somewhere near the end of memory: may trap
            let at = rng.pick(&[0i32, 4, 65532, 65536, (min_pages as i32) * 65536 - 4]);
            f.instructions()
                .i32_const(at)
                .i32_const(arg_i32(rng))
                .i32_store(memarg());
        }
        if has_mem && rng.chance(1, 10) {
            f.instructions().i32_const(1).memory_grow(0).drop();
        }
    }
    if loop_iters.is_some() {
        f.instructions()
            .local_get(1)
            .i32_const(1)
            .i32_sub()
            .local_tee(1)
            .br_if(0)
            .end();
    }
    // verdict: mostly 0..3, sometimes out of range, sometimes the packet length or a host result
    match rng.below(8) {
        0 => {
            f.instructions().local_get(0);
        }
        1 => {
            f.instructions().i32_const(rng.pick(&[-1, 4, 5, 1 << 20]));
        }
        2 if has_mem => {
            f.instructions().i32_const(0).i32_load(memarg());
        }
        _ => {
            f.instructions().i32_const(rng.below(4) as i32);
        }
    }
    f.instructions().end();
    code.function(&f);
    if has_start {
        let mut s = Function::new([]);
        for _ in 0..1 + rng.below(8) {
            let k = rng.below(u64::from(nimp)) as u32;
            push_host_call(rng, &mut s, imported[k as usize], k);
        }
        if rng.chance(1, 10) {
            s.instructions().unreachable();
        }
        s.instructions().end();
        code.function(&s);
    }
    let mut data = DataSection::new();
    if has_mem && min_pages > 0 && rng.chance(1, 2) {
        let bytes: Vec<u8> = (0..1 + rng.below(300))
            .map(|_| rng.next_u64() as u8)
            .collect();
        data.active(0, &ConstExpr::i32_const(0), bytes);
    }
    m.section(&types).section(&imports).section(&funcs);
    if has_mem {
        m.section(&mems);
    }
    m.section(&exports);
    if has_start {
        m.section(&StartSection {
            function_index: nimp + 1,
        });
    }
    m.section(&code);
    if !data.is_empty() {
        m.section(&data);
    }
    m.finish()
}

/// A module at (or one past) one of the engine's limits, entry `entry`.
pub fn limits_module(rng: &mut Rng, entry: &str) -> Vec<u8> {
    let mut m = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([EncTy::I32], [EncTy::I32]);
    types.ty().function([], []);
    let mut funcs = FunctionSection::new();
    let mut code = CodeSection::new();
    let mut tables = None;
    let mut globals = None;
    let around = |rng: &mut Rng, limit: u32| limit - 1 + rng.below(3) as u32;
    // the 1 MiB module (case 7) is rare: it makes the initramfs big
    let k = rng.below(29);
    match if k < 28 { k / 4 } else { 7 } {
        0 => {
            // nested blocks around MAX_CONTROL_DEPTH (1024), and far past it
            let depth = if rng.chance(1, 4) {
                20_000
            } else {
                around(rng, 1024)
            };
            let mut f = Function::new([]);
            for _ in 0..depth {
                f.instructions().block(BlockType::Empty);
            }
            for _ in 0..depth {
                f.instructions().end();
            }
            f.instructions().i32_const(2).end();
            funcs.function(0);
            code.function(&f);
        }
        1 => {
            // locals around MAX_LOCALS (50 000): more than the value stack holds
            let n = around(rng, 50_000) - 1;
            let mut f = Function::new([(n, EncTy::I64)]);
            f.instructions().i32_const(2).end();
            funcs.function(0);
            code.function(&f);
        }
        2 => {
            // br_table around MAX_BR_TABLE (65 536) targets
            let n = around(rng, 65_536);
            let mut f = Function::new([]);
            f.instructions()
                .block(BlockType::Empty)
                .local_get(0)
                .br_table(std::iter::repeat_n(0, n as usize), 0)
                .end()
                .i32_const(2)
                .end();
            funcs.function(0);
            code.function(&f);
        }
        3 => {
            // a chain of calls deeper than the call stack (512 frames)
            let n = 600 + rng.below(400) as u32;
            for k in 0..n {
                funcs.function(0);
                let mut f = Function::new([]);
                if k + 1 < n {
                    f.instructions().local_get(0).call(k + 1).end();
                } else {
                    f.instructions().i32_const(2).end();
                }
                code.function(&f);
            }
        }
        4 => {
            // many functions (MAX_FUNCTIONS is 100 000; the module size bounds us first)
            let n = 5_000 + rng.below(25_000) as u32;
            for _ in 0..n {
                funcs.function(0);
                let mut f = Function::new([]);
                f.instructions().i32_const(2).end();
                code.function(&f);
            }
        }
        5 => {
            // many globals (instance bytes grow)
            let n = 5_000 + rng.below(15_000) as u32;
            let mut g = wasm_encoder::GlobalSection::new();
            for k in 0..n {
                g.global(
                    wasm_encoder::GlobalType {
                        val_type: EncTy::I64,
                        mutable: true,
                        shared: false,
                    },
                    &ConstExpr::i64_const(i64::from(k)),
                );
            }
            globals = Some(g);
            let mut f = Function::new([]);
            f.instructions().i32_const(2).end();
            funcs.function(0);
            code.function(&f);
        }
        6 => {
            // a table around the 4096-element limit
            let n = around(rng, 4096);
            let mut t = wasm_encoder::TableSection::new();
            t.table(wasm_encoder::TableType {
                element_type: wasm_encoder::RefType::FUNCREF,
                table64: false,
                minimum: u64::from(n),
                maximum: if rng.chance(1, 2) {
                    Some(u64::from(n))
                } else {
                    None
                },
                shared: false,
            });
            tables = Some(t);
            let mut f = Function::new([]);
            f.instructions().i32_const(2).end();
            funcs.function(0);
            code.function(&f);
        }
        _ => {
            // one body of 3-byte `i32.const 0; drop` pairs: the module just under or over
            // MAX_WASM_BYTES (1 MiB)
            let pairs = 349_400 + rng.below(400) as usize;
            let mut f = Function::new([]);
            for _ in 0..pairs {
                f.instructions().i32_const(0).drop();
            }
            f.instructions().i32_const(2).end();
            funcs.function(0);
            code.function(&f);
        }
    }
    let mut exports = ExportSection::new();
    exports.export(entry, ExportKind::Func, 0);
    m.section(&types).section(&funcs);
    if let Some(t) = &tables {
        m.section(t);
    }
    if let Some(g) = &globals {
        m.section(g);
    }
    m.section(&exports).section(&code);
    m.finish()
}

fn smith_module(rng: &mut Rng, entry: &str, mem_limit: u32, invalid: bool) -> Option<Vec<u8>> {
    let len = 512 + rng.below(8192) as usize;
    let bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
    let mut u = Unstructured::new(&bytes);
    let mut cfg = smith_config(entry, mem_limit, invalid);
    cfg.memory_max_size_required = rng.chance(1, 2);
    if rng.chance(1, 4) {
        cfg.max_instructions = 1500;
        cfg.max_nesting_depth = 40;
    }
    let m = wasm_smith::Module::new(cfg, &mut u).ok()?;
    Some(m.to_bytes())
}

/// Generates input `index` of the run seeded with `seed`.
pub fn make_input(seed: u64, index: u64) -> Input {
    let mut rng = Rng::new(seed ^ index.wrapping_mul(0xa076_1d64_78bd_642f) ^ 0x6b66_757a);
    let kprobe = rng.chance(1, 4);
    let entry = if kprobe { "kprobe" } else { "xdp" };
    let mem_pages = match rng.below(10) {
        0 => 0,
        1 => uapi::MAX_MEM_PAGES,
        2 if rng.chance(1, 4) => uapi::MAX_MEM_PAGES + 1,
        _ => 1 + rng.below(4) as u32,
    };
    let mem_limit = match mem_pages {
        0 => uapi::DEFAULT_MEM_PAGES,
        p => p.min(uapi::MAX_MEM_PAGES),
    };
    let kind = match rng.below(40) {
        0..=15 => Kind::Smith,
        16..=24 => Kind::Abi,
        25..=28 => Kind::Invalid,
        29..=32 => Kind::Mutated,
        33..=35 => Kind::Truncated,
        36 | 37 => Kind::Garbage,
        _ => Kind::Limits,
    };
    let base = |rng: &mut Rng| -> Vec<u8> {
        if rng.chance(1, 2) {
            if let Some(w) = smith_module(rng, entry, mem_limit, false) {
                return w;
            }
        }
        abi_module(rng, entry, mem_limit)
    };
    let wasm = match kind {
        Kind::Smith => {
            smith_module(&mut rng, entry, mem_limit, false).unwrap_or_else(|| base(&mut rng))
        }
        Kind::Abi => abi_module(&mut rng, entry, mem_limit),
        Kind::Limits => limits_module(&mut rng, entry),
        Kind::Invalid => {
            smith_module(&mut rng, entry, mem_limit, true).unwrap_or_else(|| base(&mut rng))
        }
        Kind::Mutated => {
            let mut w = base(&mut rng);
            for _ in 0..1 + rng.below(6) {
                let at = rng.below(w.len() as u64) as usize;
                match rng.below(4) {
                    0 => w[at] ^= 1 << rng.below(8),
                    1 => w[at] = rng.pick(&[0, 0x7f, 0x80, 0xff]),
                    2 => w.insert(at, rng.next_u64() as u8),
                    _ => {
                        w.remove(at);
                    }
                }
                if w.is_empty() {
                    break;
                }
            }
            w
        }
        Kind::Truncated => {
            let w = base(&mut rng);
            let cut = rng.below(w.len() as u64) as usize;
            w[..cut].to_vec()
        }
        Kind::Garbage => {
            let n = rng.pick(&[1u64, 4, 8, 9, 64, 1000, 70_000]);
            let n = 1 + rng.below(n) as usize;
            let mut w: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
            if rng.chance(1, 2) {
                let hdr = [0u8, b'a', b's', b'm', 1, 0, 0, 0];
                w.splice(0..0, hdr);
            }
            w
        }
    };
    let mut hook = HookKind::from_u32(if kprobe { 2 } else { 1 })
        .map(HookKind::to_u32)
        .unwrap_or(1);
    if rng.chance(1, 25) {
        // the other kind than the module was made for, or no kind at all
        hook = rng.pick(&[1, 2, 0, 3, 4, 0xffff_ffff]);
    }
    let max_fuel = if hook == 2 || hook == 4 {
        uapi::MAX_KPROBE_FUEL
    } else {
        uapi::MAX_FUEL
    };
    let fuel = match rng.below(40) {
        0 => max_fuel,
        1 => max_fuel + 1,
        2..=5 => 1 + rng.below(200),
        6..=9 => 0,
        10..=13 => 1000 + rng.below(20_000),
        _ => uapi::DEFAULT_FUEL,
    };
    let on_trap = match rng.below(12) {
        0 => rng.pick(&[4u32, 5, 0xffff_ffff]),
        _ => rng.below(4) as u32,
    };
    let flags = match rng.below(30) {
        0..=2 => uapi::LOAD_REPLACE,
        3 => rng.pick(&[2u32, 0x80, 0x8000_0000]),
        _ => 0,
    };
    let mapset = rng.below(u64::from(MAPSETS)) as u32;
    // a big fuel budget makes every run slow under TCG: then few packets
    let repeat = if fuel > 1_000_000 || fuel == max_fuel + 1 {
        1
    } else {
        let most = if rng.chance(1, 5) { 200 } else { 8 };
        1 + rng.below(most) as u32
    };
    let mut input = Input {
        index,
        kind,
        wasm,
        hook,
        fuel,
        mem_pages,
        on_trap,
        flags,
        mapset,
        repeat,
        expect_ok: false,
    };
    input.expect_ok = predict_load(&input);
    input
}

/// What the host functions see while a start function runs at LOAD: nothing.
#[derive(Debug)]
struct NoContext;

impl HookEnv for NoContext {
    fn packet(&mut self) -> &mut [u8] {
        &mut []
    }
    fn map_sizes(&mut self, _: u32) -> Option<(usize, usize)> {
        None
    }
    fn map_lookup(&mut self, _: u32, _: &[u8], _: &mut [u8]) -> i32 {
        -22
    }
    fn map_update(&mut self, _: u32, _: &[u8], _: &[u8], _: u64) -> i32 {
        -22
    }
    fn map_delete(&mut self, _: u32, _: &[u8]) -> i32 {
        -22
    }
    fn ktime_ns(&mut self) -> u64 {
        0
    }
    fn trace(&mut self, _: &[u8]) {}
    fn kprobe_arg(&mut self, _: u32) -> u64 {
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

/// Whether the module's LOAD should succeed (settings in range, a REPLACE aside, which depends
/// on the guest's slots): validation, compilation, the entry check and instantiation (start
/// function, segments) with the engine the kernel compiles, in user space.
pub fn predict_load(i: &Input) -> bool {
    let Some(hook) = HookKind::from_u32(i.hook) else {
        return false;
    };
    let max_fuel = match hook {
        HookKind::Kprobe | HookKind::Tracepoint => uapi::MAX_KPROBE_FUEL,
        HookKind::Xdp | HookKind::Tc => uapi::MAX_FUEL,
    };
    if i.fuel > max_fuel
        || i.mem_pages > uapi::MAX_MEM_PAGES
        || !hook.valid_on_trap(i.on_trap as i32)
        || i.flags & !uapi::LOAD_REPLACE != 0
        || i.wasm.is_empty()
        || i.wasm.len() > uapi::MAX_WASM_BYTES as usize
    {
        return false;
    }
    let fuel = if i.fuel == 0 {
        uapi::DEFAULT_FUEL
    } else {
        i.fuel
    };
    let pages = if i.mem_pages == 0 {
        uapi::DEFAULT_MEM_PAGES
    } else {
        i.mem_pages
    };
    let limits = Limits {
        max_memory_pages: pages,
        ..Limits::DEFAULT
    };
    let Ok(plan) = wasmhook_engine::plan(&i.wasm, &limits, &AbiImports) else {
        return false;
    };
    let mut code = vec![0u8; plan.module_bytes];
    let Ok(module) = EngineModule::compile(&i.wasm, &limits, &AbiImports, &mut code) else {
        return false;
    };
    let Some(entry) = module.export_func(hook.entry()) else {
        return false;
    };
    let mut f = 0u32;
    while let Some(id) = module.func_host_id(f) {
        if !hook.may_import(id) {
            return false;
        }
        f += 1;
    }
    match module.func_type(entry) {
        Some((p, r)) if p == [ValType::I32] && r == [ValType::I32] => {}
        _ => return false,
    }
    let mut mem = vec![0u8; module.instance_bytes()];
    let mut fuel_left = fuel;
    let mut host = AbiHost(NoContext);
    Instance::new(&module, &mut mem, &mut fuel_left, &mut host).is_ok()
}

/// The manifest line of an input (read by `kfuzz-guest run`).
pub fn manifest_line(i: &Input) -> String {
    format!(
        "{} {} {} {} {} {} {} {} {} {} {:05}.wasm",
        i.index,
        i.kind.name(),
        i.hook,
        i.fuel,
        i.mem_pages,
        i.on_trap,
        i.flags,
        i.mapset,
        i.repeat,
        if i.expect_ok { "ok" } else { "refuse" },
        i.index
    )
}

/// Test packets for BPF_PROG_TEST_RUN: Ethernet/IPv4 ICMP and UDP of several sizes, runts
/// (14 bytes, the minimum XDP test runs take), a VLAN tag, and random bytes.
pub fn packets(seed: u64, n: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed ^ 0x7061_636b);
    let mut out = Vec::new();
    for k in 0..n {
        let len = match k % 6 {
            0 => 14,
            1 => 42,
            2 => 60 + rng.below(40) as usize,
            3 => 98,
            4 => 200 + rng.below(1300) as usize,
            _ => 1514 + rng.below(1500) as usize,
        };
        let mut p: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
        if k % 7 != 6 && len >= 34 {
            // Ethernet + IPv4 header, protocol ICMP or UDP, ICMP echo request/reply
            p[12] = 0x08;
            p[13] = 0x00;
            if k % 5 == 4 {
                p[12] = 0x81; // VLAN
            }
            p[14] = 0x45;
            p[23] = if k % 2 == 0 { 1 } else { 17 };
            if p[23] == 1 {
                p[34] = if k % 4 == 0 { 8 } else { 0 };
            }
        }
        out.push(p);
    }
    out
}

/// The small programs the churn loop LOADs, REPLACEs and UNLOADs while traffic runs them:
/// `(name, hook, wat)`.
pub const CHURN_WAT: &[(&str, u32, &str)] = &[
    (
        "pass",
        1,
        r#"(module (func (export "xdp") (param i32) (result i32) i32.const 2))"#,
    ),
    (
        "drop",
        1,
        r#"(module (func (export "xdp") (param i32) (result i32) i32.const 1))"#,
    ),
    (
        "spin",
        1,
        r#"(module (func (export "xdp") (param i32) (result i32) (loop br 0) i32.const 2))"#,
    ),
    (
        "maps",
        1,
        r#"(module
        (import "wasmhook" "map_lookup" (func $l (param i32 i32 i32) (result i32)))
        (import "wasmhook" "map_update" (func $u (param i32 i32 i32 i64) (result i32)))
        (import "wasmhook" "map_delete" (func $d (param i32 i32) (result i32)))
        (import "wasmhook" "pkt_read" (func $r (param i32 i32 i32) (result i32)))
        (import "wasmhook" "pkt_write" (func $w (param i32 i32 i32) (result i32)))
        (memory 1)
        (func (export "xdp") (param $n i32) (result i32) (local $m i32)
          (loop $again
            (drop (call $r (i32.const 0) (i32.const 0) (local.get $n)))
            (drop (call $u (local.get $m) (i32.const 0) (i32.const 256) (i64.const 0)))
            (drop (call $l (local.get $m) (i32.const 0) (i32.const 512)))
            (drop (call $d (local.get $m) (i32.const 4)))
            (drop (call $w (i32.const 6) (i32.const 512) (i32.const 6)))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br_if $again (i32.lt_u (local.get $m) (i32.const 3))))
          i32.const 2))"#,
    ),
    (
        "kp_args",
        2,
        r#"(module
        (import "wasmhook" "kprobe_arg" (func $a (param i32) (result i64)))
        (import "wasmhook" "map_update" (func $u (param i32 i32 i32 i64) (result i32)))
        (import "wasmhook" "trace" (func $t (param i32 i32)))
        (memory 1)
        (func (export "kprobe") (param i32) (result i32)
          (i64.store (i32.const 8) (call $a (i32.const 0)))
          (drop (call $u (i32.const 1) (i32.const 8) (i32.const 8) (i64.const 0)))
          (drop (call $u (i32.const 0) (i32.const 0) (i32.const 8) (i64.const 0)))
          (call $t (i32.const 8) (i32.const 4))
          i32.const 0))"#,
    ),
    (
        "kp_spin",
        2,
        r#"(module (func (export "kprobe") (param i32) (result i32) (loop br 0) i32.const 0))"#,
    ),
];

// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! The wasmhook Wasm engine: decode → validate → compile → exec, `core` only, no allocation.
//! Included verbatim by the kernel module (`#[path]`), so no crate attributes and no `crate::`
//! paths in this tree.

pub mod decode;
pub mod error;
pub mod limits;
pub mod module;
pub mod ops;
pub mod softfloat;
pub mod trap;
pub mod value;

mod compile;
mod exec;
mod validate;

pub use error::{Error, ErrorKind};
pub use exec::{EntryI32, Instance, FOREIGN_FUNC};
pub use limits::{
    Limits, BULK_UNITS_PER_FUEL, MAX_BR_TABLE, MAX_CALL_DEPTH, MAX_CONTROL_DEPTH, MAX_EXPORTS,
    MAX_FUNCTIONS, MAX_GLOBALS, MAX_HOST_VALUES, MAX_LOCALS, MAX_PAGES, MAX_PARAMS, MAX_SEGMENTS,
    MAX_TABLES, MAX_TABLE_ELEMS, MAX_TYPES, MAX_VALUE_STACK, PAGE_SIZE,
};
pub use module::Module;
pub use trap::Trap;
pub use value::{Val, ValType};

use decode::Builder;
use module::Header;

/// Resolves imports at compile time. Only `resolve_func` is needed by the kernel path; the other
/// methods (default: unresolved) let user-space tools link globals, tables and memories.
pub trait Imports {
    /// Host-function id for an imported function, or None if unknown / wrong signature.
    fn resolve_func(
        &self,
        module: &str,
        name: &str,
        params: &[ValType],
        results: &[ValType],
    ) -> Option<u32>;
    /// Whether host function `id` (as [`Imports::resolve_func`] returned it) is an
    /// engine-known load the engine runs itself, without a host call: see [`Intrinsic`].
    /// Only honoured when the import's type is the intrinsic's (`(i32) -> i32`, or
    /// `(i32) -> i64` for [`Intrinsic::LoadBe32`]). Default: none.
    fn intrinsic(&self, id: u32) -> Option<Intrinsic> {
        let _ = id;
        None
    }
    /// Value of an imported global (its type must be `ty`).
    fn resolve_global(
        &self,
        _module: &str,
        _name: &str,
        _ty: ValType,
        _mutable: bool,
    ) -> Option<Val> {
        None
    }
    /// Resolves an imported table with these limits: `None` if it cannot be provided, else
    /// `Some(max)` with the provided table's actual maximum (the instance holds the elements;
    /// a linker keeps them in sync).
    fn resolve_table(
        &self,
        _module: &str,
        _name: &str,
        _elem: ValType,
        _min: u32,
        _max: Option<u32>,
    ) -> Option<Option<u32>> {
        None
    }
    /// Resolves an imported memory: `None` if it cannot be provided, else `Some(max)` with the
    /// provided memory's actual maximum in pages.
    fn resolve_memory(
        &self,
        _module: &str,
        _name: &str,
        _min: u32,
        _max: Option<u32>,
    ) -> Option<Option<u32>> {
        None
    }
}

/// Host functions the engine runs itself: loads from the byte region the host exposes with
/// [`Host::host_bytes`] (a hook's packet, say), at interpreter speed instead of a host call
/// (a host that exposes none gets the ordinary call).
/// The i32 argument is an offset into the region; past its end, or when negative, the result
/// is -1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intrinsic {
    /// `(off: i32) -> i32`: the byte at `off`.
    LoadU8,
    /// `(off: i32) -> i32`: the big-endian u16 at `off`.
    LoadBe16,
    /// `(off: i32) -> i64`: the big-endian u32 at `off`.
    LoadBe32,
}

impl Intrinsic {
    /// Bytes read.
    pub const fn width(self) -> usize {
        match self {
            Intrinsic::LoadU8 => 1,
            Intrinsic::LoadBe16 => 2,
            Intrinsic::LoadBe32 => 4,
        }
    }
    /// The result type.
    pub const fn result(self) -> ValType {
        match self {
            Intrinsic::LoadBe32 => ValType::I64,
            _ => ValType::I32,
        }
    }
    /// What the engine computes for `off` over `bytes` (also the reference for a host that
    /// implements the same function as an ordinary call).
    #[inline(always)]
    pub fn eval(self, bytes: &[u8], off: i32) -> i64 {
        let Ok(start) = usize::try_from(off) else {
            return -1;
        };
        let Some(b) = start
            .checked_add(self.width())
            .and_then(|end| bytes.get(start..end))
        else {
            return -1;
        };
        b.iter().fold(0i64, |v, x| (v << 8) | i64::from(*x))
    }
}

/// The type of the host function a [`Host::call_slots`] runs, looked up only when asked.
#[derive(Clone, Copy, Debug)]
pub struct HostSig<'m> {
    module: &'m Module<'m>,
    type_idx: u32,
}

impl<'m> HostSig<'m> {
    /// Parameter types.
    pub fn params(&self) -> &'m [ValType] {
        self.module.type_sig(self.type_idx).map_or(&[], |(p, _)| p)
    }
    /// Result types.
    pub fn results(&self) -> &'m [ValType] {
        self.module.type_sig(self.type_idx).map_or(&[], |(_, r)| r)
    }
}

/// Host functions called by Wasm code.
pub trait Host {
    /// Calls host function `id`. `mem` is the calling instance's linear memory (empty if none).
    fn call(
        &mut self,
        id: u32,
        mem: &mut [u8],
        args: &[Val],
        results: &mut [Val],
    ) -> Result<(), Trap>;

    /// Fuel that calling host function `id` with `args` costs beyond the call instruction's
    /// own, charged before [`Host::call`] runs (a run without that much fuel left traps with
    /// [`Trap::OutOfFuel`] and the host function is not called). A host whose functions do
    /// work that grows with an argument (bytes copied, say) returns a cost that grows with it,
    /// so fuel bounds a run's time. Default: 0.
    fn fuel_cost(&mut self, id: u32, args: &[Val]) -> u64 {
        let _ = (id, args);
        0
    }

    /// Calls host function `id` (of type `sig`) on raw value-stack slots: the arguments are
    /// in `slots[..params]` and the results go to `slots[..results]`; `slots` is as long as
    /// the larger count. A slot holds an i32 or f32 zero-extended in its low bits, an i64 or
    /// f64 as it is, and a reference as 0 (null) or index + 1; results must be encoded the
    /// same way. The call charges `fuel` for what it costs beyond its call instruction, or
    /// traps with [`Trap::OutOfFuel`] without doing the work.
    ///
    /// The default converts to [`Val`]s, charges [`Host::fuel_cost`] and runs [`Host::call`]
    /// ([`call_slots_via_vals`]). A host overrides this to skip that marshalling for its hot
    /// functions, whose signatures it knows from resolving the imports. The engine checks
    /// reference results itself; nothing a host writes here can break the engine's memory
    /// safety (addresses are taken modulo 2^32 and bounds-checked).
    fn call_slots(
        &mut self,
        id: u32,
        mem: &mut [u8],
        sig: HostSig<'_>,
        slots: &mut [u64],
        fuel: &mut u64,
    ) -> Result<(), Trap> {
        call_slots_via_vals(self, id, mem, sig.params(), sig.results(), slots, fuel)
    }

    /// The bytes the engine's [`Intrinsic`] loads read, asked again for every load (so they
    /// may change between host calls). `None` (the default): the engine calls
    /// [`Host::call_slots`] for those imports like for any other, so a host that does not
    /// know about intrinsics keeps its own semantics.
    fn host_bytes(&mut self) -> Option<&[u8]> {
        None
    }
}

/// [`Host::call_slots`] through [`Host::fuel_cost`] and [`Host::call`]: decodes the argument
/// slots into [`Val`]s, charges the fuel, calls, checks that each result has its declared type
/// ([`Trap::BadSignature`] if not) and encodes the results into `slots`.
pub fn call_slots_via_vals<H: Host + ?Sized>(
    host: &mut H,
    id: u32,
    mem: &mut [u8],
    params: &[ValType],
    results: &[ValType],
    slots: &mut [u64],
    fuel: &mut u64,
) -> Result<(), Trap> {
    let (np, nr) = (params.len(), results.len());
    if np > MAX_HOST_VALUES || nr > MAX_HOST_VALUES || slots.len() < np.max(nr) {
        return Err(Trap::BadSignature);
    }
    let mut args = [Val::I32(0); MAX_HOST_VALUES];
    for ((a, t), s) in args.iter_mut().zip(params).zip(slots.iter()) {
        *a = Val::from_slot(*t, *s);
    }
    let args = args.get(..np).unwrap_or(&[]);
    let mut res = [Val::I32(0); MAX_HOST_VALUES];
    for (r, t) in res.iter_mut().zip(results) {
        *r = Val::default_of(*t);
    }
    let cost = host.fuel_cost(id, args);
    if *fuel < cost {
        return Err(Trap::OutOfFuel);
    }
    *fuel = fuel.wrapping_sub(cost);
    let res = res.get_mut(..nr).unwrap_or(&mut []);
    host.call(id, mem, args, res)?;
    for ((r, t), s) in res.iter().zip(results).zip(slots.iter_mut()) {
        if r.ty() != *t {
            return Err(Trap::BadSignature);
        }
        *s = r.to_slot();
    }
    Ok(())
}

/// Buffer sizes for [`Module::compile`] and [`Instance::new`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Plan {
    /// Bytes for `Module::compile`.
    pub module_bytes: usize,
    /// Bytes for `Instance::new`.
    pub instance_bytes: usize,
}

/// Byte sizes of the three module regions: value types, bytes, words. None if a region is so
/// large that an index into it (code offsets, record offsets, byte offsets: all stored as u32
/// words) would not fit in 32 bits.
fn module_sizes(h: &Header) -> Option<usize> {
    let max = u32::MAX as usize;
    if h.n_words > max || h.n_bytes > max || h.n_vts > max {
        return None;
    }
    // vt (1 byte each) + bytes + alignment slack + words
    h.n_vts
        .checked_add(h.n_bytes)?
        .checked_add(8)?
        .checked_add(h.n_words.checked_mul(4)?)
}

/// Counting pass: decodes the module structure and sizes every region.
fn count(wasm: &[u8], limits: &Limits, imports: &dyn Imports) -> Result<Header, Error> {
    let mut bld = Builder {
        w: &mut [],
        vt: &mut [],
        b: &mut [],
        writing: false,
        h: Header::default(),
        limits: *limits,
        imports,
        vt_len: 0,
        b_len: 0,
        items_len: 0,
        code_len: 0,
        n_imported_tables: 0,
        n_imported_memories: 0,
        n_defined_funcs: 0,
        calls: u32::MAX,
    };
    decode::decode_pass(&mut bld, wasm)?;
    let mut h = bld.h;
    h.n_vts = bld.vt_len;
    h.n_bytes = bld.b_len;
    h.n_items = bld.items_len;
    h.layout(limits)
        .ok_or(Error::new(ErrorKind::LimitExceeded, 0))?;
    Ok(h)
}

/// Instance bytes for a module with header `h` (computed without the module buffer).
fn instance_bytes_of(h: &Header, limits: &Limits, tables: impl Fn(usize) -> u32) -> Option<usize> {
    let mem = if h.n_memories > 0 {
        (h.mem_max as usize).checked_mul(PAGE_SIZE)?
    } else {
        0
    };
    let u64w = h.n_globals.checked_add(limits.value_stack() as usize)?;
    let mut te: usize = 0;
    for t in 0..h.n_tables {
        te = te.checked_add(tables(t) as usize)?;
    }
    let u32w = (limits.call_depth() as usize)
        .checked_mul(exec::FRAME_WORDS)?
        .checked_add(h.n_tables.checked_mul(2)?)?
        .checked_add(te)?
        .checked_add(h.n_elems)?
        .checked_add(h.n_datas)?;
    mem.checked_add(u64w.checked_mul(8)?)?
        .checked_add(u32w.checked_mul(4)?)?
        .checked_add(16)
}

/// Decodes `wasm` and returns the buffer sizes `Module::compile` and `Instance::new` need.
/// Structure, limits and non-function imports are checked here; function imports are resolved
/// and function bodies validated by `compile` (which can look types up in O(1)).
pub fn plan(wasm: &[u8], limits: &Limits, imports: &dyn Imports) -> Result<Plan, Error> {
    let h = count(wasm, limits, imports)?;
    let module_bytes = module_sizes(&h).ok_or(Error::new(ErrorKind::LimitExceeded, 0))?;
    // Table capacities are only known after the writing pass; bound them by the limit.
    let cap = limits.table_elems();
    let instance_bytes =
        instance_bytes_of(&h, limits, |_| cap).ok_or(Error::new(ErrorKind::LimitExceeded, 0))?;
    Ok(Plan {
        module_bytes,
        instance_bytes,
    })
}

impl<'a> Module<'a> {
    /// Decodes, validates and compiles `wasm` into `buf` (at least `plan().module_bytes`).
    pub fn compile(
        wasm: &[u8],
        limits: &Limits,
        imports: &dyn Imports,
        buf: &'a mut [u8],
    ) -> Result<Module<'a>, Error> {
        let mut h = count(wasm, limits, imports)?;
        let small = Error::new(ErrorKind::BufferTooSmall, 0);
        if buf.len() < module_sizes(&h).ok_or(small)? {
            return Err(small);
        }
        let (vt_bytes, rest) = buf.split_at_mut_checked(h.n_vts).ok_or(small)?;
        vt_bytes.fill(0);
        // SAFETY: ValType is `repr(u8)` with discriminant 0 (`I32`) valid, the bytes were just
        // zeroed, and u8 and ValType have the same size and alignment.
        let (_, vt, _) = unsafe { vt_bytes.align_to_mut::<ValType>() };
        let (b, rest) = rest.split_at_mut_checked(h.n_bytes).ok_or(small)?;
        // SAFETY: u32 has no invalid bit patterns; `align_to_mut` yields aligned elements.
        let (_, words, _) = unsafe { rest.align_to_mut::<u32>() };
        let words = words.get_mut(..h.n_words).ok_or(small)?;
        words.fill(0);
        let totals = h;
        // reset the running counters; keep offsets and code/scratch sizes
        h.n_types = 0;
        h.n_funcs = 0;
        h.n_imported_funcs = 0;
        h.n_tables = 0;
        h.n_memories = 0;
        h.n_globals = 0;
        h.n_imported_globals = 0;
        h.n_exports = 0;
        h.n_elems = 0;
        h.n_datas = 0;
        h.n_items = 0;
        h.start = None;
        h.data_count = None;
        let mut bld = Builder {
            w: &mut *words,
            vt: &mut *vt,
            b: &mut *b,
            writing: true,
            h,
            limits: *limits,
            imports,
            vt_len: 0,
            b_len: 0,
            items_len: 0,
            code_len: 0,
            n_imported_tables: 0,
            n_imported_memories: 0,
            n_defined_funcs: 0,
            calls: u32::MAX,
        };
        decode::decode_pass(&mut bld, wasm)?;
        let mut h = bld.h;
        h.code_len = bld.code_len;
        if h.n_funcs != totals.n_funcs || h.n_items != totals.n_items {
            return Err(small);
        }
        let mut m = Module {
            w: words,
            vt,
            b,
            h,
            limits: *limits,
            instance_bytes: 0,
        };
        // The interpreter's dispatch invariant: the code area ends with its padding words
        // (a module without a code section has no code to dispatch: `run` stops at
        // `pc >= limit = 0`).
        let code =
            m.w.get(m.h.o_code..m.h.o_code.saturating_add(m.h.code_len))
                .unwrap_or(&[]);
        if !code.is_empty() && !exec::code_padded(code) {
            return Err(Error::new(ErrorKind::LimitExceeded, 0));
        }
        m.instance_bytes = exec::InstanceLayout::of(&m)
            .and_then(|l| l.bytes())
            .ok_or(Error::new(ErrorKind::LimitExceeded, 0))?;
        Ok(m)
    }
}

/// Copies `src` into `dst` if their lengths are equal; `false` otherwise. Unlike
/// `copy_from_slice` this has no panic path (the kernel build rejects modules with one).
#[inline]
fn copy_bytes(dst: &mut [u8], src: &[u8]) -> bool {
    if dst.len() != src.len() {
        return false;
    }
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
    true
}

#[cfg(test)]
mod offset_limit_tests {
    use super::*;

    #[test]
    fn regions_past_u32_offsets_are_refused() {
        let h = Header {
            n_words: 1000,
            ..Header::default()
        };
        assert!(module_sizes(&h).is_some());
        for set in [
            |h: &mut Header| h.n_words = u32::MAX as usize + 1,
            |h: &mut Header| h.n_bytes = u32::MAX as usize + 1,
            |h: &mut Header| h.n_vts = u32::MAX as usize + 1,
        ] {
            let mut big = h;
            set(&mut big);
            assert_eq!(module_sizes(&big), None);
        }
    }
}

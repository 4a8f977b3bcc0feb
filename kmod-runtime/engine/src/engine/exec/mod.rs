// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Instances: linear memory, globals, tables, value and call stacks carved out of one
//! caller-provided buffer; instantiation (segments, start function) and `invoke`.

mod run;

pub(super) use run::code_padded;
use run::FuncEntry;

use super::error::{Error, ErrorKind};
use super::limits::{MAX_HOST_VALUES, PAGE_SIZE};
use super::module::{
    Module, DATA_REC, ELEM_REC, GLOBAL_REC, INIT_GLOBAL, ITEM_REC, MODE_ACTIVE, TABLE_REC,
};
use super::trap::Trap;
use super::value::{Val, ValType};
use super::{Host, HostSig};

/// Function-reference bit marking a *foreign* function: a host-function id handed out by a
/// user-space linker (a function of another instance). Never produced on the kernel path.
pub const FOREIGN_FUNC: u32 = 0x8000_0000;

/// Words per call frame: [return pc, caller fp].
pub(super) const FRAME_WORDS: usize = 2;

/// Sizes (in elements) of an instance's regions.
#[derive(Clone, Copy, Debug)]
pub(super) struct InstanceLayout {
    pub mem_bytes: usize,
    pub u64_words: usize,
    pub u32_words: usize,
    pub table_elems: usize,
}

impl InstanceLayout {
    /// Computes the layout for a module; None on overflow.
    pub(super) fn of(m: &Module<'_>) -> Option<InstanceLayout> {
        let mem_bytes = if m.h.n_memories > 0 {
            (m.h.mem_max as usize).checked_mul(PAGE_SIZE)?
        } else {
            0
        };
        let u64_words = m.h.n_globals.checked_add(m.limits.value_stack() as usize)?;
        let mut table_elems: usize = 0;
        for t in 0..m.h.n_tables {
            let cap = m.rec(m.h.o_tables, TABLE_REC, t, 2) as usize;
            table_elems = table_elems.checked_add(cap)?;
        }
        let u32_words = (m.limits.call_depth() as usize)
            .checked_mul(FRAME_WORDS)?
            .checked_add(m.h.n_tables.checked_mul(2)?)?
            .checked_add(table_elems)?
            .checked_add(m.h.n_elems)?
            .checked_add(m.h.n_datas)?;
        Some(InstanceLayout {
            mem_bytes,
            u64_words,
            u32_words,
            table_elems,
        })
    }

    /// Total bytes including alignment slack.
    pub(super) fn bytes(&self) -> Option<usize> {
        self.mem_bytes
            .checked_add(self.u64_words.checked_mul(8)?)?
            .checked_add(self.u32_words.checked_mul(4)?)?
            .checked_add(16)
    }
}

/// An instantiated module.
#[derive(Debug)]
pub struct Instance<'m, 'b> {
    pub(super) module: &'m Module<'m>,
    pub(super) mem: &'b mut [u8],
    pub(super) mem_pages: u32,
    pub(super) globals: &'b mut [u64],
    pub(super) stack: &'b mut [u64],
    pub(super) frames: &'b mut [u32],
    /// Per table: [base, size].
    pub(super) table_hdr: &'b mut [u32],
    pub(super) tables: &'b mut [u32],
    /// Dropped flags: elems then datas.
    pub(super) dropped: &'b mut [u32],
}

fn split_u64(buf: &mut [u8]) -> (&mut [u8], &mut [u64], &mut [u8]) {
    // SAFETY: u64 has no invalid bit patterns and `align_to_mut` only yields correctly aligned,
    // in-bounds middle elements.
    let (head, mid, tail) = unsafe { buf.align_to_mut::<u64>() };
    (head, mid, tail)
}

fn split_u32(buf: &mut [u8]) -> (&mut [u8], &mut [u32], &mut [u8]) {
    // SAFETY: u32 has no invalid bit patterns and `align_to_mut` only yields correctly aligned,
    // in-bounds middle elements.
    let (head, mid, tail) = unsafe { buf.align_to_mut::<u32>() };
    (head, mid, tail)
}

/// `dst = src` for two regions of the same layout (instances of one module).
fn copy_all<T: Copy>(dst: &mut [T], src: &[T]) -> Result<(), Error> {
    if dst.len() != src.len() {
        return Err(too_small());
    }
    // (not `copy_from_slice`: its length check is a panic path; this loop becomes a memcpy)
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
    Ok(())
}

/// `s.copy_within(src..src + n, dst)` without a panic path: `false` if a range is out of bounds.
#[inline(always)]
fn copy_within<T: Copy>(s: &mut [T], src: usize, dst: usize, n: usize) -> bool {
    let len = s.len();
    match (src.checked_add(n), dst.checked_add(n)) {
        (Some(se), Some(de)) if se <= len && de <= len => {
            // One pointer for both ends: taking `as_ptr()` and then `as_mut_ptr()` made the
            // second (unique) reborrow invalidate the first (Stacked Borrows UB, found by Miri).
            let p = s.as_mut_ptr();
            // SAFETY: both ranges were just checked to lie inside `s`; `ptr::copy` handles
            // overlap, and both pointers derive from the same unique borrow.
            unsafe { core::ptr::copy(p.add(src), p.add(dst), n) };
            true
        }
        _ => false,
    }
}

fn too_small() -> Error {
    Error::new(ErrorKind::BufferTooSmall, 0)
}

impl<'m, 'b> Instance<'m, 'b> {
    /// Creates an instance in `buf` (at least `module.instance_bytes()` bytes), initializes
    /// globals, tables and memory from the segments and runs the start function.
    pub fn new(
        module: &'m Module<'m>,
        buf: &'b mut [u8],
        fuel: &mut u64,
        host: &mut dyn Host,
    ) -> Result<Self, Error> {
        let mut inst = Instance::new_uninit(module, buf)?;
        inst.initialize(fuel, host)?;
        Ok(inst)
    }

    /// Creates an instance with zeroed memory, default globals and empty tables, without
    /// running segments or the start function (see [`Instance::initialize`]). For user-space
    /// linkers that must set up imported state first.
    pub fn new_uninit(module: &'m Module<'m>, buf: &'b mut [u8]) -> Result<Self, Error> {
        let lay = InstanceLayout::of(module).ok_or_else(too_small)?;
        if buf.len() < module.instance_bytes() {
            return Err(too_small());
        }
        let (mem, rest) = buf
            .split_at_mut_checked(lay.mem_bytes)
            .ok_or_else(too_small)?;
        let n64 = lay
            .u64_words
            .saturating_mul(8)
            .saturating_add(8)
            .min(rest.len());
        let (r64, r32) = rest.split_at_mut_checked(n64).ok_or_else(too_small)?;
        let (_, words64, _) = split_u64(r64);
        let words64_len = words64.len();
        let (globals, stack_all) = words64
            .split_at_mut_checked(module.h.n_globals.min(words64_len))
            .ok_or_else(too_small)?;
        let stack_len = (module.limits.value_stack() as usize).min(stack_all.len());
        let (stack, _) = stack_all
            .split_at_mut_checked(stack_len)
            .ok_or_else(too_small)?;
        let (_, words32, _) = split_u32(r32);
        let frames_len = (module.limits.call_depth() as usize).saturating_mul(FRAME_WORDS);
        if words32.len() < lay.u32_words
            || globals.len() < module.h.n_globals
            || stack.len() < module.limits.value_stack() as usize
        {
            return Err(too_small());
        }
        let (frames, r32) = words32
            .split_at_mut_checked(frames_len)
            .ok_or_else(too_small)?;
        let (table_hdr, r32) = r32
            .split_at_mut_checked(module.h.n_tables.saturating_mul(2))
            .ok_or_else(too_small)?;
        let (tables, r32) = r32
            .split_at_mut_checked(lay.table_elems)
            .ok_or_else(too_small)?;
        let (dropped, _) = r32
            .split_at_mut_checked(module.h.n_elems.saturating_add(module.h.n_datas))
            .ok_or_else(too_small)?;
        let mut inst = Instance {
            module,
            mem,
            mem_pages: 0,
            globals,
            stack,
            frames,
            table_hdr,
            tables,
            dropped,
        };
        inst.setup()?;
        Ok(inst)
    }

    /// A copy of this instance in `buf` (at least `module.instance_bytes()`): the same memory,
    /// globals, tables and dropped segments, so the start function and segments are not run
    /// again. The copy is independent of `self` afterwards. The kernel module runs the start
    /// function once at LOAD and gives the other CPUs copies.
    pub fn duplicate<'c>(&self, buf: &'c mut [u8]) -> Result<Instance<'m, 'c>, Error> {
        let mut d = Instance::new_uninit(self.module, buf)?;
        let len = self.mem_len();
        let src = self.mem.get(..len).ok_or_else(too_small)?;
        copy_all(d.mem.get_mut(..len).ok_or_else(too_small)?, src)?;
        d.mem_pages = self.mem_pages;
        copy_all(d.globals, self.globals)?;
        copy_all(d.table_hdr, self.table_hdr)?;
        copy_all(d.tables, self.tables)?;
        copy_all(d.dropped, self.dropped)?;
        Ok(d)
    }

    /// Memory, globals and tables at their initial state.
    fn setup(&mut self) -> Result<(), Error> {
        let m = self.module;
        // memory
        if m.h.n_memories > 0 {
            let len = (m.h.mem_min as usize).saturating_mul(PAGE_SIZE);
            self.mem.get_mut(..len).ok_or_else(too_small)?.fill(0);
            self.mem_pages = m.h.mem_min;
        }
        // globals
        for g in 0..m.h.n_globals {
            let v = self.eval_init(
                m.rec(m.h.o_globals, GLOBAL_REC, g, 2),
                m.rec(m.h.o_globals, GLOBAL_REC, g, 3),
                m.rec(m.h.o_globals, GLOBAL_REC, g, 4),
            );
            *self.globals.get_mut(g).ok_or_else(too_small)? = v;
        }
        // tables
        let mut base: u32 = 0;
        for t in 0..m.h.n_tables {
            let min = m.rec(m.h.o_tables, TABLE_REC, t, 1);
            let cap = m.rec(m.h.o_tables, TABLE_REC, t, 2);
            *self
                .table_hdr
                .get_mut(t.wrapping_mul(2))
                .ok_or_else(too_small)? = base;
            *self
                .table_hdr
                .get_mut(t.wrapping_mul(2).wrapping_add(1))
                .ok_or_else(too_small)? = min;
            let b = base as usize;
            self.tables
                .get_mut(b..b.saturating_add(min as usize))
                .ok_or_else(too_small)?
                .fill(0);
            base = base.saturating_add(cap);
        }
        self.dropped.fill(0);
        Ok(())
    }

    /// Re-evaluates global initializers that read other globals (after a linker set imports),
    /// runs the active element and data segments, then the start function.
    pub fn initialize(&mut self, fuel: &mut u64, host: &mut dyn Host) -> Result<(), Error> {
        let m = self.module;
        for g in m.h.n_imported_globals..m.h.n_globals {
            let v = self.eval_init(
                m.rec(m.h.o_globals, GLOBAL_REC, g, 2),
                m.rec(m.h.o_globals, GLOBAL_REC, g, 3),
                m.rec(m.h.o_globals, GLOBAL_REC, g, 4),
            );
            *self.globals.get_mut(g).ok_or_else(too_small)? = v;
        }
        // element segments
        for e in 0..m.h.n_elems {
            let mode = m.rec(m.h.o_elems, ELEM_REC, e, 0);
            if mode == MODE_ACTIVE {
                let table = m.rec(m.h.o_elems, ELEM_REC, e, 1);
                let off = self.eval_init(
                    m.rec(m.h.o_elems, ELEM_REC, e, 2),
                    m.rec(m.h.o_elems, ELEM_REC, e, 3),
                    m.rec(m.h.o_elems, ELEM_REC, e, 4),
                ) as u32;
                let n = m.rec(m.h.o_elems, ELEM_REC, e, 6);
                self.table_init(e as u32, table, off, 0, n)?;
            }
            if mode != super::module::MODE_PASSIVE {
                *self.dropped.get_mut(e).ok_or_else(too_small)? = 1;
            }
        }
        // data segments
        for d in 0..m.h.n_datas {
            if m.rec(m.h.o_datas, DATA_REC, d, 0) == MODE_ACTIVE {
                let off = self.eval_init(
                    m.rec(m.h.o_datas, DATA_REC, d, 2),
                    m.rec(m.h.o_datas, DATA_REC, d, 3),
                    m.rec(m.h.o_datas, DATA_REC, d, 4),
                ) as u32;
                let n = m.rec(m.h.o_datas, DATA_REC, d, 6);
                self.memory_init(d as u32, off, 0, n)?;
                let i = m.h.n_elems.wrapping_add(d);
                *self.dropped.get_mut(i).ok_or_else(too_small)? = 1;
            }
        }
        if let Some(f) = m.h.start {
            self.invoke(f, &[], &mut [], fuel, host)?;
        }
        Ok(())
    }

    fn eval_init(&self, kind: u32, lo: u32, hi: u32) -> u64 {
        eval_init(self.globals, kind, lo, hi)
    }

    fn table_init(&mut self, e: u32, table: u32, dst: u32, src: u32, n: u32) -> Result<(), Trap> {
        table_init(
            self.module,
            self.dropped,
            self.tables,
            self.table_hdr,
            self.globals,
            [e, table, dst, src, n],
        )
    }

    fn memory_init(&mut self, d: u32, dst: u32, src: u32, n: u32) -> Result<(), Trap> {
        let mem_len = self.mem_len();
        memory_init(
            self.module,
            self.dropped,
            self.mem,
            mem_len,
            [d, dst, src, n],
        )
    }

    /// (base, size) of table `t`.
    pub(super) fn table_bounds(&self, t: u32) -> (usize, u32) {
        table_bounds(self.table_hdr, t)
    }

    /// Current memory size in bytes.
    pub(super) fn mem_len(&self) -> usize {
        (self.mem_pages as usize).wrapping_mul(PAGE_SIZE)
    }

    /// The linear memory (empty if the module has none).
    pub fn memory(&self) -> &[u8] {
        let n = self.mem_len();
        self.mem.get(..n).unwrap_or(&[])
    }

    /// The linear memory, mutable.
    pub fn memory_mut(&mut self) -> &mut [u8] {
        let n = self.mem_len();
        self.mem.get_mut(..n).unwrap_or(&mut [])
    }

    /// The module this instance was made from.
    pub fn module(&self) -> &'m Module<'m> {
        self.module
    }

    /// Value of global `g`.
    pub fn global(&self, g: u32) -> Option<Val> {
        let (t, _) = self.module.global_type(g)?;
        Some(Val::from_slot(t, *self.globals.get(g as usize)?))
    }

    /// Sets global `g` (type must match).
    pub fn set_global(&mut self, g: u32, v: Val) -> Option<()> {
        let (t, _) = self.module.global_type(g)?;
        if t != v.ty() || !self.storable(v) {
            return None;
        }
        *self.globals.get_mut(g as usize)? = v.to_slot();
        Some(())
    }

    /// Element `i` of table `t` (None if out of bounds).
    pub fn table_get(&self, t: u32, i: u32) -> Option<Val> {
        let (et, _, _) = self.module.table_type(t)?;
        let (base, size) = self.table_bounds(t);
        if i >= size {
            return None;
        }
        let v = *self.tables.get(base.wrapping_add(i as usize))?;
        Some(Val::from_slot(et, u64::from(v)))
    }

    /// True if `v` may be stored by a linker: function references must name a function of
    /// this module or carry [`FOREIGN_FUNC`].
    fn storable(&self, v: Val) -> bool {
        ref_ok(self.module, &v)
    }

    /// Sets element `i` of table `t` (None if out of bounds or of the wrong type).
    pub fn table_set(&mut self, t: u32, i: u32, v: Val) -> Option<()> {
        let (et, _, _) = self.module.table_type(t)?;
        let (base, size) = self.table_bounds(t);
        if i >= size || v.ty() != et || !self.storable(v) {
            return None;
        }
        *self.tables.get_mut(base.wrapping_add(i as usize))? = v.to_slot() as u32;
        Some(())
    }

    /// Grows table `t` by `n` elements set to `init`; returns the old size.
    pub fn table_grow(&mut self, t: u32, n: u32, init: Val) -> Option<u32> {
        let (et, _, cap) = self.module.table_type(t)?;
        let (base, size) = self.table_bounds(t);
        let new = size.checked_add(n).filter(|&s| s <= cap)?;
        if init.ty() != et || !self.storable(init) {
            return None;
        }
        self.tables
            .get_mut(base.wrapping_add(size as usize)..base.wrapping_add(new as usize))?
            .fill(init.to_slot() as u32);
        *self
            .table_hdr
            .get_mut((t as usize).wrapping_mul(2).wrapping_add(1))? = new;
        Some(size)
    }

    /// Grows the memory by `delta` pages (zero-filled); returns the old size in pages.
    pub fn memory_grow(&mut self, delta: u32) -> Option<u32> {
        if self.module.h.n_memories == 0 {
            return None;
        }
        let old = self.mem_pages;
        let new = old
            .checked_add(delta)
            .filter(|&n| n <= self.module.h.mem_max)?;
        let start = self.mem_len();
        let end = (new as usize).checked_mul(PAGE_SIZE)?;
        self.mem.get_mut(start..end)?.fill(0);
        self.mem_pages = new;
        Some(old)
    }

    /// Current size of table `t`.
    pub fn table_size(&self, t: u32) -> u32 {
        self.table_bounds(t).1
    }

    /// Calls function `func` with `args`; writes its results to `results`.
    pub fn invoke(
        &mut self,
        func: u32,
        args: &[Val],
        results: &mut [Val],
        fuel: &mut u64,
        host: &mut dyn Host,
    ) -> Result<(), Trap> {
        let m = self.module;
        let (params, res) = m.func_type(func).ok_or(Trap::BadSignature)?;
        if params.len() != args.len()
            || res.len() != results.len()
            || params
                .iter()
                .zip(args)
                .any(|(p, a)| *p != a.ty() || !ref_ok(m, a))
        {
            return Err(Trap::BadSignature);
        }
        // Explicit wrapping indices, not `enumerate()`/`zip(0..n)`: the kernel builds with
        // overflow checks and those adapters keep checked counters (panic paths).
        let mut i = 0usize;
        for a in args {
            *self.stack.get_mut(i).ok_or(Trap::ValueStackExhausted)? = a.to_slot();
            i = i.wrapping_add(1);
        }
        self.run(func, args.len(), fuel, host)?;
        let mut i = 0usize;
        for (r, t) in results.iter_mut().zip(res) {
            *r = Val::from_slot(*t, *self.stack.get(i).ok_or(Trap::ValueStackExhausted)?);
            i = i.wrapping_add(1);
        }
        Ok(())
    }
}

/// A function of one module checked once to have type `(i32) -> i32` ([`Module::entry_i32`]),
/// which [`Instance::call_entry`] then runs without checking its type again: a hook's entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryI32 {
    func: u32,
    /// Address of the module it was checked in: an entry of another module is refused.
    module: usize,
    /// For a compiled function (not an import): where and how `call_entry` enters it, read
    /// from the module's record once here.
    code: Option<FuncEntry>,
}

impl<'a> Module<'a> {
    /// `func` as an [`EntryI32`], if it is a function of type `(i32) -> i32`.
    pub fn entry_i32(&self, func: u32) -> Option<EntryI32> {
        let (params, res) = self.func_type(func)?;
        let [_, hid, entry, extra, maxh, _] = self.func_rec(func as usize);
        let code = (hid == super::module::NO_HOST).then_some(FuncEntry { entry, extra, maxh });
        (params == [ValType::I32] && res == [ValType::I32]).then_some(EntryI32 {
            func,
            module: self as *const Module<'a> as usize,
            code,
        })
    }
}

impl Instance<'_, '_> {
    /// [`Instance::invoke`] for the common hook signature `(i32) -> i32`, without the
    /// generic argument and result conversions ([`Trap::BadSignature`] for another type).
    pub fn call_i32(
        &mut self,
        func: u32,
        arg: i32,
        fuel: &mut u64,
        host: &mut dyn Host,
    ) -> Result<i32, Trap> {
        let e = self.module.entry_i32(func).ok_or(Trap::BadSignature)?;
        self.call_entry(e, arg, fuel, host)
    }

    /// Runs an entry checked by [`Module::entry_i32`] on this instance's module (another
    /// module's entry: [`Trap::BadSignature`]), with no type check per call: the hot path of a
    /// hook run.
    pub fn call_entry(
        &mut self,
        e: EntryI32,
        arg: i32,
        fuel: &mut u64,
        host: &mut dyn Host,
    ) -> Result<i32, Trap> {
        if e.module != self.module as *const Module<'_> as usize {
            return Err(Trap::BadSignature);
        }
        *self.stack.first_mut().ok_or(Trap::ValueStackExhausted)? = u64::from(arg as u32);
        match e.code {
            Some(f) => self.run_at(f, 1, fuel, host)?,
            None => self.run(e.func, 1, fuel, host)?,
        }
        let v = self.stack.first().ok_or(Trap::ValueStackExhausted)?;
        Ok(*v as u32 as i32)
    }
}

/// Whether `v` is a reference this module may hold: a function reference names one of its
/// functions or carries [`FOREIGN_FUNC`] (a linker's function of another instance).
fn ref_ok(m: &Module<'_>, v: &Val) -> bool {
    match *v {
        Val::FuncRef(Some(f)) => f & FOREIGN_FUNC != 0 || (f as usize) < m.h.n_funcs,
        _ => true,
    }
}

/// Calls host function `id` (of type `type_idx`) with the top `np` stack values; replaces them
/// with the results ([`Host::call_slots`], which charges the call's fuel).
#[allow(clippy::too_many_arguments)]
pub(super) fn call_host(
    m: &Module<'_>,
    type_idx: u32,
    id: u32,
    stack: &mut [u64],
    sp: usize,
    mem: &mut [u8],
    host: &mut dyn Host,
    fuel: &mut u64,
) -> Result<usize, Trap> {
    let (params, results) = m.type_sig(type_idx).ok_or(Trap::BadSignature)?;
    let (np, nr) = (params.len(), results.len());
    if np > MAX_HOST_VALUES || nr > MAX_HOST_VALUES {
        return Err(Trap::BadSignature);
    }
    let base = sp.checked_sub(np).ok_or(Trap::ValueStackExhausted)?;
    let slots = stack
        .get_mut(base..base.wrapping_add(np.max(nr)))
        .ok_or(Trap::ValueStackExhausted)?;
    let sig = HostSig {
        module: m,
        type_idx,
    };
    host.call_slots(id, mem, sig, slots, fuel)?;
    check_ref_results(m, type_idx, slots)?;
    Ok(base.wrapping_add(nr))
}

/// Checks the reference results a host call of type `type_idx` left in `slots`: a forged
/// function reference could otherwise reach any host function.
pub(super) fn check_ref_results(m: &Module<'_>, type_idx: u32, slots: &[u64]) -> Result<(), Trap> {
    let (_, results) = m.type_sig(type_idx).ok_or(Trap::BadSignature)?;
    for (t, s) in results.iter().zip(slots.iter()) {
        if t.is_ref() && !ref_ok(m, &Val::from_slot(*t, *s)) {
            return Err(Trap::BadSignature);
        }
    }
    Ok(())
}

/// Evaluates a constant initializer.
pub(super) fn eval_init(globals: &[u64], kind: u32, lo: u32, hi: u32) -> u64 {
    if kind == INIT_GLOBAL {
        globals.get(lo as usize).copied().unwrap_or(0)
    } else {
        u64::from(lo) | (u64::from(hi) << 32)
    }
}

/// `table.init`: copies items `[src, src+n)` of elem segment `e` to `table[dst..]`.
pub(super) fn table_init(
    m: &Module<'_>,
    dropped: &[u32],
    tables: &mut [u32],
    table_hdr: &[u32],
    globals: &[u64],
    [e, table, dst, src, n]: [u32; 5],
) -> Result<(), Trap> {
    let e = e as usize;
    let len = if dropped.get(e).copied().unwrap_or(1) != 0 {
        0
    } else {
        m.rec(m.h.o_elems, ELEM_REC, e, 6)
    };
    let (base, size) = table_bounds(table_hdr, table);
    if u64::from(src).wrapping_add(u64::from(n)) > u64::from(len)
        || u64::from(dst).wrapping_add(u64::from(n)) > u64::from(size)
    {
        return Err(Trap::TableOutOfBounds);
    }
    let items = m.rec(m.h.o_elems, ELEM_REC, e, 5) as usize;
    for i in 0..n as usize {
        let it = items.wrapping_add(src as usize).wrapping_add(i);
        let v = eval_init(
            globals,
            m.rec(m.h.o_items, ITEM_REC, it, 0),
            m.rec(m.h.o_items, ITEM_REC, it, 1),
            m.rec(m.h.o_items, ITEM_REC, it, 2),
        );
        let slot = base.wrapping_add(dst as usize).wrapping_add(i);
        *tables.get_mut(slot).ok_or(Trap::TableOutOfBounds)? = v as u32;
    }
    Ok(())
}

/// `memory.init`: copies bytes `[src, src+n)` of data segment `d` to `mem[dst..]`.
pub(super) fn memory_init(
    m: &Module<'_>,
    dropped: &[u32],
    mem: &mut [u8],
    mem_len: usize,
    [d, dst, src, n]: [u32; 4],
) -> Result<(), Trap> {
    let d = d as usize;
    let dropped = dropped
        .get(m.h.n_elems.wrapping_add(d))
        .copied()
        .unwrap_or(1);
    let len = if dropped != 0 {
        0
    } else {
        m.rec(m.h.o_datas, DATA_REC, d, 6)
    };
    let s_end = u64::from(src).wrapping_add(u64::from(n));
    let d_end = u64::from(dst).wrapping_add(u64::from(n));
    if s_end > u64::from(len) || d_end > mem_len as u64 {
        return Err(Trap::MemoryOutOfBounds);
    }
    let off = (m.rec(m.h.o_datas, DATA_REC, d, 5) as usize).wrapping_add(src as usize);
    let bytes =
        m.b.get(off..off.wrapping_add(n as usize))
            .ok_or(Trap::MemoryOutOfBounds)?;
    let dst = mem
        .get_mut(dst as usize..d_end as usize)
        .ok_or(Trap::MemoryOutOfBounds)?;
    if super::copy_bytes(dst, bytes) {
        Ok(())
    } else {
        Err(Trap::MemoryOutOfBounds)
    }
}

/// (base, size) of table `t`.
pub(super) fn table_bounds(table_hdr: &[u32], t: u32) -> (usize, u32) {
    let i = (t as usize).wrapping_mul(2);
    let base = table_hdr.get(i).copied().unwrap_or(0) as usize;
    let size = table_hdr.get(i.wrapping_add(1)).copied().unwrap_or(0);
    (base, size)
}

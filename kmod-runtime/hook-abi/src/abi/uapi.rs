// SPDX-License-Identifier: GPL-2.0 OR MIT
//! The `/dev/wasmhook` ioctl interface: command numbers and the request structures, encoded as
//! explicit little-endian byte layouts so the kernel and userspace share one definition with no
//! `unsafe` transmutes. `kmod-runtime/module/wasmhook_abi.h` is the C view of the same layout.

/// Slots a module can hold at once.
pub const MAX_SLOTS: u32 = 64;
/// Largest Wasm binary LOAD accepts, in bytes.
pub const MAX_WASM_BYTES: u32 = 1 << 20;
/// Largest fuel per run LOAD accepts (bounds the time one packet can take).
pub const MAX_FUEL: u64 = 10_000_000;
/// Fuel per run when LOAD passes 0.
pub const DEFAULT_FUEL: u64 = 100_000;
/// Maximum fuel per run of a kprobe hook: a kprobe may fire with interrupts off, so its bound is
/// BPF's own (1 M instructions) rather than [`MAX_FUEL`].
pub const MAX_KPROBE_FUEL: u64 = 1_000_000;
/// Largest linear memory per instance (per CPU) LOAD accepts, in 64 KiB pages.
pub const MAX_MEM_PAGES: u32 = 16;
/// Memory limit when LOAD passes 0, in pages.
pub const DEFAULT_MEM_PAGES: u32 = 1;
/// LOAD flag: replace the program in slot `slot` atomically instead of taking a free slot.
pub const LOAD_REPLACE: u32 = 1;
/// Length of a slot name, including padding NULs.
pub const NAME_LEN: usize = 16;
/// Length of the error message LOAD writes back.
pub const ERR_LEN: usize = 96;

const IOC_MAGIC: u32 = 0xb7;
const IOC_WRITE: u32 = 1;
const IOC_READ: u32 = 2;
const fn ioc(dir: u32, nr: u32, size: usize) -> u32 {
    (dir << 30) | ((size as u32) << 16) | (IOC_MAGIC << 8) | nr
}

/// LOAD: `_IOWR(0xb7, 1, struct wh_load)`; returns the slot id in `slot`.
pub const IOC_LOAD: u32 = ioc(IOC_READ | IOC_WRITE, 1, LoadReq::SIZE);
/// UNLOAD: `_IOW(0xb7, 2, __u32)` with the slot id.
pub const IOC_UNLOAD: u32 = ioc(IOC_WRITE, 2, 4);
/// INFO: `_IOWR(0xb7, 3, struct wh_info)`; `slot` in, the rest out.
pub const IOC_INFO: u32 = ioc(IOC_READ | IOC_WRITE, 3, SlotInfo::SIZE);
/// LIST: `_IOR(0xb7, 4, struct wh_list)`.
pub const IOC_LIST: u32 = ioc(IOC_READ, 4, List::SIZE);
/// STATS: `_IOWR(0xb7, 5, struct wh_stats)`; `slot` in, counters out.
pub const IOC_STATS: u32 = ioc(IOC_READ | IOC_WRITE, 5, Stats::SIZE);

/// A little-endian cursor over a fixed buffer; out-of-range reads give 0 and writes are dropped,
/// which cannot happen for the fixed layouts below (their sizes are checked by tests).
struct Le<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Le<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let end = self.pos.saturating_add(N);
        let out = self
            .buf
            .get(self.pos..end)
            .and_then(|s| <[u8; N]>::try_from(s).ok());
        self.pos = end;
        out.unwrap_or([0u8; N])
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take::<4>())
    }
    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take::<8>())
    }
}

struct LeW<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl LeW<'_> {
    fn put(&mut self, bytes: &[u8]) {
        let end = self.pos.saturating_add(bytes.len());
        if let Some(dst) = self.buf.get_mut(self.pos..end) {
            super::copy_bytes(dst, bytes);
        }
        self.pos = end;
    }
    fn u32(&mut self, v: u32) {
        self.put(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.put(&v.to_le_bytes());
    }
}

/// `struct wh_load`: a LOAD request and its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadReq {
    /// In: user pointer to the Wasm bytes.
    pub wasm_ptr: u64,
    /// In: their length (1..=MAX_WASM_BYTES).
    pub wasm_len: u32,
    /// In: [`super::HookKind`] wire value.
    pub hook: u32,
    /// In: fuel per run (0 = DEFAULT_FUEL, at most MAX_FUEL).
    pub fuel: u64,
    /// In: result returned when the program traps (XDP: 0..=3).
    pub on_trap: u32,
    /// In: memory limit per instance in pages (0 = DEFAULT_MEM_PAGES, at most MAX_MEM_PAGES).
    pub mem_pages: u32,
    /// In: must be 0.
    pub flags: u32,
    /// Out: slot id.
    pub slot: u32,
    /// Out: byte offset of a decode/validation error (u32::MAX if none).
    pub err_offset: u32,
    /// Reserved, 0.
    pub pad: u32,
    /// In: name, NUL-padded.
    pub name: [u8; NAME_LEN],
    /// Out: error message, NUL-padded.
    pub err: [u8; ERR_LEN],
}

impl LoadReq {
    /// Size in bytes of `struct wh_load`.
    pub const SIZE: usize = 8 + 4 + 4 + 8 + 4 + 4 + 4 + 4 + 4 + 4 + NAME_LEN + ERR_LEN;

    /// Decodes the wire form.
    pub fn decode(b: &[u8; Self::SIZE]) -> Self {
        let mut r = Le { buf: b, pos: 0 };
        LoadReq {
            wasm_ptr: r.u64(),
            wasm_len: r.u32(),
            hook: r.u32(),
            fuel: r.u64(),
            on_trap: r.u32(),
            mem_pages: r.u32(),
            flags: r.u32(),
            slot: r.u32(),
            err_offset: r.u32(),
            pad: r.u32(),
            name: r.take(),
            err: r.take(),
        }
    }

    /// Encodes the wire form.
    pub fn encode(&self) -> [u8; Self::SIZE] {
        let mut out = [0u8; Self::SIZE];
        let mut w = LeW {
            buf: &mut out,
            pos: 0,
        };
        w.u64(self.wasm_ptr);
        w.u32(self.wasm_len);
        w.u32(self.hook);
        w.u64(self.fuel);
        w.u32(self.on_trap);
        w.u32(self.mem_pages);
        w.u32(self.flags);
        w.u32(self.slot);
        w.u32(self.err_offset);
        w.u32(self.pad);
        w.put(&self.name);
        w.put(&self.err);
        out
    }

    /// An empty request.
    pub const fn zeroed() -> Self {
        LoadReq {
            wasm_ptr: 0,
            wasm_len: 0,
            hook: 0,
            fuel: 0,
            on_trap: 0,
            mem_pages: 0,
            flags: 0,
            slot: 0,
            err_offset: u32::MAX,
            pad: 0,
            name: [0; NAME_LEN],
            err: [0; ERR_LEN],
        }
    }
}

/// `struct wh_info`: a slot's settings and sizes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlotInfo {
    /// In: slot id.
    pub slot: u32,
    /// Hook kind wire value.
    pub hook: u32,
    /// Fuel per run.
    pub fuel: u64,
    /// Trap verdict.
    pub on_trap: u32,
    /// Memory limit in pages.
    pub mem_pages: u32,
    /// CPUs with an instance.
    pub ncpus: u32,
    /// Size of the Wasm binary.
    pub wasm_len: u32,
    /// Bytes of compiled code, shared by all CPUs.
    pub module_bytes: u64,
    /// Bytes of one instance (memory, stacks, globals, tables), per CPU.
    pub instance_bytes: u64,
    /// Name, NUL-padded.
    pub name: [u8; NAME_LEN],
}

impl SlotInfo {
    /// Size in bytes of `struct wh_info`.
    pub const SIZE: usize = 4 + 4 + 8 + 4 + 4 + 4 + 4 + 8 + 8 + NAME_LEN;

    /// Decodes the wire form.
    pub fn decode(b: &[u8; Self::SIZE]) -> Self {
        let mut r = Le { buf: b, pos: 0 };
        SlotInfo {
            slot: r.u32(),
            hook: r.u32(),
            fuel: r.u64(),
            on_trap: r.u32(),
            mem_pages: r.u32(),
            ncpus: r.u32(),
            wasm_len: r.u32(),
            module_bytes: r.u64(),
            instance_bytes: r.u64(),
            name: r.take(),
        }
    }

    /// Encodes the wire form.
    pub fn encode(&self) -> [u8; Self::SIZE] {
        let mut out = [0u8; Self::SIZE];
        let mut w = LeW {
            buf: &mut out,
            pos: 0,
        };
        w.u32(self.slot);
        w.u32(self.hook);
        w.u64(self.fuel);
        w.u32(self.on_trap);
        w.u32(self.mem_pages);
        w.u32(self.ncpus);
        w.u32(self.wasm_len);
        w.u64(self.module_bytes);
        w.u64(self.instance_bytes);
        w.put(&self.name);
        out
    }
}

/// `struct wh_stats`: a slot's counters, summed over CPUs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// In: slot id.
    pub slot: u32,
    /// Reserved.
    pub pad: u32,
    /// Runs (each call of the kfunc that reached this slot).
    pub runs: u64,
    /// Runs that trapped (including out of fuel and invalid verdicts).
    pub traps: u64,
    /// Runs that ran out of fuel.
    pub out_of_fuel: u64,
    /// Runs refused because this CPU was already running the slot (re-entry).
    pub busy: u64,
    /// Total time spent in the runs that were timed, ns.
    pub total_ns: u64,
    /// Runs that were timed: only while `kernel.bpf_stats_enabled` is on, as for BPF programs
    /// (two clock reads per run are not free).
    pub timed_runs: u64,
}

impl Stats {
    /// Size in bytes of `struct wh_stats`.
    pub const SIZE: usize = 4 + 4 + 8 * 6;

    /// Decodes the wire form.
    pub fn decode(b: &[u8; Self::SIZE]) -> Self {
        let mut r = Le { buf: b, pos: 0 };
        Stats {
            slot: r.u32(),
            pad: r.u32(),
            runs: r.u64(),
            traps: r.u64(),
            out_of_fuel: r.u64(),
            busy: r.u64(),
            total_ns: r.u64(),
            timed_runs: r.u64(),
        }
    }

    /// Encodes the wire form.
    pub fn encode(&self) -> [u8; Self::SIZE] {
        let mut out = [0u8; Self::SIZE];
        let mut w = LeW {
            buf: &mut out,
            pos: 0,
        };
        w.u32(self.slot);
        w.u32(self.pad);
        w.u64(self.runs);
        w.u64(self.traps);
        w.u64(self.out_of_fuel);
        w.u64(self.busy);
        w.u64(self.total_ns);
        w.u64(self.timed_runs);
        out
    }
}

/// `struct wh_list`: the ids of the loaded slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct List {
    /// How many entries of `slots` are valid.
    pub count: u32,
    /// Slot ids.
    pub slots: [u32; MAX_SLOTS as usize],
}

impl List {
    /// Size in bytes of `struct wh_list`.
    pub const SIZE: usize = 4 + 4 + 4 * MAX_SLOTS as usize;

    /// Decodes the wire form.
    pub fn decode(b: &[u8; Self::SIZE]) -> Self {
        let mut r = Le { buf: b, pos: 0 };
        let count = r.u32();
        let _pad = r.u32();
        let mut slots = [0u32; MAX_SLOTS as usize];
        for s in slots.iter_mut() {
            *s = r.u32();
        }
        List { count, slots }
    }

    /// Encodes the wire form.
    pub fn encode(&self) -> [u8; Self::SIZE] {
        let mut out = [0u8; Self::SIZE];
        let mut w = LeW {
            buf: &mut out,
            pos: 0,
        };
        w.u32(self.count);
        w.u32(0);
        for s in self.slots.iter() {
            w.u32(*s);
        }
        out
    }
}

/// Copies `s` into a NUL-padded fixed field, truncating.
pub fn fixed_str<const N: usize>(s: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    for (d, c) in out.iter_mut().zip(s.iter()) {
        *d = *c;
    }
    out
}

/// The text of a NUL-padded fixed field.
pub fn fixed_str_get(b: &[u8]) -> &[u8] {
    let n = b.iter().position(|c| *c == 0).unwrap_or(b.len());
    b.get(..n).unwrap_or(&[])
}

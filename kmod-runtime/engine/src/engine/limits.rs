// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Engine limits: hard ceilings as named constants plus per-instantiation [`Limits`].

/// Hard ceiling on linear memory pages (64 KiB each).
pub const MAX_PAGES: u32 = 65536;
/// Hard ceiling on call depth.
pub const MAX_CALL_DEPTH: u32 = 100_000;
/// Hard ceiling on value-stack slots.
pub const MAX_VALUE_STACK: u32 = 1 << 24;
/// Hard ceiling on table elements.
pub const MAX_TABLE_ELEMS: u32 = 1 << 20;
/// Maximum number of types.
pub const MAX_TYPES: u32 = 10_000;
/// Maximum number of functions (imported + defined).
pub const MAX_FUNCTIONS: u32 = 100_000;
/// Maximum params or results of one function type.
pub const MAX_PARAMS: u32 = 1000;
/// Maximum locals (params included) of one function.
pub const MAX_LOCALS: u32 = 50_000;
/// Maximum br_table targets.
pub const MAX_BR_TABLE: u32 = 65_536;
/// Maximum tables.
pub const MAX_TABLES: u32 = 100;
/// Maximum globals.
pub const MAX_GLOBALS: u32 = 100_000;
/// Maximum exports.
pub const MAX_EXPORTS: u32 = 10_000;
/// Maximum element or data segments.
pub const MAX_SEGMENTS: u32 = 100_000;
/// Maximum nesting of blocks inside one function body.
pub const MAX_CONTROL_DEPTH: u32 = 1024;
/// Maximum parameters + results of a host function call.
pub const MAX_HOST_VALUES: usize = 16;
/// Bulk memory/table instructions (`memory.fill/copy/init/grow`, `table.*`) cost one extra
/// fuel unit per this many bytes or elements, so fuel also bounds their work.
pub const BULK_UNITS_PER_FUEL: u64 = 64;
/// A call zeroes its function's declared locals: one extra fuel unit per this many, charged in
/// the function's entry block, so a call with thousands of locals is not one unit of work.
/// (`bench-hook-host --worst-case`: calls of a 16 000-local function cost 3.8 ns per fuel unit
/// at 16 locals per unit against 0.95 ns for plain instructions; at 4 per unit a call costs
/// 4 000 units.)
pub const LOCALS_PER_FUEL: u64 = 4;
/// Bytes per Wasm page.
pub const PAGE_SIZE: usize = 65536;

/// Instantiation-time limits; each is clamped to its `MAX_*` ceiling.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Limits {
    /// Pages of linear memory preallocated at most (memory.grow beyond fails with -1).
    pub max_memory_pages: u32,
    /// Maximum Wasm call depth.
    pub max_call_depth: u32,
    /// Maximum value-stack slots (locals and operands of all frames).
    pub max_value_stack: u32,
    /// Maximum elements per table.
    pub max_table_elems: u32,
}

impl Limits {
    /// Defaults suitable for hook programs.
    pub const DEFAULT: Limits = Limits {
        max_memory_pages: 16,
        max_call_depth: 512,
        max_value_stack: 16 * 1024,
        max_table_elems: 4096,
    };

    pub(super) fn memory_pages(&self) -> u32 {
        self.max_memory_pages.min(MAX_PAGES)
    }
    pub(super) fn call_depth(&self) -> u32 {
        self.max_call_depth.min(MAX_CALL_DEPTH)
    }
    pub(super) fn value_stack(&self) -> u32 {
        self.max_value_stack.min(MAX_VALUE_STACK)
    }
    pub(super) fn table_elems(&self) -> u32 {
        self.max_table_elems.min(MAX_TABLE_ELEMS)
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}

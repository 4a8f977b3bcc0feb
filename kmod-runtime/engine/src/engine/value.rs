// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Wasm value types and values; floats are carried as their IEEE-754 bit patterns.

/// A Wasm value type.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum ValType {
    /// 32-bit integer.
    I32 = 0,
    /// 64-bit integer.
    I64 = 1,
    /// 32-bit float (bits).
    F32 = 2,
    /// 64-bit float (bits).
    F64 = 3,
    /// Function reference.
    FuncRef = 4,
    /// External reference.
    ExternRef = 5,
}

impl ValType {
    /// Decodes a value type byte.
    pub(super) fn from_byte(b: u8) -> Option<ValType> {
        match b {
            0x7f => Some(ValType::I32),
            0x7e => Some(ValType::I64),
            0x7d => Some(ValType::F32),
            0x7c => Some(ValType::F64),
            0x70 => Some(ValType::FuncRef),
            0x6f => Some(ValType::ExternRef),
            _ => None,
        }
    }

    /// Internal compact code (0..=5).
    pub(super) fn code(self) -> u32 {
        self as u32
    }

    /// Inverse of [`ValType::code`].
    pub(super) fn from_code(c: u32) -> ValType {
        match c {
            0 => ValType::I32,
            1 => ValType::I64,
            2 => ValType::F32,
            3 => ValType::F64,
            4 => ValType::FuncRef,
            _ => ValType::ExternRef,
        }
    }

    /// True for reference types.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }
}

/// A Wasm value. References are `None` (null) or an index: a function index for `FuncRef`,
/// a host-chosen value for `ExternRef`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Val {
    /// i32
    I32(i32),
    /// i64
    I64(i64),
    /// f32 bits
    F32(u32),
    /// f64 bits
    F64(u64),
    /// funcref
    FuncRef(Option<u32>),
    /// externref
    ExternRef(Option<u32>),
}

impl Val {
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// Encodes into a 64-bit stack slot.
    pub(super) fn to_slot(self) -> u64 {
        match self {
            Val::I32(v) => u64::from(v as u32),
            Val::I64(v) => v as u64,
            Val::F32(v) => u64::from(v),
            Val::F64(v) => v,
            Val::FuncRef(r) | Val::ExternRef(r) => ref_to_slot(r),
        }
    }

    /// Decodes a 64-bit stack slot of the given type.
    pub(super) fn from_slot(ty: ValType, s: u64) -> Val {
        match ty {
            ValType::I32 => Val::I32(s as u32 as i32),
            ValType::I64 => Val::I64(s as i64),
            ValType::F32 => Val::F32(s as u32),
            ValType::F64 => Val::F64(s),
            ValType::FuncRef => Val::FuncRef(slot_to_ref(s)),
            ValType::ExternRef => Val::ExternRef(slot_to_ref(s)),
        }
    }

    /// The zero/null value of a type.
    pub fn default_of(ty: ValType) -> Val {
        Val::from_slot(ty, 0)
    }
}

/// Reference encoding in slots and tables: 0 = null, otherwise index + 1.
pub(super) fn ref_to_slot(r: Option<u32>) -> u64 {
    match r {
        None => 0,
        Some(i) => u64::from(i).wrapping_add(1),
    }
}

/// Inverse of [`ref_to_slot`].
pub(super) fn slot_to_ref(s: u64) -> Option<u32> {
    if s == 0 {
        None
    } else {
        Some(s.wrapping_sub(1) as u32)
    }
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Runtime traps.

/// A runtime trap. The instance stays usable after any trap.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Trap {
    /// `unreachable` executed.
    Unreachable,
    /// Memory access out of bounds.
    MemoryOutOfBounds,
    /// Table access out of bounds.
    TableOutOfBounds,
    /// `call_indirect` signature mismatch.
    IndirectCallTypeMismatch,
    /// `call_indirect` through a null table entry.
    UninitializedElement,
    /// Integer division by zero.
    IntegerDivideByZero,
    /// Integer overflow (division or float-to-int).
    IntegerOverflow,
    /// NaN converted to integer.
    BadConversionToInteger,
    /// Call depth limit reached.
    CallStackExhausted,
    /// Value stack limit reached.
    ValueStackExhausted,
    /// Fuel ran out.
    OutOfFuel,
    /// `call_indirect` index past the end of the table.
    UndefinedElement,
    /// `invoke` was called with arguments or result slots that do not match the signature.
    BadSignature,
    /// A host function trapped with this code.
    Host(u32),
}

impl Trap {
    /// Spec wording for the trap.
    pub fn message(&self) -> &'static str {
        match self {
            Trap::Unreachable => "unreachable",
            Trap::MemoryOutOfBounds => "out of bounds memory access",
            Trap::TableOutOfBounds => "out of bounds table access",
            Trap::IndirectCallTypeMismatch => "indirect call type mismatch",
            Trap::UninitializedElement => "uninitialized element",
            Trap::IntegerDivideByZero => "integer divide by zero",
            Trap::IntegerOverflow => "integer overflow",
            Trap::BadConversionToInteger => "invalid conversion to integer",
            Trap::CallStackExhausted => "call stack exhausted",
            Trap::ValueStackExhausted => "value stack exhausted",
            Trap::OutOfFuel => "out of fuel",
            Trap::UndefinedElement => "undefined element",
            Trap::BadSignature => "argument type mismatch",
            Trap::Host(_) => "host trap",
        }
    }
}

impl core::fmt::Display for Trap {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.message())
    }
}

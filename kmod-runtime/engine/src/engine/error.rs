// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Decode, validation, compile and instantiation errors: a small `Copy` kind plus byte offset.

use super::trap::Trap;

/// What went wrong.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Input ended early.
    UnexpectedEnd,
    /// Bad magic number.
    BadMagic,
    /// Unsupported binary version.
    BadVersion,
    /// Malformed LEB128 integer.
    BadLeb,
    /// Integer too large for its type.
    IntegerTooLarge,
    /// Unknown or out-of-order section.
    BadSection,
    /// Section size does not match its contents.
    SectionSizeMismatch,
    /// Unknown opcode.
    BadOpcode,
    /// Malformed value type.
    BadValType,
    /// Invalid UTF-8 in a name.
    BadUtf8,
    /// Malformed import/export kind, limits flag, mutability, etc.
    Malformed,
    /// Function and code section counts differ.
    FuncCodeMismatch,
    /// Data count section mismatch or missing.
    DataCountMismatch,
    /// Too many locals.
    TooManyLocals,
    /// Type mismatch in validation.
    TypeMismatch,
    /// Unknown index (type, function, local, global, table, memory, label, elem, data).
    UnknownIndex,
    /// Global is immutable.
    ImmutableGlobal,
    /// Constant expression required.
    ConstantExprRequired,
    /// Duplicate export name.
    DuplicateExport,
    /// Alignment larger than natural.
    BadAlignment,
    /// Limits: min greater than max, or over spec maxima.
    BadLimits,
    /// More than one memory or multiple memories used.
    MultipleMemories,
    /// Start function has the wrong type.
    BadStartFunction,
    /// `ref.func` of an undeclared function.
    UndeclaredFuncRef,
    /// An import could not be resolved.
    UnknownImport,
    /// An import resolved to an incompatible type.
    IncompatibleImport,
    /// An engine limit was exceeded.
    LimitExceeded,
    /// The caller's buffer is too small.
    BufferTooSmall,
    /// Instantiation trapped.
    Trap(Trap),
    /// Feature not supported by this engine.
    Unsupported,
}

/// An error with the byte offset in the Wasm binary where it was found.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Error {
    kind: ErrorKind,
    offset: u32,
}

impl Error {
    /// New error at `offset`.
    pub fn new(kind: ErrorKind, offset: usize) -> Error {
        Error {
            kind,
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
        }
    }

    /// The error kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Byte offset in the Wasm binary (0 for instantiation errors).
    pub fn offset(&self) -> usize {
        self.offset as usize
    }

    /// The trap, if this error is an instantiation trap.
    pub fn trap(&self) -> Option<Trap> {
        match self.kind {
            ErrorKind::Trap(t) => Some(t),
            _ => None,
        }
    }

    /// Human-readable message (spec wording where there is one).
    pub fn message(&self) -> &'static str {
        match self.kind {
            ErrorKind::UnexpectedEnd => "unexpected end",
            ErrorKind::BadMagic => "magic header not detected",
            ErrorKind::BadVersion => "unknown binary version",
            ErrorKind::BadLeb => "integer representation too long",
            ErrorKind::IntegerTooLarge => "integer too large",
            ErrorKind::BadSection => "malformed section id",
            ErrorKind::SectionSizeMismatch => "section size mismatch",
            ErrorKind::BadOpcode => "illegal opcode",
            ErrorKind::BadValType => "malformed value type",
            ErrorKind::BadUtf8 => "malformed UTF-8 encoding",
            ErrorKind::Malformed => "malformed module",
            ErrorKind::FuncCodeMismatch => "function and code section have inconsistent lengths",
            ErrorKind::DataCountMismatch => "data count and data section have inconsistent lengths",
            ErrorKind::TooManyLocals => "too many locals",
            ErrorKind::TypeMismatch => "type mismatch",
            ErrorKind::UnknownIndex => "unknown index",
            ErrorKind::ImmutableGlobal => "global is immutable",
            ErrorKind::ConstantExprRequired => "constant expression required",
            ErrorKind::DuplicateExport => "duplicate export name",
            ErrorKind::BadAlignment => "alignment must not be larger than natural",
            ErrorKind::BadLimits => "invalid limits",
            ErrorKind::MultipleMemories => "multiple memories",
            ErrorKind::BadStartFunction => "start function",
            ErrorKind::UndeclaredFuncRef => "undeclared function reference",
            ErrorKind::UnknownImport => "unknown import",
            ErrorKind::IncompatibleImport => "incompatible import type",
            ErrorKind::LimitExceeded => "engine limit exceeded",
            ErrorKind::BufferTooSmall => "buffer too small",
            ErrorKind::Trap(t) => t.message(),
            ErrorKind::Unsupported => "unsupported feature",
        }
    }
}

impl From<Trap> for Error {
    fn from(t: Trap) -> Error {
        Error::new(ErrorKind::Trap(t), 0)
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} at offset {:#x}", self.message(), self.offset)
    }
}

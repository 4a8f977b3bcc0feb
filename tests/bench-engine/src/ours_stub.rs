//! Stand-in for the wasmhook-engine adapter while `kmod-runtime/engine` is not merged into this
//! branch: every entry point reports the engine as unavailable. Same signatures as
//! `ours_engine.rs`, which replaces it.

use crate::common::{Session, SetupError};

/// Whether our engine is compiled in.
pub const AVAILABLE: bool = false;

/// Fuel handed to our engine when benchmarking (unlimited-ish).
pub const BENCH_FUEL: u64 = u64::MAX / 2;

/// Decode + validate only.
pub fn validate(_wasm: &[u8]) -> Result<(), SetupError> {
    Err(SetupError::Unavailable("wasmhook-engine not merged".into()))
}

/// Compiles and instantiates `wasm` in our engine and hands the instance to `f`.
pub fn with_instance<R>(
    _wasm: &[u8],
    _fuel: &mut u64,
    _f: impl FnOnce(&mut dyn Session) -> R,
) -> Result<R, SetupError> {
    Err(SetupError::Unavailable("wasmhook-engine not merged".into()))
}

//! Harness shared by the engine benchmark (`bench-engine`) and the differential fuzzer
//! (`fuzz-diff`): one engine-neutral view of "instantiate a module, list its exported functions,
//! call them under a fuel bound", implemented once for wasmi ([`theirs`]) and once for
//! wasmhook-engine ([`ours`]).
//!
//! Everything engine-specific for our side lives in the single file behind [`ours`], so wiring
//! in (or changing) the engine API touches only that file.

pub mod common;
pub mod theirs;

// The wasmhook-engine adapter. `ours_stub.rs` (same signatures, engine reported unavailable)
// can stand in if the engine ever has to be taken out of this build.
#[path = "ours_engine.rs"]
pub mod ours;

pub use common::*;

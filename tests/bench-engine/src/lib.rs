//! Harness shared by the engine benchmark (`bench-engine`) and the differential fuzzer
//! (`fuzz-diff`): one engine-neutral view of "instantiate a module, list its exported functions,
//! call them under a fuel bound", implemented once for wasmi ([`theirs`]) and once for
//! wasmhook-engine ([`ours`]).
//!
//! Everything engine-specific for our side lives in the single file behind [`ours`], so wiring
//! in (or changing) the engine API touches only that file.

pub mod common;
pub mod theirs;

// Until `kmod-runtime/engine` (package `wasmhook-engine`) is merged into this branch the
// adapter is a stub that reports the engine as unavailable. Plugging it in = add the
// `wasmhook-engine` path dependency to Cargo.toml and point this at `ours_engine.rs`.
#[path = "ours_stub.rs"]
pub mod ours;

pub use common::*;

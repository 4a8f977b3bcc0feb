// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! wasmhook-engine: a `no_std`, allocation-free WebAssembly 2.0 (minus SIMD) interpreter.
//!
//! The kernel module includes `engine/mod.rs` directly with `#[path]`; user-space tools use this
//! crate. See `docs/engine-api.md` for the API contract.
//!
//! ```
//! use wasmhook_engine::{plan, Limits, Module, Instance, Imports, Host, Val, ValType, Trap};
//! struct NoImports;
//! impl Imports for NoImports {
//!     fn resolve_func(&self, _: &str, _: &str, _: &[ValType], _: &[ValType]) -> Option<u32> { None }
//! }
//! struct NoHost;
//! impl Host for NoHost {
//!     fn call(&mut self, _: u32, _: &mut [u8], _: &[Val], _: &mut [Val]) -> Result<(), Trap> {
//!         Err(Trap::Host(0))
//!     }
//! }
//! // (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
//! let wasm = [0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1,
//!             3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11];
//! let limits = Limits::DEFAULT;
//! let p = plan(&wasm, &limits, &NoImports).unwrap();
//! let mut mbuf = vec![0u8; p.module_bytes];
//! let module = Module::compile(&wasm, &limits, &NoImports, &mut mbuf).unwrap();
//! let mut ibuf = vec![0u8; module.instance_bytes()];
//! let mut fuel = 1_000u64;
//! let mut inst = Instance::new(&module, &mut ibuf, &mut fuel, &mut NoHost).unwrap();
//! let f = module.export_func("add").unwrap();
//! let mut out = [Val::I32(0)];
//! inst.invoke(f, &[Val::I32(2), Val::I32(40)], &mut out, &mut fuel, &mut NoHost).unwrap();
//! assert_eq!(out[0], Val::I32(42));
//! ```
#![cfg_attr(not(test), no_std)]
#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::unreachable,
    clippy::float_arithmetic,
    clippy::todo,
    clippy::unimplemented
)]

#[path = "engine/mod.rs"]
mod engine;
pub use engine::*;

#[cfg(test)]
mod tests;

// SPDX-License-Identifier: GPL-2.0 OR MIT
//! Hook ABI (v2) of wasmhook, as a cargo crate for userspace tools.
//!
//! The source lives in `src/abi/` and is also compiled into the kernel module (which includes it
//! with `#[path]` beside the engine), so the host functions behave the same in `wasmload test`
//! and in the kernel.
//!
//! ```
//! use wasmhook_hook_abi::{resolve, ValType};
//! assert_eq!(resolve("wasmhook", "pkt_len", &[], &[ValType::I32]), Some(0));
//! assert_eq!(resolve("wasmhook", "pkt_len", &[ValType::I32], &[ValType::I32]), None);
//! ```
#![no_std]

pub use wasmhook_engine as engine;
pub use wasmhook_engine::{Trap, Val, ValType};

#[path = "abi/mod.rs"]
mod abi;
pub use abi::*;

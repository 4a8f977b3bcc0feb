//! kprobe-count: an example wasmhook kprobe hook.
//!
//! Counts calls of the probed function in `calls[0]` (per CPU) and, per value of its first
//! argument, in the LRU hash `by_arg` (at most 1024 distinct values). Records the time of the
//! last call in `calls[1]`.
//!
//! Build: `scripts/build-hook examples/kprobe-count -o target/hooks/kprobe-count.wasm`, then
//! `wasm2hook build target/hooks/kprobe-count.wasm -o kprobe-count.o`.
#![cfg_attr(target_arch = "wasm32", no_std)]

use wasmhook_sdk::{kprobe, ktime_ns, maps, Kprobe};

maps! {
    /// [0] = calls on this CPU, [1] = ktime of the last call on this CPU.
    calls: PercpuArray<u32, u64> [2];
    /// Calls per first argument.
    by_arg: LruHash<u64, u64> [1024];
}

kprobe!(
    fn count(ctx: &Kprobe) {
        calls.add(&0, 1);
        let _ = calls.set(&1, &ktime_ns());
        by_arg.add(&ctx.arg(0), 1);
    }
);

wasmhook_sdk::panic_handler!();

#[cfg(test)]
mod tests {
    use super::*;
    use wasmhook_sdk::mock;

    #[test]
    fn counts_calls_and_arguments() {
        mock::reset(&[], &[(4, 8), (8, 8)]);
        mock::with(|e| {
            e.kprobe_args[0] = 42;
            e.ktime_ns = 1000;
        });
        assert_eq!(kprobe(0), 0);
        assert_eq!(kprobe(0), 0);
        assert_eq!(calls.lookup(&0), Some(2));
        assert_eq!(calls.lookup(&1), Some(1000));
        assert_eq!(by_arg.lookup(&42), Some(2));
        assert_eq!(by_arg.lookup(&7), None);
    }
}

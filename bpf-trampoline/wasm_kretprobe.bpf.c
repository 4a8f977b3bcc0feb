// SPDX-License-Identifier: GPL-2.0
/*
 * wasm_kretprobe - the kretprobe trampoline: at the probed function's return, runs the Wasm
 * kprobe hook in the slot named by wh_cfg[0] through wasmhook_kretprobe, which lets the hook read
 * the return value (kprobe_ret). Maps wh_m0..wh_m2 are the Wasm hook's maps 0..2.
 */
#include "trampoline.h"

SEC("kretprobe")
int wasm_kretprobe(struct pt_regs *ctx)
{
	__u32 key = 0;
	__u32 *slot = bpf_map_lookup_elem(&wh_cfg, &key);

	if (!slot)
		return 0;
	wasmhook_kretprobe(ctx, *slot, &wh_m0, &wh_m1, &wh_m2);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

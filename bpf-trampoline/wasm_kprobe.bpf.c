// SPDX-License-Identifier: GPL-2.0
/*
 * wasm_kprobe - the kprobe trampoline: runs the Wasm hook in the slot named by wh_cfg[0] through
 * the wasmhook module's kfunc. Maps wh_m0..wh_m2 are the Wasm hook's maps 0..2.
 */
#include "trampoline.h"

/* The loader attaches to any symbol; a fixed target (for bpftool autoattach) can be compiled in. */
#ifndef WH_KPROBE_SEC
#define WH_KPROBE_SEC "kprobe"
#endif

SEC(WH_KPROBE_SEC)
int wasm_kprobe(struct pt_regs *ctx)
{
	__u32 key = 0;
	__u32 *slot = bpf_map_lookup_elem(&wh_cfg, &key);

	if (!slot)
		return 0;
	wasmhook_kprobe(ctx, *slot, &wh_m0, &wh_m1, &wh_m2);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

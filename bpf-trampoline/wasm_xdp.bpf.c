// SPDX-License-Identifier: GPL-2.0
/*
 * wasm_xdp - the XDP trampoline: runs the Wasm hook in the slot named by wh_cfg[0] through the
 * wasmhook module's kfunc and returns its verdict. Maps wh_m0..wh_m2 are the Wasm hook's maps
 * 0..2 (the loader creates them or binds pinned ones before loading).
 */
#define WH_XDP
#include "trampoline.h"

SEC("xdp")
int wasm_xdp(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u32 *slot = bpf_map_lookup_elem(&wh_cfg, &key);

	if (!slot)
		return XDP_PASS;
	return wh_xdp_verdict(wasmhook_xdp(ctx, *slot, &wh_m0, &wh_m1, &wh_m2));
}

char LICENSE[] SEC("license") = "GPL";

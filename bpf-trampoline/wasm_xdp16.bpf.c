// SPDX-License-Identifier: GPL-2.0
/*
 * wasm_xdp16 - the 16-map XDP trampoline: as wasm_xdp, with maps wh_m0..wh_m15 (the loader
 * picks it for hooks that declare more than 3 maps).
 */
#define WH_XDP
#include "trampoline16.h"

SEC("xdp")
int wasm_xdp16(struct xdp_md *ctx)
{
	return wh_xdp_verdict(WH_RUN16(wasmhook_xdp16, ctx, XDP_PASS));
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * wasm_tc16 - the 16-map tc trampoline: as wasm_tc, with maps wh_m0..wh_m15.
 */
#include "trampoline16.h"
#include <linux/pkt_cls.h>

SEC("classifier")
int wasm_tc16(struct __sk_buff *ctx)
{
	return wh_verdict(WH_RUN16(wasmhook_tc16, ctx, TC_ACT_OK));
}

char LICENSE[] SEC("license") = "GPL";

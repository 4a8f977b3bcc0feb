// SPDX-License-Identifier: GPL-2.0
/*
 * wasm_tc - the tc (sched_cls) trampoline: runs the Wasm hook in the slot named by wh_cfg[0]
 * through the wasmhook module's kfunc and returns its verdict (TC_ACT_OK / TC_ACT_SHOT). The
 * loader attaches it with a tcx link to an interface's ingress or egress; maps wh_m0..wh_m2 are
 * the Wasm hook's maps 0..2. Section "classifier" (not "tc"): aya-obj 0.3 knows only that
 * name for sched_cls, and libbpf/bpftool accept it too.
 */
#include "trampoline.h"
#include <linux/pkt_cls.h>

SEC("classifier")
int wasm_tc(struct __sk_buff *ctx)
{
	__u32 key = 0;
	__u32 *slot = bpf_map_lookup_elem(&wh_cfg, &key);

	if (!slot)
		return TC_ACT_OK;
	return wh_verdict(wasmhook_tc(ctx, *slot, &wh_m0, &wh_m1, &wh_m2));
}

char LICENSE[] SEC("license") = "GPL";

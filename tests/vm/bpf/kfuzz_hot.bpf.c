// SPDX-License-Identifier: GPL-2.0
/*
 * kfuzz_hot - a kprobe trampoline inside the hook path itself: on wasmhook_c_map_lookup, which
 * runs while an XDP hook (or a start function at LOAD) calls map_lookup, so a kprobe hook runs
 * nested in another hook's run on the same CPU (tests/vm/kfuzz.sh).
 */
#include "../../../bpf-trampoline/trampoline.h"

SEC("kprobe/wasmhook_c_map_lookup")
int kf_hot(struct pt_regs *ctx)
{
	__u32 key = 0;
	__u32 *slot = bpf_map_lookup_elem(&wh_cfg, &key);

	if (!slot)
		return 0;
	wasmhook_kprobe(ctx, *slot, &wh_m0, &wh_m1, &wh_m2);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

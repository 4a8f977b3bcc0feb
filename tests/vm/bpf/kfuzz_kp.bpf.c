// SPDX-License-Identifier: GPL-2.0
/*
 * kfuzz_kp - the kfuzz run's kprobe trampoline on getppid(2), which kfuzz-guest calls to run a
 * kprobe input: the same body as bpf-trampoline/wasm_kprobe.bpf.c under its own program name,
 * so tests/vm/kfuzz.sh finds its config map by name.
 */
#include "../../../bpf-trampoline/trampoline.h"

SEC("kprobe/__x64_sys_getppid")
int kf_kp(struct pt_regs *ctx)
{
	__u32 key = 0;
	__u32 *slot = bpf_map_lookup_elem(&wh_cfg, &key);

	if (!slot)
		return 0;
	wasmhook_kprobe(ctx, *slot, &wh_m0, &wh_m1, &wh_m2);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

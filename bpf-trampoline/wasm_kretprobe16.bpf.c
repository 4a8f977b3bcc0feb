// SPDX-License-Identifier: GPL-2.0
/*
 * wasm_kretprobe16 - the 16-map kretprobe trampoline (program name wasm_kretprob16: BPF names
 * are 15 bytes): as wasm_kretprobe, with maps wh_m0..wh_m15.
 */
#include "trampoline16.h"

SEC("kretprobe")
int wasm_kretprob16(struct pt_regs *ctx)
{
	WH_RUN16(wasmhook_kretprobe16, ctx, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

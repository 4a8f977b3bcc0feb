// SPDX-License-Identifier: GPL-2.0
/*
 * wasm_kprobe16 - the 16-map kprobe trampoline: as wasm_kprobe, with maps wh_m0..wh_m15.
 */
#include "trampoline16.h"

SEC("kprobe")
int wasm_kprobe16(struct pt_regs *ctx)
{
	WH_RUN16(wasmhook_kprobe16, ctx, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

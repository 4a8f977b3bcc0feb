// SPDX-License-Identifier: GPL-2.0
/*
 * wasm_raw_tp16 - the 16-map raw tracepoint trampoline: as wasm_raw_tp, with maps
 * wh_m0..wh_m15 (trampoline16.h). wh_cfg: [0] slot, [1] map count, [2] events on, [3] records
 * lost, [4] argument bytes to copy.
 */
#define WH_CFG_ENTRIES 5
#include "trampoline16.h"
#include "trampoline_tp.h"

/* WH_RUN16's run kfunc, with the slot taken from the record buffer. */
#define WH_TP_RUN16(rec, slot, token, nmaps) wasmhook_tracepoint16(rec, sizeof(*(rec)), token, nmaps)

SEC("raw_tp")
int wasm_raw_tp16(void *ctx)
{
	struct wh_tp_rec *r = wh_tp_copy(ctx);

	if (!r)
		return 0;
	WH_RUN16(WH_TP_RUN16, r, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

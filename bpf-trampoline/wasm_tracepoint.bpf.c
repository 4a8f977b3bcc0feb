// SPDX-License-Identifier: GPL-2.0
/*
 * wasm_tracepoint - the classic tracepoint trampoline: copies the trace record (trampoline_tp.h)
 * and runs the Wasm hook in the slot named by wh_cfg[0] on it. Maps wh_m0..wh_m2 are the Wasm
 * hook's maps 0..2; wh_cfg[4] is how many record bytes to copy (the loader writes it).
 */
#define WH_CFG_ENTRIES 5
#include "trampoline.h"
#include "trampoline_tp.h"

WH_TP_TRAMPOLINE("tracepoint", wasm_tracepoint)

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * wasm_raw_tp16 - the 16-map raw tracepoint trampoline: as wasm_raw_tp, with maps
 * wh_m0..wh_m15 (trampoline16.h). wh_cfg: [0] slot, [1] map count, [2] events on, [3] records
 * lost, [4] argument bytes to copy.
 */
#define WH_CFG_ENTRIES 5
#include "trampoline16.h"
#include "trampoline_tp.h"

WH_TP_TRAMPOLINE16("raw_tp", wasm_raw_tp16)

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * wasm_raw_tp - the raw tracepoint trampoline: a raw tracepoint program gets the tracepoint's
 * arguments as an array of u64 (struct bpf_raw_tracepoint_args); it copies wh_cfg[4] bytes of
 * them (the loader writes 8 * the argument count it read from the kernel's BTF) into this CPU's
 * record buffer (trampoline_tp.h) and runs the Wasm tracepoint hook in the slot named by
 * wh_cfg[0] on it, so the hook reads argument i with ctx_read(8 * i, dst, 8). A raw tracepoint
 * program does not nest into itself on a CPU (the kernel's per-program recursion counter), so
 * its one buffer per CPU is enough. Maps wh_m0..wh_m2 are the Wasm hook's maps 0..2.
 */
#define WH_CFG_ENTRIES 5
#include "trampoline.h"
#include "trampoline_tp.h"

WH_TP_TRAMPOLINE("raw_tp", wasm_raw_tp)

char LICENSE[] SEC("license") = "GPL";

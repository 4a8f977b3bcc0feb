/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trampoline16.h - what the 16-map trampolines (wasm_*16.bpf.c) add to trampoline.h: maps
 * wh_m3..wh_m15 and WH_RUN16(), which hands all 16 maps to the module and runs the hook.
 *
 * A kfunc takes at most 5 arguments, so the maps go to the module in four groups of four with
 * wasmhook_maps(), which stores the `struct bpf_map *`s in this CPU's map table and returns a
 * token; the run kfunc (wasmhook_xdp16, ...) runs only if the table still holds this token's
 * maps (a program nested between the fill and the run takes a new token: the outer run is then
 * refused and counted as busy). See docs/hook-abi.md, "Sixteen maps". The program references
 * all 16 maps, so `bpftool prog show` lists their ids and they live as long as the program.
 *
 * wh_cfg[1] is how many maps the hook declares (the loader writes it): the module refuses map
 * indices at or above it, so the placeholder maps of undeclared slots are never touched.
 */
#ifndef WASMHOOK_TRAMPOLINE16_H
#define WASMHOOK_TRAMPOLINE16_H

#define WH_CFG_ENTRIES 2
#include "trampoline.h"

#define WH_PLACEHOLDER(n)                                                                        \
	struct {                                                                                 \
		__uint(type, BPF_MAP_TYPE_ARRAY);                                                \
		__uint(max_entries, 1);                                                          \
		__type(key, __u32);                                                              \
		__type(value, __u64);                                                            \
	} n SEC(".maps")

WH_PLACEHOLDER(wh_m3);
WH_PLACEHOLDER(wh_m4);
WH_PLACEHOLDER(wh_m5);
WH_PLACEHOLDER(wh_m6);
WH_PLACEHOLDER(wh_m7);
WH_PLACEHOLDER(wh_m8);
WH_PLACEHOLDER(wh_m9);
WH_PLACEHOLDER(wh_m10);
WH_PLACEHOLDER(wh_m11);
WH_PLACEHOLDER(wh_m12);
WH_PLACEHOLDER(wh_m13);
WH_PLACEHOLDER(wh_m14);
WH_PLACEHOLDER(wh_m15);

/*
 * Runs `RUN(ctx, slot, token, nmaps)` with maps wh_m0..wh_m15, or returns `NONE` when wh_cfg
 * is unreadable. A failed fill returns token 0, which every later fill and the run refuse.
 */
#define WH_RUN16(RUN, ctx, NONE)                                                                 \
	({                                                                                       \
		__u32 k0_ = 0, k1_ = 1;                                           \
		__u64 t_;                                                      \
		__u32 *slot_ = bpf_map_lookup_elem(&wh_cfg, &k0_);                               \
		__u32 *nmaps_ = bpf_map_lookup_elem(&wh_cfg, &k1_);                              \
		int r_ = (NONE);                                                                 \
		if (slot_ && nmaps_) {                                                           \
			t_ = wasmhook_maps(0, &wh_m0, &wh_m1, &wh_m2, &wh_m3);                   \
			t_ = wasmhook_maps((__u64)t_ << 32 | 4, &wh_m4, &wh_m5, &wh_m6, &wh_m7); \
			t_ = wasmhook_maps((__u64)t_ << 32 | 8, &wh_m8, &wh_m9, &wh_m10, &wh_m11); \
			t_ = wasmhook_maps((__u64)t_ << 32 | 12, &wh_m12, &wh_m13, &wh_m14,       \
					   &wh_m15);                                             \
			r_ = RUN(ctx, *slot_, (__u32)t_, *nmaps_);                                     \
		}                                                                                \
		r_;                                                                              \
	})

#endif

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
 * wh_cfg[2] is nonzero when the hook declares a ring buffer: then the records its run staged
 * are emitted into wh_ev after the run (WH_EMIT_EVENTS); wh_cfg[3] counts the records the ring
 * buffer refused (full), as `wasmload events` reports.
 */
#ifndef WASMHOOK_TRAMPOLINE16_H
#define WASMHOOK_TRAMPOLINE16_H

#ifndef WH_CFG_ENTRIES
#define WH_CFG_ENTRIES 4
#endif
#include "trampoline.h"

static long (*bpf_ringbuf_output)(void *ringbuf, void *data, __u64 size,
				  __u64 flags) = (void *)BPF_FUNC_ringbuf_output;

/* Ring buffer records (docs/hook-abi.md, "Events"): as the module's WH_EV_MAX / WH_EV_RECS. */
#define WH_EV_MAX 1024
#define WH_EV_RECS 32

/*
 * The hook's ring buffer map (the loader binds the ringbuf map the hook declares here and at its
 * index in wh_m0..wh_m15; a hook without one gets this one-page placeholder, never written).
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} wh_ev SEC(".maps");

/* Where wasmhook_ev_pop() puts one record before bpf_ringbuf_output() copies it. */
struct wh_evrec {
	__u8 b[WH_EV_MAX];
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wh_evrec);
} wh_evbuf SEC(".maps");

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
 * Takes the records the run of fill sequence @token staged out of the module, one by one, into
 * wh_evbuf and emits each into wh_ev: at most WH_EV_RECS, as many as the module takes per run.
 */
static __always_inline void wh_emit_events(__u32 token)
{
	__u32 k0 = 0, k2 = 2, k3 = 3;
	__u32 *on = bpf_map_lookup_elem(&wh_cfg, &k2);
	struct wh_evrec *rec;
	__u32 *lost;
	int i, r;

	/* Hooks without a ring buffer pay one (inlined) array lookup. */
	if (!on || !*on)
		return;
	lost = bpf_map_lookup_elem(&wh_cfg, &k3);
	rec = bpf_map_lookup_elem(&wh_evbuf, &k0);
	if (!lost || !rec)
		return;
	for (i = 0; i < WH_EV_RECS; i++) {
		__u32 len, flags;

		r = wasmhook_ev_pop(token, rec->b, sizeof(rec->b));
		if (r <= 0)
			break;
		len = r & 0xffff;
		flags = (__u32)r >> 16;
		if (len == 0 || len > WH_EV_MAX)
			break;
		if (bpf_ringbuf_output(&wh_ev, rec->b, len, flags))
			__sync_fetch_and_add(lost, 1);
	}
}

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
			wh_emit_events((__u32)t_);                                               \
		}                                                                                \
		r_;                                                                              \
	})

#endif

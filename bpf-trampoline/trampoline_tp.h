/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trampoline_tp.h - what the tracepoint trampolines (wasm_tracepoint*.bpf.c) share: the per-CPU
 * record buffer and WH_TP_COPY(), which copies the trace record into it.
 *
 * A classic tracepoint program gets a pointer to the raw trace record (the common fields, then
 * the event's fields). The trampoline copies wh_cfg[4] bytes of it (the loader writes the
 * record's fixed size from the event's format file, plus a bounded tail when the event has
 * __data_loc fields; at most WH_TP_MAX) with bpf_probe_read_kernel into this CPU's wh_rec
 * value, and hands that value to the module: the module copies nothing more, and the Wasm hook
 * reads only inside the copy (ctx_read). The slot id travels in the same buffer, so the kfunc
 * keeps its three map arguments within the five a kfunc may take. Tracepoint programs do not
 * nest on a CPU (bpf_prog_active), so one buffer per CPU is enough.
 */
#ifndef WASMHOOK_TRAMPOLINE_TP_H
#define WASMHOOK_TRAMPOLINE_TP_H

/* Keep equal to wasmhook_hook_abi::MAX_TP_RECORD. */
#define WH_TP_MAX 512

static long (*bpf_probe_read_kernel)(void *dst, __u32 size,
				     const void *unsafe_ptr) = (void *)BPF_FUNC_probe_read_kernel;

struct wh_tp_rec {
	__u32 slot;
	__u32 len;	/* bytes of data[] copied from the record */
	__u8 data[WH_TP_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wh_tp_rec);
} wh_rec SEC(".maps");

/* This CPU's wh_rec holding slot wh_cfg[0] and the record at @ctx, or NULL. */
static __always_inline struct wh_tp_rec *wh_tp_copy(void *ctx)
{
	__u32 k0 = 0, k4 = 4;
	__u32 *slot = bpf_map_lookup_elem(&wh_cfg, &k0);
	__u32 *len = bpf_map_lookup_elem(&wh_cfg, &k4);
	struct wh_tp_rec *r = bpf_map_lookup_elem(&wh_rec, &k0);
	__u32 n;

	if (!slot || !len || !r)
		return 0;
	n = *len;
	if (n > WH_TP_MAX)
		n = WH_TP_MAX;
	r->slot = *slot;
	/* On a failed read (the record is shorter than its format says) the hook sees none. */
	if (bpf_probe_read_kernel(r->data, n, ctx) < 0)
		n = 0;
	r->len = n;
	return r;
}

/*
 * A tracepoint trampoline FN in section SECNAME: "tracepoint" (a classic tracepoint, whose
 * context is the trace record) or "raw_tp" (a raw tracepoint, whose context is its u64
 * arguments); both copy their context and run the hook on the copy. WH_TP_TRAMPOLINE passes maps
 * wh_m0..wh_m2; WH_TP_TRAMPOLINE16 (after trampoline16.h) wh_m0..wh_m15 through WH_RUN16.
 */
#define WH_TP_TRAMPOLINE(SECNAME, FN)                                                            \
	SEC(SECNAME) int FN(void *ctx)                                                           \
	{                                                                                        \
		struct wh_tp_rec *r = wh_tp_copy(ctx);                                           \
		if (!r)                                                                          \
			return 0;                                                                \
		wasmhook_tracepoint(r, sizeof(*r), &wh_m0, &wh_m1, &wh_m2);                      \
		return 0;                                                                        \
	}

/* WH_RUN16's run kfunc, with the slot taken from the record buffer. */
#define WH_TP_RUN16(rec, slot, token, nmaps) wasmhook_tracepoint16(rec, sizeof(*(rec)), token, nmaps)

#define WH_TP_TRAMPOLINE16(SECNAME, FN)                                                          \
	SEC(SECNAME) int FN(void *ctx)                                                           \
	{                                                                                        \
		struct wh_tp_rec *r = wh_tp_copy(ctx);                                           \
		if (!r)                                                                          \
			return 0;                                                                \
		WH_RUN16(WH_TP_RUN16, r, 0);                                                     \
		return 0;                                                                        \
	}

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * bad_hookobj - a hand-made hook object whose trampoline the verifier must refuse (it reads the
 * packet without a bounds check). The attach tests use it to check that wasmload prints the
 * verifier log and leaves nothing behind. The `wasmhook.wasm` section is a minimal valid XDP
 * hook: (func (export "xdp") (param i32) (result i32) i32.const 2) with one page of memory.
 */
#include <linux/bpf.h>
#include <linux/types.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int(*name)[val]
#define __type(name, val) typeof(val) *name
#define __ksym __attribute__((section(".ksyms")))
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)BPF_FUNC_map_lookup_elem;

extern int wasmhook_xdp(struct xdp_md *ctx, __u32 slot, void *m0, void *m1, void *m2) __ksym;

#define WH_MAP(name, t, n, v)                                                                      \
	struct {                                                                                   \
		__uint(type, t);                                                                   \
		__uint(max_entries, n);                                                            \
		__type(key, __u32);                                                                \
		__type(value, v);                                                                  \
	} name SEC(".maps")
WH_MAP(wh_cfg, BPF_MAP_TYPE_ARRAY, 1, __u32);
WH_MAP(wh_m0, BPF_MAP_TYPE_ARRAY, 1, __u64);
WH_MAP(wh_m1, BPF_MAP_TYPE_ARRAY, 1, __u64);
WH_MAP(wh_m2, BPF_MAP_TYPE_ARRAY, 1, __u64);

SEC("wasmhook.wasm")
const unsigned char wasm[] = {
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,       /* magic, version */
	0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,       /* type: (i32) -> i32 */
	0x03, 0x02, 0x01, 0x00,                               /* func 0: type 0 */
	0x05, 0x03, 0x01, 0x00, 0x01,                         /* memory: 1 page */
	0x07, 0x07, 0x01, 0x03, 'x', 'd', 'p', 0x00, 0x00,    /* export "xdp" = func 0 */
	0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x02, 0x0b,       /* code: i32.const 2 */
};

SEC("xdp")
int wasm_xdp(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u32 *slot = bpf_map_lookup_elem(&wh_cfg, &key);
	const __u8 *data = (const __u8 *)(long)ctx->data;

	if (!slot || data[100] == 7) /* no bounds check: refused */
		return XDP_PASS;
	return wasmhook_xdp(ctx, *slot, &wh_m0, &wh_m1, &wh_m2);
}

char LICENSE[] SEC("license") = "GPL";

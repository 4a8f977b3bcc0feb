// SPDX-License-Identifier: GPL-2.0
/*
 * foreign_maps - an eBPF program that calls the wasmhook kfunc with maps the Wasm hook must not
 * be able to misuse (trust-tests.sh): map 0 is read-only for programs (BPF_F_RDONLY_PROG, like a
 * frozen .rodata), map 1 write-only for programs (BPF_F_WRONLY_PROG), map 2 has a bpf_spin_lock
 * in its value (a special field the verifier owns). The slot id is cfg[0].
 */
#include <linux/bpf.h>
#include <linux/types.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int(*name)[val]
#define __type(name, val) typeof(val) *name
#define __ksym __attribute__((section(".ksyms")))
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)BPF_FUNC_map_lookup_elem;

extern int wasmhook_xdp(struct xdp_md *ctx, __u32 slot, void *m0, void *m1, void *m2) __ksym;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} fm_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, __u32);
	__type(value, __u64);
} fm_ro SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__uint(map_flags, BPF_F_WRONLY_PROG);
	__type(key, __u32);
	__type(value, __u64);
} fm_wo SEC(".maps");

struct locked {
	struct bpf_spin_lock lock;
	__u32 pad;
	__u64 n;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct locked);
} fm_lock SEC(".maps");

SEC("xdp")
int foreign_maps(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u32 *slot = bpf_map_lookup_elem(&fm_cfg, &key);

	if (!slot)
		return XDP_PASS;
	return wasmhook_xdp(ctx, *slot, &fm_ro, &fm_wo, &fm_lock);
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * icmp_migrate - how an existing eBPF XDP program hands ONE decision to a Wasm hook.
 *
 * The program keeps its own parsing (Ethernet, IPv4, ICMP) and its own maps; only for ICMP
 * packets does it ask the Wasm hook in slot cfg[0] (loaded with `wasmload slot load`) for the
 * verdict, passing its maps `policy` and `counts` as the hook's maps 0 and 1. Everything that is
 * not ICMP never enters the Wasm engine.
 *
 * Build:  clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -c icmp_migrate.bpf.c -o icmp_migrate.bpf.o
 * Load:   bpftool prog load icmp_migrate.bpf.o /sys/fs/bpf/icmp_migrate   (libbpf resolves the
 *         module kfunc wasmhook_xdp in the wasmhook module's BTF by itself)
 *         bpftool map update name mig_cfg key 0 0 0 0 value <slot as 4 LE bytes>
 *         bpftool net attach xdpgeneric pinned /sys/fs/bpf/icmp_migrate dev veth0
 */
#include <linux/bpf.h>
#include <linux/types.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int(*name)[val]
#define __type(name, val) typeof(val) *name
#define __ksym __attribute__((section(".ksyms")))
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)BPF_FUNC_map_lookup_elem;

/* The wasmhook module's kfunc: runs the Wasm hook in `slot` with maps m0..m2; returns its verdict. */
extern int wasmhook_xdp(struct xdp_md *ctx, __u32 slot, void *m0, void *m1, void *m2) __ksym;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} mig_cfg SEC(".maps");

/* Map 0 of the Wasm hook (xdp_icmp: policy[0] == 1 drops pings). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} policy SEC(".maps");

/* Map 1: packets per ICMP type. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

/* Map 2 is unused by the hook but the kfunc takes three maps. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} unused SEC(".maps");

SEC("xdp")
int icmp_migrate(struct xdp_md *ctx)
{
	const __u8 *data = (const __u8 *)(long)ctx->data;
	const __u8 *end = (const __u8 *)(long)ctx->data_end;
	__u32 key = 0, *slot;

	/* The program's own parsing, unchanged: only IPv4 ICMP goes on. */
	if (data + 14 + 20 > end)
		return XDP_PASS;
	if (data[12] != 0x08 || data[13] != 0x00 || data[14 + 9] != 1)
		return XDP_PASS;
	/* The one decision the Wasm hook makes. */
	slot = bpf_map_lookup_elem(&mig_cfg, &key);
	if (!slot)
		return XDP_PASS;
	return wasmhook_xdp(ctx, *slot, &policy, &counts, &unused);
}

char LICENSE[] SEC("license") = "GPL";

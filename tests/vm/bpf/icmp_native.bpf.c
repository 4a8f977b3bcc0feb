// SPDX-License-Identifier: GPL-2.0
/*
 * icmp_native - tests/vm/wasm/xdp_icmp.wat as a native eBPF program, for scripts/bench-hook:
 * drops IPv4 ICMP echo requests while policy[0] == 1, counts ICMP packets per type in counts[].
 * Same maps (names, shapes) as the Wasm hook. No VLAN handling (the bench packet has none; the
 * Wasm twin checks for VLAN tags, so this is slightly cheaper work).
 */
#include <linux/bpf.h>
#include <linux/types.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int(*name)[val]
#define __type(name, val) typeof(val) *name
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)BPF_FUNC_map_lookup_elem;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} policy SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("xdp")
int icmp_native(struct xdp_md *ctx)
{
	const __u8 *data = (const __u8 *)(long)ctx->data;
	const __u8 *end = (const __u8 *)(long)ctx->data_end;
	__u32 key = 0, t, ihl;
	__u64 *cnt;
	__u32 *pol;

	if (data + 14 + 20 > end)
		return XDP_PASS;
	if (data[12] != 0x08 || data[13] != 0x00)
		return XDP_PASS;
	if (data[14] >> 4 != 4 || (data[14] & 0x0f) < 5)
		return XDP_PASS;
	if (data[14 + 9] != 1 || ((data[14 + 6] & 0x1f) | data[14 + 7]))
		return XDP_PASS;
	ihl = (data[14] & 0x0f) * 4;
	if (data + 14 + ihl + 1 > end)
		return XDP_PASS;
	t = data[14 + ihl];
	cnt = bpf_map_lookup_elem(&counts, &t);
	if (cnt)
		*cnt += 1;
	if (t == 8) {
		pol = bpf_map_lookup_elem(&policy, &key);
		if (pol && *pol == 1)
			return XDP_DROP;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

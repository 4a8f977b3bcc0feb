// SPDX-License-Identifier: GPL-2.0
/*
 * icmp_native - the xdp-icmp example filter as a native eBPF program, for comparing against the
 * Wasm hook (examples/xdp-icmp/src/lib.rs). Same maps with the same names and shapes:
 *   policy (array u32 -> u32, 1 entry):    policy[0] == 1 drops IPv4 ICMP echo requests
 *   counts (array u32 -> u64, 256 entries): packets per ICMP type
 * VLAN tags (802.1Q / 802.1ad, up to two) are skipped; non-first fragments pass uncounted.
 *
 * clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -c icmp_native.bpf.c -o icmp_native.bpf.o
 */
#include <linux/bpf.h>
#include <linux/types.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int(*name)[val]
#define __type(name, val) typeof(val) *name
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)BPF_FUNC_map_lookup_elem;

#define ETH_P_IP 0x0800
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define IPPROTO_ICMP_ 1
#define ICMP_ECHO 8

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

static __always_inline __u16 be16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

SEC("xdp")
int icmp_native(struct xdp_md *ctx)
{
	const __u8 *data = (const __u8 *)(long)ctx->data;
	const __u8 *end = (const __u8 *)(long)ctx->data_end;
	__u32 off = 12, key = 0;
	__u16 proto;
	__u8 ihl, type;
	__u64 *cnt;
	__u32 *pol;

	if (data + 14 > end)
		return XDP_PASS;
	proto = be16(data + 12);
#pragma unroll
	for (int i = 0; i < 2; i++) {
		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		off += 4;
		if (data + off + 2 > end)
			return XDP_PASS;
		proto = be16(data + off);
	}
	if (proto != ETH_P_IP)
		return XDP_PASS;
	off += 2;
	if (data + off + 20 > end)
		return XDP_PASS;
	if (data[off] >> 4 != 4 || (data[off] & 0x0f) < 5)
		return XDP_PASS;
	ihl = (data[off] & 0x0f) * 4;
	if (data[off + 9] != IPPROTO_ICMP_ || (be16(data + off + 6) & 0x1fff))
		return XDP_PASS;
	off += ihl;
	if (off > 14 + 8 + 60 || data + off + 1 > end)
		return XDP_PASS;
	type = data[off];

	key = type;
	cnt = bpf_map_lookup_elem(&counts, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	if (type == ICMP_ECHO) {
		key = 0;
		pol = bpf_map_lookup_elem(&policy, &key);
		if (pol && *pol == 1)
			return XDP_DROP;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

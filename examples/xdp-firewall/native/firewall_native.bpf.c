// SPDX-License-Identifier: GPL-2.0
/*
 * firewall_native - an xdp-filter-like IPv4 firewall as a native eBPF program: the program
 * examples/xdp-firewall/src/lib.rs was ported from. Same maps, names and shapes:
 *   rules   (lpm_trie {u32 prefixlen; u8 addr[4]} -> u32, 1024, BPF_F_NO_PREALLOC):
 *           source prefix -> action (1 drop, 2 pass); the longest matching prefix decides
 *   sources (lru_hash u8[4] -> u64[3], 4096): source -> packets, bytes, dropped
 *   policy  (array u32 -> u32, 1): action where no rule matches (1 drop; 0 or 2 pass)
 * Only IPv4 is filtered and counted, after up to two VLAN tags (802.1Q / 802.1ad).
 *
 * clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -c firewall_native.bpf.c -o firewall_native.bpf.o
 */
#include <linux/bpf.h>
#include <linux/types.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int(*name)[val]
#define __type(name, val) typeof(val) *name
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)BPF_FUNC_map_lookup_elem;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value,
				   __u64 flags) = (void *)BPF_FUNC_map_update_elem;

#define ETH_P_IP 0x0800
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define ACTION_DROP 1

struct lpm_key4 {
	__u32 prefixlen;
	__u8 addr[4];
};

struct counters {
	__u64 packets;
	__u64 bytes;
	__u64 dropped;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key4);
	__type(value, __u32);
} rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u8[4]);
	__type(value, struct counters);
} sources SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} policy SEC(".maps");

static __always_inline __u16 be16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

SEC("xdp")
int firewall_native(struct xdp_md *ctx)
{
	const __u8 *data = (const __u8 *)(long)ctx->data;
	const __u8 *end = (const __u8 *)(long)ctx->data_end;
	struct lpm_key4 key = { .prefixlen = 32 };
	struct counters fresh = {}, *c;
	__u32 off = 12, zero = 0, action, *a;
	__u8 src[4];
	__u16 proto;

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
	__builtin_memcpy(src, data + off + 12, 4);

	__builtin_memcpy(key.addr, src, 4);
	a = bpf_map_lookup_elem(&rules, &key);
	if (a) {
		action = *a;
	} else {
		a = bpf_map_lookup_elem(&policy, &zero);
		action = a ? *a : 0;
	}

	c = bpf_map_lookup_elem(&sources, src);
	if (!c) {
		bpf_map_update_elem(&sources, src, &fresh, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&sources, src);
	}
	if (c) {
		__sync_fetch_and_add(&c->packets, 1);
		__sync_fetch_and_add(&c->bytes, end - data);
		if (action == ACTION_DROP)
			__sync_fetch_and_add(&c->dropped, 1);
	}
	return action == ACTION_DROP ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

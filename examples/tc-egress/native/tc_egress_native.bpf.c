// SPDX-License-Identifier: GPL-2.0
/*
 * tc_egress_native - a tc egress (sched_cls) program as a native eBPF program: the program
 * examples/tc-egress/src/lib.rs was ported from. Same maps, names and shapes:
 *   dests     (hash u8[4] -> u64[2], 1024): IPv4 destination -> packets, bytes (skb->len)
 *   marks     (hash {u8 daddr[4]; u8 proto; u8 pad; __be16 dport} -> u8, 256): the DSCP
 *             (0..63) for packets to daddr; the most specific rule wins: {daddr, proto, dport},
 *             then {daddr, proto, 0}, then {daddr, 0, 0}. The IPv4 header checksum is fixed
 *             with bpf_l3_csum_replace; the ECN bits are kept.
 *   redirects (hash u8[4] -> u32, 64): IPv4 destination -> ifindex: the packet leaves by that
 *             interface instead (bpf_redirect, egress)
 * Only IPv4 is counted, marked and redirected (after up to two VLAN tags in the packet);
 * everything else goes on (TC_ACT_OK). Ports are read for TCP and UDP, first fragments only.
 *
 * clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -c tc_egress_native.bpf.c -o tc_egress_native.bpf.o
 * bpftool prog load tc_egress_native.bpf.o /sys/fs/bpf/tce pinmaps /sys/fs/bpf/tce_maps
 * bpftool net attach tcx_egress pinned /sys/fs/bpf/tce dev eth0
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/types.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int(*name)[val]
#define __type(name, val) typeof(val) *name
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)BPF_FUNC_map_lookup_elem;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value,
				   __u64 flags) = (void *)BPF_FUNC_map_update_elem;
static long (*bpf_skb_store_bytes)(struct __sk_buff *skb, __u32 offset, const void *from,
				   __u32 len, __u64 flags) = (void *)BPF_FUNC_skb_store_bytes;
static long (*bpf_l3_csum_replace)(struct __sk_buff *skb, __u32 offset, __u64 from, __u64 to,
				   __u64 size) = (void *)BPF_FUNC_l3_csum_replace;
static long (*bpf_redirect)(__u32 ifindex, __u64 flags) = (void *)BPF_FUNC_redirect;

#define ETH_P_IP 0x0800
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17

struct dest_stats {
	__u64 packets;
	__u64 bytes;
};

struct mark_key {
	__u8 daddr[4];
	__u8 proto;
	__u8 pad;
	__u8 dport[2]; /* network order, as in the packet */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u8[4]);
	__type(value, struct dest_stats);
} dests SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct mark_key);
	__type(value, __u8);
} marks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u8[4]);
	__type(value, __u32);
} redirects SEC(".maps");

static __always_inline __u16 be16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

/* The DSCP rule for this packet: the most specific of the three keys. */
static __always_inline __u8 *mark_for(struct mark_key *k)
{
	__u8 *d = bpf_map_lookup_elem(&marks, k);

	if (d)
		return d;
	k->dport[0] = 0;
	k->dport[1] = 0;
	d = bpf_map_lookup_elem(&marks, k);
	if (d)
		return d;
	k->proto = 0;
	return bpf_map_lookup_elem(&marks, k);
}

SEC("tc")
int tc_egress_native(struct __sk_buff *skb)
{
	const __u8 *data = (const __u8 *)(long)skb->data;
	const __u8 *end = (const __u8 *)(long)skb->data_end;
	struct dest_stats fresh = {}, *st;
	struct mark_key mk = {};
	__u32 off = 12, *ifindex;
	__u8 daddr[4], vihl, tos, ntos, *dscp;
	__u16 proto, from, to;
	const __u8 *ip, *l4;

	if (data + 14 > end)
		return TC_ACT_OK;
	proto = be16(data + 12);
#pragma unroll
	for (int i = 0; i < 2; i++) {
		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		off += 4;
		if (data + off + 2 > end)
			return TC_ACT_OK;
		proto = be16(data + off);
	}
	if (proto != ETH_P_IP)
		return TC_ACT_OK;
	off += 2;
	ip = data + off;
	if (ip + 20 > end)
		return TC_ACT_OK;
	vihl = ip[0];
	if (vihl >> 4 != 4 || (vihl & 0x0f) < 5)
		return TC_ACT_OK;
	tos = ip[1];
	__builtin_memcpy(daddr, ip + 16, 4);
	__builtin_memcpy(mk.daddr, daddr, 4);
	mk.proto = ip[9];
	l4 = data + off + (vihl & 0x0f) * 4;
	if ((mk.proto == IPPROTO_TCP || mk.proto == IPPROTO_UDP) && (be16(ip + 6) & 0x1fff) == 0 &&
	    l4 + 4 <= end) {
		mk.dport[0] = l4[2];
		mk.dport[1] = l4[3];
	}

	/* Accounting: packets and bytes per destination. */
	st = bpf_map_lookup_elem(&dests, daddr);
	if (!st) {
		bpf_map_update_elem(&dests, daddr, &fresh, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&dests, daddr);
	}
	if (st) {
		__sync_fetch_and_add(&st->packets, 1);
		__sync_fetch_and_add(&st->bytes, skb->len);
	}

	/* DSCP marking: the tos byte's upper six bits; the header checksum follows the change of
	 * its 16-bit word (version/IHL, tos). */
	dscp = mark_for(&mk);
	if (dscp) {
		ntos = (__u8)((*dscp & 0x3f) << 2 | (tos & 0x03));
		if (ntos != tos) {
			__u8 ow[2] = { vihl, tos }, nw[2] = { vihl, ntos };

			__builtin_memcpy(&from, ow, 2);
			__builtin_memcpy(&to, nw, 2);
			if (bpf_skb_store_bytes(skb, off + 1, &ntos, 1, 0) ||
			    bpf_l3_csum_replace(skb, off + 10, from, to, 2))
				return TC_ACT_SHOT;
		}
	}

	/* Redirect: out of another interface. */
	ifindex = bpf_map_lookup_elem(&redirects, daddr);
	if (ifindex)
		return bpf_redirect(*ifindex, 0);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";

/*
 * Packet parsing: build Ethernet/IPv4/{TCP,UDP,ICMP} frames (plus some VLAN-tagged,
 * IPv4-with-options and deliberately malformed ones) into a ring of buffers, then parse
 * them the way a kernel hook would: bounds-checked, network byte order, checksum verify.
 */
#include "rt.h"

#define NPKT 64
#define PKTLEN 128
static u8 ring[NPKT][PKTLEN];
static u32 lens[NPKT];

static void put16(u8 *p, u16 v) { p[0] = (u8)(v >> 8); p[1] = (u8)v; }
static void put32(u8 *p, u32 v) { put16(p, (u16)(v >> 16)); put16(p + 2, (u16)v); }
static u16 get16(const u8 *p) { return (u16)(p[0] << 8 | p[1]); }
static u32 get32(const u8 *p) { return (u32)get16(p) << 16 | get16(p + 2); }

static u16 csum(const u8 *p, u32 len)
{
	u32 s = 0;
	for (u32 i = 0; i + 1 < len; i += 2)
		s += get16(p + i);
	if (len & 1)
		s += (u32)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (u16)~s;
}

static u32 build(u8 *p, u32 seed)
{
	u32 r = xs32(&seed);
	u32 off = 0;
	for (int i = 0; i < 6; i++)
		p[i] = (u8)(0x02 + i), p[6 + i] = (u8)(r >> i);
	off = 12;
	if (r & 0x100) { /* 802.1Q tag */
		put16(p + off, 0x8100);
		put16(p + off + 2, (u16)(r & 0xfff));
		off += 4;
	}
	put16(p + off, (r & 0x7000) == 0x7000 ? 0x86dd : 0x0800);
	off += 2;
	u8 *ip = p + off;
	u32 ihl = (r & 0x200) ? 6 : 5;
	u32 proto_sel = (r >> 16) % 3;
	u8 proto = proto_sel == 0 ? 6 : proto_sel == 1 ? 17 : 1;
	u32 l4len = proto == 6 ? 20 : 8;
	u32 payload = (r >> 20) & 31;
	u32 total = ihl * 4 + l4len + payload;
	ip[0] = (u8)(0x40 | ihl);
	ip[1] = 0;
	put16(ip + 2, (u16)total);
	put16(ip + 4, (u16)r);
	put16(ip + 6, (r & 0x400) ? 0x2000 : 0x4000);
	ip[8] = 64;
	ip[9] = proto;
	put16(ip + 10, 0);
	put32(ip + 12, 0x0a000000u | (r & 0xffff));
	put32(ip + 16, 0xc0a80000u | (xs32(&seed) & 0xffff));
	if (ihl == 6)
		put32(ip + 20, 0x01010100u); /* NOP NOP NOP EOL */
	put16(ip + 10, csum(ip, ihl * 4));
	if (r & 0x800)
		ip[8] ^= 1; /* corrupt checksum on some */
	u8 *l4 = ip + ihl * 4;
	u32 s2 = xs32(&seed);
	if (proto == 6) {
		put16(l4, (u16)(1024 + (s2 & 0x3ff)));
		put16(l4 + 2, (s2 & 1) ? 80 : 443);
		put32(l4 + 4, s2);
		put32(l4 + 8, s2 * 2654435761u);
		l4[12] = 5 << 4;
		l4[13] = (u8)(s2 >> 8) & 0x3f;
		put16(l4 + 14, 65535);
		put16(l4 + 16, 0);
		put16(l4 + 18, 0);
	} else if (proto == 17) {
		put16(l4, (u16)(s2 & 0xffff));
		put16(l4 + 2, (s2 & 2) ? 53 : 123);
		put16(l4 + 4, (u16)(8 + payload));
		put16(l4 + 6, 0);
	} else {
		l4[0] = (s2 & 1) ? 8 : 0;
		l4[1] = 0;
		put16(l4 + 2, 0);
		put16(l4 + 4, (u16)s2);
		put16(l4 + 6, (u16)(s2 >> 16));
	}
	for (u32 i = 0; i < payload; i++)
		l4[l4len + i] = (u8)(s2 >> (i & 7));
	if (proto == 1)
		put16(l4 + 2, csum(l4, l4len + payload));
	u32 len = off + total;
	if ((r & 0xf0000000u) == 0xf0000000u)
		len = off + 10; /* truncated */
	return len;
}

struct stats {
	u32 tcp, udp, icmp, bad, vlan, syn, dns, echo;
	u32 hash;
};

static NOINLINE void parse(const u8 *p, u32 len, struct stats *st)
{
	if (len < 14) { st->bad++; return; }
	u32 off = 12;
	u16 et = get16(p + off);
	if (et == 0x8100) {
		if (len < 18) { st->bad++; return; }
		st->vlan++;
		off += 4;
		et = get16(p + off);
	}
	off += 2;
	if (et != 0x0800) { st->bad++; return; }
	if (len < off + 20) { st->bad++; return; }
	const u8 *ip = p + off;
	u32 ihl = (ip[0] & 0xf) * 4u;
	if ((ip[0] >> 4) != 4 || ihl < 20 || len < off + ihl) { st->bad++; return; }
	if (csum(ip, ihl) != 0) { st->bad++; return; }
	u32 total = get16(ip + 2);
	if (total < ihl || len < off + total) { st->bad++; return; }
	u32 src = get32(ip + 12), dst = get32(ip + 16);
	const u8 *l4 = ip + ihl;
	u32 l4len = total - ihl;
	u32 h = src * 31 + dst;
	switch (ip[9]) {
	case 6:
		if (l4len < 20) { st->bad++; return; }
		st->tcp++;
		if ((l4[13] & 0x12) == 0x02) st->syn++;
		h = h * 31 + ((u32)get16(l4) << 16 | get16(l4 + 2));
		h ^= get32(l4 + 4);
		break;
	case 17:
		if (l4len < 8 || get16(l4 + 4) != l4len) { st->bad++; return; }
		st->udp++;
		if (get16(l4 + 2) == 53) st->dns++;
		h = h * 31 + ((u32)get16(l4) << 16 | get16(l4 + 2));
		break;
	case 1:
		if (l4len < 8 || csum(l4, l4len) != 0) { st->bad++; return; }
		st->icmp++;
		if (l4[0] == 8) st->echo++;
		h = h * 31 + get32(l4 + 4);
		break;
	default:
		st->bad++;
		return;
	}
	st->hash = (st->hash ^ h) * 16777619u;
}

EXPORT("run") u32 run(i32 n)
{
	struct stats st = { 0 };
	u32 seed = 0xbeef;
	for (i32 r = 0; r < n; r++) {
		if ((r & 15) == 0)
			for (int i = 0; i < NPKT; i++)
				lens[i] = build(ring[i], xs32(&seed));
		for (int i = 0; i < NPKT; i++)
			parse(ring[i], lens[i], &st);
	}
	return st.hash ^ (st.tcp << 24) ^ (st.udp << 16) ^ (st.icmp << 8) ^ st.bad ^ (st.vlan * 3) ^
	       (st.syn * 5) ^ (st.dns * 7) ^ (st.echo * 11);
}

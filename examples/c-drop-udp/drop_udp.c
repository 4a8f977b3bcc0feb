// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * c-drop-udp: a wasmhook XDP hook in C. Drops IPv4 UDP packets to the destination port stored in
 * map `ports` (array, key 0; 0 = drop nothing) and counts drops in `drops[0]`.
 * Build: examples/c-drop-udp/build.sh [OUT.wasm]
 */
#include "wasmhook.h"

#define MAPS(X)                                                                                  \
	X(ports, WH_MAP_ARRAY, 4, 4, 1)                                                          \
	X(drops, WH_MAP_ARRAY, 4, 8, 1)
WASMHOOK_MAPS(MAPS)

WASMHOOK_XDP(int len)
{
	wh_i32 l3, ty = wh_ethertype(&l3);
	wh_u32 key = 0, port = 0;
	wh_i32 vihl, dport;

	if (ty != WH_ETH_P_IP || len < l3 + 20)
		return WH_PASS;
	vihl = wh_u8_at(l3);
	if (vihl < 0 || (vihl >> 4) != 4 || wh_u8_at(l3 + 9) != WH_IPPROTO_UDP)
		return WH_PASS;
	if (wh_be16_at(l3 + 6) & 0x1fff) /* non-first fragment: no UDP header */
		return WH_PASS;
	dport = wh_be16_at(l3 + (vihl & 0x0f) * 4 + 2);
	if (dport < 0 || wh_map_lookup(ports, &key, &port) != 0 || port == 0 || (wh_u32)dport != port)
		return WH_PASS;
	wh_count(drops, 0, 1);
	return WH_DROP;
}

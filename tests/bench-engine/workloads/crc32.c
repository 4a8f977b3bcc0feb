/* Table-driven CRC-32 (IEEE, reflected) over a PRNG-filled 16 KiB buffer, n passes. */
#include "rt.h"

#define LEN 16384
static u8 buf[LEN];
static u32 table[256];

static void make_table(void)
{
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
}

static NOINLINE u32 crc32(u32 crc, const u8 *p, u32 len)
{
	crc = ~crc;
	for (u32 i = 0; i < len; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

EXPORT("run") u32 run(i32 n)
{
	u32 seed = 0x1234567u;
	make_table();
	for (u32 i = 0; i < LEN; i++)
		buf[i] = (u8)xs32(&seed);
	u32 crc = 0;
	for (i32 r = 0; r < n; r++) {
		crc = crc32(crc, buf, LEN);
		buf[r % LEN] ^= (u8)crc; /* keep passes distinct */
	}
	return crc;
}

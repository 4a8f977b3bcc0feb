/*
 * CoreMark-like mix (not the official CoreMark): linked-list find/reverse/sort,
 * 16-bit matrix ops, a number-parsing state machine, all folded through CRC-16.
 */
#include "rt.h"

static u16 crcu8(u8 data, u16 crc)
{
	for (int i = 0; i < 8; i++) {
		u8 x16 = (u8)((data & 1) ^ ((u8)crc & 1));
		data >>= 1;
		if (x16 == 1) {
			crc ^= 0x4002;
			crc = (u16)((crc >> 1) | 0x8000);
		} else {
			crc >>= 1;
		}
	}
	return crc;
}
static u16 crcu16(u16 v, u16 crc) { return crcu8((u8)(v >> 8), crcu8((u8)v, crc)); }
static u16 crcu32(u32 v, u16 crc) { return crcu16((u16)(v >> 16), crcu16((u16)v, crc)); }

/* ---- list ---- */
typedef struct node {
	struct node *next;
	i16 data;
	i16 idx;
} node;

#define NLIST 64
static node pool[NLIST];

static node *list_init(u32 seed)
{
	node *head = 0;
	for (int i = NLIST - 1; i >= 0; i--) {
		pool[i].data = (i16)(xs32(&seed) & 0x7fff);
		pool[i].idx = (i16)i;
		pool[i].next = head;
		head = &pool[i];
	}
	return head;
}

static node *list_reverse(node *l)
{
	node *prev = 0;
	while (l) {
		node *n = l->next;
		l->next = prev;
		prev = l;
		l = n;
	}
	return prev;
}

static node *list_find(node *l, i16 data)
{
	while (l && l->data != data)
		l = l->next;
	return l;
}

static int cmp_data(const node *a, const node *b) { return a->data - b->data; }
static int cmp_idx(const node *a, const node *b) { return a->idx - b->idx; }

/* Mergesort on a singly linked list (as CoreMark does), comparator via pointer. */
static node *list_sort(node *list, int (*cmp)(const node *, const node *))
{
	int insize = 1;
	for (;;) {
		node *p = list, *tail = 0;
		list = 0;
		int nmerges = 0;
		while (p) {
			nmerges++;
			node *q = p;
			int psize = 0;
			for (int i = 0; i < insize && q; i++) {
				psize++;
				q = q->next;
			}
			int qsize = insize;
			while (psize > 0 || (qsize > 0 && q)) {
				node *e;
				if (psize == 0) {
					e = q; q = q->next; qsize--;
				} else if (qsize == 0 || !q) {
					e = p; p = p->next; psize--;
				} else if (cmp(p, q) <= 0) {
					e = p; p = p->next; psize--;
				} else {
					e = q; q = q->next; qsize--;
				}
				if (tail)
					tail->next = e;
				else
					list = e;
				tail = e;
			}
			p = q;
		}
		tail->next = 0;
		if (nmerges <= 1)
			return list;
		insize *= 2;
	}
}

static u16 bench_list(u32 seed, u16 crc)
{
	node *l = list_init(seed);
	for (int i = 0; i < 8; i++) {
		node *f = list_find(l, (i16)(seed & 0x7fff));
		crc = crcu16(f ? (u16)f->idx : 0xffff, crc);
		l = list_reverse(l);
		seed = xs32(&seed);
		crc = crcu16((u16)l->data, crc);
	}
	l = list_sort(l, cmp_data);
	for (node *p = l; p; p = p->next)
		crc = crcu16((u16)p->data, crc);
	l = list_sort(l, cmp_idx);
	crc = crcu16((u16)l->idx, crc);
	return crc;
}

/* ---- matrix ---- */
#define MN 16
static i16 ma[MN * MN], mb[MN * MN];
static i32 mc[MN * MN];

static u16 bench_matrix(u32 seed, u16 crc)
{
	for (int i = 0; i < MN * MN; i++) {
		ma[i] = (i16)(xs32(&seed) & 0xff);
		mb[i] = (i16)(xs32(&seed) & 0xff);
	}
	/* add const, mul const, mul vect, mul mat, mul mat bitextract */
	for (int i = 0; i < MN * MN; i++)
		ma[i] = (i16)(ma[i] + 7);
	for (int i = 0; i < MN * MN; i++)
		mc[i] = ma[i] * 3;
	for (int i = 0; i < MN; i++) {
		i32 s = 0;
		for (int j = 0; j < MN; j++)
			s += ma[i * MN + j] * mb[j];
		crc = crcu32((u32)s, crc);
	}
	for (int i = 0; i < MN; i++)
		for (int j = 0; j < MN; j++) {
			i32 s = 0;
			for (int k = 0; k < MN; k++)
				s += ma[i * MN + k] * mb[k * MN + j];
			mc[i * MN + j] = s;
		}
	i32 acc = 0;
	for (int i = 0; i < MN * MN; i++)
		acc += (mc[i] >> 2) & 0xf;
	crc = crcu32((u32)acc, crc);
	for (int i = 0; i < MN * MN; i++)
		crc = crcu16((u16)mc[i], crc);
	return crc;
}

/* ---- state machine: classify tokens as int / float / sci / invalid ---- */
enum { S_START, S_INT, S_FLOAT, S_SCI, S_EXP, S_INVALID, S_COUNT };

static int transition(const char **p, int *counts)
{
	const char *s = *p;
	int state = S_START;
	for (; *s && state != S_INVALID; s++) {
		char c = *s;
		if (c == ',') {
			s++;
			break;
		}
		switch (state) {
		case S_START:
			if (c >= '0' && c <= '9') state = S_INT;
			else if (c == '+' || c == '-') state = S_INT;
			else if (c == '.') state = S_FLOAT;
			else state = S_INVALID;
			break;
		case S_INT:
			if (c == '.') state = S_FLOAT;
			else if (!(c >= '0' && c <= '9')) state = S_INVALID;
			break;
		case S_FLOAT:
			if (c == 'e' || c == 'E') state = S_SCI;
			else if (!(c >= '0' && c <= '9')) state = S_INVALID;
			break;
		case S_SCI:
			if (c == '+' || c == '-' || (c >= '0' && c <= '9')) state = S_EXP;
			else state = S_INVALID;
			break;
		case S_EXP:
			if (!(c >= '0' && c <= '9')) state = S_INVALID;
			break;
		}
		counts[state]++;
	}
	*p = s;
	return state;
}

static char text[512];

static u16 bench_state(u32 seed, u16 crc)
{
	static const char *const tokens[] = { "5012", "1234", "-874", "+122", "35.54", ".1234", "-110.7",
					      "5.500e+3", "-.123e-2", "T0.3e-1F", "-T.T++Tq", "1T3.4e4z" };
	u32 pos = 0;
	while (pos < sizeof(text) - 16) {
		const char *t = tokens[xs32(&seed) % 12];
		while (*t && pos < sizeof(text) - 2)
			text[pos++] = *t++;
		text[pos++] = ',';
	}
	text[pos] = 0;
	int counts[S_COUNT] = { 0 };
	int finals[S_COUNT] = { 0 };
	const char *p = text;
	while (*p)
		finals[transition(&p, counts)]++;
	for (int i = 0; i < S_COUNT; i++) {
		crc = crcu32((u32)finals[i], crc);
		crc = crcu32((u32)counts[i], crc);
	}
	return crc;
}

EXPORT("run") u32 run(i32 n)
{
	u16 crc = 0;
	for (i32 i = 0; i < n; i++) {
		u32 seed = 0x3415u + (u32)i;
		crc = bench_list(seed, crc);
		crc = bench_matrix(seed, crc);
		crc = bench_state(seed, crc);
	}
	return crc;
}

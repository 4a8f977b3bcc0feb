/* Quicksort and heapsort of a 4096-element PRNG array, n rounds; checksum of sorted order. */
#include "rt.h"

#define LEN 4096
static u32 a[LEN];

static NOINLINE void quicksort(u32 *v, i32 lo, i32 hi)
{
	/* explicit stack so depth is bounded: recurse on the smaller half */
	while (lo < hi) {
		u32 pivot = v[lo + (hi - lo) / 2];
		i32 i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				u32 t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				j--;
			}
		}
		if (j - lo < hi - i) {
			quicksort(v, lo, j);
			lo = i;
		} else {
			quicksort(v, i, hi);
			hi = j;
		}
	}
}

static void sift_down(u32 *v, u32 start, u32 end)
{
	u32 root = start;
	while (2 * root + 1 <= end) {
		u32 child = 2 * root + 1;
		u32 sw = root;
		if (v[sw] < v[child])
			sw = child;
		if (child + 1 <= end && v[sw] < v[child + 1])
			sw = child + 1;
		if (sw == root)
			return;
		u32 t = v[root];
		v[root] = v[sw];
		v[sw] = t;
		root = sw;
	}
}

static NOINLINE void heapsort(u32 *v, u32 len)
{
	for (i32 s = (i32)(len - 2) / 2; s >= 0; s--)
		sift_down(v, (u32)s, len - 1);
	for (u32 end = len - 1; end > 0; end--) {
		u32 t = v[end];
		v[end] = v[0];
		v[0] = t;
		sift_down(v, 0, end - 1);
	}
}

static u32 checksum(const u32 *v, u32 len)
{
	u32 h = 2166136261u;
	for (u32 i = 0; i < len; i++) {
		if (i && v[i - 1] > v[i])
			return 0xdeadbeefu; /* not sorted */
		h = (h ^ v[i]) * 16777619u;
	}
	return h;
}

EXPORT("run") u32 run(i32 n)
{
	u32 seed = 42, acc = 0;
	for (i32 r = 0; r < n; r++) {
		for (u32 i = 0; i < LEN; i++)
			a[i] = xs32(&seed) % 100000u;
		if (r & 1)
			heapsort(a, LEN);
		else
			quicksort(a, 0, LEN - 1);
		acc = acc * 31 + checksum(a, LEN);
	}
	return acc;
}

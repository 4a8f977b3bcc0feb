/* Call-heavy: recursive fib, Ackermann-ish small recursion, and indirect calls. */
#include "rt.h"

static NOINLINE u32 fib(u32 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static NOINLINE u32 op_add(u32 a, u32 b) { return a + b; }
static NOINLINE u32 op_xor(u32 a, u32 b) { return a ^ (b << 1); }
static NOINLINE u32 op_mul(u32 a, u32 b) { return a * (b | 1); }
static NOINLINE u32 op_rot(u32 a, u32 b) { return rotr32(a, b & 31) + 1; }

typedef u32 (*binop)(u32, u32);
static binop volatile ops[4] = { op_add, op_xor, op_mul, op_rot };

static NOINLINE u64 tak(i32 x, i32 y, i32 z)
{
	if (y < x)
		return tak((i32)tak(x - 1, y, z), (i32)tak(y - 1, z, x), (i32)tak(z - 1, x, y));
	return (u64)z;
}

EXPORT("run") u32 run(i32 n)
{
	u32 acc = 0, seed = 7;
	for (i32 i = 0; i < n; i++) {
		acc += fib(20 + (u32)(i & 1));
		for (int k = 0; k < 2000; k++) {
			u32 r = xs32(&seed);
			acc = ops[r & 3](acc, r);
		}
		acc ^= (u32)tak(12, 8, 4);
	}
	return acc;
}

/* Freestanding helpers shared by the workloads (no libc, wasm32). */
#ifndef WASMHOOK_WORKLOAD_RT_H
#define WASMHOOK_WORKLOAD_RT_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char i8;
typedef short i16;
typedef int i32;
typedef long long i64;

#define EXPORT(name) __attribute__((export_name(name)))
#define NOINLINE __attribute__((noinline))

/* xorshift32: deterministic PRNG used by every workload. */
static inline u32 xs32(u32 *s)
{
	u32 x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

static inline u32 rotr32(u32 x, u32 n) { return (x >> n) | (x << (32 - n)); }

static inline u32 f32_bits(float f) { union { float f; u32 u; } v = { .f = f }; return v.u; }
static inline u64 f64_bits(double d) { union { double d; u64 u; } v = { .d = d }; return v.u; }

#endif

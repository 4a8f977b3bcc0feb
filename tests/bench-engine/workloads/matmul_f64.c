/* Dense f64 matrix multiply (48x48) n times, with a feedback step; returns bits hash (i64). */
#include "rt.h"

#define N 48
static double A[N * N], B[N * N], C[N * N];

static NOINLINE void matmul(void)
{
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			double s = 0.0;
			for (int k = 0; k < N; k++)
				s += A[i * N + k] * B[k * N + j];
			C[i * N + j] = s;
		}
}

EXPORT("run") i64 run(i32 n)
{
	u32 seed = 99;
	for (int i = 0; i < N * N; i++) {
		A[i] = (double)(xs32(&seed) % 2000) / 1000.0 - 1.0;
		B[i] = (double)(xs32(&seed) % 2000) / 1000.0 - 1.0;
	}
	u64 h = 1469598103934665603ull;
	for (i32 r = 0; r < n; r++) {
		matmul();
		/* normalise C back into A so values stay bounded */
		double mx = 1e-300;
		for (int i = 0; i < N * N; i++) {
			double v = C[i] < 0 ? -C[i] : C[i];
			if (v > mx)
				mx = v;
		}
		for (int i = 0; i < N * N; i++)
			A[i] = C[i] / mx;
		h = (h ^ f64_bits(C[r % (N * N)])) * 1099511628211ull;
	}
	double tr = 0;
	for (int i = 0; i < N; i++)
		tr += A[i * N + i];
	return (i64)(h ^ f64_bits(tr) ^ (u64)(i64)(tr * 1e6));
}

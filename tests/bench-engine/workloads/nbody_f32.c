/* f32-heavy: 5-body gravitational simulation plus a 32-tap FIR filter, all in float. */
#include "rt.h"

#define NB 5
typedef struct {
	float x, y, z, vx, vy, vz, m;
} body;

static body bodies[NB];

static void init_bodies(void)
{
	static const float init[NB][7] = {
		{ 0, 0, 0, 0, 0, 0, 39.47841760f },
		{ 4.84143144f, -1.16032004f, -0.10362204f, 0.60632639f, 2.81198684f, -0.02521836f, 0.03769367f },
		{ 8.34336671f, 4.12479856f, -0.40352341f, -1.01077434f, 1.82566237f, 0.00841576f, 0.01128632f },
		{ 12.89436956f, -15.11115140f, -0.22330757f, 1.08279101f, 0.86871301f, -0.01083270f, 0.00172372f },
		{ 15.37969711f, -25.91931460f, 0.17925878f, 0.97909073f, 0.59469899f, -0.03471782f, 0.00203368f },
	};
	for (int i = 0; i < NB; i++) {
		bodies[i].x = init[i][0];
		bodies[i].y = init[i][1];
		bodies[i].z = init[i][2];
		bodies[i].vx = init[i][3];
		bodies[i].vy = init[i][4];
		bodies[i].vz = init[i][5];
		bodies[i].m = init[i][6];
	}
}

static NOINLINE void advance(float dt)
{
	for (int i = 0; i < NB; i++) {
		body *a = &bodies[i];
		for (int j = i + 1; j < NB; j++) {
			body *b = &bodies[j];
			float dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
			float d2 = dx * dx + dy * dy + dz * dz;
			float mag = dt / (d2 * __builtin_sqrtf(d2));
			a->vx -= dx * b->m * mag;
			a->vy -= dy * b->m * mag;
			a->vz -= dz * b->m * mag;
			b->vx += dx * a->m * mag;
			b->vy += dy * a->m * mag;
			b->vz += dz * a->m * mag;
		}
	}
	for (int i = 0; i < NB; i++) {
		bodies[i].x += dt * bodies[i].vx;
		bodies[i].y += dt * bodies[i].vy;
		bodies[i].z += dt * bodies[i].vz;
	}
}

static float energy(void)
{
	float e = 0;
	for (int i = 0; i < NB; i++) {
		body *a = &bodies[i];
		e += 0.5f * a->m * (a->vx * a->vx + a->vy * a->vy + a->vz * a->vz);
		for (int j = i + 1; j < NB; j++) {
			body *b = &bodies[j];
			float dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
			e -= a->m * b->m / __builtin_sqrtf(dx * dx + dy * dy + dz * dz);
		}
	}
	return e;
}

#define TAPS 32
#define SAMPLES 256
static float coef[TAPS], sig[SAMPLES + TAPS], out[SAMPLES];

static NOINLINE float fir(void)
{
	float acc = 0;
	for (int i = 0; i < SAMPLES; i++) {
		float s = 0;
		for (int k = 0; k < TAPS; k++)
			s += coef[k] * sig[i + k];
		out[i] = s;
		acc += s < 0 ? -s : s;
	}
	return acc;
}

EXPORT("run") u32 run(i32 n)
{
	u32 seed = 5;
	init_bodies();
	for (int k = 0; k < TAPS; k++)
		coef[k] = (float)(k < TAPS / 2 ? k + 1 : TAPS - k) / 256.0f;
	for (int i = 0; i < SAMPLES + TAPS; i++)
		sig[i] = (float)((i32)(xs32(&seed) & 0xffff) - 32768) / 32768.0f;
	u32 h = f32_bits(energy());
	for (i32 r = 0; r < n; r++) {
		for (int s = 0; s < 100; s++)
			advance(0.01f);
		float f = fir();
		sig[r % (SAMPLES + TAPS)] = f / (float)SAMPLES;
		h = (h ^ f32_bits(f)) * 16777619u;
	}
	return h ^ f32_bits(energy()) ^ (u32)(i32)(energy() * 1e6f);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_loop - calibration for scripts/bench-hook --icount: XDP programs that spin a counted loop
 * 1000 and 10000 times, then pass. Under `-icount shift=0` the difference of their durations
 * must be 9000 times the loop body's JIT-ed x86 instructions (the guest script prints the JIT
 * images; the host disassembles them).
 */
#include <linux/bpf.h>
#define SEC(name) __attribute__((section(name), used))

static __attribute__((always_inline)) int spin(unsigned int n)
{
	unsigned int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < n; i++)
		asm volatile("" : "+r"(i)); /* clang cannot count the trips: no unrolling, no removal */
	return XDP_PASS;
}

SEC("xdp")
int xdp_loop_1k(struct xdp_md *ctx)
{
	return spin(1000);
}

SEC("xdp")
int xdp_loop_10k(struct xdp_md *ctx)
{
	return spin(10000);
}

char LICENSE[] SEC("license") = "GPL";

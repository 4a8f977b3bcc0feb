// SPDX-License-Identifier: GPL-2.0
/* xdp_empty - the baseline for scripts/bench-hook: an XDP program that only returns XDP_PASS. */
#include <linux/bpf.h>
#define SEC(name) __attribute__((section(name), used))

SEC("xdp")
int xdp_empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

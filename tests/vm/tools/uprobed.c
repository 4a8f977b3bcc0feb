// SPDX-License-Identifier: GPL-2.0
/*
 * A user-space function for the uprobe tests: `uprobed N X` calls wh_uprobe_target(i, X) for
 * i = 0..N-1, then prints its pid and tid and the sum of the results.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

__attribute__((noinline, used)) long wh_uprobe_target(long i, long x)
{
	/* Keeps the call (and the function) from being folded away. */
	__asm__ volatile("" ::: "memory");
	return i + x;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 0) : 1;
	long x = argc > 2 ? strtol(argv[2], NULL, 0) : 0;
	long sum = 0;

	for (long i = 0; i < n; i++)
		sum += wh_uprobe_target(i, x);
	printf("pid %d tid %ld sum %ld\n", getpid(), (long)syscall(SYS_gettid), sum);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * whprobe - provoke known kernel calls for the VM's tracing tests and say who made them.
 *
 *   whprobe open MISSING OK     open a missing file MISSING times (ENOENT), "/" OK times
 *   whprobe getprio N           getpriority(0x5748, N) N times (EINVAL: an invalid `which`
 *                               the context hook recognises in the saved registers)
 *
 * Prints "pid P tid T uid U gid G" first, so the test can compare what the hooks recorded.
 * Built static by scripts/test-vm (the guest has no libc); its comm is "whprobe".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WHPROBE_MAGIC 0x5748

int main(int argc, char **argv)
{
	long i, n;

	if (argc < 3) {
		fprintf(stderr, "usage: whprobe open MISSING OK | whprobe getprio N\n");
		return 2;
	}
	printf("pid %d tid %ld uid %d gid %d\n", getpid(), (long)syscall(SYS_gettid), getuid(), getgid());
	fflush(stdout);
	n = strtol(argv[2], NULL, 10);
	if (!strcmp(argv[1], "open") && argc == 4) {
		long ok = strtol(argv[3], NULL, 10);

		for (i = 0; i < n; i++)
			if (open("/nonexistent/whprobe", O_RDONLY) >= 0)
				return 1;
		for (i = 0; i < ok; i++) {
			int fd = open("/", O_RDONLY | O_DIRECTORY);

			if (fd < 0)
				return 1;
			close(fd);
		}
		return 0;
	}
	if (!strcmp(argv[1], "getprio")) {
		for (i = 0; i < n; i++)
			if (syscall(SYS_getpriority, WHPROBE_MAGIC, i) != -1)
				return 1;
		return 0;
	}
	fprintf(stderr, "whprobe: unknown mode %s\n", argv[1]);
	return 2;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * udpio - send and count real UDP datagrams, for the VM's tc tests (busybox nc has no UDP).
 *
 *   udpio send ADDR PORT N [SIZE]   send N datagrams of SIZE payload bytes (default 32) to
 *                                   ADDR:PORT, 20 ms apart; prints "sent K" (K successful sends)
 *   udpio recv PORT MS              bind 0.0.0.0:PORT, print "ready" once bound, count what
 *                                   arrives until MS ms pass without a datagram; prints
 *                                   "received K" and, if any arrived, "first BYTES" (the first
 *                                   datagram's payload as hex, at most 16 bytes)
 *
 * Built static by scripts/test-vm (the guest has no libc).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: udpio send ADDR PORT N [SIZE] | udpio recv PORT MS\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char buf[2048];
	int fd;

	if (argc < 2)
		return usage();
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udpio: socket");
		return 1;
	}
	if (!strcmp(argv[1], "send") && (argc == 5 || argc == 6)) {
		int n = atoi(argv[4]), size = argc == 6 ? atoi(argv[5]) : 32, i, sent = 0;

		if (size < 0 || size > (int)sizeof(buf) || inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1)
			return usage();
		sa.sin_port = htons(atoi(argv[3]));
		for (i = 0; i < size; i++)
			buf[i] = 'a' + i % 26;
		for (i = 0; i < n; i++) {
			if (sendto(fd, buf, size, 0, (struct sockaddr *)&sa, sizeof(sa)) == size)
				sent++;
			usleep(20000);
		}
		printf("sent %d\n", sent);
		return 0;
	}
	if (!strcmp(argv[1], "recv") && argc == 4) {
		int ms = atoi(argv[3]), count = 0, i;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char first[40] = "";

		sa.sin_addr.s_addr = htonl(INADDR_ANY);
		sa.sin_port = htons(atoi(argv[2]));
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			perror("udpio: bind");
			return 1;
		}
		printf("ready\n");
		fflush(stdout);
		while (poll(&p, 1, ms) == 1) {
			ssize_t r = recv(fd, buf, sizeof(buf), 0);

			if (r < 0)
				break;
			if (count++ == 0)
				for (i = 0; i < r && i < 16; i++)
					sprintf(first + 2 * i, "%02x", (unsigned char)buf[i]);
		}
		printf("received %d\n", count);
		if (count)
			printf("first %s\n", first);
		return 0;
	}
	return usage();
}

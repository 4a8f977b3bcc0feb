// SPDX-License-Identifier: GPL-2.0
/*
 * pktio - send and capture raw Ethernet frames on one interface (AF_PACKET), for the VM's
 * packet-action tests (the guest has no tcpdump).
 *
 *   pktio send IFACE HEX [N]     send the frame HEX (Ethernet header included) N times (default
 *                                1), 20 ms apart; prints "sent K"
 *   pktio cap IFACE MS [TYPE]    print "ready", then one line "pkt LEN HEX" (at most 96 bytes of
 *                                hex) per frame *received* on IFACE (not the ones it sends) whose
 *                                ethertype is TYPE (hex, e.g. 88b5; default: any), until MS ms
 *                                pass without such a frame; then "captured K"
 *
 * Built static by scripts/test-vm.
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: pktio send IFACE HEX [N] | pktio cap IFACE MS [TYPE]\n");
	return 2;
}

static int open_on(const char *ifname, struct sockaddr_ll *sll)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	if (fd < 0) {
		perror("socket");
		return -1;
	}
	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_protocol = htons(ETH_P_ALL);
	sll->sll_ifindex = if_nametoindex(ifname);
	if (!sll->sll_ifindex || bind(fd, (struct sockaddr *)sll, sizeof(*sll)) < 0) {
		perror(ifname);
		close(fd);
		return -1;
	}
	return fd;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll;
	unsigned char buf[2048];
	int fd;

	if (argc < 4)
		return usage();
	fd = open_on(argv[2], &sll);
	if (fd < 0)
		return 1;
	if (!strcmp(argv[1], "send")) {
		const char *h = argv[3];
		size_t n = 0;
		int count = argc > 4 ? atoi(argv[4]) : 1, i, sent = 0;

		while (h[0] && h[1] && n < sizeof(buf)) {
			int a = hexval(h[0]), b = hexval(h[1]);

			if (a < 0 || b < 0)
				return usage();
			buf[n++] = a << 4 | b;
			h += 2;
		}
		if (n < 14)
			return usage();
		for (i = 0; i < count; i++) {
			if (send(fd, buf, n, 0) == (ssize_t)n)
				sent++;
			usleep(20000);
		}
		printf("sent %d\n", sent);
		return sent == count ? 0 : 1;
	}
	if (!strcmp(argv[1], "cap")) {
		int ms = atoi(argv[3]), captured = 0;
		long type = argc > 4 ? strtol(argv[4], NULL, 16) : -1;
		struct pollfd p = { .fd = fd, .events = POLLIN };

		printf("ready\n");
		fflush(stdout);
		while (poll(&p, 1, ms) > 0) {
			struct sockaddr_ll from;
			socklen_t fl = sizeof(from);
			ssize_t len = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
			ssize_t i;

			if (len < 14 || from.sll_pkttype == PACKET_OUTGOING)
				continue;
			if (type >= 0 && (buf[12] << 8 | buf[13]) != type)
				continue;
			captured++;
			printf("pkt %zd ", len);
			for (i = 0; i < len && i < 96; i++)
				printf("%02x", buf[i]);
			printf("\n");
			fflush(stdout);
		}
		printf("captured %d\n", captured);
		return 0;
	}
	return usage();
}

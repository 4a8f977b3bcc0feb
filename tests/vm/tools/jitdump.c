// SPDX-License-Identifier: GPL-2.0
/*
 * jitdump - print the JIT-ed x86 image of a pinned BPF program as one line of hex, for
 * scripts/bench-hook --icount to disassemble on the host (the lab's bpftool has no disassembler
 * and then refuses `prog dump jited` even into a file).
 *
 *   jitdump /sys/fs/bpf/PATH
 *
 * Built static by scripts/test-vm (the guest has no libc).
 */
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int prog_info(int fd, struct bpf_prog_info *info)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(*info);
	attr.info.info = (uint64_t)(uintptr_t)info;
	return bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct bpf_prog_info info;
	union bpf_attr attr;
	unsigned char *img;
	uint32_t i, len;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: jitdump /sys/fs/bpf/PATH\n");
		return 2;
	}
	memset(&attr, 0, sizeof(attr));
	attr.pathname = (uint64_t)(uintptr_t)argv[1];
	fd = bpf(BPF_OBJ_GET, &attr);
	memset(&info, 0, sizeof(info));
	if (fd < 0 || prog_info(fd, &info) || !info.jited_prog_len) {
		perror(argv[1]);
		return 1;
	}
	len = info.jited_prog_len;
	img = calloc(1, len);
	memset(&info, 0, sizeof(info));
	info.jited_prog_len = len;
	info.jited_prog_insns = (uint64_t)(uintptr_t)img;
	if (!img || prog_info(fd, &info) || info.jited_prog_len != len) {
		perror("jitdump: BPF_OBJ_GET_INFO_BY_FD");
		return 1;
	}
	for (i = 0; i < len; i++)
		printf("%02x", img[i]);
	printf("\n");
	return 0;
}

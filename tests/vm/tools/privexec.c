// SPDX-License-Identifier: GPL-2.0
/*
 * privexec - run a command with fewer privileges, for the VM's trust-boundary tests.
 *
 *   privexec [--uid N] [--caps none|CAP[,CAP...]] -- COMMAND [ARGS...]
 *
 * CAP is one of bpf, perfmon, net_admin, sys_admin. Root's implicit capabilities are switched
 * off (securebits NOROOT + NO_SETUID_FIXUP, locked), so `--caps none` keeps uid 0 but no
 * capability at all, and the kept ones reach COMMAND as ambient capabilities.
 * Built static by scripts/test-vm (the guest has no libc).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int cap_number(const char *name)
{
	if (!strcmp(name, "bpf"))
		return CAP_BPF;
	if (!strcmp(name, "perfmon"))
		return CAP_PERFMON;
	if (!strcmp(name, "net_admin"))
		return CAP_NET_ADMIN;
	if (!strcmp(name, "sys_admin"))
		return CAP_SYS_ADMIN;
	return -1;
}

static void die(const char *what)
{
	fprintf(stderr, "privexec: %s: %s\n", what, strerror(errno));
	exit(126);
}

int main(int argc, char **argv)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };
	int keep[8], nkeep = 0, i;
	long uid = -1;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--uid") && i + 1 < argc) {
			uid = strtol(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--caps") && i + 1 < argc) {
			char *list = argv[++i], *tok;

			if (!strcmp(list, "none"))
				continue;
			for (tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
				int c = cap_number(tok);

				if (c < 0 || nkeep == 8) {
					fprintf(stderr, "privexec: unknown capability %s\n", tok);
					return 2;
				}
				keep[nkeep++] = c;
			}
		} else {
			fprintf(stderr, "usage: privexec [--uid N] [--caps none|bpf,perfmon,net_admin,sys_admin] -- CMD...\n");
			return 2;
		}
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "privexec: no command after --\n");
		return 2;
	}

	if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
					     SECBIT_NO_SETUID_FIXUP_LOCKED))
		die("PR_SET_SECUREBITS");
	if (uid >= 0) {
		if (setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
			die("setuid");
	}
	for (i = 0; i < nkeep; i++) {
		data[keep[i] / 32].effective |= 1u << (keep[i] % 32);
		data[keep[i] / 32].permitted |= 1u << (keep[i] % 32);
		data[keep[i] / 32].inheritable |= 1u << (keep[i] % 32);
	}
	if (syscall(SYS_capset, &hdr, data))
		die("capset");
	for (i = 0; i < nkeep; i++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, keep[i], 0, 0))
			die("PR_CAP_AMBIENT_RAISE");
	for (i = 1; strcmp(argv[i], "--"); i++)
		;
	execvp(argv[i + 1], argv + i + 1);
	die(argv[i + 1]);
	return 127;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * execsnoop_user OBJ [N [TIMEOUT_MS]] - the user-space half of the native execsnoop: loads
 * execsnoop_native.bpf.o with libbpf, attaches it to sched:sched_process_exec, prints `ready`,
 * then one line per exec from the ring buffer:
 *
 *   pid=412 tid=412 uid=0 old_pid=412 comm=true filename=/bin/true
 *
 * the same line `wasmload events NAME --fields pid:u32,tid:u32,uid:u32,old_pid:u32,comm:str16,
 * filename:str128` prints for the Wasm port's records. Stops after N records (0: never) or
 * TIMEOUT_MS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

struct exec_event {
	unsigned int pid, tid, uid, old_pid;
	char comm[16];
	char filename[128];
};

static long want, seen;

/* As wasmload prints strings: up to the NUL, `"` and `\` escaped, non-printables as \xNN. */
static void put_str(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			putchar(c);
		else
			printf("\\x%02x", c);
	}
}

static int on_event(void *ctx, void *data, size_t len)
{
	const struct exec_event *e = data;

	(void)ctx;
	if (len < sizeof(*e))
		return 0;
	printf("pid=%u tid=%u uid=%u old_pid=%u comm=", e->pid, e->tid, e->uid, e->old_pid);
	put_str(e->comm, sizeof(e->comm));
	printf(" filename=");
	put_str(e->filename, sizeof(e->filename));
	printf("\n");
	fflush(stdout);
	return want && ++seen >= want ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *link;
	struct ring_buffer *rb;
	int waited = 0, timeout;

	if (argc < 2) {
		fprintf(stderr, "usage: execsnoop_user OBJ [N [TIMEOUT_MS]]\n");
		return 2;
	}
	want = argc > 2 ? strtol(argv[2], NULL, 0) : 0;
	timeout = argc > 3 ? atoi(argv[3]) : 1 << 30;
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "cannot load %s\n", argv[1]);
		return 2;
	}
	prog = bpf_object__find_program_by_name(obj, "execsnoop");
	link = prog ? bpf_program__attach(prog) : NULL;
	rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "events"), on_event, NULL, NULL);
	if (!link || !rb) {
		fprintf(stderr, "cannot attach or open the ring buffer\n");
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	while ((!want || seen < want) && waited < timeout) {
		int r = ring_buffer__poll(rb, 100);

		if (r < 0 && r != -4)
			break;
		waited += 100;
	}
	ring_buffer__free(rb);
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return !want || seen >= want ? 0 : 1;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * rbread PIN N [TIMEOUT_MS]: a plain libbpf ring buffer consumer (ring_buffer__new +
 * ring_buffer__poll, as every libbpf tool's user-space half does) reading N records from the
 * ring buffer map pinned at PIN, printing each as `len=L data=HEX`, the format of
 * `wasmload events` without --fields. It knows nothing of wasmhook: the proof that a Wasm hook's
 * records are an ordinary BPF ring buffer's. Exits 1 if fewer than N arrive in time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static long want, seen;

static int on_record(void *ctx, void *data, size_t len)
{
	const unsigned char *b = data;
	size_t i;

	(void)ctx;
	printf("len=%zu data=", len);
	for (i = 0; i < len; i++)
		printf("%02x", b[i]);
	printf("\n");
	fflush(stdout);
	return ++seen >= want ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct ring_buffer *rb;
	int fd, waited = 0, timeout;

	if (argc < 3) {
		fprintf(stderr, "usage: rbread PIN N [TIMEOUT_MS]\n");
		return 2;
	}
	want = strtol(argv[2], NULL, 0);
	timeout = argc > 3 ? atoi(argv[3]) : 10000;
	fd = bpf_obj_get(argv[1]);
	if (fd < 0) {
		perror("bpf_obj_get");
		return 2;
	}
	rb = ring_buffer__new(fd, on_record, NULL, NULL);
	if (!rb) {
		perror("ring_buffer__new");
		return 2;
	}
	while (seen < want && waited < timeout) {
		int r = ring_buffer__poll(rb, 100);

		if (r < 0 && r != -4 /* EINTR */) {
			fprintf(stderr, "ring_buffer__poll: %d\n", r);
			break;
		}
		waited += 100;
	}
	ring_buffer__free(rb);
	return seen >= want ? 0 : 1;
}

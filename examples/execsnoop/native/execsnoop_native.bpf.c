// SPDX-License-Identifier: GPL-2.0
/*
 * execsnoop_native - an execsnoop-like tracer as a native eBPF program: the program
 * examples/execsnoop/src/lib.rs was ported from. On every sched:sched_process_exec it sends one
 * struct exec_event into the ring buffer `events` (256 KiB); execsnoop_user.c prints them.
 *
 * clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -c execsnoop_native.bpf.c -o execsnoop_native.bpf.o
 */
#include <linux/bpf.h>
#include <linux/types.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int(*name)[val]
static __u64 (*bpf_get_current_pid_tgid)(void) = (void *)BPF_FUNC_get_current_pid_tgid;
static __u64 (*bpf_get_current_uid_gid)(void) = (void *)BPF_FUNC_get_current_uid_gid;
static long (*bpf_get_current_comm)(void *buf, __u32 size) = (void *)BPF_FUNC_get_current_comm;
static long (*bpf_probe_read_kernel_str)(void *dst, __u32 size,
					 const void *src) = (void *)BPF_FUNC_probe_read_kernel_str;
static long (*bpf_ringbuf_output)(void *rb, void *data, __u64 size,
				  __u64 flags) = (void *)BPF_FUNC_ringbuf_output;

#define FILENAME_LEN 128

/* One exec, as both this program and its Wasm port emit it (160 bytes, no padding). */
struct exec_event {
	__u32 pid;	/* tgid of the task after exec */
	__u32 tid;
	__u32 uid;
	__u32 old_pid;	/* the tid that called execve (a thread other than the leader) */
	char comm[16];	/* the new program's name */
	char filename[FILENAME_LEN];	/* the path given to execve, NUL-terminated, cut */
};

/* The tracepoint's record (/sys/kernel/tracing/events/sched/sched_process_exec/format). */
struct sched_process_exec_args {
	__u16 common_type;
	__u8 common_flags;
	__u8 common_preempt_count;
	__s32 common_pid;
	__u32 data_loc_filename;	/* __data_loc char[]: offset (low 16 bits) and length */
	__s32 pid;
	__s32 old_pid;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tracepoint/sched/sched_process_exec")
int execsnoop(struct sched_process_exec_args *ctx)
{
	struct exec_event e = {};
	__u64 pt = bpf_get_current_pid_tgid();
	__u32 off = ctx->data_loc_filename & 0xffff;

	e.pid = pt >> 32;
	e.tid = (__u32)pt;
	e.uid = (__u32)bpf_get_current_uid_gid();
	e.old_pid = ctx->old_pid;
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	bpf_probe_read_kernel_str(e.filename, sizeof(e.filename), (void *)ctx + off);
	bpf_ringbuf_output(&events, &e, sizeof(e), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

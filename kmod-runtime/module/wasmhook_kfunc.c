// SPDX-License-Identifier: GPL-2.0
/*
 * wasmhook_kfunc.c - the C side of the wasmhook module: the kfuncs BPF programs call, the RCU
 * table of loaded Wasm slots, and the map/clock/trace helpers the Wasm host functions use.
 *
 * Rust code gets no BTF, and a kfunc needs a BTF FUNC, so the kfuncs live here and call into the
 * Rust module (wasmhook_main.rs) through `wasmhook_rs_run()`. Rust owns module_init and calls
 * wasmhook_c_register() from it. Userspace never calls anything here directly: BPF trampolines
 * (bpf-trampoline/) call wasmhook_xdp()/wasmhook_kprobe()/wasmhook_tc() with a slot id that /dev/wasmhook
 * returned from its LOAD ioctl.
 */
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/security.h>
#include <linux/btf_ids.h>
#include <linux/filter.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/prandom.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/rcupdate.h>
#include <linux/ratelimit.h>
#include <linux/skbuff.h>
#include <linux/timekeeping.h>
#include <net/xdp.h>
#include <linux/pkt_cls.h>
#include <linux/unaligned.h>
#include <net/checksum.h>

#include "wasmhook_abi.h"

/*
 * The hook context handed to Rust for one run; Rust reads packet bytes and maps through it.
 * data..data_end: the XDP frame, or a tc skb's linear part (NULL in kprobes). @skb: the tc
 * hook's skb (NULL otherwise), for wasmhook_c_skb_make_writable().
 */
struct wh_hook_ctx {
	u8 *data;
	u8 *data_end;
	struct pt_regs *regs;
	struct sk_buff *skb;
	/* The run's maps: map i is maps[i] for i < nmaps (nmaps <= WH_MAX_MAPS). */
	struct bpf_map **maps;
	u32 nmaps;
	/* WH_CTX_* */
	u32 flags;
	/* A 16-map run's fill token: its ring buffer records are staged under it (0: none). */
	u32 ev_token;
	/* The XDP hook's xdp_buff (NULL otherwise), for the adjust_* host functions. */
	struct xdp_buff *xdp;
	/*
	 * redirect(): the target of a REDIRECT verdict (ifindex 0: none yet) and BPF_F_INGRESS;
	 * redirect_map(): redir_map 1, the devmap key in redir_key and the fallback verdict in
	 * redir_flags. The last call of a run wins.
	 */
	u32 redir_ifindex;
	u32 redir_flags;
	u32 redir_map;
	u32 redir_key;
};
/* wasmhook_main.rs mirrors this struct (HookCtx) and asserts the same size. */
static_assert(sizeof(struct wh_hook_ctx) == WH_HOOK_CTX_SIZE);

/*
 * Indexed by slot id % WH_MAX_SLOTS. A slot id also carries a generation (id / WH_MAX_SLOTS,
 * never 0), which the Rust side checks against the slot it finds here: a stale id, or the 0 of
 * a trampoline nobody configured, never runs another program.
 */
static void __rcu *wh_slots[WH_MAX_SLOTS];
static atomic64_t wh_no_slot_runs = ATOMIC64_INIT(0);

/*
 * Wasm runs in progress on this CPU, any slot. A kprobe hook does not run inside another run
 * (a kprobe on a function the first hook calls, e.g. our map helpers): each nested run would
 * bring its own fuel, so nesting would multiply the time bound of one packet (the in-kernel
 * fuzz run found a soft lockup this way). Like bpf_prog_active for BPF tracing programs.
 */
static DEFINE_PER_CPU(int, wh_active);

/* Publish a fully built slot at table index @idx; called by Rust in process context under its lock. */
void wasmhook_c_publish(u32 idx, void *slot)
{
	if (idx < WH_MAX_SLOTS)
		rcu_assign_pointer(wh_slots[idx], slot);
}

/* Unpublish table index @idx and wait until no CPU can still be running it; may sleep. */
void wasmhook_c_unpublish(u32 idx)
{
	if (idx >= WH_MAX_SLOTS)
		return;
	RCU_INIT_POINTER(wh_slots[idx], NULL);
	synchronize_rcu();
}

/* ------------------------------------------------------------------------------------------ */
/* Privileges, checked against the credentials of whoever opened /dev/wasmhook (like a bpf token,
 * the open file carries its opener's rights), always in the initial user namespace.             */

bool wasmhook_c_file_capable(const struct file *file, int cap)
{
	return file_ns_capable(file, &init_user_ns, cap);
}

/* The opener's effective uid in the initial user namespace: the owner of the slots it loads. */
u32 wasmhook_c_file_euid(const struct file *file)
{
	return from_kuid_munged(&init_user_ns, file->f_cred->euid);
}

/* 0, or -EPERM when kernel lockdown forbids BPF-style reads of kernel memory and registers. */
int wasmhook_c_lockdown_read_kernel(void)
{
	return security_locked_down(LOCKDOWN_BPF_READ_KERNEL);
}

static DEFINE_RATELIMIT_STATE(wh_ioctl_rs, 5 * HZ, 10);

/* Whether an ioctl refusal may be logged now (garbage ioctls must not flood the log). */
bool wasmhook_c_warn_ratelimit(void)
{
	return __ratelimit(&wh_ioctl_rs);
}

/* Wait for an RCU grace period (after replacing a published slot); may sleep. */
void wasmhook_c_synchronize(void)
{
	synchronize_rcu();
}

u64 wasmhook_c_no_slot_runs(void)
{
	return atomic64_read(&wh_no_slot_runs);
}

u32 wasmhook_c_nr_cpu_ids(void)
{
	return nr_cpu_ids;
}

u64 wasmhook_c_ktime_ns(void)
{
	return ktime_get_mono_fast_ns();
}

/* ------------------------------------------------------------------------------------------ */
/* Helpers for the Wasm host functions (called from Rust inside a run).                       */

static bool wh_map_ok(const struct bpf_map *map)
{
	/*
	 * Values with special fields (spin locks, timers, kptrs, list/rb nodes, refcounts, ...)
	 * are owned by the verifier's rules: a byte copy in or out would corrupt or leak them.
	 */
	if (!IS_ERR_OR_NULL(map->record))
		return false;
	switch (map->map_type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	/* Hook ABI v2 */
	case BPF_MAP_TYPE_LPM_TRIE:
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_BLOOM_FILTER:
		return true;
	default:
		return false;
	}
}

/*
 * Queue, stack and bloom filter maps have no keys: they take push/pop/peek, and their
 * lookup/update/delete ops are stubs (a bloom filter's map_lookup_elem returns an ERR_PTR,
 * which must never be copied from). The other types have no push/pop/peek ops (NULL).
 */
static bool wh_map_keyless(const struct bpf_map *map)
{
	return map->map_type == BPF_MAP_TYPE_QUEUE || map->map_type == BPF_MAP_TYPE_STACK ||
	       map->map_type == BPF_MAP_TYPE_BLOOM_FILTER;
}

/* Map @idx of this run, any type, or NULL (no such index; no context: the start function). */
static struct bpf_map *wh_map_any(struct wh_hook_ctx *ctx, u32 idx)
{
	if (!ctx || idx >= ctx->nmaps || idx >= WH_MAX_MAPS)
		return NULL;
	return ctx->maps[idx];
}

/* Map @idx of this run if it is plain data the keyed and keyless map helpers may copy. */
static struct bpf_map *wh_map(struct wh_hook_ctx *ctx, u32 idx)
{
	struct bpf_map *map = wh_map_any(ctx, idx);

	if (!map || !wh_map_ok(map))
		return NULL;
	return map;
}

/* Sizes of map `idx`, or -EINVAL. */
int wasmhook_c_map_sizes(struct wh_hook_ctx *ctx, u32 idx, u32 *key_size, u32 *value_size)
{
	struct bpf_map *map = wh_map(ctx, idx);

	if (!map)
		return -EINVAL;
	*key_size = map->key_size;
	*value_size = map->value_size;
	return 0;
}

/*
 * The map helpers check the caller's key and value lengths against the map, so a wrong length
 * is -EINVAL here rather than an out-of-bounds copy.
 */
static struct bpf_map *wh_map_sized(struct wh_hook_ctx *ctx, u32 idx, u32 klen, u32 vlen,
				    bool check_value)
{
	struct bpf_map *map = wh_map(ctx, idx);

	if (!map || wh_map_keyless(map) || map->key_size != klen ||
	    (check_value && map->value_size != vlen))
		return NULL;
	return map;
}

/*
 * The element of an array or per-CPU array map for @key (4 bytes, checked by the caller), or
 * NULL past the end: array_map_lookup_elem() and percpu_array_map_lookup_elem() without the
 * ops call, as the verifier inlines them into BPF programs. Preemption is off during a run, so
 * this CPU's element stays this CPU's.
 */
static __always_inline void *wh_array_elem(struct bpf_map *map, const void *key)
{
	struct bpf_array *array = container_of(map, struct bpf_array, map);
	u32 index = get_unaligned((const u32 *)key);

	if (unlikely(index >= map->max_entries))
		return NULL;
	if (map->map_type == BPF_MAP_TYPE_PERCPU_ARRAY)
		return this_cpu_ptr(array->pptrs[index & array->index_mask]);
	return array->value + (u64)array->elem_size * (index & array->index_mask);
}

static __always_inline bool wh_is_array(const struct bpf_map *map)
{
	return map->map_type == BPF_MAP_TYPE_ARRAY || map->map_type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/*
 * A map value copy (the map has no special fields: wh_map_ok). The common 4- and 8-byte values
 * are one load and one store; either side may be unaligned (Wasm memory).
 */
static __always_inline void wh_copy_value(void *dst, const void *src, u32 len)
{
	if (len == sizeof(u64))
		put_unaligned(get_unaligned((const u64 *)src), (u64 *)dst);
	else if (len == sizeof(u32))
		put_unaligned(get_unaligned((const u32 *)src), (u32 *)dst);
	else
		memcpy(dst, src, len);
}

/* Copy the value for `key` into `value` (both exactly the map's sizes). */
int wasmhook_c_map_lookup(struct wh_hook_ctx *ctx, u32 idx, const void *key, u32 klen,
			  void *value, u32 vlen)
{
	struct bpf_map *map = wh_map_sized(ctx, idx, klen, vlen, true);
	void *v;

	if (!map)
		return -EINVAL;
	/* BPF_F_WRONLY_PROG: programs may not read it. */
	if (map->map_flags & BPF_F_WRONLY_PROG)
		return -EPERM;
	if (wh_is_array(map))
		v = wh_array_elem(map, key);
	else
		v = map->ops->map_lookup_elem(map, (void *)key);
	if (!v)
		return -ENOENT;
	wh_copy_value(value, v, vlen);
	return 0;
}

int wasmhook_c_map_update(struct wh_hook_ctx *ctx, u32 idx, const void *key, u32 klen,
			  const void *value, u32 vlen, u64 flags)
{
	struct bpf_map *map = wh_map_sized(ctx, idx, klen, vlen, true);

	if (!map || flags > BPF_EXIST)
		return -EINVAL;
	/*
	 * BPF_F_RDONLY_PROG (frozen .rodata among them): the verifier lets other programs treat
	 * the contents as constants, so a write from here would break their verified assumptions.
	 */
	if (map->map_flags & BPF_F_RDONLY_PROG)
		return -EPERM;
	/*
	 * Arrays: array_map_update_elem() without the ops call, for flags <= BPF_EXIST on a value
	 * with no special fields (copy_map_value() is then a plain copy, and there are no fields
	 * to cancel). Its per-CPU twin writes this CPU's element, as here.
	 */
	if (wh_is_array(map)) {
		void *v = wh_array_elem(map, key);

		if (!v)
			return -E2BIG;
		if (flags == BPF_NOEXIST)
			return -EEXIST;
		wh_copy_value(v, value, vlen);
		return 0;
	}
	return map->ops->map_update_elem(map, (void *)key, (void *)value, flags);
}

/* Whether each CPU has its own copy of a map's values (a lookup gives this CPU's). */
static bool wh_map_percpu(const struct bpf_map *map)
{
	return map->map_type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       map->map_type == BPF_MAP_TYPE_PERCPU_HASH ||
	       map->map_type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* The largest value map_add inserts (hook-abi's MAX_MAP_ENTRY, which the Rust side enforces). */
#define WH_MAX_VALUE 256

/*
 * map_add's insert into a hash map without @key: a zero value with the @width-byte counter at
 * @field = @delta, as BPF_NOEXIST (-EEXIST: another CPU inserted it meanwhile).
 */
static noinline int wh_map_add_insert(struct bpf_map *map, const void *key, u32 field,
				      u32 width, u64 delta, void *value)
{
	u8 buf[WH_MAX_VALUE] __aligned(8) = {};
	int rc;

	if (map->value_size > sizeof(buf))
		return -EINVAL;
	if (width == sizeof(u64))
		*(u64 *)(buf + field) = delta;
	else
		*(u32 *)(buf + field) = (u32)delta;
	rc = map->ops->map_update_elem(map, (void *)key, buf, BPF_NOEXIST);
	if (!rc)
		wh_copy_value(value, buf + field, width);
	return rc;
}

/*
 * map_add: @delta added in place to a counter of the value for @key, what a BPF program does
 * with __sync_fetch_and_add() on a field of the value bpf_map_lookup_elem() gave it: a locked
 * add where CPUs share the element, a plain one on this CPU's element of a per-CPU map
 * (preemption is off). The counter (hook-abi's counter_width) is the whole value if it is 4
 * bytes (@field 0), else the u64 at byte offset @field, a multiple of 8 inside a value whose
 * size is a multiple of 8; @vlen is its width. A hash map without the key gets a zero value
 * with the counter = @delta (BPF_NOEXIST, so an element another CPU inserted meanwhile is
 * added to instead, once). Array and hash maps only: an lpm_trie lookup answers for a prefix,
 * not the key. The counter's new value goes to @value. Counters are aligned (array elements and
 * hash values are 8-aligned), and values have no special fields (wh_map_ok).
 */
int wasmhook_c_map_add(struct wh_hook_ctx *ctx, u32 idx, const void *key, u32 klen, u32 field,
		       void *value, u32 vlen, u64 delta)
{
	struct bpf_map *map = wh_map_sized(ctx, idx, klen, 0, false);
	u32 vs;
	void *v;
	int rc;

	if (!map || map->map_type == BPF_MAP_TYPE_LPM_TRIE)
		return -EINVAL;
	vs = map->value_size;
	if (vs == sizeof(u32) ? field != 0 || vlen != sizeof(u32) :
	    vs % 8 || field % 8 || vlen != sizeof(u64) || field > vs - 8)
		return -EINVAL;
	/* It reads and writes: both flags refuse it, as the verifier refuses BPF atomics. */
	if (map->map_flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG))
		return -EPERM;
	if (wh_is_array(map)) {
		v = wh_array_elem(map, key);
		if (!v)
			return -E2BIG;
	} else {
		v = map->ops->map_lookup_elem(map, (void *)key);
		if (!v) {
			rc = wh_map_add_insert(map, key, field, vlen, delta, value);
			if (rc != -EEXIST)
				return rc;
			v = map->ops->map_lookup_elem(map, (void *)key);
			/* inserted and deleted again by others in between */
			if (!v)
				return -ENOENT;
		}
	}
	v = (u8 *)v + field;
	if (vlen == sizeof(u64)) {
		u64 n;

		if (wh_map_percpu(map))
			n = *(u64 *)v += delta;
		else
			n = atomic64_add_return(delta, (atomic64_t *)v);
		put_unaligned(n, (u64 *)value);
	} else {
		u32 n;

		if (wh_map_percpu(map))
			n = *(u32 *)v += (u32)delta;
		else
			n = atomic_add_return((u32)delta, (atomic_t *)v);
		put_unaligned(n, (u32 *)value);
	}
	return 0;
}

int wasmhook_c_map_delete(struct wh_hook_ctx *ctx, u32 idx, const void *key, u32 klen)
{
	struct bpf_map *map = wh_map_sized(ctx, idx, klen, 0, false);

	if (!map)
		return -EINVAL;
	if (map->map_flags & BPF_F_RDONLY_PROG)
		return -EPERM;
	return map->ops->map_delete_elem(map, (void *)key);
}

/*
 * Hook ABI v2: push/pop/peek on queue, stack and bloom filter maps (the eBPF helpers
 * bpf_map_push_elem/pop_elem/peek_elem). @value is exactly the map's value size; any other map
 * type, or no context (the start function), is -EINVAL. Access flags as for the keyed ops: a
 * push writes, a peek reads, a pop reads and writes.
 */
static struct bpf_map *wh_map_keyless_sized(struct wh_hook_ctx *ctx, u32 idx, u32 vlen)
{
	struct bpf_map *map = wh_map(ctx, idx);

	if (!map || !wh_map_keyless(map) || map->value_size != vlen)
		return NULL;
	return map;
}

int wasmhook_c_map_push(struct wh_hook_ctx *ctx, u32 idx, const void *value, u32 vlen, u64 flags)
{
	struct bpf_map *map = wh_map_keyless_sized(ctx, idx, vlen);

	if (!map || flags > BPF_EXIST)
		return -EINVAL;
	if (map->map_flags & BPF_F_RDONLY_PROG)
		return -EPERM;
	return map->ops->map_push_elem(map, (void *)value, flags);
}

int wasmhook_c_map_pop(struct wh_hook_ctx *ctx, u32 idx, void *value, u32 vlen)
{
	struct bpf_map *map = wh_map_keyless_sized(ctx, idx, vlen);

	/* A bloom filter cannot give its values back. */
	if (!map || map->map_type == BPF_MAP_TYPE_BLOOM_FILTER)
		return -EINVAL;
	if (map->map_flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG))
		return -EPERM;
	return map->ops->map_pop_elem(map, value);
}

int wasmhook_c_map_peek(struct wh_hook_ctx *ctx, u32 idx, void *value, u32 vlen)
{
	struct bpf_map *map = wh_map_keyless_sized(ctx, idx, vlen);

	if (!map)
		return -EINVAL;
	if (map->map_flags & BPF_F_WRONLY_PROG)
		return -EPERM;
	return map->ops->map_peek_elem(map, value);
}

/*
 * Hook ABI v2 events: ringbuf_output(map, data, len, flags).
 *
 * A module cannot write into a BPF ring buffer (the ring buffer's code and its helpers are not
 * exported), so the records take the path eBPF's own programs take: the hook's records are
 * staged in this CPU's event queue during the run, and the 16-map trampoline, right after the
 * run kfunc, takes them out one by one with wasmhook_ev_pop() and calls bpf_ringbuf_output()
 * on its ring buffer map (wh_ev), which is the map the hook declared. Any ring buffer consumer
 * (libbpf's ring_buffer__poll, aya, `wasmload events`) reads the same records.
 *
 * The queue belongs to one run at a time, named by the run's fill token (unique per CPU). A
 * program nested into a run (a kprobe hook in an interrupt) takes the queue over with its own
 * token; the outer run's records are then lost (ringbuf_output already returned 0 for them, as
 * a full ring buffer loses records), never mixed into the nested program's output: every pop
 * copies first and checks the token afterwards. Preemption is off in runs and pops.
 */
#define WH_EV_BUF 4096	/* bytes of records one run may stage */
#define WH_EV_RECS 32	/* records one run may stage (the trampoline pops at most this many) */
#define WH_EV_MAX 1024	/* bytes in one record (the trampoline's buffer) */

struct wh_evq {
	u32 token;	/* the run that owns the queue; 0: none */
	u16 nrec;	/* records staged */
	u16 next;	/* next record to pop */
	u16 used;	/* bytes of buf used */
	u16 off[WH_EV_RECS];
	u16 len[WH_EV_RECS];
	u8 flags[WH_EV_RECS];
	u8 buf[WH_EV_BUF];
};
static DEFINE_PER_CPU(struct wh_evq, wh_evq);

/*
 * Stage one record for the ring buffer map @idx: 0, -EINVAL (no such map, not a ring buffer,
 * not a 16-map run, the start function, bad flags or an empty record), -E2BIG (longer than
 * WH_EV_MAX), -ENOSPC (this run staged WH_EV_RECS records or WH_EV_BUF bytes already).
 */
int wasmhook_c_ringbuf_output(struct wh_hook_ctx *ctx, u32 idx, const u8 *data, u32 len,
			      u64 flags)
{
	struct bpf_map *map;
	struct wh_evq *q;
	u32 i, off;

	map = wh_map_any(ctx, idx);
	if (!map || !ctx->ev_token || map->map_type != BPF_MAP_TYPE_RINGBUF)
		return -EINVAL;
	/* BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP, as bpf_ringbuf_output takes. */
	if (flags & ~(u64)(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP) || !len)
		return -EINVAL;
	if (len > WH_EV_MAX)
		return -E2BIG;
	q = this_cpu_ptr(&wh_evq);
	if (READ_ONCE(q->token) != ctx->ev_token) {
		/* A new run (or one that took the queue from an interrupted run). */
		WRITE_ONCE(q->token, ctx->ev_token);
		q->nrec = 0;
		q->next = 0;
		q->used = 0;
	}
	i = q->nrec;
	off = q->used;
	if (i >= WH_EV_RECS || off + len > WH_EV_BUF)
		return -ENOSPC;
	/* Reserve first: a nested run that takes the queue over starts after our record. */
	q->nrec = i + 1;
	q->used = off + ALIGN(len, 8);
	q->off[i] = off;
	q->len[i] = len;
	q->flags[i] = flags;
	memcpy(q->buf + off, data, len);
	return 0;
}

/* Argument `n` (0-based) of the probed kernel function, or 0 outside a kprobe. */
u64 wasmhook_c_kprobe_arg(struct wh_hook_ctx *ctx, u32 n)
{
	if (!ctx || !ctx->regs || n >= 6)
		return 0;
	return regs_get_kernel_argument(ctx->regs, n);
}

/* The probed function's return value, only in a kretprobe (at entry the register is garbage). */
u64 wasmhook_c_kprobe_ret(struct wh_hook_ctx *ctx)
{
	if (!ctx || !ctx->regs || !(ctx->flags & WH_CTX_RETPROBE))
		return 0;
	return regs_return_value(ctx->regs);
}

/*
 * The task helpers describe `current` in every context, as the eBPF helpers do: in XDP
 * (softirq) and in a kprobe firing in an interrupt that is whichever task was interrupted (or
 * ksoftirqd, or the idle task, pid 0), in the start function the loading process. None of them
 * needs the hook context, so a NULL one is fine.
 */
u64 wasmhook_c_pid_tgid(void)
{
	struct task_struct *task = current;

	return (u64)task->tgid << 32 | (u32)task->pid;
}

u64 wasmhook_c_uid_gid(void)
{
	kuid_t uid;
	kgid_t gid;

	current_uid_gid(&uid, &gid);
	return (u64)from_kgid(&init_user_ns, gid) << 32 | from_kuid(&init_user_ns, uid);
}

/* current->comm, NUL-padded, into @buf of TASK_COMM_LEN bytes (as bpf_get_current_comm). */
void wasmhook_c_comm(u8 *buf)
{
	strscpy_pad((char *)buf, current->comm, TASK_COMM_LEN);
}

u32 wasmhook_c_cpu_id(void)
{
	/* Runs have preemption off; the start function may migrate, which is harmless. */
	return raw_smp_processor_id();
}

/* One prandom state per CPU, as bpf_get_prandom_u32 keeps (NMI-safe, no locks). */
static DEFINE_PER_CPU(struct rnd_state, wh_rnd);

u32 wasmhook_c_prandom_u32(void)
{
	u32 v;

	v = prandom_u32_state(get_cpu_ptr(&wh_rnd));
	put_cpu_ptr(&wh_rnd);
	return v;
}

u64 wasmhook_c_ktime_boot_ns(void)
{
	return ktime_get_boot_fast_ns();
}

/*
 * Copy @len kernel bytes at @src into @dst without faulting (bpf_probe_read_kernel):
 * 0, -EPERM outside a kprobe run (no registers: XDP, the start function), -EFAULT with @dst
 * zeroed if the memory is not there. Whether the slot may read at all (kprobe hook, CAP_PERFMON,
 * no lockdown) was decided at LOAD; Rust passes only such runs here. @len is at most 4096.
 */
int wasmhook_c_probe_read_kernel(struct wh_hook_ctx *ctx, u8 *dst, u32 len, u64 src)
{
	long ret;

	if (len > 4096)
		return -EINVAL;
	if (!ctx || !ctx->regs) {
		memset(dst, 0, len);
		return -EPERM;
	}
	ret = copy_from_kernel_nofault(dst, (const void *)(unsigned long)src, len);
	if (ret < 0) {
		memset(dst, 0, len);
		return -EFAULT;
	}
	return 0;
}

/*
 * Makes a tc hook's packet bytes writable before a hook that imports pkt_write runs, as the
 * verifier's unclone prologue does for a tc BPF program with direct packet writes
 * (bpf_unclone_prologue -> bpf_skb_pull_data(skb, 0)): a cloned skb (TCP keeps clones of what
 * it sends, taps hold clones) shares its data with the clone, so its linear part is copied first
 * (pskb_expand_head, GFP_ATOMIC: fine in softirq). The packet may move: data/data_end are
 * refreshed. 0, or -errno (then nothing was written and the run must not start).
 */
int wasmhook_c_skb_make_writable(struct wh_hook_ctx *ctx)
{
	struct sk_buff *skb = ctx ? ctx->skb : NULL;
	int err;

	if (!skb)
		return -EINVAL;
	err = skb_ensure_writable(skb, skb_headlen(skb));
	if (err)
		return err;
	ctx->data = skb->data;
	ctx->data_end = skb->data + skb_headlen(skb);
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Packet actions (Hook ABI v2): redirect, adjust_head/tail/meta, checksum fix-ups.           */

/*
 * redirect(ifindex, flags): remember the target of this run's REDIRECT verdict; the kfunc
 * encodes it into its return value (wh_encode_verdict) and the trampoline calls bpf_redirect().
 * XDP takes no flags (bpf_redirect refuses BPF_F_INGRESS there); tc takes BPF_F_INGRESS.
 * ifindex must fit the 23 bits of the encoding. Whether the interface exists is decided by
 * bpf_redirect/xdp_do_redirect, which drop the packet otherwise.
 */
int wasmhook_c_redirect(struct wh_hook_ctx *ctx, u32 ifindex, u64 flags)
{
	if (!ctx || (!ctx->xdp && !ctx->skb))
		return -EOPNOTSUPP;
	if (!ifindex || ifindex > WH_REDIRECT_MAX_IFINDEX)
		return -EINVAL;
	if (ctx->xdp ? flags != 0 : (flags & ~(u64)BPF_F_INGRESS))
		return -EINVAL;
	ctx->redir_ifindex = ifindex;
	ctx->redir_flags = (u32)flags;
	ctx->redir_map = 0;
	return 0;
}

/*
 * redirect_map(map, key, flags): XDP only, as bpf_redirect_map. Map @idx must be a devmap of
 * this run; the trampoline redirects through its wh_dev, which the loader binds to the hook's
 * one devmap (a foreign trampoline can only redirect through maps its loader could use anyway).
 * The encoding keeps the key in 21 bits; @flags is the verdict for a missing entry, as the
 * helper's low bits (XDP_ABORTED..XDP_TX). The module never touches the devmap's entries: they
 * hold net_device references that only user space updates (a BPF program cannot either).
 */
int wasmhook_c_redirect_map(struct wh_hook_ctx *ctx, u32 idx, u32 key, u64 flags)
{
	struct bpf_map *map;

	if (!ctx || !ctx->xdp)
		return -EOPNOTSUPP;
	map = wh_map_any(ctx, idx);
	if (!map || (map->map_type != BPF_MAP_TYPE_DEVMAP &&
		     map->map_type != BPF_MAP_TYPE_DEVMAP_HASH))
		return -EINVAL;
	if (key > WH_REDIRECT_MAX_KEY || flags > XDP_TX)
		return -EINVAL;
	if (map->map_flags & BPF_F_WRONLY_PROG)
		return -EPERM;
	ctx->redir_map = 1;
	ctx->redir_key = key;
	ctx->redir_flags = (u32)flags;
	ctx->redir_ifindex = 0;
	return 0;
}

/* After an adjust the hook's packet view is the xdp_buff's new data..data_end. */
static void wh_xdp_refresh(struct wh_hook_ctx *ctx)
{
	ctx->data = ctx->xdp->data;
	ctx->data_end = ctx->xdp->data_end;
}

static unsigned long wh_xdp_metalen(const struct xdp_buff *xdp)
{
	return xdp_data_meta_unsupported(xdp) ? 0 : xdp->data - xdp->data_meta;
}

/*
 * The rules of bpf_xdp_adjust_head/tail/meta in net/core/filter.c (7.3), on the xdp_buff the
 * kfunc received. Pointer arithmetic is done on unsigned long: delta is an int, so no wrap.
 * @which: 0 head, 1 tail, 2 meta. 0 or -errno; tc and kprobes (no xdp_buff) get -EOPNOTSUPP.
 */
int wasmhook_c_xdp_adjust(struct wh_hook_ctx *ctx, u32 which, int delta)
{
	struct xdp_buff *xdp = ctx ? ctx->xdp : NULL;
	unsigned long frame_end, data, data_end, meta, metalen;

	if (!xdp)
		return -EOPNOTSUPP;
	frame_end = (unsigned long)xdp->data_hard_start + sizeof(struct xdp_frame);
	switch (which) {
	case 0: /* bpf_xdp_adjust_head */
		metalen = wh_xdp_metalen(xdp);
		data = (unsigned long)xdp->data + (long)delta;
		if (data < frame_end + metalen ||
		    data > (unsigned long)xdp->data_end - ETH_HLEN)
			return -EINVAL;
		if (metalen)
			memmove(xdp->data_meta + delta, xdp->data_meta, metalen);
		xdp->data_meta += delta;
		xdp->data = (void *)data;
		break;
	case 1: /* bpf_xdp_adjust_tail, linear buffers only */
		if (xdp_buff_has_frags(xdp))
			return -EOPNOTSUPP;
		data_end = (unsigned long)xdp->data_end + (long)delta;
		if (data_end > (unsigned long)xdp_data_hard_end(xdp))
			return -EINVAL;
		if (data_end < (unsigned long)xdp->data + ETH_HLEN)
			return -EINVAL;
		/* Grown bytes may hold old kernel memory. */
		if (delta > 0)
			memset(xdp->data_end, 0, delta);
		xdp->data_end = (void *)data_end;
		break;
	case 2: /* bpf_xdp_adjust_meta */
		if (xdp_data_meta_unsupported(xdp))
			return -EOPNOTSUPP;
		meta = (unsigned long)xdp->data_meta + (long)delta;
		if (meta < frame_end || meta > (unsigned long)xdp->data)
			return -EINVAL;
		if (xdp_metalen_invalid((unsigned long)xdp->data - meta))
			return -EACCES;
		xdp->data_meta = (void *)meta;
		break;
	default:
		return -EINVAL;
	}
	wh_xdp_refresh(ctx);
	return 0;
}

/*
 * csum_replace / csum_l4_replace: RFC 1624 incremental update of the 16-bit checksum at packet
 * offset @off after a @size-byte field changed from @from to @to (host-order numbers, as the
 * hook read them big-endian). @l4: @flags are csum_l4_replace's (size in bits 0-3,
 * WH_CSUM_PSEUDO_HDR, WH_CSUM_MANGLED_0); in tc the skb's checksum state is kept as
 * bpf_l4_csum_replace keeps it (inet_proto_csum_replace*). Else @flags is the size.
 */
int wasmhook_c_csum(struct wh_hook_ctx *ctx, int off, u32 from, u32 to, int flags, bool l4)
{
	u32 size, len;
	__sum16 sum;
	u8 *ptr;
	bool pseudo, mangled0;

	/* A tracepoint's data..data_end is the record copy, not a packet. */
	if (!ctx || !ctx->data || ctx->data_end < ctx->data || (ctx->flags & WH_CTX_TRACEPOINT))
		return -EOPNOTSUPP;
	len = ctx->data_end - ctx->data;
	if (off < 0 || len < 2 || (u32)off > len - 2)
		return -EINVAL;
	if (l4 && (flags & ~(WH_CSUM_SIZE_MASK | WH_CSUM_PSEUDO_HDR | WH_CSUM_MANGLED_0)))
		return -EINVAL;
	size = l4 ? (flags & WH_CSUM_SIZE_MASK) : (u32)flags;
	if (size != 2 && size != 4)
		return -EINVAL;
	if (size == 2 && (from > 0xffff || to > 0xffff))
		return -EINVAL;
	pseudo = l4 && (flags & WH_CSUM_PSEUDO_HDR);
	mangled0 = l4 && (flags & WH_CSUM_MANGLED_0);
	ptr = ctx->data + off;
	sum = get_unaligned((__sum16 *)ptr);
	if (mangled0 && !sum)
		return 0;
	if (l4 && ctx->skb) {
		if (size == 2)
			inet_proto_csum_replace2(&sum, ctx->skb, htons(from), htons(to), pseudo);
		else
			inet_proto_csum_replace4(&sum, ctx->skb, htonl(from), htonl(to), pseudo);
	} else if (size == 2) {
		csum_replace2(&sum, htons(from), htons(to));
	} else {
		csum_replace4(&sum, htonl(from), htonl(to));
	}
	if (mangled0 && !sum)
		sum = CSUM_MANGLED_0;
	put_unaligned(sum, (__sum16 *)ptr);
	return 0;
}

/*
 * The kfunc's return value for verdict @ret: a REDIRECT verdict (@redirect_act) becomes
 * @redirect_act | ingress << 8 | ifindex << 9 for the trampoline's wh_verdict(), or, after
 * redirect_map() (XDP only), XDP_REDIRECT | 1 << 8 | fallback << 9 | key << 11 for
 * wh_xdp_verdict(); @fail_act when the hook named no target.
 */
static __always_inline int wh_encode_verdict(const struct wh_hook_ctx *hc, int ret,
					     int redirect_act, int fail_act)
{
	if (ret != redirect_act)
		return ret;
	if (hc->redir_map && redirect_act == XDP_REDIRECT) {
		if (hc->redir_key > WH_REDIRECT_MAX_KEY || hc->redir_flags > XDP_TX)
			return fail_act;
		return XDP_REDIRECT | WH_REDIRECT_MAP | hc->redir_flags << 9 | hc->redir_key << 11;
	}
	if (!hc->redir_ifindex || hc->redir_ifindex > WH_REDIRECT_MAX_IFINDEX)
		return fail_act;
	return redirect_act | (hc->redir_flags & 1) << 8 | hc->redir_ifindex << 9;
}

#define WH_TRACE_MAX 128
/* One budget per slot index: a chatty hook cannot silence the others' trace lines. */
static struct ratelimit_state wh_trace_rs[WH_MAX_SLOTS];

/*
 * A rate-limited trace line from a Wasm program; @msg is not NUL-terminated and is the
 * program's bytes: anything but printable ASCII (escape sequences, newlines that would forge
 * log lines, NUL) is printed as '?'.
 */
void wasmhook_c_trace(u32 slot, const u8 *msg, u32 len)
{
	char buf[WH_TRACE_MAX];
	u32 i, n = min_t(u32, len, WH_TRACE_MAX);

	if (!__ratelimit(&wh_trace_rs[slot % WH_MAX_SLOTS]))
		return;
	for (i = 0; i < n; i++)
		buf[i] = (msg[i] >= 0x20 && msg[i] < 0x7f) ? msg[i] : '?';
	pr_info("wasmhook: slot %u: %.*s%s\n", slot, (int)n, buf, len > n ? "..." : "");
}

/* ------------------------------------------------------------------------------------------ */
/* kfuncs                                                                                      */

/*
 * The 16-map trampolines (Hook ABI v2): a kfunc takes at most 5 arguments, so the program hands
 * its 16 maps over in four wasmhook_maps() calls before the run kfunc. They land in this CPU's
 * map table under a token that the first call takes and the others and the run must present.
 *
 * Why a program can never run with another program's maps: everything a table holds was put
 * there by one fill sequence, and only the sequence holding the newest token may write it (the
 * check and the write happen with preemption off, so only interrupts, NMIs and the programs they
 * run can come in between, and those finish before we continue: nesting is strictly LIFO). A
 * nested program anywhere between the outer program's first fill and its run takes a new token,
 * so the outer program's later fills write nothing and its run finds a token that is not its own:
 * it is refused and counted as busy, never run with the inner program's maps. The run copies the
 * pointers out first and checks the token afterwards, so a fill nested inside the copy is caught
 * too. Maps stay valid: the pointers are the calling program's own map references (the verifier
 * passes `__map` arguments only for maps in the program's used_maps), and the run happens inside
 * the same program invocation; the table is never read outside it.
 */
struct wh_maptab {
	u32 token;	/* the newest fill sequence's token; 0: none */
	u32 next;	/* base index that sequence fills next (WH_MAX_MAPS: complete) */
	struct bpf_map *maps[WH_MAX_MAPS];
};
static DEFINE_PER_CPU(struct wh_maptab, wh_maptab);
static DEFINE_PER_CPU(u32, wh_token_seq);

/*
 * Copies this CPU's table into @out (WH_MAX_MAPS entries) and tells whether it is complete and
 * still @token's. Preemption must be off.
 */
static __always_inline bool wh_maps_take(u32 token, struct bpf_map **out)
{
	struct wh_maptab *t = this_cpu_ptr(&wh_maptab);

	memcpy(out, t->maps, sizeof(t->maps));
	/* Copy first, check after: a fill nested inside the copy changed the token. */
	barrier();
	if (!token || READ_ONCE(t->token) != token || READ_ONCE(t->next) != WH_MAX_MAPS)
		return false;
	/* One run per fill sequence. */
	WRITE_ONCE(t->token, 0);
	return true;
}

static __always_inline int wh_run(u32 slot, u32 kind, struct wh_hook_ctx *ctx, u32 arg,
				  int no_slot_verdict, bool refuse)
{
	const void *s;
	u32 flags;
	int ret;

	/* Generation 0 is never handed out: ids below WH_MAX_SLOTS name no program. */
	if (slot < WH_MAX_SLOTS) {
		atomic64_inc(&wh_no_slot_runs);
		return no_slot_verdict;
	}
	rcu_read_lock();
	preempt_disable();
	s = rcu_dereference(wh_slots[slot % WH_MAX_SLOTS]);
	/* The Rust side refuses a stale id (other generation) and a slot of another hook kind. */
	/*
	 * Run time is measured only while kernel.bpf_stats_enabled is on, as for BPF programs:
	 * two clock reads per packet are not free.
	 */
	flags = static_branch_unlikely(&bpf_stats_enabled_key) ? WH_RUN_TIMED : 0;
	if (refuse ||
	    ((kind == WH_HOOK_KPROBE || kind == WH_HOOK_TRACEPOINT) && this_cpu_read(wh_active)))
		flags |= WH_RUN_NESTED;
	this_cpu_inc(wh_active);
	if (!s || wasmhook_rs_run(s, slot, kind, smp_processor_id(), ctx, arg, flags, &ret)) {
		atomic64_inc(&wh_no_slot_runs);
		ret = no_slot_verdict;
	}
	this_cpu_dec(wh_active);
	preempt_enable();
	rcu_read_unlock();
	return ret;
}

/* Run a 16-map trampoline's hook with the maps of fill sequence @token. */
static __always_inline int wh_run16(u32 slot, u32 kind, struct wh_hook_ctx *ctx, u32 arg,
				    int no_slot_verdict, u32 token, u32 nmaps)
{
	int ret;
	bool ok;

	preempt_disable();
	ok = wh_maps_take(token, ctx->maps);
	/* A refused run touches no map; the Rust side answers it without running (busy). */
	ctx->nmaps = ok ? min_t(u32, nmaps, WH_MAX_MAPS) : 0;
	ctx->ev_token = ok ? token : 0;
	ret = wh_run(slot, kind, ctx, arg, no_slot_verdict, !ok);
	preempt_enable();
	return ret;
}

__bpf_kfunc_start_defs();

/**
 * wasmhook_xdp - run the Wasm XDP hook in slot @slot on this packet.
 * @ctx: the XDP context (really a struct xdp_buff).
 * @slot: slot id returned by the LOAD ioctl of /dev/wasmhook.
 * @m0__map: map the Wasm program sees as map 0.
 * @m1__map: map 1.
 * @m2__map: map 2.
 *
 * Return: an XDP verdict (XDP_ABORTED..XDP_TX), or XDP_REDIRECT with the redirect() target
 * encoded (see wh_encode_verdict; XDP_ABORTED if the hook named none); the slot's trap verdict if the Wasm program
 * trapped or ran out of fuel; XDP_PASS if no XDP program is loaded with id @slot.
 */
__bpf_kfunc int wasmhook_xdp(struct xdp_md *ctx, u32 slot, void *m0__map, void *m1__map,
			     void *m2__map)
{
	struct xdp_buff *xdp = (struct xdp_buff *)ctx;
	struct bpf_map *maps[3] = { m0__map, m1__map, m2__map };
	struct wh_hook_ctx hc = {
		.data = xdp->data,
		.data_end = xdp->data_end,
		.regs = NULL,
		.skb = NULL,
		.maps = maps,
		.nmaps = 3,
		.xdp = xdp,
	};
	int ret = wh_run(slot, WH_HOOK_XDP, &hc, (u32)(hc.data_end - hc.data), XDP_PASS, false);

	return wh_encode_verdict(&hc, ret, XDP_REDIRECT, XDP_ABORTED);
}

/**
 * wasmhook_kprobe - run the Wasm kprobe hook in slot @slot.
 * @ctx: the probed function's registers.
 * @slot: slot id returned by the LOAD ioctl of /dev/wasmhook.
 * @m0__map: map the Wasm program sees as map 0.
 * @m1__map: map 1.
 * @m2__map: map 2.
 *
 * Return: the Wasm program's result, the slot's trap value on a trap, 0 if @slot is empty.
 */
__bpf_kfunc int wasmhook_kprobe(struct pt_regs *ctx, u32 slot, void *m0__map, void *m1__map,
				void *m2__map)
{
	struct bpf_map *maps[3] = { m0__map, m1__map, m2__map };
	struct wh_hook_ctx hc = {
		.data = NULL,
		.data_end = NULL,
		.regs = ctx,
		.skb = NULL,
		.maps = maps,
		.nmaps = 3,
	};

	return wh_run(slot, WH_HOOK_KPROBE, &hc, 0, 0, false);
}

/**
 * wasmhook_kretprobe - run the Wasm kprobe hook in slot @slot at a kretprobe: as
 * wasmhook_kprobe, and the hook's kprobe_ret() is the probed function's return value.
 * @ctx: the registers at the probed function's return.
 * @slot: slot id returned by the LOAD ioctl of /dev/wasmhook.
 * @m0__map: map the Wasm program sees as map 0.
 * @m1__map: map 1.
 * @m2__map: map 2.
 *
 * Return: the Wasm program's result, the slot's trap value on a trap, 0 if @slot is empty.
 */
__bpf_kfunc int wasmhook_kretprobe(struct pt_regs *ctx, u32 slot, void *m0__map, void *m1__map,
				   void *m2__map)
{
	struct bpf_map *maps[3] = { m0__map, m1__map, m2__map };
	struct wh_hook_ctx hc = {
		.data = NULL,
		.data_end = NULL,
		.regs = ctx,
		.maps = maps,
		.nmaps = 3,
		.flags = WH_CTX_RETPROBE,
	};

	return wh_run(slot, WH_HOOK_KPROBE, &hc, 0, 0, false);
}

/**
 * wasmhook_tc - run the Wasm tc hook in slot @slot on this packet (tcx ingress or egress).
 * @ctx: the tc context (really a struct sk_buff; skb->data is at the Ethernet header on
 *       both directions: tcx pushes the MAC header back on ingress).
 * @slot: slot id returned by the LOAD ioctl of /dev/wasmhook.
 * @m0__map: map the Wasm program sees as map 0.
 * @m1__map: map 1.
 * @m2__map: map 2.
 *
 * The hook reads the skb's linear part (skb_headlen bytes); its entry argument is skb->len.
 *
 * Return: TC_ACT_OK or TC_ACT_SHOT; the slot's trap verdict if the Wasm program trapped or ran
 * out of fuel; TC_ACT_OK if no tc program is loaded with id @slot.
 */
__bpf_kfunc int wasmhook_tc(struct __sk_buff *ctx, u32 slot, void *m0__map, void *m1__map,
			    void *m2__map)
{
	struct sk_buff *skb = (struct sk_buff *)ctx;
	struct bpf_map *maps[3] = { m0__map, m1__map, m2__map };
	struct wh_hook_ctx hc = {
		.data = skb->data,
		.data_end = skb->data + skb_headlen(skb),
		.regs = NULL,
		.skb = skb,
		.maps = maps,
		.nmaps = 3,
	};

	int ret = wh_run(slot, WH_HOOK_TC, &hc, skb->len, TC_ACT_OK, false);

	return wh_encode_verdict(&hc, ret, TC_ACT_REDIRECT, TC_ACT_SHOT);
}

/**
 * wasmhook_maps - hand maps @base..@base+3 to the next 16-map run on this CPU.
 * @arg: the token of this fill sequence << 32 | @base (0, 4, 8 or 12, in this order); the
 *       first call passes 0 (no token, base 0) and gets a new token.
 * @m0__map: map @base of the Wasm hook.
 * @m1__map: map @base + 1.
 * @m2__map: map @base + 2.
 * @m3__map: map @base + 3.
 *
 * Return: the token (nonzero) to pass to the next call and the run kfunc, or 0 if the table is
 * no longer this sequence's (a program nested on this CPU took it over) or @arg is wrong; a
 * later call or run with token 0 is refused.
 */
__bpf_kfunc u64 wasmhook_maps(u64 arg, void *m0__map, void *m1__map, void *m2__map,
			      void *m3__map)
{
	struct wh_maptab *t;
	u32 token = arg >> 32, base = (u32)arg;
	u64 ret = 0;

	preempt_disable();
	t = this_cpu_ptr(&wh_maptab);
	if (!token && !base) {
		token = this_cpu_inc_return(wh_token_seq);
		if (!token)
			token = this_cpu_inc_return(wh_token_seq);
		WRITE_ONCE(t->next, 0);
		WRITE_ONCE(t->token, token);
		/* The new token is visible before any of its maps are written. */
		barrier();
	} else if (!token || READ_ONCE(t->token) != token || READ_ONCE(t->next) != base) {
		goto out;
	}
	if (base > WH_MAX_MAPS - 4)
		goto out;
	t->maps[base] = m0__map;
	t->maps[base + 1] = m1__map;
	t->maps[base + 2] = m2__map;
	t->maps[base + 3] = m3__map;
	WRITE_ONCE(t->next, base + 4);
	ret = token;
out:
	preempt_enable();
	return ret;
}

/**
 * wasmhook_xdp16 - run the Wasm XDP hook in slot @slot with 16 maps.
 * @ctx: the XDP context (really a struct xdp_buff).
 * @slot: slot id returned by the LOAD ioctl of /dev/wasmhook.
 * @token: what the last wasmhook_maps() returned.
 * @nmaps: how many maps the hook declares (wh_cfg[1]); indices at or above it are refused.
 *
 * Return: as wasmhook_xdp(); the slot's trap verdict, counted as busy, if the map table is not
 * @token's.
 */
__bpf_kfunc int wasmhook_xdp16(struct xdp_md *ctx, u32 slot, u32 token, u32 nmaps)
{
	struct xdp_buff *xdp = (struct xdp_buff *)ctx;
	struct bpf_map *maps[WH_MAX_MAPS];
	struct wh_hook_ctx hc = {
		.data = xdp->data,
		.data_end = xdp->data_end,
		.maps = maps,
		.xdp = xdp,
	};
	int ret = wh_run16(slot, WH_HOOK_XDP, &hc, (u32)(hc.data_end - hc.data), XDP_PASS, token,
			   nmaps);

	return wh_encode_verdict(&hc, ret, XDP_REDIRECT, XDP_ABORTED);
}

/**
 * wasmhook_kprobe16 - run the Wasm kprobe hook in slot @slot with 16 maps.
 * @ctx: the probed function's registers.
 * @slot: slot id returned by the LOAD ioctl of /dev/wasmhook.
 * @token: what the last wasmhook_maps() returned.
 * @nmaps: how many maps the hook declares.
 *
 * Return: as wasmhook_kprobe().
 */
__bpf_kfunc int wasmhook_kprobe16(struct pt_regs *ctx, u32 slot, u32 token, u32 nmaps)
{
	struct bpf_map *maps[WH_MAX_MAPS];
	struct wh_hook_ctx hc = {
		.regs = ctx,
		.maps = maps,
	};

	return wh_run16(slot, WH_HOOK_KPROBE, &hc, 0, 0, token, nmaps);
}

/**
 * wasmhook_kretprobe16 - run the Wasm kprobe hook in slot @slot at a kretprobe with 16 maps.
 * @ctx: the registers at the probed function's return.
 * @slot: slot id returned by the LOAD ioctl of /dev/wasmhook.
 * @token: what the last wasmhook_maps() returned.
 * @nmaps: how many maps the hook declares.
 *
 * Return: as wasmhook_kretprobe().
 */
__bpf_kfunc int wasmhook_kretprobe16(struct pt_regs *ctx, u32 slot, u32 token, u32 nmaps)
{
	struct bpf_map *maps[WH_MAX_MAPS];
	struct wh_hook_ctx hc = {
		.regs = ctx,
		.maps = maps,
		.flags = WH_CTX_RETPROBE,
	};

	return wh_run16(slot, WH_HOOK_KPROBE, &hc, 0, 0, token, nmaps);
}

/**
 * wasmhook_tc16 - run the Wasm tc hook in slot @slot with 16 maps.
 * @ctx: the tc context (really a struct sk_buff).
 * @slot: slot id returned by the LOAD ioctl of /dev/wasmhook.
 * @token: what the last wasmhook_maps() returned.
 * @nmaps: how many maps the hook declares.
 *
 * Return: as wasmhook_tc().
 */
__bpf_kfunc int wasmhook_tc16(struct __sk_buff *ctx, u32 slot, u32 token, u32 nmaps)
{
	struct sk_buff *skb = (struct sk_buff *)ctx;
	struct bpf_map *maps[WH_MAX_MAPS];
	struct wh_hook_ctx hc = {
		.data = skb->data,
		.data_end = skb->data + skb_headlen(skb),
		.skb = skb,
		.maps = maps,
	};

	int ret = wh_run16(slot, WH_HOOK_TC, &hc, skb->len, TC_ACT_OK, token, nmaps);

	return wh_encode_verdict(&hc, ret, TC_ACT_REDIRECT, TC_ACT_SHOT);
}

/**
 * wasmhook_ev_pop - take the next ring buffer record the run of fill sequence @token staged.
 * @token: the token the 16-map trampoline ran its hook with.
 * @buf: where the record goes (the trampoline's per-CPU buffer).
 * @buf__sz: its size (WH_EV_MAX).
 *
 * Return: flags << 16 | length of the record copied into @buf; 0 when there is none left (or
 * the queue was taken over by a nested run: the records are dropped).
 */
__bpf_kfunc int wasmhook_ev_pop(u32 token, void *buf, u32 buf__sz)
{
	struct wh_evq *q;
	u32 i, len, flags;
	int ret = 0;

	preempt_disable();
	q = this_cpu_ptr(&wh_evq);
	if (!token || READ_ONCE(q->token) != token)
		goto out;
	i = q->next;
	if (i >= q->nrec || i >= WH_EV_RECS) {
		/* All taken: the queue is free again. */
		WRITE_ONCE(q->token, 0);
		goto out;
	}
	q->next = i + 1;
	len = q->len[i];
	flags = q->flags[i];
	if (len > buf__sz || len > WH_EV_MAX || q->off[i] + len > WH_EV_BUF)
		goto out;
	memcpy(buf, q->buf + q->off[i], len);
	/* Copy first, check after: a nested run that took the queue over meanwhile. */
	barrier();
	if (READ_ONCE(q->token) == token)
		ret = flags << 16 | len;
out:
	preempt_enable();
	return ret;
}

/*
 * The tracepoint trampolines' per-CPU record buffer (bpf-trampoline/trampoline_tp.h): the slot
 * id, then @len bytes the trampoline copied from the trace record with bpf_probe_read_kernel.
 */
struct wh_tp_rec {
	u32 slot;
	u32 len;
	u8 data[];
};

/* Fills @hc with the record in @rec (@rec__sz bytes, verifier-checked); false if it is short. */
static __always_inline bool wh_tp_ctx(struct wh_hook_ctx *hc, void *rec, u32 rec__sz, u32 *slot)
{
	struct wh_tp_rec *r = rec;
	u32 len;

	if (rec__sz < sizeof(*r))
		return false;
	/* The program wrote @len; trust nothing it says beyond the buffer the verifier checked. */
	len = min3(READ_ONCE(r->len), rec__sz - (u32)sizeof(*r), (u32)WH_TP_MAX);
	*slot = READ_ONCE(r->slot);
	hc->data = r->data;
	hc->data_end = r->data + len;
	hc->flags = WH_CTX_TRACEPOINT;
	return true;
}

/**
 * wasmhook_tracepoint - run the Wasm tracepoint hook named in @rec on the record copy in @rec.
 * @rec: the trampoline's struct wh_tp_rec (slot id, record length, record bytes).
 * @rec__sz: its size.
 * @m0__map: map the Wasm program sees as map 0.
 * @m1__map: map 1.
 * @m2__map: map 2.
 *
 * The hook reads the record with ctx_read; its entry argument is the record length.
 *
 * Return: the Wasm program's result, the slot's trap value on a trap, 0 if the slot is empty.
 */
__bpf_kfunc int wasmhook_tracepoint(void *rec, u32 rec__sz, void *m0__map, void *m1__map,
				    void *m2__map)
{
	struct bpf_map *maps[3] = { m0__map, m1__map, m2__map };
	struct wh_hook_ctx hc = {
		.maps = maps,
		.nmaps = 3,
	};
	u32 slot;

	if (!wh_tp_ctx(&hc, rec, rec__sz, &slot))
		return 0;
	return wh_run(slot, WH_HOOK_TRACEPOINT, &hc, (u32)(hc.data_end - hc.data), 0, false);
}

/**
 * wasmhook_tracepoint16 - run the Wasm tracepoint hook named in @rec with 16 maps.
 * @rec: the trampoline's struct wh_tp_rec.
 * @rec__sz: its size.
 * @token: what the last wasmhook_maps() returned.
 * @nmaps: how many maps the hook declares.
 *
 * Return: as wasmhook_tracepoint().
 */
__bpf_kfunc int wasmhook_tracepoint16(void *rec, u32 rec__sz, u32 token, u32 nmaps)
{
	struct bpf_map *maps[WH_MAX_MAPS];
	struct wh_hook_ctx hc = {
		.maps = maps,
	};
	u32 slot;

	if (!wh_tp_ctx(&hc, rec, rec__sz, &slot))
		return 0;
	return wh_run16(slot, WH_HOOK_TRACEPOINT, &hc, (u32)(hc.data_end - hc.data), 0, token,
			nmaps);
}

__bpf_kfunc_end_defs();

BTF_KFUNCS_START(wasmhook_xdp_ids)
BTF_ID_FLAGS(func, wasmhook_xdp)
BTF_ID_FLAGS(func, wasmhook_xdp16)
BTF_ID_FLAGS(func, wasmhook_maps)
BTF_ID_FLAGS(func, wasmhook_ev_pop)
BTF_KFUNCS_END(wasmhook_xdp_ids)

BTF_KFUNCS_START(wasmhook_kprobe_ids)
BTF_ID_FLAGS(func, wasmhook_kprobe)
BTF_ID_FLAGS(func, wasmhook_kretprobe)
BTF_ID_FLAGS(func, wasmhook_kprobe16)
BTF_ID_FLAGS(func, wasmhook_kretprobe16)
BTF_ID_FLAGS(func, wasmhook_maps)
BTF_ID_FLAGS(func, wasmhook_ev_pop)
BTF_KFUNCS_END(wasmhook_kprobe_ids)

BTF_KFUNCS_START(wasmhook_tc_ids)
BTF_ID_FLAGS(func, wasmhook_tc)
BTF_ID_FLAGS(func, wasmhook_tc16)
BTF_ID_FLAGS(func, wasmhook_maps)
BTF_ID_FLAGS(func, wasmhook_ev_pop)
BTF_KFUNCS_END(wasmhook_tc_ids)

BTF_KFUNCS_START(wasmhook_tp_ids)
BTF_ID_FLAGS(func, wasmhook_tracepoint)
BTF_ID_FLAGS(func, wasmhook_tracepoint16)
BTF_ID_FLAGS(func, wasmhook_maps)
BTF_ID_FLAGS(func, wasmhook_ev_pop)
BTF_KFUNCS_END(wasmhook_tp_ids)

/*
 * Registering for BPF_PROG_TYPE_TRACEPOINT registers for the kernel's whole tracing kfunc hook
 * (fentry/fexit, raw tracepoints, perf events, LSM too, some of them sleepable): only classic
 * and raw tracepoint programs (BPF_PROG_TYPE_RAW_TRACEPOINT, never sleepable; not the writable
 * kind, nor BTF tracepoints, which are BPF_PROG_TYPE_TRACING) may call these, and never
 * sleepable ones. Both hand the kfunc their trampoline's record copy, never their context.
 */
static int wasmhook_tp_filter(const struct bpf_prog *prog, u32 kfunc_id)
{
	if (!btf_id_set8_contains(&wasmhook_tp_ids, kfunc_id))
		return 0;
	if (prog->sleepable)
		return -EACCES;
	return prog->type == BPF_PROG_TYPE_TRACEPOINT ||
		       prog->type == BPF_PROG_TYPE_RAW_TRACEPOINT ? 0 : -EACCES;
}

/* Uprobes share BPF_PROG_TYPE_KPROBE and may be sleepable: refuse those. */
static int wasmhook_kprobe_filter(const struct bpf_prog *prog, u32 kfunc_id)
{
	if (!btf_id_set8_contains(&wasmhook_kprobe_ids, kfunc_id))
		return 0;
	return prog->sleepable ? -EACCES : 0;
}

static const struct btf_kfunc_id_set wasmhook_xdp_set = {
	.owner = THIS_MODULE,
	.set = &wasmhook_xdp_ids,
};

static const struct btf_kfunc_id_set wasmhook_tc_set = {
	.owner = THIS_MODULE,
	.set = &wasmhook_tc_ids,
};

static const struct btf_kfunc_id_set wasmhook_tp_set = {
	.owner = THIS_MODULE,
	.set = &wasmhook_tp_ids,
	.filter = wasmhook_tp_filter,
};

static const struct btf_kfunc_id_set wasmhook_kprobe_set = {
	.owner = THIS_MODULE,
	.set = &wasmhook_kprobe_ids,
	.filter = wasmhook_kprobe_filter,
};

/* Called from the Rust module's init. Returns 0 or a negative errno. */
int wasmhook_c_register(void)
{
	int ret, i;

	for (i = 0; i < WH_MAX_SLOTS; i++)
		ratelimit_state_init(&wh_trace_rs[i], 5 * HZ, 20);
	prandom_seed_full_state(&wh_rnd);
	ret = register_btf_kfunc_id_set(BPF_PROG_TYPE_XDP, &wasmhook_xdp_set);
	if (ret)
		return ret;
	/* tc (sched_cls), attached through tcx links (or clsact, where the kernel has it). */
	ret = register_btf_kfunc_id_set(BPF_PROG_TYPE_SCHED_CLS, &wasmhook_tc_set);
	if (ret)
		return ret;
	ret = register_btf_kfunc_id_set(BPF_PROG_TYPE_TRACEPOINT, &wasmhook_tp_set);
	if (ret)
		return ret;
	return register_btf_kfunc_id_set(BPF_PROG_TYPE_KPROBE, &wasmhook_kprobe_set);
}

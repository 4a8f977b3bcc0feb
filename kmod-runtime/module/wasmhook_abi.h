/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * wasmhook_abi.h - constants the C kfunc shim shares with the Rust side.
 *
 * The authoritative definitions (ioctl layouts, host functions) are in
 * kmod-runtime/hook-abi/src/abi/; keep these two numbers equal to uapi::MAX_SLOTS and MAX_MAPS
 * (the module checks them at init).
 */
#ifndef WASMHOOK_ABI_H
#define WASMHOOK_ABI_H

#define WH_MAX_SLOTS 64
#define WH_MAX_MAPS 16
/* HookKind::to_u32() */
#define WH_HOOK_XDP 1
#define WH_HOOK_KPROBE 2
#define WH_HOOK_TC 3
#define WH_HOOK_TRACEPOINT 4
/* wasmhook_rs_run() flags */
#define WH_RUN_TIMED 1	/* measure the run (kernel.bpf_stats_enabled) */
#define WH_RUN_NESTED 2	/* another run is in progress on this CPU: refuse, count as busy */
/* Packet actions: the largest ifindex a REDIRECT verdict can carry (verdict | ingress << 8 |
 * ifindex << 9), and csum_l4_replace's flags (abi::csum_flags). */
#define WH_REDIRECT_MAX_IFINDEX ((1u << 23) - 1)
/* redirect_map(): XDP_REDIRECT | WH_REDIRECT_MAP | fallback << 9 | key << 11, key at most
 * WH_REDIRECT_MAX_KEY (abi::verdict::REDIRECT_MAP_MAX_KEY). */
#define WH_REDIRECT_MAP (1u << 8)
#define WH_REDIRECT_MAX_KEY ((1u << 21) - 1)
#define WH_CSUM_SIZE_MASK 0xf
#define WH_CSUM_PSEUDO_HDR 0x10
#define WH_CSUM_MANGLED_0 0x20
/* Host ids of the packet actions (abi::id), ringbuf_output (23) belongs to the events helper. */
#define WH_HOST_REDIRECT 24
#define WH_HOST_ADJUST_HEAD 25
#define WH_HOST_ADJUST_TAIL 26
#define WH_HOST_ADJUST_META 27
#define WH_HOST_CSUM_REPLACE 28
#define WH_HOST_CSUM_L4_REPLACE 29
#define WH_HOST_REDIRECT_MAP 31
/* wh_hook_ctx flags */
#define WH_CTX_RETPROBE 1	/* a kretprobe: the registers are those at the function's return */
#define WH_CTX_TRACEPOINT 2	/* a tracepoint: data..data_end is the trampoline's record copy */
/* Most record bytes a tracepoint trampoline copies (bpf-trampoline/trampoline_tp.h WH_TP_MAX). */
#define WH_TP_MAX 512
/* sizeof(struct wh_hook_ctx) on 64-bit: wasmhook_main.rs's HookCtx must have the same. */
#define WH_HOOK_CTX_SIZE 80

#ifdef __KERNEL__
#include <linux/types.h>

struct wh_hook_ctx;
struct file;

/* Called by the Rust side (wasmhook_main.rs). */
void wasmhook_c_publish(u32 idx, void *slot);
void wasmhook_c_unpublish(u32 idx);
bool wasmhook_c_file_capable(const struct file *file, int cap);
u32 wasmhook_c_file_euid(const struct file *file);
int wasmhook_c_lockdown_read_kernel(void);
bool wasmhook_c_warn_ratelimit(void);
void wasmhook_c_synchronize(void);
u64 wasmhook_c_no_slot_runs(void);
u32 wasmhook_c_nr_cpu_ids(void);
u64 wasmhook_c_ktime_ns(void);
int wasmhook_c_map_sizes(struct wh_hook_ctx *ctx, u32 idx, u32 *key_size, u32 *value_size);
int wasmhook_c_map_lookup(struct wh_hook_ctx *ctx, u32 idx, const void *key, u32 klen,
			  void *value, u32 vlen);
int wasmhook_c_map_update(struct wh_hook_ctx *ctx, u32 idx, const void *key, u32 klen,
			  const void *value, u32 vlen, u64 flags);
int wasmhook_c_map_delete(struct wh_hook_ctx *ctx, u32 idx, const void *key, u32 klen);
int wasmhook_c_map_add(struct wh_hook_ctx *ctx, u32 idx, const void *key, u32 klen, u32 field,
		       void *value, u32 vlen, u64 delta);
int wasmhook_c_map_push(struct wh_hook_ctx *ctx, u32 idx, const void *value, u32 vlen, u64 flags);
int wasmhook_c_map_pop(struct wh_hook_ctx *ctx, u32 idx, void *value, u32 vlen);
int wasmhook_c_map_peek(struct wh_hook_ctx *ctx, u32 idx, void *value, u32 vlen);
int wasmhook_c_ringbuf_output(struct wh_hook_ctx *ctx, u32 idx, const u8 *data, u32 len,
			      u64 flags);
u64 wasmhook_c_kprobe_arg(struct wh_hook_ctx *ctx, u32 n);
u64 wasmhook_c_kprobe_ret(struct wh_hook_ctx *ctx);
u64 wasmhook_c_pid_tgid(void);
u64 wasmhook_c_uid_gid(void);
void wasmhook_c_comm(u8 *buf);
u32 wasmhook_c_cpu_id(void);
u32 wasmhook_c_prandom_u32(void);
u64 wasmhook_c_ktime_boot_ns(void);
int wasmhook_c_probe_read_kernel(struct wh_hook_ctx *ctx, u8 *dst, u32 len, u64 src);
int wasmhook_c_skb_make_writable(struct wh_hook_ctx *ctx);
int wasmhook_c_redirect(struct wh_hook_ctx *ctx, u32 ifindex, u64 flags);
int wasmhook_c_redirect_map(struct wh_hook_ctx *ctx, u32 idx, u32 key, u64 flags);
int wasmhook_c_xdp_adjust(struct wh_hook_ctx *ctx, u32 which, int delta);
int wasmhook_c_csum(struct wh_hook_ctx *ctx, int off, u32 from, u32 to, int flags, bool l4);
void wasmhook_c_trace(u32 slot, const u8 *msg, u32 len);
int wasmhook_c_register(void);

/* Implemented in Rust. */
/* 0 and the verdict in *verdict, or nonzero if @id / @kind do not match the slot (no run). */
int wasmhook_rs_run(const void *slot, u32 id, u32 kind, u32 cpu, struct wh_hook_ctx *ctx, u32 arg,
		    u32 flags, int *verdict);
#endif

#endif

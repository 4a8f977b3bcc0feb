/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trampoline.h - what every wasmhook trampoline shares: the kfunc declarations exported by the
 * wasmhook module and the maps a trampoline hands to the Wasm hook.
 *
 * wh_cfg[0] holds the slot id (from /dev/wasmhook LOAD); changing it switches the program that
 * runs without re-attaching. The default map shapes below are what `bpftool prog load` gets; the
 * loader replaces a map's definition with the one the Wasm hook declares.
 */
#ifndef WASMHOOK_TRAMPOLINE_H
#define WASMHOOK_TRAMPOLINE_H

#include <linux/bpf.h>
#include <linux/types.h>
#include <asm/ptrace.h> /* struct pt_regs: libbpf matches the kfunc's argument type by name */

/* The few libbpf conventions we use, spelled out so the build needs only clang and uapi headers. */
#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int(*name)[val]
#define __type(name, val) typeof(val) *name
#define __ksym __attribute__((section(".ksyms")))
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)BPF_FUNC_map_lookup_elem;
static long (*bpf_redirect)(__u32 ifindex, __u64 flags) = (void *)BPF_FUNC_redirect;

/*
 * The XDP and tc trampolines return the run kfunc's result through this: a plain verdict as it
 * is, a REDIRECT verdict (XDP_REDIRECT / TC_ACT_REDIRECT) that the module encoded as
 * verdict | ingress << 8 | ifindex << 9 (the hook's redirect() target) as bpf_redirect()'s
 * result. Plain verdicts are below 256, encoded ones have an ifindex >= 1 above bit 9.
 */
static __always_inline int wh_verdict(int ret)
{
	__u32 v = (__u32)ret;

	if (v >> 9)
		return bpf_redirect(v >> 9, (v >> 8) & 1 ? BPF_F_INGRESS : 0);
	return ret;
}

#ifdef WH_XDP
/*
 * The XDP trampolines (WH_XDP) also have the hook's devmap: a hook that declares one
 * (BPF_MAP_TYPE_DEVMAP or DEVMAP_HASH) gets it bound here by the loader, as well as at its
 * index among the hook maps; the others get this one-entry placeholder, never used.
 */
static long (*bpf_redirect_map)(void *map, __u64 key, __u64 flags) = (void *)BPF_FUNC_redirect_map;

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} wh_dev SEC(".maps");

/*
 * As wh_verdict, and a redirect_map() verdict, which the module encodes as
 * XDP_REDIRECT | 1 << 8 | fallback << 9 | key << 11 (bit 8 is never set for an XDP
 * redirect(): XDP takes no BPF_F_INGRESS), becomes bpf_redirect_map(&wh_dev, key, fallback).
 */
static __always_inline int wh_xdp_verdict(int ret)
{
	__u32 v = (__u32)ret;

	if ((v & 0x1ff) == (XDP_REDIRECT | 1 << 8))
		return bpf_redirect_map(&wh_dev, v >> 11, (v >> 9) & 3);
	return wh_verdict(ret);
}
#endif

extern int wasmhook_xdp(struct xdp_md *ctx, __u32 slot, void *m0, void *m1, void *m2) __ksym;
extern int wasmhook_kprobe(struct pt_regs *ctx, __u32 slot, void *m0, void *m1, void *m2) __ksym;
extern int wasmhook_kretprobe(struct pt_regs *ctx, __u32 slot, void *m0, void *m1, void *m2) __ksym;
extern int wasmhook_tc(struct __sk_buff *ctx, __u32 slot, void *m0, void *m1, void *m2) __ksym;
/* rec: a struct wh_tp_rec (trampoline_tp.h), which carries the slot id and the record copy. */
extern int wasmhook_tracepoint(void *rec, __u32 rec__sz, void *m0, void *m1, void *m2) __ksym;

/* The 16-map trampolines (trampoline16.h): fill this CPU's map table, then run with its token. */
extern __u64 wasmhook_maps(__u64 arg, void *m0, void *m1, void *m2, void *m3) __ksym;
extern int wasmhook_xdp16(struct xdp_md *ctx, __u32 slot, __u32 token, __u32 nmaps) __ksym;
extern int wasmhook_kprobe16(struct pt_regs *ctx, __u32 slot, __u32 token, __u32 nmaps) __ksym;
extern int wasmhook_kretprobe16(struct pt_regs *ctx, __u32 slot, __u32 token, __u32 nmaps) __ksym;
extern int wasmhook_tc16(struct __sk_buff *ctx, __u32 slot, __u32 token, __u32 nmaps) __ksym;
/* The next ring buffer record the run of fill sequence @token staged: flags << 16 | length. */
extern int wasmhook_ev_pop(__u32 token, void *buf, __u32 buf__sz) __ksym;
extern int wasmhook_tracepoint16(void *rec, __u32 rec__sz, __u32 token, __u32 nmaps) __ksym;

/* wh_cfg entries: [0] the slot id; the 16-map trampolines also read [1], the declared map count. */
#ifndef WH_CFG_ENTRIES
#define WH_CFG_ENTRIES 1
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, WH_CFG_ENTRIES);
	__type(key, __u32);
	__type(value, __u32);
} wh_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} wh_m0 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} wh_m1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} wh_m2 SEC(".maps");

#endif

/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * wasmhook.h - write wasmhook hooks (XDP / tc / kprobe / tracepoint programs in WebAssembly) in C.
 * Hook ABI v2 (v1 plus tc hooks and the context/kretprobe functions): docs/hook-abi.md (a hook
 * using only v1 functions imports only those). Header-only, no libc.
 *
 *   #include "wasmhook.h"
 *   #define MAPS(X) X(policy, WH_MAP_ARRAY, 4, 4, 1) X(counts, WH_MAP_PERCPU_ARRAY, 4, 8, 256)
 *   WASMHOOK_MAPS(MAPS)
 *   WASMHOOK_XDP(int len) { return wh_pkt_len() > 0 ? WH_PASS : WH_DROP; }
 *
 * clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -Wl,--export=xdp -Wl,-z,stack-size=8192 \
 *       -I sdk/c hook.c -o hook.wasm
 */
#ifndef WASMHOOK_H
#define WASMHOOK_H

typedef unsigned char wh_u8;
typedef unsigned short wh_u16;
typedef unsigned int wh_u32;
typedef unsigned long long wh_u64;
typedef int wh_i32;
typedef long long wh_i64;

#define WH_ABI_VERSION 2

/* XDP verdicts (return values of the xdp entry). */
enum wh_verdict { WH_ABORTED = 0, WH_DROP = 1, WH_PASS = 2, WH_TX = 3, WH_REDIRECT = 4 /* v2 */ };
/* tc verdicts (return values of the tc entry, ABI v2): TC_ACT_OK, TC_ACT_SHOT. */
enum wh_tc_verdict { WH_TC_OK = 0, WH_TC_SHOT = 2, WH_TC_REDIRECT = 7 /* v2 */ };

/* BPF map types a hook may declare (values of enum bpf_map_type). */
#define WH_MAP_HASH 1
#define WH_MAP_ARRAY 2
#define WH_MAP_PERCPU_HASH 5
#define WH_MAP_PERCPU_ARRAY 6
#define WH_MAP_LRU_HASH 9
#define WH_MAP_LRU_PERCPU_HASH 10
/* ABI v2: key_size = 4 + data bytes (struct wh_lpm_key4 for IPv4: 8) */
#define WH_MAP_LPM_TRIE 11
/* ABI v2, no keys (key_size 0): wh_map_push/pop/peek */
#define WH_MAP_QUEUE 22
#define WH_MAP_STACK 23
#define WH_MAP_BLOOM_FILTER 30
/* ABI v2: no keys, no values, max_entries = size in bytes (a power of two >= 4096); at most
 * one per hook; written with wh_ringbuf_output, read by `wasmload events` or any ring buffer
 * consumer */
#define WH_MAP_RINGBUF 27
/* ABI v2, XDP hooks: key_size 4, value_size 4 (an ifindex) or 8 (struct bpf_devmap_val); at
 * most one per hook; filled by user space, used only by wh_redirect_map */
#define WH_MAP_DEVMAP 14
#define WH_MAP_DEVMAP_HASH 25
/* wh_ringbuf_output flags */
#define WH_RB_NO_WAKEUP 1
#define WH_RB_FORCE_WAKEUP 2

/* map_update flags */
#define WH_ANY 0
#define WH_NOEXIST 1
#define WH_EXIST 2

/* ---- the imports (module "wasmhook") ---- */
#define WH_IMPORT(name) __attribute__((import_module("wasmhook"), import_name(#name)))

WH_IMPORT(pkt_len) wh_i32 wh_pkt_len(void);
WH_IMPORT(pkt_read) wh_i32 wh_pkt_read(wh_i32 off, void *dst, wh_i32 len);
WH_IMPORT(pkt_write) wh_i32 wh_pkt_write(wh_i32 off, const void *src, wh_i32 len);
WH_IMPORT(pkt_u8) wh_i32 wh_pkt_u8(wh_i32 off);
WH_IMPORT(pkt_u16) wh_i32 wh_pkt_u16(wh_i32 off);
WH_IMPORT(pkt_u32) wh_i64 wh_pkt_u32(wh_i32 off);
WH_IMPORT(map_lookup) wh_i32 wh_map_lookup(wh_i32 map, const void *key, void *value);
WH_IMPORT(map_update) wh_i32 wh_map_update(wh_i32 map, const void *key, const void *value, wh_i64 flags);
WH_IMPORT(map_delete) wh_i32 wh_map_delete(wh_i32 map, const void *key);
/* v2: adds delta in place to the counter at byte offset field of the value for key (the whole
 * value if it is 4 bytes, else a u64 at a multiple of 8; atomic across CPUs; a hash map gets a
 * zero value with the counter = delta); the counter's new value into *value. 0 or -errno. */
WH_IMPORT(map_add) wh_i32 wh_map_add(wh_i32 map, const void *key, void *value, wh_i32 field, wh_i64 delta);
WH_IMPORT(ktime_ns) wh_i64 wh_ktime_ns(void);
WH_IMPORT(trace) void wh_trace(const void *ptr, wh_i32 len);
WH_IMPORT(kprobe_arg) wh_i64 wh_kprobe_arg(wh_i32 n);
/* ABI v2 */
/* The probed function's return value under `wasmload attach --kretprobe`; 0 in entry kprobes.
 * For a function returning int, cast: (int)wh_kprobe_ret() (the upper 32 bits are undefined). */
WH_IMPORT(kprobe_ret) wh_i64 wh_kprobe_ret(void);
/* Packet actions (v2; -22 EINVAL, -13 EACCES, -95 EOPNOTSUPP outside their hook kind).
 * wh_redirect: the target of this run's WH_REDIRECT / WH_TC_REDIRECT verdict; flags
 * WH_REDIRECT_INGRESS (tc only). wh_adjust_*: XDP only, as bpf_xdp_adjust_head/tail/meta.
 * wh_csum_replace: IPv4 header checksum at off after a size (2|4)-byte field changed;
 * wh_csum_l4_replace: a TCP/UDP checksum, flags = size | WH_CSUM_PSEUDO_HDR | WH_CSUM_UDP. */
#define WH_REDIRECT_INGRESS 1
#define WH_CSUM_PSEUDO_HDR 0x10
#define WH_CSUM_UDP 0x20
WH_IMPORT(redirect) wh_i32 wh_redirect(wh_i32 ifindex, wh_i64 flags);
WH_IMPORT(adjust_head) wh_i32 wh_adjust_head(wh_i32 delta);
WH_IMPORT(adjust_tail) wh_i32 wh_adjust_tail(wh_i32 delta);
WH_IMPORT(adjust_meta) wh_i32 wh_adjust_meta(wh_i32 delta);
WH_IMPORT(csum_replace) wh_i32 wh_csum_replace(wh_i32 off, wh_i32 from, wh_i32 to, wh_i32 size);
WH_IMPORT(csum_l4_replace) wh_i32 wh_csum_l4_replace(wh_i32 off, wh_i32 from, wh_i32 to, wh_i32 flags);
/* XDP: the target of this run's WH_REDIRECT verdict is entry key (<= 2^21-1) of devmap map;
 * fallback (WH_ABORTED, WH_DROP, WH_PASS or WH_TX) is the verdict if that entry is empty, as
 * bpf_redirect_map's flags. 0 or -22 / -1 / -95. Return WH_REDIRECT after a 0. */
WH_IMPORT(redirect_map) wh_i32 wh_redirect_map(wh_i32 map, wh_i32 key, wh_i64 fallback);
/* tgid << 32 | pid and gid << 32 | uid of `current`: in XDP (softirq) and in interrupts that is
 * whichever task was interrupted, as for eBPF. */
WH_IMPORT(pid_tgid) wh_i64 wh_pid_tgid(void);
WH_IMPORT(uid_gid) wh_i64 wh_uid_gid(void);
/* current's name, min(len, 16) bytes NUL-padded into dst; returns the name's length. */
WH_IMPORT(comm) wh_i32 wh_comm(void *dst, wh_i32 len);
WH_IMPORT(cpu_id) wh_i32 wh_cpu_id(void);
WH_IMPORT(prandom_u32) wh_i32 wh_prandom_u32(void);
WH_IMPORT(ktime_boot_ns) wh_i64 wh_ktime_boot_ns(void);
/* Copies len (1..4096) kernel bytes at src into dst without faulting; kprobe hooks only.
 * 0, WH_EPERM (not a kprobe hook), WH_EFAULT (nothing there; dst zeroed) or WH_EINVAL. */
WH_IMPORT(probe_read_kernel) wh_i32 wh_probe_read_kernel(void *dst, wh_i64 src, wh_i32 len);
/* Queue, stack, bloom filter maps (value = the map's value size). push: flags WH_ANY, or for a
 * queue/stack WH_EXIST (replace the oldest when full); 0, -7 (full) or WH_EINVAL. pop: a queue's
 * oldest / a stack's newest value into value; 0 or WH_ENOENT (empty). peek: queue/stack as pop
 * without taking it; bloom filter: 0 if value may be in it, WH_ENOENT if certainly not. */
WH_IMPORT(map_push) wh_i32 wh_map_push(wh_i32 map, const void *value, wh_i64 flags);
WH_IMPORT(map_pop) wh_i32 wh_map_pop(wh_i32 map, void *value);
WH_IMPORT(map_peek) wh_i32 wh_map_peek(wh_i32 map, void *value);
/* ABI v2: one record of len (1..1024) bytes, delivered when the run returns (at most 32 records
 * and 4096 bytes per run); 0, -7 (too long), -28 (this run's queue is full) or -22 */
WH_IMPORT(ringbuf_output) wh_i32 wh_ringbuf_output(wh_i32 map, const void *data, wh_i32 len, wh_i64 flags);
/* ABI v2, tracepoint hooks: copies trace record bytes [off, off+len) into dst (the record as
 * /sys/kernel/tracing/events/CAT/NAME/format lays it out); len, WH_EFAULT past the copied
 * record, WH_EINVAL (negative off/len, not a tracepoint hook). */
WH_IMPORT(ctx_read) wh_i32 wh_ctx_read(wh_i32 off, void *dst, wh_i32 len);

/* An IPv4 lpm_trie key: prefix length in bits (host order), address in network order. Look an
 * address up with prefixlen 32. */
struct wh_lpm_key4 {
	unsigned int prefixlen;
	unsigned char addr[4];
};

#define WH_EPERM (-1)
#define WH_ENOENT (-2)
#define WH_EFAULT (-14)
#define WH_EINVAL (-22)
#define WH_COMM_LEN 16

static inline wh_u32 wh_tgid(void) { return (wh_u32)((wh_u64)wh_pid_tgid() >> 32); }
static inline wh_u32 wh_pid(void) { return (wh_u32)wh_pid_tgid(); }
static inline wh_u32 wh_uid(void) { return (wh_u32)wh_uid_gid(); }
static inline wh_u32 wh_gid(void) { return (wh_u32)((wh_u64)wh_uid_gid() >> 32); }
/* A u64 of kernel memory at addr into *v (0 on success, else -errno and *v = 0). */
static inline wh_i32 wh_read_kernel_u64(wh_u64 addr, wh_u64 *v) { return wh_probe_read_kernel(v, (wh_i64)addr, 8); }

/* ---- entry points ---- */
/* WASMHOOK_XDP(int len) { ... return WH_PASS; } */
#define WASMHOOK_XDP(arg) __attribute__((export_name("xdp"))) int xdp(arg)
/* WASMHOOK_TC(int len) { ... return WH_TC_OK; } ; len = the whole packet (skb->len), while
 * wh_pkt_len() = the bytes the hook can read (the skb's linear part, from the Ethernet header) */
#define WASMHOOK_TC(arg) __attribute__((export_name("tc"))) int tc(arg)
/* WASMHOOK_KPROBE(int reserved) { ... return 0; } ; use wh_kprobe_arg(n) for arguments */
#define WASMHOOK_KPROBE(arg) __attribute__((export_name("kprobe"))) int kprobe(arg)
/* WASMHOOK_TRACEPOINT(int len) { ... return 0; } ; len = the record bytes wh_ctx_read can read */
#define WASMHOOK_TRACEPOINT(arg) __attribute__((export_name("tracepoint"))) int tracepoint(arg)

/* ---- map declarations: the "wasmhook.maps" custom section ----
 * List the maps with an X-macro, then declare them once:
 *   #define MY_MAPS(X) X(policy, WH_MAP_ARRAY, 4, 4, 1) X(counts, WH_MAP_ARRAY, 4, 8, 256)
 *   WASMHOOK_MAPS(MY_MAPS)
 * X(name, type, key_size, value_size, max_entries): map i (0..15) is the i-th entry and `name`
 * becomes an enum constant equal to i, for wh_map_*(). Names: 1-15 of [A-Za-z0-9_]; sizes 1-256
 * given as integer literals or simple arithmetic (not sizeof: they also go to the assembler);
 * array maps need key_size 4, lpm_trie maps 5-256, queue/stack/bloom filter maps 0, ringbuf
 * maps 0 and value_size 0 (max_entries = its size in bytes), devmaps 4 and 4 or 8 (ABI v2).
 * Checked at compile time with _Static_assert.
 *
 * The section is written with top-level asm, because clang puts section("...") data into the data
 * segment on wasm; `.custom_section.NAME` asm sections become Wasm custom sections in wasm-ld.
 * Layout (kmod-runtime/hook-abi/src/abi/maps.rs): u8 version 1, u8 count, then per map
 * u8 name_len, name, u32 type, key_size, value_size, max_entries (little-endian).
 */
#define WH__STR(x) #x
#define WH__XSTR(x) WH__STR(x)
#define WH__ENUM(name, type, k, v, e) name,
#define WH__COUNT(name, type, k, v, e) "+1"
#define WH__CHECK(name, type, k, v, e)                                                           \
	_Static_assert(sizeof(#name) - 1 >= 1 && sizeof(#name) - 1 <= 15, "map name must be 1-15 bytes"); \
	_Static_assert((type) == WH_MAP_RINGBUF ? (v) == 0 : ((v) >= 1 && (v) <= 256),            \
		       "map value size 1-256 (ringbuf: 0)");                                      \
	_Static_assert(((type) == WH_MAP_QUEUE || (type) == WH_MAP_STACK ||                       \
			(type) == WH_MAP_BLOOM_FILTER || (type) == WH_MAP_RINGBUF) ? (k) == 0      \
								    : ((k) >= 1 && (k) <= 256),   \
		       "map key size 1-256 (queue, stack, bloom filter, ringbuf: 0)");            \
	_Static_assert(((type) != WH_MAP_DEVMAP && (type) != WH_MAP_DEVMAP_HASH) ||               \
			       ((k) == 4 && ((v) == 4 || (v) == 8)),                               \
		       "devmap keys are 4 bytes, values 4 (ifindex) or 8 (bpf_devmap_val)");      \
	_Static_assert(((type) != WH_MAP_ARRAY && (type) != WH_MAP_PERCPU_ARRAY) || (k) == 4,    \
		       "array maps need 4-byte keys");                                           \
	_Static_assert((type) != WH_MAP_LPM_TRIE || (k) >= 5,                                    \
		       "lpm_trie keys: u32 prefixlen + at least 1 data byte");                    \
	_Static_assert((e) >= 1, "max_entries >= 1");
#define WH__ASM(name, type, k, v, e)                                                             \
	".int8 2f-1f\n1: .ascii \"" #name "\"\n2: .int32 " WH__XSTR(type) "\n.int32 " WH__XSTR(k)    \
	"\n.int32 " WH__XSTR(v) "\n.int32 " WH__XSTR(e) "\n"
#define WASMHOOK_MAPS(LIST)                                                                      \
	enum { LIST(WH__ENUM) wh__map_count };                                                   \
	_Static_assert(wh__map_count <= 16, "a hook can use at most 16 maps");                   \
	LIST(WH__CHECK)                                                                          \
	__asm__(".section .custom_section.wasmhook.maps,\"\",@\n"                                  \
		".int8 1\n.int8 0" LIST(WH__COUNT) "\n" LIST(WH__ASM) ".section .text,\"\",@\n");

/* ---- packet helpers (return -1 / 0 on out-of-range, never trap) ---- */
static inline wh_i32 wh_u8_at(wh_i32 off) { return wh_pkt_u8(off); }
static inline wh_i32 wh_be16_at(wh_i32 off) { return wh_pkt_u16(off); }
static inline wh_i64 wh_be32_at(wh_i32 off) { return wh_pkt_u32(off); }

/* Copies n bytes at off into dst; 0 on success, -1 if the range is outside the packet. */
static inline int wh_read(wh_i32 off, void *dst, wh_i32 n) { return wh_pkt_read(off, dst, n) == n ? 0 : -1; }
/* Overwrites n packet bytes at off; 0 or -1. */
static inline int wh_write(wh_i32 off, const void *src, wh_i32 n) { return wh_pkt_write(off, src, n) == n ? 0 : -1; }

#define WH_ETH_P_IP 0x0800
#define WH_ETH_P_IPV6 0x86dd
#define WH_ETH_P_8021Q 0x8100
#define WH_ETH_P_8021AD 0x88a8
#define WH_IPPROTO_ICMP 1
#define WH_IPPROTO_TCP 6
#define WH_IPPROTO_UDP 17

/* EtherType after up to two VLAN tags; *l3 = offset of the L3 header. -1 if too short. */
static inline wh_i32 wh_ethertype(wh_i32 *l3)
{
	wh_i32 off = 12, ty = wh_pkt_u16(off);
	for (int i = 0; i < 2 && (ty == WH_ETH_P_8021Q || ty == WH_ETH_P_8021AD); i++) {
		off += 4;
		ty = wh_pkt_u16(off);
	}
	*l3 = off + 2;
	return ty;
}

/* Adds delta to a u64 counter map entry in place, atomically across CPUs (map_add). */
static inline void wh_count(wh_i32 map, wh_u32 key, wh_u64 delta)
{
	wh_u64 v;
	wh_map_add(map, &key, &v, 0, (wh_i64)delta);
}

static inline void wh_trace_str(const char *s)
{
	wh_i32 n = 0;
	while (s[n] && n < 128)
		n++;
	wh_trace(s, n);
}

#endif

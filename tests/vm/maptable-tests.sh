#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 16 maps per hook (Hook ABI v2): a hook with 16 maps of mixed types on XDP (real pings over the
# veth pair of attach-tests.sh) and on a kprobe, map contents read with bpftool, all 16 map ids
# listed for the 16-map trampolines (XDP, kprobe, tc, kretprobe); a 3-map hook still gets the
# old trampoline; the nested-run protection of the per-CPU map table (a kprobe on wasmhook_maps
# between fill and run); the bloom filter's content, checked by a second hook bound to it.
# Sourced by guest-tests.sh; uses its pass/fail/log helpers.

A=/sys/fs/bpf/wasmload
NS="/bin/ip netns exec wh"
m16_first() { # stdin: bpftool lookup lines; prints the sum of each value's low u16 (counts are small)
	sed -n 's/.*value[^:]*: *\([0-9a-f][0-9a-f]\) \([0-9a-f][0-9a-f]\).*/\2\1/p' |
		{ s=0; while read -r h; do s=$((s + 0x$h)); done; echo $s; }
}
m16_count() { # attachment $1, map name $2: the u64 at key 0 (per-CPU: summed), from bpftool
	bpftool map lookup pinned "$A/$1/maps/$2" key 0 0 0 0 2>/dev/null | m16_first
}
m16_check() { # attachment $1, minimum count $2: every map holds what one run per packet leaves
	ok=1
	for m in m00 m01 m02 m03 m04 m05 m06 m07 m08 m09 m14 m15; do
		c=$(m16_count "$1" $m); [ "${c:-0}" -ge "$2" ] || { ok=0; log "$1 $m count $c (want >= $2)"; }
	done
	l=$(bpftool map lookup pinned "$A/$1/maps/m10" key 32 0 0 0 0 0 0 0 2>/dev/null | m16_first)
	[ "${l:-0}" -ge "$2" ] || { ok=0; log "$1 lpm_trie count $l"; }
	for m in m11 m12; do
		v=$(bpftool map dequeue pinned "$A/$1/maps/$m" 2>/dev/null | sed -n 's/^value: *//p' | sed 's/ *$//')
		[ "$v" = "11 00 00 00 00 00 00 00" ] || { ok=0; log "$1 $m dequeued '$v'"; }
	done
	# (the bloom filter, map 13, gets its push too; bpftool has no membership query to assert it)
	[ $ok = 1 ]
}
nids() { bpftool prog show name "$1" | sed -n 's/.*map_ids \([0-9,]*\).*/\1/p' | tr ',' '\n' | grep -c .; }

# T1. XDP: 16 maps of mixed types, each touched per packet; bpftool shows all 16 (+ wh_cfg, the
#     events maps every 16-map trampoline has: the ring buffer wh_ev and its buffer wh_evbuf, and
#     the XDP trampolines' devmap placeholder wh_dev).
t=maptable_xdp_16_maps
if wasmload attach --xdp veth0 --mode skb --name m16x /wasm/map16_xdp.wat >/tmp/attach.log 2>&1; then
	$NS ping -c 4 -i 0.2 -W 2 10.9.0.1 >/tmp/ping.log 2>&1; pg=$?
	n=$(nids wasm_xdp16)
	if [ $pg = 0 ] && [ "$n" = 20 ] && m16_check m16x 4; then pass $t; else fail $t "ping rc $pg, $n map ids (want 20)"; fi
else
	fail $t "$(cat /tmp/attach.log)"
fi

# T2. The nested-run protection: a 16-map kprobe hook on wasmhook_maps fires between the XDP
#     trampoline's fills (and runs its own fills and run inside); the XDP run that would find
#     the kprobe's maps in the table is refused and counted busy, its maps stay as they were.
t=maptable_nested_fill_refused
if wasmload attach --kprobe wasmhook_maps --name m16n /wasm/map16_kp.wat >/tmp/attach.log 2>&1; then
	before=$(m16_count m16x m00)
	$NS ping -c 3 -i 0.2 -W 1 10.9.0.1 >/tmp/ping.log 2>&1
	after=$(m16_count m16x m00)
	busy=$(wasmload stats m16x | sed -n 's/.* busy \([0-9]*\) .*/\1/p')
	kc=$(m16_count m16n m00)
	wasmload detach m16n >/dev/null 2>&1
	log "xdp m00 $before -> $after, xdp busy $busy, kprobe runs $kc"
	if [ "$before" = "$after" ] && [ "${busy:-0}" -ge 3 ] && [ "${kc:-0}" -ge 3 ]; then pass $t; else fail $t "xdp count $before -> $after, busy $busy, kprobe count $kc"; fi
else
	fail $t "kprobe on wasmhook_maps: $(cat /tmp/attach.log)"
fi
wasmload detach m16x >/dev/null 2>&1

# T3. kprobe: the same 16 maps from a kprobe (sync calls ksys_sync).
t=maptable_kprobe_16_maps
if wasmload attach --kprobe ksys_sync --name m16k /wasm/map16_kp.wat >/tmp/attach.log 2>&1; then
	i=0; while [ $i -lt 5 ]; do sync; i=$((i + 1)); done
	n=$(nids wasm_kprobe16)
	if [ "$n" = 19 ] && m16_check m16k 5; then pass $t; else fail $t "$n map ids (want 19)"; fi
	wasmload detach m16k >/dev/null 2>&1
else
	fail $t "$(cat /tmp/attach.log)"
fi

# T4. A hook with at most 3 maps still runs from the old 3-map trampoline.
t=maptable_3_maps_old_trampoline
if wasmload attach --kprobe ksys_sync --name m3k /wasm/count.wat >/tmp/attach.log 2>&1; then
	if grep -q "prog wasm_kprobe slot" /tmp/attach.log && bpftool prog show name wasm_kprobe >/dev/null 2>&1; then pass $t; else fail $t "$(cat /tmp/attach.log)"; fi
	wasmload detach m3k >/dev/null 2>&1
else
	fail $t "$(cat /tmp/attach.log)"
fi

# T5. tc: the same 16 maps from the 16-map tc trampoline on veth0's egress (the echo replies).
#     The tc hook is the XDP one with its entry renamed and TC_ACT_OK (0) as its verdict.
t=maptable_tc_16_maps
sed 's/(export "xdp")/(export "tc")/; s/^    i32.const 2)$/    i32.const 0)/' /wasm/map16_xdp.wat >/tmp/map16_tc.wat
if wasmload attach --tc veth0 --direction egress --name m16t /tmp/map16_tc.wat >/tmp/attach.log 2>&1; then
	$NS ping -c 4 -i 0.2 -W 2 10.9.0.1 >/tmp/ping.log 2>&1; pg=$?
	n=$(nids wasm_tc16)
	if [ $pg = 0 ] && [ "$n" = 19 ] && m16_check m16t 4; then pass $t; else fail $t "ping rc $pg, $n map ids (want 19)"; fi
	# T7. The bloom filter (map 13) holds 0x11 and not 0x22: a kprobe hook bound to it with
	#     --map peeks both and records the answers (0: maybe in it, -2: certainly not).
	t=maptable_bloom_filter_content
	if wasmload attach --kprobe ksys_sync --name bchk --map bf=$A/m16t/maps/m13 /wasm/bloomchk.wat >/tmp/attach.log 2>&1; then
		sync
		in=$(bpftool map lookup pinned $A/bchk/maps/out key 0 0 0 0 | sed -n 's/.*value[^:]*: *\([0-9a-f ]*\)$/\1/p' | sed 's/ *$//')
		out=$(bpftool map lookup pinned $A/bchk/maps/out key 1 0 0 0 | sed -n 's/.*value[^:]*: *\([0-9a-f ]*\)$/\1/p' | sed 's/ *$//')
		wasmload detach bchk >/dev/null 2>&1
		log "bloom peek 0x11: [$in], 0x22: [$out]"
		if [ "$in" = "01 00 00 00 00 00 00 00" ] && [ "$out" = "fe ff ff ff ff ff ff ff" ]; then pass $t; else fail $t "peek 0x11 [$in] (want 01 = ran, rc 0) 0x22 [$out] (want -2)"; fi
	else
		fail $t "$(cat /tmp/attach.log)"
	fi
	wasmload detach m16t >/dev/null 2>&1
else
	fail $t "$(cat /tmp/attach.log)"
fi

# T6. kretprobe: the same 16 maps from the 16-map kretprobe trampoline (ksys_sync returning).
t=maptable_kretprobe_16_maps
if wasmload attach --kretprobe ksys_sync --name m16r /wasm/map16_kp.wat >/tmp/attach.log 2>&1; then
	i=0; while [ $i -lt 5 ]; do sync; i=$((i + 1)); done
	n=$(nids wasm_kretprob16)
	if [ "$n" = 19 ] && m16_check m16r 5; then pass $t; else fail $t "$n map ids (want 19)"; fi
	wasmload detach m16r >/dev/null 2>&1
else
	fail $t "$(cat /tmp/attach.log)"
fi

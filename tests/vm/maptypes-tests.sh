#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Map-type tests (Hook ABI v2): lpm_trie, queue, stack and bloom filter maps used by XDP hooks
# on real pings over the veth pair of attach-tests.sh, read and seeded with bpftool; bindings
# of the wrong shape refused; the refusals inside a run (wasmload test, user space and kernel).
# Sourced by guest-tests.sh (module insmod'ed); uses its pass/fail/log helpers.
# Topology: root ns veth0 10.9.0.1 (+ 10.9.1.1) <-> netns `wh` veth1 10.9.0.2 (+ 10.9.1.2).

A=/sys/fs/bpf/wasmload
IP=/bin/ip
NS="$IP netns exec wh"
$IP addr add 10.9.1.1/24 dev veth0 2>/dev/null
$NS /bin/ip addr add 10.9.1.2/24 dev veth1 2>/dev/null
ping_from() { # source address $1, count $2: all answered
	$NS ping -c "$2" -i 0.2 -W 2 -I "$1" "${1%.2}.1" >/tmp/ping.log 2>&1
}
lost_from() { # source address $1, count $2: none answered
	! $NS ping -c "$2" -i 0.2 -W 1 -I "$1" "${1%.2}.1" >/tmp/ping.log 2>&1 && grep -q "100% packet loss" /tmp/ping.log
}
# The value bpftool takes out of queue/stack $1 (hex bytes), or "empty".
take() { bpftool map dequeue pinned "$1" 2>/dev/null | sed -n 's/^value: *//p' | sed 's/ *$//' | grep . || echo empty; }

# M1. lpm_trie: an XDP hook drops by the longest prefix matching the source address, in a
#     trie created and seeded by bpftool and bound with --map: 10.0.0.0/8 -> DROP drops pings
#     from 10.9.0.2; 10.9.0.2/32 -> PASS (longer) lets them through; deleting it drops again.
t=maptypes_lpm_trie_drops_by_prefix
C=/sys/fs/bpf/cidrs
bpftool map create $C type lpm_trie key 8 value 4 entries 16 name cidrs flags 1 &&
	bpftool map update pinned $C key 8 0 0 0 10 0 0 0 value 1 0 0 0
if wasmload attach --xdp veth0 --mode skb --name lpm --map cidrs=$C /wasm/lpm_drop.wat >/tmp/attach.log 2>&1; then
	if lost_from 10.9.0.2 3; then d1=1; else d1=0; fi
	bpftool map update pinned $C key 32 0 0 0 10 9 0 2 value 2 0 0 0
	if ping_from 10.9.0.2 2; then p=1; else p=0; fi
	bpftool map delete pinned $C key 32 0 0 0 10 9 0 2
	if lost_from 10.9.0.2 2; then d2=1; else d2=0; fi
	runs=$(wasmload stats lpm | sed -n 's/.* runs \([0-9]*\) .*/\1/p' | head -1)
	wasmload detach lpm >/dev/null 2>&1
	if ping_from 10.9.0.2 1; then after=1; else after=0; fi
	log "10/8 drop=$d1, /32 pass=$p, after delete drop=$d2, runs=$runs, after detach=$after"
	if [ $d1 = 1 ] && [ $p = 1 ] && [ $d2 = 1 ] && [ "${runs:-0}" -ge 7 ] && [ $after = 1 ]; then
		pass $t
	else
		fail $t "10/8 dropped all=$d1, /32 passed=$p, dropped again=$d2, runs=$runs, ping after detach=$after"
	fi
else
	fail $t "attach failed: $(cat /tmp/attach.log)"
fi

# M2. --map refuses a pinned map of the wrong type or key size, naming the map.
t=maptypes_bind_refuses_wrong_shape
bpftool map create /sys/fs/bpf/wq type queue key 0 value 4 entries 4 name wq
bpftool map create /sys/fs/bpf/v6 type lpm_trie key 20 value 4 entries 4 name v6 flags 1
wasmload attach --xdp veth0 --map cidrs=/sys/fs/bpf/wq /wasm/lpm_drop.wat >/tmp/e1.log 2>&1; r1=$?
wasmload attach --xdp veth0 --map cidrs=/sys/fs/bpf/v6 /wasm/lpm_drop.wat >/tmp/e2.log 2>&1; r2=$?
rm -f /sys/fs/bpf/wq /sys/fs/bpf/v6 $C
log "$(cat /tmp/e1.log)"
log "$(cat /tmp/e2.log)"
if [ $r1 != 0 ] && [ $r2 != 0 ] && grep -q "cidrs.*type queue key 0" /tmp/e1.log &&
	grep -q "cidrs.*key 20" /tmp/e2.log && ! $IP link show veth0 | grep -q xdp; then
	pass $t
else
	fail $t "rc $r1 $r2: $(cat /tmp/e1.log /tmp/e2.log)"
fi

# M3. queue and stack: the hook pushes one record {source, ICMP sequence, ab cd} per echo
#     request into both; bpftool dequeues them in the order sent and pops the stack in reverse.
t=maptypes_queue_fifo_stack_lifo
if wasmload attach --xdp veth0 --mode skb --name qrec /wasm/qrec.wat >/tmp/attach.log 2>&1; then
	ping_from 10.9.0.2 3; p=$?
	Q=$A/qrec/maps/recq; S=$A/qrec/maps/recs
	q1=$(take $Q); q2=$(take $Q); q3=$(take $Q); q4=$(take $Q)
	s1=$(take $S); s2=$(take $S); s3=$(take $S); s4=$(take $S)
	seq() { set -- $1; echo $((0x$5$6)); }
	log "ping rc=$p; queue: [$q1] [$q2] [$q3] [$q4]; stack: [$s1] [$s2] [$s3] [$s4]"
	ok=1
	for r in "$q1" "$q2" "$q3"; do echo "$r" | grep -q "^0a 09 00 02 .. .. ab cd$" || ok=0; done
	[ $ok = 1 ] && [ $(($(seq "$q2") - $(seq "$q1"))) = 1 ] && [ $(($(seq "$q3") - $(seq "$q2"))) = 1 ] || ok=0
	if [ $p = 0 ] && [ $ok = 1 ] && [ "$q4" = empty ] && [ "$s1" = "$q3" ] && [ "$s2" = "$q2" ] &&
		[ "$s3" = "$q1" ] && [ "$s4" = empty ]; then
		pass $t
	else
		fail $t "ping rc=$p queue [$q1] [$q2] [$q3] [$q4] stack [$s1] [$s2] [$s3] [$s4]"
	fi
else
	fail $t "attach failed: $(cat /tmp/attach.log)"
fi

# M4. bloom filter seeded from user space (bpftool map push): the hook drops echo requests
#     from 10.9.0.2 (and records none of them) but not from 10.9.1.2, which it records.
t=maptypes_bloom_filter_blocks_seeded_source
if [ -d $A/qrec ]; then
	bpftool map push pinned $A/qrec/maps/block value 10 9 0 2
	if lost_from 10.9.0.2 3; then d=1; else d=0; fi
	if ping_from 10.9.1.2 2; then p=1; else p=0; fi
	q1=$(take $Q); q2=$(take $Q); q3=$(take $Q)
	wasmload detach qrec >/dev/null 2>&1
	log "blocked dropped=$d, other passed=$p, queue after: [$q1] [$q2] [$q3]"
	if [ $d = 1 ] && [ $p = 1 ] && echo "$q1" | grep -q "^0a 09 01 02 " && echo "$q2" | grep -q "^0a 09 01 02 " &&
		[ "$q3" = empty ]; then
		pass $t
	else
		fail $t "blocked dropped all=$d, other passed=$p, queue [$q1] [$q2] [$q3] (want two 10.9.1.2 records)"
	fi
else
	fail $t "no qrec attachment"
fi

# A hook that checks its own answers and passes only if all hold ($2, trace lines "$3: check
# failed: N"): PASS in user space (wasmload test) and in the kernel (--kernel) alike.
self_checked() { # test name, hook, trace name
	u=$(wasmload test --xdp "$2" --packet "$(hex /pkts/udp.bin)" 2>&1 | tr '\n' ' ')
	k=$(wasmload test --kernel --xdp "$2" --packet "$(hex /pkts/udp.bin)" 2>&1 | tr '\n' ' ')
	log "user: $u"
	log "kernel: $k"
	if [ "$u" = "packet 1: PASS " ] && [ "$k" = "$u" ] && ! dmesg | grep -q "$3: check failed"; then
		pass "$1"
	else
		fail "$1" "user '$u' kernel '$k' $(dmesg | grep "$3" | tail -2)"
	fi
}
hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }

# M5. The map rules inside a run (maprefuse.wat checks 30 results itself and passes only if
#     all hold): keyed ops on a queue or bloom filter and push/pop/peek on an lpm_trie are
#     -EINVAL (no oops), full/empty queues, BPF_EXIST, prefix lengths; user space agrees.
self_checked maptypes_refusals_in_a_run /wasm/maprefuse.wat maprefuse

# M6. Array and per-CPU array answers inside a run (arrayops.wat checks 37 results itself and
#     passes only if all hold; the module takes these maps without their ops): past the end,
#     BPF_NOEXIST, bad flags, deletes, unaligned keys and values; user space agrees.
self_checked maptypes_array_answers_in_a_run /wasm/arrayops.wat arrayops

# M7. map_add inside a run (mapadd.wat checks 51 results itself and passes only if all hold):
#     arrays, u32 values, per-CPU arrays and hashes, hash inserts until full, u64 fields of
#     larger values, refusals; user space agrees.
self_checked maptypes_map_add_in_a_run /wasm/mapadd.wat mapadd

# M8. map_add is exact when both CPUs run the hook at once: two concurrent BPF_PROG_TEST_RUNs
#     of 20000 runs each count 40000 with map_add (key 0). The same hook's lookup + update
#     count (key 1) is logged for contrast: it may lose increments when the runs overlap.
t=maptypes_map_add_exact_across_cpus
u64le() { # the u64 value bpftool prints for pinned map $1, key $2 (4 bytes)
	set -- $(bpftool map lookup pinned "$1" key $2 2>/dev/null | sed -n 's/.*value: *\([0-9a-f ]*\).*/\1/p')
	[ $# = 8 ] && echo $((0x$8$7$6$5$4$3$2$1))
}
if wasmload attach --xdp lo --mode skb --name cnt2 /wasm/xdp_count2.wat >/tmp/attach.log 2>&1; then
	for _ in 1 2; do
		bpftool prog run pinned $A/cnt2/prog data_in /pkts/udp.bin repeat 20000 >/dev/null 2>&1 &
	done
	wait
	exact=$(u64le $A/cnt2/maps/counts "0 0 0 0")
	rmw=$(u64le $A/cnt2/maps/counts "1 0 0 0")
	runs=$(wasmload stats cnt2 | sed -n 's/.* runs \([0-9]*\) .*/\1/p' | head -1)
	wasmload detach cnt2 >/dev/null 2>&1
	log "runs $runs: map_add counted $exact, lookup + update $rmw (lost $((${runs:-0} - ${rmw:-0})))"
	if [ "$exact" = 40000 ] && [ "$runs" = 40000 ]; then
		pass $t
	else
		fail $t "runs $runs, map_add counted $exact (want 40000 of both)"
	fi
else
	fail $t "attach failed: $(cat /tmp/attach.log)"
fi

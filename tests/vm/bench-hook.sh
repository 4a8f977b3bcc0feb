#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of scripts/bench-hook: ns per packet under BPF_PROG_TEST_RUN (`bpftool prog run ...
# repeat N`, which prints the kernel's average duration) on the same packet (an ICMP echo
# request) for: an empty XDP program, the trampoline running an empty Wasm hook, the Wasm ICMP
# filter (policy on: it counts the packet and drops it), and the same filter as native eBPF.
# Prints `HOOK NAME ns_per_packet=N` per program and `HOOK wasm/native ratio=R` last.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
N=${WH_BENCH_REPEAT:-200000}
PKT=/pkts/echo_req.bin
B=/sys/fs/bpf/bench
A=/sys/fs/bpf/wasmload
mkdir -p $B
insmod /wasmhook.ko || { echo "HOOK error: insmod failed"; exit 1; }

# ns per packet of the pinned program $1 (average over $N repetitions; best of 3 runs).
ns() {
	best=
	for _ in 1 2 3; do
		d=$(bpftool prog run pinned "$1" data_in $PKT repeat "$N" 2>&1 |
			sed -n 's/.*duration (average): \([0-9]*\)ns.*/\1/p')
		[ -z "$d" ] && continue
		if [ -z "$best" ] || [ "$d" -lt "$best" ]; then best=$d; fi
	done
	echo "${best:-NA}"
}
map_id() { # program name $1, map name $2
	for id in $(bpftool prog show name "$1" | sed -n 's/.*map_ids \([0-9,]*\).*/\1/p' | tr ',' ' '); do
		bpftool map show id "$id" | grep -q "name $2 " && { echo "$id"; return; }
	done
}

# 1. Empty C XDP program.
bpftool prog load /bpf/xdp_empty.bpf.o $B/empty type xdp
empty=$(ns $B/empty)
echo "HOOK empty_xdp ns_per_packet=$empty"

# 2. Trampoline + empty Wasm hook (attached to lo with wasmload; test runs do not use lo).
wasmload attach --xdp lo --mode skb --name pass /wasm/pass.wat >/dev/null
tramp=$(ns $A/pass/prog)
wasmload detach pass >/dev/null
echo "HOOK trampoline_empty_wasm ns_per_packet=$tramp"

# 3. Wasm ICMP filter, policy on (drop pings): parse, count in a map, look the policy up, drop.
HOOK=/wasm/xdp_icmp.wat
[ -f /wasm/xdp_icmp_rs.wasm ] && HOOK=/wasm/xdp_icmp_rs.wasm   # the Rust example, if built
echo "HOOK info: Wasm ICMP filter is $HOOK"
wasmload attach --xdp lo --mode skb --name icmp $HOOK >/dev/null
bpftool map update pinned $A/icmp/maps/policy key 0 0 0 0 value 1 0 0 0
v=$(bpftool prog run pinned $A/icmp/prog data_in $PKT repeat 1 | sed -n 's/^Return value: \([0-9]*\).*/\1/p')
wasm=$(ns $A/icmp/prog)
wasmload detach icmp >/dev/null
echo "HOOK wasm_icmp ns_per_packet=$wasm"

# 3b. The same filter written in .wat (tests/vm/wasm/xdp_icmp.wat), for comparison.
if [ "$HOOK" != /wasm/xdp_icmp.wat ]; then
	wasmload attach --xdp lo --mode skb --name icmpwat /wasm/xdp_icmp.wat >/dev/null
	bpftool map update pinned $A/icmpwat/maps/policy key 0 0 0 0 value 1 0 0 0
	echo "HOOK wasm_icmp_wat ns_per_packet=$(ns $A/icmpwat/prog)"
	wasmload detach icmpwat >/dev/null
fi

# 4. Native eBPF ICMP filter (examples/xdp-icmp/native/icmp_native.bpf.c), same maps, same policy.
bpftool prog load /bpf/icmp_native.bpf.o $B/native type xdp
bpftool map update id "$(map_id icmp_native policy)" key 0 0 0 0 value 1 0 0 0
nv=$(bpftool prog run pinned $B/native data_in $PKT repeat 1 | sed -n 's/^Return value: \([0-9]*\).*/\1/p')
native=$(ns $B/native)
echo "HOOK native_icmp ns_per_packet=$native"
echo "HOOK verdicts wasm=$v native=$nv (1 = XDP_DROP expected), repeat=$N, $(grep -c ^processor /proc/cpuinfo) cpus, QEMU TCG"
echo "HOOK wasm/native ratio=$(awk -v a="$wasm" -v b="$native" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "NA" }')"
rm -rf $B

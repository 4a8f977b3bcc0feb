#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The ported tc egress program (examples/tc-egress): its native eBPF twin (a sched_cls program
# attached with `bpftool net attach tcx_egress`) and its Wasm port (`wasmload attach --tc veth0
# --direction egress`) run in turn on veth0's egress, with the same rules seeded by bpftool into
# the same maps (DSCP marks, a redirect), on the same UDP traffic from the root namespace. Both
# must leave the same per-destination counters in `dests` (bpftool map dump), put the same DSCP
# on the wire with a valid IPv4 header checksum (captured on the peer, and accepted by its
# stack), and deliver the redirected destination's packets on the redirect target only; and
# those results must be the expected ones.
# Sourced by guest-tests.sh with the module loaded; runs alone too (scripts/test-vm --script
# tcegress-tests.sh '^VM-TESTS: ').
# Topology: root ns veth0 10.9.0.1, 10.9.1.1 <-> netns `wh` veth1 10.9.0.2, 10.9.1.2 (as
# attach-tests.sh, plus one address each); root ns veth2 <-> netns `wh2` veth3 (no addresses,
# as pkt-tests.sh) as the redirect target; 10.9.5.2 is routed out of veth0 with a permanent
# neighbour entry naming veth3's MAC.

. /pktnet.sh
$IP addr add 10.9.1.1/24 dev veth0 2>/dev/null
$NS /bin/ip addr add 10.9.1.2/24 dev veth1 2>/dev/null
M3=$($NS2 cat /sys/class/net/veth3/address)
IF2=$(cat /sys/class/net/veth2/ifindex)
$IP route add 10.9.5.0/24 dev veth0 2>/dev/null
$IP neigh replace 10.9.5.2 lladdr "$M3" dev veth0 nud permanent
# Resolve the neighbours before anything is attached: pings are IPv4 and would be counted.
ping -c 1 -W 2 10.9.0.2 >/dev/null 2>&1; ping -c 1 -W 2 10.9.1.2 >/dev/null 2>&1
sleep 1
log "redirect target veth2 ifindex $IF2, veth3 $M3"

tce_le32() { printf '%d %d %d %d' $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }
# u64 number $2 (little-endian, 0-based) of a bpftool JSON hex list "0x01","0x00",...
tce_u64() {
	n=$2
	set -- $(echo "$1" | tr -d '"' | tr ',' ' ')
	[ $# -ge $((n * 8 + 8)) ] || { echo "?"; return; }
	shift $((n * 8))
	v=0; m=1
	for i in 1 2 3 4 5 6 7 8; do v=$((v + $1 * m)); m=$((m * 256)); shift; done
	echo $v
}
# Every entry of the `dests` map pinned at $1: "ADDR packets=P bytes=B", sorted, then the count.
tce_dests() {
	bpftool -j map dump pinned "$1" >/tmp/tce-dump.json 2>&1
	grep -o '"key":\["0x[^]]*\],"value":\[[^]]*\]' /tmp/tce-dump.json | while read -r kv; do
		k=$(echo "$kv" | sed 's/"key":\[\([^]]*\)\].*/\1/' | tr -d '"' | tr ',' ' ')
		v=$(echo "$kv" | sed 's/.*"value":\[\([^]]*\)\]/\1/')
		set -- $k
		echo "$(($1)).$(($2)).$(($3)).$(($4)) packets=$(tce_u64 "$v" 0) bytes=$(tce_u64 "$v" 1)"
	done | sort
	echo "entries=$(grep -o '"key":\["0x' /tmp/tce-dump.json | wc -l)"
}
# The IPv4 frames of capture file $1 as "COUNT DST:DPORT len=LEN tos=TOS csum=ok|bad", one line
# per kind (csum: the 20-byte header sums to 0xffff).
tce_frames() {
	grep '^pkt ' "$1" | while read -r x len hex; do
		hdr=$(echo "$hex" | cut -c29-68)
		sum=0; h=$hdr
		while [ -n "$h" ]; do w=$(echo "$h" | cut -c1-4); h=$(echo "$h" | cut -c5-); sum=$((sum + 0x$w)); done
		while [ $sum -gt 65535 ]; do sum=$(((sum & 65535) + (sum >> 16))); done
		d=$(echo "$hex" | cut -c61-68)
		port=$((0x$(echo "$hex" | cut -c73-76)))
		c=bad; [ $sum = 65535 ] && c=ok
		echo "$((0x$(echo "$d" | cut -c1-2))).$((0x$(echo "$d" | cut -c3-4))).$((0x$(echo "$d" | cut -c5-6))).$((0x$(echo "$d" | cut -c7-8))):$port len=$len tos=$(echo "$hdr" | cut -c3-4) csum=$c"
	done | sort | uniq -c | sed 's/^ *//'
}
tce_wait() { # file, word: wait (at most 25 s) until the file has a line starting with the word
	i=0; while ! grep -q "^$2" "$1" 2>/dev/null && [ $i -lt 250 ]; do sleep 0.1; i=$((i + 1)); done
}
# The whole run on the maps in directory $1: seed the rules, capture on the peer (veth1) and on
# the redirect target (veth3), receive in the netns, send the traffic; print the results.
#   10.9.0.2:7777 x3 (32 bytes): rule {10.9.0.2, udp, 7777} -> DSCP 46 (tos b8)
#   10.9.0.2:7778 x2 (100 bytes): no rule applies (the {10.9.0.2, tcp, 0} one is TCP's): tos 00
#   10.9.1.2:7779 x2 (32 bytes): rule {10.9.1.2, 0, 0} -> DSCP 10 (tos 28)
#   10.9.5.2:7780 x4 (64 bytes): rule {10.9.5.2, 0, 0} -> DSCP 8 (tos 20), redirected to veth2
tce_traffic() {
	M=$1
	bpftool map update pinned $M/marks key 10 9 0 2 17 0 30 97 value 46 || return 1  # :7777 (0x1e61)
	bpftool map update pinned $M/marks key 10 9 0 2 6 0 0 0 value 10 || return 1      # TCP only
	bpftool map update pinned $M/marks key 10 9 1 2 0 0 0 0 value 10 || return 1
	bpftool map update pinned $M/marks key 10 9 5 2 0 0 0 0 value 8 || return 1
	bpftool map update pinned $M/redirects key 10 9 5 2 value $(tce_le32 "$IF2") || return 1
	for p in 7777 7778 7779; do
		rm -f /tmp/tce-rx$p
		$NS udpio recv $p 6000 >/tmp/tce-rx$p 2>&1 &
		tce_wait /tmp/tce-rx$p ready
	done
	rm -f /tmp/tce-cap1 /tmp/tce-cap3
	$NS pktio cap veth1 5000 0800 >/tmp/tce-cap1 2>&1 &
	tce_wait /tmp/tce-cap1 ready
	$NS2 pktio cap veth3 5000 0800 >/tmp/tce-cap3 2>&1 &
	tce_wait /tmp/tce-cap3 ready
	udpio send 10.9.0.2 7777 3 32 >/dev/null
	udpio send 10.9.0.2 7778 2 100 >/dev/null
	udpio send 10.9.1.2 7779 2 32 >/dev/null
	udpio send 10.9.5.2 7780 4 64 >/dev/null
	tce_wait /tmp/tce-cap1 captured; tce_wait /tmp/tce-cap3 captured
	for p in 7777 7778 7779; do tce_wait /tmp/tce-rx$p received; done
	echo "dests:"; tce_dests $M/dests
	echo "veth1:"; tce_frames /tmp/tce-cap1
	echo "veth3:"; tce_frames /tmp/tce-cap3
	echo "received: 7777=$(sed -n 's/^received //p' /tmp/tce-rx7777) 7778=$(sed -n 's/^received //p' /tmp/tce-rx7778) 7779=$(sed -n 's/^received //p' /tmp/tce-rx7779)"
}
tcx_egress_progs() { bpftool net show dev veth0 2>/dev/null | grep -c 'tcx/egress'; }

# T1. Native twin and Wasm port: same traffic, same counters, same DSCP and valid checksums on
#     the wire, the redirected destination's packets only on the redirect target; and the
#     right ones. bytes: skb->len at egress, Ethernet header included (14 + 20 + 8 + payload).
t=tcegress_wasm_port_matches_native_twin
before=$(tcx_egress_progs)
native=; left_n=?
rm -rf /sys/fs/bpf/tcen /sys/fs/bpf/tcen_maps
if bpftool prog load /bpf/tc_egress_native.bpf.o /sys/fs/bpf/tcen pinmaps /sys/fs/bpf/tcen_maps >/tmp/tce.log 2>&1 &&
	bpftool net attach tcx_egress pinned /sys/fs/bpf/tcen dev veth0 >>/tmp/tce.log 2>&1; then
	bpftool net show dev veth0 | grep tcx/egress | while read -r l; do log "native: $l"; done
	native=$(tce_traffic /sys/fs/bpf/tcen_maps)
	bpftool net detach tcx_egress dev veth0 >>/tmp/tce.log 2>&1
	left_n=$(tcx_egress_progs)
else
	grep -v '^$' /tmp/tce.log | tail -n 25 | while read -r l; do log "native load: $l"; done
fi
rm -rf /sys/fs/bpf/tcen /sys/fs/bpf/tcen_maps
wasm=; left_w=?; runs=; traps=
if [ ! -f /wasm/tc_egress_rs.wasm ]; then
	echo "examples/tc-egress was not built" >>/tmp/tce.log
elif wasmload attach --tc veth0 --direction egress --name tce /wasm/tc_egress_rs.wasm >>/tmp/tce.log 2>&1; then
	bpftool net show dev veth0 | grep tcx/egress | while read -r l; do log "wasm: $l"; done
	wasm=$(tce_traffic $A/tce/maps)
	st=$(wasmload stats tce | sed -n 1p)
	runs=$(echo "$st" | sed -n 's/.* runs \([0-9]*\) .*/\1/p')
	traps=$(echo "$st" | sed -n 's/.* traps \([0-9]*\) .*/\1/p')
	wasmload detach tce >>/tmp/tce.log 2>&1
	left_w=$(tcx_egress_progs)
fi
echo "$native" | while read -r l; do log "native: $l"; done
echo "$wasm" | while read -r l; do log "wasm:   $l"; done
log "wasm runs ${runs:-?} traps ${traps:-?}; tcx egress programs on veth0: before $before, after native $left_n, after wasm $left_w"
want="dests:
10.9.0.2 packets=5 bytes=506
10.9.1.2 packets=2 bytes=148
10.9.5.2 packets=4 bytes=424
entries=3
veth1:
3 10.9.0.2:7777 len=74 tos=b8 csum=ok
2 10.9.0.2:7778 len=142 tos=00 csum=ok
2 10.9.1.2:7779 len=74 tos=28 csum=ok
veth3:
4 10.9.5.2:7780 len=106 tos=20 csum=ok
received: 7777=3 7778=2 7779=2"
if [ -n "$native" ] && [ "$wasm" = "$native" ] && [ "$native" = "$want" ] && [ "${runs:-0}" -ge 11 ] &&
	[ "$traps" = 0 ] && [ "$left_n" = "$before" ] && [ "$left_w" = "$before" ]; then
	pass $t
else
	fail $t "native [$(echo $native)] wasm [$(echo $wasm)] want [$(echo $want)] runs $runs traps $traps tcx $before/$left_n/$left_w; $(tail -3 /tmp/tce.log)"
fi

# T2. With both detached nothing marks or redirects any more: the same datagrams arrive with
#     tos 00 on the peer, the 10.9.5.2 ones leave veth0 for the neighbour entry's MAC, as the
#     routing table says, and none reach veth3.
t=tcegress_detached_leaves_traffic_alone
rm -f /tmp/tce-rx7777 /tmp/tce-cap1 /tmp/tce-cap3
$NS udpio recv 7777 6000 >/tmp/tce-rx7777 2>&1 &
tce_wait /tmp/tce-rx7777 ready
$NS pktio cap veth1 5000 0800 >/tmp/tce-cap1 2>&1 &
tce_wait /tmp/tce-cap1 ready
$NS2 pktio cap veth3 5000 0800 >/tmp/tce-cap3 2>&1 &
tce_wait /tmp/tce-cap3 ready
udpio send 10.9.0.2 7777 2 32 >/dev/null
udpio send 10.9.5.2 7780 2 64 >/dev/null
tce_wait /tmp/tce-cap1 captured; tce_wait /tmp/tce-cap3 captured; tce_wait /tmp/tce-rx7777 received
after="$(tce_frames /tmp/tce-cap1) / veth3 $(grep captured /tmp/tce-cap3) / received $(sed -n 's/^received //p' /tmp/tce-rx7777)"
log "detached: $after"
if [ "$after" = "2 10.9.0.2:7777 len=74 tos=00 csum=ok
2 10.9.5.2:7780 len=106 tos=00 csum=ok / veth3 captured 0 / received 2" ]; then
	pass $t
else
	fail $t "$after"
fi

$IP neigh del 10.9.5.2 dev veth0 2>/dev/null
$IP route del 10.9.5.0/24 dev veth0 2>/dev/null
$IP addr del 10.9.1.1/24 dev veth0 2>/dev/null
$NS /bin/ip addr del 10.9.1.2/24 dev veth1 2>/dev/null

if [ -n "${WH_ALONE:-}" ]; then
	t=kernel_log_clean
	if dmesg | grep -E 'BUG:|WARNING:|UBSAN:|Oops|Call Trace|Kernel panic' >/tmp/bad.log; then fail $t "$(head -5 /tmp/bad.log)"; else pass $t; fi
	echo "VM-TESTS: $PASSED passed, $FAILED failed"
fi

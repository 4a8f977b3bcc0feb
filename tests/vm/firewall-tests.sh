#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The ported XDP firewall (examples/xdp-firewall): its native eBPF twin and its Wasm port run in
# turn on veth0, with the same rules seeded by bpftool into the same maps (LPM trie of CIDR
# rules, default policy), on the same pings from three sources; both must give the same
# verdicts and the same per-source counters in their LRU hash, and those must be right.
# Sourced by guest-tests.sh after attach-tests.sh (module insmod'ed, netns `wh` and veth pair up).
# Topology: root ns veth0 10.9.0.1 (+ .1.1, .2.1) <-> netns `wh` veth1 10.9.0.2 (+ .1.2, .2.2).

A=/sys/fs/bpf/wasmload
IP=/bin/ip
NS="$IP netns exec wh"
for n in 1 2; do
	$IP addr add 10.9.$n.1/24 dev veth0 2>/dev/null
	$NS /bin/ip addr add 10.9.$n.2/24 dev veth1 2>/dev/null
done
answered() { # source address $1, count $2: how many echo requests were answered
	$NS ping -c "$2" -i 0.2 -W 1 -I "$1" "${1%.2}.1" 2>/dev/null | sed -n 's/.* \([0-9]*\) packets received.*/\1/p'
}
# One u64 (little-endian) of a bpftool JSON hex list "0x01","0x00",...: field $2 (0-based);
# 0 if the list is shorter.
u64_at() {
	n=$2
	set -- $(echo "$1" | tr -d '"' | tr ',' ' ')
	[ $# -ge $((n * 8 + 8)) ] || { echo 0; return; }
	shift $((n * 8))
	v=0; m=1
	for i in 1 2 3 4 5 6 7 8; do v=$((v + $1 * m)); m=$((m * 256)); shift; done
	echo $v
}
# The whole run on the maps in directory $1: seed rules, ping from each source, flip the policy,
# ping again; print one line per source: "SRC answered=A,B packets=P bytes=B dropped=D".
fw_traffic() {
	M=$1
	bpftool map update pinned $M/rules key 24 0 0 0 10 9 1 0 value 1 0 0 0 || return 1 # 10.9.1.0/24 drop
	bpftool map update pinned $M/rules key 24 0 0 0 10 9 2 0 value 1 0 0 0 || return 1 # 10.9.2.0/24 drop
	bpftool map update pinned $M/rules key 32 0 0 0 10 9 2 2 value 2 0 0 0 || return 1 # 10.9.2.2/32 pass
	a0=$(answered 10.9.0.2 3); a1=$(answered 10.9.1.2 3); a2=$(answered 10.9.2.2 3)
	bpftool map update pinned $M/policy key 0 0 0 0 value 1 0 0 0 || return 1 # default: drop
	b0=$(answered 10.9.0.2 2); b1=$(answered 10.9.1.2 1); b2=$(answered 10.9.2.2 2)
	for s in 0:$a0,$b0 1:$a1,$b1 2:$a2,$b2; do
		v=$(bpftool -j map lookup pinned $M/sources key 10 9 ${s%%:*} 2 2>/dev/null |
			sed -n 's/.*"value":\[\([^]]*\)\].*/\1/p')
		echo "10.9.${s%%:*}.2 answered=${s#*:} packets=$(u64_at "$v" 0) bytes=$(u64_at "$v" 1) dropped=$(u64_at "$v" 2)"
	done
	echo "sources=$(bpftool -j map dump pinned $M/sources | grep -o '"key":\["0x' | wc -l)"
}

# F1. Native twin and Wasm port: same traffic, same verdicts, same counters; and the right ones:
#     10.9.0.2 no rule: passes, then dropped by the default policy (3+2 packets, 2 dropped);
#     10.9.1.2 in 10.9.1.0/24: always dropped; 10.9.2.2: its /32 pass rule beats the /24 drop.
t=firewall_wasm_port_matches_native_twin
native=
if bpftool prog load /bpf/firewall_native.bpf.o /sys/fs/bpf/fwn type xdp pinmaps /sys/fs/bpf/fwn_maps >/tmp/fw.log 2>&1 &&
	bpftool net attach xdpgeneric pinned /sys/fs/bpf/fwn dev veth0 >>/tmp/fw.log 2>&1; then
	native=$(fw_traffic /sys/fs/bpf/fwn_maps)
	bpftool net detach xdpgeneric dev veth0
fi
rm -rf /sys/fs/bpf/fwn /sys/fs/bpf/fwn_maps
wasm=
if wasmload attach --xdp veth0 --mode skb --name fw /wasm/xdp_firewall_rs.wasm >>/tmp/fw.log 2>&1; then
	wasm=$(fw_traffic $A/fw/maps)
	runs=$(wasmload stats fw | sed -n 's/.* runs \([0-9]*\) .*/\1/p' | head -1)
	wasmload detach fw >/dev/null 2>&1
fi
log "native: $(echo $native)"
log "wasm:   $(echo $wasm) (runs ${runs:-?})"
# bytes: busybox ping's 98-byte frames (56 data + 8 ICMP + 20 IPv4 + 14 Ethernet).
want="10.9.0.2 answered=3,0 packets=5 bytes=490 dropped=2
10.9.1.2 answered=0,0 packets=4 bytes=392 dropped=4
10.9.2.2 answered=3,2 packets=5 bytes=490 dropped=0
sources=3"
if [ -n "$native" ] && [ "$wasm" = "$native" ] && [ "$native" = "$want" ]; then
	pass $t
else
	fail $t "native [$(echo $native)] wasm [$(echo $wasm)] want [$(echo $want)]; $(tail -3 /tmp/fw.log)"
fi
# F2. `wasmload attach --map-value` seeds the maps before the link is made: with a default-drop
#     policy and a /32 pass rule given on the command line, the very first pings obey them.
#     A seed the kernel refuses (key 5 of a 1-entry array) fails the attach naming the map,
#     and leaves nothing attached or pinned.
t=attach_map_value_seeds_maps_before_traffic
s_a0=; s_a2=; s_rule=; bad_rc=0; bad_err=; left=
if wasmload attach --xdp veth0 --mode skb --name fwseed --map-value policy 0=1 \
	--map-value rules hex:200000000a090202=2 /wasm/xdp_firewall_rs.wasm >>/tmp/fw.log 2>&1; then
	s_a0=$(answered 10.9.0.2 2); s_a2=$(answered 10.9.2.2 2)
	s_rule=$(bpftool -j map dump pinned $A/fwseed/maps/rules | grep -c '"0x0a","0x09","0x02","0x02"')
	wasmload detach fwseed >/dev/null 2>&1
fi
wasmload attach --xdp veth0 --mode skb --name fwbad --map-value policy 5=1 \
	/wasm/xdp_firewall_rs.wasm >/tmp/fwbad.log 2>&1 || bad_rc=$?
bad_err=$(grep -c 'map-value policy' /tmp/fwbad.log)
[ -e $A/fwbad ] && left="pins"
wasmload list | grep -q fwbad && left="$left list"
bpftool net show dev veth0 | sed -n '/^xdp:/,/^tc:/p' | grep -q ' id ' && left="$left xdp"
log "seeded: answered 10.9.0.2=$s_a0 10.9.2.2=$s_a2 rule_in_map=$s_rule; bad seed rc=$bad_rc: $(head -2 /tmp/fwbad.log)"
if [ "$s_a0" = 0 ] && [ "$s_a2" = 2 ] && [ "$s_rule" = 1 ] && [ "$bad_rc" != 0 ] && [ "$bad_err" -ge 1 ] && [ -z "$left" ]; then
	pass $t
else
	fail $t "answered 10.9.0.2=$s_a0 (want 0) 10.9.2.2=$s_a2 (want 2) rule=$s_rule bad_rc=$bad_rc err=$bad_err left=[$left]"
fi
for n in 1 2; do
	$IP addr del 10.9.$n.1/24 dev veth0 2>/dev/null
	$NS /bin/ip addr del 10.9.$n.2/24 dev veth1 2>/dev/null
done

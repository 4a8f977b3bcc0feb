#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tc tests (Hook ABI v2): `wasmload attach --tc` through tcx links on real UDP/TCP traffic over
# the veth pair, bpftool's view of it, `wasmload test --tc` in user space and in the kernel,
# writes to (cloned) skbs, and the refusals. Sourced by guest-tests.sh with the module loaded;
# uses pass/fail/log and the topology of attach-tests.sh (root ns veth0 10.9.0.1 <-> netns `wh`
# veth1 10.9.0.2), which it sets up again if it is missing.
# The lab kernel has CONFIG_NET_XGRESS but no cls_bpf/clsact: tcx is the only way in.

A=/sys/fs/bpf/wasmload
IP=/bin/ip
NS="$IP netns exec wh"
PX=/bin/privexec
if ! $IP link show veth0 >/dev/null 2>&1; then
	$IP netns add wh; $IP link add veth0 type veth peer name veth1; $IP link set veth1 netns wh
	$IP addr add 10.9.0.1/24 dev veth0; $IP link set veth0 up; $IP link set lo up
	$NS /bin/ip addr add 10.9.0.2/24 dev veth1; $NS /bin/ip link set veth1 up; $NS /bin/ip link set lo up
fi
# Resolve the neighbours both ways first, so no datagram waits in an ARP queue.
$NS ping -c 1 -W 2 10.9.0.1 >/dev/null 2>&1; ping -c 1 -W 2 10.9.0.2 >/dev/null 2>&1

# udp_run WHERE_RECV ADDR SENDER...: start receivers on 9999 and 9998 (in the netns if
# WHERE_RECV=ns), then run the sender commands; sets r9999 / r9998 to the datagrams received.
udp_rx() { # $1 = "" or "$NS", $2 = port -> background receiver writing /tmp/rx$2
	rm -f /tmp/rx$2
	$1 udpio recv "$2" 1500 >/tmp/rx$2 2>&1 &
	i=0; while ! grep -q ready /tmp/rx$2 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
udp_count() { # port -> datagrams the receiver counted (waits for it to finish)
	i=0; while ! grep -q received /tmp/rx$1 2>/dev/null && [ $i -lt 60 ]; do sleep 0.1; i=$((i + 1)); done
	sed -n 's/^received \([0-9]*\)/\1/p' /tmp/rx$1
}
counts_at() { # attachment name, key -> counts[key] of tc_udp_drop.wat as a decimal number
	v=$(bpftool map lookup pinned $A/$1/maps/counts key "$2" 0 0 0 2>/dev/null |
		sed -n 's/.*value: *\([0-9a-f ]*\).*/\1/p')
	set -- $v
	[ $# = 8 ] || { echo "?"; return; }
	echo $((0x$8$7$6$5$4$3$2$1))
}

# C1. Ingress: tc_udp_drop.wat on veth0 ingress drops the UDP datagrams sent to port 9999 from
#     the netns and lets those to 9998 through; its counts map (bpftool) holds exactly the 5
#     drops and their bytes (skb->len: 14 + 20 + 8 + 32 = 74 each); bpftool sees the trampoline
#     as a tcx program on veth0; `wasmload list` names the direction.
t=tc_ingress_drops_udp_port
if wasmload attach --tc veth0 --direction ingress --name tcin /wasm/tc_udp_drop.wat >/tmp/attach.log 2>&1; then
	log "$(cat /tmp/attach.log)"
	udp_rx "" 9999; udp_rx "" 9998
	s1=$($NS udpio send 10.9.0.1 9999 5); s2=$($NS udpio send 10.9.0.1 9998 3)
	r9999=$(udp_count 9999); r9998=$(udp_count 9998)
	drop=$(counts_at tcin 1); bytes=$(counts_at tcin 2); head=$(counts_at tcin 3); passed=$(counts_at tcin 0)
	bpftool net show dev veth0 >/tmp/net.txt 2>&1
	bpftool prog show >/tmp/progs.txt 2>&1
	wasmload list >/tmp/list.txt 2>&1
	st=$(wasmload stats tcin | sed -n 1p)  # (sed reads it all: head would close the pipe early)
	log "$s1 to 9999, $s2 to 9998; received 9999: $r9999, 9998: $r9998"
	log "counts: passed $passed dropped $drop bytes $bytes pkt_len $head; $st"
	log "$(grep -i tcx /tmp/net.txt)"
	log "$(grep -A1 wasm_tc /tmp/progs.txt | head -2)"
	log "$(grep tcin /tmp/list.txt)"
	if [ "$r9999" = 0 ] && [ "$r9998" = 3 ] && [ "$drop" = 5 ] && [ "$bytes" = 370 ] && [ "$head" = 74 ] &&
		[ "${passed:-0}" -ge 3 ] && grep -q "tcx/ingress wasm_tc" /tmp/net.txt &&
		grep -q "sched_cls  name wasm_tc" /tmp/progs.txt && grep -q "^tcin: tc veth0 ingress " /tmp/list.txt &&
		echo "$st" | grep -q " traps 0 "; then
		pass $t
	else
		fail $t "received 9999=$r9999 (want 0) 9998=$r9998 (want 3), dropped $drop (want 5) bytes $bytes (want 370) pkt_len $head (want 74) passed $passed; $(cat /tmp/net.txt | tr '\n' ' ')"
	fi
else
	fail $t "attach failed: $(cat /tmp/attach.log)"
fi

# C2. The kind check: the tc trampoline pointed (wh_cfg, by bpftool) at an XDP slot whose
#     verdict 2 (XDP_PASS) would be TC_ACT_SHOT does not run it: port 9998 still gets through.
t=tc_hook_kind_checked
sx=$(wasmload slot load /wasm/pass.wat --hook xdp --name xpass 2>/tmp/load.err)
stc=$(wasmload list --json | sed -n 's/.*"name":"tcin"[^}]*"slot":\([0-9]*\).*/\1/p')
if [ -n "$sx" ] && [ -n "$stc" ]; then
	set -- $(printf '%d %d %d %d' $((sx & 255)) $(((sx >> 8) & 255)) $(((sx >> 16) & 255)) $(((sx >> 24) & 255)))
	bpftool map update pinned $A/tcin/map_cfg key 0 0 0 0 value $1 $2 $3 $4
	udp_rx "" 9998
	$NS udpio send 10.9.0.1 9998 3 >/dev/null
	r=$(udp_count 9998)
	xs=$(wasmload slot stats "$sx")
	set -- $(printf '%d %d %d %d' $((stc & 255)) $(((stc >> 8) & 255)) $(((stc >> 16) & 255)) $(((stc >> 24) & 255)))
	bpftool map update pinned $A/tcin/map_cfg key 0 0 0 0 value $1 $2 $3 $4
	wasmload slot unload "$sx"
	log "XDP slot in the tc trampoline: received $r of 3; $xs"
	if [ "$r" = 3 ] && echo "$xs" | grep -q "runs 0 "; then pass $t; else fail $t "received $r (want 3), $xs (want runs 0)"; fi
else
	fail $t "setup: xdp slot '$sx' tc slot '$stc' $(cat /tmp/load.err)"
	[ -n "$sx" ] && wasmload slot unload "$sx"
fi

# C3. Detach: the tcx link, pins and slot are gone (bpftool net shows no tcx program) and port
#     9999 gets its datagrams again.
t=tc_detach_restores
wasmload detach tcin >/tmp/detach.log 2>&1; rc=$?
log "$(cat /tmp/detach.log)"
udp_rx "" 9999
$NS udpio send 10.9.0.1 9999 2 >/dev/null
r=$(udp_count 9999)
if [ $rc = 0 ] && [ "$r" = 2 ] && [ ! -e $A/tcin ] && ! bpftool net show dev veth0 | grep -q tcx &&
	[ -z "$(wasmload slot list)" ]; then
	pass $t
else
	fail $t "detach rc=$rc, received $r (want 2), pins: $(ls $A 2>&1), net: $(bpftool net show dev veth0 | tr '\n' ' '), slots: $(wasmload slot list)"
fi

# C4. Egress: the same hook on veth0 egress drops what the root namespace sends to port 9999
#     of the netns, lets 9998 through.
t=tc_egress_drops_udp_port
if wasmload attach --tc veth0 --direction egress --name tceg /wasm/tc_udp_drop.wat >/tmp/attach.log 2>&1; then
	udp_rx "$NS" 9999; udp_rx "$NS" 9998
	udpio send 10.9.0.2 9999 4 >/dev/null; udpio send 10.9.0.2 9998 2 >/dev/null
	r9999=$(udp_count 9999); r9998=$(udp_count 9998)
	drop=$(counts_at tceg 1)
	net=$(bpftool net show dev veth0 | grep -i tcx)
	wasmload detach tceg >/dev/null 2>&1; d=$?
	log "egress: received 9999: $r9999, 9998: $r9998; dropped $drop; $net"
	if [ "$r9999" = 0 ] && [ "$r9998" = 2 ] && [ "$drop" = 4 ] && echo "$net" | grep -q "tcx/egress wasm_tc" && [ $d = 0 ]; then
		pass $t
	else
		fail $t "received 9999=$r9999 (want 0) 9998=$r9998 (want 2), dropped $drop (want 4), detach $d; $net"
	fi
else
	fail $t "attach failed: $(cat /tmp/attach.log)"
fi

# C5. A tc hook that writes (tc_mark.wat: ECN bits to ECT(0), IPv4 checksum fixed) on veth0
#     egress: the netns receives every UDP datagram marked (its IpExt InECT0Pkts grows by 3),
#     and a TCP transfer from the root namespace, whose segments are clones of TCP's retransmit
#     queue, still arrives intact.
t=tc_egress_writes_packets
ect0() { $NS cat /proc/net/netstat | awk '/^IpExt:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "InECT0Pkts") c = i; h = 1 } else print $c }'; }
if wasmload attach --tc veth0 --direction egress --name mark /wasm/tc_mark.wat >/tmp/attach.log 2>&1; then
	e0=$(ect0)
	udp_rx "$NS" 9998
	udpio send 10.9.0.2 9998 3 >/dev/null
	r=$(udp_count 9998)
	e1=$(ect0)
	rm -f /tmp/tcp2.out
	($NS timeout 5 nc -l -p 7778 >/tmp/tcp2.out 2>/dev/null &)
	sleep 0.5
	echo "hello-through-a-writing-tc-hook" | timeout 4 nc 10.9.0.2 7778 >/dev/null 2>&1
	sleep 0.5
	e2=$(ect0)
	st=$(wasmload stats mark | sed -n 1p)
	wasmload detach mark >/dev/null 2>&1; d=$?
	log "ECT(0) packets received by the netns: $e0 -> $e1 (3 UDP) -> $e2 (TCP); udp received $r; tcp: '$(cat /tmp/tcp2.out)'; $st"
	if [ "$r" = 3 ] && [ $((e1 - e0)) -ge 3 ] && [ "$e2" -gt "$e1" ] && grep -q hello-through /tmp/tcp2.out &&
		echo "$st" | grep -q " traps 0 " && [ $d = 0 ]; then
		pass $t
	else
		fail $t "udp received $r (want 3), ECT0 $e0 -> $e1 -> $e2, tcp '$(cat /tmp/tcp2.out)', $st, detach $d"
	fi
else
	fail $t "attach failed: $(cat /tmp/attach.log)"
fi

# C6. `wasmload test --tc`: user space and --kernel (sched_cls BPF_PROG_TEST_RUN) agree: UDP to
#     9999 SHOT, to 53 OK; a hook returning 1 (no tc verdict of ABI v2) gets --on-trap's.
t=tc_wasmload_test
hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }
u=$(wasmload test --tc /wasm/tc_udp_drop.wat --packet "$(hex /pkts/udp9999.bin)" --packet "$(hex /pkts/udp.bin)" 2>&1 | tr '\n' ' ')
k=$(wasmload test --kernel --tc /wasm/tc_udp_drop.wat --packet "$(hex /pkts/udp9999.bin)" --packet "$(hex /pkts/udp.bin)" 2>&1 | tr '\n' ' ')
b=$(wasmload test --kernel --tc /wasm/tc_bad_verdict.wat --on-trap drop --packet "$(hex /pkts/udp.bin)" 2>&1 | tr '\n' ' ')
log "user: $u"; log "kernel: $k"; log "bad verdict, --on-trap drop: $b"
if [ "$u" = "packet 1: SHOT packet 2: OK " ] && [ "$k" = "$u" ] && [ "$b" = "packet 1: SHOT " ] &&
	[ -z "$(wasmload slot list)" ]; then
	pass $t
else
	fail $t "user '$u' kernel '$k' bad '$b' slots left: $(wasmload slot list)"
fi

# C7. Refusals, each with a message naming what is wrong, and nothing left behind: a tc hook
#     without CAP_NET_ADMIN (the module), an XDP hook as a tc hook (no `tc` entry), an unknown
#     interface, no --direction, an XDP-only trap verdict.
t=tc_refusals
ok=1
chmod 0666 /dev/wasmhook
refused() { # what, message part, command...
	w=$1; m=$2; shift 2
	if "$@" >/tmp/r.out 2>&1; then ok=0; log "$w: accepted"; elif ! grep -q -- "$m" /tmp/r.out; then ok=0; log "$w: $(cat /tmp/r.out)"; else log "$w: $(tail -1 /tmp/r.out)"; fi
}
refused "CAP_BPF only" "a tc hook needs CAP_NET_ADMIN" $PX --caps bpf -- wasmload slot load /wasm/tc_udp_drop.wat --hook tc
a=$($PX --caps bpf,net_admin -- wasmload slot load /wasm/tc_udp_drop.wat --hook tc 2>/tmp/r.out) || { ok=0; log "bpf+net_admin: $(cat /tmp/r.out)"; }
[ -n "$a" ] && wasmload slot unload "$a"
chmod 0600 /dev/wasmhook
refused "XDP hook as tc" "no entry export" wasmload attach --tc veth0 --direction ingress /wasm/pass.wat
refused "unknown interface" "nosuch0" wasmload attach --tc nosuch0 --direction ingress /wasm/tc_udp_drop.wat
refused "no direction" "--direction" wasmload attach --tc veth0 /wasm/tc_udp_drop.wat
refused "XDP trap verdict" "aborted is an XDP verdict" wasmload attach --tc veth0 --direction egress --on-trap aborted /wasm/tc_udp_drop.wat
if [ $ok = 1 ] && [ -z "$(wasmload slot list)" ] && [ -z "$(ls $A 2>/dev/null)" ] && ! bpftool net show dev veth0 | grep -q tcx; then
	pass $t
else
	fail $t "see above; slots: $(wasmload slot list), pins: $(ls $A 2>&1)"
fi

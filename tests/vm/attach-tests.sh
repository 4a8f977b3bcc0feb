#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Attach tests: wasmload attach/list/stats/detach on real packets over a veth pair, maps shared
# with bpftool, the migration example, a kprobe, and rmmod afterwards. Sourced by
# guest-tests.sh (module already insmod'ed); uses its pass/fail/log/le32/map_id helpers.
# Topology: root ns veth0 10.9.0.1 <-> netns `wh` veth1 10.9.0.2. Hooks sit on veth0 (ingress),
# so pings *from* the netns are what they see.

A=/sys/fs/bpf/wasmload
# busybox sh runs its own `ip` applet for a bare `ip`: iproute2 is /bin/ip (veth, netns).
IP=/bin/ip
NS="$IP netns exec wh"
ping_ok() { $NS ping -c "${1:-2}" -i 0.2 -W 2 10.9.0.1 >/tmp/ping.log 2>&1; }
ping_lost_all() { # N pings sent from the netns, none answered
	! $NS ping -c "$1" -i 0.2 -W 1 10.9.0.1 >/tmp/ping.log 2>&1 && grep -q "100% packet loss" /tmp/ping.log
}
# Value bytes of key $2.. in pinned map $1, as "03 00 00 ..." (bpftool's hex, no BTF).
pinned_value() {
	p=$1; shift
	bpftool map lookup pinned "$p" key "$@" 2>/dev/null | sed -n 's/.*value: *\([0-9a-f ]*\).*/\1/p' | sed 's/ *$//'
}
tcp_ok() { # a TCP connection from the netns to the root ns carries a line
	rm -f /tmp/tcp.out
	(timeout 4 nc -l -p 7777 >/tmp/tcp.out 2>/dev/null &)
	sleep 0.3
	echo "hello-$1" | timeout 3 $NS nc 10.9.0.1 7777 >/dev/null 2>&1
	sleep 0.3
	grep -q "hello-$1" /tmp/tcp.out
}

# A1. veth pair between the root namespace and netns `wh`; ping works.
t=attach_veth_ping
$IP netns add wh &&
	$IP link add veth0 type veth peer name veth1 &&
	$IP link set veth1 netns wh &&
	$IP addr add 10.9.0.1/24 dev veth0 && $IP link set veth0 up && $IP link set lo up &&
	$NS /bin/ip addr add 10.9.0.2/24 dev veth1 && $NS /bin/ip link set veth1 up && $NS /bin/ip link set lo up
if ping_ok 2; then pass $t; else fail $t "no ping over the veth pair: $(tail -3 /tmp/ping.log)"; fi

# A2. `wasmload attach --xdp` the ICMP filter; policy[0]=1 (bpftool) drops every ping;
#     other traffic (ARP, TCP) still passes. The filter is the Rust example examples/xdp-icmp
#     when test-vm could build it, else its .wat twin (same maps: policy, counts).
t=attach_xdp_drops_ping
HOOK=/wasm/xdp_icmp.wat
[ -f /wasm/xdp_icmp_rs.wasm ] && HOOK=/wasm/xdp_icmp_rs.wasm
log "ICMP filter: $HOOK"
if wasmload attach --xdp veth0 --mode skb --name xdp_icmp $HOOK >/tmp/attach.log 2>&1; then
	log "$(cat /tmp/attach.log)"
	bpftool map update pinned $A/xdp_icmp/maps/policy key 0 0 0 0 value 1 0 0 0
	$NS /bin/ip neigh flush dev veth1 2>/dev/null
	if ping_lost_all 3; then lost=1; else lost=0; fi
	neigh=$($NS /bin/ip neigh show 10.9.0.1 dev veth1)
	if tcp_ok a2; then tcp=1; else tcp=0; fi
	log "ping: $(grep -E 'packets|loss' /tmp/ping.log)"
	log "neigh: $neigh; tcp=$tcp"
	if [ $lost = 1 ] && echo "$neigh" | grep -q lladdr && [ $tcp = 1 ]; then
		pass $t
	else
		fail $t "ping all lost=$lost, ARP neighbour '$neigh', tcp=$tcp"
	fi
else
	fail $t "attach failed: $(cat /tmp/attach.log)"
fi

# A3. bpftool sees the trampoline by name; the counts map holds exactly the 3 pings (type 8).
t=attach_bpftool_sees_prog_and_counts
bpftool prog show >/tmp/progs.txt 2>&1
bpftool map dump pinned $A/xdp_icmp/maps/counts >/tmp/counts.txt 2>&1
c8=$(pinned_value $A/xdp_icmp/maps/counts 8 0 0 0)
wasmload list >/tmp/list.txt 2>&1
log "$(grep -A1 wasm_xdp /tmp/progs.txt | head -2)"
log "$(cat /tmp/list.txt)"
log "counts[8] = $c8; nonzero entries: $(grep -c 'value: [0-9a-f ]*[1-9a-f]' /tmp/counts.txt)"
if grep -q "xdp  name wasm_xdp" /tmp/progs.txt && [ "$c8" = "03 00 00 00 00 00 00 00" ] &&
	grep -q "^xdp_icmp: xdp veth0 " /tmp/list.txt; then
	pass $t
else
	fail $t "prog listed: $(grep -c wasm_xdp /tmp/progs.txt), counts[8]='$c8' (want 3), list: $(cat /tmp/list.txt)"
fi

# A4. Flipping the policy with bpftool lets pings through again, without re-attaching.
t=attach_policy_flip_by_bpftool
bpftool map update pinned $A/xdp_icmp/maps/policy key 0 0 0 0 value 0 0 0 0
if ping_ok 2; then
	st=$(wasmload stats xdp_icmp 2>&1)
	log "$st"
	pass $t
else
	fail $t "ping still fails after policy=0: $(tail -2 /tmp/ping.log)"
fi

# A5. Detach: the link, pins and slot are gone and ping works (policy would otherwise drop).
t=attach_detach_restores
bpftool map update pinned $A/xdp_icmp/maps/policy key 0 0 0 0 value 1 0 0 0
slot=$(wasmload list --json | sed -n 's/.*"slot":\([0-9]*\).*/\1/p')
wasmload detach xdp_icmp >/tmp/detach.log 2>&1; rc=$?
log "$(cat /tmp/detach.log)"
if [ $rc = 0 ] && ping_ok 2 && [ ! -e $A/xdp_icmp ] && ! wasmload slot list | grep -q "^$slot:" &&
	! $IP link show veth0 | grep -q xdp; then
	pass $t
else
	fail $t "detach rc=$rc, ping: $(tail -1 /tmp/ping.log), pins: $(ls $A 2>&1), slots: $(wasmload slot list)"
fi

# A6. Migration: an existing C XDP program (own parsing, own maps) loaded by bpftool/libbpf
#     asks the Wasm hook for one decision through the kfunc; works the same.
t=attach_migrated_c_program
rm -rf /sys/fs/bpf/mig
ms=$(wasmload slot load $HOOK --hook xdp --name mig 2>/tmp/load.err)
if [ -n "$ms" ] && bpftool prog load /bpf/icmp_migrate.bpf.o /sys/fs/bpf/mig type xdp >/tmp/mig.log 2>&1 &&
	bpftool map update id "$(map_id icmp_migrate mig_cfg)" key 0 0 0 0 value $(le32 "$ms") &&
	bpftool net attach xdpgeneric pinned /sys/fs/bpf/mig dev veth0; then
	pol=$(map_id icmp_migrate policy)
	cnt=$(map_id icmp_migrate counts)
	bpftool map update id "$pol" key 0 0 0 0 value 1 0 0 0
	if ping_lost_all 2; then lost=1; else lost=0; fi
	bpftool map update id "$pol" key 0 0 0 0 value 0 0 0 0
	if ping_ok 2; then ok=1; else ok=0; fi
	# libbpf gave these maps BTF, so bpftool prints them formatted: "value": 4
	c8=$(bpftool map lookup id "$cnt" key 8 0 0 0 | sed -n 's/.*"value": *\([0-9][0-9]*\).*/\1/p')
	log "migrated: dropped-all=$lost, passes-after-flip=$ok, counts[8]=$c8"
	bpftool net detach xdpgeneric dev veth0
	rm -f /sys/fs/bpf/mig
	wasmload slot unload "$ms"
	if [ $lost = 1 ] && [ $ok = 1 ] && [ "$c8" = 4 ]; then pass $t; else fail $t "dropped-all=$lost pass-after=$ok counts[8]=$c8 (want 1 1 4)"; fi
else
	fail $t "could not load/attach: $(cat /tmp/load.err) $(tail -20 /tmp/mig.log)"
	[ -n "$ms" ] && wasmload slot unload "$ms"
fi

# A7. `wasmload attach --kprobe` counts N calls of sync(2) in its map.
t=attach_kprobe_counts_sync
if wasmload attach --kprobe __x64_sys_sync /wasm/count_calls.wat >/tmp/attach.log 2>&1; then
	log "$(cat /tmp/attach.log)"
	echo 1 >/proc/sys/kernel/bpf_stats_enabled   # so `wasmload stats` shows the prog's run_cnt
	i=0; while [ $i -lt 5 ]; do sync; i=$((i + 1)); done
	echo 0 >/proc/sys/kernel/bpf_stats_enabled
	v=$(pinned_value $A/count_calls/maps/calls 0 0 0 0)
	wasmload list | grep count_calls | while read -r l; do log "$l"; done
	st=$(wasmload stats count_calls 2>&1)
	echo "$st" | while read -r l; do log "$l"; done
	wasmload detach count_calls >/dev/null 2>&1; d=$?
	if [ "$v" = "05 00 00 00 00 00 00 00" ] && echo "$st" | grep -q "runs 5 " &&
		echo "$st" | grep -q "run_cnt 5 " && [ $d = 0 ]; then
		pass $t
	else
		fail $t "calls='$v' (want 5), stats '$st', detach rc=$d"
	fi
else
	fail $t "attach failed: $(cat /tmp/attach.log)"
fi

# A8. A failed attach leaves nothing behind (bad interface; map bound with the wrong shape).
t=attach_failure_rolls_back
before=$(wasmload slot list | wc -l)
wasmload attach --xdp nosuch0 /wasm/xdp_icmp.wat >/tmp/e1.log 2>&1; r1=$?
bpftool map create /sys/fs/bpf/wrong type hash key 8 value 8 entries 4 name wrong
wasmload attach --xdp veth0 --map policy=/sys/fs/bpf/wrong /wasm/xdp_icmp.wat >/tmp/e2.log 2>&1; r2=$?
rm -f /sys/fs/bpf/wrong
after=$(wasmload slot list | wc -l)
log "$(cat /tmp/e1.log)"
log "$(cat /tmp/e2.log)"
if [ $r1 != 0 ] && [ $r2 != 0 ] && [ "$before" = "$after" ] && [ -z "$(ls $A 2>/dev/null)" ] &&
	! $IP link show veth0 | grep -q xdp && grep -q nosuch0 /tmp/e1.log && grep -q "policy" /tmp/e2.log; then
	pass $t
else
	fail $t "rc $r1 $r2, slots $before -> $after, pins: $(ls $A 2>&1)"
fi

# A9. `wasmload test`: user space and --kernel agree with the filter's semantics.
t=attach_wasmload_test
hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }
u=$(wasmload test --xdp /wasm/icmp.wat --packet "$(hex /pkts/echo_req.bin)" --packet "$(hex /pkts/udp.bin)" 2>&1 | tr '\n' ' ')
k=$(wasmload test --kernel --xdp /wasm/icmp.wat --packet "$(hex /pkts/echo_req.bin)" --packet "$(hex /pkts/udp.bin)" 2>&1 | tr '\n' ' ')
log "user: $u"
log "kernel: $k"
if [ "$u" = "packet 1: DROP packet 2: PASS " ] && [ "$k" = "$u" ] && [ -z "$(wasmload slot list)" ]; then
	pass $t
else
	fail $t "user '$u' kernel '$k' slots left: $(wasmload slot list)"
fi

# A10. A hook object from `wasm2hook build` (its own trampoline + section wasmhook.wasm)
#      attaches the same way and drops pings under the same policy.
t=attach_hook_object
if [ -f /wasm/xdp_icmp_rs.o ]; then
	if wasmload attach --xdp veth0 --mode skb --name obj /wasm/xdp_icmp_rs.o >/tmp/attach.log 2>&1; then
		log "$(cat /tmp/attach.log)"
		bpftool map update pinned $A/obj/maps/policy key 0 0 0 0 value 1 0 0 0
		if ping_lost_all 2; then lost=1; else lost=0; fi
		c8=$(pinned_value $A/obj/maps/counts 8 0 0 0)
		wasmload detach obj >/dev/null 2>&1; d=$?
		if [ $lost = 1 ] && [ "$c8" = "02 00 00 00 00 00 00 00" ] && [ $d = 0 ] && ping_ok 1; then
			pass $t
		else
			fail $t "dropped-all=$lost counts[8]='$c8' (want 2) detach=$d"
		fi
	else
		fail $t "attach failed: $(cat /tmp/attach.log)"
	fi
else
	fail $t "no /wasm/xdp_icmp_rs.o (test-vm could not build it with wasm2hook)"
fi

# A10b. A trampoline the verifier refuses: wasmload prints the verifier log, and the slot it
#       had already LOADed is unloaded again (nothing attached, nothing pinned).
t=attach_verifier_log_and_rollback
before=$(wasmload slot list | wc -l)
wasmload attach --xdp veth0 /bpf/bad_hookobj.bpf.o >/tmp/e3.log 2>&1; r=$?
after=$(wasmload slot list | wc -l)
log "$(head -2 /tmp/e3.log)"
log "... $(grep -c . /tmp/e3.log) lines; last: $(tail -1 /tmp/e3.log)"
if [ $r != 0 ] && grep -q "verifier log" /tmp/e3.log && grep -q "invalid access to packet" /tmp/e3.log &&
	[ "$before" = "$after" ] && [ -z "$(ls $A 2>/dev/null)" ] && ! $IP link show veth0 | grep -q xdp; then
	pass $t
else
	fail $t "rc=$r slots $before -> $after pins: $(ls $A 2>&1); $(tail -3 /tmp/e3.log)"
fi

# A11. Native (driver) XDP on veth: `--mode native` attaches in driver mode (`ip link` shows
#      `xdp`, not `xdpgeneric`), packets still flow through the pass hook, detach removes it.
t=attach_native_mode
if wasmload attach --xdp veth0 --mode native /wasm/pass.wat >/tmp/attach.log 2>&1; then
	l=$($IP link show veth0)
	if ping_ok 2; then p=1; else p=0; fi
	runs=$(wasmload stats pass | sed -n 's/.* runs \([0-9]*\) .*/\1/p' | head -1)
	wasmload detach pass >/dev/null 2>&1; d=$?
	log "native: $(echo "$l" | grep -o 'xdp[a-z]*' | head -1), ping=$p, hook runs=$runs, detach=$d"
	if echo "$l" | grep -q " xdp " && ! echo "$l" | grep -q xdpgeneric && [ $p = 1 ] && [ "${runs:-0}" -gt 0 ] &&
		[ $d = 0 ] && ! $IP link show veth0 | grep -q xdp; then
		pass $t
	else
		fail $t "link: $l; ping=$p runs=$runs detach=$d"
	fi
else
	fail $t "attach failed: $(cat /tmp/attach.log)"
fi

# A12. Everything detached: rmmod works.
t=attach_rmmod_after_detach
# Programs are freed asynchronously after their last reference goes: retry for a few seconds.
i=0; ok=0
while [ $i -lt 10 ]; do sleep 1; if rmmod wasmhook 2>/tmp/rmmod.err; then ok=1; break; fi; i=$((i + 1)); done
if [ $ok = 1 ]; then pass $t; else fail $t "rmmod failed: $(cat /tmp/rmmod.err); slots: $(wasmload slot list 2>&1); progs: $(bpftool prog show | grep -c wasm)"; fi

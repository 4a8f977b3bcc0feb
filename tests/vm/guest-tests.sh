#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel tests, run inside the QEMU guest by /init (see scripts/test-vm).
# Each test asserts an outcome a user would check; the last line is exactly
# `VM-TESTS: N passed, M failed` (the host greps for it).

W=/wasm
T=/tramp
PIN=/sys/fs/bpf/wh
PASSED=0
FAILED=0
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

log() { echo "  | $*"; }
pass() { PASSED=$((PASSED + 1)); echo "TEST $1: PASS"; }
fail() { FAILED=$((FAILED + 1)); echo "TEST $1: FAIL: $2"; }

# Run the pinned XDP program once on packet file $2; print its return value.
xdp_run() {
	bpftool prog run pinned "$1" data_in "$2" repeat "${3:-1}" 2>&1 | sed -n 's/^Return value: \([0-9]*\).*/\1/p'
}

# Load trampoline object $1 pinned under dir $2 (programs, or links with "autoattach"),
# and point its config map at slot $3. $4 = program name, $5 = "autoattach" or empty.
tramp_load() {
	rm -rf "$2"
	bpftool prog loadall "$1" "$2" $5 >/tmp/tramp.log 2>&1 || { cat /tmp/tramp.log; return 1; }
	set_slot "$4" "$3"
}
map_id() { # program name $1, map name $2
	for id in $(bpftool prog show name "$1" | sed -n 's/.*map_ids \([0-9,]*\).*/\1/p' | tr ',' ' '); do
		bpftool map show id "$id" | grep -q "name $2 " && { echo "$id"; return; }
	done
}
set_slot() { # program name $1, slot $2
	bpftool map update id "$(map_id "$1" wh_cfg)" key 0 0 0 0 value $(le32 "$2")
}
map_value() { # map id $1, key bytes...: the value as bpftool formats it with the map's BTF
	id=$1; shift
	bpftool map lookup id "$id" key "$@" | sed -n 's/.*"value": \([0-9]*\).*/\1/p'
}
le32() { printf '%d %d %d %d' $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }

load() { # file, extra args... -> prints slot id
	wasmload slot load "$@" 2>/tmp/load.err
}

mkdir -p $PIN
# Which detectors this kernel runs (the debug lab's; scripts/test-vm --debug requires them).
dmesg | grep -q 'KernelAddressSanitizer initialized' && echo "VM-DETECTOR: KASAN"
dmesg | grep -q 'Lock dependency validator' && echo "VM-DETECTOR: lockdep"
dmesg | grep -q 'kfence: initialized' && echo "VM-DETECTOR: KFENCE"

# 1. The module loads, registers its kfuncs, and its BTF lists them.
t=btf_lists_kfuncs
if insmod /wasmhook.ko && [ -e /dev/wasmhook ] && [ -e /sys/kernel/btf/wasmhook ] &&
	bpftool btf dump file /sys/kernel/btf/wasmhook >/tmp/btf.txt &&
	grep -q "FUNC 'wasmhook_xdp'" /tmp/btf.txt && grep -q "FUNC 'wasmhook_kprobe'" /tmp/btf.txt &&
	grep -q "FUNC 'wasmhook_kretprobe'" /tmp/btf.txt && grep -q "FUNC 'wasmhook_tc'" /tmp/btf.txt; then
	pass $t
else
	fail $t "module or BTF missing"; grep wasmhook_ /tmp/btf.txt | head; ls -l /dev/wasmhook /sys/kernel/btf/
fi

# 2. A pass program and a drop program give their verdicts through the XDP trampoline.
t=xdp_pass_and_drop
sp=$(load $W/pass.wat --hook xdp --name pass)
sd=$(load $W/drop.wat --hook xdp --name drop)
if tramp_load $T/wasm_xdp.bpf.o $PIN/xdp "$sp" wasm_xdp; then
	v1=$(xdp_run $PIN/xdp/wasm_xdp /pkts/udp.bin)
	set_slot wasm_xdp "$sd"
	v2=$(xdp_run $PIN/xdp/wasm_xdp /pkts/udp.bin)
	if [ "$v1" = 2 ] && [ "$v2" = 1 ]; then pass $t; else fail $t "verdicts pass=$v1 drop=$v2 (want 2, 1)"; fi
else
	fail $t "trampoline did not load"
fi

# 3. The ICMP filter drops echo requests and passes replies and UDP.
t=xdp_icmp_filter
si=$(load $W/icmp.wat --hook xdp --name icmp)
set_slot wasm_xdp "$si"
a=$(xdp_run $PIN/xdp/wasm_xdp /pkts/echo_req.bin)
b=$(xdp_run $PIN/xdp/wasm_xdp /pkts/echo_reply.bin)
c=$(xdp_run $PIN/xdp/wasm_xdp /pkts/udp.bin)
if [ "$a" = 1 ] && [ "$b" = 2 ] && [ "$c" = 2 ]; then pass $t; else fail $t "req=$a reply=$b udp=$c (want 1 2 2)"; fi

# 3b. INFO reports the slot's settings and memory: code shared, one instance per CPU.
t=slot_info_sizes
info=$(wasmload slot info "$si")
echo "$info" | while read -r line; do log "$line"; done
ncpu=$(grep -c ^processor /proc/cpuinfo)
if echo "$info" | grep -q "x $ncpu CPUs" && echo "$info" | grep -Eq "instance +[1-9][0-9]* bytes" &&
	wasmload slot list | grep -q "^$si: xdp name icmp "; then
	pass $t
else
	fail $t "info/list do not show the icmp slot on $ncpu CPUs"
fi

# 3c. Run times are measured only while kernel.bpf_stats_enabled is on (like BPF programs'
#     run_time_ns): off, the hot path reads no clock and stats show avg_ns -.
t=stats_follow_bpf_stats_enabled
echo 0 >/proc/sys/kernel/bpf_stats_enabled
xdp_run $PIN/xdp/wasm_xdp /pkts/udp.bin 3 >/dev/null
off=$(wasmload slot stats "$si" | head -1)
echo 1 >/proc/sys/kernel/bpf_stats_enabled
xdp_run $PIN/xdp/wasm_xdp /pkts/udp.bin 3 >/dev/null
on=$(wasmload slot stats "$si" | head -1)
echo 0 >/proc/sys/kernel/bpf_stats_enabled
log "stats off: $off"; log "stats on: $on"
if echo "$off" | grep -q "runs 6 .*total_ns 0 avg_ns -" && echo "$on" | grep -Eq "runs 9 .*total_ns [1-9][0-9]* avg_ns [1-9]"; then
	pass $t
else
	fail $t "off: $off / on: $on"
fi

# 4. A verdict from a BPF map written by bpftool; the Wasm program counts runs in the same map.
t=xdp_map_shared_with_bpf
sm=$(load $W/mapdrop.wat --hook xdp --name mapdrop)
set_slot wasm_xdp "$sm"
m0=$(map_id wasm_xdp wh_m0)
bpftool map update id "$m0" key 0 0 0 0 value 1 0 0 0 0 0 0 0
a=$(xdp_run $PIN/xdp/wasm_xdp /pkts/udp.bin 5)
bpftool map update id "$m0" key 0 0 0 0 value 2 0 0 0 0 0 0 0
b=$(xdp_run $PIN/xdp/wasm_xdp /pkts/udp.bin 5)
cnt=$(map_value "$m0" 1 0 0 0)
if [ "$a" = 1 ] && [ "$b" = 2 ] && [ "$cnt" = 10 ]; then pass $t; else fail $t "verdicts $a $b (want 1 2), count $cnt (want 10)"; fi

# 5. An infinite loop runs out of fuel: counted, answered with the trap verdict, kernel fine.
t=hostile_infinite_loop
sl=$(load $W/loop.wat --hook xdp --fuel 100000 --on-trap drop --name loop)
set_slot wasm_xdp "$sl"
v=$(xdp_run $PIN/xdp/wasm_xdp /pkts/udp.bin 3)
st=$(wasmload slot stats "$sl")
log "$st"
if [ "$v" = 1 ] && echo "$st" | grep -q "runs 3 traps 3 out_of_fuel 3"; then pass $t; else fail $t "verdict $v, $st"; fi

# 6. Unbounded recursion and an out-of-bounds load trap cleanly.
t=hostile_recursion_and_oob
sr=$(load $W/recurse.wat --hook xdp --on-trap aborted --name recurse)
so=$(load $W/oob.wat --hook xdp --on-trap drop --name oob)
set_slot wasm_xdp "$sr"; a=$(xdp_run $PIN/xdp/wasm_xdp /pkts/udp.bin)
set_slot wasm_xdp "$so"; b=$(xdp_run $PIN/xdp/wasm_xdp /pkts/udp.bin)
ra=$(wasmload slot stats "$sr"); rb=$(wasmload slot stats "$so")
if [ "$a" = 0 ] && [ "$b" = 1 ] && echo "$ra" | grep -q "traps 1 out_of_fuel 0" && echo "$rb" | grep -q "traps 1 "; then
	pass $t
else
	fail $t "recursion verdict $a ($ra), oob verdict $b ($rb)"
fi

# 7. LOAD refuses what must not run: memory over the limit, invalid and malformed binaries.
t=load_refuses_bad_modules
ok=1
for f in $W/bigmem.wat $W/invalid.wat /pkts/malformed.wasm /pkts/garbage.wasm; do
	if load "$f" --hook xdp >/dev/null; then ok=0; log "$f was accepted"; else log "$(cat /tmp/load.err)"; fi
done
if [ $ok = 1 ]; then pass $t; else fail $t "a bad module was accepted"; fi

# 8. Garbage ioctls all get an errno.
t=garbage_ioctls
if wasmload debug garbage-ioctls >/tmp/garbage.log 2>&1; then pass $t; else fail $t "$(grep -v refused /tmp/garbage.log)"; fi

# 9. A kprobe trampoline counts calls of a known function through a map written from Wasm.
t=kprobe_counts_calls
sc=$(load $W/count.wat --hook kprobe --name count)
if tramp_load $T/wasm_kprobe_sync.bpf.o $PIN/kp "$sc" wasm_kprobe autoattach; then
	i=0; while [ $i -lt 7 ]; do sync; i=$((i + 1)); done
	k0=$(map_id wasm_kprobe wh_m0)
	cnt=$(map_value "$k0" 0 0 0 0)
	if [ "$cnt" = 7 ]; then pass $t; else fail $t "count $cnt (want 7)"; bpftool map dump id "$k0" | head -5; fi
else
	fail $t "kprobe trampoline did not load/attach: $(tail -5 /tmp/tramp.log)"
fi

# 10. Slots are swapped (REPLACE) while packets flow; the last program wins.
t=swap_while_running
sw=$(load $W/pass.wat --hook xdp --name swap)
set_slot wasm_xdp "$sw"
# Packets flow in batches until the swaps are done: every swap happens while batches run.
rm -f /tmp/swaps.done /tmp/flow.log
(while [ ! -f /tmp/swaps.done ]; do
	bpftool prog run pinned $PIN/xdp/wasm_xdp data_in /pkts/udp.bin repeat 20000 2>&1 | grep -o 'Return value: [0-9]*' >>/tmp/flow.log
done) &
flow=$!
i=0; while [ ! -s /tmp/flow.log ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
before=$(wc -l </tmp/flow.log)
i=0; ok=1
while [ $i -lt 20 ]; do
	f=$W/drop.wat; [ $((i % 2)) = 1 ] && f=$W/pass.wat
	wasmload slot load $f --hook xdp --replace "$sw" >/dev/null 2>/tmp/load.err || { ok=0; log "$(cat /tmp/load.err)"; }
	i=$((i + 1))
done
after=$(wc -l </tmp/flow.log)
touch /tmp/swaps.done
wait $flow
v=$(xdp_run $PIN/xdp/wasm_xdp /pkts/udp.bin)
log "batches of 20000 packets: $before before the swaps, $after when they ended; verdicts seen: $(sort -u /tmp/flow.log | tr '\n' ' ')"
if [ $ok = 1 ] && [ "$before" -ge 1 ] && [ "$after" -gt "$before" ] && [ "$v" = 2 ]; then
	pass $t
else
	fail $t "replace ok=$ok batches before=$before after=$after final verdict $v (want 2)"
fi

# 11. Unload and reload: an unloaded slot answers PASS, a reload works, rmmod + insmod work.
t=unload_reload_rmmod
set_slot wasm_xdp "$sd"
wasmload slot unload "$sd"
a=$(xdp_run $PIN/xdp/wasm_xdp /pkts/udp.bin)
sd2=$(load $W/drop.wat --hook xdp --name drop2)
set_slot wasm_xdp "$sd2"
b=$(xdp_run $PIN/xdp/wasm_xdp /pkts/udp.bin)
busy_rmmod=0; rmmod wasmhook 2>/dev/null && busy_rmmod=1
rm -rf $PIN/xdp $PIN/kp
sleep 1
rmmod wasmhook; r1=$?
insmod /wasmhook.ko; r2=$?
if [ "$a" = 2 ] && [ "$b" = 1 ] && [ $busy_rmmod = 0 ] && [ $r1 = 0 ] && [ $r2 = 0 ]; then
	pass $t
else
	fail $t "after unload $a (want 2), reload $b (want 1), rmmod-while-attached=$busy_rmmod rmmod=$r1 insmod=$r2"
fi
rmmod wasmhook 2>/dev/null

# Run the test file /$1 with the module loaded, then unload it (retrying while the programs
# its tests detached let go of the module); skipped if the file, or the one it needs ($2: the
# attach tests make the veth the later suites use), is not in this image.
suite() {
	[ -f "/$1" ] || return 0
	[ -z "${2:-}" ] || [ -f "/$2" ] || return 0
	insmod /wasmhook.ko
	. "/$1"
	i=0; while ! rmmod wasmhook 2>/dev/null && [ $i -lt 40 ]; do sleep 0.25; i=$((i + 1)); done
}

# Attach tests (wasmload attach/list/stats/detach on veth, maps shared with BPF), if present.
suite attach-tests.sh

# tc tests (tcx attach on veth, real UDP/TCP, writes, refusals), if present.
suite tc-tests.sh

# Trust-boundary tests (privileges, contexts, map rights, ids, log hygiene, budgets).
suite trust-tests.sh

# Tracing tests (kretprobes, context helpers, probe_read_kernel: Hook ABI v2).
suite trace-tests.sh

# Map-type tests (lpm_trie, queue, stack, bloom filter: Hook ABI v2), on the attach tests' veth.
suite maptypes-tests.sh attach-tests.sh

# The ported XDP firewall against its native twin (examples/xdp-firewall), on the same veth.
suite firewall-tests.sh attach-tests.sh

# 16 maps per hook (Hook ABI v2: the 16-map trampolines), on the attach tests' veth.
suite maptable-tests.sh attach-tests.sh

# uprobe hooks (the kprobe trampoline on uprobes in tests/vm/tools/uprobed.c).
suite uprobe-tests.sh

# Events: ring buffer records from a Wasm hook, read by wasmload events and by libbpf.
suite events-tests.sh

# Packet actions (redirect, XDP_TX, adjust_head/tail/meta, checksums: Hook ABI v2).
suite pkt-tests.sh

# Tracepoint hooks (sched:sched_process_exec records read with ctx_read, events, refusals).
suite tp-tests.sh

# The ported execsnoop (examples/execsnoop) against its native twin, on the same execs.
suite execsnoop-tests.sh

# Raw tracepoint hooks (sys_enter's syscall number, the 16-map trampoline, refusals).
suite rawtp-tests.sh

# The ported tc egress program (examples/tc-egress) against its native twin, on the same traffic.
suite tcegress-tests.sh

# 12. The kernel log stayed clean (the host checks the full console too).
t=kernel_log_clean
if dmesg | grep -E 'BUG:|WARNING:|UBSAN:|Oops|Call Trace|Kernel panic' >/tmp/bad.log; then fail $t "$(head -5 /tmp/bad.log)"; else pass $t; fi

echo "VM-TESTS: $PASSED passed, $FAILED failed"

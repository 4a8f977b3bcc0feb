#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Tracepoint hooks (Hook ABI v2): `wasmload attach --tracepoint CATEGORY:NAME` on the classic
# tracepoint sched:sched_process_exec, the trace record read from Wasm with ctx_read, records
# streamed by `wasmload events`, bpftool's view, and the refusals. The execs are made here, so
# each record has a known pid and filename. Sourced by guest-tests.sh with the module loaded;
# uses its pass/fail/log helpers.

A=/sys/fs/bpf/wasmload
TP=sched:sched_process_exec
dump_u64() { # pinned map $1 (u32 key -> u64 value): one "KEY VALUE" line per entry, decimal,
	# from one bpftool run with nothing else running (its own exec is counted before it reads;
	# a pipeline's other commands would exec while it reads)
	bpftool map dump pinned "$1" >/tmp/tp-dump 2>/dev/null
	sed -n 's/^key: *\([0-9a-f ]*\) value: *\([0-9a-f ]*\)$/\1 \2/p' /tmp/tp-dump |
		while read -r k0 k1 k2 k3 v0 v1 v2 v3 v4 v5 v6 v7; do
			echo "$((0x$k3$k2$k1$k0)) $((0x$v7$v6$v5$v4$v3$v2$v1$v0))"
		done
}
at() { # dump file $1, key $2: the value, 0 if none
	v=$(sed -n "s/^$2 //p" "$1"); echo "${v:-0}"
}
# Exec /bin/true $1 times, each from a fresh shell that first writes its pid (the exec keeps
# it) to /tmp/tp-pids.
execs() {
	: >/tmp/tp-pids
	i=0
	while [ $i -lt "$1" ]; do
		sh -c 'echo $$ >>/tmp/tp-pids; exec /bin/true'
		i=$((i + 1))
	done
}

# T1. The 16-map tracepoint trampoline (the hook declares a ring buffer) on sched_process_exec:
#     --verbose shows the record layout; bpftool sees a tracepoint program and a perf_event
#     link; wasmload list names the tracepoint.
t=tracepoint_attach_shows_layout_bpftool_list
if wasmload attach --tracepoint $TP --verbose --name tpx /wasm/tp_exec.wat >/tmp/tp-attach.log 2>&1; then
	log "$(cat /tmp/tp-attach.log)"
	progid=$(bpftool -j link show pinned $A/tpx/link 2>/dev/null | sed -n 's/.*"prog_id":\([0-9]*\).*/\1/p')
	ptype=$(bpftool prog show id "$progid" 2>/dev/null | sed -n 1p)
	ltype=$(bpftool link show pinned $A/tpx/link 2>/dev/null | sed -n 1p)
	lst=$(wasmload list 2>&1 | grep tpx)
	log "prog: $ptype"; log "link: $ltype"; log "list: $lst"
	if grep -q 'offset  12 size  4  pid_t pid' /tmp/tp-attach.log &&
		echo "$ptype" | grep -q 'tracepoint  name wasm_tp16' && echo "$ltype" | grep -q 'perf_event' &&
		echo "$lst" | grep -q "tracepoint $TP"; then
		pass $t
	else
		fail $t "$(cat /tmp/tp-attach.log); prog [$ptype] link [$ltype] list [$lst]"
	fi

	# T2. Three execs of /bin/true give three records with their pids (old_pid the same: no
	#     thread exec'd), the filename read through the record's __data_loc, comm `true`, the
	#     copy's length (fixed 20 bytes + the 256-byte tail) and ctx_read's refusals counted.
	t=tracepoint_records_pid_filename_comm
	dump_u64 $A/tpx/maps/st >/tmp/tp-st0
	r0=$(at /tmp/tp-st0 0)
	execs 3
	wasmload events tpx --timeout 3 \
		--fields pid:u32,old_pid:u32,len:u32,fnrc:i32,past:i32,neg:i32,filename:str120,comm:str16 \
		>/tmp/tp2.out 2>/tmp/tp2.err
	rc=$?
	ok=0
	for p in $(cat /tmp/tp-pids); do
		grep -qx "pid=$p old_pid=$p len=276 fnrc=10 past=-14 neg=-22 filename=/bin/true comm=true" /tmp/tp2.out &&
			ok=$((ok + 1))
	done
	dump_u64 $A/tpx/maps/st >/tmp/tp-st1
	r1=$(at /tmp/tp-st1 0); sent=$(at /tmp/tp-st1 3); unsent=$(at /tmp/tp-st1 4)
	log "T2: rc $rc; pids $(cat /tmp/tp-pids | tr '\n' ' '); $(grep -c . /tmp/tp2.out) records, $ok ours"
	log "$(grep /bin/true /tmp/tp2.out | head -3 | tr '\n' ';')"
	log "runs $r0 -> $r1, sent $sent unsent $unsent"
	# (runs and sent are read one after the other: an exec in between may count in one only)
	if [ $rc = 0 ] && [ $ok = 3 ] && [ $((r1 - r0)) -ge 3 ] && [ $((sent - r0)) -ge 3 ] &&
		[ "$unsent" = 0 ]; then
		pass $t
	else
		fail $t "rc $rc, $ok of 3 records; out [$(cat /tmp/tp2.out /tmp/tp2.err | head -8)]; st $r0 $r1 $sent $unsent"
	fi

	# T3. Detach leaves nothing: no pins, no tracepoint program, and execs run no hook.
	t=tracepoint_detach_leaves_nothing
	wasmload detach tpx >/tmp/tp3.log 2>&1; rc=$?
	left=$(bpftool prog show 2>/dev/null | grep -c wasm_tp)
	if [ $rc = 0 ] && [ ! -e $A/tpx ] && [ "$left" = 0 ]; then
		pass $t
	else
		fail $t "rc $rc $(cat /tmp/tp3.log); pins $(ls $A/tpx 2>&1); $left wasm_tp programs"
	fi
else
	fail tracepoint_attach_shows_layout_bpftool_list "$(cat /tmp/tp-attach.log)"
fi

# T4. The plain (3-map) tracepoint trampoline: a hash of exec counts per pid, read with bpftool.
#     Each of execs' processes execs twice under one pid: /bin/sh, then /bin/true.
t=tracepoint_3map_counts_per_pid
if wasmload attach --tracepoint $TP --name tpc /wasm/tp_count.wat >/tmp/tp4.log 2>&1; then
	execs 4
	dump_u64 $A/tpc/maps/execs >/tmp/tp-execs
	ok=0
	for p in $(cat /tmp/tp-pids); do
		[ "$(at /tmp/tp-execs "$p")" = 2 ] && ok=$((ok + 1))
	done
	log "pids $(cat /tmp/tp-pids | tr '\n' ' '); counts: $(head -5 /tmp/tp-execs | tr '\n' ';')"
	progid=$(bpftool -j link show pinned $A/tpc/link 2>/dev/null | sed -n 's/.*"prog_id":\([0-9]*\).*/\1/p')
	pname=$(bpftool prog show id "$progid" 2>/dev/null | sed -n 1p)
	log "T4: $ok of 4 pids counted twice; prog [$pname]; $(bpftool map dump pinned $A/tpc/maps/execs | grep -c key) keys"
	if [ $ok = 4 ] && echo "$pname" | grep -q 'tracepoint  name wasm_tracepoint'; then
		pass $t
	else
		fail $t "$ok of 4; $(cat /tmp/tp4.log); prog [$pname]; $(bpftool map dump pinned $A/tpc/maps/execs | head -12)"
	fi
	wasmload detach tpc >/dev/null 2>&1
else
	fail $t "$(cat /tmp/tp4.log)"
fi

# T5. Refusals name the problem and leave nothing attached: a tracepoint that does not exist, a
#     malformed spec, a tracepoint hook importing pkt_read, a kprobe hook (no `tracepoint`
#     entry) attached to a tracepoint.
t=tracepoint_refusals_leave_nothing
wasmload attach --tracepoint sched:no_such_event /wasm/tp_count.wat >/tmp/tp5a.log 2>&1; a=$?
wasmload attach --tracepoint sched /wasm/tp_count.wat >/tmp/tp5b.log 2>&1; b=$?
wasmload attach --tracepoint $TP /wasm/tp_pkt.wat >/tmp/tp5c.log 2>&1; c=$?
wasmload attach --tracepoint $TP /wasm/count.wat >/tmp/tp5d.log 2>&1; d=$?
left=$(bpftool prog show 2>/dev/null | grep -c wasm_tp)
for f in a b c d; do log "T5$f: $(cat /tmp/tp5$f.log | tr '\n' ' ')"; done
if [ $a != 0 ] && grep -q 'no tracepoint sched:no_such_event' /tmp/tp5a.log &&
	[ $b != 0 ] && grep -q 'want CATEGORY:NAME' /tmp/tp5b.log &&
	[ $c != 0 ] && grep -q 'tracepoint hook cannot import' /tmp/tp5c.log &&
	[ $d != 0 ] && grep -q 'entry' /tmp/tp5d.log &&
	[ "$left" = 0 ] && [ -z "$(ls $A 2>/dev/null)" ]; then
	pass $t
else
	fail $t "rcs $a $b $c $d; $left wasm_tp programs; pins [$(ls $A 2>/dev/null)]"
fi

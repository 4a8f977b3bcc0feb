#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Events (Hook ABI v2): a Wasm hook's ringbuf_output records, read by `wasmload events` and by a
# plain libbpf consumer (tests/vm/tools/libbpf/rbread.c) from the same pinned ring buffer map.
# The hook (tests/vm/wasm/events.wat) runs on a uprobe in tests/vm/tools/uprobed.c, so each
# record has a known origin: wh_uprobe_target(i, x) called by a process we started.
# Sourced by guest-tests.sh (module insmod'ed); uses its pass/fail/log helpers.

A=/sys/fs/bpf/wasmload
ev_u64() { # map pin $1, u32 key $2: u64 value in decimal (0 if none)
	v=$(bpftool map lookup pinned "$1" key $(($2 & 255)) 0 0 0 2>/dev/null |
		sed -n 's/.*value[^:]*: *\([0-9a-f ]*\)$/\1/p')
	[ -n "$v" ] || { echo 0; return; }
	set -- $v
	echo $((0x$8$7$6$5$4$3$2$1))
}

if wasmload attach --uprobe /bin/uprobed:wh_uprobe_target --name ev /wasm/events.wat >/tmp/ev-attach.log 2>&1; then
	EVP=$A/ev/maps/ev

	# E1. Every call gives one record, in order, decoded by --fields: i = 0..4, x = 42, the
	#     caller's pid_tgid and comm; bpftool shows the ringbuf among the trampoline's maps.
	t=events_records_one_per_call_decoded
	out=$(uprobed 5 42)
	pid=$(echo "$out" | sed -n 's/^pid \([0-9]*\) tid \([0-9]*\).*/\1/p')
	tid=$(echo "$out" | sed -n 's/^pid \([0-9]*\) tid \([0-9]*\).*/\2/p')
	want_pt=$(((pid << 32) | tid))
	wasmload events ev --count 5 --timeout 30 --fields pid_tgid:u64,i:u64,x:u64,comm:str16 \
		>/tmp/ev1.out 2>/tmp/ev1.err
	rc=$?
	want=""
	for i in 0 1 2 3 4; do
		want="${want}pid_tgid=$want_pt i=$i x=42 comm=uprobed
"
	done
	progid=$(bpftool -j link show pinned $A/ev/link 2>/dev/null | sed -n 's/.*"prog_id":\([0-9]*\).*/\1/p')
	rbid=$(bpftool -j map show pinned $EVP 2>/dev/null | sed -n 's/^{"id":\([0-9]*\),"type":"ringbuf".*/\1/p')
	maps=$(bpftool prog show id "$progid" 2>/dev/null | sed -n 's/.*map_ids \([0-9,]*\).*/\1/p')
	log "E1: rc $rc; got: $(cat /tmp/ev1.out | tr '\n' ';'); ringbuf id $rbid in prog $progid maps [$maps]"
	if [ $rc = 0 ] && [ "$(cat /tmp/ev1.out)
" = "$want" ] && [ -n "$rbid" ] && echo ",$maps," | grep -q ",$rbid,"; then
		pass $t
	else
		fail $t "rc $rc, want [$want] got [$(cat /tmp/ev1.out)] $(cat /tmp/ev1.err); ringbuf [$rbid] prog maps [$maps]"
	fi

	# E2. --json: one object per record, the same fields.
	t=events_json_lines
	uprobed 2 9 >/dev/null
	wasmload events ev --json --count 2 --timeout 30 --fields pid_tgid:u64,i:u64,x:u64,comm:str16 \
		>/tmp/ev2.out 2>/tmp/ev2.err
	rc=$?
	l1=$(sed -n 1p /tmp/ev2.out); l2=$(sed -n 2p /tmp/ev2.out)
	if [ $rc = 0 ] && echo "$l1" | grep -q '^{"pid_tgid":[0-9]*,"i":0,"x":9,"comm":"uprobed"}$' &&
		echo "$l2" | grep -q '"i":1,"x":9,'; then
		pass $t
	else
		fail $t "rc $rc: $(cat /tmp/ev2.out /tmp/ev2.err)"
	fi

	# E3. A libbpf consumer (ring_buffer__poll) reads the same records as wasmload events: the
	#     same bytes after the pid_tgid, for the same calls made twice.
	t=events_libbpf_consumer_reads_the_same_records
	uprobed 3 5 >/dev/null
	rbread $EVP 3 20000 >/tmp/ev3a.out 2>/tmp/ev3a.err; rc1=$?
	uprobed 3 5 >/dev/null
	wasmload events ev --count 3 --timeout 30 >/tmp/ev3b.out 2>/tmp/ev3b.err; rc2=$?
	a=$(sed 's/^\(len=[0-9]* data=\)................/\1/' /tmp/ev3a.out)
	b=$(sed 's/^\(len=[0-9]* data=\)................/\1/' /tmp/ev3b.out)
	n=$(grep -c '^len=40 data=' /tmp/ev3a.out)
	if [ $rc1 = 0 ] && [ $rc2 = 0 ] && [ "$n" = 3 ] && [ "$a" = "$b" ]; then
		pass $t
	else
		fail $t "rbread rc $rc1 [$(cat /tmp/ev3a.out /tmp/ev3a.err)] wasmload rc $rc2 [$(cat /tmp/ev3b.out /tmp/ev3b.err)]"
	fi

	# E4. A run asking for 40 records gets 32 (the per-run queue) and ENOSPC for the other 8;
	#     all 32 arrive; the kernel stays quiet.
	t=events_per_run_limit_enospc
	s0=$(ev_u64 $A/ev/maps/st 0); f0=$(ev_u64 $A/ev/maps/st 1); o0=$(ev_u64 $A/ev/maps/st 2)
	uprobed 1 1000 >/dev/null
	wasmload events ev --count 40 --timeout 3 >/tmp/ev4.out 2>&1
	n=$(grep -c '^len=40 ' /tmp/ev4.out)
	s1=$(ev_u64 $A/ev/maps/st 0); f1=$(ev_u64 $A/ev/maps/st 1); o1=$(ev_u64 $A/ev/maps/st 2)
	log "E4: records $n, sent +$((s1 - s0)), ENOSPC +$((f1 - f0)), other +$((o1 - o0))"
	if [ "$n" = 32 ] && [ $((s1 - s0)) = 32 ] && [ $((f1 - f0)) = 8 ] && [ $((o1 - o0)) = 0 ]; then
		pass $t
	else
		fail $t "records $n (want 32), sent +$((s1 - s0)) (32), ENOSPC +$((f1 - f0)) (8), other +$((o1 - o0)) (0)"
	fi

	# E5. The ring buffer fills (64 KiB: 1365 records of 40 + 8 header bytes) while nobody reads:
	#     the surplus is lost and counted in wh_cfg[3]; what is in it still reads back whole.
	t=events_full_ring_buffer_loses_and_counts
	uprobed 1600 3 >/dev/null
	v=$(bpftool map lookup pinned $A/ev/map_cfg key 3 0 0 0 2>/dev/null |
		sed -n 's/.*value[^:]*: *\([0-9a-f ]*\)$/\1/p')
	lost=; [ -n "$v" ] && { set -- $v; lost=$((0x$4$3$2$1)); }
	wasmload events ev --count 2000 --timeout 3 >/tmp/ev5.out 2>&1
	n=$(grep -c '^len=40 ' /tmp/ev5.out)
	log "E5: lost $lost, read back $n"
	if [ -n "$lost" ] && [ "$lost" -gt 0 ] && [ "$n" -gt 1000 ] && [ $((n + lost)) = 1600 ]; then
		pass $t
	else
		fail $t "lost [$lost], read back $n (want lost + read = 1600)"
	fi

	# E7. A program nested into another's delivery takes the event queue over: a 16-map kprobe
	#     hook with its own ring buffer on wasmhook_ev_pop runs inside the uprobe hook's first
	#     pop. Its own records arrive (one per uprobe call); the interrupted run's are dropped,
	#     never delivered into the wrong ring buffer; the kernel stays quiet (also under KASAN
	#     and lockdep with --debug).
	t=events_nested_run_takes_the_queue_over
	if wasmload attach --kprobe wasmhook_ev_pop --name evk /wasm/events.wat >/tmp/e7.log 2>&1; then
		out=$(uprobed 3 8)
		pid=$(echo "$out" | sed -n 's/^pid \([0-9]*\) .*/\1/p')
		wasmload events evk --count 3 --timeout 20 --fields pid_tgid:u64,a0:u64,a1:u64,comm:str16 \
			>/tmp/e7k.out 2>/dev/null; rck=$?
		wasmload events ev --count 1 --timeout 2 >/tmp/e7u.out 2>/dev/null
		nk=$(grep -c "comm=uprobed" /tmp/e7k.out); nu=$(grep -c '^len=' /tmp/e7u.out)
		wasmload detach evk >/dev/null 2>&1
		log "E7: nested hook records $nk (rc $rck), outer records $nu"
		if [ $rck = 0 ] && [ "$nk" = 3 ] && [ "$nu" = 0 ]; then
			pass $t
		else
			fail $t "nested records $nk (want 3) [$(cat /tmp/e7k.out)], outer records $nu (want 0) [$(cat /tmp/e7u.out)]"
		fi
	else
		fail $t "kprobe on wasmhook_ev_pop: $(cat /tmp/e7.log)"
	fi

	wasmload detach ev >/dev/null 2>&1
else
	for t in events_records_one_per_call_decoded events_json_lines \
		events_libbpf_consumer_reads_the_same_records events_per_run_limit_enospc \
		events_full_ring_buffer_loses_and_counts events_nested_run_takes_the_queue_over; do
		fail $t "attach: $(cat /tmp/ev-attach.log)"
	done
fi

# E6. Asking for the events of an attachment without a ring buffer, or of none, says so.
t=events_refused_without_a_ringbuf
ok=1
if wasmload attach --uprobe /bin/uprobed:wh_uprobe_target --name noev /wasm/uprobe_args.wat >/tmp/e6.log 2>&1; then
	if wasmload events noev --count 1 --timeout 1 >/tmp/e6.out 2>&1 || ! grep -q 'has no ringbuf map' /tmp/e6.out; then
		ok=0; log "no ringbuf: $(cat /tmp/e6.out)"
	fi
	wasmload detach noev >/dev/null 2>&1
else
	ok=0; log "attach: $(cat /tmp/e6.log)"
fi
if wasmload events nosuch >/tmp/e6.out 2>&1 || ! grep -q 'no attachment `nosuch`' /tmp/e6.out; then
	ok=0; log "no attachment: $(cat /tmp/e6.out)"
fi
if [ $ok = 1 ]; then pass $t; else fail $t "see above"; fi

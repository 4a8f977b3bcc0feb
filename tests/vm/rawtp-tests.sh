#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Raw tracepoint hooks (Hook ABI v2): `wasmload attach --raw-tracepoint NAME` runs a tracepoint
# hook from a BPF_PROG_TYPE_RAW_TRACEPOINT trampoline whose record is the tracepoint's u64
# arguments (their count from the kernel's BTF). sys_enter's syscall number read from Wasm,
# bpftool's view, the 16-map trampoline, and the refusals. Sourced by guest-tests.sh with the
# module loaded; uses its pass/fail/log helpers.

A=/sys/fs/bpf/wasmload
u64at() { # pinned map $1 (u32 -> u64), key $2: the value in decimal
	v=$(bpftool map lookup pinned "$1" key $(($2 & 255)) 0 0 0 2>/dev/null |
		sed -n 's/.*value[^:]*: *\([0-9a-f ]*\)$/\1/p')
	[ -n "$v" ] || return
	set -- $v
	echo $((0x$8$7$6$5$4$3$2$1))
}

# R1. sys_enter has 2 arguments (regs, id): the hook counts sync(2) calls by the id it reads
#     at record offset 8; three syncs, the last from a shell that exec'd sync (so its tgid is
#     the shell's pid), give count >= 3, record length 16, ctx_read past the arguments -14, the
#     caller's tgid; bpftool shows a raw_tracepoint program and link; wasmload list names it.
t=raw_tracepoint_sys_enter_reads_the_syscall_number
if wasmload attach --raw-tracepoint sys_enter --verbose --name rsys /wasm/raw_sys.wat >/tmp/rtp.log 2>&1; then
	log "$(cat /tmp/rtp.log | tr '\n' ' ')"
	sync; sync
	sh -c 'echo $$ >/tmp/rtp-pid; exec sync'
	R=$A/rsys/maps/res
	r="$(u64at $R 0) $(u64at $R 1) $(($(u64at $R 2) - 1000)) $(u64at $R 3)"
	want=$(cat /tmp/rtp-pid)
	progid=$(bpftool -j link show pinned $A/rsys/link 2>/dev/null | sed -n 's/.*"prog_id":\([0-9]*\).*/\1/p')
	ptype=$(bpftool prog show id "$progid" 2>/dev/null | sed -n 1p)
	ltype=$(bpftool link show pinned $A/rsys/link 2>/dev/null | tr '\n' ' ')
	lst=$(wasmload list 2>&1 | grep rsys)
	log "count, record length, past the end, tgid: $r (want tgid $want)"
	log "prog: $ptype"; log "link: $ltype"; log "list: $lst"
	set -- $r
	if grep -q "sys_enter: 2 arguments" /tmp/rtp.log && [ "${1:-0}" -ge 3 ] && [ "$2" = 16 ] &&
		[ "$3" = -14 ] && [ "$4" = "$want" ] &&
		echo "$ptype" | grep -q 'raw_tracepoint  name wasm_raw_tp' &&
		echo "$ltype" | grep -q 'raw_tracepoint' && echo "$ltype" | grep -q 'sys_enter' &&
		echo "$lst" | grep -q "raw_tracepoint sys_enter"; then
		pass $t
	else
		fail $t "r '$r' want $want; prog [$ptype] link [$ltype] list [$lst]"
	fi
	wasmload detach rsys >/dev/null 2>&1
else
	fail $t "attach failed: $(cat /tmp/rtp.log)"
fi

# R2. A hook with a ring buffer runs from the 16-map raw tracepoint trampoline (wasm_raw_tp16)
#     on sched_process_exec (3 arguments: 24-byte records); execs run it, and detach leaves
#     nothing. An unknown tracepoint and a packet import are refused before anything loads.
t=raw_tracepoint_16map_and_refusals
runs=""
if wasmload attach --raw-tracepoint sched_process_exec --name rexe /wasm/tp_exec.wat >/tmp/rtp2.log 2>&1; then
	/bin/true; /bin/true
	ptype=$(bpftool prog show name wasm_raw_tp16 2>/dev/null | sed -n 1p)
	runs=$(wasmload stats rexe 2>/dev/null | sed -n 's/.* runs \([0-9]*\) .*/\1/p' | head -1)
	wasmload detach rexe >/dev/null 2>&1
fi
left=$(bpftool prog show 2>/dev/null | grep -c 'name wasm_raw_tp')
wasmload attach --raw-tracepoint no_such_tracepoint --name rbad /wasm/raw_sys.wat >/tmp/rtp3.log 2>&1
nrc=$?
wasmload attach --raw-tracepoint sys_enter --name rpkt /wasm/tp_pkt.wat >/tmp/rtp4.log 2>&1
prc=$?
left2=$(bpftool prog show 2>/dev/null | grep -c 'name wasm_raw_tp')
log "16-map: $(cat /tmp/rtp2.log | tr '\n' ' '); prog [$ptype] runs '$runs'; left $left/$left2"
log "unknown: rc $nrc $(cat /tmp/rtp3.log | tr '\n' ' '); packet import: rc $prc $(cat /tmp/rtp4.log | tr '\n' ' ')"
if echo "$ptype" | grep -q 'raw_tracepoint  name wasm_raw_tp16' && [ "${runs:-0}" -ge 2 ] &&
	[ "$left" = 0 ] && [ "$left2" = 0 ] && [ "$nrc" != 0 ] && grep -q "no tracepoint .no_such_tracepoint." /tmp/rtp3.log &&
	[ "$prc" != 0 ] && ! [ -e $A/rbad ] && ! [ -e $A/rpkt ]; then
	pass $t
else
	fail $t "prog [$ptype] runs '$runs' left $left/$left2 rc $nrc/$prc"
fi

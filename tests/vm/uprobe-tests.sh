#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# uprobe hooks (`wasmload attach --uprobe BINARY:SYMBOL`): the kprobe trampoline on a uprobe
# perf event in a static test binary (tests/vm/tools/uprobed.c), run by real processes.
# Sourced by guest-tests.sh (module insmod'ed); uses its pass/fail/log helpers.

A=/sys/fs/bpf/wasmload
u_u64() { # map pin $1, u32 key $2: the u64 value, in decimal (empty if none)
	v=$(bpftool map lookup pinned "$1" key $(($2 & 255)) 0 0 0 2>/dev/null |
		sed -n 's/.*value[^:]*: *\([0-9a-f ]*\)$/\1/p')
	[ -n "$v" ] || return
	set -- $v
	echo $((0x$8$7$6$5$4$3$2$1))
}

# U1. Every call of wh_uprobe_target(i, x) by any process runs the hook: the count, the last x,
#     the sum of the i's and the caller's pid/tgid are the ones uprobed itself reports; list
#     shows the uprobe's file and offset; after detach, calls run nothing.
t=uprobe_hook_sees_calls_and_args
if wasmload attach --uprobe /bin/uprobed:wh_uprobe_target --name up /wasm/uprobe_args.wat >/tmp/attach.log 2>&1; then
	out=$(uprobed 5 42)
	pid=$(echo "$out" | sed -n 's/^pid \([0-9]*\) tid \([0-9]*\).*/\1/p')
	tid=$(echo "$out" | sed -n 's/^pid \([0-9]*\) tid \([0-9]*\).*/\2/p')
	M=$A/up/maps/u
	n=$(u_u64 $M 0); x=$(u_u64 $M 1); s=$(u_u64 $M 2); pt=$(u_u64 $M 3)
	lst=$(wasmload list | grep '^up: ')
	wasmload detach up >/tmp/detach.log 2>&1; d=$?
	uprobed 3 7 >/dev/null
	log "uprobed: $out; hook: calls $n x $x sum $s pid_tgid $pt (want $(((pid << 32) | tid))); list: $lst"
	if [ "$n" = 5 ] && [ "$x" = 42 ] && [ "$s" = 10 ] && [ "$pt" = $(((pid << 32) | tid)) ] &&
		echo "$lst" | grep -q 'uprobe.*/bin/uprobed+0x' && [ $d = 0 ] && [ ! -e $A/up ]; then
		pass $t
	else
		fail $t "calls $n (want 5) x $x (want 42) sum $s (want 10) pid_tgid $pt; list [$lst]; detach rc $d"
	fi
else
	fail $t "$(cat /tmp/attach.log)"
fi

# U2. Bad targets fail naming what is wrong and leave nothing behind: a symbol the binary does
#     not have, a file that is not ELF, no BINARY:SYMBOL.
t=uprobe_bad_targets_refused
ok=1
if wasmload attach --uprobe /bin/uprobed:no_such_function --name upb /wasm/uprobe_args.wat >/tmp/u2.log 2>&1; then
	ok=0; log "attached to a missing symbol"
elif ! grep -q 'no_such_function' /tmp/u2.log; then ok=0; log "missing symbol: $(cat /tmp/u2.log)"; fi
if wasmload attach --uprobe /wasm/uprobe_args.wat:kprobe --name upb /wasm/uprobe_args.wat >/tmp/u2.log 2>&1; then
	ok=0; log "attached to a non-ELF file"
elif ! grep -q 'not an ELF file' /tmp/u2.log; then ok=0; log "non-ELF: $(cat /tmp/u2.log)"; fi
if wasmload attach --uprobe /bin/uprobed --name upb /wasm/uprobe_args.wat >/tmp/u2.log 2>&1; then
	ok=0; log "attached without a symbol"
elif ! grep -q 'BINARY:SYMBOL' /tmp/u2.log; then ok=0; log "no symbol: $(cat /tmp/u2.log)"; fi
[ -e $A/upb ] && { ok=0; log "pins left behind"; }
wasmload slot list 2>/dev/null | grep -q upb && { ok=0; log "slot left behind"; }
if [ $ok = 1 ]; then pass $t; else fail $t "see above"; fi

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The ported execsnoop (examples/execsnoop) against its native twin: the native eBPF program
# (native/execsnoop_native.bpf.c, loaded and read by its libbpf user half execsnoop_user) and
# the Wasm port (attached with `wasmload attach --tracepoint sched:sched_process_exec`, read
# with `wasmload events`) watch the same execs at the same time; their lines must be identical.
# Sourced by guest-tests.sh (module insmod'ed; uses its pass/fail/log helpers).

FIELDS=pid:u32,tid:u32,uid:u32,old_pid:u32,comm:str16,filename:str128
# The execs the test makes (others in the window, the tools' own, are left out of the compare).
ours() { grep -E 'filename=/bin/(true|echo|uprobed)$|filename=/tmp/xs/'; }

t=execsnoop_port_matches_native
if [ ! -f /wasm/execsnoop_rs.wasm ]; then
	fail $t "examples/execsnoop was not built"
elif ! wasmload attach --tracepoint sched:sched_process_exec --name execsnoop /wasm/execsnoop_rs.wasm >/tmp/xs-attach.log 2>&1; then
	fail $t "attach: $(cat /tmp/xs-attach.log)"
else
	execsnoop_user /bpf/execsnoop_native.bpf.o 0 60000 >/tmp/xs-native.out 2>/tmp/xs-native.err &
	npid=$!
	i=0; while ! grep -q '^ready' /tmp/xs-native.out 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	# The commands: plain ones, one through a shell, one by another uid, a long path (cut at
	# 127 bytes by both), a program run by a thread other than the leader is not needed here.
	mkdir -p /tmp/xs/a-directory-name-long-enough-to-push-the-path-past-the-record-s-filename-field/and-then-some-more-of-it
	cp /bin/busybox /tmp/xs/a-directory-name-long-enough-to-push-the-path-past-the-record-s-filename-field/and-then-some-more-of-it/true
	cp /bin/busybox /tmp/xs/echo
	/bin/true
	/bin/echo hello >/dev/null
	/bin/sh -c '/bin/true; /bin/true'
	privexec --uid 1000 --caps none -- /bin/true
	/bin/uprobed 1 1 >/dev/null
	/tmp/xs/echo x >/dev/null
	/tmp/xs/a-directory-name-long-enough-to-push-the-path-past-the-record-s-filename-field/and-then-some-more-of-it/true
	sleep 1
	wasmload events execsnoop --timeout 3 --fields $FIELDS >/tmp/xs-wasm.out 2>/tmp/xs-wasm.err
	kill $npid 2>/dev/null; wait $npid 2>/dev/null
	wasmload detach execsnoop >/dev/null 2>&1
	ours </tmp/xs-native.out >/tmp/xs-native.ours
	ours </tmp/xs-wasm.out >/tmp/xs-wasm.ours
	n=$(grep -c . /tmp/xs-wasm.ours)
	log "execsnoop (Wasm port): $(head -n 3 /tmp/xs-wasm.ours | tr '\n' ';')... ($n lines)"
	if [ "$n" -ge 8 ] && cmp -s /tmp/xs-native.ours /tmp/xs-wasm.ours &&
		grep -q 'uid=1000 .*comm=true filename=/bin/true$' /tmp/xs-wasm.ours &&
		grep -q 'comm=echo filename=/tmp/xs/echo$' /tmp/xs-wasm.ours; then
		pass $t
	else
		fail $t "native [$(cat /tmp/xs-native.ours /tmp/xs-native.err)] wasm [$(cat /tmp/xs-wasm.ours /tmp/xs-wasm.err)]"
	fi
	rm -rf /tmp/xs
fi

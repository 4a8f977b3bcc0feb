# SPDX-License-Identifier: GPL-2.0
# Tracing tests (Hook ABI v2): kretprobes with the return value, the context helpers and
# probe_read_kernel, each compared with what a test process (tools/whprobe.c) really did.
# Sourced by guest-tests.sh with the module loaded; uses pass/fail/log/load/tramp_load/set_slot/
# xdp_run/map_id/le32 from guest-tests.sh.

A=/sys/fs/bpf/wasmload
PX=/bin/privexec
# Value of key $2 (u32) in pinned map $1 as a signed 64-bit number ("" if there is none).
pinned_u64() {
	bytes=$(bpftool map lookup pinned "$1" key $(le32 "$2") 2>/dev/null | sed -n 's/.*value: *\([0-9a-f ]*\).*/\1/p')
	[ -n "$bytes" ] || return 0
	set -- $bytes
	echo $((0x$8$7$6$5$4$3$2$1))
}
le64() { # the 8 little-endian bytes of $1, for bpftool
	i=0; s=
	while [ $i -lt 8 ]; do s="$s $((($1 >> (8 * i)) & 255))"; i=$((i + 1)); done
	echo $s
}
field() { # the number after word $1 in line $2
	echo "$2" | sed -n "s/.*$1 \([0-9]*\).*/\1/p"
}

# R1. `wasmload attach --kretprobe do_sys_openat2`: kprobe_ret() is the return value. whprobe
#     opens a missing file 7 times (-ENOENT) and "/" 3 times; the hook counted exactly that for
#     its tgid, and the last error is -2. The same hook at the entry (--kprobe) sees
#     kprobe_ret() = 0 for all 10 calls. bpftool lists the kretprobe trampoline.
t=kretprobe_return_values
if wasmload attach --kretprobe do_sys_openat2 --name oret /wasm/openret.wat >/tmp/attach.log 2>&1 &&
	wasmload attach --kprobe do_sys_openat2 --name oent /wasm/openret.wat >>/tmp/attach.log 2>&1; then
	log "$(cat /tmp/attach.log)"
	out=$(whprobe open 7 3); rc=$?
	pid=$(field pid "$out")
	errs=$(pinned_u64 $A/oret/maps/errs "$pid"); oks=$(pinned_u64 $A/oret/maps/oks "$pid")
	last=$(pinned_u64 $A/oret/maps/lasterr 0)
	eerrs=$(pinned_u64 $A/oent/maps/errs "$pid"); eoks=$(pinned_u64 $A/oent/maps/oks "$pid")
	list=$(wasmload list)
	progs=$(bpftool prog show name wasm_kretprobe 2>&1 | head -1)
	log "whprobe: $out (rc $rc); kretprobe: errs $errs oks $oks lasterr $last; entry kprobe: errs '$eerrs' oks $eoks"
	log "$(echo "$list" | grep -E '^o(ret|ent):')"
	log "$progs"
	wasmload detach oret >/dev/null 2>&1; d1=$?
	wasmload detach oent >/dev/null 2>&1; d2=$?
	if [ $rc = 0 ] && [ "$errs" = 7 ] && [ "$oks" = 3 ] && [ "$last" = -2 ] && [ -z "$eerrs" ] && [ "$eoks" = 10 ] &&
		echo "$list" | grep -q "^oret: kretprobe do_sys_openat2 " && echo "$list" | grep -q "^oent: kprobe do_sys_openat2 " &&
		echo "$progs" | grep -q "kprobe  name wasm_kretprobe" && [ $d1 = 0 ] && [ $d2 = 0 ]; then
		pass $t
	else
		fail $t "rc=$rc errs=$errs (want 7) oks=$oks (want 3) lasterr=$last (want -2) entry errs='$eerrs' (want none) oks=$eoks (want 10) detach $d1 $d2"
	fi
else
	fail $t "attach failed: $(cat /tmp/attach.log)"
	wasmload detach oret >/dev/null 2>&1; wasmload detach oent >/dev/null 2>&1
fi

# R2. The context helpers on a syscall path: a kprobe on __x64_sys_getpriority reads the caller's
#     saved registers with probe_read_kernel, and for `whprobe getprio 3` (run as uid/gid 1234,
#     no capabilities) records pid/tgid, uid/gid, comm, cpu, clocks, prandom; the test compares
#     them with whprobe's own pid, tid, uid, gid and name. probe_read_kernel of linux_banner
#     gives "Linux ve"; bad addresses (0, the last page, non-canonical) give -EFAULT with the
#     buffer zeroed and no oops; a 5000-byte read is -EINVAL.
t=context_helpers_and_probe_read
banner=$(sed -n 's/^\([0-9a-f]*\) [A-Za-z] linux_banner$/\1/p' /proc/kallsyms | head -1)
if [ -n "$banner" ] && wasmload attach --kprobe __x64_sys_getpriority --name ctxprobe /wasm/ctxprobe.wat >/tmp/attach.log 2>&1; then
	M=$A/ctxprobe/maps/ctx
	bpftool map update pinned $M key $(le32 20) value $(le64 $((0x$banner)))
	out=$($PX --uid 1234 --caps none -- whprobe getprio 3); rc=$?
	pid=$(field pid "$out"); tid=$(field tid "$out")
	v() { pinned_u64 $M "$1"; }
	pt=$(v 0); ug=$(v 1); c0=$(bpftool map lookup pinned $M key $(le32 2) | sed -n 's/.*value: *\([0-9a-f ]*\).*/\1/p' | sed 's/ *$//')
	c1=$(v 3); clen=$(v 4); cpu=$(v 5); boot=$(v 6); mono=$(v 7); rnd=$(v 8); n=$(v 9)
	rdi=$(v 10); who=$(v 11); r0=$(v 12); b0=$(v 13); rl=$(v 14); bl=$(v 15); rbig=$(v 16); kret=$(v 17)
	rban=$(v 18); ban=$(bpftool map lookup pinned $M key $(le32 19) | sed -n 's/.*value: *\([0-9a-f ]*\).*/\1/p' | sed 's/ *$//')
	rnc=$(v 21)
	log "whprobe: $out (rc $rc)"
	log "pid_tgid $pt (want $(((pid << 32) | tid))) uid_gid $ug (want $(((1234 << 32) | 1234))) comm '$c0'+$c1 len $clen cpu $cpu"
	log "boot $boot mono $mono prandom $rnd calls $n who $who; reads: di $rdi, 0 -> $r0/$b0, last page -> $rl/$bl, non-canonical -> $rnc, 5000 B -> $rbig, banner -> $rban '$ban'; kprobe_ret $kret"
	wasmload detach ctxprobe >/dev/null 2>&1; d=$?
	if [ $rc = 0 ] && [ "$pt" = $(((pid << 32) | tid)) ] && [ "$ug" = $(((1234 << 32) | 1234)) ] &&
		[ "$c0" = "77 68 70 72 6f 62 65 00" ] && [ "$c1" = 0 ] && [ "$clen" = 7 ] && [ "$cpu" -lt 2 ] &&
		[ "$boot" -gt 0 ] && [ "$boot" -ge "$mono" ] && [ "$mono" -gt 0 ] && [ "$rnd" != 0 ] && [ "$n" = 3 ] && [ "$who" = 2 ] &&
		[ "$rdi" = 0 ] && [ "$r0" = -14 ] && [ "$b0" = 0 ] && [ "$rl" = -14 ] && [ "$bl" = 0 ] && [ "$rnc" = -14 ] &&
		[ "$rbig" = -22 ] && [ "$kret" = 0 ] && [ "$rban" = 0 ] && [ "$ban" = "4c 69 6e 75 78 20 76 65" ] && [ $d = 0 ]; then
		pass $t
	else
		fail $t "see the values above"
	fi
else
	fail $t "no linux_banner in /proc/kallsyms ('$banner') or attach failed: $(cat /tmp/attach.log)"
fi

# R3. probe_read_kernel is for kprobe hooks of a loader with CAP_PERFMON: a kprobe hook that
#     uses it does not load without CAP_PERFMON; an XDP hook asking to read linux_banner gets
#     -EPERM with its buffer zeroed (verdict DROP; a read would answer TX), whether its loader
#     had CAP_PERFMON (root) or not (CAP_BPF + CAP_NET_ADMIN); `wasmload test` agrees.
t=probe_read_kernel_privileges
ok=1
if $PX --caps bpf,net_admin -- wasmload slot load /wasm/ctxprobe.wat --hook kprobe >/tmp/px.out 2>&1; then
	ok=0; log "kprobe hook loaded without CAP_PERFMON"
elif ! grep -q CAP_PERFMON /tmp/px.out; then
	ok=0; log "refusal does not name CAP_PERFMON: $(cat /tmp/px.out)"
fi
sr=$(load /wasm/xdp_kread.wat --hook xdp --name kread)
su=$($PX --caps bpf,net_admin -- wasmload slot load /wasm/xdp_kread.wat --hook xdp --name kread_np 2>/tmp/px.out) || { ok=0; log "bpf+net_admin load: $(cat /tmp/px.out)"; }
if [ -n "$sr" ] && [ -n "$su" ] && tramp_load /tramp/wasm_xdp.bpf.o /sys/fs/bpf/wh/kread "$sr" wasm_xdp; then
	bpftool map update id "$(map_id wasm_xdp wh_m0)" key 0 0 0 0 value $(le64 $((0x$banner)))
	v1=$(xdp_run /sys/fs/bpf/wh/kread/wasm_xdp /pkts/udp.bin)
	set_slot wasm_xdp "$su"
	v2=$(xdp_run /sys/fs/bpf/wh/kread/wasm_xdp /pkts/udp.bin)
	u=$(wasmload test --xdp /wasm/xdp_kread.wat --packet "$(od -An -v -tx1 /pkts/udp.bin | tr -d ' \n')" 2>&1)
	log "xdp verdicts: root's slot $v1, bpf+net_admin's slot $v2 (want 1 = -EPERM, zeroed); wasmload test: $u"
	[ "$v1" = 1 ] && [ "$v2" = 1 ] && [ "$u" = "packet 1: DROP" ] || ok=0
	rm -rf /sys/fs/bpf/wh/kread
else
	ok=0; log "loads: '$sr' '$su' $(cat /tmp/load.err)"
fi
for s in $sr $su; do wasmload slot unload "$s" 2>/dev/null; done
if [ $ok = 1 ]; then pass $t; else fail $t "see above"; fi

# SPDX-License-Identifier: GPL-2.0
# The trust boundary (docs/security.md), sourced by guest-tests.sh with the module loaded: each
# test is an attack a hook author, an fd holder or a map picker could try, and asserts the
# outcome a user would check (verdicts, map contents, errors, the kernel log).
# Uses pass/fail/log/load/tramp_load/set_slot/xdp_run/map_id/le32 from guest-tests.sh.

PX=/bin/privexec
# The device's file mode is not the guard: the capability checks are.
chmod 0666 /dev/wasmhook

# T1. A start function that calls every host function: it runs at LOAD with no context. It used
#     to dereference a NULL hook context (kernel oops in wh_map at LOAD).
t=start_function_host_calls
ss=$(load $W/startcalls.wat --hook xdp --name startcalls)
if [ -n "$ss" ] && tramp_load $T/wasm_xdp.bpf.o $PIN/tx "$ss" wasm_xdp; then
	v=$(xdp_run $PIN/tx/wasm_xdp /pkts/udp.bin)
	# ... and it ran once, not once per CPU: the other CPUs got copies of the started instance.
	nstart=$(dmesg | grep -c "slot 0: start function ran")
	if [ "$v" = 2 ] && [ "$nstart" = 1 ]; then pass $t; else fail $t "verdict $v (want 2: the start function saw -EINVAL maps, kprobe_arg 0, no packet), start ran $nstart times (want 1)"; fi
else
	fail $t "LOAD failed: $(cat /tmp/load.err)"
fi

# T2. Privileges, checked against the opener of /dev/wasmhook like bpf() checks its caller.
t=privileges_capabilities
ok=1
expect_refused() { # what, message part, command...
	w=$1; m=$2; shift 2
	if "$@" >/tmp/px.out 2>&1; then ok=0; log "$w: accepted"; elif ! grep -q "$m" /tmp/px.out; then ok=0; log "$w: $(cat /tmp/px.out)"; fi
}
expect_refused "no capabilities: load" "CAP_BPF" $PX --caps none -- wasmload slot load $W/pass.wat --hook xdp
expect_refused "no capabilities: list" "not permitted" $PX --caps none -- wasmload slot list
expect_refused "no capabilities: unload" "not permitted" $PX --caps none -- wasmload slot unload "$ss"
expect_refused "CAP_BPF only: xdp" "CAP_NET_ADMIN" $PX --caps bpf -- wasmload slot load $W/pass.wat --hook xdp
expect_refused "CAP_BPF only: kprobe" "CAP_PERFMON" $PX --caps bpf -- wasmload slot load $W/count.wat --hook kprobe
expect_refused "CAP_BPF+CAP_NET_ADMIN: kprobe" "CAP_PERFMON" $PX --caps bpf,net_admin -- wasmload slot load $W/count.wat --hook kprobe
a=$($PX --caps bpf,net_admin -- wasmload slot load $W/pass.wat --hook xdp 2>/tmp/px.out) || { ok=0; log "bpf+net_admin xdp: $(cat /tmp/px.out)"; }
b=$($PX --caps bpf,perfmon -- wasmload slot load $W/count.wat --hook kprobe 2>/tmp/px.out) || { ok=0; log "bpf+perfmon kprobe: $(cat /tmp/px.out)"; }
$PX --caps bpf -- wasmload slot info "$a" >/dev/null 2>&1 || { ok=0; log "CAP_BPF cannot read INFO"; }
for s in $a $b; do wasmload slot unload "$s" 2>/dev/null; done
if [ $ok = 1 ]; then pass $t; else fail $t "see above"; fi

# T3. Slots are owned: another user may not replace or unload them; CAP_SYS_ADMIN may.
t=privileges_slot_owner
ok=1
U1="$PX --uid 1000 --caps bpf,net_admin --"
U2="$PX --uid 1001 --caps bpf,net_admin --"
s1=$($U1 wasmload slot load $W/pass.wat --hook xdp --name user1 2>/tmp/px.out) || { ok=0; log "user 1000 load: $(cat /tmp/px.out)"; }
expect_refused "uid 1001 unloads uid 1000's slot" "not permitted" $U2 wasmload slot unload "$s1"
expect_refused "uid 1001 replaces uid 1000's slot" "another user" $U2 wasmload slot load $W/drop.wat --hook xdp --replace "$s1"
expect_refused "uid 1000 unloads root's slot" "not permitted" $U1 wasmload slot unload "$ss"
expect_refused "uid 1000 replaces root's slot" "another user" $U1 wasmload slot load $W/drop.wat --hook xdp --replace "$ss"
$U1 wasmload slot load $W/drop.wat --hook xdp --replace "$s1" >/dev/null 2>/tmp/px.out || { ok=0; log "owner replace: $(cat /tmp/px.out)"; }
s2=$($U1 wasmload slot load $W/pass.wat --hook xdp 2>/dev/null)
$U1 wasmload slot unload "$s2" 2>/tmp/px.out || { ok=0; log "owner unload: $(cat /tmp/px.out)"; }
wasmload slot unload "$s1" 2>/tmp/px.out || { ok=0; log "root (CAP_SYS_ADMIN) unload: $(cat /tmp/px.out)"; }
wasmload slot info "$ss" >/dev/null 2>&1 || { ok=0; log "root's slot is gone"; }
if [ $ok = 1 ]; then pass $t; else fail $t "see above"; fi

# T4. A kprobe slot named in an XDP trampoline does not run: its free-form i32 (here 1) must not
#     become an XDP verdict (DROP); the kfunc answers as for an empty slot (PASS).
t=hook_kind_checked
sk=$(load $W/kprobe_one.wat --hook kprobe --name kone)
set_slot wasm_xdp "$sk"
v=$(xdp_run $PIN/tx/wasm_xdp /pkts/udp.bin)
st=$(wasmload slot stats "$sk")
wasmload slot unload "$sk"
if [ "$v" = 2 ] && echo "$st" | grep -q "runs 0 "; then pass $t; else fail $t "verdict $v (want 2), $st"; fi

# T5. Slot ids carry a generation: an unloaded id never runs the program loaded after it, and a
#     trampoline nobody configured (slot 0) runs nothing.
t=slot_id_generation
sa=$(load $W/pass.wat --hook xdp --name gen_a)
wasmload slot unload "$sa"
sb=$(load $W/drop.wat --hook xdp --name gen_b)
set_slot wasm_xdp "$sa"; v1=$(xdp_run $PIN/tx/wasm_xdp /pkts/udp.bin)
set_slot wasm_xdp 0; v0=$(xdp_run $PIN/tx/wasm_xdp /pkts/udp.bin)
set_slot wasm_xdp "$sb"; v2=$(xdp_run $PIN/tx/wasm_xdp /pkts/udp.bin)
i1=$(wasmload slot info "$sa" 2>&1 >/dev/null | head -1)
wasmload slot unload "$sb"
log "first id $sa, next id $sb; stale id verdict $v1, id 0 verdict $v0, live id verdict $v2"
if [ "$sa" != "$sb" ] && [ "$v1" = 2 ] && [ "$v0" = 2 ] && [ "$v2" = 1 ] && [ -n "$i1" ]; then pass $t; else fail $t "ids $sa/$sb verdicts stale=$v1 zero=$v0 live=$v2 (want 2 2 1)"; fi

# T6. Maps the program side may not write (BPF_F_RDONLY_PROG, e.g. a frozen .rodata) or read
#     (BPF_F_WRONLY_PROG), and values with special fields (a bpf_spin_lock), bound by an existing
#     eBPF program that calls the kfunc. Before: the hook wrote 41 41 41 41 into the read-only map.
t=map_access_rights
rm -rf $PIN/fm
if bpftool prog loadall /bpf/foreign_maps.bpf.o $PIN/fm >/tmp/fm.log 2>&1; then
	sr=$(load $W/maprights.wat --hook xdp --name maprights)
	bpftool map update id "$(map_id foreign_maps fm_cfg)" key 0 0 0 0 value $(le32 "$sr")
	ro=$(map_id foreign_maps fm_ro); wo=$(map_id foreign_maps fm_wo); lk=$(map_id foreign_maps fm_lock)
	bpftool map update id "$ro" key 0 0 0 0 value 7 0 0 0 0 0 0 0
	v=$(xdp_run $PIN/fm/foreign_maps /pkts/udp.bin)
	rov=$(bpftool map lookup id "$ro" key 0 0 0 0 | sed -n 's/.*"value": \([0-9]*\).*/\1/p')
	mask=$(bpftool map lookup id "$wo" key 1 0 0 0 | sed -n 's/.*"value": \([0-9]*\).*/\1/p')
	lkv=$(bpftool map lookup id "$lk" key 0 0 0 0 | tr -d ' \n')
	log "verdict $v, read-only map value $rov, checks mask $mask (want 255), locked value $lkv"
	wasmload slot unload "$sr"
	if [ "$v" = 2 ] && [ "$rov" = 7 ] && [ "$mask" = 255 ]; then pass $t; else fail $t "verdict $v ro-value $rov mask $mask (want 2 7 255)"; fi
else
	fail $t "foreign_maps did not load: $(tail -5 /tmp/fm.log)"
fi
rm -rf $PIN/fm

# T6b. The loader refuses to bind a map with special fields and says what a read-only map means.
t=loader_map_binding_checks
rm -rf $PIN/fm $PIN/fmm; mkdir -p $PIN/fmm
if bpftool prog loadall /bpf/foreign_maps.bpf.o $PIN/fm pinmaps $PIN/fmm >/tmp/fm.log 2>&1; then
	wasmload attach --xdp lo --mode skb /wasm/lockmap.wat --map lock=$PIN/fmm/fm_lock >/tmp/lk.log 2>&1; r1=$?
	wasmload attach --xdp lo --mode skb /wasm/romap.wat --map ro=$PIN/fmm/fm_ro >/tmp/ro.log 2>&1; r2=$?
	wasmload detach romap >/dev/null 2>&1
	log "$(head -1 /tmp/lk.log)"; log "$(head -1 /tmp/ro.log)"
	if [ $r1 != 0 ] && grep -q "special field (lock: struct bpf_spin_lock)" /tmp/lk.log &&
		[ $r2 = 0 ] && grep -q "BPF_F_RDONLY_PROG" /tmp/ro.log && ! wasmload list 2>/dev/null | grep -q lockmap; then
		pass $t
	else
		fail $t "lock rc=$r1 ro rc=$r2"
	fi
else
	fail $t "foreign_maps did not load: $(tail -5 /tmp/fm.log)"
fi
rm -rf $PIN/fm $PIN/fmm

# T7. A hook's trace bytes cannot drive the console or forge log lines.
t=trace_sanitized
st=$(load $W/tracectl.wat --hook xdp --name tracectl)
set_slot wasm_xdp "$st"
xdp_run $PIN/tx/wasm_xdp /pkts/udp.bin >/dev/null
wasmload slot unload "$st"
if dmesg | grep -q "slot $st: A?\[31mB?wasmhook: FORGED?Z" && ! dmesg | grep -q "^[^:]*wasmhook: FORGED" &&
	! dmesg | grep -q "$(printf '\033')"; then
	pass $t
else
	fail $t "$(dmesg | grep -a FORGED | head -3)"
fi

# T8. Refused ioctls are logged rate-limited: 5 rounds of garbage (~120 refusals) stay few lines.
t=ioctl_warnings_ratelimited
before=$(dmesg | grep -c -E 'wasmhook: (unknown ioctl|LOAD refused|UNLOAD refused|ioctl)')
i=0; while [ $i -lt 5 ]; do wasmload debug garbage-ioctls >/dev/null 2>&1; i=$((i + 1)); done
after=$(dmesg | grep -c -E 'wasmhook: (unknown ioctl|LOAD refused|UNLOAD refused|ioctl)')
n=$((after - before))
log "refusal lines logged for 5 garbage rounds: $n"
if [ "$n" -le 12 ]; then pass $t; else fail $t "$n warning lines (want <= 12)"; fi

# T9. A kprobe hook's fuel is bounded lower than an XDP hook's (it may run with IRQs off).
t=kprobe_fuel_cap
if load $W/count.wat --hook kprobe --fuel 2000000 >/dev/null; then
	fail $t "a kprobe hook with 2M fuel was accepted"
elif grep -q "maximum for this hook" /tmp/load.err && sx=$(load $W/pass.wat --hook xdp --fuel 2000000); then
	wasmload slot unload "$sx"; pass $t
else
	fail $t "$(cat /tmp/load.err)"
fi

# T9b. A kprobe hook on a function our own map helper runs (wasmhook_c_map_lookup) would run
#      inside every map_lookup of an XDP hook, each time with its own fuel: nesting multiplied
#      the bound of one packet (the in-kernel fuzz run hit soft lockups). Nested kprobe runs are
#      refused and counted as busy.
t=nested_kprobe_refused
sm=$(load $W/mapdrop.wat --hook xdp --name nestxdp)
set_slot wasm_xdp "$sm"
if wasmload attach --kprobe wasmhook_c_map_lookup --fuel 1000000 --name kspin $W/kspin.wat >/tmp/ks.log 2>&1; then
	v=$(xdp_run $PIN/tx/wasm_xdp /pkts/udp.bin 5)
	# (through a pipe that closes early: wasmload must end quietly, not panic in println!)
	ks=$(wasmload stats kspin 2>/tmp/ks.err | head -1)
	wasmload detach kspin >/dev/null 2>&1
	log "$ks"
	if grep -q panicked /tmp/ks.err; then
		fail $t "wasmload panicked on a closed pipe: $(head -2 /tmp/ks.err)"
	elif [ -n "$v" ] && echo "$ks" | grep -Eq "runs 0 .*busy [1-9]"; then pass $t; else fail $t "xdp verdict $v; $ks (want runs 0, busy > 0)"; fi
else
	fail $t "kprobe on wasmhook_c_map_lookup did not attach: $(tail -3 /tmp/ks.log)"
fi
wasmload slot unload "$sm" 2>/dev/null

wasmload slot unload "$ss" 2>/dev/null
rm -rf $PIN/tx
chmod 0600 /dev/wasmhook

# T10. The module-wide memory budget: with max_mem_mb=1 a hook whose per-CPU instances need more
#      is refused with a clear message, a small one still loads.
t=memory_budget
# The trampolines' programs are freed after an RCU grace period: rmmod may need a few tries.
i=0; while ! rmmod wasmhook 2>/dev/null && [ $i -lt 40 ]; do sleep 0.25; i=$((i + 1)); done
if insmod /wasmhook.ko max_mem_mb=1; then
	big=$(load $W/bigmem16.wat --hook xdp --mem-pages 16); rb=$?
	eb=$(cat /tmp/load.err)
	small=$(load $W/pass.wat --hook xdp); rs=$?
	[ -n "$small" ] && wasmload slot unload "$small"
	rmmod wasmhook
	log "16-page hook: $eb"
	if [ $rb != 0 ] && echo "$eb" | grep -q "memory budget" && [ $rs = 0 ]; then pass $t; else fail $t "big rc=$rb ($eb), small rc=$rs"; fi
else
	fail $t "insmod max_mem_mb=1 failed"
fi
insmod /wasmhook.ko

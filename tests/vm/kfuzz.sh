#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The in-kernel fuzz run, inside the QEMU guest (scripts/test-kfuzz packs /kfuzz: the inputs
# from kfuzz-gen, the static kfuzz-guest, config with SEED). Last line: `KFUZZ inputs=N oops=M`.
#
# Setup: the module, a veth pair, BPF maps of every supported type plus wrong-sized, unsupported
# and read-/write-only ones, XDP trampolines bound to four map sets (x0..x3), a shared one for
# test-run traffic, one attached to veth0 (real UDP traffic from the peer namespace), a kprobe
# trampoline on getppid(2) (kp) and one on wasmhook_c_map_lookup (hot: a kprobe hook nested
# inside other hooks' map lookups).
# Then, at the same time: the inputs one by one (kfuzz-guest run: LOAD, run on packets/kprobes,
# check verdicts and counters, UNLOAD), LOAD/REPLACE/UNLOAD churn on the slots the shared, veth
# and hot trampolines run, garbage ioctls, test-run traffic on CPU 0 and UDP on CPU 1.

K=/kfuzz
KG=$K/kfuzz-guest
P=/sys/fs/bpf/kf
IP=/bin/ip
TR=/tmp/tramps.txt
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
SEED=1
# shellcheck disable=SC1091
[ -f $K/config ] && . $K/config
log() { echo "  | $*"; }

# kfuzz-guest logs each input to /dev/kmsg (ordered with the kernel's own lines): no rate limit.
echo on >/proc/sys/kernel/printk_devkmsg
insmod /wasmhook.ko || { echo "KFUZZ-SETUP: insmod failed"; exit 1; }
mkdir -p $P
: >$TR

$IP netns add wh &&
	$IP link add veth0 type veth peer name veth1 &&
	$IP link set veth1 netns wh &&
	$IP addr add 10.9.0.1/24 dev veth0 && $IP link set veth0 up &&
	$IP netns exec wh /bin/ip addr add 10.9.0.2/24 dev veth1 &&
	$IP netns exec wh /bin/ip link set veth1 up || log "veth setup failed"

# Maps: name type key value entries [flags].
mk() {
	bpftool map create $P/$1 type $2 key $3 value $4 entries $5 name $1 ${6:+flags $6} 2>/tmp/kf-map.log ||
		log "map $1 ($2 key $3 value $4) not created: $(tail -1 /tmp/kf-map.log)"
}
mk a_lru lru_hash 4 8 64
mk a_pch percpu_hash 8 16 64
mk a_lpch lru_percpu_hash 16 256 64
mk b_arr1 array 4 256 1
mk b_h256 hash 256 1 16
mk b_big array 4 4096 4
mk c_rb ringbuf 0 0 4096
mk c_lpm lpm_trie 8 8 16 1
mk c_q queue 0 8 16
mk d_ro array 4 8 4 0x80
mk d_wo hash 4 8 4 0x100
mk d_pca percpu_array 4 8 16
reuse() { # wh_mN=map ...: bpftool's "map name wh_mN pinned P" for the maps that exist
	for b in "$@"; do
		[ -e $P/${b#*=} ] && printf 'map name %s pinned %s ' "${b%%=*}" "$P/${b#*=}"
	done
}
map_id() { # program name $1, map name $2
	for id in $(bpftool prog show name "$1" | sed -n 's/.*map_ids \([0-9,]*\).*/\1/p' | tr ',' ' '); do
		bpftool map show id "$id" | grep -q "name $2 " && { echo "$id"; return; }
	done
}
# XDP trampoline for role $1 with maps bound ($2...); without them if the verifier refuses.
xdp_tramp() {
	role=$1; shift
	# shellcheck disable=SC2046
	if ! bpftool prog loadall /tramp/wasm_xdp.bpf.o $P/$role $(reuse "$@") pinmaps $P/${role}_maps >/tmp/kf-tramp.log 2>&1; then
		log "trampoline $role with maps $*: $(grep -v '^$' /tmp/kf-tramp.log | tail -1); default maps instead"
		rm -rf $P/$role $P/${role}_maps
		bpftool prog loadall /tramp/wasm_xdp.bpf.o $P/$role pinmaps $P/${role}_maps >/tmp/kf-tramp.log 2>&1 ||
			{ log "trampoline $role: $(tail -1 /tmp/kf-tramp.log)"; return 1; }
	fi
	echo "$role $P/$role/wasm_xdp $P/${role}_maps/wh_cfg" >>$TR
}
# kprobe trampoline (program $2 in /bpf/$3), attached by bpftool; its wh_cfg pinned as $P/$1_cfg.
kp_tramp() {
	role=$1; prog=$2; obj=$3; shift 3
	# shellcheck disable=SC2046
	if ! bpftool prog loadall /bpf/$obj $P/$role $(reuse "$@") autoattach >/tmp/kf-tramp.log 2>&1; then
		log "kprobe trampoline $role with maps $*: $(grep -v '^$' /tmp/kf-tramp.log | tail -1); default maps instead"
		rm -rf $P/$role
		bpftool prog loadall /bpf/$obj $P/$role autoattach >/tmp/kf-tramp.log 2>&1 ||
			{ log "kprobe trampoline $role: $(tail -1 /tmp/kf-tramp.log)"; return 1; }
	fi
	bpftool map pin id "$(map_id "$prog" wh_cfg)" $P/${role}_cfg && echo "$role - $P/${role}_cfg" >>$TR
}
xdp_tramp x0
xdp_tramp x1 wh_m0=a_lru wh_m1=a_pch wh_m2=a_lpch
xdp_tramp x2 wh_m0=b_arr1 wh_m1=b_h256 wh_m2=b_big
xdp_tramp x3 wh_m0=c_rb wh_m1=c_lpm wh_m2=d_wo
xdp_tramp shared wh_m0=d_ro wh_m1=c_q wh_m2=d_pca
xdp_tramp veth wh_m0=a_lru wh_m1=d_wo wh_m2=d_pca
bpftool net attach xdpgeneric pinned $P/veth/wasm_xdp dev veth0 || log "veth XDP attach failed"
# BPF_PROG_TEST_RUN with repeat > 1 adds its program to the kernel's XDP dispatcher and removes it
# afterwards, two static_call text pokes per run; under TCG a CPU running generic XDP meanwhile
# can execute the poke's int3 after it is gone ("Oops: int3" in bpf_dispatcher_xdp_func, with no
# wasmhook involved: tests/kfuzz/regressions/dispatcher-int3). Attached programs stay in the
# dispatcher, so each test-run trampoline is attached (generic mode) to a spare, down veth.
if [ "${PIN_DISPATCHER:-1}" = 1 ]; then
	for role in x0 x1 x2 x3 shared; do
		[ -e $P/$role/wasm_xdp ] || continue
		$IP link add kf_$role type veth peer name kfp_$role &&
			bpftool net attach xdpgeneric pinned $P/$role/wasm_xdp dev kf_$role ||
			log "trampoline $role not pinned in the XDP dispatcher"
	done
fi
kp_tramp kp kf_kp kfuzz_kp.bpf.o wh_m0=a_lru wh_m1=a_pch wh_m2=d_ro
# HOT=0 (KFUZZ_HOT=0 scripts/test-kfuzz) leaves the nested kprobe out
# (tests/kfuzz/regressions/nested-kprobe-fuel).
[ "${HOT:-1}" = 1 ] && kp_tramp hot kf_hot kfuzz_hot.bpf.o wh_m0=d_pca
log "trampolines: $(cut -d' ' -f1 $TR | tr '\n' ' ')"
log "maps: $(ls $P | grep -v _ | tr '\n' ' ')$(ls $P | grep -c '^[abcd]_') created"

# The concurrent loops, then the inputs; the loops stop when the inputs are done.
rm -f /tmp/kfuzz.stop /tmp/kf-*.out
($KG churn $K $TR "$SEED" 2>&1 | tee /tmp/kf-churn.out) &
churn=$!
($KG ioctls "$SEED" 2>&1 | tee /tmp/kf-ioctls.out) &
ioc=$!
($KG traffic $K $TR 0 2>&1 | tee /tmp/kf-traffic.out) &
tr0=$!
($IP netns exec wh $KG udp 10.9.0.1 1 2>&1 | tee /tmp/kf-udp.out) &
udp=$!
t0=$(date +%s)
# One kernel-log line per input (kfuzz: kf N ...): the last one names the input to replay if the
# kernel dies. The regression inputs (tests/kfuzz/regressions) come first.
$KG run $K $TR "$SEED" ${KFUZZ_LIMIT:-} 2>&1 | tee /tmp/kf-run.out
touch /tmp/kfuzz.stop
wait $churn $ioc $tr0 $udp
t1=$(date +%s)
log "inputs done in $((t1 - t0))s"
n=$(sed -n 's/^KFUZZ-RUN inputs=\([0-9]*\).*/\1/p' /tmp/kf-run.out)
anomalies=$(cat /tmp/kf-*.out | grep -c -e '^KFUZZ-ANOMALY' -e 'panicked')
loops=$(cat /tmp/kf-*.out | grep -c -E '^KFUZZ-(RUN|CHURN|IOCTLS|TRAFFIC|UDP) ')

# Tear down: detach, unpin; the module must unload (nothing leaked a reference).
bpftool net detach xdpgeneric dev veth0
for role in x0 x1 x2 x3 shared; do $IP link del kf_$role 2>/dev/null; done
rm -rf $P
i=0; rm_ok=0
while [ $i -lt 10 ]; do sleep 1; if rmmod wasmhook 2>/tmp/rmmod.err; then rm_ok=1; break; fi; i=$((i + 1)); done
[ $rm_ok = 1 ] && log "rmmod: ok" || log "rmmod failed: $(cat /tmp/rmmod.err)"

# Trace lines of the hooks are their own text: leave them out of the kernel-log check.
oops=$(dmesg | grep -v 'wasmhook: slot [0-9]*:' |
	grep -cE 'BUG:|WARNING:|Oops|Call Trace|UBSAN:|rcu.*stall|Kernel panic|general protection|refcount_t:|INFO: task .* blocked|DEBUG_LOCKS_WARN_ON')
echo "KFUZZ-ANOMALIES $anomalies"
echo "KFUZZ-LOOPS $loops of 5 finished"
echo "KFUZZ-RMMOD $([ $rm_ok = 1 ] && echo ok || echo failed)"
echo "KFUZZ inputs=${n:-0} oops=$oops"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of scripts/bench-hook --icount: guest instructions per packet. QEMU runs with
# `-icount shift=0,sleep=off` and one CPU, so the guest clock advances 1 ns per emulated
# instruction and BPF_PROG_TEST_RUN's "duration (average)" is the instructions of one run of the
# program (plus its share of the test loop, the same for every program). Programs: the empty XDP
# program; the calibration loops (tests/vm/bpf/xdp_loop.bpf.c, JIT images printed for the host
# to disassemble); the trampoline with no slot (id 0), with a stale id (the right table index,
# another generation), with the empty Wasm hook (loaded as a slot, and attached with wasmload),
# the same with kernel.bpf_stats_enabled=1; hooks of four map lookups, map updates, map_adds or
# packet reads; the Wasm ICMP filters and the native one.
# Prints `HOOK icount NAME insns_per_packet=N spread=S` (S: max - min of three runs).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
N=${WH_BENCH_REPEAT:-20000}
PKT=/pkts/echo_req.bin
B=/sys/fs/bpf/icount
A=/sys/fs/bpf/wasmload
mkdir -p $B
insmod /wasmhook.ko || { echo "HOOK error: insmod failed"; exit 1; }
echo "HOOK info: clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)," \
	"$(dmesg | grep -o 'tsc: Refined TSC clocksource calibration: .*\|tsc: Detected .* processor' | tail -n1)," \
	"$(grep -c ^processor /proc/cpuinfo) cpu, flags:$(grep -m1 ^flags /proc/cpuinfo | grep -ow 'erms\|fsrm\|fsrs' | tr '\n' ' ')"

# Instructions per run of the pinned program $1: min of three runs of $N repetitions.
icount() {
	lo= hi=
	for _ in 1 2 3; do
		d=$(bpftool prog run pinned "$1" data_in $PKT repeat "$N" 2>&1 |
			sed -n 's/.*duration (average): \([0-9]*\)ns.*/\1/p')
		[ -z "$d" ] && continue
		if [ -z "$lo" ] || [ "$d" -lt "$lo" ]; then lo=$d; fi
		if [ -z "$hi" ] || [ "$d" -gt "$hi" ]; then hi=$d; fi
	done
	echo "HOOK icount $2 insns_per_packet=${lo:-NA} spread=$((${hi:-0} - ${lo:-0}))"
}
verdict() { bpftool prog run pinned "$1" data_in $PKT repeat 1 | sed -n 's/^Return value: \([0-9]*\).*/\1/p'; }
map_id() { # program name $1, map name $2
	for id in $(bpftool prog show name "$1" | sed -n 's/.*map_ids \([0-9,]*\).*/\1/p' | tr ',' ' '); do
		bpftool map show id "$id" | grep -q "name $2 " && { echo "$id"; return; }
	done
}
le32() { printf '%d %d %d %d' $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }
set_slot() { bpftool map update id "$(map_id wasm_xdp wh_cfg)" key 0 0 0 0 value $(le32 "$1"); }
jit() { echo "HOOK icount-jit $2 $(jitdump "$1")"; } # the JIT image, for the host's disassembler

# Calibration: two loops whose difference is 9000 trips of a known body.
bpftool prog load /bpf/xdp_empty.bpf.o $B/empty type xdp
bpftool prog loadall /bpf/xdp_loop.bpf.o $B/loop type xdp
for p in xdp_loop_1k xdp_loop_10k; do
	icount $B/loop/$p $p
	jit $B/loop/$p $p
done
jit $B/empty empty_xdp

# 1. The empty XDP program.
icount $B/empty empty_xdp

# 2. The trampoline (loaded by bpftool, as the VM tests do) with no slot, a stale id and the
#    empty Wasm hook; then the same hook attached with wasmload (what scripts/bench-hook runs).
sp=$(wasmload slot load /wasm/pass.wat --hook xdp --name pass) || { echo "HOOK error: load failed"; exit 1; }
bpftool prog loadall /tramp/wasm_xdp.bpf.o $B/tr
set_slot 0
icount $B/tr/wasm_xdp tramp_no_slot
set_slot $((sp + 64)) # WH_MAX_SLOTS: same table index, next generation
icount $B/tr/wasm_xdp tramp_stale_id
set_slot "$sp"
icount $B/tr/wasm_xdp tramp_empty_wasm
jit $B/tr/wasm_xdp trampoline
sysctl -qw kernel.bpf_stats_enabled=1
icount $B/tr/wasm_xdp tramp_empty_wasm_stats_on
icount $B/empty empty_xdp_stats_on
sysctl -qw kernel.bpf_stats_enabled=0
rm -rf $B/tr
wasmload slot unload "$sp" >/dev/null
wasmload attach --xdp lo --mode skb --name pass /wasm/pass.wat >/dev/null
icount $A/pass/prog trampoline_empty_wasm
wasmload detach pass >/dev/null

# 2b. Four host calls each (tests/vm/wasm/bench_*.wat): against the empty hook, the in-kernel
#     cost of one array-map lookup, update and map_add, one packet read.
for h in lookup4 update4 add4 pkt4; do
	wasmload attach --xdp lo --mode skb --name "$h" /wasm/bench_$h.wat >/dev/null
	icount $A/$h/prog "wasm_$h"
	wasmload detach "$h" >/dev/null
done

# 3. The Wasm ICMP filters, policy on (the echo request is counted and dropped).
for f in /wasm/xdp_icmp_rs.wasm /wasm/xdp_icmp.wat; do
	[ -f $f ] || { echo "HOOK error: $f missing"; continue; }
	name=wasm_icmp; [ $f = /wasm/xdp_icmp.wat ] && name=wasm_icmp_wat
	wasmload attach --xdp lo --mode skb --name icmp $f >/dev/null
	bpftool map update pinned $A/icmp/maps/policy key 0 0 0 0 value 1 0 0 0
	echo "HOOK info: $name is $f, verdict $(verdict $A/icmp/prog) (1 = XDP_DROP expected)"
	icount $A/icmp/prog $name
	wasmload detach icmp >/dev/null
done

# 4. The native eBPF ICMP filter, same policy.
bpftool prog load /bpf/icmp_native.bpf.o $B/native type xdp
bpftool map update id "$(map_id icmp_native policy)" key 0 0 0 0 value 1 0 0 0
echo "HOOK info: native_icmp verdict $(verdict $B/native) (1 = XDP_DROP expected)"
icount $B/native native_icmp
echo "HOOK info: repeat=$N"
rm -rf $B

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of run-repro: no wasmhook at all. BPF_PROG_TEST_RUN with repeat > 1 of one XDP
# program on CPU 0 (each run adds the program to the XDP dispatcher and removes it again: two
# static_call text pokes) while UDP runs through another XDP program in generic mode on veth0 on
# CPU 1. Prints DISPATCHER-DONE after SECS seconds if the kernel survived.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
K=/kfuzz
SECS=${SECS:-120}
IP=/bin/ip
$IP netns add wh && $IP link add veth0 type veth peer name veth1 && $IP link set veth1 netns wh &&
	$IP addr add 10.9.0.1/24 dev veth0 && $IP link set veth0 up &&
	$IP netns exec wh /bin/ip addr add 10.9.0.2/24 dev veth1 && $IP netns exec wh /bin/ip link set veth1 up
bpftool prog load /bpf/xdp_empty.bpf.o /sys/fs/bpf/t type xdp
bpftool prog load /bpf/xdp_empty.bpf.o /sys/fs/bpf/v type xdp
bpftool net attach xdpgeneric pinned /sys/fs/bpf/v dev veth0
echo "shared /sys/fs/bpf/t /sys/fs/bpf/t" >/tmp/t.txt
rm -f /tmp/kfuzz.stop
$K/kfuzz-guest traffic $K /tmp/t.txt 0 &
a=$!
$IP netns exec wh $K/kfuzz-guest udp 10.9.0.1 1 &
b=$!
sleep "$SECS"
touch /tmp/kfuzz.stop
wait $a $b
echo "DISPATCHER-DONE after ${SECS}s"

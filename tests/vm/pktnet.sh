#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# pktnet.sh - what the packet tests (pkt-tests.sh, tcegress-tests.sh) share, sourced by them:
# when run alone (scripts/test-vm --script ...), the pass/fail/log helpers, bpffs and the module,
# and WH_ALONE=1 (the script then prints its own VM-TESTS line); then the topology, made once:
# root ns veth0 10.9.0.1 <-> netns `wh` veth1 10.9.0.2 (as attach-tests.sh), and root ns veth2
# <-> netns `wh2` veth3 (no addresses), the redirect target. Sets A, IP, NS and NS2.

if ! command -v pass >/dev/null 2>&1; then
	export PATH=/bin:/sbin:/usr/bin:/usr/sbin
	PASSED=0; FAILED=0; WH_ALONE=1
	log() { echo "  | $*"; }
	pass() { PASSED=$((PASSED + 1)); echo "TEST $1: PASS"; }
	fail() { FAILED=$((FAILED + 1)); echo "TEST $1: FAIL: $2"; }
	mount -t bpf bpf /sys/fs/bpf 2>/dev/null
	insmod /wasmhook.ko
fi

A=/sys/fs/bpf/wasmload
IP=/bin/ip
NS="$IP netns exec wh"
NS2="$IP netns exec wh2"
if ! $IP link show veth0 >/dev/null 2>&1; then
	$IP netns add wh; $IP link add veth0 type veth peer name veth1; $IP link set veth1 netns wh
	$IP addr add 10.9.0.1/24 dev veth0; $IP link set veth0 up; $IP link set lo up
	$NS /bin/ip addr add 10.9.0.2/24 dev veth1; $NS /bin/ip link set veth1 up; $NS /bin/ip link set lo up
fi
if ! $IP link show veth2 >/dev/null 2>&1; then
	$IP netns add wh2; $IP link add veth2 type veth peer name veth3; $IP link set veth3 netns wh2
	$IP link set veth2 up; $NS2 /bin/ip link set veth3 up
fi

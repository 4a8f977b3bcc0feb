#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of scripts/demo: a newcomer's first session with wasmhook, on a veth pair.
# Every command is echoed as `$ cmd`, its output indented with `  | `.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
IP=/bin/ip   # iproute2 (busybox's `ip` cannot make veth pairs)
say() { echo "DEMO # $*"; }
# iproute2 warns that it cannot flock /run/netns on this tmpfs; harmless, hidden.
run() { echo "\$ $*"; "$@" 2>&1 | grep -v 'could not flock' | sed 's/^/  | /'; }
# A shell pipeline, echoed verbatim.
runsh() { echo "\$ $1"; sh -c "$1" 2>&1 | sed 's/^/  | /'; }

say "load the module: it adds /dev/wasmhook and the kfuncs wasmhook_xdp / wasmhook_kprobe"
run insmod /wasmhook.ko
say "a network namespace 'peer' behind a veth pair: veth0 10.9.0.1 <-> veth1 10.9.0.2"
run $IP netns add peer
run $IP link add veth0 type veth peer name veth1
run $IP link set veth1 netns peer
run $IP addr add 10.9.0.1/24 dev veth0
run $IP link set veth0 up
run $IP netns exec peer /bin/ip addr add 10.9.0.2/24 dev veth1
run $IP netns exec peer /bin/ip link set veth1 up
run $IP netns exec peer ping -c 2 -i 0.2 10.9.0.1
say "the hook: drops pings while policy[0] == 1, counts ICMP per type (maps declared in the .wat)"
runsh "grep -E '^;;|@custom' /wasm/xdp_icmp.wat"
say "try it on a packet in user space first (same engine as the kernel)"
run wasmload test --xdp /wasm/xdp_icmp.wat --packet "$(od -An -v -tx1 /pkts/echo_req.bin | tr -d ' \n')"
say "attach it to veth0"
run wasmload attach --xdp veth0 --mode skb /wasm/xdp_icmp.wat
run wasmload list
run bpftool prog show name wasm_xdp
say "turn the policy on with bpftool: pings from the peer are dropped"
run bpftool map update pinned /sys/fs/bpf/wasmload/xdp_icmp/maps/policy key 0 0 0 0 value 1 0 0 0
run $IP netns exec peer ping -c 3 -i 0.2 -W 1 10.9.0.1
say "the Wasm code counted them (ICMP type 8 = echo request)"
runsh "bpftool map dump pinned /sys/fs/bpf/wasmload/xdp_icmp/maps/counts | grep -v 'value: 00 00 00 00 00 00 00 00'"
run bpftool map lookup pinned /sys/fs/bpf/wasmload/xdp_icmp/maps/counts key 8 0 0 0
say "flip the policy back: pings pass, no re-attach"
run bpftool map update pinned /sys/fs/bpf/wasmload/xdp_icmp/maps/policy key 0 0 0 0 value 0 0 0 0
run $IP netns exec peer ping -c 2 -i 0.2 10.9.0.1
run wasmload stats xdp_icmp
say "detach: link, pins and slot are gone"
run wasmload detach xdp_icmp
run wasmload list
run $IP netns exec peer ping -c 1 10.9.0.1
sleep 1
run rmmod wasmhook
say "end"

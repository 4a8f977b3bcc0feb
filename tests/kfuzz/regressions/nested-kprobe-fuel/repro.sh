#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of run-repro: a kprobe hook on wasmhook_c_map_lookup (kfuzz_hot trampoline) runs
# nested inside an XDP hook's every map_lookup; each nested run gets its own full fuel.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
K=/kfuzz
P=/sys/fs/bpf/r
le32() { printf '%d %d %d %d' $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }
insmod /wasmhook.ko
mkdir -p $P
bpftool prog loadall /tramp/wasm_xdp.bpf.o $P/x pinmaps $P/xm
bpftool prog loadall /bpf/kfuzz_hot.bpf.o $P/hot autoattach
for id in $(bpftool prog show name kf_hot | sed -n 's/.*map_ids \([0-9,]*\).*/\1/p' | tr ',' ' '); do
	bpftool map show id "$id" | grep -q "name wh_cfg " && bpftool map pin id "$id" $P/hot_cfg
done
outer=$(wasmload slot load $K/outer.wat --hook xdp)
inner=$(wasmload slot load $K/inner.wat --hook kprobe --fuel ${INNER_FUEL:-1000000})
echo "REPRO: outer slot $outer (fuel 100000), inner kprobe slot $inner (fuel ${INNER_FUEL:-1000000})"
bpftool map update pinned $P/xm/wh_cfg key 0 0 0 0 value $(le32 "$outer")
bpftool map update pinned $P/hot_cfg key 0 0 0 0 value $(le32 "$inner")
t0=$(date +%s)
bpftool prog run pinned $P/x/wasm_xdp data_in /pkts/udp.bin repeat 1
echo "REPRO: one XDP run took $(($(date +%s) - t0)) s"
wasmload slot stats "$outer"; wasmload slot stats "$inner"
echo "REPRO-DONE"

#!/bin/sh
# Builds the xdp-icmp example: the Wasm hook (scripts/build-hook) and its native eBPF twin.
# Usage: examples/xdp-icmp/build.sh [OUT_DIR]   (default: target/hooks)
#   OUT_DIR/xdp-icmp.wasm        the hook; package it with `wasm2hook build ... -o xdp-icmp.o`
#   OUT_DIR/icmp_native.bpf.o    the same filter as a native XDP program (same maps)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../target/hooks}
mkdir -p "$out"
"$here/../../scripts/build-hook" "$here" -o "$out/xdp-icmp.wasm"
${BPF_CLANG:-clang} -O2 -g -target bpf -Wall -Werror -I/usr/include/x86_64-linux-gnu \
    -fdebug-prefix-map="$here"=/wasmhook/examples/xdp-icmp \
    -c "$here/native/icmp_native.bpf.c" -o "$out/icmp_native.bpf.o"
echo "xdp-icmp: $out/xdp-icmp.wasm $out/icmp_native.bpf.o" >&2

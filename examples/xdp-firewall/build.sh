#!/bin/sh
# Builds the xdp-firewall example: the Wasm hook (scripts/build-hook) and its native eBPF twin.
# Usage: examples/xdp-firewall/build.sh [OUT_DIR]   (default: target/hooks)
#   OUT_DIR/xdp-firewall.wasm        the hook; package it with `wasm2hook build ... -o xdp-firewall.o`
#   OUT_DIR/firewall_native.bpf.o    the same filter as a native XDP program (same maps)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../target/hooks}
mkdir -p "$out"
"$here/../../scripts/build-hook" "$here" -o "$out/xdp-firewall.wasm"
${BPF_CLANG:-clang} -O2 -g -target bpf -Wall -Werror -I/usr/include/x86_64-linux-gnu \
    -fdebug-prefix-map="$here"=/wasmhook/examples/xdp-firewall \
    -c "$here/native/firewall_native.bpf.c" -o "$out/firewall_native.bpf.o"
echo "xdp-firewall: $out/xdp-firewall.wasm $out/firewall_native.bpf.o" >&2

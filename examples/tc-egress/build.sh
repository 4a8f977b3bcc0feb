#!/bin/sh
# Builds the tc-egress example: the Wasm hook (scripts/build-hook) and its native eBPF twin.
# Usage: examples/tc-egress/build.sh [OUT_DIR]   (default: target/hooks)
#   OUT_DIR/tc-egress.wasm             the hook: wasmload attach --tc IFACE --direction egress
#   OUT_DIR/tc_egress_native.bpf.o     the same program as a native sched_cls program (same maps)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../target/hooks}
mkdir -p "$out"
"$here/../../scripts/build-hook" "$here" -o "$out/tc-egress.wasm"
${BPF_CLANG:-clang} -O2 -g -target bpf -Wall -Werror -I/usr/include/x86_64-linux-gnu \
    -fdebug-prefix-map="$here"=/wasmhook/examples/tc-egress \
    -c "$here/native/tc_egress_native.bpf.c" -o "$out/tc_egress_native.bpf.o"
echo "tc-egress: $out/tc-egress.wasm $out/tc_egress_native.bpf.o" >&2

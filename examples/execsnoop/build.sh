#!/bin/sh
# Builds the execsnoop example: the Wasm hook (scripts/build-hook) and its native eBPF twin.
# Usage: examples/execsnoop/build.sh [OUT_DIR]   (default: target/hooks)
#   OUT_DIR/execsnoop.wasm             the hook: wasmload attach --tracepoint sched:sched_process_exec
#   OUT_DIR/execsnoop_native.bpf.o     the same tracer as a native tracepoint program
#   (its libbpf user half, native/execsnoop_user.c, needs libbpf: see scripts/test-vm)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../target/hooks}
mkdir -p "$out"
"$here/../../scripts/build-hook" "$here" -o "$out/execsnoop.wasm"
${BPF_CLANG:-clang} -O2 -g -target bpf -Wall -Werror -I/usr/include/x86_64-linux-gnu \
    -fdebug-prefix-map="$here"=/wasmhook/examples/execsnoop \
    -c "$here/native/execsnoop_native.bpf.c" -o "$out/execsnoop_native.bpf.o"
echo "execsnoop: $out/execsnoop.wasm $out/execsnoop_native.bpf.o" >&2

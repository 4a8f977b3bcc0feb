#!/bin/sh
# Builds the C example to a .wasm with Debian clang 14 + wasm-ld (package lld).
# Usage: examples/c-drop-udp/build.sh [OUT.wasm]   (default: target/hooks/c-drop-udp.wasm)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../target/hooks/c-drop-udp.wasm}
mkdir -p "$(dirname "$out")"
${CLANG:-clang} --target=wasm32 -O2 -nostdlib -Wall -Werror -I "$here/../../sdk/c" \
    -Wl,--no-entry -Wl,--export=xdp -Wl,-z,stack-size=8192 -Wl,--strip-debug \
    "$here/drop_udp.c" -o "$out"
echo "c-drop-udp: $out" >&2

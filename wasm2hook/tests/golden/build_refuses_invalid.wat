;; wasm2hook build {} -o refused.o
;; `build` runs `check` first and writes nothing when it fails.
(module
  (import "wasmhook" "pkt_u8" (func (param i32) (result i64)))
  (memory 1)
  (func (export "xdp") (param i32) (result i32) i32.const 2))

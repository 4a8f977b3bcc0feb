;; wasm2hook check {}
;; pkt_u32 returns i64 (so -1 can mean out of range), not i32.
(module
  (import "wasmhook" "pkt_u32" (func (param i32) (result i32)))
  (memory 1)
  (func (export "xdp") (param i32) (result i32) i32.const 2))

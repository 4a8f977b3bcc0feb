;; wasm2hook check {}
;; Every problem is reported, one line each, in file order.
(module
  (import "env" "abort" (func))
  (import "wasmhook" "trace" (func (param i32 i32) (result i32)))
  (import "wasmhook" "pkt_size" (func (result i32)))
  (func (export "xdp") (result i32) i32.const 2))

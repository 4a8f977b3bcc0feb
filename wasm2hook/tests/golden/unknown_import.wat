;; wasm2hook check {}
;; A host function that Hook ABI v1 does not have.
(module
  (import "wasmhook" "pkt_length" (func (result i32)))
  (memory 1)
  (func (export "xdp") (param i32) (result i32) i32.const 2))

;; wasm2hook inspect {}
;; A tc hook (Hook ABI v2): entry `tc` (i32) -> i32, inferred from the export.
(module
  (import "wasmhook" "pkt_u16" (func $u16 (param i32) (result i32)))
  (memory 1)
  (func (export "tc") (param i32) (result i32)
    (if (result i32) (i32.eq (call $u16 (i32.const 12)) (i32.const 0x0806))
      (then (i32.const 2)) (else (i32.const 0)))))

;; wasm2hook check {}
;; A tracepoint hook reading its record with ctx_read.
(module
  (import "wasmhook" "ctx_read" (func (param i32 i32 i32) (result i32)))
  (import "wasmhook" "comm" (func (param i32 i32) (result i32)))
  (memory 1)
  (func (export "tracepoint") (param i32) (result i32)
    (drop (call 0 (i32.const 12) (i32.const 0) (i32.const 4)))
    i32.const 0))

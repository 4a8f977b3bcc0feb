;; wasm2hook check {}
;; A tracepoint hook that imports pkt_read and kprobe_arg: a tracepoint has neither.
(module
  (import "wasmhook" "ctx_read" (func (param i32 i32 i32) (result i32)))
  (import "wasmhook" "pkt_read" (func (param i32 i32 i32) (result i32)))
  (import "wasmhook" "kprobe_arg" (func (param i32) (result i64)))
  (memory 1)
  (func (export "tracepoint") (param i32) (result i32) i32.const 0))

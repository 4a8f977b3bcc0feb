;; A tracepoint hook that imports pkt_read: refused at LOAD (a tracepoint has no packet).
(module
  (import "wasmhook" "pkt_read" (func $rd (param i32 i32 i32) (result i32)))
  (memory 1)
  (func (export "tracepoint") (param i32) (result i32)
    (drop (call $rd (i32.const 0) (i32.const 0) (i32.const 4)))
    i32.const 0))

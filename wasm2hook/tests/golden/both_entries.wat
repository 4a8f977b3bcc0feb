;; wasm2hook check {}
;; Both entries exported and no --hook: ambiguous.
(module
  (memory 1)
  (func $e (param i32) (result i32) i32.const 2)
  (export "xdp" (func $e))
  (export "kprobe" (func $e)))

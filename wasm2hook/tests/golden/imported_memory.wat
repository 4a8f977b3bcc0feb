;; wasm2hook check {}
;; The memory must be defined by the module (clang -Wl,--import-memory makes this mistake).
(module
  (import "wasmhook" "memory" (memory 1))
  (func (export "xdp") (param i32) (result i32) i32.const 2))

;; wasm2hook check {}
;; Imports from `env` (what C toolchains produce for undefined functions) are not allowed.
(module
  (import "env" "memcpy" (func (param i32 i32 i32) (result i32)))
  (memory 1)
  (func (export "xdp") (param i32) (result i32) i32.const 2))

;; wasm2hook check {}
;; The smallest valid XDP hook: a memory and `xdp` (i32) -> i32 returning XDP_PASS.
(module
  (memory 1)
  (func (export "xdp") (param i32) (result i32) i32.const 2))

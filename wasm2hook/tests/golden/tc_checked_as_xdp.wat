;; wasm2hook check {} --hook xdp
;; A tc hook checked as an XDP hook.
(module
  (memory 1)
  (func (export "tc") (param i32) (result i32) i32.const 0))

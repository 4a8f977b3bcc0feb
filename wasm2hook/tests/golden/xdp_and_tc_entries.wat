;; wasm2hook check {}
;; A module exporting both `xdp` and `tc` entries: the kind must be chosen.
(module
  (memory 1)
  (func (export "xdp") (param i32) (result i32) i32.const 2)
  (func (export "tc") (param i32) (result i32) i32.const 0))

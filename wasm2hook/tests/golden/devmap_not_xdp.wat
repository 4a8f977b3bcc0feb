;; wasm2hook check {}
;; A devmap only makes sense for XDP: a tc hook that declares one is refused, at the section.
(module
  (memory 1)
  (func (export "tc") (param i32) (result i32) i32.const 0)
  (@custom "wasmhook.maps"
    "\01\01"
    "\02tx" "\19\00\00\00" "\04\00\00\00" "\08\00\00\00" "\08\00\00\00"))

;; wasm2hook check {}
;; A queue has no keys (key size 0): one declared with a 4-byte key is refused.
(module
  (memory 1)
  (func (export "xdp") (param i32) (result i32) i32.const 2)
  (@custom "wasmhook.maps"
    "\01\01"
    "\01q" "\16\00\00\00" "\04\00\00\00" "\08\00\00\00" "\10\00\00\00"))

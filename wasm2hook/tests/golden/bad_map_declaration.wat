;; wasm2hook check {}
;; An array map must have 4-byte keys; this one declares 8.
(module
  (memory 1)
  (func (export "xdp") (param i32) (result i32) i32.const 2)
  (@custom "wasmhook.maps"
    "\01\01"
    "\05flows" "\02\00\00\00" "\08\00\00\00" "\08\00\00\00" "\10\00\00\00"))

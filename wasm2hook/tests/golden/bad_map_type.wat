;; wasm2hook check {}
;; Map type 12 (an array of maps) cannot be used from Wasm.
(module
  (memory 1)
  (func (export "xdp") (param i32) (result i32) i32.const 2)
  (@custom "wasmhook.maps"
    "\01\01"
    "\04outr" "\0c\00\00\00" "\04\00\00\00" "\04\00\00\00" "\10\00\00\00"))

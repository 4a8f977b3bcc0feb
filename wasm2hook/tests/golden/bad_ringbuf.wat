;; wasm2hook check {}
;; A ring buffer's size must be a power of two of at least 4096 bytes (here 5000), with no key
;; or value sizes.
(module
  (memory 1)
  (func (export "xdp") (param i32) (result i32) i32.const 2)
  (@custom "wasmhook.maps"
    "\01\01"
    "\06events" "\1b\00\00\00" "\00\00\00\00" "\00\00\00\00" "\88\13\00\00"))

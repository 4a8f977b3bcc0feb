;; wasm2hook inspect --json {}
;; Machine-readable inspect output.
(module
  (import "wasmhook" "pkt_u8" (func (param i32) (result i32)))
  (memory 1 2)
  (func (export "xdp") (param i32) (result i32) i32.const 2)
  (@custom "wasmhook.maps"
    "\01\01"
    "\06policy" "\02\00\00\00" "\04\00\00\00" "\04\00\00\00" "\01\00\00\00"))

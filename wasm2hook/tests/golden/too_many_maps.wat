;; wasm2hook check {}
;; A hook sees at most three maps (the trampoline passes wh_m0..wh_m2).
(module
  (memory 1)
  (func (export "xdp") (param i32) (result i32) i32.const 2)
  (@custom "wasmhook.maps"
    "\01\04"
    "\01a" "\02\00\00\00" "\04\00\00\00" "\08\00\00\00" "\01\00\00\00"
    "\01b" "\02\00\00\00" "\04\00\00\00" "\08\00\00\00" "\01\00\00\00"
    "\01c" "\02\00\00\00" "\04\00\00\00" "\08\00\00\00" "\01\00\00\00"
    "\01d" "\02\00\00\00" "\04\00\00\00" "\08\00\00\00" "\01\00\00\00"))

;; wasm2hook check {}
;; A hook redirects through one devmap: a second one (here a devmap_hash) is refused.
(module
  (memory 1)
  (func (export "xdp") (param i32) (result i32) i32.const 2)
  (@custom "wasmhook.maps"
    "\01\02"
    "\02tx" "\0e\00\00\00" "\04\00\00\00" "\04\00\00\00" "\08\00\00\00"
    "\02ty" "\19\00\00\00" "\04\00\00\00" "\04\00\00\00" "\08\00\00\00"))

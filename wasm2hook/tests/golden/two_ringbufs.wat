;; wasm2hook check {}
;; A hook has at most one ring buffer (the trampoline emits into one).
(module
  (memory 1)
  (func (export "xdp") (param i32) (result i32) i32.const 2)
  (@custom "wasmhook.maps"
    "\01\02"
    "\02ev" "\1b\00\00\00" "\00\00\00\00" "\00\00\00\00" "\00\10\00\00"
    "\03ev2" "\1b\00\00\00" "\00\00\00\00" "\00\00\00\00" "\00\10\00\00"))

;; A tc hook that declares a devmap: refused (a devmap is for XDP hooks), by wasm2hook check and
;; by wasmload attach, which leaves nothing attached (tests/vm/pkt-tests.sh P13).
(module
  (memory 1)
  (@custom "wasmhook.maps" "\01\01\02tx\0e\00\00\00\04\00\00\00\04\00\00\00\04\00\00\00")
  (func (export "tc") (param i32) (result i32) i32.const 0))

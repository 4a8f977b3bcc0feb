;; Declares map "lock" (array u32 -> 16 bytes [4]), to be bound with --map to a map whose value
;; has a bpf_spin_lock: wasmload must refuse the binding (tests/vm/trust-tests.sh).
(module
  (@custom "wasmhook.maps" "\01\01\04lock\02\00\00\00\04\00\00\00\10\00\00\00\04\00\00\00")
  (func (export "xdp") (param $len i32) (result i32) (i32.const 2)))

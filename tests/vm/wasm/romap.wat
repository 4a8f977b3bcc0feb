;; Declares map "ro" (array u32 -> u64 [4]), bound with --map to a BPF_F_RDONLY_PROG map: the
;; binding works, and wasmload says the hook's writes will get -EPERM (tests/vm/trust-tests.sh).
(module
  (@custom "wasmhook.maps" "\01\01\02ro\02\00\00\00\04\00\00\00\08\00\00\00\04\00\00\00")
  (func (export "xdp") (param $len i32) (result i32) (i32.const 2)))

;; wasm2hook check {}
;; An lpm_trie key is a u32 prefix length and at least one byte of data: 4 bytes is refused.
(module
  (memory 1)
  (func (export "xdp") (param i32) (result i32) i32.const 2)
  (@custom "wasmhook.maps"
    "\01\01"
    "\01l" "\0b\00\00\00" "\04\00\00\00" "\04\00\00\00" "\10\00\00\00"))

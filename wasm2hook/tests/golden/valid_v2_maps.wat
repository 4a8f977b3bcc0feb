;; wasm2hook inspect {}
;; Hook ABI v2 map types: an lpm_trie (key {u32 prefixlen; u8 addr[4]}), a queue and a bloom
;; filter (no keys), used with map_lookup and map_push/map_peek.
(module
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_push" (func $push (param i32 i32 i64) (result i32)))
  (import "wasmhook" "map_peek" (func $peek (param i32 i32) (result i32)))
  (memory 1)
  (func (export "xdp") (param i32) (result i32)
    (drop (call $lookup (i32.const 0) (i32.const 0) (i32.const 16)))
    (drop (call $push (i32.const 1) (i32.const 16) (i64.const 0)))
    (drop (call $peek (i32.const 2) (i32.const 16)))
    i32.const 2)
  (@custom "wasmhook.maps"
    "\01\03"
    "\05cidrs" "\0b\00\00\00" "\08\00\00\00" "\04\00\00\00" "\10\00\00\00"
    "\06events" "\16\00\00\00" "\00\00\00\00" "\08\00\00\00" "\80\00\00\00"
    "\04seen" "\1e\00\00\00" "\00\00\00\00" "\04\00\00\00" "\00\04\00\00"))

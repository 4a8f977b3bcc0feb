;; XDP hook counting its runs twice, both as u64 at key 0 of map 0 `counts` (array u32 -> u64
;; [2]): with map_add (key 0; in place, atomic across CPUs) and with map_lookup + map_update
;; (key 1; a read-modify-write that concurrent CPUs can interleave, losing increments). PASS.
(module
  (import "wasmhook" "map_add" (func $add (param i32 i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (@custom "wasmhook.maps" "\01\01\06counts\02\00\00\00\04\00\00\00\08\00\00\00\02\00\00\00")
  (memory 1)
  ;; key at 0 (u32), value at 8 (u64)
  (func (export "xdp") (param $len i32) (result i32)
    (i32.store (i32.const 0) (i32.const 0))
    (drop (call $add (i32.const 0) (i32.const 0) (i32.const 8) (i32.const 0) (i64.const 1)))
    (i32.store (i32.const 0) (i32.const 1))
    (drop (call $lookup (i32.const 0) (i32.const 0) (i32.const 8)))
    (i64.store (i32.const 8) (i64.add (i64.load (i32.const 8)) (i64.const 1)))
    (drop (call $update (i32.const 0) (i32.const 0) (i32.const 8) (i64.const 0)))
    i32.const 2))

;; kprobe hook: counts calls in map 0 `calls` (array u32 -> u64, 1 entry, declared in
;; wasmhook.maps so wasmload creates and pins it).
(module
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (memory 1)
  (@custom "wasmhook.maps" "\01\01\05calls\02\00\00\00\04\00\00\00\08\00\00\00\01\00\00\00")
  (func (export "kprobe") (param i32) (result i32)
    (i32.store (i32.const 0) (i32.const 0))
    (if (i32.ne (call $lookup (i32.const 0) (i32.const 0) (i32.const 8)) (i32.const 0))
      (then (i64.store (i32.const 8) (i64.const 0))))
    (i64.store (i32.const 8) (i64.add (i64.load (i32.const 8)) (i64.const 1)))
    (drop (call $update (i32.const 0) (i32.const 0) (i32.const 8) (i64.const 0)))
    i32.const 0))

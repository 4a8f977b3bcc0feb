;; kprobe hook: map 0 (array u32 -> u64) counts calls at key 0; key 1 gets the first argument.
(module
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (memory 1)
  ;; key at 0 (u32), value at 8 (u64)
  (func (export "kprobe") (param i32) (result i32)
    (i32.store (i32.const 0) (i32.const 0))
    (if (i32.ne (call $lookup (i32.const 0) (i32.const 0) (i32.const 8)) (i32.const 0))
      (then (i64.store (i32.const 8) (i64.const 0))))
    (i64.store (i32.const 8) (i64.add (i64.load (i32.const 8)) (i64.const 1)))
    (drop (call $update (i32.const 0) (i32.const 0) (i32.const 8) (i64.const 0)))
    i32.const 0))

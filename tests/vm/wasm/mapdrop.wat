;; XDP hook whose verdict comes from a BPF map: map 0 key 0 (u64) is the verdict, counts in key 1.
(module
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (memory 1)
  (func (export "xdp") (param $len i32) (result i32)
    (local $v i32)
    (i32.store (i32.const 0) (i32.const 1))
    (if (call $lookup (i32.const 0) (i32.const 0) (i32.const 8)) (then (i64.store (i32.const 8) (i64.const 0))))
    (i64.store (i32.const 8) (i64.add (i64.load (i32.const 8)) (i64.const 1)))
    (drop (call $update (i32.const 0) (i32.const 0) (i32.const 8) (i64.const 0)))
    (i32.store (i32.const 0) (i32.const 0))
    (if (call $lookup (i32.const 0) (i32.const 0) (i32.const 8)) (then (return (i32.const 2))))
    (i32.wrap_i64 (i64.load (i32.const 8)))))

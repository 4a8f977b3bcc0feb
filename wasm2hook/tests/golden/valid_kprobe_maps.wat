;; wasm2hook inspect {}
;; A kprobe hook with a map, using kprobe_arg and a per-CPU counter.
(module
  (import "wasmhook" "kprobe_arg" (func $arg (param i32) (result i64)))
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (memory 1)
  (func (export "kprobe") (param i32) (result i32)
    (i32.store (i32.const 0) (i32.wrap_i64 (call $arg (i32.const 0))))
    (drop (call $lookup (i32.const 0) (i32.const 0) (i32.const 8)))
    (i64.store (i32.const 8) (i64.add (i64.load (i32.const 8)) (i64.const 1)))
    (drop (call $update (i32.const 0) (i32.const 0) (i32.const 8) (i64.const 0)))
    i32.const 0)
  (@custom "wasmhook.maps"
    "\01\01"
    "\05calls" "\05\00\00\00" "\04\00\00\00" "\08\00\00\00" "\00\04\00\00"))

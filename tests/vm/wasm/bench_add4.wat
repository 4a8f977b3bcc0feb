;; Bench hook (scripts/bench-hook --icount): four map_add calls on an array map, then PASS.
;; Against the empty hook it gives what one in-kernel map_add costs.
;; Map 0: counts array u32->u64 [256]. Memory: key at 0 (u32), value at 8 (u64).
(module
  (import "wasmhook" "map_add" (func $add (param i32 i32 i32 i32 i64) (result i32)))
  (memory 1)
  (@custom "wasmhook.maps" "\01\01\06counts\02\00\00\00\04\00\00\00\08\00\00\00\00\01\00\00")
  (func (export "xdp") (param $len i32) (result i32)
    (drop (call $add (i32.const 0) (i32.const 0) (i32.const 8) (i32.const 0) (i64.const 1)))
    (drop (call $add (i32.const 0) (i32.const 0) (i32.const 8) (i32.const 0) (i64.const 1)))
    (drop (call $add (i32.const 0) (i32.const 0) (i32.const 8) (i32.const 0) (i64.const 1)))
    (drop (call $add (i32.const 0) (i32.const 0) (i32.const 8) (i32.const 0) (i64.const 1)))
    i32.const 2))

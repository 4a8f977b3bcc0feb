(module
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (memory 1)
  ;; an XDP hook that only calls map_lookup, until its fuel (default 100 000) runs out:
  ;; about 6 000 calls at 16 units each
  (func (export "xdp") (param i32) (result i32)
    (loop $l (drop (call $lookup (i32.const 0) (i32.const 0) (i32.const 8))) (br $l))
    i32.const 2))

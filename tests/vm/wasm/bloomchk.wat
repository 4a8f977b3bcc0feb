;; kprobe hook: asks bloom filter `bf` (bound with --map) about 0x11 and 0x22 and records the
;; answers in `out`: out[0] = 1 + rc(peek 0x11) (1: ran and "maybe in it"), out[1] = rc(peek 0x22)
;; (-2: certainly not in it), both as i64.
(module
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "map_peek" (func $peek (param i32 i32) (result i32)))
  (memory 1)
  ;; 0: u32 key; 8: u64 value; 16: u64 0x11; 24: u64 0x22
  (data (i32.const 16) "\11\00\00\00\00\00\00\00\22\00\00\00\00\00\00\00")
  (func (export "kprobe") (param i32) (result i32)
    (i32.store (i32.const 0) (i32.const 0))
    (i64.store (i32.const 8) (i64.extend_i32_s (i32.add (call $peek (i32.const 0) (i32.const 16)) (i32.const 1))))
    (drop (call $update (i32.const 1) (i32.const 0) (i32.const 8) (i64.const 0)))
    (i32.store (i32.const 0) (i32.const 1))
    (i64.store (i32.const 8) (i64.extend_i32_s (call $peek (i32.const 0) (i32.const 24))))
    (drop (call $update (i32.const 1) (i32.const 0) (i32.const 8) (i64.const 0)))
    i32.const 0)
  (@custom "wasmhook.maps"
    "\01\02"
    "\02bf" "\1e\00\00\00" "\00\00\00\00" "\08\00\00\00" "\10\00\00\00"
    "\03out" "\02\00\00\00" "\04\00\00\00" "\08\00\00\00" "\02\00\00\00"))

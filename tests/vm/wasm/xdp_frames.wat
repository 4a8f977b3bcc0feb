;; XDP hook for the large-frame tests (tests/vm/pkt-tests.sh P14): for each IPv4 frame it stores,
;; in map 0 `res` (array u32 -> u64 [8]) as value + 1000, the entry argument [0], pkt_len() [1],
;; the last byte pkt_u8(len - 1) [2] and pkt_u8(len) [3] (one past the end: -1). Passes all.
(module
  (import "wasmhook" "pkt_len" (func $pkt_len (result i32)))
  (import "wasmhook" "pkt_u8" (func $u8 (param i32) (result i32)))
  (import "wasmhook" "pkt_u16" (func $u16 (param i32) (result i32)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (memory 1)
  (@custom "wasmhook.maps" "\01\01\03res\02\00\00\00\04\00\00\00\08\00\00\00\08\00\00\00")
  (func $rec (param $key i32) (param $v i32)
    (i32.store (i32.const 0) (local.get $key))
    (i64.store (i32.const 8) (i64.extend_i32_s (i32.add (local.get $v) (i32.const 1000))))
    (drop (call $update (i32.const 0) (i32.const 0) (i32.const 8) (i64.const 0))))
  (func (export "xdp") (param $len i32) (result i32)
    (local $n i32)
    (if (i32.ne (call $u16 (i32.const 12)) (i32.const 0x0800))
      (then (return (i32.const 2))))
    (local.set $n (call $pkt_len))
    (call $rec (i32.const 0) (local.get $len))
    (call $rec (i32.const 1) (local.get $n))
    (call $rec (i32.const 2) (call $u8 (i32.sub (local.get $n) (i32.const 1))))
    (call $rec (i32.const 3) (call $u8 (local.get $n)))
    i32.const 2))

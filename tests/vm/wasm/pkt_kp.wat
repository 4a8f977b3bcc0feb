;; kprobe hook for the packet-action tests (tests/vm/pkt-tests.sh): no packet, so every packet
;; action is refused with -95 (EOPNOTSUPP) and changes nothing. Each call of the probed function
;; stores rc + 1000 into map 0 `res` (array u32 -> u64 [8]): redirect [0], adjust_head [1],
;; adjust_tail [2], adjust_meta [3], csum_replace [4], csum_l4_replace [5]. The start function
;; makes the same calls (no context at all then) and traces "pkt start refused" if all were -95.
(module
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "trace" (func $trace (param i32 i32)))
  (import "wasmhook" "redirect" (func $redirect (param i32 i64) (result i32)))
  (import "wasmhook" "adjust_head" (func $head (param i32) (result i32)))
  (import "wasmhook" "adjust_tail" (func $tail (param i32) (result i32)))
  (import "wasmhook" "adjust_meta" (func $meta (param i32) (result i32)))
  (import "wasmhook" "csum_replace" (func $csum (param i32 i32 i32 i32) (result i32)))
  (import "wasmhook" "csum_l4_replace" (func $csum4 (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 256) "pkt start refused")
  (@custom "wasmhook.maps" "\01\01\03res\02\00\00\00\04\00\00\00\08\00\00\00\08\00\00\00")
  (func $rec (param $key i32) (param $rc i32)
    (i32.store (i32.const 0) (local.get $key))
    (i64.store (i32.const 8) (i64.extend_i32_s (i32.add (local.get $rc) (i32.const 1000))))
    (drop (call $update (i32.const 0) (i32.const 0) (i32.const 8) (i64.const 0))))
  (func $start
    (if (i32.and
          (i32.and (i32.eq (call $redirect (i32.const 1) (i64.const 0)) (i32.const -95))
                   (i32.eq (call $head (i32.const -4)) (i32.const -95)))
          (i32.and (i32.and (i32.eq (call $tail (i32.const -1)) (i32.const -95))
                            (i32.eq (call $meta (i32.const -4)) (i32.const -95)))
                   (i32.and (i32.eq (call $csum (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 2)) (i32.const -95))
                            (i32.eq (call $csum4 (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 2)) (i32.const -95)))))
      (then (call $trace (i32.const 256) (i32.const 17)))))
  (start $start)
  (func (export "kprobe") (param i32) (result i32)
    (call $rec (i32.const 0) (call $redirect (i32.const 1) (i64.const 0)))
    (call $rec (i32.const 1) (call $head (i32.const -4)))
    (call $rec (i32.const 2) (call $tail (i32.const -1)))
    (call $rec (i32.const 3) (call $meta (i32.const -4)))
    (call $rec (i32.const 4) (call $csum (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 2)))
    (call $rec (i32.const 5) (call $csum4 (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 2)))
    i32.const 0))

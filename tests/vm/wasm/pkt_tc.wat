;; tc hook for the packet-action tests (Hook ABI v2, tests/vm/pkt-tests.sh). Frames of ethertype
;; 0x88b5 with command 2 in byte 14 are redirected (TC_ACT_REDIRECT = 7) to the ifindex in
;; bytes 15..18 (big-endian), ingress if byte 19 is 1; rc + 1000 into map 0 `res` (array
;; u32 -> u64 [8]) at [4 + byte 19]. Command 9: adjust_head/tail/meta are XDP-only: [1], [2], [3]
;; (-95 each), then the frame is dropped (TC_ACT_SHOT). Everything else goes on (TC_ACT_OK).
(module
  (import "wasmhook" "pkt_u8" (func $u8 (param i32) (result i32)))
  (import "wasmhook" "pkt_u16" (func $u16 (param i32) (result i32)))
  (import "wasmhook" "pkt_u32" (func $u32 (param i32) (result i64)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "redirect" (func $redirect (param i32 i64) (result i32)))
  (import "wasmhook" "adjust_head" (func $head (param i32) (result i32)))
  (import "wasmhook" "adjust_tail" (func $tail (param i32) (result i32)))
  (import "wasmhook" "adjust_meta" (func $meta (param i32) (result i32)))
  (memory 1)
  (@custom "wasmhook.maps" "\01\01\03res\02\00\00\00\04\00\00\00\08\00\00\00\08\00\00\00")
  (func $rec (param $key i32) (param $rc i32)
    (i32.store (i32.const 0) (local.get $key))
    (i64.store (i32.const 8) (i64.extend_i32_s (i32.add (local.get $rc) (i32.const 1000))))
    (drop (call $update (i32.const 0) (i32.const 0) (i32.const 8) (i64.const 0))))
  (func (export "tc") (param $len i32) (result i32)
    (local $cmd i32) (local $fl i32)
    (if (i32.ne (call $u16 (i32.const 12)) (i32.const 0x88b5)) (then (return (i32.const 0))))
    (local.set $cmd (call $u8 (i32.const 14)))
    (if (i32.eq (local.get $cmd) (i32.const 2))
      (then
        (local.set $fl (call $u8 (i32.const 19)))
        (call $rec (i32.add (i32.const 4) (i32.and (local.get $fl) (i32.const 3)))
          (call $redirect (i32.wrap_i64 (call $u32 (i32.const 15))) (i64.extend_i32_u (local.get $fl))))
        (return (i32.const 7))))
    (if (i32.eq (local.get $cmd) (i32.const 9))
      (then
        (call $rec (i32.const 1) (call $head (i32.const 4)))
        (call $rec (i32.const 2) (call $tail (i32.const -1)))
        (call $rec (i32.const 3) (call $meta (i32.const -4)))
        (return (i32.const 2))))
    i32.const 0))

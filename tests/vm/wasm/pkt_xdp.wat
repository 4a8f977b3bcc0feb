;; XDP hook for the packet-action tests (Hook ABI v2, tests/vm/pkt-tests.sh). Frames of ethertype
;; 0x88b5 carry a command in byte 14; results (rc + 1000, so never negative) go to map 0 `res`
;; (array u32 -> u64 [32]) at the keys named below:
;;   1 XDP_TX: swap the MACs, bounce the frame
;;   2 redirect to the ifindex in bytes 15..18 (big-endian) [2]
;;   3 pop a 16-byte outer header (adjust_head 16) [3], pkt_len after [4], bounce the inner frame
;;   4 push a 16-byte outer header (adjust_head -16) [5], pkt_len after [6], write it, bounce
;;   5 truncate by byte 15 (adjust_tail -n) [7], pkt_len after [8], swap the MACs, bounce
;;   6 metadata: adjust_meta -8 [9], -3 [10] (bad length), +8 [11], +4 [12] (past data), -4 [13],
;;     pkt_len [14] (unchanged), +4 [28]; drop
;;   7 bad arguments, all refused [15..26]; pkt_len [27] (unchanged); drop
;;   8 REDIRECT verdict without redirect(): the kernel drops it (XDP_ABORTED)
;; IPv4 UDP to port 7777 (IHL 5): DSCP EF (tos 0xb8) written, csum_replace fixes the header
;; checksum [20]; passed on to the stack, which checks the checksum.
(module
  (import "wasmhook" "pkt_len" (func $pkt_len (result i32)))
  (import "wasmhook" "pkt_read" (func $read (param i32 i32 i32) (result i32)))
  (import "wasmhook" "pkt_write" (func $write (param i32 i32 i32) (result i32)))
  (import "wasmhook" "pkt_u8" (func $u8 (param i32) (result i32)))
  (import "wasmhook" "pkt_u16" (func $u16 (param i32) (result i32)))
  (import "wasmhook" "pkt_u32" (func $u32 (param i32) (result i64)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "redirect" (func $redirect (param i32 i64) (result i32)))
  (import "wasmhook" "adjust_head" (func $head (param i32) (result i32)))
  (import "wasmhook" "adjust_tail" (func $tail (param i32) (result i32)))
  (import "wasmhook" "adjust_meta" (func $meta (param i32) (result i32)))
  (import "wasmhook" "csum_replace" (func $csum (param i32 i32 i32 i32) (result i32)))
  (import "wasmhook" "csum_l4_replace" (func $csum4 (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  (@custom "wasmhook.maps" "\01\01\03res\02\00\00\00\04\00\00\00\08\00\00\00\20\00\00\00")
  (func $rec (param $key i32) (param $rc i32)
    (i32.store (i32.const 0) (local.get $key))
    (i64.store (i32.const 8) (i64.extend_i32_s (i32.add (local.get $rc) (i32.const 1000))))
    (drop (call $update (i32.const 0) (i32.const 0) (i32.const 8) (i64.const 0))))
  (func $swap
    (drop (call $read (i32.const 0) (i32.const 64) (i32.const 12)))
    (drop (call $write (i32.const 0) (i32.const 70) (i32.const 6)))
    (drop (call $write (i32.const 6) (i32.const 64) (i32.const 6))))
  (func (export "xdp") (param $len i32) (result i32)
    (local $cmd i32) (local $old i32) (local $new i32)
    (if (i32.eq (call $u16 (i32.const 12)) (i32.const 0x0800))
      (then
        (if (i32.and (i32.eq (call $u8 (i32.const 23)) (i32.const 17))
                     (i32.and (i32.eq (call $u8 (i32.const 14)) (i32.const 0x45))
                              (i32.eq (call $u16 (i32.const 36)) (i32.const 7777))))
          (then
            (local.set $old (call $u16 (i32.const 14)))
            (local.set $new (i32.or (i32.and (local.get $old) (i32.const 0xff00)) (i32.const 0xb8)))
            (i32.store8 (i32.const 64) (i32.const 0xb8))
            (drop (call $write (i32.const 15) (i32.const 64) (i32.const 1)))
            (call $rec (i32.const 20) (call $csum (i32.const 24) (local.get $old) (local.get $new) (i32.const 2)))))
        (return (i32.const 2))))
    (if (i32.ne (call $u16 (i32.const 12)) (i32.const 0x88b5)) (then (return (i32.const 2))))
    (local.set $cmd (call $u8 (i32.const 14)))
    (if (i32.eq (local.get $cmd) (i32.const 1))
      (then (call $swap) (return (i32.const 3))))
    (if (i32.eq (local.get $cmd) (i32.const 2))
      (then
        (call $rec (i32.const 2) (call $redirect (i32.wrap_i64 (call $u32 (i32.const 15))) (i64.const 0)))
        (return (i32.const 4))))
    (if (i32.eq (local.get $cmd) (i32.const 3))
      (then
        (call $rec (i32.const 3) (call $head (i32.const 16)))
        (call $rec (i32.const 4) (call $pkt_len))
        (return (i32.const 3))))
    (if (i32.eq (local.get $cmd) (i32.const 4))
      (then
        (call $rec (i32.const 5) (call $head (i32.const -16)))
        (call $rec (i32.const 6) (call $pkt_len))
        ;; outer header: dst = the frame's source, src = its destination, 0x88b7, 0x44 0x00
        (drop (call $read (i32.const 22) (i32.const 64) (i32.const 6)))
        (drop (call $read (i32.const 16) (i32.const 70) (i32.const 6)))
        (i32.store (i32.const 76) (i32.const 0x0044b788)) ;; bytes 88 b7 44 00
        (drop (call $write (i32.const 0) (i32.const 64) (i32.const 16)))
        (return (i32.const 3))))
    (if (i32.eq (local.get $cmd) (i32.const 5))
      (then
        (call $rec (i32.const 7) (call $tail (i32.sub (i32.const 0) (call $u8 (i32.const 15)))))
        (call $rec (i32.const 8) (call $pkt_len))
        (call $swap)
        (return (i32.const 3))))
    (if (i32.eq (local.get $cmd) (i32.const 6))
      (then
        (call $rec (i32.const 9) (call $meta (i32.const -8)))
        (call $rec (i32.const 10) (call $meta (i32.const -3)))
        (call $rec (i32.const 11) (call $meta (i32.const 8)))
        (call $rec (i32.const 12) (call $meta (i32.const 4)))
        (call $rec (i32.const 13) (call $meta (i32.const -4)))
        (call $rec (i32.const 14) (call $pkt_len))
        (call $rec (i32.const 28) (call $meta (i32.const 4)))
        (return (i32.const 1))))
    (if (i32.eq (local.get $cmd) (i32.const 7))
      (then
        (call $rec (i32.const 15) (call $head (i32.const 0x7fffffff)))
        (call $rec (i32.const 16) (call $head (i32.const 0x80000000)))
        (call $rec (i32.const 17) (call $tail (i32.const 0x40000000)))
        (call $rec (i32.const 18) (call $tail (i32.sub (i32.const 0) (local.get $len))))
        (call $rec (i32.const 19) (call $csum (i32.const 100000) (i32.const 0) (i32.const 1) (i32.const 2)))
        (call $rec (i32.const 21) (call $csum (i32.const -1) (i32.const 0) (i32.const 1) (i32.const 2)))
        (call $rec (i32.const 22) (call $csum (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 3)))
        (call $rec (i32.const 23) (call $csum4 (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0x42)))
        (call $rec (i32.const 24) (call $redirect (i32.const 0) (i64.const 0)))
        (call $rec (i32.const 25) (call $redirect (i32.const 1) (i64.const 1)))
        (call $rec (i32.const 26) (call $redirect (i32.const 0x800000) (i64.const 0)))
        (call $rec (i32.const 27) (call $pkt_len))
        (return (i32.const 1))))
    (if (i32.eq (local.get $cmd) (i32.const 8)) (then (return (i32.const 4))))
    i32.const 2))

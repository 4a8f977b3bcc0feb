;; tc hook that writes the packet: marks IPv4 packets ECT(0) (the ECN bits of the TOS byte,
;; offset 15, set to 10), recomputes the IPv4 header checksum, and lets the packet go on
;; (TC_ACT_OK). Answers TC_ACT_SHOT if a pkt_write is refused (-1), so a refusal is visible.
;; Writes go to the skb's own copy: the module makes a cloned skb's head private first (TCP
;; sends clones of its retransmit queue), as the verifier does for tc programs that write.
(module
  (import "wasmhook" "pkt_u8" (func $u8 (param i32) (result i32)))
  (import "wasmhook" "pkt_u16" (func $u16 (param i32) (result i32)))
  (import "wasmhook" "pkt_write" (func $write (param i32 i32 i32) (result i32)))
  (memory 1)
  (func (export "tc") (param $len i32) (result i32)
    (local $ihl i32) (local $i i32) (local $sum i32) (local $w i32)
    (if (i32.ne (call $u16 (i32.const 12)) (i32.const 0x0800)) (then (return (i32.const 0))))
    (local.set $ihl (i32.shl (i32.and (call $u8 (i32.const 14)) (i32.const 15)) (i32.const 2)))
    (if (i32.lt_u (local.get $ihl) (i32.const 20)) (then (return (i32.const 0))))
    ;; TOS: ECN field = ECT(0)
    (i32.store8 (i32.const 0) (i32.or (i32.and (call $u8 (i32.const 15)) (i32.const 0xfc)) (i32.const 2)))
    (if (i32.ne (call $write (i32.const 15) (i32.const 0) (i32.const 1)) (i32.const 1))
      (then (return (i32.const 2))))
    ;; checksum: zero it, sum the header's 16-bit words, fold, complement, store big-endian
    (i32.store16 (i32.const 0) (i32.const 0))
    (if (i32.ne (call $write (i32.const 24) (i32.const 0) (i32.const 2)) (i32.const 2))
      (then (return (i32.const 2))))
    (block $done
      (loop $words
        (br_if $done (i32.ge_u (local.get $i) (local.get $ihl)))
        (local.set $w (call $u16 (i32.add (i32.const 14) (local.get $i))))
        (if (i32.lt_s (local.get $w) (i32.const 0)) (then (return (i32.const 0))))
        (local.set $sum (i32.add (local.get $sum) (local.get $w)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $words)))
    (local.set $sum (i32.add (i32.and (local.get $sum) (i32.const 0xffff)) (i32.shr_u (local.get $sum) (i32.const 16))))
    (local.set $sum (i32.add (i32.and (local.get $sum) (i32.const 0xffff)) (i32.shr_u (local.get $sum) (i32.const 16))))
    (local.set $sum (i32.and (i32.xor (local.get $sum) (i32.const -1)) (i32.const 0xffff)))
    (i32.store8 (i32.const 0) (i32.shr_u (local.get $sum) (i32.const 8)))
    (i32.store8 (i32.const 1) (i32.and (local.get $sum) (i32.const 0xff)))
    (if (i32.ne (call $write (i32.const 24) (i32.const 0) (i32.const 2)) (i32.const 2))
      (then (return (i32.const 2))))
    i32.const 0))

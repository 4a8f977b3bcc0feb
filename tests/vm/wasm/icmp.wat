;; XDP hook: drop ICMP echo requests (IPv4, no VLAN), pass everything else.
(module
  (import "wasmhook" "pkt_u8" (func $u8 (param i32) (result i32)))
  (import "wasmhook" "pkt_u16" (func $u16 (param i32) (result i32)))
  (memory 1)
  (func (export "xdp") (param $len i32) (result i32)
    (local $ihl i32)
    ;; ethertype 0x0800
    (if (i32.ne (call $u16 (i32.const 12)) (i32.const 0x0800)) (then (return (i32.const 2))))
    ;; version 4, header length
    (local.set $ihl (call $u8 (i32.const 14)))
    (if (i32.ne (i32.shr_u (local.get $ihl) (i32.const 4)) (i32.const 4)) (then (return (i32.const 2))))
    (local.set $ihl (i32.shl (i32.and (local.get $ihl) (i32.const 15)) (i32.const 2)))
    ;; protocol ICMP
    (if (i32.ne (call $u8 (i32.const 23)) (i32.const 1)) (then (return (i32.const 2))))
    ;; ICMP type 8 = echo request -> drop
    (if (i32.eq (call $u8 (i32.add (i32.const 14) (local.get $ihl))) (i32.const 8))
      (then (return (i32.const 1))))
    i32.const 2))

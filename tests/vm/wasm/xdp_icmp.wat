;; XDP hook, the .wat twin of examples/xdp-icmp: drops IPv4 ICMP echo requests while
;; policy[0] == 1, passes everything else, counts ICMP packets per type in counts[type].
;; VLAN tags (up to two) are skipped; non-first fragments pass uncounted.
;; Maps (wasmhook.maps): 0 policy array u32->u32 [1], 1 counts array u32->u64 [256].
(module
  (import "wasmhook" "pkt_u8" (func $u8 (param i32) (result i32)))
  (import "wasmhook" "pkt_u16" (func $u16 (param i32) (result i32)))
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_add" (func $add (param i32 i32 i32 i32 i64) (result i32)))
  (memory 1)
  (@custom "wasmhook.maps" "\01\02\06policy\02\00\00\00\04\00\00\00\04\00\00\00\01\00\00\00\06counts\02\00\00\00\04\00\00\00\08\00\00\00\00\01\00\00")
  ;; memory: key at 0 (u32), counts value at 8 (u64), policy value at 16 (u32)
  (func (export "xdp") (param $len i32) (result i32)
    (local $l3 i32) (local $proto i32) (local $vi i32) (local $b i32) (local $t i32)
    (local.set $l3 (i32.const 12))
    (local.set $proto (call $u16 (i32.const 12)))
    ;; skip up to two VLAN tags
    (block $done
      (loop $vlan
        (br_if $done (i32.ge_u (local.get $vi) (i32.const 2)))
        (br_if $done (i32.and (i32.ne (local.get $proto) (i32.const 0x8100))
                              (i32.ne (local.get $proto) (i32.const 0x88a8))))
        (local.set $l3 (i32.add (local.get $l3) (i32.const 4)))
        (local.set $proto (call $u16 (local.get $l3)))
        (local.set $vi (i32.add (local.get $vi) (i32.const 1)))
        (br $vlan)))
    (if (i32.ne (local.get $proto) (i32.const 0x0800)) (then (return (i32.const 2))))
    (local.set $l3 (i32.add (local.get $l3) (i32.const 2)))
    (local.set $b (call $u8 (local.get $l3)))
    (if (i32.ne (i32.shr_u (local.get $b) (i32.const 4)) (i32.const 4)) (then (return (i32.const 2))))
    (if (i32.lt_u (i32.and (local.get $b) (i32.const 15)) (i32.const 5)) (then (return (i32.const 2))))
    (if (i32.ne (call $u8 (i32.add (local.get $l3) (i32.const 9))) (i32.const 1)) (then (return (i32.const 2))))
    (if (i32.and (call $u16 (i32.add (local.get $l3) (i32.const 6))) (i32.const 0x1fff)) (then (return (i32.const 2))))
    (local.set $t (call $u8 (i32.add (local.get $l3) (i32.shl (i32.and (local.get $b) (i32.const 15)) (i32.const 2)))))
    (if (i32.lt_s (local.get $t) (i32.const 0)) (then (return (i32.const 2))))
    ;; counts[t] += 1, in place (atomic across CPUs)
    (i32.store (i32.const 0) (local.get $t))
    (drop (call $add (i32.const 1) (i32.const 0) (i32.const 8) (i32.const 0) (i64.const 1)))
    ;; echo request and policy[0] == 1 -> drop
    (if (i32.eq (local.get $t) (i32.const 8))
      (then
        (i32.store (i32.const 0) (i32.const 0))
        (if (i32.eqz (call $lookup (i32.const 0) (i32.const 0) (i32.const 16)))
          (then (if (i32.eq (i32.load (i32.const 16)) (i32.const 1)) (then (return (i32.const 1))))))))
    i32.const 2))

;; XDP hook (Hook ABI v2 map types): for every ICMP echo request it pushes an 8-byte record
;; {source address, ICMP sequence (big-endian), 0xab, 0xcd} into queue map 0 (`recq`) and
;; stack map 1 (`recs`), unless its source address is in bloom filter map 2 (`block`, values
;; are the 4 address bytes): then it drops it. Everything else passes.
(module
  (import "wasmhook" "map_push" (func $push (param i32 i32 i64) (result i32)))
  (import "wasmhook" "map_peek" (func $peek (param i32 i32) (result i32)))
  (import "wasmhook" "pkt_read" (func $pkt_read (param i32 i32 i32) (result i32)))
  (import "wasmhook" "pkt_u8" (func $pkt_u8 (param i32) (result i32)))
  (import "wasmhook" "pkt_u16" (func $pkt_u16 (param i32) (result i32)))
  (@custom "wasmhook.maps" "\01\03\04recq\16\00\00\00\00\00\00\00\08\00\00\00\10\00\00\00\04recs\17\00\00\00\00\00\00\00\08\00\00\00\10\00\00\00\05block\1e\00\00\00\00\00\00\00\04\00\00\00\40\00\00\00")
  (memory 1)
  (func (export "xdp") (param $len i32) (result i32)
    (if (i32.ne (call $pkt_u16 (i32.const 12)) (i32.const 0x0800)) (then (return (i32.const 2))))
    (if (i32.ne (call $pkt_u8 (i32.const 23)) (i32.const 1)) (then (return (i32.const 2))))
    (if (i32.ne (call $pkt_u8 (i32.const 34)) (i32.const 8)) (then (return (i32.const 2))))
    (if (i32.ne (call $pkt_read (i32.const 26) (i32.const 0) (i32.const 4)) (i32.const 4))
      (then (return (i32.const 2))))
    ;; blocked source: drop, record nothing
    (if (i32.eqz (call $peek (i32.const 2) (i32.const 0))) (then (return (i32.const 1))))
    (i32.store (i32.const 8) (i32.load (i32.const 0)))
    (drop (call $pkt_read (i32.const 40) (i32.const 12) (i32.const 2)))
    (i32.store8 (i32.const 14) (i32.const 0xab))
    (i32.store8 (i32.const 15) (i32.const 0xcd))
    (drop (call $push (i32.const 0) (i32.const 8) (i64.const 0)))
    (drop (call $push (i32.const 1) (i32.const 8) (i64.const 0)))
    (i32.const 2)))

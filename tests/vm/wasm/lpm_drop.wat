;; XDP hook (Hook ABI v2 map types): the verdict for an IPv4 packet is the value of the longest
;; prefix in lpm_trie map 0 (`cidrs`, key {u32 prefixlen; u8 addr[4]}, value u32) that matches
;; its source address; PASS when no prefix matches, for non-IPv4 frames and short ones.
(module
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "pkt_read" (func $pkt_read (param i32 i32 i32) (result i32)))
  (import "wasmhook" "pkt_u16" (func $pkt_u16 (param i32) (result i32)))
  (@custom "wasmhook.maps" "\01\01\05cidrs\0b\00\00\00\08\00\00\00\04\00\00\00\10\00\00\00")
  (memory 1)
  (func (export "xdp") (param $len i32) (result i32)
    (if (i32.ne (call $pkt_u16 (i32.const 12)) (i32.const 0x0800)) (then (return (i32.const 2))))
    ;; key at 0: prefixlen 32, then the source address (IPv4 header offset 12)
    (i32.store (i32.const 0) (i32.const 32))
    (if (i32.ne (call $pkt_read (i32.const 26) (i32.const 4) (i32.const 4)) (i32.const 4))
      (then (return (i32.const 2))))
    (if (call $lookup (i32.const 0) (i32.const 0) (i32.const 16)) (then (return (i32.const 2))))
    (i32.load (i32.const 16))))

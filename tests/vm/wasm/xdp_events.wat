;; XDP hook: per packet one ring buffer record (map 0 `ev`, 4 KiB) of the packet's first 8 bytes;
;; a packet of more than 100 bytes asks for 40 records in one run (32 fit, then -28 ENOSPC),
;; and the verdict is the number that fitted: PASS (2) if all did, DROP (1) if any did not.
(module
  (import "wasmhook" "pkt_read" (func $read (param i32 i32 i32) (result i32)))
  (import "wasmhook" "pkt_len" (func $len (result i32)))
  (import "wasmhook" "ringbuf_output" (func $out (param i32 i32 i32 i64) (result i32)))
  (memory 1)
  (@custom "wasmhook.maps" "\01\01" "\02ev" "\1b\00\00\00" "\00\00\00\00" "\00\00\00\00" "\00\10\00\00")
  (func (export "xdp") (param i32) (result i32)
    (local $n i32) (local $want i32) (local $bad i32)
    (drop (call $read (i32.const 0) (i32.const 0) (i32.const 8)))
    (local.set $want (select (i32.const 40) (i32.const 1) (i32.gt_u (call $len) (i32.const 100))))
    (loop $again
      (if (call $out (i32.const 0) (i32.const 0) (i32.const 8) (i64.const 0))
        (then (local.set $bad (i32.const 1))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $n) (local.get $want))))
    (select (i32.const 1) (i32.const 2) (local.get $bad))))

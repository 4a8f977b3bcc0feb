;; kprobe hook for `wasmload attach --uprobe /bin/uprobed:wh_uprobe_target`: per call of
;; wh_uprobe_target(i, x) it emits one 40-byte record into ring buffer map 0 `ev` (64 KiB):
;;   u64 pid_tgid   u64 i   u64 x   char comm[16]
;; and counts ringbuf_output's answers in map 1 `st` (array u32 -> u64): [0] 0 (sent), [1] -28
;; (ENOSPC), [2] anything else. With x = 1000 it tries 40 records in one run: the first 32 fit,
;; the other 8 get ENOSPC.
(module
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "kprobe_arg" (func $arg (param i32) (result i64)))
  (import "wasmhook" "pid_tgid" (func $pid_tgid (result i64)))
  (import "wasmhook" "comm" (func $comm (param i32 i32) (result i32)))
  (import "wasmhook" "ringbuf_output" (func $out (param i32 i32 i32 i64) (result i32)))
  (memory 1)
  (@custom "wasmhook.maps"
    "\01\02"
    "\02ev" "\1b\00\00\00" "\00\00\00\00" "\00\00\00\00" "\00\00\01\00"
    "\02st" "\02\00\00\00" "\04\00\00\00" "\08\00\00\00" "\04\00\00\00")
  ;; key at 0, value at 8, the record at 64
  (func $bump (param $k i32)
    (i32.store (i32.const 0) (local.get $k))
    (if (call $lookup (i32.const 1) (i32.const 0) (i32.const 8))
      (then (i64.store (i32.const 8) (i64.const 0))))
    (i64.store (i32.const 8) (i64.add (i64.load (i32.const 8)) (i64.const 1)))
    (drop (call $update (i32.const 1) (i32.const 0) (i32.const 8) (i64.const 0))))
  (func $emit
    (local $rc i32)
    (local.set $rc (call $out (i32.const 0) (i32.const 64) (i32.const 40) (i64.const 0)))
    (if (i32.eqz (local.get $rc))
      (then (call $bump (i32.const 0)))
      (else (if (i32.eq (local.get $rc) (i32.const -28))
        (then (call $bump (i32.const 1)))
        (else (call $bump (i32.const 2)))))))
  (func (export "kprobe") (param i32) (result i32)
    (local $n i32)
    (i64.store (i32.const 64) (call $pid_tgid))
    (i64.store (i32.const 72) (call $arg (i32.const 0)))
    (i64.store (i32.const 80) (call $arg (i32.const 1)))
    (drop (call $comm (i32.const 88) (i32.const 16)))
    (if (i64.eq (i64.load (i32.const 80)) (i64.const 1000))
      (then
        (loop $again
          (call $emit)
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (br_if $again (i32.lt_u (local.get $n) (i32.const 40)))))
      (else (call $emit)))
    i32.const 0))

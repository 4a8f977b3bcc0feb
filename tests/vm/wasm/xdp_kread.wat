;; An XDP hook that tries probe_read_kernel on the address in map 0 key 0 (the trampoline's
;; wh_m0, u32 -> u64; the test puts linux_banner there). Only kprobe hooks may read kernel
;; memory: -EPERM with the buffer zeroed answers DROP; a read that worked answers TX; anything
;; else ABORTED.
(module
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "probe_read_kernel" (func $read (param i32 i64 i32) (result i32)))
  (memory 1)
  (func (export "xdp") (param i32) (result i32)
    (local $rc i32)
    (i32.store (i32.const 0) (i32.const 0))
    (i64.store (i32.const 8) (i64.const 0))
    (drop (call $lookup (i32.const 0) (i32.const 0) (i32.const 8)))
    (i64.store (i32.const 16) (i64.const -1))
    (local.set $rc (call $read (i32.const 16) (i64.load (i32.const 8)) (i32.const 8)))
    (if (result i32) (i32.and (i32.eq (local.get $rc) (i32.const -1)) (i64.eqz (i64.load (i32.const 16))))
      (then (i32.const 1))
      (else (if (result i32) (i32.eqz (local.get $rc)) (then (i32.const 3)) (else (i32.const 0)))))))

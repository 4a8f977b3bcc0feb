;; XDP hook run by bpf/foreign_maps.bpf.o: map 0 is BPF_F_RDONLY_PROG, map 1 BPF_F_WRONLY_PROG,
;; map 2 has a bpf_spin_lock in its value. Each access must get the answer the verifier would
;; give a BPF program: bit 0 write to map 0 refused (-EPERM), bit 1 read of map 0 allowed, bit 2
;; read of map 1 refused (-EPERM), bits 3/4 read/write of map 2 refused (-EINVAL), bits 5/6
;; map_add (a read and a write) on map 0 and on map 1 refused (-EPERM), bit 7 map_add on map 2
;; refused (-EINVAL). The mask is written to map 1 key 1 (allowed: write-only); the verdict is
;; PASS when all eight hold, else DROP.
(module
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "map_add" (func $add (param i32 i32 i32 i32 i64) (result i32)))
  (memory 1)
  ;; key at 0 (u32), value at 8, spare value buffer at 64, mask at 128
  (func (export "xdp") (param $len i32) (result i32)
    (local $m i64)
    (i32.store (i32.const 0) (i32.const 0))
    (i64.store (i32.const 8) (i64.const 0x4141414141414141))
    (if (i32.eq (call $update (i32.const 0) (i32.const 0) (i32.const 8) (i64.const 0)) (i32.const -1))
      (then (local.set $m (i64.or (local.get $m) (i64.const 1)))))
    (if (i32.eqz (call $lookup (i32.const 0) (i32.const 0) (i32.const 64)))
      (then (local.set $m (i64.or (local.get $m) (i64.const 2)))))
    (if (i32.eq (call $lookup (i32.const 1) (i32.const 0) (i32.const 64)) (i32.const -1))
      (then (local.set $m (i64.or (local.get $m) (i64.const 4)))))
    (if (i32.eq (call $lookup (i32.const 2) (i32.const 0) (i32.const 64)) (i32.const -22))
      (then (local.set $m (i64.or (local.get $m) (i64.const 8)))))
    (if (i32.eq (call $update (i32.const 2) (i32.const 0) (i32.const 64) (i64.const 0)) (i32.const -22))
      (then (local.set $m (i64.or (local.get $m) (i64.const 16)))))
    (if (i32.eq (call $add (i32.const 0) (i32.const 0) (i32.const 64) (i32.const 0) (i64.const 1)) (i32.const -1))
      (then (local.set $m (i64.or (local.get $m) (i64.const 32)))))
    (if (i32.eq (call $add (i32.const 1) (i32.const 0) (i32.const 64) (i32.const 0) (i64.const 1)) (i32.const -1))
      (then (local.set $m (i64.or (local.get $m) (i64.const 64)))))
    (if (i32.eq (call $add (i32.const 2) (i32.const 0) (i32.const 64) (i32.const 0) (i64.const 1)) (i32.const -22))
      (then (local.set $m (i64.or (local.get $m) (i64.const 128)))))
    (i32.store (i32.const 0) (i32.const 1))
    (i64.store (i32.const 128) (local.get $m))
    (drop (call $update (i32.const 1) (i32.const 0) (i32.const 128) (i64.const 0)))
    (if (result i32) (i64.eq (local.get $m) (i64.const 255)) (then (i32.const 2)) (else (i32.const 1)))))

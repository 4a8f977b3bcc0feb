;; XDP hook that checks map_lookup/map_update on array and per-CPU array maps from inside a run
;; (the module takes these without the map's ops, as the verifier inlines them): PASS if every
;; answer is the one the kernel's array ops give, else DROP with a trace line naming the first
;; check that failed. Maps: 0 array `a` u32->u64 [4], 1 percpu_array `p` u32->u64 [4], 2 array
;; `w` u32->u32 [2]. Past the end: lookup -ENOENT, update -E2BIG; BPF_NOEXIST -EEXIST; bad
;; flags -EINVAL; deletes -EINVAL (array elements always exist); keys and values at unaligned
;; Wasm addresses.
(module
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "map_delete" (func $delete (param i32 i32) (result i32)))
  (import "wasmhook" "trace" (func $trace (param i32 i32)))
  (@custom "wasmhook.maps" "\01\03\01a\02\00\00\00\04\00\00\00\08\00\00\00\04\00\00\00\01p\06\00\00\00\04\00\00\00\08\00\00\00\04\00\00\00\01w\02\00\00\00\04\00\00\00\04\00\00\00\02\00\00\00")
  (memory 1)
  (data (i32.const 256) "arrayops: check failed: ?")
  (global $n (mut i32) (i32.const 0))
  (global $failed (mut i32) (i32.const 0))
  ;; check number $n: $got must equal $want
  (func $expect (param $got i32) (param $want i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (if (i32.and (i32.ne (local.get $got) (local.get $want)) (i32.eqz (global.get $failed)))
      (then
        (global.set $failed (global.get $n))
        (i32.store8 (i32.const 280) (i32.add (i32.const 0x40) (global.get $n)))
        (call $trace (i32.const 256) (i32.const 25)))))
  ;; the checks on u64 array map $m; keys at 0 (aligned) and 33 (unaligned), values at 8, 41
  (func $u64map (param $m i32)
    (i32.store (i32.const 0) (i32.const 4))
    (i64.store (i32.const 8) (i64.const 0x1122334455667788))
    (call $expect (call $update (local.get $m) (i32.const 0) (i32.const 8) (i64.const 0)) (i32.const -7))
    (call $expect (call $lookup (local.get $m) (i32.const 0) (i32.const 16)) (i32.const -2))
    (i32.store (i32.const 0) (i32.const -1))
    (call $expect (call $lookup (local.get $m) (i32.const 0) (i32.const 16)) (i32.const -2))
    (i32.store (i32.const 0) (i32.const 1))
    (call $expect (call $update (local.get $m) (i32.const 0) (i32.const 8) (i64.const 1)) (i32.const -17))
    (call $expect (call $update (local.get $m) (i32.const 0) (i32.const 8) (i64.const 3)) (i32.const -22))
    (call $expect (call $update (local.get $m) (i32.const 0) (i32.const 8) (i64.const 2)) (i32.const 0))
    (i32.store (i32.const 33) (i32.const 1))
    (call $expect (call $lookup (local.get $m) (i32.const 33) (i32.const 41)) (i32.const 0))
    (call $expect (i64.eq (i64.load (i32.const 41)) (i64.const 0x1122334455667788)) (i32.const 1))
    ;; an update from an unaligned value, read back through an aligned one
    (i32.store (i32.const 33) (i32.const 3))
    (i64.store (i32.const 41) (i64.const -2))
    (call $expect (call $update (local.get $m) (i32.const 33) (i32.const 41) (i64.const 0)) (i32.const 0))
    (i32.store (i32.const 0) (i32.const 3))
    (call $expect (call $lookup (local.get $m) (i32.const 0) (i32.const 16)) (i32.const 0))
    (call $expect (i64.eq (i64.load (i32.const 16)) (i64.const -2)) (i32.const 1))
    ;; entry 0 still holds its initial zero
    (i32.store (i32.const 0) (i32.const 0))
    (i64.store (i32.const 16) (i64.const 7))
    (call $expect (call $lookup (local.get $m) (i32.const 0) (i32.const 16)) (i32.const 0))
    (call $expect (i64.eqz (i64.load (i32.const 16))) (i32.const 1))
    ;; and a delete changes nothing
    (i32.store (i32.const 0) (i32.const 3))
    (call $expect (call $delete (local.get $m) (i32.const 0)) (i32.const -22))
    (call $expect (call $lookup (local.get $m) (i32.const 0) (i32.const 16)) (i32.const 0))
    (call $expect (i64.eq (i64.load (i32.const 16)) (i64.const -2)) (i32.const 1)))
  (func (export "xdp") (param $len i32) (result i32)
    ;; 1-16: array, 17-32: per-CPU array (this CPU's element)
    (call $u64map (i32.const 0))
    (call $u64map (i32.const 1))
    ;; 33-37: 4-byte values
    (i32.store (i32.const 0) (i32.const 1))
    (i32.store (i32.const 9) (i32.const 0xdeadbeef))
    (call $expect (call $update (i32.const 2) (i32.const 0) (i32.const 9) (i64.const 0)) (i32.const 0))
    (call $expect (call $lookup (i32.const 2) (i32.const 0) (i32.const 20)) (i32.const 0))
    (call $expect (i32.load (i32.const 20)) (i32.const 0xdeadbeef))
    (i32.store (i32.const 0) (i32.const 2))
    (call $expect (call $update (i32.const 2) (i32.const 0) (i32.const 9) (i64.const 0)) (i32.const -7))
    (call $expect (call $lookup (i32.const 2) (i32.const 0) (i32.const 20)) (i32.const -2))
    (if (result i32) (i32.and (i32.eqz (global.get $failed)) (i32.eq (global.get $n) (i32.const 37)))
      (then (i32.const 2)) (else (i32.const 1)))))

;; XDP hook that checks map_add from inside a run: PASS if every answer and new value is the
;; expected one, else DROP with a trace line naming the first check that failed. Maps: 0 array
;; `a` u32->u64 [4], 1 array `w` u32->u32 [2], 2 percpu_array `p` u32->u64 [2], 3 hash `h`
;; u32->u64 [4], 4 percpu_hash `ph` u32->u64 [4], 5 lpm_trie `l`, 6 hash `s` with 2-byte values,
;; 7 hash `c` u32->[u64; 2] [4], 8 array `ca` u32->[u64; 3] [2]. A field is the byte offset of
;; a u64 counter (a multiple of 8 inside the value), or 0 for a 4-byte value.
;; Adds wrap and write the new value; u32 values take the low 32 bits of delta; a hash map gets
;; delta as a new element until it is full (-E2BIG); an array index past the end is -E2BIG; an
;; lpm_trie, a 2-byte value and a missing map are -EINVAL; keys and values may be unaligned.
(module
  (import "wasmhook" "map_add" (func $add (param i32 i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "trace" (func $trace (param i32 i32)))
  (@custom "wasmhook.maps" "\01\09\01a\02\00\00\00\04\00\00\00\08\00\00\00\04\00\00\00\01w\02\00\00\00\04\00\00\00\04\00\00\00\02\00\00\00\01p\06\00\00\00\04\00\00\00\08\00\00\00\02\00\00\00\01h\01\00\00\00\04\00\00\00\08\00\00\00\04\00\00\00\02ph\05\00\00\00\04\00\00\00\08\00\00\00\04\00\00\00\01l\0b\00\00\00\08\00\00\00\08\00\00\00\04\00\00\00\01s\01\00\00\00\04\00\00\00\02\00\00\00\04\00\00\00\01c\01\00\00\00\04\00\00\00\10\00\00\00\04\00\00\00\02ca\02\00\00\00\04\00\00\00\18\00\00\00\02\00\00\00")
  (memory 1)
  (data (i32.const 256) "mapadd: check failed: ?")
  (global $n (mut i32) (i32.const 0))
  (global $failed (mut i32) (i32.const 0))
  ;; check number $n: $got must equal $want
  (func $expect (param $got i32) (param $want i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (if (i32.and (i32.ne (local.get $got) (local.get $want)) (i32.eqz (global.get $failed)))
      (then
        (global.set $failed (global.get $n))
        (i32.store8 (i32.const 278) (i32.add (i32.const 0x40) (global.get $n)))
        (call $trace (i32.const 256) (i32.const 23)))))
  ;; map_add(map, key k at 0, value at 8, delta): rc must be $rc
  (func $addk (param $m i32) (param $k i32) (param $d i64) (param $rc i32)
    (i32.store (i32.const 0) (local.get $k))
    (call $expect (call $add (local.get $m) (i32.const 0) (i32.const 8) (i32.const 0) (local.get $d)) (local.get $rc)))
  ;; map_add(map, key k at 0, value at 8, field f, delta): rc must be $rc
  (func $addf (param $m i32) (param $k i32) (param $f i32) (param $d i64) (param $rc i32)
    (i32.store (i32.const 0) (local.get $k))
    (call $expect (call $add (local.get $m) (i32.const 0) (i32.const 8) (local.get $f) (local.get $d)) (local.get $rc)))
  ;; the u64 new value at 8 must be $v
  (func $new64 (param $v i64)
    (call $expect (i64.eq (i64.load (i32.const 8)) (local.get $v)) (i32.const 1)))
  (func (export "xdp") (param $len i32) (result i32)
    ;; 1-8: array: adds, wraps, past the end, read back by lookup
    (call $addk (i32.const 0) (i32.const 1) (i64.const 5) (i32.const 0))
    (call $new64 (i64.const 5))
    (call $addk (i32.const 0) (i32.const 1) (i64.const -6) (i32.const 0))
    (call $new64 (i64.const -1))
    (call $addk (i32.const 0) (i32.const 4) (i64.const 1) (i32.const -7))
    (i32.store (i32.const 0) (i32.const 1))
    (call $expect (call $lookup (i32.const 0) (i32.const 0) (i32.const 16)) (i32.const 0))
    (call $expect (i64.eq (i64.load (i32.const 16)) (i64.const -1)) (i32.const 1))
    ;; unaligned key and value
    (i32.store (i32.const 33) (i32.const 2))
    (call $expect (call $add (i32.const 0) (i32.const 33) (i32.const 41) (i32.const 0) (i64.const 9)) (i32.const 0))
    ;; 9-14: u32 values: the low 32 bits of delta, wrapping
    (i64.store (i32.const 8) (i64.const -1))
    (call $addk (i32.const 1) (i32.const 1) (i64.const 0x100000003) (i32.const 0))
    (call $expect (i32.load (i32.const 8)) (i32.const 3))
    (call $expect (i32.load (i32.const 12)) (i32.const -1))
    (call $addk (i32.const 1) (i32.const 1) (i64.const -4) (i32.const 0))
    (call $expect (i32.load (i32.const 8)) (i32.const -1))
    (call $addk (i32.const 1) (i32.const 2) (i64.const 1) (i32.const -7))
    ;; 15-18: per-CPU array (this CPU's value)
    (call $addk (i32.const 2) (i32.const 0) (i64.const 9) (i32.const 0))
    (call $new64 (i64.const 9))
    (call $addk (i32.const 2) (i32.const 0) (i64.const 9) (i32.const 0))
    (call $new64 (i64.const 18))
    ;; 19-31: hash: a missing key is inserted, then added to, until the map is full
    (call $addk (i32.const 3) (i32.const 77) (i64.const 4) (i32.const 0))
    (call $new64 (i64.const 4))
    (call $addk (i32.const 3) (i32.const 77) (i64.const 6) (i32.const 0))
    (call $new64 (i64.const 10))
    (i32.store (i32.const 0) (i32.const 77))
    (call $expect (call $lookup (i32.const 3) (i32.const 0) (i32.const 16)) (i32.const 0))
    (call $expect (i64.eq (i64.load (i32.const 16)) (i64.const 10)) (i32.const 1))
    (call $addk (i32.const 3) (i32.const 78) (i64.const 1) (i32.const 0))
    (call $addk (i32.const 3) (i32.const 79) (i64.const 1) (i32.const 0))
    (call $addk (i32.const 3) (i32.const 80) (i64.const 1) (i32.const 0))
    (call $addk (i32.const 3) (i32.const 81) (i64.const 1) (i32.const -7))
    (call $addk (i32.const 3) (i32.const 80) (i64.const 1) (i32.const 0))
    (call $new64 (i64.const 2))
    (i32.store (i32.const 0) (i32.const 81))
    (call $expect (call $lookup (i32.const 3) (i32.const 0) (i32.const 16)) (i32.const -2))
    ;; 32-35: per-CPU hash
    (call $addk (i32.const 4) (i32.const 5) (i64.const 3) (i32.const 0))
    (call $new64 (i64.const 3))
    (call $addk (i32.const 4) (i32.const 5) (i64.const 3) (i32.const 0))
    (call $new64 (i64.const 6))
    ;; 36-38: refused: an lpm_trie, a 2-byte value, no such map
    (i64.store (i32.const 0) (i64.const 0x0100000a00000020))
    (call $expect (call $add (i32.const 5) (i32.const 0) (i32.const 16) (i32.const 0) (i64.const 1)) (i32.const -22))
    (call $addk (i32.const 6) (i32.const 1) (i64.const 1) (i32.const -22))
    (call $addk (i32.const 9) (i32.const 1) (i64.const 1) (i32.const -22))
    ;; 39-51: fields: u64 counters inside [u64; 2] / [u64; 3] values, inserted as zero values
    (call $addf (i32.const 7) (i32.const 3) (i32.const 8) (i64.const 5) (i32.const 0))
    (call $new64 (i64.const 5))
    (call $addf (i32.const 7) (i32.const 3) (i32.const 0) (i64.const 2) (i32.const 0))
    (call $new64 (i64.const 2))
    (i32.store (i32.const 0) (i32.const 3))
    (call $expect (call $lookup (i32.const 7) (i32.const 0) (i32.const 16)) (i32.const 0))
    (call $expect (i64.eq (i64.load (i32.const 16)) (i64.const 2)) (i32.const 1))
    (call $expect (i64.eq (i64.load (i32.const 24)) (i64.const 5)) (i32.const 1))
    (call $addf (i32.const 7) (i32.const 3) (i32.const 16) (i64.const 1) (i32.const -22))
    (call $addf (i32.const 7) (i32.const 3) (i32.const 4) (i64.const 1) (i32.const -22))
    (call $addf (i32.const 7) (i32.const 3) (i32.const -8) (i64.const 1) (i32.const -22))
    (call $addf (i32.const 8) (i32.const 1) (i32.const 16) (i64.const 7) (i32.const 0))
    (call $addf (i32.const 8) (i32.const 1) (i32.const 24) (i64.const 7) (i32.const -22))
    (call $addf (i32.const 1) (i32.const 1) (i32.const 4) (i64.const 7) (i32.const -22))
    (if (result i32) (i32.and (i32.eqz (global.get $failed)) (i32.eq (global.get $n) (i32.const 51)))
      (then (i32.const 2)) (else (i32.const 1)))))

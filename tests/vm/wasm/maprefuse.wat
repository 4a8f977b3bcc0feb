;; XDP hook that checks the Hook ABI v2 map rules from inside a run; PASS if all hold, else
;; DROP with a trace line naming the first check that failed. Maps: 0 queue `q` (u32 values,
;; 4 entries), 1 lpm_trie `l` (key {u32; u8[4]}, u32 values), 2 bloom filter `b` (u32).
;; Keyed ops on keyless maps and push/pop/peek on keyed ones are -EINVAL (never a bloom
;; filter's ERR_PTR lookup copied from), an empty queue pops -ENOENT, a full one pushes -E2BIG
;; unless BPF_EXIST replaces its oldest value, bad flags and prefix lengths are -EINVAL.
(module
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "map_delete" (func $delete (param i32 i32) (result i32)))
  (import "wasmhook" "map_push" (func $push (param i32 i32 i64) (result i32)))
  (import "wasmhook" "map_pop" (func $pop (param i32 i32) (result i32)))
  (import "wasmhook" "map_peek" (func $peek (param i32 i32) (result i32)))
  (import "wasmhook" "trace" (func $trace (param i32 i32)))
  (@custom "wasmhook.maps" "\01\03\01q\16\00\00\00\00\00\00\00\04\00\00\00\04\00\00\00\01l\0b\00\00\00\08\00\00\00\04\00\00\00\10\00\00\00\01b\1e\00\00\00\00\00\00\00\04\00\00\00\10\00\00\00")
  (memory 1)
  (data (i32.const 256) "maprefuse: check failed: ?")
  (global $n (mut i32) (i32.const 0))
  (global $failed (mut i32) (i32.const 0))
  ;; check number $n: $got must equal $want
  (func $expect (param $got i32) (param $want i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (if (i32.and (i32.ne (local.get $got) (local.get $want)) (i32.eqz (global.get $failed)))
      (then
        (global.set $failed (global.get $n))
        (i32.store8 (i32.const 282) (i32.add (i32.const 0x40) (global.get $n)))
        (call $trace (i32.const 256) (i32.const 27)))))
  (func (export "xdp") (param $len i32) (result i32)
    (i32.store (i32.const 32) (i32.const 0x11223344))
    ;; 1-4: keyed ops on a queue and a bloom filter
    (call $expect (call $lookup (i32.const 0) (i32.const 0) (i32.const 16)) (i32.const -22))
    (call $expect (call $update (i32.const 0) (i32.const 0) (i32.const 16) (i64.const 0)) (i32.const -22))
    (call $expect (call $delete (i32.const 0) (i32.const 0)) (i32.const -22))
    (call $expect (call $lookup (i32.const 2) (i32.const 0) (i32.const 16)) (i32.const -22))
    ;; 5-8: push/pop/peek on an lpm_trie, pop on a bloom filter
    (call $expect (call $push (i32.const 1) (i32.const 16) (i64.const 0)) (i32.const -22))
    (call $expect (call $pop (i32.const 1) (i32.const 16)) (i32.const -22))
    (call $expect (call $peek (i32.const 1) (i32.const 16)) (i32.const -22))
    (call $expect (call $pop (i32.const 2) (i32.const 16)) (i32.const -22))
    ;; 9-10: empty queue, value not in the bloom filter
    (call $expect (call $pop (i32.const 0) (i32.const 16)) (i32.const -2))
    (call $expect (call $peek (i32.const 2) (i32.const 32)) (i32.const -2))
    ;; 11-12: add to the bloom filter, then it may be present
    (call $expect (call $push (i32.const 2) (i32.const 32) (i64.const 0)) (i32.const 0))
    (call $expect (call $peek (i32.const 2) (i32.const 32)) (i32.const 0))
    ;; 13: bad push flags; 14: no map 3
    (call $expect (call $push (i32.const 0) (i32.const 32) (i64.const 5)) (i32.const -22))
    (call $expect (call $push (i32.const 3) (i32.const 32) (i64.const 0)) (i32.const -22))
    ;; 15-19: push 1..4 (full), 5 is -E2BIG; 20: BPF_EXIST pushes 5 over the oldest (1)
    (i32.store (i32.const 40) (i32.const 1))
    (call $expect (call $push (i32.const 0) (i32.const 40) (i64.const 0)) (i32.const 0))
    (i32.store (i32.const 40) (i32.const 2))
    (call $expect (call $push (i32.const 0) (i32.const 40) (i64.const 0)) (i32.const 0))
    (i32.store (i32.const 40) (i32.const 3))
    (call $expect (call $push (i32.const 0) (i32.const 40) (i64.const 0)) (i32.const 0))
    (i32.store (i32.const 40) (i32.const 4))
    (call $expect (call $push (i32.const 0) (i32.const 40) (i64.const 0)) (i32.const 0))
    (i32.store (i32.const 40) (i32.const 5))
    (call $expect (call $push (i32.const 0) (i32.const 40) (i64.const 0)) (i32.const -7))
    (call $expect (call $push (i32.const 0) (i32.const 40) (i64.const 2)) (i32.const 0))
    ;; 21-24: peek then pop give 2 (FIFO, 1 was replaced), then 3
    (call $expect (call $peek (i32.const 0) (i32.const 44)) (i32.const 0))
    (call $expect (i32.load (i32.const 44)) (i32.const 2))
    (call $expect (call $pop (i32.const 0) (i32.const 44)) (i32.const 0))
    (call $expect (call $pop (i32.const 0) (i32.const 44)) (i32.const 0))
    (call $expect (i32.load (i32.const 44)) (i32.const 3))
    ;; 26: prefix 33 of a 32-bit trie is -EINVAL; 27: 10.0.0.0/8 -> 7
    (i32.store (i32.const 48) (i32.const 33))
    (i32.store (i32.const 52) (i32.const 0x0000000a))
    (i32.store (i32.const 56) (i32.const 7))
    (call $expect (call $update (i32.const 1) (i32.const 48) (i32.const 56) (i64.const 0)) (i32.const -22))
    (i32.store (i32.const 48) (i32.const 8))
    (call $expect (call $update (i32.const 1) (i32.const 48) (i32.const 56) (i64.const 0)) (i32.const 0))
    ;; 28-29: 10.1.2.3 matches 10.0.0.0/8; 30: 11.1.2.3 matches nothing
    (i32.store (i32.const 64) (i32.const 32))
    (i32.store (i32.const 68) (i32.const 0x0302010a))
    (call $expect (call $lookup (i32.const 1) (i32.const 64) (i32.const 72)) (i32.const 0))
    (call $expect (i32.load (i32.const 72)) (i32.const 7))
    (i32.store (i32.const 68) (i32.const 0x0302010b))
    (call $expect (call $lookup (i32.const 1) (i32.const 64) (i32.const 72)) (i32.const -2))
    (if (result i32) (global.get $failed) (then (i32.const 1)) (else (i32.const 2)))))

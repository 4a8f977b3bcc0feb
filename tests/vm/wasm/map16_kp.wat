;; kprobe hook.
;; 16 maps of mixed types (Hook ABI v2, 16-map trampoline), each touched per run: maps 0-9 and
;; 14-15 (array, hash, percpu_array, percpu_hash, lru_hash, lru_percpu_hash, ...; u32 -> u64)
;; count runs at key 0, map 10 (lpm_trie, key {32, 0.0.0.0}) counts at that key, maps 11/12
;; (queue, stack) get the value 0x11 pushed, map 13 (bloom filter) has 0x11 added.
(module
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "map_push" (func $push (param i32 i32 i64) (result i32)))
  (memory 1)
  ;; 0: u32 key 0; 8: u64 value; 16: lpm key {32, 0}; 24: u64 0x11
  (data (i32.const 16) "\20\00\00\00\00\00\00\00\11\00\00\00\00\00\00\00")
  (func $bump (param $m i32) (param $k i32)
    (if (i32.ne (call $lookup (local.get $m) (local.get $k) (i32.const 8)) (i32.const 0))
      (then (i64.store (i32.const 8) (i64.const 0))))
    (i64.store (i32.const 8) (i64.add (i64.load (i32.const 8)) (i64.const 1)))
    (drop (call $update (local.get $m) (local.get $k) (i32.const 8) (i64.const 0))))
  (func (export "kprobe") (param i32) (result i32)
    (call $bump (i32.const 0) (i32.const 0))
    (call $bump (i32.const 1) (i32.const 0))
    (call $bump (i32.const 2) (i32.const 0))
    (call $bump (i32.const 3) (i32.const 0))
    (call $bump (i32.const 4) (i32.const 0))
    (call $bump (i32.const 5) (i32.const 0))
    (call $bump (i32.const 6) (i32.const 0))
    (call $bump (i32.const 7) (i32.const 0))
    (call $bump (i32.const 8) (i32.const 0))
    (call $bump (i32.const 9) (i32.const 0))
    (call $bump (i32.const 10) (i32.const 16))
    (drop (call $push (i32.const 11) (i32.const 24) (i64.const 0)))
    (drop (call $push (i32.const 12) (i32.const 24) (i64.const 0)))
    (drop (call $push (i32.const 13) (i32.const 24) (i64.const 0)))
    (call $bump (i32.const 14) (i32.const 0))
    (call $bump (i32.const 15) (i32.const 0))
    i32.const 0)
  (@custom "wasmhook.maps"
    "\01\10"
    "\03m00" "\02\00\00\00" "\04\00\00\00" "\08\00\00\00" "\10\00\00\00"
    "\03m01" "\01\00\00\00" "\04\00\00\00" "\08\00\00\00" "\10\00\00\00"
    "\03m02" "\06\00\00\00" "\04\00\00\00" "\08\00\00\00" "\10\00\00\00"
    "\03m03" "\05\00\00\00" "\04\00\00\00" "\08\00\00\00" "\10\00\00\00"
    "\03m04" "\09\00\00\00" "\04\00\00\00" "\08\00\00\00" "\10\00\00\00"
    "\03m05" "\0a\00\00\00" "\04\00\00\00" "\08\00\00\00" "\10\00\00\00"
    "\03m06" "\02\00\00\00" "\04\00\00\00" "\08\00\00\00" "\10\00\00\00"
    "\03m07" "\01\00\00\00" "\04\00\00\00" "\08\00\00\00" "\10\00\00\00"
    "\03m08" "\02\00\00\00" "\04\00\00\00" "\08\00\00\00" "\10\00\00\00"
    "\03m09" "\01\00\00\00" "\04\00\00\00" "\08\00\00\00" "\10\00\00\00"
    "\03m10" "\0b\00\00\00" "\08\00\00\00" "\08\00\00\00" "\10\00\00\00"
    "\03m11" "\16\00\00\00" "\00\00\00\00" "\08\00\00\00" "\10\00\00\00"
    "\03m12" "\17\00\00\00" "\00\00\00\00" "\08\00\00\00" "\10\00\00\00"
    "\03m13" "\1e\00\00\00" "\00\00\00\00" "\08\00\00\00" "\10\00\00\00"
    "\03m14" "\02\00\00\00" "\04\00\00\00" "\08\00\00\00" "\10\00\00\00"
    "\03m15" "\01\00\00\00" "\04\00\00\00" "\08\00\00\00" "\10\00\00\00"))

;; kprobe hook for `wasmload attach --uprobe /bin/uprobed:wh_uprobe_target`: per call of
;; wh_uprobe_target(i, x) it records in map 0 `u` (array u32 -> u64, 4 entries):
;;   0 calls   1 x of the last call   2 the sum of the i's   3 pid_tgid of the caller
(module
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "kprobe_arg" (func $arg (param i32) (result i64)))
  (import "wasmhook" "pid_tgid" (func $pid_tgid (result i64)))
  (memory 1)
  (@custom "wasmhook.maps" "\01\01\01u\02\00\00\00\04\00\00\00\08\00\00\00\04\00\00\00")
  ;; key at 0, value at 8
  (func $get (param $k i32) (result i64)
    (i32.store (i32.const 0) (local.get $k))
    (if (result i64) (i32.eqz (call $lookup (i32.const 0) (i32.const 0) (i32.const 8)))
      (then (i64.load (i32.const 8)))
      (else (i64.const 0))))
  (func $put (param $k i32) (param $v i64)
    (i32.store (i32.const 0) (local.get $k))
    (i64.store (i32.const 8) (local.get $v))
    (drop (call $update (i32.const 0) (i32.const 0) (i32.const 8) (i64.const 0))))
  (func (export "kprobe") (param i32) (result i32)
    (call $put (i32.const 0) (i64.add (call $get (i32.const 0)) (i64.const 1)))
    (call $put (i32.const 1) (call $arg (i32.const 1)))
    (call $put (i32.const 2) (i64.add (call $get (i32.const 2)) (call $arg (i32.const 0))))
    (call $put (i32.const 3) (call $pid_tgid))
    i32.const 0))

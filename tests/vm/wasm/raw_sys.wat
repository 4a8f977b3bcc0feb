;; tracepoint hook for the raw tracepoint sys_enter (tests/vm/rawtp-tests.sh): its record is the
;; tracepoint's arguments, u64 each: (struct pt_regs *regs, long id). For id 162 (sync(2) on
;; x86_64) map 0 `res` (array u32 -> u64 [4]) gets: [0] += 1, [1] = the record length (entry
;; argument), [2] = ctx_read of a third argument (past the record: -14) + 1000, [3] = the
;; caller's tgid. Returns 0.
(module
  (import "wasmhook" "ctx_read" (func $rd (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "pid_tgid" (func $pid_tgid (result i64)))
  (memory 1)
  (@custom "wasmhook.maps" "\01\01\03res\02\00\00\00\04\00\00\00\08\00\00\00\04\00\00\00")
  (func $set (param $k i32) (param $v i64)
    (i32.store (i32.const 0) (local.get $k))
    (i64.store (i32.const 8) (local.get $v))
    (drop (call $update (i32.const 0) (i32.const 0) (i32.const 8) (i64.const 0))))
  ;; key at 0, value at 8, argument buffer at 32
  (func (export "tracepoint") (param $len i32) (result i32)
    (if (i32.ne (call $rd (i32.const 8) (i32.const 32) (i32.const 8)) (i32.const 8))
      (then (return (i32.const 0))))
    (if (i64.ne (i64.load (i32.const 32)) (i64.const 162))
      (then (return (i32.const 0))))
    (i32.store (i32.const 0) (i32.const 0))
    (if (i32.ne (call $lookup (i32.const 0) (i32.const 0) (i32.const 8)) (i32.const 0))
      (then (i64.store (i32.const 8) (i64.const 0))))
    (call $set (i32.const 0) (i64.add (i64.load (i32.const 8)) (i64.const 1)))
    (call $set (i32.const 1) (i64.extend_i32_u (local.get $len)))
    (call $set (i32.const 2) (i64.extend_i32_s (i32.add (i32.const 1000)
      (call $rd (i32.const 16) (i32.const 40) (i32.const 8)))))
    (call $set (i32.const 3) (i64.shr_u (call $pid_tgid) (i64.const 32)))
    i32.const 0))

;; tracepoint hook (3 maps: the plain tracepoint trampoline) for sched:sched_process_exec:
;; map 0 `execs` (hash u32 pid -> u64) counts the execs of each pid, read from the record's pid
;; field at offset 12.
(module
  (import "wasmhook" "ctx_read" (func $rd (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (memory 1)
  (@custom "wasmhook.maps"
    "\01\01"
    "\05execs" "\01\00\00\00" "\04\00\00\00" "\08\00\00\00" "\00\04\00\00")
  ;; key at 0 (u32 pid), value at 8 (u64)
  (func (export "tracepoint") (param i32) (result i32)
    (if (i32.ne (call $rd (i32.const 12) (i32.const 0) (i32.const 4)) (i32.const 4))
      (then (return (i32.const 0))))
    (if (i32.ne (call $lookup (i32.const 0) (i32.const 0) (i32.const 8)) (i32.const 0))
      (then (i64.store (i32.const 8) (i64.const 0))))
    (i64.store (i32.const 8) (i64.add (i64.load (i32.const 8)) (i64.const 1)))
    (drop (call $update (i32.const 0) (i32.const 0) (i32.const 8) (i64.const 0)))
    i32.const 0))

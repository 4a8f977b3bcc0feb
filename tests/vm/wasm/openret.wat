;; kprobe hook for `wasmload attach --kretprobe do_sys_openat2` (and, to show kprobe_ret is 0 at
;; entry, --kprobe): for tasks named "whprobe", counts the probed function's returns per tgid,
;; negative ones (-errno) in map 0 `errs`, the others in map 1 `oks`; map 2 `lasterr[0]` keeps
;; the last negative return value. do_sys_openat2 returns an `int` (7.x): only the low 32 bits of
;; the return register are the value, so it is read as an i32 (as PT_REGS_RC is cast in BPF C).
(module
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "kprobe_ret" (func $ret (result i64)))
  (import "wasmhook" "pid_tgid" (func $pid_tgid (result i64)))
  (import "wasmhook" "comm" (func $comm (param i32 i32) (result i32)))
  (memory 1)
  (@custom "wasmhook.maps" "\01\03\04errs\01\00\00\00\04\00\00\00\08\00\00\00\40\00\00\00\03oks\01\00\00\00\04\00\00\00\08\00\00\00\40\00\00\00\07lasterr\02\00\00\00\04\00\00\00\08\00\00\00\01\00\00\00")
  (data (i32.const 64) "whprobe\00")
  ;; map[key at 0] += 1 (value at 8)
  (func $bump (param $map i32)
    (if (i32.ne (call $lookup (local.get $map) (i32.const 0) (i32.const 8)) (i32.const 0))
      (then (i64.store (i32.const 8) (i64.const 0))))
    (i64.store (i32.const 8) (i64.add (i64.load (i32.const 8)) (i64.const 1)))
    (drop (call $update (local.get $map) (i32.const 0) (i32.const 8) (i64.const 0))))
  (func (export "kprobe") (param i32) (result i32)
    (local $r i64)
    (local.set $r (i64.extend_i32_s (i32.wrap_i64 (call $ret))))
    ;; comm into 32..48; only "whprobe" counts (8 bytes with its NUL, then NUL padding)
    (drop (call $comm (i32.const 32) (i32.const 16)))
    (if (i64.ne (i64.load (i32.const 32)) (i64.load (i32.const 64)))
      (then (return (i32.const 0))))
    (i32.store (i32.const 0) (i32.wrap_i64 (i64.shr_u (call $pid_tgid) (i64.const 32))))
    (if (i64.lt_s (local.get $r) (i64.const 0))
      (then
        (call $bump (i32.const 0))
        (i32.store (i32.const 16) (i32.const 0))
        (i64.store (i32.const 24) (local.get $r))
        (drop (call $update (i32.const 2) (i32.const 16) (i32.const 24) (i64.const 0))))
      (else (call $bump (i32.const 1))))
    i32.const 0))

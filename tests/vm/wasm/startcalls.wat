;; A start function that calls every host function. It runs at LOAD, in process context, with no
;; packet, registers or maps: maps answer -EINVAL, kprobe_arg and kprobe_ret 0, the packet is
;; empty, probe_read_kernel -EPERM (buffer zeroed); the task helpers describe the loading process
;; (a pid, a name). $ok records that; the XDP entry returns PASS if the start function saw exactly
;; that, else DROP.
(module
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "map_delete" (func $delete (param i32 i32) (result i32)))
  (import "wasmhook" "kprobe_arg" (func $arg (param i32) (result i64)))
  (import "wasmhook" "pkt_len" (func $pkt_len (result i32)))
  (import "wasmhook" "pkt_read" (func $pkt_read (param i32 i32 i32) (result i32)))
  (import "wasmhook" "pkt_write" (func $pkt_write (param i32 i32 i32) (result i32)))
  (import "wasmhook" "pkt_u8" (func $pkt_u8 (param i32) (result i32)))
  (import "wasmhook" "trace" (func $trace (param i32 i32)))
  (import "wasmhook" "kprobe_ret" (func $ret (result i64)))
  (import "wasmhook" "pid_tgid" (func $pid_tgid (result i64)))
  (import "wasmhook" "uid_gid" (func $uid_gid (result i64)))
  (import "wasmhook" "comm" (func $comm (param i32 i32) (result i32)))
  (import "wasmhook" "cpu_id" (func $cpu (result i32)))
  (import "wasmhook" "prandom_u32" (func $rand (result i32)))
  (import "wasmhook" "ktime_boot_ns" (func $boot (result i64)))
  (import "wasmhook" "probe_read_kernel" (func $read (param i32 i64 i32) (result i32)))
  (memory 1)
  (data (i32.const 256) "start function ran")
  (global $ok (mut i32) (i32.const 0))
  (func $start
    (global.set $ok
      (i32.and
        (i32.and
          (i32.and (i32.eq (call $lookup (i32.const 0) (i32.const 0) (i32.const 8)) (i32.const -22))
                   (i32.eq (call $update (i32.const 1) (i32.const 0) (i32.const 8) (i64.const 0)) (i32.const -22)))
          (i32.and (i32.eq (call $delete (i32.const 2) (i32.const 0)) (i32.const -22))
                   (i64.eqz (call $arg (i32.const 0)))))
        (i32.and
          (i32.and (i32.eqz (call $pkt_len))
                   (i32.eq (call $pkt_read (i32.const 0) (i32.const 16) (i32.const 4)) (i32.const -1)))
          (i32.and (i32.eq (call $pkt_write (i32.const 0) (i32.const 16) (i32.const 4)) (i32.const -1))
                   (i32.eq (call $pkt_u8 (i32.const 0)) (i32.const -1))))))
    (drop (call $uid_gid))
    (drop (call $cpu))
    (drop (call $rand))
    (i64.store (i32.const 64) (i64.const -1))
    (global.set $ok
      (i32.and (global.get $ok)
        (i32.and
          (i32.and (i64.eqz (call $ret))
                   (i32.and (i32.eq (call $read (i32.const 64) (i64.const 0xffffffff81000000) (i32.const 8)) (i32.const -1))
                            (i64.eqz (i64.load (i32.const 64)))))
          (i32.and (i32.gt_s (call $comm (i32.const 32) (i32.const 16)) (i32.const 0))
                   (i32.and (i64.ne (call $pid_tgid) (i64.const 0))
                            (i64.ne (call $boot) (i64.const 0)))))))
    (call $trace (i32.const 256) (i32.const 18)))
  (start $start)
  (func (export "xdp") (param i32) (result i32)
    (if (result i32) (global.get $ok) (then (i32.const 2)) (else (i32.const 1)))))

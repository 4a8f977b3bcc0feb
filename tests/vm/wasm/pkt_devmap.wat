;; XDP hook with a devmap, for the redirect_map tests (Hook ABI v2, tests/vm/pkt-tests.sh P13).
;; Maps: 0 `res` (array u32 -> u64 [32]: results as rc + 1000), 1 `tx` (devmap u32 -> u32 [4],
;; filled by the test with bpftool). Frames of ethertype 0x88b5 carry a command in byte 14:
;;   10 redirect_map(tx, key = byte 15, fallback = byte 16); rc to res[byte 17];
;;      verdict XDP_REDIRECT (4) if rc is 0, else DROP
;;   11 refusals, each rc to res[1..7]: map 0 is no devmap; key 2^21; fallback 4 (REDIRECT);
;;      map 5 (not declared); fallback -1; map_update and map_lookup on the devmap; then DROP
;;   12 redirect_map(tx, 3, DROP) (an empty entry) then redirect(ifindex in bytes 15..18): the
;;      later call wins, the frame goes to that ifindex (rcs to res[8], res[9])
;; Everything else passes.
(module
  (import "wasmhook" "pkt_u8" (func $u8 (param i32) (result i32)))
  (import "wasmhook" "pkt_u16" (func $u16 (param i32) (result i32)))
  (import "wasmhook" "pkt_u32" (func $u32 (param i32) (result i64)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "map_lookup" (func $lookup (param i32 i32 i32) (result i32)))
  (import "wasmhook" "redirect" (func $redirect (param i32 i64) (result i32)))
  (import "wasmhook" "redirect_map" (func $rmap (param i32 i32 i64) (result i32)))
  (memory 1)
  (@custom "wasmhook.maps" "\01\02\03res\02\00\00\00\04\00\00\00\08\00\00\00\20\00\00\00\02tx\0e\00\00\00\04\00\00\00\04\00\00\00\04\00\00\00")
  (func $rec (param $key i32) (param $rc i32)
    (i32.store (i32.const 0) (local.get $key))
    (i64.store (i32.const 8) (i64.extend_i32_s (i32.add (local.get $rc) (i32.const 1000))))
    (drop (call $update (i32.const 0) (i32.const 0) (i32.const 8) (i64.const 0))))
  (func (export "xdp") (param $len i32) (result i32)
    (local $cmd i32) (local $rc i32)
    (if (i32.ne (call $u16 (i32.const 12)) (i32.const 0x88b5))
      (then (return (i32.const 2))))
    (local.set $cmd (call $u8 (i32.const 14)))
    (if (i32.eq (local.get $cmd) (i32.const 10))
      (then
        (local.set $rc (call $rmap (i32.const 1) (call $u8 (i32.const 15))
          (i64.extend_i32_u (call $u8 (i32.const 16)))))
        (call $rec (call $u8 (i32.const 17)) (local.get $rc))
        (return (select (i32.const 4) (i32.const 1) (i32.eqz (local.get $rc))))))
    (if (i32.eq (local.get $cmd) (i32.const 11))
      (then
        (call $rec (i32.const 1) (call $rmap (i32.const 0) (i32.const 0) (i64.const 0)))
        (call $rec (i32.const 2) (call $rmap (i32.const 1) (i32.const 0x200000) (i64.const 0)))
        (call $rec (i32.const 3) (call $rmap (i32.const 1) (i32.const 0) (i64.const 4)))
        (call $rec (i32.const 4) (call $rmap (i32.const 5) (i32.const 0) (i64.const 0)))
        (call $rec (i32.const 5) (call $rmap (i32.const 1) (i32.const 0) (i64.const -1)))
        ;; key 0 and a 4-byte value at 16..20 for the devmap
        (i32.store (i32.const 16) (i32.const 0))
        (i32.store (i32.const 20) (i32.const 1))
        (call $rec (i32.const 6) (call $update (i32.const 1) (i32.const 16) (i32.const 20) (i64.const 0)))
        (call $rec (i32.const 7) (call $lookup (i32.const 1) (i32.const 16) (i32.const 24)))
        (return (i32.const 1))))
    (if (i32.eq (local.get $cmd) (i32.const 12))
      (then
        (call $rec (i32.const 8) (call $rmap (i32.const 1) (i32.const 3) (i64.const 1)))
        (call $rec (i32.const 9)
          (call $redirect (i32.wrap_i64 (call $u32 (i32.const 15))) (i64.const 0)))
        (return (i32.const 4))))
    i32.const 2))

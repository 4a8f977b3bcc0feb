;; tc hook with 4 maps, so it runs from the 16-map trampoline (wasm_tc16), for the packet-action
;; tests (tests/vm/pkt-tests.sh): frames of ethertype 0x88b5 with command 2 in byte 14 are
;; redirected (verdict 7) to the ifindex in bytes 15..18 (big-endian), ingress if byte 19 is 1; redirect()'s
;; rc + 1000 goes to map 3 `res` at key byte 19. Everything else passes.
(module
  (import "wasmhook" "pkt_u8" (func $u8 (param i32) (result i32)))
  (import "wasmhook" "pkt_u16" (func $u16 (param i32) (result i32)))
  (import "wasmhook" "pkt_u32" (func $u32 (param i32) (result i64)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "redirect" (func $redirect (param i32 i64) (result i32)))
  (memory 1)
  (@custom "wasmhook.maps" "\01\04\02m0\02\00\00\00\04\00\00\00\08\00\00\00\04\00\00\00\02m1\02\00\00\00\04\00\00\00\08\00\00\00\04\00\00\00\02m2\02\00\00\00\04\00\00\00\08\00\00\00\04\00\00\00\03res\02\00\00\00\04\00\00\00\08\00\00\00\04\00\00\00")
  (func (export "tc") (param i32) (result i32)
    (if (i32.and (i32.eq (call $u16 (i32.const 12)) (i32.const 0x88b5))
                 (i32.eq (call $u8 (i32.const 14)) (i32.const 2)))
      (then
        (i32.store (i32.const 0) (call $u8 (i32.const 19)))
        (i64.store (i32.const 8) (i64.extend_i32_s (i32.add (i32.const 1000)
          (call $redirect (i32.wrap_i64 (call $u32 (i32.const 15))) (i64.extend_i32_u (call $u8 (i32.const 19)))))))
        (drop (call $update (i32.const 3) (i32.const 0) (i32.const 8) (i64.const 0)))
        (return (i32.const 7))))
    i32.const 0))

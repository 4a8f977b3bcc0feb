;; pkt_devmap.wat's command 10 from the 16-map trampoline (wasm_xdp16): 4 maps, the devmap at
;; index 3. redirect_map(3, key = byte 15, fallback = byte 16), rc to map 0 `res` at key 0,
;; verdict XDP_REDIRECT if rc is 0, else DROP. Everything else passes.
(module
  (import "wasmhook" "pkt_u8" (func $u8 (param i32) (result i32)))
  (import "wasmhook" "pkt_u16" (func $u16 (param i32) (result i32)))
  (import "wasmhook" "map_update" (func $update (param i32 i32 i32 i64) (result i32)))
  (import "wasmhook" "redirect_map" (func $rmap (param i32 i32 i64) (result i32)))
  (memory 1)
  (@custom "wasmhook.maps" "\01\04\03res\02\00\00\00\04\00\00\00\08\00\00\00\04\00\00\00\02m1\02\00\00\00\04\00\00\00\08\00\00\00\04\00\00\00\02m2\02\00\00\00\04\00\00\00\08\00\00\00\04\00\00\00\02tx\19\00\00\00\04\00\00\00\04\00\00\00\04\00\00\00")
  (func (export "xdp") (param i32) (result i32)
    (local $rc i32)
    (if (i32.and (i32.eq (call $u16 (i32.const 12)) (i32.const 0x88b5))
                 (i32.eq (call $u8 (i32.const 14)) (i32.const 10)))
      (then
        (local.set $rc (call $rmap (i32.const 3) (call $u8 (i32.const 15))
          (i64.extend_i32_u (call $u8 (i32.const 16)))))
        (i32.store (i32.const 0) (i32.const 0))
        (i64.store (i32.const 8) (i64.extend_i32_s (i32.add (i32.const 1000) (local.get $rc))))
        (drop (call $update (i32.const 0) (i32.const 0) (i32.const 8) (i64.const 0)))
        (return (select (i32.const 4) (i32.const 1) (i32.eqz (local.get $rc))))))
    i32.const 2))

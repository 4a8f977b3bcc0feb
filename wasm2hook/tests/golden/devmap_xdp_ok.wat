;; wasm2hook check {}
;; An XDP hook with a devmap (type 14, u32 keys and ifindex values) that redirects through it.
(module
  (import "wasmhook" "redirect_map" (func $redirect_map (param i32 i32 i64) (result i32)))
  (memory 1)
  (func (export "xdp") (param i32) (result i32)
    (if (result i32) (i32.eqz (call $redirect_map (i32.const 0) (i32.const 1) (i64.const 2)))
      (then (i32.const 4)) (else (i32.const 2))))
  (@custom "wasmhook.maps"
    "\01\01"
    "\02tx" "\0e\00\00\00" "\04\00\00\00" "\04\00\00\00" "\08\00\00\00"))

;; wasm2hook check {}
;; Forgot to export the entry (e.g. Rust without #[no_mangle] / C without --export=xdp).
(module
  (memory 1)
  (func $xdp (param i32) (result i32) i32.const 2))

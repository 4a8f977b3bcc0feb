;; wasm2hook check {}
;; SIMD (v128) is not supported by the engine.
(module
  (memory 1)
  (func (export "xdp") (param i32) (result i32)
    (drop (v128.const i64x2 0 0))
    i32.const 2))

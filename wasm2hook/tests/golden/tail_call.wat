;; wasm2hook check {}
;; Tail calls are not supported by the engine.
(module
  (memory 1)
  (func $pass (param i32) (result i32) i32.const 2)
  (func (export "xdp") (param i32) (result i32) local.get 0 return_call $pass))

;; wasm2hook inspect {}
;; `inspect` shows what it can and reports the problems (exit 1).
(module
  (import "env" "log" (func (param i32)))
  (memory 20)
  (func (export "kprobe") (param i32) (result i32) i32.const 0))

;; wasm2hook check {} --hook kprobe
;; An XDP hook checked as a kprobe hook.
(module
  (memory 1)
  (func (export "xdp") (param i32) (result i32) i32.const 2))

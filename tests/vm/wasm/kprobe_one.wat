;; A kprobe hook that returns 1, which is XDP_DROP if the XDP kfunc ever ran it.
(module
  (func (export "kprobe") (param i32) (result i32) (i32.const 1)))

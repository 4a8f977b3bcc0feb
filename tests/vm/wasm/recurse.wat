;; Hostile: unbounded recursion. Must trap (call stack exhausted), not overflow the kernel stack.
(module
  (memory 1)
  (func $f (param i32) (result i32)
    (call $f (i32.add (local.get 0) (i32.const 1))))
  (func (export "xdp") (param $len i32) (result i32)
    (call $f (local.get $len))))

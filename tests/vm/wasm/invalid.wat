;; Invalid: the body leaves an i64 where the type says i32. LOAD must refuse it (validation).
(module
  (memory 1)
  (func (export "xdp") (param $len i32) (result i32)
    i64.const 1))

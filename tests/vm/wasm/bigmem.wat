;; Hostile: asks for 1000 pages (62.5 MiB) per CPU. LOAD must refuse it (memory limit).
(module
  (memory 1000)
  (func (export "xdp") (param $len i32) (result i32)
    i32.const 2))

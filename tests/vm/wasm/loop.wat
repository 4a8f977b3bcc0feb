;; Hostile: an infinite loop. Must stop by fuel, be counted, and answer the trap verdict.
(module
  (memory 1)
  (func (export "xdp") (param $len i32) (result i32)
    (loop $l (br $l))
    i32.const 2))

;; Hostile: reads far outside its linear memory. Must trap (out of bounds).
(module
  (memory 1)
  (func (export "xdp") (param $len i32) (result i32)
    (i32.load (i32.const 0x7ffffff0))))

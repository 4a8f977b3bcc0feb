;; XDP hook that drops every packet.
(module
  (memory 1)
  (func (export "xdp") (param $len i32) (result i32)
    i32.const 1))

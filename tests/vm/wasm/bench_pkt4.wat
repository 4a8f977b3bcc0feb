;; Bench hook (scripts/bench-hook --icount): four pkt_u16 reads (engine intrinsics), then PASS.
;; Against the empty hook it gives what one in-kernel packet read costs.
(module
  (import "wasmhook" "pkt_u16" (func $u16 (param i32) (result i32)))
  (memory 1)
  (func (export "xdp") (param $len i32) (result i32)
    (drop (call $u16 (i32.const 12)))
    (drop (call $u16 (i32.const 14)))
    (drop (call $u16 (i32.const 16)))
    (drop (call $u16 (i32.const 18)))
    i32.const 2))

;; An XDP hook whose trace line carries an escape sequence, a newline that would forge a second
;; log line, and a NUL: the kernel log must show them as '?'.
(module
  (import "wasmhook" "trace" (func $trace (param i32 i32)))
  (memory 1)
  (data (i32.const 0) "A\1b[31mB\0awasmhook: FORGED\00Z")
  (func (export "xdp") (param i32) (result i32)
    (call $trace (i32.const 0) (i32.const 26))
    (i32.const 2)))

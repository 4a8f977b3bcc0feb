;; wasm2hook check {}
;; Rust's default 1 MiB stack makes 17 pages; LOAD allows at most 16 (build with -zstack-size).
(module
  (memory 17)
  (func (export "xdp") (param i32) (result i32) i32.const 2))

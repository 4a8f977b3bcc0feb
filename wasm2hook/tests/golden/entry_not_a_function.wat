;; wasm2hook check {} --hook xdp
;; `xdp` exported, but as a global.
(module
  (memory 1)
  (global (export "xdp") i32 (i32.const 2)))

;; wasm2hook check {}
;; A zero-byte file (e.g. a failed build that still created its output).
(module binary "")

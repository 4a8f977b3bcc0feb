;; wasm2hook check {}
;; Not a Wasm file at all (a text file given by mistake).
(module binary "(module)")

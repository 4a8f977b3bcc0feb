;; wasm2hook check {}
;; A file cut off in the middle of the header.
(module binary "\00asm" "\01\00")

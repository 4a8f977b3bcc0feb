;; wasm2hook check {}
;; A type section whose declared size runs past the end of the file.
(module binary
  "\00asm" "\01\00\00\00"
  "\01\20\01\60\01\7f\01\7f")

;; wasm2hook check {}
;; An ELF object (e.g. a hook object) given to `check`.
(module binary "\7fELF" "\02\01\01\00")

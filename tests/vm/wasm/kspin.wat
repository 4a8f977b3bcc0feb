;; A kprobe hook that spins until its fuel runs out.
(module
  (func (export "kprobe") (param i32) (result i32)
    (loop $l (br $l))
    (i32.const 0)))

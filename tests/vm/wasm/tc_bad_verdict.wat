;; tc hook that returns 1 (XDP_DROP, but TC_ACT_RECLASSIFY for tc): not a tc verdict of Hook ABI
;; v2, so the run counts as a trap and answers the slot's trap verdict.
(module
  (func (export "tc") (param i32) (result i32) (i32.const 1)))

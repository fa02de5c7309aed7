(module
  ;; -1 for negative x, 0 for zero, 1 for positive.
  (func (export "sign") (param $x i32) (result i32)
    i32.const 0)

  ;; x limited to the range [lo, hi] (lo <= hi).
  (func (export "clamp") (param $x i32) (param $lo i32) (param $hi i32) (result i32)
    local.get $x))

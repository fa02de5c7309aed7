(module
  ;; 1 + 2 + ... + n
  (func (export "sum_to") (param $n i32) (result i32)
    (local $i i32)
    (local $sum i32)
    ;; Loop from 1 to n here.
    local.get $sum)

  ;; n! = 1 * 2 * ... * n, as a 64-bit integer
  (func (export "factorial") (param $n i32) (result i64)
    i64.const 1))

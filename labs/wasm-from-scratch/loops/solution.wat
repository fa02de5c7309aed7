(module
  (func (export "sum_to") (param $n i32) (result i32)
    (local $i i32)
    (local $sum i32)
    (local.set $i (i32.const 1))
    (block $done
      (loop $again
        (br_if $done (i32.gt_u (local.get $i) (local.get $n)))
        (local.set $sum (i32.add (local.get $sum) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (local.get $sum))

  (func (export "factorial") (param $n i32) (result i64)
    (local $product i64)
    (local.set $product (i64.const 1))
    (block $done
      (loop $again
        (br_if $done (i32.le_u (local.get $n) (i32.const 1)))
        (local.set $product (i64.mul (local.get $product) (i64.extend_i32_u (local.get $n))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $product)))

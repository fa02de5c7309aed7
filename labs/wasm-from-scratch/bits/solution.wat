(module
  (func (export "is_pow2") (param $x i32) (result i32)
    (i32.and
      (i32.ne (local.get $x) (i32.const 0))
      (i32.eqz (i32.and (local.get $x) (i32.sub (local.get $x) (i32.const 1))))))

  (func (export "popcount") (param $x i32) (result i32)
    (local $count i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $x)))
        (local.set $x (i32.and (local.get $x) (i32.sub (local.get $x) (i32.const 1))))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (br $next)))
    (local.get $count)))

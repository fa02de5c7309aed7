(module
  (memory (export "memory") 1)

  (func (export "reverse") (param $ptr i32) (param $len i32)
    (local $left i32) (local $right i32) (local $tmp i32)
    (local.set $left (local.get $ptr))
    (local.set $right (i32.sub (i32.add (local.get $ptr) (local.get $len)) (i32.const 1)))
    (block $done
      (loop $swap
        (br_if $done (i32.ge_s (local.get $left) (local.get $right)))
        (local.set $tmp (i32.load8_u (local.get $left)))
        (i32.store8 (local.get $left) (i32.load8_u (local.get $right)))
        (i32.store8 (local.get $right) (local.get $tmp))
        (local.set $left (i32.add (local.get $left) (i32.const 1)))
        (local.set $right (i32.sub (local.get $right) (i32.const 1)))
        (br $swap)))))

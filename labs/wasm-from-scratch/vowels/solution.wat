(module
  (memory (export "memory") 1)

  (func $is_vowel (param $c i32) (result i32)
    (local.set $c (i32.or (local.get $c) (i32.const 32)))
    (i32.or
      (i32.or
        (i32.eq (local.get $c) (i32.const 97))
        (i32.eq (local.get $c) (i32.const 101)))
      (i32.or
        (i32.or
          (i32.eq (local.get $c) (i32.const 105))
          (i32.eq (local.get $c) (i32.const 111)))
        (i32.eq (local.get $c) (i32.const 117)))))

  (func (export "count_vowels") (param $ptr i32) (param $len i32) (result i32)
    (local $end i32)
    (local $count i32)
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $count
          (i32.add (local.get $count) (call $is_vowel (i32.load8_u (local.get $ptr)))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $next)))
    (local.get $count)))

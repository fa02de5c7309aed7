(module
  (memory (export "memory") 1)

  (global $best (mut i32) (i32.const -2147483648))

  (func (export "best") (result i32)
    global.get $best)

  (func $observe (export "observe") (param $x i32)
    (if (i32.gt_s (local.get $x) (global.get $best))
      (then (global.set $best (local.get $x)))))

  (func (export "observe_all") (param $ptr i32) (param $len i32) (result i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (call $observe (i32.load (local.get $ptr)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
    (global.get $best)))

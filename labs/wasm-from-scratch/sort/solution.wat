(module
  (memory (export "memory") 1)

  ;; Heapsort: O(n log n) in the worst case, in place.
  (func $at (param $base i32) (param $i i32) (result i32)
    (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2))))

  (func $swap (param $p i32) (param $q i32)
    (local $t i32)
    (local.set $t (i32.load (local.get $p)))
    (i32.store (local.get $p) (i32.load (local.get $q)))
    (i32.store (local.get $q) (local.get $t)))

  ;; Moves element $root down until the heap in [0, $end) is a max-heap again.
  (func $sift (param $base i32) (param $root i32) (param $end i32)
    (local $child i32)
    (block $done
      (loop $down
        (local.set $child (i32.add (i32.shl (local.get $root) (i32.const 1)) (i32.const 1)))
        (br_if $done (i32.ge_s (local.get $child) (local.get $end)))
        (if (i32.lt_s (i32.add (local.get $child) (i32.const 1)) (local.get $end))
          (then
            (if (i32.lt_s
                  (i32.load (call $at (local.get $base) (local.get $child)))
                  (i32.load (call $at (local.get $base) (i32.add (local.get $child) (i32.const 1)))))
              (then (local.set $child (i32.add (local.get $child) (i32.const 1)))))))
        (br_if $done (i32.ge_s
          (i32.load (call $at (local.get $base) (local.get $root)))
          (i32.load (call $at (local.get $base) (local.get $child)))))
        (call $swap (call $at (local.get $base) (local.get $root)) (call $at (local.get $base) (local.get $child)))
        (local.set $root (local.get $child))
        (br $down))))

  (func (export "sort") (param $ptr i32) (param $len i32)
    (local $i i32)
    (local.set $i (i32.sub (i32.shr_u (local.get $len) (i32.const 1)) (i32.const 1)))
    (block $built
      (loop $heapify
        (br_if $built (i32.lt_s (local.get $i) (i32.const 0)))
        (call $sift (local.get $ptr) (local.get $i) (local.get $len))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $heapify)))
    (local.set $i (i32.sub (local.get $len) (i32.const 1)))
    (block $sorted
      (loop $extract
        (br_if $sorted (i32.le_s (local.get $i) (i32.const 0)))
        (call $swap (local.get $ptr) (call $at (local.get $ptr) (local.get $i)))
        (call $sift (local.get $ptr) (i32.const 0) (local.get $i))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $extract)))))

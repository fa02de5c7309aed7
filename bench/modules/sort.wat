;; Fills n i32s with a linear congruential sequence, heapsorts them in place,
;; and returns a checksum of the sorted array.
(module
  (memory 16)
  (func $sift (param $start i32) (param $end i32)
    (local $root i32) (local $child i32) (local $a i32) (local $b i32)
    (local.set $root (local.get $start))
    (block $done
      (loop $down
        (local.set $child (i32.add (i32.shl (local.get $root) (i32.const 1)) (i32.const 1)))
        (br_if $done (i32.ge_s (local.get $child) (local.get $end)))
        (if (i32.lt_s (i32.add (local.get $child) (i32.const 1)) (local.get $end))
          (then
            (if (i32.lt_s (i32.load (i32.shl (local.get $child) (i32.const 2)))
                          (i32.load (i32.shl (i32.add (local.get $child) (i32.const 1)) (i32.const 2))))
              (then (local.set $child (i32.add (local.get $child) (i32.const 1)))))))
        (local.set $a (i32.load (i32.shl (local.get $root) (i32.const 2))))
        (local.set $b (i32.load (i32.shl (local.get $child) (i32.const 2))))
        (br_if $done (i32.ge_s (local.get $a) (local.get $b)))
        (i32.store (i32.shl (local.get $root) (i32.const 2)) (local.get $b))
        (i32.store (i32.shl (local.get $child) (i32.const 2)) (local.get $a))
        (local.set $root (local.get $child))
        (br $down))))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $x i32) (local $end i32) (local $t i32) (local $sum i32)
    (local.set $x (i32.const 12345))
    (block $filled
      (loop $fill
        (br_if $filled (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
        (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.shr_u (local.get $x) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
    (local.set $i (i32.sub (i32.shr_s (local.get $n) (i32.const 1)) (i32.const 1)))
    (block $heaped
      (loop $heapify
        (br_if $heaped (i32.lt_s (local.get $i) (i32.const 0)))
        (call $sift (local.get $i) (local.get $n))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $heapify)))
    (local.set $end (i32.sub (local.get $n) (i32.const 1)))
    (block $sorted
      (loop $pop
        (br_if $sorted (i32.le_s (local.get $end) (i32.const 0)))
        (local.set $t (i32.load (i32.const 0)))
        (i32.store (i32.const 0) (i32.load (i32.shl (local.get $end) (i32.const 2))))
        (i32.store (i32.shl (local.get $end) (i32.const 2)) (local.get $t))
        (call $sift (i32.const 0) (local.get $end))
        (local.set $end (i32.sub (local.get $end) (i32.const 1)))
        (br $pop)))
    (local.set $i (i32.const 0))
    (block $summed
      (loop $sum_loop
        (br_if $summed (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $sum (i32.add (i32.mul (local.get $sum) (i32.const 31))
                                 (i32.load (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sum_loop)))
    (local.get $sum)))

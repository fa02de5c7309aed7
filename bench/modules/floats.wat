;; Float-heavy: iterates z = z^2 + c over an n x n grid (a Mandelbrot set,
;; at most 64 steps per point) and returns the total number of steps.
(module
  (func (export "run") (param $n i32) (result i32)
    (local $px i32) (local $py i32) (local $k i32) (local $total i32)
    (local $cx f64) (local $cy f64) (local $x f64) (local $y f64) (local $t f64)
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $py) (local.get $n)))
        (local.set $cy (f64.sub (f64.div (f64.mul (f64.convert_i32_s (local.get $py)) (f64.const 2.5))
                                         (f64.convert_i32_s (local.get $n))) (f64.const 1.25)))
        (local.set $px (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_s (local.get $px) (local.get $n)))
            (local.set $cx (f64.sub (f64.div (f64.mul (f64.convert_i32_s (local.get $px)) (f64.const 3.0))
                                             (f64.convert_i32_s (local.get $n))) (f64.const 2.0)))
            (local.set $x (f64.const 0)) (local.set $y (f64.const 0)) (local.set $k (i32.const 0))
            (block $escaped
              (loop $iter
                (br_if $escaped (i32.ge_s (local.get $k) (i32.const 64)))
                (br_if $escaped (f64.gt (f64.add (f64.mul (local.get $x) (local.get $x))
                                                 (f64.mul (local.get $y) (local.get $y))) (f64.const 4)))
                (local.set $t (f64.add (f64.sub (f64.mul (local.get $x) (local.get $x))
                                                (f64.mul (local.get $y) (local.get $y))) (local.get $cx)))
                (local.set $y (f64.add (f64.mul (f64.mul (f64.const 2) (local.get $x)) (local.get $y)) (local.get $cy)))
                (local.set $x (local.get $t))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $iter)))
            (local.set $total (i32.add (local.get $total) (local.get $k)))
            (local.set $px (i32.add (local.get $px) (i32.const 1)))
            (br $cols)))
        (local.set $py (i32.add (local.get $py) (i32.const 1)))
        (br $rows)))
    (local.get $total)))

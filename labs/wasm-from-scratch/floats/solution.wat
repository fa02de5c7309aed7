(module
  (func (export "c_to_f") (param $c f64) (result f64)
    (f64.add (f64.div (f64.mul (local.get $c) (f64.const 9)) (f64.const 5)) (f64.const 32)))

  (func (export "hypot") (param $a f64) (param $b f64) (result f64)
    (f64.sqrt
      (f64.add
        (f64.mul (local.get $a) (local.get $a))
        (f64.mul (local.get $b) (local.get $b))))))

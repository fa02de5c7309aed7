(module
  ;; Degrees Celsius to degrees Fahrenheit.
  (func (export "c_to_f") (param $c f64) (result f64)
    local.get $c)

  ;; The length of the hypotenuse of a right triangle with sides a and b.
  (func (export "hypot") (param $a f64) (param $b f64) (result f64)
    f64.const 0))

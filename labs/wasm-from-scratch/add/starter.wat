(module
  ;; Export a function "add" that returns the sum of its two i32 parameters.
  (func (export "add") (param i32 i32) (result i32)
    ;; Replace the line below with your code.
    i32.const 0))

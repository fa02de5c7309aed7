(module
  (memory (export "memory") 1)

  ;; Reverse the `len` bytes starting at address `ptr`, in place.
  (func (export "reverse") (param $ptr i32) (param $len i32)
    ;; Your code here.
  ))

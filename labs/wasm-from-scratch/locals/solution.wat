(module
  (func (export "dist2") (param $x1 i32) (param $y1 i32) (param $x2 i32) (param $y2 i32) (result i32)
    (local $dx i32)
    (local $dy i32)
    local.get $x2
    local.get $x1
    i32.sub
    local.set $dx
    local.get $y2
    local.get $y1
    i32.sub
    local.set $dy
    local.get $dx
    local.get $dx
    i32.mul
    local.get $dy
    local.get $dy
    i32.mul
    i32.add))

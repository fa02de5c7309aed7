;; A WASI program's output path: n lines written with fd_write, each
;; formatted in linear memory first. Returns the bytes written.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "line 0000000\n")
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $v i32) (local $p i32) (local $total i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; write the line number's 7 digits
        (local.set $v (local.get $i))
        (local.set $p (i32.const 111))
        (block $digits_done
          (loop $digits
            (br_if $digits_done (i32.lt_u (local.get $p) (i32.const 105)))
            (i32.store8 (local.get $p)
              (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
            (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br $digits)))
        ;; iovec at 0: base 100, length 13; nwritten at 8
        (i32.store (i32.const 0) (i32.const 100))
        (i32.store (i32.const 4) (i32.const 13))
        (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (local.set $total (i32.add (local.get $total) (i32.load (i32.const 8))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $total)))

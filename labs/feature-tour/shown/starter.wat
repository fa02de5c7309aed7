(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)

  (func (export "mask") (param $x i32) (result i32)
    local.get $x)

  (func (export "is_even") (param $x i32) (result i32)
    i32.const 0)

  (func (export "widen") (param $x i64) (result i64)
    i64.const 0)

  (func (export "_start")
    ;; Print the two lines with $write (fd 1, then fd 2), then exit.
    (call $exit (i32.const 0))))

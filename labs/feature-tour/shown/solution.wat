(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  ;; iovecs at 0 (stdout) and 8 (stderr); the texts from 64 and 96.
  (data (i32.const 0) "\40\00\00\00\0f\00\00\00")
  (data (i32.const 8) "\60\00\00\00\1a\00\00\00")
  (data (i32.const 64) "checked 1 file\n")
  (data (i32.const 96) "warning: data.txt is empty")

  (func (export "mask") (param $x i32) (result i32)
    (i32.and (local.get $x) (i32.const 0xFF)))

  (func (export "is_even") (param $x i32) (result i32)
    (i32.eqz (i32.and (local.get $x) (i32.const 1))))

  (func (export "widen") (param $x i64) (result i64)
    local.get $x)

  (func (export "_start")
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 32)))
    (drop (call $write (i32.const 2) (i32.const 8) (i32.const 1) (i32.const 32)))
    (call $exit (i32.const 1))))

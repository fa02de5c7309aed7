(module
  ;; fd_write(fd, iovs, iovs_len, nwritten) -> errno
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  ;; The text to print lives at address 16.
  (data (i32.const 16) "Hello, world!\n")

  (func (export "_start")
    ;; Build the iovec at address 0 and call $fd_write.
  ))

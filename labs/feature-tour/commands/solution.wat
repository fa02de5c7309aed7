(module
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get"
    (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get"
    (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit"
    (func $proc_exit (param i32)))
  (memory (export "memory") 1)

  ;; 0: an iovec, 8: a count, 16: "\n", 24: environment count and size,
  ;; 32: argument count and size, 40: an opened fd, 100/110: file names,
  ;; 256: environment pointers, 1024: environment strings, 8192: a buffer.
  (data (i32.const 16) "\n")
  (data (i32.const 100) "in.txt")
  (data (i32.const 110) "out.txt")

  (func $write (param $fd i32) (param $p i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $p))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))

  ;; Reads up to 8 KiB from $fd into the buffer; returns how many bytes.
  (func $read (param $fd i32) (result i32)
    (i32.store (i32.const 0) (i32.const 8192))
    (i32.store (i32.const 4) (i32.const 8192))
    (drop (call $fd_read (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
    (i32.load (i32.const 8)))

  (func $strlen (param $p i32) (result i32)
    (local $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $n))

  (func (export "_start")
    (local $i i32)
    (local $p i32)
    ;; stdin to stdout
    (call $write (i32.const 1) (i32.const 8192) (call $read (i32.const 0)))
    ;; the environment to stderr, one variable per line
    (drop (call $environ_sizes_get (i32.const 24) (i32.const 28)))
    (drop (call $environ_get (i32.const 256) (i32.const 1024)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 24))))
        (local.set $p (i32.load (i32.add (i32.const 256) (i32.shl (local.get $i) (i32.const 2)))))
        (call $write (i32.const 2) (local.get $p) (call $strlen (local.get $p)))
        (call $write (i32.const 2) (i32.const 16) (i32.const 1))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    ;; in.txt to out.txt, when there is an in.txt (fd 3 is the preopened ".")
    (if (i32.eqz (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 6)
                   (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 40)))
      (then
        (local.set $p (call $read (i32.load (i32.const 40))))
        ;; oflags 9: create and truncate
        (drop (call $path_open (i32.const 3) (i32.const 0) (i32.const 110) (i32.const 7)
                (i32.const 9) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 40)))
        (call $write (i32.load (i32.const 40)) (i32.const 8192) (local.get $p))))
    ;; exit with the number of arguments after the program's name
    (drop (call $args_sizes_get (i32.const 32) (i32.const 36)))
    (call $proc_exit (i32.sub (i32.load (i32.const 32)) (i32.const 1)))))

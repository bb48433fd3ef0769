;; Reads stdin and checks that its third byte is `a`: true only when keys are sorted
;; (`{"b":1,"a":…}` arrives as `{"a":…,"b":1}`).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "{\"sorted\":true}")
  (data (i32.const 1100) "{\"sorted\":false}")
  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start")
    (i32.store (i32.const 16) (i32.const 4096))
    (i32.store (i32.const 20) (i32.const 1024))
    (drop (call $fd_read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
    (if (i32.eq (i32.load8_u (i32.const 4098)) (i32.const 97))
      (then (call $write (i32.const 1) (i32.const 1024) (i32.const 15)))
      (else (call $write (i32.const 1) (i32.const 1100) (i32.const 16))))))

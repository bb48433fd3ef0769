;; A reactor: no _start, so _initialize runs first; the entry exported as "" then reports
;; whether it did, as {"initialized":true}.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "{\"initialized\":false}")
  (data (i32.const 1100) "{\"initialized\":true}")
  (global $initialized (mut i32) (i32.const 0))
  (func (export "_initialize") (global.set $initialized (i32.const 1)))
  (func (export "")
    (if (global.get $initialized)
      (then (i32.store (i32.const 0) (i32.const 1100)) (i32.store (i32.const 4) (i32.const 20)))
      (else (i32.store (i32.const 0) (i32.const 1024)) (i32.store (i32.const 4) (i32.const 21))))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))

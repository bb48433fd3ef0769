;; Grows memory by 100 pages (to 101, within the 128-page limit), then writes.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  
  (memory (export "memory") 1)
  (data (i32.const 1024) "{\"ok\":true}")
  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
  
  (func (export "_start")
    (drop (memory.grow (i32.const 100)))
    (call $write (i32.const 1) (i32.const 1024) (i32.const 11))))

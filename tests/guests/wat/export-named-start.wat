;; No start section, but a function exported under the name the fuel rewrite once gave a start
;; function: Traverse never calls it, so stdout is {"ok":0}.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "{\"ok\":0}")
  (func $bump (export "__traverse_playground_start")
    (i32.store8 (i32.const 1030) (i32.add (i32.load8_u (i32.const 1030)) (i32.const 1))))
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 8))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))

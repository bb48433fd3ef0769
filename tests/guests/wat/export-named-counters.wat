;; A start section, and every name the fuel rewrite has used for its exports, and the next ones
;; it would try: the start function runs once, before _start, so stdout is {"ok":1}.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "{\"ok\":0}")
  (global (export "__traverse_playground_fuel") (mut i64) (i64.const 7))
  (global (export "__traverse_playground_grow_pages") (mut i64) (i64.const 7))
  (global (export "__traverse_playground_table_grow_elements") (mut i64) (i64.const 7))
  (global (export "__traverse_playground1_fuel") i32 (i32.const 7))
  (func $bump (export "__traverse_playground_start") (export "__traverse_playground1_start")
    (i32.store8 (i32.const 1030) (i32.add (i32.load8_u (i32.const 1030)) (i32.const 1))))
  (start $bump)
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 8))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))

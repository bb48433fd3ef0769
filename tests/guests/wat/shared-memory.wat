;; A shared memory: wasmtime 44 compiles it, but an engine without Config::shared_memory (as
;; Traverse builds its own) refuses to instantiate it, so nothing runs.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1 2 shared)
  (data (i32.const 1024) "{\"ok\":1}")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 8))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))

;; Atomics on an ordinary memory, which wasmtime 44 runs for Traverse: stores, read-modify-writes,
;; a compare-exchange, a fence and a notify (no waiters), then {"ok":3} written with fd_write.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "{\"ok\":0}")
  (func (export "_start")
    (i32.atomic.store (i32.const 0) (i32.const 1024))
    (drop (i32.atomic.rmw.add (i32.const 4) (i32.const 8)))
    (drop (i64.atomic.rmw.xchg (i32.const 16) (i64.const 7)))
    (drop (i32.atomic.rmw8.add_u (i32.const 1030) (i32.const 2)))
    (drop (i32.atomic.rmw8.cmpxchg_u (i32.const 1030) (i32.const 50) (i32.const 51)))
    (atomic.fence)
    (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))

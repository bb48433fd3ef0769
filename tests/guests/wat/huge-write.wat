;; Fills its whole 8 MiB memory with "a" and writes it to stdout in one call: Traverse keeps
;; 65,536 bytes and drops the rest.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 128)
  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start")
    (memory.fill (i32.const 1024) (i32.const 0x61) (i32.const 8387584))
    (call $write (i32.const 1) (i32.const 1024) (i32.const 8387584))))

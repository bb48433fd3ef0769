;; Calls connector_invoke with a valid request and writes the return code as {"rc":N}.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "traverse_host" "connector_invoke" (func $connector_invoke (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 4096) "{\"abi_version\":\"1.0.0\",\"connector_id\":\"traverse.http\",\"operation\":\"request\",\"payload\":{}}")
  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
  (data (i32.const 3000) "{\"rc\":0}")
  (data (i32.const 3100) "{\"rc\":-?}")
  ;; Writes {"rc":N} for N in -9..0.
  (func $write_rc (param $rc i32)
    (if (i32.eqz (local.get $rc))
      (then (call $write (i32.const 1) (i32.const 3000) (i32.const 8)))
      (else
        (i32.store8 (i32.const 3107) (i32.sub (i32.const 48) (local.get $rc)))
        (call $write (i32.const 1) (i32.const 3100) (i32.const 9)))))
  (func (export "_start")
    (call $write_rc (call $connector_invoke (i32.const 4096) (i32.const 89) (i32.const 8192) (i32.const 1024)))))

;; Emits demo.thing-happened@1.0.0 1,500 times, more than the playground keeps of one run
;; (1,000), then writes {"rc":0} and returns.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "traverse_host" "emit_event" (func $emit_event (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 4096) "{\"event_id\":\"demo.thing-happened\",\"version\":\"1.0.0\",\"payload\":{\"x\":1}}")
  (data (i32.const 3000) "{\"rc\":0}")
  (func (export "_start")
    (local $left i32)
    (local.set $left (i32.const 1500))
    (loop $emit
      (drop (call $emit_event (i32.const 4096) (i32.const 70)))
      (local.set $left (i32.sub (local.get $left) (i32.const 1)))
      (br_if $emit (local.get $left)))
    (i32.store (i32.const 0) (i32.const 3000))
    (i32.store (i32.const 4) (i32.const 8))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))

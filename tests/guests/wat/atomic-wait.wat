;; memory.atomic.wait32 on an ordinary memory: wasmtime traps "atomic wait on non-shared memory".
(module
  (memory (export "memory") 1)
  (func (export "_start") (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const 1000)))))

;; An atomic load at an address its size does not divide: wasmtime traps "unaligned atomic".
(module
  (memory (export "memory") 1)
  (func (export "_start") (drop (i32.const 0)) (drop (i32.atomic.load (i32.const 1)))))

;; An aligned atomic load whose offset can never be in bounds: wasmtime compiles it to a plain
;; trap and saves the fuel counted before it, as for an ordinary load.
(module
  (memory (export "memory") 1 1)
  (func (export "_start") (drop (i32.const 0)) (drop (i32.atomic.load offset=65536 (i32.const 0)))))

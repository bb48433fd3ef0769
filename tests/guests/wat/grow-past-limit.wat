;; Grows a 1-page memory by 200 pages: past Traverse's 128, so wasmtime's limiter traps.
(module
  (memory (export "memory") 1)
  (func (export "_start") (drop (memory.grow (i32.const 200)))))

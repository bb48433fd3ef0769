;; Its only memory is 64-bit; grows it by 200 pages: past Traverse's 128, so wasmtime's limiter traps.
(module
  (memory (export "memory") i64 1)
  (func (export "_start") (drop (memory.grow (i64.const 200)))))

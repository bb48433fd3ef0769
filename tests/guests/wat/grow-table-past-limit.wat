;; Grows a 1-element table by 2,000: past Traverse's 1,024 elements, so wasmtime's limiter traps.
(module
  (memory (export "memory") 1)
  (table 1 funcref)
  (func (export "_start") (drop (table.grow (ref.null func) (i32.const 2000)))))

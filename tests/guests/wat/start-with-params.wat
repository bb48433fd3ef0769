;; `_start` takes a parameter: the entry must be () -> ().
(module
  (memory (export "memory") 1)
  (func (export "_start") (param i32)))

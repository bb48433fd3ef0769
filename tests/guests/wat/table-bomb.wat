;; Declares a table of 10,000,000 elements: past Traverse's 1,024.
(module
  (memory (export "memory") 1)
  (table 10000000 funcref)
  (func (export "_start")))

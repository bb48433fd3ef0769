;; Imports its table from the host: Traverse checks imports of every kind, tables included.
(module
  (import "env" "table" (table 1 funcref))
  (memory (export "memory") 1)
  (func (export "_start")))

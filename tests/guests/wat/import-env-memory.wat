;; Imports its memory from env: memories are imports too, and this one is not allowed.
(module
  (import "env" "memory" (memory 1))
  (func (export "_start")))

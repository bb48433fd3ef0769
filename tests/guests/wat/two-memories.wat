;; Two memories (multi-memory): past Traverse's 1 per instance.
(module
  (memory (export "memory") 1)
  (memory 1)
  (func (export "_start")))

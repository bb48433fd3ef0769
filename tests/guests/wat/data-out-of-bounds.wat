;; A data segment past the end of its one page: instantiation fails before anything runs.
(module
  (memory (export "memory") 1)
  (data (i32.const 65535) "{\"ok\":true}")
  (func (export "_start")))

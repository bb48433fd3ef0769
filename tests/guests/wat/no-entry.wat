;; Exports neither "" nor _start: Traverse runs nothing and stdout stays empty.
(module
  (memory (export "memory") 1)
  (func (export "not_an_entry")))

;; An endless loop after nothing: only a limit outside the module stops it.
(module
  (memory (export "memory") 1)
  (func (export "_start") (loop $forever (br $forever))))

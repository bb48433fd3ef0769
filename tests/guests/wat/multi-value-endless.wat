;; An endless loop that calls a function with two results, left by a branch to its own label:
;; it must run out of Traverse's fuel, as in wasmtime, not complete or reach the wall clock.
(module
  (func $pair (result i32 i32)
    (i32.const 1) (i32.const 2) (br 0))
  (func (export "_start")
    (loop $forever
      (call $pair) (drop) (drop)
      (br $forever))))

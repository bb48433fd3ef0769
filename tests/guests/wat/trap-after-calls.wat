;; Fuel probe: calls a function that traps on a division by zero after some work.
(module
  (memory (export "memory") 1)
  (func $divide (param $a i32) (param $b i32) (result i32) (i32.div_u (local.get $a) (local.get $b)))
  (func (export "_start") (local $i i32)
    (loop $each
      (drop (call $divide (i32.const 100) (i32.sub (i32.const 5) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $each))))

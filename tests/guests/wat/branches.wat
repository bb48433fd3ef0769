;; Fuel probe: br_table over every case, an early return from a called function, recursion and
;; if/else on both sides; writes {"ok":true} at the end.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "{\"ok\":true}")
  ;; Returns early for even numbers, so half the calls skip the rest of the body.
  (func $classify (param $n i32) (result i32)
    (if (i32.eqz (i32.and (local.get $n) (i32.const 1))) (then (return (i32.const 0))))
    (i32.mul (local.get $n) (i32.const 3)))
  ;; Sum of 0..n, recursively.
  (func $sum (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (local.get $n) (call $sum (i32.sub (local.get $n) (i32.const 1)))))))
  (func $pick (param $k i32) (result i32)
    (block $c (block $b (block $a
      (br_table $a $b $c (local.get $k)))
      (return (i32.const 10)))
      (return (i32.const 20)))
    (i32.const 30))
  (func (export "_start") (local $i i32) (local $acc i32)
    (loop $each
      (local.set $acc (i32.add (local.get $acc) (call $classify (local.get $i))))
      (local.set $acc (i32.add (local.get $acc) (call $pick (i32.rem_u (local.get $i) (i32.const 4)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $i) (i32.const 50))))
    (local.set $acc (i32.add (local.get $acc) (call $sum (i32.const 40))))
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 11))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))

;; The heaviest fixture: 300,000 rounds of FNV-1a-style mixing (14 units each, about 4.2 million
;; fuel units, under Traverse's 5,000,000), then writes the checksum's low byte as {"x":N} with N in 0..9.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "{\"x\":?}")
  (func (export "_start") (local $i i32) (local $hash i32)
    (local.set $hash (i32.const 0x811c9dc5))
    (loop $round
      (local.set $hash (i32.mul (i32.xor (local.get $hash) (local.get $i)) (i32.const 0x01000193)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $round (i32.lt_u (local.get $i) (i32.const 300000))))
    (i32.store8 (i32.const 1029) (i32.add (i32.const 48) (i32.rem_u (local.get $hash) (i32.const 10))))
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 7))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))

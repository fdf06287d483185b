;; bulk_copy.wat - 100 million memory.copy of 32 bytes and memory.fill of 16, at offsets that
;; move each time, like the struct moves a compiler emits for Rust or C++ with bulk memory.
;; Reads stay in [0, 16 KiB) and writes start at 32 KiB, so no load waits on a store.
;; A micro benchmark, not in 'swasm bench' (its programs are C built without bulk memory):
;;   swasmc -O2 testsuite/bench/micro/bulk_copy.wat -o bulk_copy && time ./bulk_copy
(module
  (memory (export "memory") 2)
  (func (export "_start") (local $i i32) (local $d i32)
    (loop $l
      (local.set $d (i32.and (i32.mul (local.get $i) (i32.const 48)) (i32.const 0x3ff0)))
      (memory.copy (i32.add (local.get $d) (i32.const 32768)) (local.get $d) (i32.const 32))
      (memory.fill (i32.add (local.get $d) (i32.const 65536)) (local.get $i) (i32.const 16))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 100000000))))))

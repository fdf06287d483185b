;; Regression: codegen read function bodies without the module's features, so a memarg's memory
;; index (multi-memory: bit 6 of the alignment) was taken for the offset and the memory index
;; of memory.size/grow was rejected as "zero byte expected". Run with --enable-multi-memory.
(module
  (memory $a 1)
  (memory $b 1)
  (func (export "store-b") (param i32 i64) (i64.store $b offset=8 (local.get 0) (local.get 1)))
  (func (export "load-a") (param i32) (result i64) (i64.load $a offset=8 (local.get 0)))
  (func (export "load-b") (param i32) (result i64) (i64.load $b offset=8 (local.get 0)))
  (func (export "grow-b") (result i32) (memory.grow $b (i32.const 2)))
  (func (export "size-a") (result i32) (memory.size $a))
  (func (export "size-b") (result i32) (memory.size $b))
)
(invoke "store-b" (i32.const 0) (i64.const 0x1122334455667788))
(assert_return (invoke "load-a" (i32.const 0)) (i64.const 0))
(assert_return (invoke "load-b" (i32.const 0)) (i64.const 0x1122334455667788))
(assert_return (invoke "grow-b") (i32.const 1))
(assert_return (invoke "size-a") (i32.const 1))
(assert_return (invoke "size-b") (i32.const 3))
(assert_trap (invoke "load-b" (i32.const 196600)) "out of bounds memory access")
(assert_trap (invoke "load-a" (i32.const 65528)) "out of bounds memory access")

;; Regression (stack checks of inlined callees): after -O2 the checks that $g and $h bring
;; into $f when inlined are dropped, as $f's own check at entry reads the same stack pointer.
;; Deep recursion through the inlined bodies must still trap.
(module
  (func $h (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (call $f (i32.sub (local.get 0) (i32.const 1))))))
  (func $g (param i32) (result i32) (i32.add (call $h (local.get 0)) (i32.const 1)))
  (func $f (export "f") (param i32) (result i32)
    (i32.add (call $g (local.get 0)) (call $g (i32.const 0)))))
(assert_return (invoke "f" (i32.const 0)) (i32.const 2))
(assert_return (invoke "f" (i32.const 3)) (i32.const 8))
(assert_return (invoke "f" (i32.const 1000)) (i32.const 2002))
(assert_exhaustion (invoke "f" (i32.const -1)) "call stack exhausted")

;; hang.wast - runner self-test: a command that never returns fails, and the commands after it
;; still run on the state the commands before it built (run with a short --timeout).
(module
  (global $g (mut i32) (i32.const 0))
  (func (export "inc") (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g))
  (func (export "hang") (loop (br 0)))
)
(assert_return (invoke "inc") (i32.const 1))
(assert_return (invoke "hang"))
(assert_return (invoke "inc") (i32.const 2))
(assert_return (invoke "hang"))
(assert_return (invoke "inc") (i32.const 3))

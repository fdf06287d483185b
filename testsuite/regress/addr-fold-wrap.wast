;; addr-fold-wrap.wast - i32 addresses of the form x + c must wrap around 2^32 exactly as the
;; spec says, although codegen computes them as zext(x) + c in 64 bits when an access to x
;; proves that x + c cannot wrap (compiler/codegen/addr.c). Each case below wraps for real.

(module
  (memory 1)
  (data (i32.const 0) "\2a\00\00\00\2b\00\00\00\2c\00\00\00\2d\00\00\00")

  ;; No access to p: p + 4 wraps to 0.
  (func (export "plus4") (param $p i32) (result i32)
    (i32.load (i32.add (local.get $p) (i32.const 4))))

  ;; The same through a local, then an access to p that traps: the load at p + 4 reads
  ;; address 0 first (or traps earlier: nothing observable happens in between).
  (func (export "then-p") (param $p i32) (result i32)
    (local $t i32)
    (local.set $t (i32.load (i32.add (local.get $p) (i32.const 4))))
    (i32.add (local.get $t) (i32.load (local.get $p))))

  ;; A store between the two accesses: it must happen before the trap.
  (func (export "store-between") (param $p i32) (result i32)
    (local $t i32)
    (local.set $t (i32.load (i32.add (local.get $p) (i32.const 4))))
    (i32.store (i32.const 8) (local.get $t))
    (i32.add (local.get $t) (i32.load (local.get $p))))

  ;; A division by zero between them: its trap comes first.
  (func (export "div-between") (param $p i32) (param $z i32) (result i32)
    (local $t i32)
    (local.set $t (i32.load (i32.add (local.get $p) (i32.const 4))))
    (drop (i32.div_u (i32.const 1) (local.get $z)))
    (i32.add (local.get $t) (i32.load (local.get $p))))

  ;; An access to p that dominates: p + 4 cannot wrap, and p + 4 past the end traps.
  (func (export "p-then") (param $p i32) (result i32)
    (i32.add (i32.load (local.get $p)) (i32.load (i32.add (local.get $p) (i32.const 4)))))

  ;; A loop clang would unroll by two: q + 8 and q + 12 wrap while q goes from -8 to 0.
  (func (export "sum-pairs") (param $q i32) (param $n i32) (result i32)
    (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s)
          (i32.add (i32.load (i32.add (local.get $q) (i32.const 8)))
                   (i32.load (i32.add (local.get $q) (i32.const 12))))))
        (local.set $q (i32.add (local.get $q) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $s))

  ;; Unrolled by two with an access to the base: the base itself wraps, so it traps.
  (func (export "sum-base") (param $q i32) (param $n i32) (result i32)
    (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s)
          (i32.add (i32.load (local.get $q))
                   (i32.load (i32.add (local.get $q) (i32.const 4))))))
        (local.set $q (i32.add (local.get $q) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $s))

  (func (export "peek") (param $a i32) (result i32) (i32.load (local.get $a))))

(assert_return (invoke "plus4" (i32.const -4)) (i32.const 42))
(assert_return (invoke "plus4" (i32.const -3)) (i32.const 0x2b000000))
(assert_return (invoke "then-p" (i32.const 0)) (i32.const 85))
(assert_trap (invoke "then-p" (i32.const -4)) "out of bounds memory access")
(assert_trap (invoke "div-between" (i32.const -4) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div-between" (i32.const -4) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "p-then" (i32.const 0)) (i32.const 85))
(assert_trap (invoke "p-then" (i32.const 65532)) "out of bounds memory access")
(assert_trap (invoke "p-then" (i32.const -4)) "out of bounds memory access")
(assert_return (invoke "sum-pairs" (i32.const -8) (i32.const 2)) (i32.const 174))
(assert_return (invoke "sum-pairs" (i32.const -8) (i32.const 1)) (i32.const 85))
(assert_return (invoke "sum-base" (i32.const 0) (i32.const 2)) (i32.const 174))
(assert_trap (invoke "sum-base" (i32.const -8) (i32.const 2)) "out of bounds memory access")
(assert_trap (invoke "store-between" (i32.const -4)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 8)) (i32.const 42))

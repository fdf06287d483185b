;; calls.wat - the component-call micro benchmark of docs/performance.md ("Component calls"):
;; component $D's core code calls component $C's functions N times through `canon lower` of
;; `canon lift`, with scalars (u32, f64 -> u32) and with a small string (string -> u32). C's
;; realloc hands out one fixed buffer, so the figures are the call path's cost alone.
(component
  (component $C
    (core module $CM
      (memory (export "mem") 1)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
      (func (export "scalar") (param i32 f64) (result i32)
        (i32.add (local.get 0) (i32.trunc_f64_u (local.get 1))))
      (func (export "str") (param i32 i32) (result i32)
        (i32.add (i32.load8_u (local.get 0)) (local.get 1))))
    (core instance $cm (instantiate $CM))
    (func (export "scalar") (param "a" u32) (param "b" f64) (result u32)
      (canon lift (core func $cm "scalar")))
    (func (export "str") (param "s" string) (result u32)
      (canon lift (core func $cm "str") (memory (core memory $cm "mem"))
        (realloc (core func $cm "realloc")))))
  (component $D
    (import "scalar" (func $scalar (param "a" u32) (param "b" f64) (result u32)))
    (import "str" (func $str (param "s" string) (result u32)))
    (core module $Mem
      (memory (export "mem") 1)
      (data (i32.const 200) "hello, world"))
    (core instance $mem (instantiate $Mem))
    (core func $scalar' (canon lower (func $scalar)))
    (core func $str' (canon lower (func $str) (memory (core memory $mem "mem"))))
    (core module $DM
      (import "" "scalar" (func $scalar (param i32 f64) (result i32)))
      (import "" "str" (func $str (param i32 i32) (result i32)))
      (func (export "loop-scalar") (param $n i32) (result i32)
        (local $acc i32)
        (block $done
          (loop $l
            (br_if $done (i32.eqz (local.get $n)))
            (local.set $acc (i32.add (local.get $acc)
              (call $scalar (local.get $n) (f64.const 1.5))))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $l)))
        (local.get $acc))
      (func (export "loop-str") (param $n i32) (result i32)
        (local $acc i32)
        (block $done
          (loop $l
            (br_if $done (i32.eqz (local.get $n)))
            (local.set $acc (i32.add (local.get $acc)
              (call $str (i32.const 200) (i32.const 12))))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $l)))
        (local.get $acc)))
    (core instance $dm (instantiate $DM (with "" (instance
      (export "scalar" (func $scalar')) (export "str" (func $str'))))))
    (func (export "loop-scalar") (param "n" u32) (result u32) (canon lift (core func $dm "loop-scalar")))
    (func (export "loop-str") (param "n" u32) (result u32) (canon lift (core func $dm "loop-str"))))
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "scalar" (func $c "scalar")) (with "str" (func $c "str"))))
  (func (export "loop-scalar") (alias export $d "loop-scalar"))
  (func (export "loop-str") (alias export $d "loop-str")))

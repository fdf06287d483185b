;; valid.wast - components that must validate, exercising corners the reference tests touch
;; lightly: resources threaded through instances, export ascription, component subtyping,
;; versioned interface names, the Canonical ABI's flattening limits, and outer aliases of
;; types that bind their own resources. Rejections here pin swasm's message.

;; a resource defined here, exported in an interface with its constructor and method the way
;; wit-component does it: through a shim component whose exports are ascribed types that use
;; the exported resource's own name
(component
  (core module $m
    (func (export "new") (param i32) (result i32) local.get 0)
    (func (export "get") (param i32) (result i32) local.get 0)
    (func (export "dtor") (param i32)))
  (core instance $i (instantiate $m))
  (type $R (resource (rep i32) (dtor (core func $i "dtor"))))
  (func $new (param "v" u32) (result (own $R)) (canon lift (core func $i "new")))
  (func $get (param "self" (borrow $R)) (result u32) (canon lift (core func $i "get")))
  (component $shim
    (import "r" (type $r (sub resource)))
    (import "new" (func $new (param "v" u32) (result (own $r))))
    (import "get" (func $get (param "self" (borrow $r)) (result u32)))
    (export $r2 "counter" (type $r))
    (export "[constructor]counter" (func $new) (func (param "v" u32) (result (own $r2))))
    (export "[method]counter.get" (func $get) (func (param "self" (borrow $r2)) (result u32))))
  (instance $api (instantiate $shim (with "r" (type $R)) (with "new" (func $new)) (with "get" (func $get))))
  (export "my:counters/api@1.2.3" (instance $api)))

;; an instance export ascribed an instance type: its abstract resource matches the resource
;; of the instance, and is a new resource from the outside
(component
  (component $C
    (type $R (resource (rep i32)))
    (core func $drop (canon resource.drop $R))
    (component $shim
      (import "r" (type $r (sub resource)))
      (import "f" (func $f (param "x" (own $r))))
      (export $r2 "counter" (type $r))
      (export "f" (func $f) (func (param "x" (own $r2)))))
    (func $f (param "x" (own $R)) (canon lift (core func $drop)))
    (instance $api (instantiate $shim (with "r" (type $R)) (with "f" (func $f))))
    (export "api" (instance $api)
      (instance
        (export "counter" (type $c (sub resource)))
        (export "f" (func (param "x" (own $c)))))))
  (instance $c1 (instantiate $C))
  (alias export $c1 "api" (instance $api))
  (component $D
    (import "r" (type $r (sub resource)))
    (import "f" (func (param "x" (own $r)))))
  (instance (instantiate $D (with "r" (type $api "counter")) (with "f" (func $api "f")))))
(assert_invalid
  (component
    (import "i" (instance $i (export "counter" (type (sub resource)))))
    (export "api" (instance $i)
      (instance
        (export "counter" (type $c (sub resource)))
        (export "f" (func (param "x" (own $c)))))))
  "ascribed type of export is not compatible with item's type: missing expected export `f`")

;; ...while a bag of exports cannot: its resource export is a new name the functions do not use
(assert_invalid
  (component
    (core module $m (func (export "new") (param i32) (result i32) local.get 0))
    (core instance $i (instantiate $m))
    (type $R (resource (rep i32)))
    (func $new (param "v" u32) (result (own $R)) (canon lift (core func $i "new")))
    (instance $api (export "counter" (type $R)) (export "[constructor]counter" (func $new))))
  "`[constructor]counter`: resource used in function does not have a name in this context")

;; the same interface imported unversioned and at two versions, and a dependency name
(component
  (import "wasi:random/random" (instance))
  (import "wasi:random/random@0.2.0" (instance))
  (import "wasi:random/random@0.2.1-rc.1+build.5" (instance))
  (import "unlocked-dep=<my:dep@{>=1.0.0}>" (instance)))

;; resources threaded through two children: B's functions take A's resource
(component
  (component $A
    (type $R (resource (rep i32)))
    (core func $new (canon resource.new $R))
    (core module $m
      (import "" "new" (func $new (param i32) (result i32)))
      (func (export "make") (result i32) i32.const 7 call $new))
    (core instance $i (instantiate $m (with "" (instance (export "new" (func $new))))))
    (export $R' "r" (type $R))
    (func (export "make") (result (own $R')) (canon lift (core func $i "make"))))
  (component $B
    (import "r" (type $r (sub resource)))
    (import "make" (func $make (result (own $r))))
    (export "make-again" (func $make)))
  (instance $a (instantiate $A))
  (instance $b (instantiate $B (with "r" (type $a "r")) (with "make" (func $a "make"))))
  (component $C
    (import "r" (type $r (sub resource)))
    (import "f" (func (result (own $r)))))
  (instance (instantiate $C (with "r" (type $a "r")) (with "f" (func $b "make-again")))))

;; component subtyping: a component with fewer imports and more exports stands for a type
(component
  (component $impl
    (import "x" (type $x (sub resource)))
    (import "get" (func $get (result (own $x))))
    (export "get2" (func $get))
    (export "get3" (func $get)))
  (component $user
    (import "c" (component
      (import "x" (type $x (sub resource)))
      (import "get" (func (result (own $x))))
      (import "unused" (func))
      (export "get2" (func (result (own $x)))))))
  (instance (instantiate $user (with "c" (component $impl)))))

;; a component type that binds its own resources may cross a component boundary
(component $C
  (type $T (component
    (import "r" (type $r (sub resource)))
    (export "f" (func (param "x" (own $r))))))
  (component (alias outer $C $T (type $t)) (import "c" (component (type $t)))))

;; flattening: 16 flat parameters fit in core parameters, 17 go through memory
(component
  (core module $m
    (func (export "f16") (param i32 i32 i32 i32 i32 i32 i32 i32 i64 i64 i64 i64 f32 f32 f64 f64)))
  (core instance $i (instantiate $m))
  (func (param "a" u8) (param "b" s8) (param "c" u16) (param "d" s16) (param "e" u32)
        (param "f" s32) (param "g" char) (param "h" bool) (param "i" u64) (param "j" s64)
        (param "k" u64) (param "l" s64) (param "m" f32) (param "n" f32) (param "o" f64)
        (param "p" f64)
    (canon lift (core func $i "f16"))))
(assert_invalid
  (component
    (core module $m (memory (export "mem") 1) (func (export "f") (param i32)))
    (core instance $i (instantiate $m))
    (func (param "a" (tuple u32 u32 u32 u32 u32 u32 u32 u32 u32 u32 u32 u32 u32 u32 u32 u32 u32))
      (canon lift (core func $i "f") (memory (core memory $i "mem")))))
  "canonical option `realloc` is required")

;; flattening joins the cases of a variant: i32 with f32 is i32, i32 with i64 is i64; a case
;; alone keeps its type
(component
  (core module $m
    (func (export "v") (param i32 i64 i32))
    (func (export "o") (param i32 f32)))
  (core instance $i (instantiate $m))
  (type $v (variant (case "a" s64) (case "b" f32) (case "c" (tuple u8 u8))))
  (func (param "x" $v) (canon lift (core func $i "v")))
  (func (param "x" (option f32)) (canon lift (core func $i "o"))))
(assert_invalid
  (component
    (core module $m (func (export "v") (param i32 i32)))
    (core instance $i (instantiate $m))
    (type $v (variant (case "a" s64) (case "b" f32)))
    (func (param "x" $v) (canon lift (core func $i "v"))))
  "lowered parameter types `[I32, I64]` do not match parameter types `[I32, I32]`")

;; a lowered function returning two flat values takes a return pointer instead
(component
  (import "f" (func $f (result (tuple u32 u32))))
  (core module $libc (memory (export "mem") 1))
  (core instance $libc (instantiate $libc))
  (core func $f' (canon lower (func $f) (memory (core memory $libc "mem"))))
  (core module $m (import "" "f" (func (param i32))))
  (core instance (instantiate $m (with "" (instance (export "f" (func $f')))))))
(assert_invalid
  (component
    (import "f" (func $f (result (tuple u32 u32))))
    (core module $libc (memory (export "mem") 1))
    (core instance $libc (instantiate $libc))
    (core func $f' (canon lower (func $f) (memory (core memory $libc "mem"))))
    (core module $m (import "" "f" (func (result i32 i32))))
    (core instance (instantiate $m (with "" (instance (export "f" (func $f')))))))
  "type mismatch: expected: (func (result i32 i32)), found: (func (param i32))")

;; exporting a resource under a new name for a child's method, checked in the export namespace
(assert_invalid
  (component
    (import "r" (type $r (sub resource)))
    (import "m" (func $m (param "self" (borrow $r))))
    (export "[method]r.m" (func $m)))
  "resource used in function does not have a name in this context")

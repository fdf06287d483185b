;; relaxed_nmadd.wast - f32x4/f64x2.relaxed_nmadd(a, b, c) = -(a * b) + c, on operands where the
;; fused result (one rounding) and the unfused one (two roundings) differ. The copy of the
;; proposal's relaxed_madd_nmadd.wast in /work/shared/spec predates WebAssembly/relaxed-simd#124,
;; which fixed its nmadd assertions (they expected -(a * b) - c); these are the corrected cases.
;; Run with --enable-relaxed-simd, on CPUs with and without FMA.
(module
  (func (export "f32x4.relaxed_nmadd") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f64x2.relaxed_nmadd") (param v128 v128 v128) (result v128)
    (f64x2.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
)

;; -((-(1 + 2^-22)) * (1 + 2^-15)) - (1 + 2^-15 + 2^-22) = 2^-37 exactly; rounded twice it is 0.
(assert_return (invoke "f32x4.relaxed_nmadd"
                       (v128.const f32x4 -0x1.000004p+0 -0x1.000004p+0 -0x1.000004p+0 -0x1.000004p+0)
                       (v128.const f32x4 0x1.0002p+0 0x1.0002p+0 0x1.0002p+0 0x1.0002p+0)
                       (v128.const f32x4 -0x1.000204p+0 -0x1.000204p+0 -0x1.000204p+0 -0x1.000204p+0))
               (either (v128.const f32x4 0x1p-37 0x1p-37 0x1p-37 0x1p-37)
                       (v128.const f32x4 0 0 0 0)))
;; The same with the signs the other way round: -2^-37 or 0.
(assert_return (invoke "f32x4.relaxed_nmadd"
                       (v128.const f32x4 0x1.000004p+0 0x1.000004p+0 0x1.000004p+0 0x1.000004p+0)
                       (v128.const f32x4 0x1.0002p+0 0x1.0002p+0 0x1.0002p+0 0x1.0002p+0)
                       (v128.const f32x4 0x1.000204p+0 0x1.000204p+0 0x1.000204p+0 0x1.000204p+0))
               (either (v128.const f32x4 -0x1p-37 -0x1p-37 -0x1p-37 -0x1p-37)
                       (v128.const f32x4 0 0 0 0)))
;; Doubles: (1 + 2^-30) (1 + 2^-23) = 1 + 2^-23 + 2^-30 + 2^-53.
(assert_return (invoke "f64x2.relaxed_nmadd"
                       (v128.const f64x2 -0x1.00000004p+0 -0x1.00000004p+0)
                       (v128.const f64x2 0x1.000002p+0 0x1.000002p+0)
                       (v128.const f64x2 -0x1.00000204p+0 -0x1.00000204p+0))
               (either (v128.const f64x2 0x1p-53 0x1p-53)
                       (v128.const f64x2 0 0)))
(assert_return (invoke "f64x2.relaxed_nmadd"
                       (v128.const f64x2 0x1.00000004p+0 0x1.00000004p+0)
                       (v128.const f64x2 0x1.000002p+0 0x1.000002p+0)
                       (v128.const f64x2 0x1.00000204p+0 0x1.00000204p+0))
               (either (v128.const f64x2 -0x1p-53 -0x1p-53)
                       (v128.const f64x2 0 0)))

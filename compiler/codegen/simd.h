/* simd.h - what the SIMD emitters (simd_*.c) share: the lane shapes a v128 is viewed as, the
 * target features that decide between generic vector IR and native intrinsics, and small
 * builders. v128 itself travels on the operand stack as cm->t_v128 (<2 x i64>); each emitter
 * bitcasts to the shape it needs and back, and LLVM folds the casts away.
 *
 * Generic IR is the default: LLVM's backends match most of it to single instructions on both
 * targets. Intrinsics are used only where generic IR lowers poorly (scalarised) or cannot say
 * what wasm means (swizzle's out-of-range indices, the NaN rules of min/max, ...). */
#ifndef SWASM_SIMD_H
#define SWASM_SIMD_H

#include "cg.h"

/* Lane shapes, in the order of the wasm shape prefixes. */
typedef enum cg_shape { SH_I8, SH_I16, SH_I32, SH_I64, SH_F32, SH_F64 } cg_shape_t;

/* Target features that change which IR is emitted. Each is set only when the target CPU is
 * sure to have it: an intrinsic the CPU lacks would make LLVM abort in instruction selection. */
enum {
  SIMD_X86 = 1u << 0,       /* x86-64: SSE2 at least */
  SIMD_SSSE3 = 1u << 1,     /* pshufb, pmulhrsw, pmaddubsw */
  SIMD_SSE41 = 1u << 2,     /* packusdw, pblendvb, blendvps, roundpd */
  SIMD_AVX2 = 1u << 3,
  SIMD_FMA = 1u << 4,       /* fused multiply-add: x86 FMA3 (always on AArch64) */
  SIMD_VNNI = 1u << 5,      /* 128-bit vpdpbusd: AVX-VNNI, or AVX512-VNNI with AVX512VL */
  SIMD_A64 = 1u << 6,       /* AArch64 with NEON */
  SIMD_DOTPROD = 1u << 7,   /* AArch64 sdot/udot */
  SIMD_KNOWN = 1u << 31     /* the set has been computed */
};

/* The feature set of the module's target (computed once, cached in cm). */
CG_HIDDEN unsigned cg_simd_features(cg_module_t *cm);
/* True when the target has every feature in mask. */
CG_HIDDEN bool cg_simd_has(cg_module_t *cm, unsigned mask);
/* The features a CPU name guarantees on x86-64 or AArch64 (no host check). For tests. */
CG_HIDDEN unsigned cg_simd_cpu_features(bool x86, const char *cpu);

/* Types and casts. */
CG_HIDDEN LLVMTypeRef cg_simd_type(cg_module_t *cm, cg_shape_t s);
CG_HIDDEN LLVMTypeRef cg_simd_lane_type(cg_module_t *cm, cg_shape_t s);
CG_HIDDEN unsigned cg_simd_lanes(cg_shape_t s);
/* The lane shape an instruction's name starts with ("i16x8.add" -> SH_I16). */
CG_HIDDEN cg_shape_t cg_simd_shape_of(unsigned op);
CG_HIDDEN LLVMValueRef cg_simd_as(cg_func_t *f, LLVMValueRef v, cg_shape_t s);
/* Pops a v128 viewed as shape s; pushes any 128-bit vector as v128. */
CG_HIDDEN LLVMValueRef cg_simd_pop(cg_func_t *f, cg_shape_t s);
CG_HIDDEN bool cg_simd_push(cg_func_t *f, LLVMValueRef v);

/* Constants: every lane of shape s holds the bit pattern bits. */
CG_HIDDEN LLVMValueRef cg_simd_const(cg_module_t *cm, cg_shape_t s, uint64_t bits);
/* A vector of n integer lanes of type t, all v. */
CG_HIDDEN LLVMValueRef cg_simd_const_n(LLVMTypeRef t, uint64_t v, unsigned n);
/* scalar broadcast to n lanes (insertelement + zero-mask shuffle, which LLVM matches). */
CG_HIDDEN LLVMValueRef cg_simd_splat(cg_func_t *f, LLVMValueRef scalar, unsigned n);
/* shufflevector with an i32 mask; a negative index is a poison lane. */
CG_HIDDEN LLVMValueRef cg_simd_shuffle(cg_func_t *f, LLVMValueRef a, LLVMValueRef b,
                                       const int *mask, unsigned n);
/* Lanes [first, first + n) of v (a narrower vector). */
CG_HIDDEN LLVMValueRef cg_simd_half(cg_func_t *f, LLVMValueRef v, unsigned first, unsigned n);
/* The even (odd = 0) or odd (odd = 1) lanes of v. */
CG_HIDDEN LLVMValueRef cg_simd_evens(cg_func_t *f, LLVMValueRef v, unsigned odd);

/* Calls an intrinsic overloaded on ntys types (0: not overloaded). */
CG_HIDDEN LLVMValueRef cg_simd_call(cg_func_t *f, const char *name, LLVMTypeRef *tys,
                                    unsigned ntys, LLVMValueRef *args, unsigned nargs);
/* Calls a two-operand intrinsic overloaded on its operands' type. */
CG_HIDDEN LLVMValueRef cg_simd_call2(cg_func_t *f, const char *name, LLVMValueRef a,
                                     LLVMValueRef b);
/* sext of an i1 vector to lanes of shape s (all ones where true). */
CG_HIDDEN LLVMValueRef cg_simd_mask(cg_func_t *f, LLVMValueRef cond, cg_shape_t s);

/* Shared lowerings (simd_float.c, simd_lane.c, simd_int.c) the relaxed forms reuse. */
CG_HIDDEN LLVMValueRef cg_simd_swizzle(cg_func_t *f, LLVMValueRef a, LLVMValueRef s,
                                       bool relaxed);
/* (p a b) ? a : b for float vectors: minps/maxps on x86 for olt/ogt. */
CG_HIDDEN LLVMValueRef cg_simd_select_cmp(cg_func_t *f, LLVMRealPredicate p, LLVMValueRef a,
                                          LLVMValueRef b);
CG_HIDDEN LLVMValueRef cg_simd_fmin_fmax(cg_func_t *f, LLVMValueRef a, LLVMValueRef b,
                                         cg_shape_t s, bool max);
/* r (f32x4/f64x2) with the quiet bit set in NaN lanes when one of the n operands is a constant
 * LLVM may fold away (x * 1.0, x + 0.0): such folds return a signalling NaN unquieted. */
CG_HIDDEN LLVMValueRef cg_simd_quiet_folded(cg_func_t *f, LLVMValueRef r, const LLVMValueRef *ops,
                                            unsigned n);
CG_HIDDEN LLVMValueRef cg_simd_q15mulr(cg_func_t *f, LLVMValueRef a, LLVMValueRef b,
                                       bool relaxed);
CG_HIDDEN LLVMValueRef cg_simd_trunc_sat(cg_func_t *f, LLVMValueRef v, cg_shape_t from,
                                         bool sign);
/* Pairwise widening add of adjacent lanes of v (shape s, s = SH_I8 or SH_I16). */
CG_HIDDEN LLVMValueRef cg_simd_extadd_pairwise(cg_func_t *f, LLVMValueRef v, cg_shape_t s,
                                               bool sign);

#endif

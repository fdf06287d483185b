/* simd_relaxed.c - relaxed SIMD: each instruction lowered to the target's fastest native form
 * among those the proposal allows. The choice depends only on the target (triple and CPU), never
 * on the optimisation level, so a module gives the same results wherever it is compiled for the
 * same target: fused multiply-add only where the CPU has it (never LLVM's "may fuse"), and
 * target intrinsics that constant folding cannot evaluate differently. */
#include "simd.h"

/* a * b + c (negate: -(a * b) + c), fused exactly when the target has FMA. */
static LLVMValueRef madd(cg_func_t *f, LLVMValueRef a, LLVMValueRef b, LLVMValueRef c,
                         bool negate) {
  LLVMBuilderRef bd = f->cm->b;
  if (cg_simd_has(f->cm, SIMD_FMA)) {
    LLVMValueRef args[] = {negate ? LLVMBuildFNeg(bd, a, "") : a, b, c};
    return cg_call_intrinsic(f, "llvm.fma", LLVMTypeOf(a), args, 3);
  }
  LLVMValueRef p = LLVMBuildFMul(bd, a, b, "");
  return negate ? LLVMBuildFSub(bd, c, p, "") : LLVMBuildFAdd(bd, p, c, "");
}

/* m ? a : b per lane. x86 blends pick by the top bit of each mask lane (pblendvb per byte,
 * blendvps/blendvpd per 32/64-bit lane), which the proposal allows; i16 lanes and other
 * targets use bitselect (one bsl on NEON). */
static LLVMValueRef laneselect(cg_func_t *f, LLVMValueRef a, LLVMValueRef b, LLVMValueRef m,
                               cg_shape_t s) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef bd = cm->b;
  if (cg_simd_has(cm, SIMD_X86 | SIMD_SSE41) && s != SH_I16) {
    static const char *const names[] = {"llvm.x86.sse41.pblendvb", NULL,
                                        "llvm.x86.sse41.blendvps", "llvm.x86.sse41.blendvpd"};
    cg_shape_t vs = s == SH_I8 ? SH_I8 : s == SH_I32 ? SH_F32 : SH_F64;
    LLVMValueRef args[] = {cg_simd_as(f, b, vs), cg_simd_as(f, a, vs), cg_simd_as(f, m, vs)};
    return cg_simd_call(f, names[s], NULL, 0, args, 3);
  }
  LLVMValueRef t = LLVMBuildAnd(bd, LLVMBuildXor(bd, a, b, ""), m, "");
  return LLVMBuildXor(bd, b, t, "");
}

/* x86 minps/maxps (the second operand on NaN or equal zeros); NEON's fmin/fmax are the
 * deterministic wasm min/max at the same cost. */
static LLVMValueRef relaxed_minmax(cg_func_t *f, LLVMValueRef a, LLVMValueRef b, cg_shape_t s,
                                   bool max) {
  if (!cg_simd_has(f->cm, SIMD_X86)) return cg_simd_fmin_fmax(f, a, b, s, max);
  return cg_simd_select_cmp(f, max ? LLVMRealOGT : LLVMRealOLT, a, b);
}

/* i16x8.relaxed_dot_i8x16_i7x16_s: pairs of a (signed) * b (7-bit) products. pmaddubsw reads b
 * as unsigned and saturates the pair sums: both allowed when b's top bit is set. */
static LLVMValueRef dot_i8(cg_func_t *f, LLVMValueRef a, LLVMValueRef b) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef bd = cm->b;
  if (cg_simd_has(cm, SIMD_X86 | SIMD_SSSE3)) {
    LLVMValueRef args[] = {b, a};
    return cg_simd_call(f, "llvm.x86.ssse3.pmadd.ub.sw.128", NULL, 0, args, 2);
  }
  LLVMTypeRef wt = LLVMVectorType(cm->t_i16, 16);
  LLVMValueRef p = LLVMBuildMul(bd, LLVMBuildSExt(bd, a, wt, ""), LLVMBuildSExt(bd, b, wt, ""),
                                "");
  return LLVMBuildAdd(bd, cg_simd_evens(f, p, 0), cg_simd_evens(f, p, 1), "");
}

/* i32x4.relaxed_dot_i8x16_i7x16_add_s: groups of four products plus c. One vpdpbusd
 * (unsigned b, signed a) with VNNI, one sdot on NEON with the dot product extension. */
static LLVMValueRef dot_i8_add(cg_func_t *f, LLVMValueRef a, LLVMValueRef b, LLVMValueRef c) {
  cg_module_t *cm = f->cm;
  if (cg_simd_has(cm, SIMD_X86 | SIMD_VNNI)) {
    LLVMValueRef args[] = {c, cg_simd_as(f, b, SH_I32), cg_simd_as(f, a, SH_I32)};
    return cg_simd_call(f, "llvm.x86.avx512.vpdpbusd.128", NULL, 0, args, 3);
  }
  if (cg_simd_has(cm, SIMD_A64 | SIMD_DOTPROD)) {
    LLVMTypeRef tys[] = {LLVMTypeOf(c), LLVMTypeOf(a)};
    LLVMValueRef args[] = {c, a, b};
    return cg_simd_call(f, "llvm.aarch64.neon.sdot", tys, 2, args, 3);
  }
  LLVMValueRef d = cg_simd_extadd_pairwise(f, dot_i8(f, a, b), SH_I16, true);
  return LLVMBuildAdd(cm->b, cg_simd_as(f, d, SH_I32), c, "");
}

static LLVMValueRef emit(cg_func_t *f, unsigned op) {
  cg_shape_t s = cg_simd_shape_of(op);
  switch (op) {
  case OP_I8X16_RELAXED_SWIZZLE: {
    LLVMValueRef idx = cg_simd_pop(f, SH_I8), a = cg_simd_pop(f, SH_I8);
    return cg_simd_swizzle(f, a, idx, true);
  }
  /* The exact saturating conversions: the spec tests pin NaN to 0, and the x86 forms that
   * differ (bare cvttps2dq) give INT32_MIN for 2^31, which the tests reject. */
  case OP_I32X4_RELAXED_TRUNC_F32X4_S: case OP_I32X4_RELAXED_TRUNC_F32X4_U:
    return cg_simd_trunc_sat(f, cg_simd_pop(f, SH_F32), SH_F32,
                             op == OP_I32X4_RELAXED_TRUNC_F32X4_S);
  case OP_I32X4_RELAXED_TRUNC_F64X2_S_ZERO: case OP_I32X4_RELAXED_TRUNC_F64X2_U_ZERO:
    return cg_simd_trunc_sat(f, cg_simd_pop(f, SH_F64), SH_F64,
                             op == OP_I32X4_RELAXED_TRUNC_F64X2_S_ZERO);
  case OP_F32X4_RELAXED_MADD: case OP_F32X4_RELAXED_NMADD: case OP_F64X2_RELAXED_MADD:
  case OP_F64X2_RELAXED_NMADD: {
    LLVMValueRef c = cg_simd_pop(f, s), b = cg_simd_pop(f, s), a = cg_simd_pop(f, s);
    LLVMValueRef ops[] = {a, b, c};
    LLVMValueRef r = madd(f, a, b, c, op == OP_F32X4_RELAXED_NMADD || op == OP_F64X2_RELAXED_NMADD);
    return cg_simd_quiet_folded(f, r, ops, 3);
  }
  case OP_I8X16_RELAXED_LANESELECT: case OP_I16X8_RELAXED_LANESELECT:
  case OP_I32X4_RELAXED_LANESELECT: case OP_I64X2_RELAXED_LANESELECT: {
    LLVMValueRef m = cg_pop(f), b = cg_pop(f), a = cg_pop(f);
    return laneselect(f, a, b, m, s);
  }
  case OP_F32X4_RELAXED_MIN: case OP_F32X4_RELAXED_MAX: case OP_F64X2_RELAXED_MIN:
  case OP_F64X2_RELAXED_MAX: {
    LLVMValueRef b = cg_simd_pop(f, s), a = cg_simd_pop(f, s);
    return relaxed_minmax(f, a, b, s, op == OP_F32X4_RELAXED_MAX || op == OP_F64X2_RELAXED_MAX);
  }
  case OP_I16X8_RELAXED_Q15MULR_S: {
    LLVMValueRef b = cg_simd_pop(f, SH_I16), a = cg_simd_pop(f, SH_I16);
    return cg_simd_q15mulr(f, a, b, true);
  }
  case OP_I16X8_RELAXED_DOT_I8X16_I7X16_S: {
    LLVMValueRef b = cg_simd_pop(f, SH_I8), a = cg_simd_pop(f, SH_I8);
    return dot_i8(f, a, b);
  }
  case OP_I32X4_RELAXED_DOT_I8X16_I7X16_ADD_S: {
    LLVMValueRef c = cg_simd_pop(f, SH_I32), b = cg_simd_pop(f, SH_I8), a = cg_simd_pop(f, SH_I8);
    return dot_i8_add(f, a, b, c);
  }
  default:
    return NULL;
  }
}

bool cg_emit_vrelaxed(cg_func_t *f, const ir_instr_t *in) {
  LLVMValueRef r = emit(f, in->op);
  if (!r)
    return cg_fail(f->cm, SWASM_INTERNAL, f->index, in->offset, "no relaxed SIMD emitter for %s",
                   ir_ops[in->op].name);
  return cg_simd_push(f, r);
}

/* simd_bit.c - lane comparisons (all-ones/all-zeros masks), the bitwise operators, bitselect,
 * any_true/all_true, bitmask and the shifts (count taken modulo the lane width). */
#include "simd.h"

/* ---- comparisons -------------------------------------------------------------------------- */

static bool int_compare(cg_func_t *f, cg_shape_t s, LLVMIntPredicate p) {
  LLVMValueRef b = cg_simd_pop(f, s), a = cg_simd_pop(f, s);
  return cg_simd_push(f, cg_simd_mask(f, LLVMBuildICmp(f->cm->b, p, a, b, ""), s));
}

/* eq is ordered (false with a NaN), ne unordered (true with a NaN), as in scalar wasm. */
static bool float_compare(cg_func_t *f, cg_shape_t s, LLVMRealPredicate p) {
  LLVMValueRef b = cg_simd_pop(f, s), a = cg_simd_pop(f, s);
  return cg_simd_push(f, cg_simd_mask(f, LLVMBuildFCmp(f->cm->b, p, a, b, ""), s));
}

bool cg_emit_vcmp(cg_func_t *f, const ir_instr_t *in) {
  static const LLVMIntPredicate ipred[] = {LLVMIntEQ, LLVMIntNE, LLVMIntSLT, LLVMIntULT,
                                           LLVMIntSGT, LLVMIntUGT, LLVMIntSLE, LLVMIntULE,
                                           LLVMIntSGE, LLVMIntUGE};
  static const LLVMIntPredicate i64pred[] = {LLVMIntEQ, LLVMIntNE, LLVMIntSLT,
                                             LLVMIntSGT, LLVMIntSLE, LLVMIntSGE};
  static const LLVMRealPredicate fpred[] = {LLVMRealOEQ, LLVMRealUNE, LLVMRealOLT,
                                            LLVMRealOGT, LLVMRealOLE, LLVMRealOGE};
  unsigned op = in->op;
  if (op >= OP_I8X16_EQ && op <= OP_I32X4_GE_U) {
    unsigned k = op - OP_I8X16_EQ;
    return int_compare(f, (cg_shape_t)(SH_I8 + k / 10), ipred[k % 10]);
  }
  if (op >= OP_F32X4_EQ && op <= OP_F64X2_GE) {
    unsigned k = op - OP_F32X4_EQ;
    return float_compare(f, k < 6 ? SH_F32 : SH_F64, fpred[k % 6]);
  }
  if (op >= OP_I64X2_EQ && op <= OP_I64X2_GE_S)
    return int_compare(f, SH_I64, i64pred[op - OP_I64X2_EQ]);
  return cg_fail(f->cm, SWASM_INTERNAL, f->index, in->offset, "no SIMD compare emitter for %s",
                 ir_ops[op].name);
}

_Static_assert(OP_I32X4_GE_U - OP_I8X16_EQ == 29 && OP_F64X2_GE - OP_F32X4_EQ == 11 &&
               OP_I64X2_GE_S - OP_I64X2_EQ == 5, "SIMD comparisons in table order");

/* ---- bitwise ------------------------------------------------------------------------------ */

static bool bitwise(cg_func_t *f, unsigned op) {
  LLVMBuilderRef b = f->cm->b;
  if (op == OP_V128_NOT) return cg_push(f, LLVMBuildNot(b, cg_pop(f), ""));
  if (op == OP_V128_BITSELECT) {
    /* (v1 & c) | (v2 & ~c), written as v2 ^ ((v1 ^ v2) & c): the form backends match to
     * a single select (bsl on NEON, pternlog/andnot+or on x86). */
    LLVMValueRef c = cg_pop(f), v2 = cg_pop(f), v1 = cg_pop(f);
    LLVMValueRef t = LLVMBuildAnd(b, LLVMBuildXor(b, v1, v2, ""), c, "");
    return cg_push(f, LLVMBuildXor(b, v2, t, ""));
  }
  LLVMValueRef y = cg_pop(f), x = cg_pop(f);
  switch (op) {
  case OP_V128_AND: return cg_push(f, LLVMBuildAnd(b, x, y, ""));
  case OP_V128_ANDNOT: return cg_push(f, LLVMBuildAnd(b, x, LLVMBuildNot(b, y, ""), ""));
  case OP_V128_OR: return cg_push(f, LLVMBuildOr(b, x, y, ""));
  default: return cg_push(f, LLVMBuildXor(b, x, y, ""));
  }
}

/* ---- reductions --------------------------------------------------------------------------- */

/* x86 tests the whole register at once (ptest); NEON reduces with umaxv. */
static bool any_true(cg_func_t *f) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  LLVMValueRef v = cg_pop(f), any;
  if (cg_simd_has(cm, SIMD_A64)) {
    v = cg_simd_as(f, v, SH_I32);
    any = cg_call_intrinsic(f, "llvm.vector.reduce.umax", LLVMTypeOf(v), &v, 1);
  } else {
    any = LLVMBuildBitCast(b, v, LLVMIntTypeInContext(cm->ctx, 128), "");
  }
  LLVMValueRef ne = LLVMBuildICmp(b, LLVMIntNE, any, LLVMConstNull(LLVMTypeOf(any)), "");
  return cg_push(f, LLVMBuildZExt(b, ne, cm->t_i32, ""));
}

/* The lanes' truth (all_true: lane != 0; bitmask: the lane's top bit) as an integer of one
 * bit per lane: LLVM lowers it to pmovmskb/movmskps or a NEON reduction. */
static LLVMValueRef lane_bits(cg_func_t *f, cg_shape_t s, LLVMIntPredicate p) {
  cg_module_t *cm = f->cm;
  LLVMValueRef v = cg_simd_pop(f, s);
  LLVMValueRef c = LLVMBuildICmp(cm->b, p, v, LLVMConstNull(LLVMTypeOf(v)), "");
  LLVMTypeRef it = LLVMIntTypeInContext(cm->ctx, cg_simd_lanes(s));
  return LLVMBuildBitCast(cm->b, c, it, "");
}

static bool all_true(cg_func_t *f, cg_shape_t s) {
  cg_module_t *cm = f->cm;
  LLVMValueRef bits = lane_bits(f, s, LLVMIntNE);
  LLVMValueRef all = LLVMBuildICmp(cm->b, LLVMIntEQ, bits, LLVMConstAllOnes(LLVMTypeOf(bits)),
                                   "");
  return cg_push(f, LLVMBuildZExt(cm->b, all, cm->t_i32, ""));
}

static bool bitmask(cg_func_t *f, cg_shape_t s) {
  LLVMValueRef bits = lane_bits(f, s, LLVMIntSLT);
  return cg_push(f, LLVMBuildZExt(f->cm->b, bits, f->cm->t_i32, ""));
}

/* ---- shifts ------------------------------------------------------------------------------- */

/* kind: 0 shl, 1 shr_s, 2 shr_u. */
static bool shift(cg_func_t *f, cg_shape_t s, int kind) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  LLVMValueRef n = cg_pop(f);
  LLVMValueRef v = cg_simd_pop(f, s);
  LLVMTypeRef lt = cg_simd_lane_type(cm, s);
  unsigned w = LLVMGetIntTypeWidth(lt);
  n = LLVMBuildAnd(b, n, cg_i32(cm, w - 1), "");
  if (w < 32) n = LLVMBuildTrunc(b, n, lt, "");
  if (w > 32) n = LLVMBuildZExt(b, n, lt, "");
  LLVMValueRef ns = cg_simd_splat(f, n, cg_simd_lanes(s));
  LLVMValueRef r = kind == 0   ? LLVMBuildShl(b, v, ns, "")
                   : kind == 1 ? LLVMBuildAShr(b, v, ns, "")
                               : LLVMBuildLShr(b, v, ns, "");
  return cg_simd_push(f, r);
}

bool cg_emit_vbit(cg_func_t *f, const ir_instr_t *in) {
  switch (in->op) {
  case OP_V128_NOT: case OP_V128_AND: case OP_V128_ANDNOT: case OP_V128_OR: case OP_V128_XOR:
  case OP_V128_BITSELECT:
    return bitwise(f, in->op);
  case OP_V128_ANY_TRUE: return any_true(f);
  case OP_I8X16_ALL_TRUE: return all_true(f, SH_I8);
  case OP_I16X8_ALL_TRUE: return all_true(f, SH_I16);
  case OP_I32X4_ALL_TRUE: return all_true(f, SH_I32);
  case OP_I64X2_ALL_TRUE: return all_true(f, SH_I64);
  case OP_I8X16_BITMASK: return bitmask(f, SH_I8);
  case OP_I16X8_BITMASK: return bitmask(f, SH_I16);
  case OP_I32X4_BITMASK: return bitmask(f, SH_I32);
  case OP_I64X2_BITMASK: return bitmask(f, SH_I64);
  case OP_I8X16_SHL: return shift(f, SH_I8, 0);
  case OP_I8X16_SHR_S: return shift(f, SH_I8, 1);
  case OP_I8X16_SHR_U: return shift(f, SH_I8, 2);
  case OP_I16X8_SHL: return shift(f, SH_I16, 0);
  case OP_I16X8_SHR_S: return shift(f, SH_I16, 1);
  case OP_I16X8_SHR_U: return shift(f, SH_I16, 2);
  case OP_I32X4_SHL: return shift(f, SH_I32, 0);
  case OP_I32X4_SHR_S: return shift(f, SH_I32, 1);
  case OP_I32X4_SHR_U: return shift(f, SH_I32, 2);
  case OP_I64X2_SHL: return shift(f, SH_I64, 0);
  case OP_I64X2_SHR_S: return shift(f, SH_I64, 1);
  case OP_I64X2_SHR_U: return shift(f, SH_I64, 2);
  default:
    return cg_fail(f->cm, SWASM_INTERNAL, f->index, in->offset, "no SIMD bitwise emitter for %s",
                   ir_ops[in->op].name);
  }
}

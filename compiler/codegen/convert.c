/* convert.c - conversions between value types: wrap and extend, float <-> int (trapping and
 * saturating truncation), demote/promote, reinterpretation and the sign-extension operators. */
#include "cg.h"

/* Truncation that traps: NaN is an invalid conversion, a value whose integer part does not fit
 * is an overflow. The bounds are exact: the lower bound compares with lo - 1 (exclusive) when
 * that is representable in the float type, else with lo itself (inclusive). */
static LLVMValueRef trunc_trapping(cg_func_t *f, LLVMValueRef x, LLVMTypeRef it, bool sign) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  LLVMTypeRef ft = LLVMTypeOf(x);
  unsigned w = LLVMGetIntTypeWidth(it);
  unsigned mant = ft == cm->t_f32 ? 24 : 53;
  cg_trap_if(f, LLVMBuildFCmp(b, LLVMRealUNO, x, x, ""), SWASM_TRAP_INVALID_CONVERSION);
  LLVMValueRef ok_lo, ok_hi;
  if (!sign) {
    ok_lo = LLVMBuildFCmp(b, LLVMRealOGT, x, LLVMConstReal(ft, -1.0), "");
    ok_hi = LLVMBuildFCmp(b, LLVMRealOLT, x, LLVMConstReal(ft, (double)(1ull << (w - 1)) * 2.0),
                          "");
  } else {
    double lo = -(double)(1ull << (w - 1));
    if (w < mant)
      ok_lo = LLVMBuildFCmp(b, LLVMRealOGT, x, LLVMConstReal(ft, lo - 1.0), "");
    else
      ok_lo = LLVMBuildFCmp(b, LLVMRealOGE, x, LLVMConstReal(ft, lo), "");
    ok_hi = LLVMBuildFCmp(b, LLVMRealOLT, x, LLVMConstReal(ft, -lo), "");
  }
  LLVMValueRef ok = LLVMBuildAnd(b, ok_lo, ok_hi, "");
  cg_trap_if(f, LLVMBuildNot(b, ok, ""), SWASM_TRAP_INT_OVERFLOW);
  return sign ? LLVMBuildFPToSI(b, x, it, "") : LLVMBuildFPToUI(b, x, it, "");
}

static LLVMValueRef trunc_sat(cg_func_t *f, LLVMValueRef x, LLVMTypeRef it, bool sign) {
  LLVMTypeRef tys[] = {it, LLVMTypeOf(x)};
  LLVMTypeRef fnty;
  LLVMValueRef fn = cg_intrinsic(f->cm, sign ? "llvm.fptosi.sat" : "llvm.fptoui.sat", tys, 2,
                                 &fnty);
  return LLVMBuildCall2(f->cm->b, fnty, fn, &x, 1, "");
}

static LLVMValueRef sign_extend_low(cg_func_t *f, LLVMValueRef x, unsigned bits) {
  LLVMBuilderRef b = f->cm->b;
  LLVMValueRef low = LLVMBuildTrunc(b, x, LLVMIntTypeInContext(f->cm->ctx, bits), "");
  return LLVMBuildSExt(b, low, LLVMTypeOf(x), "");
}

static bool is_signed_op(uint16_t op) {
  switch (op) {
  case OP_I32_TRUNC_F32_S: case OP_I32_TRUNC_F64_S: case OP_I64_TRUNC_F32_S:
  case OP_I64_TRUNC_F64_S: case OP_I32_TRUNC_SAT_F32_S: case OP_I32_TRUNC_SAT_F64_S:
  case OP_I64_TRUNC_SAT_F32_S: case OP_I64_TRUNC_SAT_F64_S: case OP_I64_EXTEND_I32_S:
  case OP_F32_CONVERT_I32_S: case OP_F32_CONVERT_I64_S: case OP_F64_CONVERT_I32_S:
  case OP_F64_CONVERT_I64_S:
    return true;
  default:
    return false;
  }
}

bool cg_emit_convert(cg_func_t *f, const ir_instr_t *in) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  LLVMTypeRef rt = cg_valtype(cm, ir_ops[in->op].result);
  LLVMValueRef x = cg_pop(f), r;
  bool sign = is_signed_op(in->op);
  switch (in->op) {
  case OP_I32_WRAP_I64: r = LLVMBuildTrunc(b, x, rt, ""); break;
  case OP_I32_TRUNC_F32_S: case OP_I32_TRUNC_F32_U: case OP_I32_TRUNC_F64_S:
  case OP_I32_TRUNC_F64_U: case OP_I64_TRUNC_F32_S: case OP_I64_TRUNC_F32_U:
  case OP_I64_TRUNC_F64_S: case OP_I64_TRUNC_F64_U:
    r = trunc_trapping(f, x, rt, sign);
    break;
  case OP_I32_TRUNC_SAT_F32_S: case OP_I32_TRUNC_SAT_F32_U: case OP_I32_TRUNC_SAT_F64_S:
  case OP_I32_TRUNC_SAT_F64_U: case OP_I64_TRUNC_SAT_F32_S: case OP_I64_TRUNC_SAT_F32_U:
  case OP_I64_TRUNC_SAT_F64_S: case OP_I64_TRUNC_SAT_F64_U:
    r = trunc_sat(f, x, rt, sign);
    break;
  case OP_I64_EXTEND_I32_S: r = LLVMBuildSExt(b, x, rt, ""); break;
  case OP_I64_EXTEND_I32_U: r = LLVMBuildZExt(b, x, rt, ""); break;
  case OP_F32_CONVERT_I32_S: case OP_F32_CONVERT_I32_U: case OP_F32_CONVERT_I64_S:
  case OP_F32_CONVERT_I64_U: case OP_F64_CONVERT_I32_S: case OP_F64_CONVERT_I32_U:
  case OP_F64_CONVERT_I64_S: case OP_F64_CONVERT_I64_U:
    r = sign ? LLVMBuildSIToFP(b, x, rt, "") : LLVMBuildUIToFP(b, x, rt, "");
    break;
  case OP_F32_DEMOTE_F64:
    /* LLVM folds demote(promote(x)) to x, which would let a signalling NaN through. */
    r = cg_quiet_nan(f, LLVMBuildFPTrunc(b, x, rt, ""));
    break;
  case OP_F64_PROMOTE_F32: r = LLVMBuildFPExt(b, x, rt, ""); break;
  case OP_I32_REINTERPRET_F32: case OP_I64_REINTERPRET_F64: case OP_F32_REINTERPRET_I32:
  case OP_F64_REINTERPRET_I64:
    r = LLVMBuildBitCast(b, x, rt, "");
    break;
  case OP_I32_EXTEND8_S: case OP_I64_EXTEND8_S: r = sign_extend_low(f, x, 8); break;
  case OP_I32_EXTEND16_S: case OP_I64_EXTEND16_S: r = sign_extend_low(f, x, 16); break;
  case OP_I64_EXTEND32_S: r = sign_extend_low(f, x, 32); break;
  default:
    return cg_fail(cm, SWASM_INTERNAL, f->index, in->offset, "no conversion emitter for %s",
                   ir_ops[in->op].name);
  }
  return cg_push(f, r);
}

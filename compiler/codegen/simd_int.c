/* simd_int.c - integer lane arithmetic: add/sub/mul (wrapping), saturating add/sub, min/max,
 * abs/neg, popcnt, the rounding average, q15mulr_sat and the i16 dot product. */
#include "simd.h"

/* (a * b + 0x4000) >> 15 with signed saturation. The only product that overflows is
 * INT16_MIN * INT16_MIN (giving 0x8000); NEON's sqrdmulh computes exactly this, and x86's
 * pmulhrsw differs only there, so its 0x8000 lanes are flipped to 0x7fff. The relaxed form may
 * return either, and keeps pmulhrsw's. */
LLVMValueRef cg_simd_q15mulr(cg_func_t *f, LLVMValueRef a, LLVMValueRef b, bool relaxed) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef bd = cm->b;
  if (cg_simd_has(cm, SIMD_A64))
    return cg_simd_call2(f, "llvm.aarch64.neon.sqrdmulh", a, b);
  if (cg_simd_has(cm, SIMD_X86 | SIMD_SSSE3)) {
    LLVMValueRef args[] = {a, b};
    LLVMValueRef r = cg_simd_call(f, "llvm.x86.ssse3.pmul.hr.sw.128", NULL, 0, args, 2);
    if (relaxed) return r;
    LLVMValueRef ovf = LLVMBuildICmp(bd, LLVMIntEQ, r, cg_simd_const(cm, SH_I16, 0x8000), "");
    return LLVMBuildXor(bd, r, cg_simd_mask(f, ovf, SH_I16), "");
  }
  LLVMTypeRef wt = LLVMVectorType(cm->t_i32, 8);
  LLVMValueRef p = LLVMBuildMul(bd, LLVMBuildSExt(bd, a, wt, ""), LLVMBuildSExt(bd, b, wt, ""),
                                "");
  p = LLVMBuildAdd(bd, p, cg_simd_const_n(cm->t_i32, 0x4000, 8), "");
  p = LLVMBuildAShr(bd, p, cg_simd_const_n(cm->t_i32, 15, 8), "");
  p = cg_simd_call2(f, "llvm.smin", p, cg_simd_const_n(cm->t_i32, 0x7fff, 8));
  return LLVMBuildTrunc(bd, p, cg_simd_type(cm, SH_I16), "");
}

/* i32x4.dot_i16x8_s: sums of adjacent i16 products. The one overflowing sum
 * (2 * INT16_MIN * INT16_MIN) wraps in wasm as in pmaddwd. */
static LLVMValueRef dot_i16(cg_func_t *f, LLVMValueRef a, LLVMValueRef b) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef bd = cm->b;
  if (cg_simd_has(cm, SIMD_X86)) {
    LLVMValueRef args[] = {a, b};
    return cg_simd_call(f, "llvm.x86.sse2.pmadd.wd", NULL, 0, args, 2);
  }
  LLVMTypeRef wt = LLVMVectorType(cm->t_i32, 8);
  LLVMValueRef p = LLVMBuildMul(bd, LLVMBuildSExt(bd, a, wt, ""), LLVMBuildSExt(bd, b, wt, ""),
                                "");
  return LLVMBuildAdd(bd, cg_simd_evens(f, p, 0), cg_simd_evens(f, p, 1), "");
}

/* (a + b + 1) >> 1 without overflow: in lanes twice as wide (pavgb/pavgw, urhadd). */
static LLVMValueRef avgr_u(cg_func_t *f, LLVMValueRef a, LLVMValueRef b) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef bd = cm->b;
  LLVMTypeRef t = LLVMTypeOf(a);
  unsigned n = LLVMGetVectorSize(t);
  unsigned w = LLVMGetIntTypeWidth(LLVMGetElementType(t));
  LLVMTypeRef lt = LLVMIntTypeInContext(cm->ctx, 2 * w);
  LLVMTypeRef wt = LLVMVectorType(lt, n);
  LLVMValueRef one = cg_simd_const_n(lt, 1, n);
  LLVMValueRef s = LLVMBuildAdd(bd, LLVMBuildZExt(bd, a, wt, ""), LLVMBuildZExt(bd, b, wt, ""),
                                "");
  s = LLVMBuildLShr(bd, LLVMBuildAdd(bd, s, one, ""), one, "");
  return LLVMBuildTrunc(bd, s, t, "");
}

static LLVMValueRef unary(cg_func_t *f, unsigned op, LLVMValueRef a) {
  cg_module_t *cm = f->cm;
  switch (op) {
  case OP_I8X16_NEG: case OP_I16X8_NEG: case OP_I32X4_NEG: case OP_I64X2_NEG:
    return LLVMBuildNeg(cm->b, a, "");
  case OP_I8X16_POPCNT:
    return cg_call_intrinsic(f, "llvm.ctpop", LLVMTypeOf(a), &a, 1);
  default: {   /* abs: INT_MIN stays INT_MIN */
    LLVMValueRef args[] = {a, LLVMConstInt(cm->t_i1, 0, false)};
    return cg_call_intrinsic(f, "llvm.abs", LLVMTypeOf(a), args, 2);
  }
  }
}

static const char *binary_intrinsic(unsigned op) {
  switch (op) {
  case OP_I8X16_ADD_SAT_S: case OP_I16X8_ADD_SAT_S: return "llvm.sadd.sat";
  case OP_I8X16_ADD_SAT_U: case OP_I16X8_ADD_SAT_U: return "llvm.uadd.sat";
  case OP_I8X16_SUB_SAT_S: case OP_I16X8_SUB_SAT_S: return "llvm.ssub.sat";
  case OP_I8X16_SUB_SAT_U: case OP_I16X8_SUB_SAT_U: return "llvm.usub.sat";
  case OP_I8X16_MIN_S: case OP_I16X8_MIN_S: case OP_I32X4_MIN_S: return "llvm.smin";
  case OP_I8X16_MIN_U: case OP_I16X8_MIN_U: case OP_I32X4_MIN_U: return "llvm.umin";
  case OP_I8X16_MAX_S: case OP_I16X8_MAX_S: case OP_I32X4_MAX_S: return "llvm.smax";
  case OP_I8X16_MAX_U: case OP_I16X8_MAX_U: case OP_I32X4_MAX_U: return "llvm.umax";
  default: return NULL;
  }
}

static LLVMValueRef binary(cg_func_t *f, unsigned op, LLVMValueRef a, LLVMValueRef b) {
  LLVMBuilderRef bd = f->cm->b;
  const char *name = binary_intrinsic(op);
  if (name) return cg_simd_call2(f, name, a, b);
  switch (op) {
  case OP_I8X16_ADD: case OP_I16X8_ADD: case OP_I32X4_ADD: case OP_I64X2_ADD:
    return LLVMBuildAdd(bd, a, b, "");
  case OP_I8X16_SUB: case OP_I16X8_SUB: case OP_I32X4_SUB: case OP_I64X2_SUB:
    return LLVMBuildSub(bd, a, b, "");
  case OP_I16X8_MUL: case OP_I32X4_MUL: case OP_I64X2_MUL:
    return LLVMBuildMul(bd, a, b, "");
  case OP_I8X16_AVGR_U: case OP_I16X8_AVGR_U:
    return avgr_u(f, a, b);
  case OP_I16X8_Q15MULR_SAT_S:
    return cg_simd_q15mulr(f, a, b, false);
  default:   /* OP_I32X4_DOT_I16X8_S: operands are i16x8 */
    return dot_i16(f, cg_simd_as(f, a, SH_I16), cg_simd_as(f, b, SH_I16));
  }
}

static bool is_unary(unsigned op) {
  switch (op) {
  case OP_I8X16_ABS: case OP_I16X8_ABS: case OP_I32X4_ABS: case OP_I64X2_ABS:
  case OP_I8X16_NEG: case OP_I16X8_NEG: case OP_I32X4_NEG: case OP_I64X2_NEG:
  case OP_I8X16_POPCNT:
    return true;
  default:
    return false;
  }
}

bool cg_emit_vint(cg_func_t *f, const ir_instr_t *in) {
  cg_shape_t s = cg_simd_shape_of(in->op);
  if (is_unary(in->op)) return cg_simd_push(f, unary(f, in->op, cg_simd_pop(f, s)));
  LLVMValueRef b = cg_simd_pop(f, s), a = cg_simd_pop(f, s);
  return cg_simd_push(f, binary(f, in->op, a, b));
}

/* numeric.c - constants, comparisons and arithmetic with the spec's exact semantics: division
 * traps, masked shift counts, rotates as funnel shifts, NaN-propagating min/max and
 * round-half-to-even nearest. */
#include "cg.h"

/* Both integer widths (and both float widths) list their operators in the same order, so an
 * operator is its offset from the width's first opcode. */
enum { I_CLZ, I_CTZ, I_POPCNT, I_ADD, I_SUB, I_MUL, I_DIV_S, I_DIV_U, I_REM_S, I_REM_U, I_AND,
       I_OR, I_XOR, I_SHL, I_SHR_S, I_SHR_U, I_ROTL, I_ROTR };
enum { F_ABS, F_NEG, F_CEIL, F_FLOOR, F_TRUNC, F_NEAREST, F_SQRT, F_ADD, F_SUB, F_MUL, F_DIV,
       F_MIN, F_MAX, F_COPYSIGN };

_Static_assert(OP_I32_ROTR - OP_I32_CLZ == I_ROTR && OP_I64_ROTR - OP_I64_CLZ == I_ROTR,
               "integer operators in table order");
_Static_assert(OP_F32_COPYSIGN - OP_F32_ABS == F_COPYSIGN &&
               OP_F64_COPYSIGN - OP_F64_ABS == F_COPYSIGN, "float operators in table order");

bool cg_emit_const(cg_func_t *f, const ir_instr_t *in) {
  cg_module_t *cm = f->cm;
  switch (in->op) {
  case OP_I32_CONST: return cg_push(f, cg_i32(cm, (uint32_t)in->u.i32));
  case OP_I64_CONST: return cg_push(f, cg_i64(cm, (uint64_t)in->u.i64));
  case OP_F32_CONST:
    return cg_push(f, LLVMConstBitCast(cg_i32(cm, in->u.f32), cm->t_f32));
  case OP_F64_CONST:
    return cg_push(f, LLVMConstBitCast(cg_i64(cm, in->u.f64), cm->t_f64));
  case OP_V128_CONST: {
    uint64_t lanes[2] = {0, 0};
    for (int i = 0; i < 16; i++) lanes[i / 8] |= (uint64_t)in->u.v128[i] << (8 * (i % 8));
    LLVMValueRef v[2] = {cg_i64(cm, lanes[0]), cg_i64(cm, lanes[1])};
    return cg_push(f, LLVMConstVector(v, 2));
  }
  default:
    return cg_fail(cm, SWASM_INTERNAL, f->index, in->offset, "no constant emitter for %s",
                   ir_ops[in->op].name);
  }
}

bool cg_emit_cmp(cg_func_t *f, const ir_instr_t *in) {
  static const LLVMIntPredicate ipred[] = {LLVMIntEQ, LLVMIntEQ, LLVMIntNE, LLVMIntSLT,
                                           LLVMIntULT, LLVMIntSGT, LLVMIntUGT, LLVMIntSLE,
                                           LLVMIntULE, LLVMIntSGE, LLVMIntUGE};
  static const LLVMRealPredicate fpred[] = {LLVMRealOEQ, LLVMRealUNE, LLVMRealOLT,
                                            LLVMRealOGT, LLVMRealOLE, LLVMRealOGE};
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  LLVMValueRef r;
  unsigned op = in->op;
  if (op == OP_I32_EQZ || op == OP_I64_EQZ) {
    LLVMValueRef a = cg_pop(f);
    r = LLVMBuildICmp(b, LLVMIntEQ, a, LLVMConstNull(LLVMTypeOf(a)), "");
  } else if (op <= OP_I64_GE_U) {
    unsigned k = op >= OP_I64_EQZ ? op - OP_I64_EQZ : op - OP_I32_EQZ;
    LLVMValueRef y = cg_pop(f), x = cg_pop(f);
    r = LLVMBuildICmp(b, ipred[k], x, y, "");
  } else {
    unsigned k = op >= OP_F64_EQ ? op - OP_F64_EQ : op - OP_F32_EQ;
    LLVMValueRef y = cg_pop(f), x = cg_pop(f);
    r = LLVMBuildFCmp(b, fpred[k], x, y, "");
  }
  return cg_push(f, LLVMBuildZExt(b, r, cm->t_i32, ""));
}

static LLVMValueRef int_div(cg_func_t *f, unsigned k, LLVMValueRef x, LLVMValueRef y) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  LLVMTypeRef t = LLVMTypeOf(x);
  LLVMValueRef zero = LLVMConstNull(t), minus1 = LLVMConstAllOnes(t);
  cg_trap_if(f, LLVMBuildICmp(b, LLVMIntEQ, y, zero, ""), SWASM_TRAP_DIV_ZERO);
  switch (k) {
  case I_DIV_S: {
    unsigned w = LLVMGetIntTypeWidth(t);
    LLVMValueRef min = LLVMConstInt(t, 1ull << (w - 1), false);
    LLVMValueRef ovf = LLVMBuildAnd(b, LLVMBuildICmp(b, LLVMIntEQ, x, min, ""),
                                    LLVMBuildICmp(b, LLVMIntEQ, y, minus1, ""), "");
    cg_trap_if(f, ovf, SWASM_TRAP_INT_OVERFLOW);
    return LLVMBuildSDiv(b, x, y, "");
  }
  case I_DIV_U: return LLVMBuildUDiv(b, x, y, "");
  case I_REM_S: {
    /* x rem -1 is 0 for every x; dividing by 1 instead avoids INT_MIN / -1. */
    LLVMValueRef m1 = LLVMBuildICmp(b, LLVMIntEQ, y, minus1, "");
    y = LLVMBuildSelect(b, m1, LLVMConstInt(t, 1, false), y, "");
    return LLVMBuildSRem(b, x, y, "");
  }
  default: return LLVMBuildURem(b, x, y, "");
  }
}

/* x + c for an x that an access has proven far enough below 4 GiB cannot wrap: the nuw
 * flag lets LLVM compute the trip count of a loop that steps a pointer to an end pointer. */
static LLVMValueRef add(cg_func_t *f, LLVMValueRef x, LLVMValueRef y) {
  LLVMBuilderRef b = f->cm->b;
  if (LLVMIsAConstantInt(x)) {
    LLVMValueRef t = x;
    x = y;
    y = t;
  }
  if (LLVMTypeOf(x) == f->cm->t_i32 && LLVMIsAConstantInt(y) && !LLVMIsAConstant(x) &&
      cg_addr_no_wrap(f, x, (uint32_t)LLVMConstIntGetZExtValue(y)))
    return LLVMBuildNUWAdd(b, x, y, "");
  return LLVMBuildAdd(b, x, y, "");
}

static LLVMValueRef int_binary(cg_func_t *f, unsigned k, LLVMValueRef x, LLVMValueRef y) {
  LLVMBuilderRef b = f->cm->b;
  LLVMTypeRef t = LLVMTypeOf(x);
  LLVMValueRef mask = LLVMConstInt(t, LLVMGetIntTypeWidth(t) - 1, false);
  switch (k) {
  case I_ADD: return add(f, x, y);
  case I_SUB: return LLVMBuildSub(b, x, y, "");
  case I_MUL: return LLVMBuildMul(b, x, y, "");
  case I_AND: return LLVMBuildAnd(b, x, y, "");
  case I_OR: return LLVMBuildOr(b, x, y, "");
  case I_XOR: return LLVMBuildXor(b, x, y, "");
  case I_SHL: return LLVMBuildShl(b, x, LLVMBuildAnd(b, y, mask, ""), "");
  case I_SHR_S: return LLVMBuildAShr(b, x, LLVMBuildAnd(b, y, mask, ""), "");
  case I_SHR_U: return LLVMBuildLShr(b, x, LLVMBuildAnd(b, y, mask, ""), "");
  case I_ROTL:
  case I_ROTR: {
    LLVMValueRef args[] = {x, x, y};
    return cg_call_intrinsic(f, k == I_ROTL ? "llvm.fshl" : "llvm.fshr", t, args, 3);
  }
  default: return int_div(f, k, x, y);
  }
}

bool cg_emit_iarith(cg_func_t *f, const ir_instr_t *in) {
  unsigned k = in->op >= OP_I64_CLZ ? in->op - OP_I64_CLZ : in->op - OP_I32_CLZ;
  if (k <= I_POPCNT) {
    LLVMValueRef x = cg_pop(f);
    LLVMTypeRef t = LLVMTypeOf(x);
    if (k == I_POPCNT) return cg_push(f, cg_call_intrinsic(f, "llvm.ctpop", t, &x, 1));
    LLVMValueRef args[] = {x, LLVMConstInt(f->cm->t_i1, 0, false)};
    return cg_push(f, cg_call_intrinsic(f, k == I_CLZ ? "llvm.ctlz" : "llvm.cttz", t, args, 2));
  }
  LLVMValueRef y = cg_pop(f), x = cg_pop(f);
  return cg_push(f, int_binary(f, k, x, y));
}

/* LLVM does not promise to quiet signalling NaNs: it folds x * 1.0 to x, x / -1.0 to -x and
 * lowers minimum/maximum to pass a NaN operand through, where wasm wants an arithmetic (quiet)
 * NaN. Setting the quiet bit of a NaN result is exact and cannot be folded away. */
LLVMValueRef cg_quiet_nan(cg_func_t *f, LLVMValueRef r) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  bool f32 = LLVMTypeOf(r) == cm->t_f32;
  LLVMTypeRef it = f32 ? cm->t_i32 : cm->t_i64;
  LLVMValueRef qbit = LLVMConstInt(it, f32 ? 0x00400000u : 0x0008000000000000ull, false);
  LLVMValueRef q = LLVMBuildOr(b, LLVMBuildBitCast(b, r, it, ""), qbit, "");
  LLVMValueRef isnan = LLVMBuildFCmp(b, LLVMRealUNO, r, r, "");
  return LLVMBuildSelect(b, isnan, LLVMBuildBitCast(b, q, LLVMTypeOf(r), ""), r, "");
}

static bool is_const(LLVMValueRef v, double a, double b) {
  if (!LLVMIsAConstantFP(v)) return false;
  LLVMBool loses;
  double d = LLVMConstRealGetDouble(v, &loses);
  return d == a || d == b;
}

/* Whether LLVM may fold the operation to (the negation of) one operand: x + -0, x - 0,
 * -0 - x, x * 1, x * -1, x / 1, x / -1. */
static bool may_fold_to_operand(unsigned k, LLVMValueRef x, LLVMValueRef y) {
  switch (k) {
  case F_ADD: return is_const(x, 0.0, 0.0) || is_const(y, 0.0, 0.0);   /* 0.0 == -0.0 */
  case F_SUB: return is_const(y, 0.0, 0.0) || is_const(x, 0.0, 0.0);
  case F_MUL: return is_const(x, 1.0, -1.0) || is_const(y, 1.0, -1.0);
  case F_DIV: return is_const(y, 1.0, -1.0);
  default: return false;
  }
}

static LLVMValueRef float_unary(cg_func_t *f, unsigned k, LLVMValueRef x) {
  static const char *const names[] = {
      [F_ABS] = "llvm.fabs", [F_CEIL] = "llvm.ceil", [F_FLOOR] = "llvm.floor",
      [F_TRUNC] = "llvm.trunc", [F_NEAREST] = "llvm.roundeven", [F_SQRT] = "llvm.sqrt"};
  if (k == F_NEG) return LLVMBuildFNeg(f->cm->b, x, "");
  return cg_call_intrinsic(f, names[k], LLVMTypeOf(x), &x, 1);
}

static LLVMValueRef float_binary(cg_func_t *f, unsigned k, LLVMValueRef x, LLVMValueRef y) {
  LLVMBuilderRef b = f->cm->b;
  LLVMValueRef args[] = {x, y};
  switch (k) {
  case F_ADD: return LLVMBuildFAdd(b, x, y, "");
  case F_SUB: return LLVMBuildFSub(b, x, y, "");
  case F_MUL: return LLVMBuildFMul(b, x, y, "");
  case F_DIV: return LLVMBuildFDiv(b, x, y, "");
  case F_MIN: return cg_call_intrinsic(f, "llvm.minimum", LLVMTypeOf(x), args, 2);
  case F_MAX: return cg_call_intrinsic(f, "llvm.maximum", LLVMTypeOf(x), args, 2);
  default: return cg_call_intrinsic(f, "llvm.copysign", LLVMTypeOf(x), args, 2);
  }
}

bool cg_emit_farith(cg_func_t *f, const ir_instr_t *in) {
  unsigned k = in->op >= OP_F64_ABS ? in->op - OP_F64_ABS : in->op - OP_F32_ABS;
  if (k <= F_SQRT) return cg_push(f, float_unary(f, k, cg_pop(f)));
  LLVMValueRef y = cg_pop(f), x = cg_pop(f);
  LLVMValueRef r = float_binary(f, k, x, y);
  if (k == F_MIN || k == F_MAX || may_fold_to_operand(k, x, y))
    r = cg_quiet_nan(f, r);
  return cg_push(f, r);
}

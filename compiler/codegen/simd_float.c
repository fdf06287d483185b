/* simd_float.c - f32x4 and f64x2 arithmetic: IEEE add/sub/mul/div/sqrt, the rounding
 * operators, abs/neg as sign-bit operations, wasm's NaN-propagating min/max (where -0 < +0 and
 * a NaN result is always quiet), and pmin/pmax (plain compare-and-select). */
#include "simd.h"

/* The integer view of a float shape, and its bit width less the exponent and quiet bit (the
 * shift that turns an all-ones lane into the payload bits below the quiet bit). */
static cg_shape_t int_shape(cg_shape_t s) { return s == SH_F32 ? SH_I32 : SH_I64; }
static unsigned payload_shift(cg_shape_t s) { return s == SH_F32 ? 10 : 13; }

/* (pred a b) ? a : b. On x86 this is exactly minps/maxps (pred olt/ogt: the second operand
 * on a NaN or equal zeros), called as intrinsics: as a select, LLVM folds the bitcasts around
 * f64x2 lanes into an integer select and loses minpd/maxpd. On NEON it is fcmp + bsl. */
static LLVMValueRef select_cmp(cg_func_t *f, LLVMRealPredicate p, LLVMValueRef a,
                               LLVMValueRef b) {
  LLVMBuilderRef bd = f->cm->b;
  if (cg_simd_has(f->cm, SIMD_X86) && (p == LLVMRealOLT || p == LLVMRealOGT)) {
    bool f32 = LLVMGetVectorSize(LLVMTypeOf(a)) == 4;
    static const char *const names[2][2] = {
        {"llvm.x86.sse2.min.pd", "llvm.x86.sse2.max.pd"},
        {"llvm.x86.sse.min.ps", "llvm.x86.sse.max.ps"}};
    LLVMValueRef args[] = {a, b};
    return cg_simd_call(f, names[f32][p == LLVMRealOGT], NULL, 0, args, 2);
  }
  return LLVMBuildSelect(bd, LLVMBuildFCmp(bd, p, a, b, ""), a, b, "");
}

/* Canonicalises NaN lanes of the integer-viewed x: NaN lanes become sign|exponent|quiet. */
static LLVMValueRef quiet_nans(cg_func_t *f, LLVMValueRef xi, cg_shape_t s) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef bd = cm->b;
  LLVMValueRef x = cg_simd_as(f, xi, s);
  LLVMValueRef nan = cg_simd_mask(f, LLVMBuildFCmp(bd, LLVMRealUNO, x, x, ""), s);
  LLVMValueRef payload = LLVMBuildLShr(bd, nan, cg_simd_const(cm, int_shape(s),
                                                               payload_shift(s)), "");
  LLVMValueRef r = LLVMBuildOr(bd, xi, nan, "");
  return LLVMBuildAnd(bd, r, LLVMBuildNot(bd, payload, ""), "");
}

/* x86 has no NaN-propagating min/max before AVX10.2, and LLVM's generic lowering of
 * llvm.minimum may return a signalling NaN unchanged. So: min/max in both operand orders
 * (each returns its second operand on NaN or on equal zeros), merged so that a NaN or a -0
 * (min) / +0 (max) from either order wins, then NaN lanes are made canonical. */
static LLVMValueRef x86_min(cg_func_t *f, LLVMValueRef a, LLVMValueRef b, cg_shape_t s) {
  LLVMBuilderRef bd = f->cm->b;
  cg_shape_t is = int_shape(s);
  LLVMValueRef t1 = cg_simd_as(f, select_cmp(f, LLVMRealOLT, a, b), is);
  LLVMValueRef t2 = cg_simd_as(f, select_cmp(f, LLVMRealOLT, b, a), is);
  return quiet_nans(f, LLVMBuildOr(bd, t1, t2, ""), s);
}

/* For max the merge is (t1 | d) - d with d = t1 ^ t2: equal lanes are unchanged, +0/-0 lanes
 * become -0 - -0 = +0, and NaN lanes stay NaN (and the subtraction quiets them). */
static LLVMValueRef x86_max(cg_func_t *f, LLVMValueRef a, LLVMValueRef b, cg_shape_t s) {
  LLVMBuilderRef bd = f->cm->b;
  cg_shape_t is = int_shape(s);
  LLVMValueRef t1 = cg_simd_as(f, select_cmp(f, LLVMRealOGT, a, b), is);
  LLVMValueRef t2 = cg_simd_as(f, select_cmp(f, LLVMRealOGT, b, a), is);
  LLVMValueRef d = LLVMBuildXor(bd, t1, t2, "");
  LLVMValueRef m = cg_simd_as(f, LLVMBuildOr(bd, t1, d, ""), s);
  LLVMValueRef r = LLVMBuildFSub(bd, m, cg_simd_as(f, d, s), "");
  return quiet_nans(f, cg_simd_as(f, r, is), s);
}

LLVMValueRef cg_simd_select_cmp(cg_func_t *f, LLVMRealPredicate p, LLVMValueRef a,
                                LLVMValueRef b) {
  return select_cmp(f, p, a, b);
}

LLVMValueRef cg_simd_fmin_fmax(cg_func_t *f, LLVMValueRef a, LLVMValueRef b, cg_shape_t s,
                               bool max) {
  if (cg_simd_has(f->cm, SIMD_X86)) return max ? x86_max(f, a, b, s) : x86_min(f, a, b, s);
  /* NEON fmin/fmax are exactly wasm's and quiet NaNs. Called as NEON intrinsics: LLVM's
   * constant folding of llvm.minimum returns a signalling NaN operand unchanged. */
  if (cg_simd_has(f->cm, SIMD_A64))
    return cg_simd_call2(f, max ? "llvm.aarch64.neon.fmax" : "llvm.aarch64.neon.fmin", a, b);
  return cg_simd_call2(f, max ? "llvm.maximum" : "llvm.minimum", a, b);
}

/* A constant vector with a lane that lets LLVM fold an operation to (the negation of) the other
 * operand: 0.0, 1.0 or -1.0 (x + 0.0, x * 1.0, x / -1.0, ...). Lanes it cannot read count as
 * such. */
static bool identity_lanes(LLVMValueRef v) {
  if (!LLVMIsConstant(v)) return false;
  unsigned n = LLVMGetVectorSize(LLVMTypeOf(v));
  for (unsigned i = 0; i < n; i++) {
    LLVMValueRef e = LLVMGetAggregateElement(v, i);
    if (!e || !LLVMIsAConstantFP(e)) return true;
    LLVMBool loses;
    double d = LLVMConstRealGetDouble(e, &loses);
    if (d == 0.0 || d == 1.0 || d == -1.0) return true;
  }
  return false;
}

/* Sets the quiet bit of r's NaN lanes when an operand is such a constant: a folded x * 1.0
 * would return a signalling NaN unchanged, where wasm wants an arithmetic NaN. */
LLVMValueRef cg_simd_quiet_folded(cg_func_t *f, LLVMValueRef r, const LLVMValueRef *ops,
                                  unsigned n) {
  bool any = false;
  for (unsigned i = 0; i < n; i++) any = any || identity_lanes(ops[i]);
  if (!any) return r;
  cg_module_t *cm = f->cm;
  LLVMBuilderRef bd = cm->b;
  cg_shape_t s = LLVMGetVectorSize(LLVMTypeOf(r)) == 4 ? SH_F32 : SH_F64;
  LLVMValueRef nan = cg_simd_mask(f, LLVMBuildFCmp(bd, LLVMRealUNO, r, r, ""), s);
  LLVMValueRef qbit = cg_simd_const(cm, int_shape(s), s == SH_F32 ? 0x00400000u
                                                                   : 0x0008000000000000ull);
  LLVMValueRef q = LLVMBuildOr(bd, cg_simd_as(f, r, int_shape(s)),
                               LLVMBuildAnd(bd, nan, qbit, ""), "");
  return cg_simd_as(f, q, s);
}

static LLVMValueRef unary(cg_func_t *f, unsigned op, LLVMValueRef a) {
  const char *name;
  switch (op) {
  case OP_F32X4_NEG: case OP_F64X2_NEG: return LLVMBuildFNeg(f->cm->b, a, "");
  case OP_F32X4_ABS: case OP_F64X2_ABS: name = "llvm.fabs"; break;
  case OP_F32X4_SQRT: case OP_F64X2_SQRT: name = "llvm.sqrt"; break;
  case OP_F32X4_CEIL: case OP_F64X2_CEIL: name = "llvm.ceil"; break;
  case OP_F32X4_FLOOR: case OP_F64X2_FLOOR: name = "llvm.floor"; break;
  case OP_F32X4_TRUNC: case OP_F64X2_TRUNC: name = "llvm.trunc"; break;
  default: name = "llvm.roundeven"; break;   /* nearest: ties to even */
  }
  return cg_call_intrinsic(f, name, LLVMTypeOf(a), &a, 1);
}

static LLVMValueRef binary(cg_func_t *f, unsigned op, LLVMValueRef a, LLVMValueRef b,
                           cg_shape_t s) {
  LLVMBuilderRef bd = f->cm->b;
  switch (op) {
  case OP_F32X4_ADD: case OP_F64X2_ADD: return LLVMBuildFAdd(bd, a, b, "");
  case OP_F32X4_SUB: case OP_F64X2_SUB: return LLVMBuildFSub(bd, a, b, "");
  case OP_F32X4_MUL: case OP_F64X2_MUL: return LLVMBuildFMul(bd, a, b, "");
  case OP_F32X4_DIV: case OP_F64X2_DIV: return LLVMBuildFDiv(bd, a, b, "");
  case OP_F32X4_MIN: case OP_F64X2_MIN: return cg_simd_fmin_fmax(f, a, b, s, false);
  case OP_F32X4_MAX: case OP_F64X2_MAX: return cg_simd_fmin_fmax(f, a, b, s, true);
  case OP_F32X4_PMIN: case OP_F64X2_PMIN: return select_cmp(f, LLVMRealOLT, b, a);
  default: /* pmax: a < b ? b : a, which is b > a ? b : a */
    return select_cmp(f, LLVMRealOGT, b, a);
  }
}

static bool is_binary(unsigned op) {
  switch (op) {
  case OP_F32X4_ADD: case OP_F32X4_SUB: case OP_F32X4_MUL: case OP_F32X4_DIV:
  case OP_F32X4_MIN: case OP_F32X4_MAX: case OP_F32X4_PMIN: case OP_F32X4_PMAX:
  case OP_F64X2_ADD: case OP_F64X2_SUB: case OP_F64X2_MUL: case OP_F64X2_DIV:
  case OP_F64X2_MIN: case OP_F64X2_MAX: case OP_F64X2_PMIN: case OP_F64X2_PMAX:
    return true;
  default:
    return false;
  }
}

bool cg_emit_vfloat(cg_func_t *f, const ir_instr_t *in) {
  cg_shape_t s = cg_simd_shape_of(in->op);
  if (!is_binary(in->op)) return cg_simd_push(f, unary(f, in->op, cg_simd_pop(f, s)));
  LLVMValueRef b = cg_simd_pop(f, s), a = cg_simd_pop(f, s);
  LLVMValueRef r = binary(f, in->op, a, b, s);
  /* pmin and pmax are selects: they return an operand's bits, signalling or not. */
  if (in->op != OP_F32X4_PMIN && in->op != OP_F32X4_PMAX && in->op != OP_F64X2_PMIN &&
      in->op != OP_F64X2_PMAX) {
    LLVMValueRef ops[] = {a, b};
    r = cg_simd_quiet_folded(f, cg_simd_as(f, r, s), ops, 2);
  }
  return cg_simd_push(f, r);
}

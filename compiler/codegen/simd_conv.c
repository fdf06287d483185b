/* simd_conv.c - conversions between lane shapes: saturating narrow, extend, extmul,
 * extadd_pairwise, int <-> float conversion with saturating truncation, and f32 <-> f64
 * demote/promote. Saturating truncation and narrowing use x86's pack and cvtt instructions,
 * since LLVM scalarises the generic vector forms there. */
#include <string.h>

#include "simd.h"

static LLVMValueRef x86_call(cg_func_t *f, const char *name, LLVMValueRef a, LLVMValueRef b) {
  LLVMValueRef args[] = {a, b};
  return cg_simd_call(f, name, NULL, 0, args, b ? 2 : 1);
}

/* The concatenation of a and b (same type). */
static LLVMValueRef concat(cg_func_t *f, LLVMValueRef a, LLVMValueRef b) {
  unsigned n = LLVMGetVectorSize(LLVMTypeOf(a));
  int mask[16];
  for (unsigned i = 0; i < 2 * n; i++) mask[i] = (int)i;
  return cg_simd_shuffle(f, a, b, mask, 2 * n);
}

static LLVMValueRef with_zero_high(cg_func_t *f, LLVMValueRef lo) {
  return concat(f, lo, LLVMConstNull(LLVMTypeOf(lo)));
}

/* ---- narrow, extend, extmul, extadd ------------------------------------------------------- */

/* Signed lanes of a and b (shape s) narrowed to half width with signed or unsigned
 * saturation. */
static LLVMValueRef narrow(cg_func_t *f, LLVMValueRef a, LLVMValueRef b, cg_shape_t s, bool sign) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef bd = cm->b;
  if (cg_simd_has(cm, SIMD_X86) && (s == SH_I16 || sign || cg_simd_has(cm, SIMD_SSE41))) {
    static const char *const names[2][2] = {
        {"llvm.x86.sse2.packuswb.128", "llvm.x86.sse2.packsswb.128"},
        {"llvm.x86.sse41.packusdw", "llvm.x86.sse2.packssdw.128"}};
    return x86_call(f, names[s == SH_I32][sign], a, b);
  }
  LLVMTypeRef nt = cg_simd_lane_type(cm, (cg_shape_t)(s - 1));
  LLVMTypeRef ht = LLVMVectorType(nt, cg_simd_lanes(s));
  if (cg_simd_has(cm, SIMD_A64) && !sign) {   /* sqxtn is matched; sqxtun is not */
    LLVMValueRef lo = cg_call_intrinsic(f, "llvm.aarch64.neon.sqxtun", ht, &a, 1);
    return concat(f, lo, cg_call_intrinsic(f, "llvm.aarch64.neon.sqxtun", ht, &b, 1));
  }
  unsigned w = LLVMGetIntTypeWidth(nt), n = 2 * cg_simd_lanes(s);
  LLVMTypeRef wt = LLVMTypeOf(a);
  LLVMTypeRef lt = LLVMGetElementType(wt);
  int64_t lo = sign ? -(1ll << (w - 1)) : 0, hi = sign ? (1ll << (w - 1)) - 1 : (1ll << w) - 1;
  LLVMValueRef v = concat(f, a, b);
  v = cg_simd_call2(f, "llvm.smax", v, cg_simd_const_n(lt, (uint64_t)lo, n));
  v = cg_simd_call2(f, "llvm.smin", v, cg_simd_const_n(lt, (uint64_t)hi, n));
  return LLVMBuildTrunc(bd, v, LLVMVectorType(nt, n), "");
}

/* The low or high half of v's lanes, widened to twice the width. */
static LLVMValueRef extend(cg_func_t *f, LLVMValueRef v, bool high, bool sign) {
  LLVMBuilderRef bd = f->cm->b;
  LLVMTypeRef t = LLVMTypeOf(v);
  unsigned n = LLVMGetVectorSize(t) / 2;
  unsigned w = LLVMGetIntTypeWidth(LLVMGetElementType(t));
  LLVMTypeRef wt = LLVMVectorType(LLVMIntTypeInContext(f->cm->ctx, 2 * w), n);
  LLVMValueRef h = cg_simd_half(f, v, high ? n : 0, n);
  return sign ? LLVMBuildSExt(bd, h, wt, "") : LLVMBuildZExt(bd, h, wt, "");
}

LLVMValueRef cg_simd_extadd_pairwise(cg_func_t *f, LLVMValueRef v, cg_shape_t s, bool sign) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef bd = cm->b;
  LLVMTypeRef wt = cg_simd_type(cm, (cg_shape_t)(s + 1));
  if (cg_simd_has(cm, SIMD_A64)) {
    LLVMTypeRef tys[] = {wt, LLVMTypeOf(v)};
    return cg_simd_call(f, sign ? "llvm.aarch64.neon.saddlp" : "llvm.aarch64.neon.uaddlp",
                        tys, 2, &v, 1);
  }
  if (cg_simd_has(cm, SIMD_X86) && s == SH_I16) {
    /* pmaddwd with ones; unsigned: bias to signed and back (2 * 0x8000 per pair). */
    LLVMValueRef ones = cg_simd_const(cm, SH_I16, 1);
    if (sign) return x86_call(f, "llvm.x86.sse2.pmadd.wd", v, ones);
    v = LLVMBuildXor(bd, v, cg_simd_const(cm, SH_I16, 0x8000), "");
    LLVMValueRef r = x86_call(f, "llvm.x86.sse2.pmadd.wd", v, ones);
    return LLVMBuildAdd(bd, r, cg_simd_const(cm, SH_I32, 0x10000), "");
  }
  if (cg_simd_has(cm, SIMD_X86 | SIMD_SSSE3)) {
    /* pmaddubsw multiplies unsigned bytes of its first operand by signed bytes of its second;
     * with 1s on one side the pair sums cannot saturate. */
    LLVMValueRef ones = cg_simd_const(cm, SH_I8, 1);
    return sign ? x86_call(f, "llvm.x86.ssse3.pmadd.ub.sw.128", ones, v)
                : x86_call(f, "llvm.x86.ssse3.pmadd.ub.sw.128", v, ones);
  }
  LLVMValueRef e = cg_simd_evens(f, v, 0), o = cg_simd_evens(f, v, 1);
  e = sign ? LLVMBuildSExt(bd, e, wt, "") : LLVMBuildZExt(bd, e, wt, "");
  o = sign ? LLVMBuildSExt(bd, o, wt, "") : LLVMBuildZExt(bd, o, wt, "");
  return LLVMBuildAdd(bd, e, o, "");
}

/* ---- float -> int ------------------------------------------------------------------------- */

/* i32x4.trunc_sat_f32x4_s on x86: cvttps2dq gives 0x80000000 for NaN and out of range; fix
 * the positive overflow lanes to 0x7fffffff (xor with all ones) and the NaN lanes to 0. */
static LLVMValueRef x86_trunc_f32_s(cg_func_t *f, LLVMValueRef x) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef bd = cm->b;
  LLVMValueRef c = x86_call(f, "llvm.x86.sse2.cvttps2dq", x, NULL);
  LLVMValueRef two31 = cg_simd_const(cm, SH_F32, 0x4f000000);
  LLVMValueRef ovf = cg_simd_mask(f, LLVMBuildFCmp(bd, LLVMRealOGE, x, two31, ""), SH_F32);
  LLVMValueRef ord = cg_simd_mask(f, LLVMBuildFCmp(bd, LLVMRealORD, x, x, ""), SH_F32);
  return LLVMBuildAnd(bd, LLVMBuildXor(bd, c, ovf, ""), ord, "");
}

/* i32x4.trunc_sat_f32x4_u on x86: clamp below at 0 (NaN too), convert the part below 2^31
 * and the part above it separately (each a signed conversion), and add. */
static LLVMValueRef x86_trunc_f32_u(cg_func_t *f, LLVMValueRef x) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef bd = cm->b;
  LLVMValueRef zero = LLVMConstNull(LLVMTypeOf(x));
  LLVMValueRef two31 = cg_simd_const(cm, SH_F32, 0x4f000000);
  x = LLVMBuildSelect(bd, LLVMBuildFCmp(bd, LLVMRealOGT, x, zero, ""), x, zero, "");
  LLVMValueRef hi = LLVMBuildFSub(bd, x, two31, "");
  LLVMValueRef ovf = cg_simd_mask(f, LLVMBuildFCmp(bd, LLVMRealOGE, hi, two31, ""), SH_F32);
  LLVMValueRef t = LLVMBuildXor(bd, x86_call(f, "llvm.x86.sse2.cvttps2dq", hi, NULL), ovf, "");
  t = cg_simd_call2(f, "llvm.smax", t, LLVMConstNull(LLVMTypeOf(t)));
  return LLVMBuildAdd(bd, x86_call(f, "llvm.x86.sse2.cvttps2dq", x, NULL), t, "");
}

/* i32x4.trunc_sat_f64x2_s_zero on x86: min(x, INT32_MAX) with NaN lanes sent to 0, then
 * cvttpd2dq, whose out-of-range result 0x80000000 is the right saturation below. */
static LLVMValueRef x86_trunc_f64_s(cg_func_t *f, LLVMValueRef x) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef bd = cm->b;
  LLVMValueRef max = LLVMConstVector((LLVMValueRef[]){LLVMConstReal(cm->t_f64, 2147483647.0),
                                                      LLVMConstReal(cm->t_f64, 2147483647.0)},
                                     2);
  LLVMValueRef zero = LLVMConstNull(LLVMTypeOf(x));
  LLVMValueRef lim = LLVMBuildSelect(bd, LLVMBuildFCmp(bd, LLVMRealORD, x, x, ""), max, zero, "");
  x = LLVMBuildSelect(bd, LLVMBuildFCmp(bd, LLVMRealOLT, x, lim, ""), x, lim, "");
  return x86_call(f, "llvm.x86.sse2.cvttpd2dq", x, NULL);
}

/* i32x4.trunc_sat_f64x2_u_zero on x86 with SSE4.1: clamp to [0, UINT32_MAX] (NaN to 0),
 * truncate, and add 2^52 so that the integer is the low word of the double. */
static LLVMValueRef x86_trunc_f64_u(cg_func_t *f, LLVMValueRef x) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef bd = cm->b;
  LLVMValueRef zero = LLVMConstNull(LLVMTypeOf(x));
  LLVMValueRef max = cg_simd_const(cm, SH_F64, 0x41efffffffe00000ull);   /* 4294967295.0 */
  x = LLVMBuildSelect(bd, LLVMBuildFCmp(bd, LLVMRealOGT, x, zero, ""), x, zero, "");
  x = LLVMBuildSelect(bd, LLVMBuildFCmp(bd, LLVMRealOLT, x, max, ""), x, max, "");
  x = cg_call_intrinsic(f, "llvm.trunc", LLVMTypeOf(x), &x, 1);
  x = LLVMBuildFAdd(bd, x, cg_simd_const(cm, SH_F64, 0x4330000000000000ull), "");   /* 2^52 */
  LLVMValueRef w = cg_simd_as(f, x, SH_I32);
  int mask[] = {0, 2, 4, 6};
  return cg_simd_shuffle(f, w, LLVMConstNull(LLVMTypeOf(w)), mask, 4);
}

/* f64x2 -> two i32 lanes with saturation, then two zero lanes. NEON converts to i64
 * (fcvtzs/fcvtzu saturate and send NaN to 0) and narrows with saturation. */
static LLVMValueRef trunc_f64_zero(cg_func_t *f, LLVMValueRef x, bool sign) {
  cg_module_t *cm = f->cm;
  const char *name = sign ? "llvm.fptosi.sat" : "llvm.fptoui.sat";
  LLVMTypeRef t2 = LLVMVectorType(cm->t_i32, 2);
  if (cg_simd_has(cm, SIMD_A64)) {
    LLVMTypeRef tys[] = {cg_simd_type(cm, SH_I64), LLVMTypeOf(x)};
    LLVMValueRef w = cg_simd_call(f, name, tys, 2, &x, 1);
    w = cg_call_intrinsic(f, sign ? "llvm.aarch64.neon.sqxtn" : "llvm.aarch64.neon.uqxtn", t2,
                          &w, 1);
    return with_zero_high(f, w);
  }
  LLVMTypeRef tys[] = {t2, LLVMTypeOf(x)};
  return with_zero_high(f, cg_simd_call(f, name, tys, 2, &x, 1));
}

LLVMValueRef cg_simd_trunc_sat(cg_func_t *f, LLVMValueRef v, cg_shape_t from, bool sign) {
  cg_module_t *cm = f->cm;
  if (cg_simd_has(cm, SIMD_X86)) {
    if (from == SH_F32) return sign ? x86_trunc_f32_s(f, v) : x86_trunc_f32_u(f, v);
    if (sign) return x86_trunc_f64_s(f, v);
    if (cg_simd_has(cm, SIMD_SSE41)) return x86_trunc_f64_u(f, v);
  }
  if (from == SH_F64) return trunc_f64_zero(f, v, sign);
  LLVMTypeRef tys[] = {cg_simd_type(cm, SH_I32), LLVMTypeOf(v)};
  return cg_simd_call(f, sign ? "llvm.fptosi.sat" : "llvm.fptoui.sat", tys, 2, &v, 1);
}

/* ---- dispatch ----------------------------------------------------------------------------- */

static LLVMValueRef float_conv(cg_func_t *f, unsigned op) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef bd = cm->b;
  switch (op) {
  case OP_F32X4_DEMOTE_F64X2_ZERO: {
    LLVMValueRef d = cg_simd_pop(f, SH_F64);
    return with_zero_high(f, LLVMBuildFPTrunc(bd, d, LLVMVectorType(cm->t_f32, 2), ""));
  }
  case OP_F64X2_PROMOTE_LOW_F32X4:
    return LLVMBuildFPExt(bd, cg_simd_half(f, cg_simd_pop(f, SH_F32), 0, 2),
                          cg_simd_type(cm, SH_F64), "");
  case OP_F32X4_CONVERT_I32X4_S:
    return LLVMBuildSIToFP(bd, cg_simd_pop(f, SH_I32), cg_simd_type(cm, SH_F32), "");
  case OP_F32X4_CONVERT_I32X4_U:
    return LLVMBuildUIToFP(bd, cg_simd_pop(f, SH_I32), cg_simd_type(cm, SH_F32), "");
  case OP_F64X2_CONVERT_LOW_I32X4_S:
    return LLVMBuildSIToFP(bd, cg_simd_half(f, cg_simd_pop(f, SH_I32), 0, 2),
                           cg_simd_type(cm, SH_F64), "");
  case OP_F64X2_CONVERT_LOW_I32X4_U:
    return LLVMBuildUIToFP(bd, cg_simd_half(f, cg_simd_pop(f, SH_I32), 0, 2),
                           cg_simd_type(cm, SH_F64), "");
  case OP_I32X4_TRUNC_SAT_F32X4_S: case OP_I32X4_TRUNC_SAT_F32X4_U:
    return cg_simd_trunc_sat(f, cg_simd_pop(f, SH_F32), SH_F32,
                             op == OP_I32X4_TRUNC_SAT_F32X4_S);
  case OP_I32X4_TRUNC_SAT_F64X2_S_ZERO: case OP_I32X4_TRUNC_SAT_F64X2_U_ZERO:
    return cg_simd_trunc_sat(f, cg_simd_pop(f, SH_F64), SH_F64,
                             op == OP_I32X4_TRUNC_SAT_F64X2_S_ZERO);
  default:
    return NULL;
  }
}

/* Integer conversions; the result shape is the instruction's, the operand's is narrower
 * (extend, extmul, extadd) or wider (narrow). */
static LLVMValueRef int_conv(cg_func_t *f, unsigned op, const char *name) {
  cg_shape_t s = cg_simd_shape_of(op);
  cg_shape_t from = strstr(name, "narrow") ? (cg_shape_t)(s + 1) : (cg_shape_t)(s - 1);
  bool sign = name[strlen(name) - 1] == 's';
  bool high = strstr(name, "high") != NULL;
  if (strstr(name, "narrow")) {
    LLVMValueRef b = cg_simd_pop(f, from), a = cg_simd_pop(f, from);
    return narrow(f, a, b, from, sign);
  }
  if (strstr(name, "extadd")) return cg_simd_extadd_pairwise(f, cg_simd_pop(f, from), from, sign);
  if (strstr(name, "extend")) return extend(f, cg_simd_pop(f, from), high, sign);
  LLVMValueRef b = cg_simd_pop(f, from), a = cg_simd_pop(f, from);   /* extmul */
  return LLVMBuildMul(f->cm->b, extend(f, a, high, sign), extend(f, b, high, sign), "");
}

bool cg_emit_vconv(cg_func_t *f, const ir_instr_t *in) {
  const char *name = ir_ops[in->op].name;
  LLVMValueRef r = float_conv(f, in->op);
  if (!r && (strstr(name, "narrow") || strstr(name, "extend") || strstr(name, "extmul") ||
             strstr(name, "extadd")))
    r = int_conv(f, in->op, name);
  if (!r)
    return cg_fail(f->cm, SWASM_INTERNAL, f->index, in->offset,
                   "no SIMD conversion emitter for %s", name);
  return cg_simd_push(f, r);
}

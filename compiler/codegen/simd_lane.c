/* simd_lane.c - moving lanes around: i8x16.shuffle (a constant shufflevector), swizzle
 * (a variable byte permute with wasm's out-of-range-is-zero rule), splats, and lane extract
 * and replace. */
#include "simd.h"

/* Lane by lane, for targets without a byte permute instruction: a[s[i]] or 0. */
static LLVMValueRef swizzle_generic(cg_func_t *f, LLVMValueRef a, LLVMValueRef s) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  LLVMValueRef r = LLVMConstNull(LLVMTypeOf(a));
  LLVMValueRef fifteen = LLVMConstInt(cm->t_i8, 15, false);
  LLVMValueRef sixteen = LLVMConstInt(cm->t_i8, 16, false);
  LLVMValueRef zero = LLVMConstInt(cm->t_i8, 0, false);
  for (unsigned i = 0; i < 16; i++) {
    LLVMValueRef idx = LLVMBuildExtractElement(b, s, cg_i32(cm, i), "");
    LLVMValueRef x = LLVMBuildExtractElement(b, a, LLVMBuildAnd(b, idx, fifteen, ""), "");
    LLVMValueRef in = LLVMBuildICmp(b, LLVMIntULT, idx, sixteen, "");
    r = LLVMBuildInsertElement(b, r, LLVMBuildSelect(b, in, x, zero, ""), cg_i32(cm, i), "");
  }
  return r;
}

/* a and s are <16 x i8>. pshufb zeroes a lane whose index has bit 7 set and otherwise uses
 * the low four bits: adding 0x70 with unsigned saturation keeps 0..15 in range (0x70..0x7f)
 * and pushes every index >= 16 to 0x80 or more. NEON's tbl already gives 0 for >= 16. The
 * relaxed form may return a[s & 15] for 16..127, so it skips the adjustment. */
LLVMValueRef cg_simd_swizzle(cg_func_t *f, LLVMValueRef a, LLVMValueRef s, bool relaxed) {
  cg_module_t *cm = f->cm;
  LLVMValueRef args[] = {a, s};
  if (cg_simd_has(cm, SIMD_A64)) {
    LLVMTypeRef t = LLVMTypeOf(a);
    return cg_simd_call(f, "llvm.aarch64.neon.tbl1", &t, 1, args, 2);
  }
  if (!cg_simd_has(cm, SIMD_X86 | SIMD_SSSE3)) return swizzle_generic(f, a, s);
  if (!relaxed) args[1] = cg_simd_call2(f, "llvm.uadd.sat", s, cg_simd_const(cm, SH_I8, 0x70));
  return cg_simd_call(f, "llvm.x86.ssse3.pshuf.b.128", NULL, 0, args, 2);
}

static bool shuffle(cg_func_t *f, const ir_instr_t *in) {
  LLVMValueRef b = cg_simd_pop(f, SH_I8), a = cg_simd_pop(f, SH_I8);
  int mask[16];
  for (unsigned i = 0; i < 16; i++) {
    if (in->u.v128[i] >= 32)
      return cg_fail(f->cm, SWASM_INVALID, f->index, in->offset, "shuffle lane index %u >= 32",
                     in->u.v128[i]);
    mask[i] = in->u.v128[i];
  }
  return cg_simd_push(f, cg_simd_shuffle(f, a, b, mask, 16));
}

static bool splat(cg_func_t *f, cg_shape_t s) {
  cg_module_t *cm = f->cm;
  LLVMValueRef x = cg_pop(f);
  if (s == SH_I8 || s == SH_I16) x = LLVMBuildTrunc(cm->b, x, cg_simd_lane_type(cm, s), "");
  return cg_simd_push(f, cg_simd_splat(f, x, cg_simd_lanes(s)));
}

/* extract (ext: 0 none, 1 sign, 2 zero) or replace lane in->u.lane of shape s. */
static bool extract(cg_func_t *f, const ir_instr_t *in, cg_shape_t s, int ext) {
  cg_module_t *cm = f->cm;
  LLVMValueRef v = cg_simd_pop(f, s);
  LLVMValueRef x = LLVMBuildExtractElement(cm->b, v, cg_i32(cm, in->u.lane), "");
  if (ext == 1) x = LLVMBuildSExt(cm->b, x, cm->t_i32, "");
  if (ext == 2) x = LLVMBuildZExt(cm->b, x, cm->t_i32, "");
  return cg_push(f, x);
}

static bool replace(cg_func_t *f, const ir_instr_t *in, cg_shape_t s) {
  cg_module_t *cm = f->cm;
  LLVMValueRef x = cg_pop(f);
  LLVMValueRef v = cg_simd_pop(f, s);
  if (s == SH_I8 || s == SH_I16) x = LLVMBuildTrunc(cm->b, x, cg_simd_lane_type(cm, s), "");
  return cg_simd_push(f, LLVMBuildInsertElement(cm->b, v, x, cg_i32(cm, in->u.lane), ""));
}

bool cg_emit_vlane(cg_func_t *f, const ir_instr_t *in) {
  switch (in->op) {
  case OP_I8X16_SHUFFLE: return shuffle(f, in);
  case OP_I8X16_SWIZZLE: {
    LLVMValueRef s = cg_simd_pop(f, SH_I8), a = cg_simd_pop(f, SH_I8);
    return cg_simd_push(f, cg_simd_swizzle(f, a, s, false));
  }
  case OP_I8X16_SPLAT: case OP_I16X8_SPLAT: case OP_I32X4_SPLAT: case OP_I64X2_SPLAT:
  case OP_F32X4_SPLAT: case OP_F64X2_SPLAT:
    return splat(f, (cg_shape_t)(in->op - OP_I8X16_SPLAT));
  case OP_I8X16_EXTRACT_LANE_S: return extract(f, in, SH_I8, 1);
  case OP_I8X16_EXTRACT_LANE_U: return extract(f, in, SH_I8, 2);
  case OP_I16X8_EXTRACT_LANE_S: return extract(f, in, SH_I16, 1);
  case OP_I16X8_EXTRACT_LANE_U: return extract(f, in, SH_I16, 2);
  case OP_I32X4_EXTRACT_LANE: return extract(f, in, SH_I32, 0);
  case OP_I64X2_EXTRACT_LANE: return extract(f, in, SH_I64, 0);
  case OP_F32X4_EXTRACT_LANE: return extract(f, in, SH_F32, 0);
  case OP_F64X2_EXTRACT_LANE: return extract(f, in, SH_F64, 0);
  case OP_I8X16_REPLACE_LANE: return replace(f, in, SH_I8);
  case OP_I16X8_REPLACE_LANE: return replace(f, in, SH_I16);
  case OP_I32X4_REPLACE_LANE: return replace(f, in, SH_I32);
  case OP_I64X2_REPLACE_LANE: return replace(f, in, SH_I64);
  case OP_F32X4_REPLACE_LANE: return replace(f, in, SH_F32);
  case OP_F64X2_REPLACE_LANE: return replace(f, in, SH_F64);
  default:
    return cg_fail(f->cm, SWASM_INTERNAL, f->index, in->offset, "no SIMD lane emitter for %s",
                   ir_ops[in->op].name);
  }
}

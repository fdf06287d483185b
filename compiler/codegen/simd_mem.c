/* simd_mem.c - v128 loads and stores: whole vectors, the extending loads, splat and zero
 * loads, and the single-lane loads and stores. Every access goes through the scalar bounds
 * logic (cg_mem_address) with its exact width, so guard pages and explicit checks trap the same
 * way as for scalar accesses. */
#include "simd.h"

/* An unaligned load of type t from addr + offset (addr popped). */
static LLVMValueRef load_at(cg_func_t *f, const ir_instr_t *in, LLVMTypeRef t, unsigned n) {
  LLVMValueRef p = cg_mem_address(f, in->u.memarg.mem, cg_pop(f), in->u.memarg.offset, n);
  LLVMValueRef v = cg_tbaa(f->cm, LLVMBuildLoad2(f->cm->b, t, p, ""), TBAA_MEMORY);
  LLVMSetAlignment(v, 1);
  return v;
}

static void store_at(cg_func_t *f, const ir_instr_t *in, LLVMValueRef v, unsigned n) {
  LLVMValueRef p = cg_mem_address(f, in->u.memarg.mem, cg_pop(f), in->u.memarg.offset, n);
  LLVMSetAlignment(cg_tbaa(f->cm, LLVMBuildStore(f->cm->b, v, p), TBAA_MEMORY), 1);
}

/* The integer lane shape whose lanes are n bytes wide. */
static cg_shape_t shape_of_width(unsigned n) {
  return n == 1 ? SH_I8 : n == 2 ? SH_I16 : n == 4 ? SH_I32 : SH_I64;
}

/* v128.loadMxN_s/u: 8 bytes widened lane by lane. */
static bool load_extend(cg_func_t *f, const ir_instr_t *in) {
  cg_module_t *cm = f->cm;
  unsigned k = in->op - OP_V128_LOAD8X8_S;   /* 8x8_s, 8x8_u, 16x4_s, ... */
  cg_shape_t narrow = (cg_shape_t)(SH_I8 + k / 2);
  bool sign = k % 2 == 0;
  unsigned n = cg_simd_lanes(narrow) / 2;
  LLVMTypeRef nt = LLVMVectorType(cg_simd_lane_type(cm, narrow), n);
  LLVMValueRef v = load_at(f, in, nt, 8);
  LLVMTypeRef wt = cg_simd_type(cm, (cg_shape_t)(narrow + 1));
  v = sign ? LLVMBuildSExt(cm->b, v, wt, "") : LLVMBuildZExt(cm->b, v, wt, "");
  return cg_simd_push(f, v);
}

static bool load_splat(cg_func_t *f, const ir_instr_t *in, unsigned n) {
  cg_shape_t s = shape_of_width(n);
  LLVMValueRef x = load_at(f, in, cg_simd_lane_type(f->cm, s), n);
  return cg_simd_push(f, cg_simd_splat(f, x, cg_simd_lanes(s)));
}

static bool load_zero(cg_func_t *f, const ir_instr_t *in, unsigned n) {
  cg_module_t *cm = f->cm;
  cg_shape_t s = shape_of_width(n);
  LLVMValueRef x = load_at(f, in, cg_simd_lane_type(cm, s), n);
  LLVMValueRef zero = LLVMConstNull(cg_simd_type(cm, s));
  return cg_simd_push(f, LLVMBuildInsertElement(cm->b, zero, x, cg_i32(cm, 0), ""));
}

static bool load_lane(cg_func_t *f, const ir_instr_t *in, unsigned n) {
  cg_module_t *cm = f->cm;
  cg_shape_t s = shape_of_width(n);
  LLVMValueRef v = cg_simd_pop(f, s);
  LLVMValueRef x = load_at(f, in, cg_simd_lane_type(cm, s), n);
  LLVMValueRef lane = cg_i32(cm, in->u.memarg.lane);
  return cg_simd_push(f, LLVMBuildInsertElement(cm->b, v, x, lane, ""));
}

static bool store_lane(cg_func_t *f, const ir_instr_t *in, unsigned n) {
  cg_module_t *cm = f->cm;
  cg_shape_t s = shape_of_width(n);
  LLVMValueRef v = cg_simd_pop(f, s);
  LLVMValueRef x = LLVMBuildExtractElement(cm->b, v, cg_i32(cm, in->u.memarg.lane), "");
  store_at(f, in, x, n);
  return true;
}

bool cg_emit_vmem(cg_func_t *f, const ir_instr_t *in) {
  unsigned n = ir_ops[in->op].n;
  switch (in->op) {
  case OP_V128_LOAD:
    return cg_push(f, load_at(f, in, f->cm->t_v128, 16));
  case OP_V128_STORE:
    store_at(f, in, cg_pop(f), 16);
    return true;
  case OP_V128_LOAD8X8_S: case OP_V128_LOAD8X8_U: case OP_V128_LOAD16X4_S:
  case OP_V128_LOAD16X4_U: case OP_V128_LOAD32X2_S: case OP_V128_LOAD32X2_U:
    return load_extend(f, in);
  case OP_V128_LOAD8_SPLAT: case OP_V128_LOAD16_SPLAT: case OP_V128_LOAD32_SPLAT:
  case OP_V128_LOAD64_SPLAT:
    return load_splat(f, in, n);
  case OP_V128_LOAD32_ZERO: case OP_V128_LOAD64_ZERO:
    return load_zero(f, in, n);
  case OP_V128_LOAD8_LANE: case OP_V128_LOAD16_LANE: case OP_V128_LOAD32_LANE:
  case OP_V128_LOAD64_LANE:
    return load_lane(f, in, n);
  case OP_V128_STORE8_LANE: case OP_V128_STORE16_LANE: case OP_V128_STORE32_LANE:
  case OP_V128_STORE64_LANE:
    return store_lane(f, in, n);
  default:
    return cg_fail(f->cm, SWASM_INTERNAL, f->index, in->offset, "no SIMD memory emitter for %s",
                   ir_ops[in->op].name);
  }
}

/* memory.c - loads, stores and the memory instructions. An address is base + zext(i32) +
 * offset computed in 64 bits (addr.c); with guard pages no check is needed (any such address
 * lands in the 8 GiB reservation), with explicit bounds it is compared with the current size.
 * memory.copy and memory.fill are checked and done inline. */
#include "cg.h"

LLVMValueRef cg_memory_ptr(cg_func_t *f, uint32_t mem) { return cg_memory_base(f, mem); }

static LLVMValueRef memory_size(cg_func_t *f, uint32_t mem) {
  return cg_load_field(f, f->cm->t_memory, cg_memory_struct(f, mem), MEMORY_SIZE, false, "size");
}

/* The address of n bytes at addr + offset, trapping when out of bounds in explicit mode. */
static LLVMValueRef address(cg_func_t *f, uint32_t mem, LLVMValueRef addr, uint64_t offset,
                            unsigned n) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  LLVMValueRef base;
  LLVMValueRef ea = cg_addr_ea(f, mem, addr, offset, n, &base);
  if (cm->opts->bounds == SWASM_BOUNDS_EXPLICIT) {
    LLVMValueRef last = LLVMBuildNUWAdd(b, ea, cg_i64(cm, n), "");
    LLVMValueRef oob = LLVMBuildICmp(b, LLVMIntUGT, last, memory_size(f, mem), "");
    cg_trap_if(f, oob, SWASM_TRAP_MEMORY_OOB);
  }
  return LLVMBuildInBoundsGEP2(b, cm->t_i8, base, &ea, 1, "");
}

LLVMValueRef cg_mem_address(cg_func_t *f, uint32_t mem, LLVMValueRef addr, uint64_t offset,
                            unsigned n) {
  return address(f, mem, addr, offset, n);
}

static bool is_signed_load(uint16_t op) {
  return op == OP_I32_LOAD8_S || op == OP_I32_LOAD16_S || op == OP_I64_LOAD8_S ||
         op == OP_I64_LOAD16_S || op == OP_I64_LOAD32_S;
}

bool cg_emit_load(cg_func_t *f, const ir_instr_t *in) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  const ir_opinfo_t *info = &ir_ops[in->op];
  LLVMTypeRef rt = cg_valtype(cm, info->result);
  LLVMValueRef p = address(f, in->u.memarg.mem, cg_pop(f), in->u.memarg.offset, info->n);
  bool narrow = LLVMGetTypeKind(rt) == LLVMIntegerTypeKind &&
                LLVMGetIntTypeWidth(rt) != info->n * 8u;
  LLVMTypeRef lt = narrow ? LLVMIntTypeInContext(cm->ctx, info->n * 8u) : rt;
  LLVMValueRef v = cg_tbaa(cm, LLVMBuildLoad2(b, lt, p, ""), TBAA_MEMORY);
  LLVMSetAlignment(v, 1);
  if (narrow)
    v = is_signed_load(in->op) ? LLVMBuildSExt(b, v, rt, "") : LLVMBuildZExt(b, v, rt, "");
  return cg_push(f, v);
}

bool cg_emit_store(cg_func_t *f, const ir_instr_t *in) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  const ir_opinfo_t *info = &ir_ops[in->op];
  LLVMValueRef v = cg_pop(f);
  LLVMValueRef p = address(f, in->u.memarg.mem, cg_pop(f), in->u.memarg.offset, info->n);
  LLVMTypeRef vt = LLVMTypeOf(v);
  if (LLVMGetTypeKind(vt) == LLVMIntegerTypeKind && LLVMGetIntTypeWidth(vt) != info->n * 8u)
    v = LLVMBuildTrunc(b, v, LLVMIntTypeInContext(cm->ctx, info->n * 8u), "");
  LLVMSetAlignment(cg_tbaa(cm, LLVMBuildStore(b, v, p), TBAA_MEMORY), 1);
  return true;
}

/* memory.copy and memory.fill, inline: both ranges are checked before any byte moves (the
 * instruction traps without writing anything when one is out of bounds, so the guard pages
 * cannot do it), then LLVM's memmove or memset runs on them. A constant small length becomes a
 * few loads and stores; a large one a call to libc. d and n are zero-extended i32 values, so
 * d + n cannot wrap in 64 bits.
 *
 * The pointer to n bytes at d in memory mem. With oob NULL the check is built here; otherwise
 * it is or-ed into *oob, and the second call of a pair builds the check of both. */
static LLVMValueRef bulk_range(cg_func_t *f, uint32_t mem, LLVMValueRef d, LLVMValueRef n,
                               LLVMValueRef *oob) {
  LLVMBuilderRef b = f->cm->b;
  LLVMValueRef past = LLVMBuildICmp(b, LLVMIntUGT, LLVMBuildNUWAdd(b, d, n, ""),
                                    memory_size(f, mem), "");
  if (oob && !*oob)
    *oob = past;
  else
    cg_trap_if(f, oob ? LLVMBuildOr(b, *oob, past, "") : past, SWASM_TRAP_MEMORY_OOB);
  return LLVMBuildInBoundsGEP2(b, f->cm->t_i8, cg_memory_base(f, mem), &d, 1, "");
}

/* Calls llvm.memmove or llvm.memset with args[0..2] and a false is-volatile flag. */
static void bulk_call(cg_func_t *f, const char *name, LLVMTypeRef *tys, unsigned ntys,
                      LLVMValueRef args[4]) {
  LLVMTypeRef fnty;
  LLVMValueRef fn = cg_intrinsic(f->cm, name, tys, ntys, &fnty);
  args[3] = LLVMConstInt(LLVMInt1TypeInContext(f->cm->ctx), 0, false);
  LLVMBuildCall2(f->cm->b, fnty, fn, args, 4, "");
}

bool cg_emit_memory(cg_func_t *f, const ir_instr_t *in) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  LLVMTypeRef i64 = cm->t_i64;
  switch (in->op) {
  case OP_MEMORY_SIZE: {
    LLVMValueRef pages = LLVMBuildLShr(b, memory_size(f, in->u.idx), cg_i64(cm, 16), "");
    return cg_push(f, LLVMBuildTrunc(b, pages, cm->t_i32, ""));
  }
  case OP_MEMORY_GROW: {
    LLVMValueRef args[] = {f->vmctx, cg_i32(cm, in->u.idx), cg_pop(f)};
    return cg_push(f, cg_call_rt(f, RT_MEMORY_GROW, args, 3));
  }
  case OP_MEMORY_FILL: {
    LLVMValueRef n = LLVMBuildZExt(b, cg_pop(f), i64, ""), val = cg_pop(f);
    LLVMValueRef d = LLVMBuildZExt(b, cg_pop(f), i64, "");
    LLVMValueRef dp = bulk_range(f, in->u.idx, d, n, NULL);
    LLVMValueRef args[4] = {dp, LLVMBuildTrunc(b, val, LLVMInt8TypeInContext(cm->ctx), ""), n};
    LLVMTypeRef tys[] = {cm->t_ptr, i64};
    bulk_call(f, "llvm.memset", tys, 2, args);
    return true;
  }
  case OP_MEMORY_COPY: {
    LLVMValueRef n = LLVMBuildZExt(b, cg_pop(f), i64, "");
    LLVMValueRef s = LLVMBuildZExt(b, cg_pop(f), i64, "");
    LLVMValueRef d = LLVMBuildZExt(b, cg_pop(f), i64, "");
    LLVMValueRef oob = NULL;
    LLVMValueRef sp = bulk_range(f, in->u.pair.b, s, n, &oob);
    LLVMValueRef dp = bulk_range(f, in->u.pair.a, d, n, &oob);
    LLVMValueRef args[4] = {dp, sp, n};
    LLVMTypeRef tys[] = {cm->t_ptr, cm->t_ptr, i64};
    bulk_call(f, "llvm.memmove", tys, 3, args);
    return true;
  }
  case OP_MEMORY_INIT: {
    LLVMValueRef n = cg_pop(f), s = cg_pop(f), d = cg_pop(f);
    LLVMValueRef args[] = {f->vmctx, cg_i32(cm, in->u.pair.b), cg_i32(cm, in->u.pair.a),
                           LLVMBuildZExt(b, d, i64, ""), s, n};
    cg_call_rt(f, RT_MEMORY_INIT, args, 6);
    return true;
  }
  case OP_DATA_DROP: {
    LLVMValueRef args[] = {f->vmctx, cg_i32(cm, in->u.idx)};
    cg_call_rt(f, RT_DATA_DROP, args, 2);
    return true;
  }
  default:
    return cg_fail(cm, SWASM_INTERNAL, f->index, in->offset, "no memory emitter for %s",
                   ir_ops[in->op].name);
  }
}

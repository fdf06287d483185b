/* variable.c - locals (allocas that mem2reg promotes, their values forwarded within
 * straight-line code by addr.c), globals (16-byte cells reached through vmctx->globals) and the
 * parametric instructions drop and select. */
#include "cg.h"

bool cg_emit_var(cg_func_t *f, const ir_instr_t *in) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  uint32_t i = in->u.idx;
  switch (in->op) {
  case OP_LOCAL_GET:
    return cg_push(f, cg_local_get(f, i));
  case OP_LOCAL_SET:
    cg_local_set(f, i, cg_pop(f));
    return true;
  case OP_LOCAL_TEE:
    cg_local_set(f, i, cg_peek(f, 0));
    return true;
  case OP_GLOBAL_GET: {
    LLVMTypeRef t = cg_valtype(cm, cm->m->globals[i].type);
    LLVMValueRef v = cg_tbaa(cm, LLVMBuildLoad2(b, t, cg_global_cell(f, i), ""), TBAA_GLOBAL);
    LLVMSetAlignment(v, 8);
    return cg_push(f, v);
  }
  case OP_GLOBAL_SET: {
    LLVMValueRef v = cg_pop(f);
    LLVMSetAlignment(cg_tbaa(cm, LLVMBuildStore(b, v, cg_global_cell(f, i)), TBAA_GLOBAL), 8);
    return true;
  }
  default:
    return cg_fail(cm, SWASM_INTERNAL, f->index, in->offset, "no variable emitter for %s",
                   ir_ops[in->op].name);
  }
}

/* A load from linear memory must trap when out of bounds even if its value is dropped, but
 * LLVM deletes unused loads: with guard pages the fault is the only check, so a load whose
 * value is discarded (directly or through a few unused operations) is made volatile. */
static void keep_loads(LLVMValueRef v, int depth) {
  if (!LLVMIsAInstruction(v) || (depth == 0 && LLVMGetFirstUse(v)) || depth > 3) return;
  if (LLVMIsALoadInst(v)) {
    if (!LLVMIsAAllocaInst(LLVMGetOperand(v, 0))) LLVMSetVolatile(v, true);
    return;
  }
  if (LLVMIsACallInst(v)) return;
  int n = LLVMGetNumOperands(v);
  for (int i = 0; i < n; i++) keep_loads(LLVMGetOperand(v, i), depth + 1);
}

bool cg_emit_param(cg_func_t *f, const ir_instr_t *in) {
  if (in->op == OP_DROP) {
    if (f->cm->opts->bounds == SWASM_BOUNDS_GUARD) keep_loads(cg_pop(f), 0);
    else cg_pop(f);
    return true;
  }
  LLVMValueRef c = cg_cond(f, cg_pop(f));
  LLVMValueRef v2 = cg_pop(f);
  LLVMValueRef v1 = cg_pop(f);
  return cg_push(f, LLVMBuildSelect(f->cm->b, c, v1, v2, ""));
}

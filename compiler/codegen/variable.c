/* variable.c - locals (allocas that mem2reg promotes), globals (16-byte cells reached through
 * vmctx->globals) and the parametric instructions drop and select. */
#include "cg.h"

static LLVMValueRef global_cell(cg_func_t *f, uint32_t index) {
  LLVMValueRef globals = cg_vmctx_field(f, VMCTX_GLOBALS, "globals");
  return cg_load_ptr_elem(f, globals, index, true, "cell");
}

bool cg_emit_var(cg_func_t *f, const ir_instr_t *in) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  uint32_t i = in->u.idx;
  switch (in->op) {
  case OP_LOCAL_GET:
    return cg_push(f, LLVMBuildLoad2(b, cg_valtype(cm, f->local_types[i]), f->locals[i], ""));
  case OP_LOCAL_SET:
    LLVMBuildStore(b, cg_pop(f), f->locals[i]);
    return true;
  case OP_LOCAL_TEE:
    LLVMBuildStore(b, cg_peek(f, 0), f->locals[i]);
    return true;
  case OP_GLOBAL_GET: {
    LLVMTypeRef t = cg_valtype(cm, cm->m->globals[i].type);
    LLVMValueRef v = LLVMBuildLoad2(b, t, global_cell(f, i), "");
    LLVMSetAlignment(v, 8);
    return cg_push(f, v);
  }
  case OP_GLOBAL_SET: {
    LLVMValueRef v = cg_pop(f);
    LLVMSetAlignment(LLVMBuildStore(b, v, global_cell(f, i)), 8);
    return true;
  }
  default:
    return cg_fail(cm, SWASM_INTERNAL, f->index, in->offset, "no variable emitter for %s",
                   ir_ops[in->op].name);
  }
}

bool cg_emit_param(cg_func_t *f, const ir_instr_t *in) {
  if (in->op == OP_DROP) {
    cg_pop(f);
    return true;
  }
  LLVMValueRef c = cg_cond(f, cg_pop(f));
  LLVMValueRef v2 = cg_pop(f);
  LLVMValueRef v1 = cg_pop(f);
  return cg_push(f, LLVMBuildSelect(f->cm->b, c, v1, v2, ""));
}

/* ref.c - reference instructions: a null reference is a null pointer and a function
 * reference is the address of the function's swasm_funcref_t in vmctx->funcs. */
#include "cg.h"

bool cg_emit_ref(cg_func_t *f, const ir_instr_t *in) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  switch (in->op) {
  case OP_REF_NULL:
    return cg_push(f, LLVMConstNull(cm->t_ptr));
  case OP_REF_IS_NULL:
    return cg_push(f, LLVMBuildZExt(b, LLVMBuildIsNull(b, cg_pop(f), ""), cm->t_i32, ""));
  case OP_REF_FUNC: {
    LLVMValueRef funcs = cg_vmctx_field(f, VMCTX_FUNCS, "funcs");
    return cg_push(f, cg_array_elem_ptr(f, cm->t_funcref, funcs, cg_i64(cm, in->u.idx)));
  }
  default:
    return cg_fail(cm, SWASM_INTERNAL, f->index, in->offset, "no reference emitter for %s",
                   ir_ops[in->op].name);
  }
}

/* call.c - direct calls, calls of imported functions through their funcref, and call_indirect
 * with its three checks (index in the table, element not null, type matches). */
#include "cg.h"

void cg_push_results(cg_func_t *f, uint32_t n, LLVMValueRef ret) {
  if (n == 1) {
    cg_push(f, ret);
    return;
  }
  for (uint32_t i = 0; i < n; i++)
    cg_push(f, LLVMBuildExtractValue(f->cm->b, ret, i, ""));
}

bool cg_call_code(cg_func_t *f, const swasm_functype_t *ft, LLVMTypeRef fnty, LLVMValueRef code,
                  LLVMValueRef ctx) {
  uint32_t np = ft->nparams;
  LLVMValueRef args[np + 1];
  args[0] = ctx;
  for (uint32_t i = 0; i < np; i++) args[i + 1] = f->stack[f->sp - np + i];
  f->sp -= np;
  LLVMValueRef ret = LLVMBuildCall2(f->cm->b, fnty, code, args, np + 1, "");
  /* Recursion must reach the callee's stack check: neither tail recursion elimination nor
   * sibling calls may turn runaway recursion into a loop. */
  LLVMSetTailCallKind(ret, LLVMTailCallKindNoTail);
  cg_push_results(f, ft->nresults, ret);
  return true;
}

/* An imported function's funcref holds its code and its own context (another instance's vmctx
 * or a host function); both are fixed at instantiation. */
static bool call_import(cg_func_t *f, uint32_t index) {
  cg_module_t *cm = f->cm;
  const swasm_module_t *m = cm->m;
  uint32_t type = m->funcs[index].type;
  LLVMValueRef funcs = cg_vmctx_field(f, VMCTX_FUNCS, "funcs");
  LLVMValueRef ref = cg_array_elem_ptr(f, cm->t_funcref, funcs, cg_i64(cm, index));
  LLVMValueRef code = cg_load_field(f, cm->t_funcref, ref, FUNCREF_CODE, true, "code");
  LLVMValueRef ctx = cg_load_field(f, cm->t_funcref, ref, FUNCREF_CTX, true, "ctx");
  return cg_call_code(f, &m->types[type], cm->functys[type], code, ctx);
}

static bool call_indirect(cg_func_t *f, uint32_t type, uint32_t table) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  LLVMValueRef index = cg_pop(f);
  LLVMValueRef t = cg_table_struct(f, table);
  LLVMValueRef size = cg_load_field(f, cm->t_table, t, TABLE_SIZE, false, "size");
  cg_trap_if(f, LLVMBuildICmp(b, LLVMIntUGE, index, size, ""), SWASM_TRAP_UNDEFINED_ELEMENT);
  LLVMValueRef elems = cg_load_field(f, cm->t_table, t, TABLE_ELEMS, false, "elems");
  LLVMValueRef slot = cg_array_elem_ptr(f, cm->t_ptr, elems, LLVMBuildZExt(b, index, cm->t_i64, ""));
  LLVMValueRef ref = cg_tbaa(cm, LLVMBuildLoad2(b, cm->t_ptr, slot, "ref"), TBAA_TABLE);
  cg_trap_if(f, LLVMBuildIsNull(b, ref, ""), SWASM_TRAP_UNINITIALIZED);
  LLVMValueRef type_ids = cg_vmctx_field(f, VMCTX_TYPE_IDS, "type_ids");
  LLVMValueRef want_p = cg_array_elem_ptr(f, cm->t_i32, type_ids, cg_i64(cm, type));
  LLVMValueRef want = cg_tbaa(cm, LLVMBuildLoad2(b, cm->t_i32, want_p, "want"), TBAA_RUNTIME);
  cg_set_invariant(cm, want);
  LLVMValueRef have = cg_load_field(f, cm->t_funcref, ref, FUNCREF_TYPE_ID, false, "type_id");
  cg_trap_if(f, LLVMBuildICmp(b, LLVMIntNE, have, want, ""), SWASM_TRAP_INDIRECT_TYPE);
  LLVMValueRef code = cg_load_field(f, cm->t_funcref, ref, FUNCREF_CODE, false, "code");
  LLVMValueRef ctx = cg_load_field(f, cm->t_funcref, ref, FUNCREF_CTX, false, "ctx");
  return cg_call_code(f, &cm->m->types[type], cm->functys[type], code, ctx);
}

bool cg_emit_call(cg_func_t *f, const ir_instr_t *in) {
  cg_module_t *cm = f->cm;
  const swasm_module_t *m = cm->m;
  f->has_calls = true;
  if (in->op == OP_CALL_INDIRECT)
    return call_indirect(f, in->u.call_indirect.type, in->u.call_indirect.table);
  uint32_t index = in->u.idx;
  if (index < m->nimported_funcs) return call_import(f, index);
  uint32_t type = m->funcs[index].type;
  return cg_call_code(f, &m->types[type], cm->functys[type],
                      cm->funcs[index - m->nimported_funcs], f->vmctx);
}

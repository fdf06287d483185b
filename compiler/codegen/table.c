/* table.c - table instructions: get, set and size inline (elems is reloaded every time since
 * a table may grow), the rest through swasm_rt_* calls. */
#include "cg.h"

/* The slot of element index (i32) of table t, trapping when out of bounds. */
static LLVMValueRef elem_slot(cg_func_t *f, uint32_t table, LLVMValueRef index) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  LLVMValueRef t = cg_table_struct(f, table);
  LLVMValueRef size = cg_load_field(f, cm->t_table, t, TABLE_SIZE, false, "size");
  cg_trap_if(f, LLVMBuildICmp(b, LLVMIntUGE, index, size, ""), SWASM_TRAP_TABLE_OOB);
  LLVMValueRef elems = cg_load_field(f, cm->t_table, t, TABLE_ELEMS, false, "elems");
  return cg_array_elem_ptr(f, cm->t_ptr, elems, LLVMBuildZExt(b, index, cm->t_i64, ""));
}

bool cg_emit_table(cg_func_t *f, const ir_instr_t *in) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  switch (in->op) {
  case OP_TABLE_GET: {
    LLVMValueRef slot = elem_slot(f, in->u.idx, cg_pop(f));
    return cg_push(f, cg_tbaa(cm, LLVMBuildLoad2(b, cm->t_ptr, slot, ""), TBAA_TABLE));
  }
  case OP_TABLE_SET: {
    LLVMValueRef v = cg_pop(f);
    cg_tbaa(cm, LLVMBuildStore(b, v, elem_slot(f, in->u.idx, cg_pop(f))), TBAA_TABLE);
    return true;
  }
  case OP_TABLE_SIZE:
    return cg_push(f, cg_load_field(f, cm->t_table, cg_table_struct(f, in->u.idx), TABLE_SIZE,
                                    false, "size"));
  case OP_TABLE_GROW: {
    LLVMValueRef n = cg_pop(f), init = cg_pop(f);
    LLVMValueRef args[] = {f->vmctx, cg_i32(cm, in->u.idx), init, n};
    return cg_push(f, cg_call_rt(f, RT_TABLE_GROW, args, 4));
  }
  case OP_TABLE_FILL: {
    LLVMValueRef n = cg_pop(f), val = cg_pop(f), d = cg_pop(f);
    LLVMValueRef args[] = {f->vmctx, cg_i32(cm, in->u.idx), d, val, n};
    cg_call_rt(f, RT_TABLE_FILL, args, 5);
    return true;
  }
  case OP_TABLE_COPY: {
    LLVMValueRef n = cg_pop(f), s = cg_pop(f), d = cg_pop(f);
    LLVMValueRef args[] = {f->vmctx, cg_i32(cm, in->u.pair.a), cg_i32(cm, in->u.pair.b), d, s, n};
    cg_call_rt(f, RT_TABLE_COPY, args, 6);
    return true;
  }
  case OP_TABLE_INIT: {
    LLVMValueRef n = cg_pop(f), s = cg_pop(f), d = cg_pop(f);
    LLVMValueRef args[] = {f->vmctx, cg_i32(cm, in->u.pair.b), cg_i32(cm, in->u.pair.a), d, s, n};
    cg_call_rt(f, RT_TABLE_INIT, args, 6);
    return true;
  }
  case OP_ELEM_DROP: {
    LLVMValueRef args[] = {f->vmctx, cg_i32(cm, in->u.idx)};
    cg_call_rt(f, RT_ELEM_DROP, args, 2);
    return true;
  }
  default:
    return cg_fail(cm, SWASM_INTERNAL, f->index, in->offset, "no table emitter for %s",
                   ir_ops[in->op].name);
  }
}

/* module.c - the glue around the wasm functions: a trampoline per type (host -> wasm, values in
 * swasm_val_t slots), a host thunk per type (wasm -> host through swasm_rt_call_host), and the
 * init function that evaluates globals and element items and applies the active segments. */
#include <stdio.h>

#include "cg.h"

static LLVMValueRef glue_function(cg_module_t *cm, const char *fmt, uint32_t n, LLVMTypeRef ty) {
  char name[64];
  snprintf(name, sizeof name, fmt, n);
  LLVMValueRef fn = LLVMAddFunction(cm->mod, name, ty);
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  return fn;
}

static LLVMValueRef slot_ptr(cg_func_t *f, LLVMValueRef array, uint32_t i) {
  return cg_array_elem_ptr(f, f->cm->t_val, array, cg_i64(f->cm, i));
}

static LLVMValueRef load_slot(cg_func_t *f, LLVMValueRef array, uint32_t i, uint8_t type) {
  LLVMValueRef v = LLVMBuildLoad2(f->cm->b, cg_valtype(f->cm, type), slot_ptr(f, array, i), "");
  LLVMSetAlignment(v, 8);
  return v;
}

static void store_slot(cg_func_t *f, LLVMValueRef array, uint32_t i, LLVMValueRef v) {
  LLVMSetAlignment(LLVMBuildStore(f->cm->b, v, slot_ptr(f, array, i)), 8);
}

/* void tramp(ptr code, ptr ctx, ptr args_results) */
static void build_trampoline(cg_module_t *cm, uint32_t t) {
  const swasm_functype_t *ft = &cm->m->types[t];
  LLVMTypeRef ps[] = {cm->t_ptr, cm->t_ptr, cm->t_ptr};
  LLVMValueRef fn = glue_function(cm, "swasm.tramp.%u", t, LLVMFunctionType(cm->t_void, ps, 3, 0));
  cg_func_t f;
  cg_func_begin(&f, cm, fn, -1);
  LLVMValueRef code = LLVMGetParam(fn, 0), array = LLVMGetParam(fn, 2);
  f.vmctx = LLVMGetParam(fn, 1);
  LLVMValueRef args[ft->nparams + 1];
  args[0] = f.vmctx;
  for (uint32_t i = 0; i < ft->nparams; i++) args[i + 1] = load_slot(&f, array, i, ft->params[i]);
  LLVMValueRef ret = LLVMBuildCall2(cm->b, cm->functys[t], code, args, ft->nparams + 1, "");
  if (ft->nresults == 1) store_slot(&f, array, 0, ret);
  for (uint32_t i = 0; ft->nresults > 1 && i < ft->nresults; i++)
    store_slot(&f, array, i, LLVMBuildExtractValue(cm->b, ret, i, ""));
  LLVMBuildRetVoid(cm->b);
  cg_func_end(&f);
  cm->trampolines[t] = fn;
}

/* ret thunk(ptr host_func, params...): the wasm signature, so it can sit in a funcref. */
static void build_thunk(cg_module_t *cm, uint32_t t) {
  const swasm_functype_t *ft = &cm->m->types[t];
  LLVMValueRef fn = glue_function(cm, "swasm.thunk.%u", t, cm->functys[t]);
  cg_func_t f;
  cg_func_begin(&f, cm, fn, -1);
  uint32_t n = ft->nparams > ft->nresults ? ft->nparams : ft->nresults;
  LLVMValueRef array = LLVMBuildArrayAlloca(cm->b, cm->t_val, cg_i32(cm, n ? n : 1), "vals");
  LLVMSetAlignment(array, 16);
  for (uint32_t i = 0; i < ft->nparams; i++) store_slot(&f, array, i, LLVMGetParam(fn, i + 1));
  LLVMValueRef args[] = {LLVMGetParam(fn, 0), array};
  cg_call_rt(&f, RT_CALL_HOST, args, 2);
  if (ft->nresults == 0) {
    LLVMBuildRetVoid(cm->b);
  } else if (ft->nresults == 1) {
    LLVMBuildRet(cm->b, load_slot(&f, array, 0, ft->results[0]));
  } else {
    LLVMValueRef agg = LLVMGetPoison(LLVMGetReturnType(cm->functys[t]));
    for (uint32_t i = 0; i < ft->nresults; i++)
      agg = LLVMBuildInsertValue(cm->b, agg, load_slot(&f, array, i, ft->results[i]), i, "");
    LLVMBuildRet(cm->b, agg);
  }
  cg_func_end(&f);
  cm->thunks[t] = fn;
}

bool cg_build_trampolines(cg_module_t *cm) {
  cm->trampolines = ir_arena_alloc(cm->scratch, sizeof *cm->trampolines * (cm->m->ntypes + 1));
  if (!cm->trampolines) return cg_fail_oom(cm);
  for (uint32_t t = 0; t < cm->m->ntypes; t++) build_trampoline(cm, t);
  return true;
}

bool cg_build_thunks(cg_module_t *cm) {
  cm->thunks = ir_arena_alloc(cm->scratch, sizeof *cm->thunks * (cm->m->ntypes + 1));
  if (!cm->thunks) return cg_fail_oom(cm);
  for (uint32_t t = 0; t < cm->m->ntypes; t++) build_thunk(cm, t);
  return true;
}

/* ---- init --------------------------------------------------------------------------------- */

static bool init_globals(cg_func_t *f) {
  const swasm_module_t *m = f->cm->m;
  for (uint32_t g = m->nimported_globals; g < m->nglobals; g++) {
    LLVMValueRef v;
    if (!cg_const_expr(f, m->globals[g].init, m->globals[g].type, &v)) return false;
    LLVMValueRef cell = cg_global_cell(f, g);
    LLVMSetAlignment(cg_tbaa(f->cm, LLVMBuildStore(f->cm->b, v, cell), TBAA_GLOBAL), 8);
  }
  return true;
}

/* Function-index segments store &funcs[idx[j]] in a loop over a constant index array. */
static bool elem_funcs_loop(cg_func_t *f, const swasm_elem_t *e, LLVMValueRef data) {
  cg_module_t *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  LLVMValueRef *idx = cg_scratch(f, sizeof *idx * e->count);
  if (!idx) return false;
  for (uint32_t j = 0; j < e->count; j++) idx[j] = cg_i32(cm, e->funcs[j]);
  LLVMTypeRef aty = LLVMArrayType2(cm->t_i32, e->count);
  LLVMValueRef table = LLVMAddGlobal(cm->mod, aty, "swasm.elem.funcs");
  LLVMSetInitializer(table, LLVMConstArray2(cm->t_i32, idx, e->count));
  LLVMSetLinkage(table, LLVMPrivateLinkage);
  LLVMSetGlobalConstant(table, true);
  LLVMSetUnnamedAddress(table, LLVMGlobalUnnamedAddr);
  LLVMValueRef funcs = cg_vmctx_field(f, VMCTX_FUNCS, "funcs");
  LLVMBasicBlockRef pre = LLVMGetInsertBlock(b);
  LLVMBasicBlockRef loop = cg_new_block(f, "elem.loop"), done = cg_new_block(f, "elem.done");
  LLVMBuildBr(b, loop);
  LLVMPositionBuilderAtEnd(b, loop);
  LLVMValueRef j = LLVMBuildPhi(b, cm->t_i64, "j");
  LLVMValueRef fi = LLVMBuildLoad2(b, cm->t_i32, cg_array_elem_ptr(f, cm->t_i32, table, j), "");
  LLVMValueRef ref = cg_array_elem_ptr(f, cm->t_funcref, funcs, LLVMBuildZExt(b, fi, cm->t_i64, ""));
  LLVMBuildStore(b, ref, cg_array_elem_ptr(f, cm->t_ptr, data, j));
  LLVMValueRef next = LLVMBuildNUWAdd(b, j, cg_i64(cm, 1), "");
  LLVMValueRef zero = cg_i64(cm, 0);
  LLVMAddIncoming(j, &zero, &pre, 1);
  LLVMAddIncoming(j, &next, &loop, 1);
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULT, next, cg_i64(cm, e->count), ""), loop, done);
  LLVMPositionBuilderAtEnd(b, done);
  return true;
}

static bool init_elem_items(cg_func_t *f, uint32_t i) {
  cg_module_t *cm = f->cm;
  const swasm_elem_t *e = &cm->m->elems[i];
  if (e->count == 0) return true;
  LLVMValueRef segs = cg_vmctx_field(f, VMCTX_ELEMS, "elems");
  LLVMValueRef seg = cg_array_elem_ptr(f, cm->t_segment, segs, cg_i64(cm, i));
  LLVMValueRef data = cg_load_field(f, cm->t_segment, seg, SEGMENT_DATA, false, "data");
  if (e->funcs) return elem_funcs_loop(f, e, data);
  for (uint32_t j = 0; j < e->count; j++) {
    LLVMValueRef v;
    if (!cg_const_expr(f, e->exprs[j], e->reftype, &v)) return false;
    LLVMBuildStore(cm->b, v, cg_array_elem_ptr(f, cm->t_ptr, data, cg_i64(cm, j)));
  }
  return true;
}

/* Active segments are applied in module order, elements before data, as instantiation does;
 * a trap stops there and leaves earlier writes in place. */
static bool apply_segments(cg_func_t *f) {
  cg_module_t *cm = f->cm;
  const swasm_module_t *m = cm->m;
  for (uint32_t i = 0; i < m->nelems; i++) {
    const swasm_elem_t *e = &m->elems[i];
    LLVMValueRef seg = cg_i32(cm, i);
    if (e->mode == SWASM_SEG_ACTIVE) {
      LLVMValueRef off;
      if (!cg_const_expr(f, e->offset, SWASM_I32, &off)) return false;
      LLVMValueRef args[] = {f->vmctx, cg_i32(cm, e->table), seg, off, cg_i32(cm, 0),
                             cg_i32(cm, e->count)};
      cg_call_rt(f, RT_TABLE_INIT, args, 6);
    }
    if (e->mode != SWASM_SEG_PASSIVE) cg_call_rt(f, RT_ELEM_DROP, (LLVMValueRef[]){f->vmctx, seg}, 2);
  }
  for (uint32_t i = 0; i < m->ndatas; i++) {
    const swasm_data_t *d = &m->datas[i];
    if (d->mode != SWASM_SEG_ACTIVE) continue;
    LLVMValueRef off, seg = cg_i32(cm, i);
    if (!cg_const_expr(f, d->offset, SWASM_I32, &off)) return false;
    LLVMValueRef args[] = {f->vmctx, cg_i32(cm, d->memory), seg,
                           LLVMBuildZExt(cm->b, off, cm->t_i64, ""), cg_i32(cm, 0),
                           cg_i32(cm, d->size)};
    cg_call_rt(f, RT_MEMORY_INIT, args, 6);
    cg_call_rt(f, RT_DATA_DROP, (LLVMValueRef[]){f->vmctx, seg}, 2);
  }
  return true;
}

bool cg_build_init(cg_module_t *cm) {
  LLVMTypeRef fnty = LLVMFunctionType(cm->t_void, &cm->t_ptr, 1, false);
  LLVMValueRef fn = LLVMAddFunction(cm->mod, "swasm.init", fnty);
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  cm->init = fn;
  cg_func_t f;
  cg_func_begin(&f, cm, fn, -1);
  f.vmctx = LLVMGetParam(fn, 0);
  bool ok = init_globals(&f);
  for (uint32_t i = 0; ok && i < cm->m->nelems; i++) ok = init_elem_items(&f, i);
  ok = ok && apply_segments(&f);
  if (ok) LLVMBuildRetVoid(cm->b);
  cg_func_end(&f);
  return ok;
}

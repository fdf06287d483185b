/* abi.c - the LLVM side of the runtime ABI: struct types mirroring swasm/runtime.h, the runtime
 * entry points generated code calls, and helpers to read vmctx fields and call intrinsics. */
#include <assert.h>
#include <stddef.h>
#include <string.h>

#include <llvm-c/Target.h>

#include "cg.h"

LLVMValueRef cg_i32(cg_module_t *cm, uint32_t v) { return LLVMConstInt(cm->t_i32, v, false); }
LLVMValueRef cg_i64(cg_module_t *cm, uint64_t v) { return LLVMConstInt(cm->t_i64, v, false); }

LLVMTypeRef cg_valtype(cg_module_t *cm, uint8_t t) {
  switch (t) {
  case SWASM_I32: return cm->t_i32;
  case SWASM_I64: return cm->t_i64;
  case SWASM_F32: return cm->t_f32;
  case SWASM_F64: return cm->t_f64;
  case SWASM_V128: return cm->t_v128;
  default: return cm->t_ptr;   /* funcref, externref */
  }
}

LLVMValueRef cg_zero(cg_module_t *cm, uint8_t t) {
  return LLVMConstNull(cg_valtype(cm, t));
}

LLVMTypeRef cg_result_type(cg_module_t *cm, uint32_t n, const uint8_t *types) {
  if (n == 0) return cm->t_void;
  if (n == 1) return cg_valtype(cm, types[0]);
  LLVMTypeRef tys[n];
  for (uint32_t i = 0; i < n; i++) tys[i] = cg_valtype(cm, types[i]);
  return LLVMStructTypeInContext(cm->ctx, tys, n, false);
}

LLVMTypeRef cg_functype(cg_module_t *cm, const swasm_functype_t *ft) {
  LLVMTypeRef ps[ft->nparams + 1];
  ps[0] = cm->t_ptr;
  for (uint32_t i = 0; i < ft->nparams; i++) ps[i + 1] = cg_valtype(cm, ft->params[i]);
  return LLVMFunctionType(cg_result_type(cm, ft->nresults, ft->results), ps, ft->nparams + 1,
                          false);
}

/* ---- struct types ----------------------------------------------------------------------- */

static LLVMTypeRef named_struct(cg_module_t *cm, const char *name, LLVMTypeRef *fields,
                                unsigned n) {
  LLVMTypeRef t = LLVMStructCreateNamed(cm->ctx, name);
  LLVMStructSetBody(t, fields, n, false);
  return t;
}

#ifndef NDEBUG
/* The LLVM struct types must lay out exactly like the C structs; checked against an LP64
 * little-endian layout (both supported targets) in debug builds. */
static void check_layout(cg_module_t *cm) {
  LLVMTargetDataRef td = LLVMCreateTargetData("e-m:e-i64:64-i128:128-n32:64-S128");
  static const size_t vmctx_off[] = {
      offsetof(swasm_vmctx_t, mem0_base), offsetof(swasm_vmctx_t, mem0),
      offsetof(swasm_vmctx_t, stack_limit), offsetof(swasm_vmctx_t, type_ids),
      offsetof(swasm_vmctx_t, funcs), offsetof(swasm_vmctx_t, globals),
      offsetof(swasm_vmctx_t, tables), offsetof(swasm_vmctx_t, memories),
      offsetof(swasm_vmctx_t, datas), offsetof(swasm_vmctx_t, elems),
      offsetof(swasm_vmctx_t, instance)};
  for (unsigned i = 0; i < VMCTX_NFIELDS; i++)
    assert(LLVMOffsetOfElement(td, cm->t_vmctx, i) == vmctx_off[i]);
  assert(LLVMOffsetOfElement(td, cm->t_funcref, FUNCREF_CTX) == offsetof(swasm_funcref_t, ctx));
  assert(LLVMOffsetOfElement(td, cm->t_funcref, FUNCREF_TYPE_ID) ==
         offsetof(swasm_funcref_t, type_id));
  assert(LLVMABISizeOfType(td, cm->t_funcref) == sizeof(swasm_funcref_t));
  assert(LLVMOffsetOfElement(td, cm->t_memory, MEMORY_SIZE) == offsetof(swasm_memory_t, size));
  assert(LLVMOffsetOfElement(td, cm->t_memory, MEMORY_GUARDED) ==
         offsetof(swasm_memory_t, guarded));
  assert(LLVMOffsetOfElement(td, cm->t_table, TABLE_SIZE) == offsetof(swasm_table_t, size));
  assert(LLVMOffsetOfElement(td, cm->t_table, TABLE_ELEMTYPE) ==
         offsetof(swasm_table_t, elemtype));
  assert(LLVMOffsetOfElement(td, cm->t_segment, SEGMENT_SIZE) ==
         offsetof(swasm_segment_t, size));
  assert(LLVMABISizeOfType(td, cm->t_segment) == sizeof(swasm_segment_t));
  assert(LLVMABISizeOfType(td, cm->t_val) == sizeof(swasm_val_t));
  LLVMDisposeTargetData(td);
}
#endif

static void build_types(cg_module_t *cm) {
  LLVMContextRef c = cm->ctx;
  cm->t_void = LLVMVoidTypeInContext(c);
  cm->t_i1 = LLVMInt1TypeInContext(c);
  cm->t_i8 = LLVMInt8TypeInContext(c);
  cm->t_i16 = LLVMInt16TypeInContext(c);
  cm->t_i32 = LLVMInt32TypeInContext(c);
  cm->t_i64 = LLVMInt64TypeInContext(c);
  cm->t_f32 = LLVMFloatTypeInContext(c);
  cm->t_f64 = LLVMDoubleTypeInContext(c);
  cm->t_v128 = LLVMVectorType(cm->t_i64, 2);
  cm->t_ptr = LLVMPointerTypeInContext(c, 0);
  LLVMTypeRef p = cm->t_ptr, i8 = cm->t_i8, i32 = cm->t_i32, i64 = cm->t_i64;

  LLVMTypeRef vm[VMCTX_NFIELDS] = {p, p, i64, p, p, p, p, p, p, p, p};
  cm->t_vmctx = named_struct(cm, "swasm.vmctx", vm, VMCTX_NFIELDS);
  LLVMTypeRef fr[FUNCREF_NFIELDS] = {p, p, i32, i32};
  cm->t_funcref = named_struct(cm, "swasm.funcref", fr, FUNCREF_NFIELDS);
  LLVMTypeRef me[MEMORY_NFIELDS] = {p, i64, i64, i64, i8, i8};
  cm->t_memory = named_struct(cm, "swasm.memory", me, MEMORY_NFIELDS);
  LLVMTypeRef ta[TABLE_NFIELDS] = {p, i32, i32, i8};
  cm->t_table = named_struct(cm, "swasm.table", ta, TABLE_NFIELDS);
  LLVMTypeRef se[SEGMENT_NFIELDS] = {p, i32, i32};
  cm->t_segment = named_struct(cm, "swasm.segment", se, SEGMENT_NFIELDS);
  LLVMTypeRef va[2] = {i64, i64};
  cm->t_val = named_struct(cm, "swasm.val", va, 2);
}

/* ---- runtime entry points --------------------------------------------------------------- */

static void add_fn_attr(cg_module_t *cm, LLVMValueRef fn, const char *name) {
  unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
  LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                          LLVMCreateEnumAttribute(cm->ctx, kind, 0));
}

static void declare_rt(cg_module_t *cm, cg_rtfn_t which, const char *name, LLVMTypeRef ret,
                       LLVMTypeRef *params, unsigned n) {
  LLVMTypeRef ty = LLVMFunctionType(ret, params, n, false);
  LLVMValueRef fn = LLVMAddFunction(cm->mod, name, ty);
  add_fn_attr(cm, fn, "nounwind");
  cm->rt[which] = fn;
  cm->rt_ty[which] = ty;
}

static void declare_runtime(cg_module_t *cm) {
  LLVMTypeRef v = cm->t_void, p = cm->t_ptr, i32 = cm->t_i32, i64 = cm->t_i64;
  declare_rt(cm, RT_TRAP, "swasm_rt_trap", v, (LLVMTypeRef[]){i32}, 1);
  add_fn_attr(cm, cm->rt[RT_TRAP], "noreturn");
  add_fn_attr(cm, cm->rt[RT_TRAP], "cold");
  declare_rt(cm, RT_MEMORY_GROW, "swasm_rt_memory_grow", i32, (LLVMTypeRef[]){p, i32, i32}, 3);
  declare_rt(cm, RT_MEMORY_INIT, "swasm_rt_memory_init", v,
             (LLVMTypeRef[]){p, i32, i32, i64, i32, i32}, 6);
  declare_rt(cm, RT_DATA_DROP, "swasm_rt_data_drop", v, (LLVMTypeRef[]){p, i32}, 2);
  declare_rt(cm, RT_TABLE_GROW, "swasm_rt_table_grow", i32, (LLVMTypeRef[]){p, i32, p, i32}, 4);
  declare_rt(cm, RT_TABLE_FILL, "swasm_rt_table_fill", v,
             (LLVMTypeRef[]){p, i32, i32, p, i32}, 5);
  declare_rt(cm, RT_TABLE_COPY, "swasm_rt_table_copy", v,
             (LLVMTypeRef[]){p, i32, i32, i32, i32, i32}, 6);
  declare_rt(cm, RT_TABLE_INIT, "swasm_rt_table_init", v,
             (LLVMTypeRef[]){p, i32, i32, i32, i32, i32}, 6);
  declare_rt(cm, RT_ELEM_DROP, "swasm_rt_elem_drop", v, (LLVMTypeRef[]){p, i32}, 2);
  declare_rt(cm, RT_CALL_HOST, "swasm_rt_call_host", v, (LLVMTypeRef[]){p, p}, 2);
}

static void vmctx_sizes(cg_module_t *cm);

static void build_tbaa(cg_module_t *cm) {
  static const char *const names[] = {"wasm memory", "wasm global", "wasm table",
                                      "swasm runtime"};
  LLVMContextRef c = cm->ctx;
  LLVMMetadataRef root_name = LLVMMDStringInContext2(c, "swasm tbaa", 10);
  LLVMMetadataRef root = LLVMMDNodeInContext2(c, &root_name, 1);
  LLVMMetadataRef zero = LLVMValueAsMetadata(cg_i64(cm, 0));
  for (unsigned i = 0; i < 4; i++) {
    LLVMMetadataRef ty_ops[] = {LLVMMDStringInContext2(c, names[i], strlen(names[i])), root,
                                zero};
    LLVMMetadataRef ty = LLVMMDNodeInContext2(c, ty_ops, 3);
    LLVMMetadataRef tag_ops[] = {ty, ty, zero};
    cm->tbaa[i] = LLVMMetadataAsValue(c, LLVMMDNodeInContext2(c, tag_ops, 3));
  }
  cm->md_tbaa = LLVMGetMDKindIDInContext(c, "tbaa", 4);
}

LLVMValueRef cg_tbaa(cg_module_t *cm, LLVMValueRef access, cg_tbaa_t kind) {
  LLVMSetMetadata(access, cm->md_tbaa, cm->tbaa[kind]);
  return access;
}

bool cg_abi_init(cg_module_t *cm) {
  build_types(cm);
#ifndef NDEBUG
  check_layout(cm);
#endif
  declare_runtime(cm);
  cm->md_invariant = LLVMGetMDKindIDInContext(cm->ctx, "invariant.load", 14);
  cm->md_empty = LLVMMetadataAsValue(cm->ctx, LLVMMDNodeInContext2(cm->ctx, NULL, 0));
  build_tbaa(cm);
  cm->md_deref = LLVMGetMDKindIDInContext(cm->ctx, "dereferenceable", 15);
  cm->md_align = LLVMGetMDKindIDInContext(cm->ctx, "align", 5);
  cm->md_noundef = LLVMGetMDKindIDInContext(cm->ctx, "noundef", 7);
  vmctx_sizes(cm);
  return true;
}

LLVMValueRef cg_call_rt(cg_func_t *f, cg_rtfn_t which, LLVMValueRef *args, unsigned nargs) {
  cg_module_t *cm = f->cm;
  return LLVMBuildCall2(cm->b, cm->rt_ty[which], cm->rt[which], args, nargs, "");
}

/* ---- intrinsics ------------------------------------------------------------------------- */

LLVMValueRef cg_intrinsic(cg_module_t *cm, const char *name, LLVMTypeRef *tys, unsigned ntys,
                          LLVMTypeRef *fnty_out) {
  unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
  assert(id != 0);
  *fnty_out = LLVMIntrinsicGetType(cm->ctx, id, tys, ntys);
  return LLVMGetIntrinsicDeclaration(cm->mod, id, tys, ntys);
}

/* Calls an intrinsic overloaded on one type (NULL: not overloaded). */
LLVMValueRef cg_call_intrinsic(cg_func_t *f, const char *name, LLVMTypeRef overload,
                               LLVMValueRef *args, unsigned nargs) {
  LLVMTypeRef fnty;
  LLVMValueRef fn = cg_intrinsic(f->cm, name, &overload, overload ? 1 : 0, &fnty);
  return LLVMBuildCall2(f->cm->b, fnty, fn, args, nargs, "");
}

/* ---- field access ----------------------------------------------------------------------- */

void cg_set_invariant(cg_module_t *cm, LLVMValueRef load) {
  LLVMSetMetadata(load, cm->md_invariant, cm->md_empty);
}

LLVMValueRef cg_field_ptr(cg_func_t *f, LLVMTypeRef sty, LLVMValueRef p, unsigned idx) {
  return LLVMBuildStructGEP2(f->cm->b, sty, p, idx, "");
}

LLVMValueRef cg_load_field(cg_func_t *f, LLVMTypeRef sty, LLVMValueRef p, unsigned idx,
                           bool invariant, const char *name) {
  LLVMValueRef fp = cg_field_ptr(f, sty, p, idx);
  LLVMTypeRef t = LLVMStructGetTypeAtIndex(sty, idx);
  LLVMValueRef v = LLVMBuildLoad2(f->cm->b, t, fp, name);
  /* The data layout is set after codegen: state the C alignment (fields are natural). */
  LLVMTypeKind k = LLVMGetTypeKind(t);
  LLVMSetAlignment(v, k == LLVMIntegerTypeKind ? LLVMGetIntTypeWidth(t) / 8 : 8);
  cg_tbaa(f->cm, v, TBAA_RUNTIME);
  if (invariant) cg_set_invariant(f->cm, v);
  return v;
}

/* Every vmctx field but stack_limit is invariant once init has run. */
/* Moves the builder into the entry block, before its terminator if it has one; returns the
 * block to go back to. */
static LLVMBasicBlockRef enter_entry(cg_func_t *f) {
  LLVMBuilderRef b = f->cm->b;
  LLVMBasicBlockRef cur = LLVMGetInsertBlock(b);
  LLVMValueRef term = LLVMGetBasicBlockTerminator(f->entry);
  if (term)
    LLVMPositionBuilderBefore(b, term);
  else
    LLVMPositionBuilderAtEnd(b, f->entry);
  return cur;
}

static void leave_entry(cg_func_t *f, LLVMBasicBlockRef cur) {
  LLVMPositionBuilderAtEnd(f->cm->b, cur);
}

LLVMValueRef cg_vmctx_field(cg_func_t *f, unsigned idx, const char *name) {
  if (idx == VMCTX_STACK_LIMIT)
    return cg_load_field(f, f->cm->t_vmctx, f->vmctx, idx, false, name);
  if (f->vmctx_cache[idx]) return f->vmctx_cache[idx];
  LLVMBasicBlockRef cur = enter_entry(f);
  LLVMValueRef v = cg_load_field(f, f->cm->t_vmctx, f->vmctx, idx, true, name);
  cg_set_deref(f->cm, v, f->cm->vmctx_deref[idx]);
  leave_entry(f, cur);
  return f->vmctx_cache[idx] = v;
}

/* (*cache)[i], loading it in the entry block from vmctx field `field` [i] the first time. */
static LLVMValueRef cached_elem(cg_func_t *f, LLVMValueRef **cache, uint32_t count, unsigned field,
                                uint32_t i, uint64_t deref, const char *name) {
  if (!*cache) *cache = ir_arena_alloc(f->cm->scratch, sizeof **cache * count);
  if (*cache && (*cache)[i]) return (*cache)[i];
  LLVMValueRef array = cg_vmctx_field(f, field, "");
  LLVMBasicBlockRef cur = enter_entry(f);
  LLVMValueRef v = cg_load_ptr_elem(f, array, i, deref, name);
  leave_entry(f, cur);
  if (*cache) (*cache)[i] = v;   /* without memory for the cache, load again next time */
  return v;
}

LLVMValueRef cg_global_cell(cg_func_t *f, uint32_t g) {
  return cached_elem(f, &f->global_cells, f->cm->m->nglobals, VMCTX_GLOBALS, g,
                     sizeof(swasm_val_t), "cell");
}

LLVMValueRef cg_table_struct(cg_func_t *f, uint32_t t) {
  return cached_elem(f, &f->table_structs, f->cm->m->ntables, VMCTX_TABLES, t,
                     sizeof(swasm_table_t), "table");
}

LLVMValueRef cg_memory_struct(cg_func_t *f, uint32_t mem) {
  if (mem == 0) return cg_vmctx_field(f, VMCTX_MEM0, "mem0");
  return cached_elem(f, &f->memory_structs, f->cm->m->nmemories, VMCTX_MEMORIES, mem,
                     sizeof(swasm_memory_t), "memory");
}

/* The base never moves once allocated. */
LLVMValueRef cg_memory_base(cg_func_t *f, uint32_t mem) {
  if (mem == 0) return cg_vmctx_field(f, VMCTX_MEM0_BASE, "mem0_base");
  LLVMValueRef **cache = &f->memory_bases;
  if (!*cache) *cache = ir_arena_alloc(f->cm->scratch, sizeof **cache * f->cm->m->nmemories);
  if (*cache && (*cache)[mem]) return (*cache)[mem];
  LLVMValueRef ms = cg_memory_struct(f, mem);
  LLVMBasicBlockRef cur = enter_entry(f);
  LLVMValueRef v = cg_load_field(f, f->cm->t_memory, ms, MEMORY_BASE, true, "base");
  leave_entry(f, cur);
  if (*cache) (*cache)[mem] = v;
  return v;
}

/* The sizes of what vmctx's pointers point to, from the module's counts (runtime.h). */
static void vmctx_sizes(cg_module_t *cm) {
  const swasm_module_t *m = cm->m;
  uint64_t *d = cm->vmctx_deref;
  d[VMCTX_MEM0] = m->nmemories ? sizeof(swasm_memory_t) : 0;
  d[VMCTX_TYPE_IDS] = (uint64_t)m->ntypes * sizeof(uint32_t);
  d[VMCTX_FUNCS] = (uint64_t)m->nfuncs * sizeof(swasm_funcref_t);
  d[VMCTX_GLOBALS] = (uint64_t)m->nglobals * sizeof(void *);
  d[VMCTX_TABLES] = (uint64_t)m->ntables * sizeof(void *);
  d[VMCTX_MEMORIES] = (uint64_t)m->nmemories * sizeof(void *);
  d[VMCTX_DATAS] = (uint64_t)m->ndatas * sizeof(swasm_segment_t);
  d[VMCTX_ELEMS] = (uint64_t)m->nelems * sizeof(swasm_segment_t);
}

LLVMValueRef cg_array_elem_ptr(cg_func_t *f, LLVMTypeRef elty, LLVMValueRef base,
                               LLVMValueRef index) {
  return LLVMBuildInBoundsGEP2(f->cm->b, elty, base, &index, 1, "");
}

/* Loads base[index] where base is an array of pointers. */
void cg_set_deref(cg_module_t *cm, LLVMValueRef load, uint64_t bytes) {
  if (bytes == 0) return;
  LLVMMetadataRef n = LLVMValueAsMetadata(cg_i64(cm, bytes));
  LLVMSetMetadata(load, cm->md_deref, LLVMMetadataAsValue(cm->ctx, LLVMMDNodeInContext2(cm->ctx, &n, 1)));
  LLVMSetMetadata(load, cm->md_noundef, cm->md_empty);
  /* Everything the runtime allocates for generated code is at least 8-aligned. */
  LLVMMetadataRef a = LLVMValueAsMetadata(cg_i64(cm, 8));
  LLVMSetMetadata(load, cm->md_align, LLVMMetadataAsValue(cm->ctx, LLVMMDNodeInContext2(cm->ctx, &a, 1)));
}

LLVMValueRef cg_load_ptr_elem(cg_func_t *f, LLVMValueRef base, uint32_t index, uint64_t deref,
                              const char *name) {
  cg_module_t *cm = f->cm;
  LLVMValueRef p = cg_array_elem_ptr(f, cm->t_ptr, base, cg_i64(cm, index));
  LLVMValueRef v = LLVMBuildLoad2(cm->b, cm->t_ptr, p, name);
  LLVMSetAlignment(v, 8);
  cg_tbaa(cm, v, TBAA_RUNTIME);
  cg_set_invariant(cm, v);
  cg_set_deref(cm, v, deref);
  return v;
}

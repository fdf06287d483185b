/* desc.c - the module descriptor every compiled object exports as SWASM_DESC_SYMBOL: constant
 * LLVM globals laid out exactly like swasm_module_desc_t and the structs it points to. */
#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <llvm-c/Target.h>

#include "cg.h"

typedef struct desc_types {
  LLVMTypeRef functype, limits, import, export, table, global, desc;
} desc_types_t;

static void build_desc_types(cg_module_t *cm, desc_types_t *t) {
  LLVMContextRef c = cm->ctx;
  LLVMTypeRef p = cm->t_ptr, i8 = cm->t_i8, i32 = cm->t_i32, i64 = cm->t_i64;
  t->functype = LLVMStructTypeInContext(c, (LLVMTypeRef[]){i32, i32, p}, 3, false);
  t->limits = LLVMStructTypeInContext(c, (LLVMTypeRef[]){i64, i64, i8, i8, i8, i8}, 6, false);
  t->import = LLVMStructTypeInContext(c, (LLVMTypeRef[]){p, p, i32, i32}, 4, false);
  t->export = LLVMStructTypeInContext(c, (LLVMTypeRef[]){p, i32, i32}, 3, false);
  t->table = LLVMStructTypeInContext(c, (LLVMTypeRef[]){i32, i32, t->limits}, 3, false);
  t->global = LLVMStructTypeInContext(c, (LLVMTypeRef[]){i8, i8, LLVMArrayType2(i8, 2)}, 3,
                                      false);
  LLVMTypeRef d[] = {i32, i32, LLVMArrayType2(i8, 32), p,  /* abi, flags, hash, cpu */
                     i32, p, i32, p, i32, p,               /* types, imports, exports */
                     i32, i32, p, p, p,                    /* funcs */
                     i32, i32, p, i32, i32, p, i32, i32, p,/* tables, memories, globals */
                     i32, p, i32, p, i64,                  /* datas, elems, start */
                     p, p, p};                             /* trampolines, thunks, init */
  t->desc = LLVMStructTypeInContext(c, d, sizeof d / sizeof d[0], false);
}

#ifndef NDEBUG
static void check_desc_layout(const desc_types_t *t) {
  LLVMTargetDataRef td = LLVMCreateTargetData("e-m:e-i64:64-i128:128-n32:64-S128");
  static const size_t off[] = {
      offsetof(swasm_module_desc_t, abi_version), offsetof(swasm_module_desc_t, flags),
      offsetof(swasm_module_desc_t, hash), offsetof(swasm_module_desc_t, cpu_features),
      offsetof(swasm_module_desc_t, ntypes), offsetof(swasm_module_desc_t, types),
      offsetof(swasm_module_desc_t, nimports), offsetof(swasm_module_desc_t, imports),
      offsetof(swasm_module_desc_t, nexports), offsetof(swasm_module_desc_t, exports),
      offsetof(swasm_module_desc_t, nfuncs), offsetof(swasm_module_desc_t, nimported_funcs),
      offsetof(swasm_module_desc_t, func_types), offsetof(swasm_module_desc_t, func_code),
      offsetof(swasm_module_desc_t, func_names), offsetof(swasm_module_desc_t, ntables),
      offsetof(swasm_module_desc_t, nimported_tables), offsetof(swasm_module_desc_t, tables),
      offsetof(swasm_module_desc_t, nmemories), offsetof(swasm_module_desc_t, nimported_memories),
      offsetof(swasm_module_desc_t, memories), offsetof(swasm_module_desc_t, nglobals),
      offsetof(swasm_module_desc_t, nimported_globals), offsetof(swasm_module_desc_t, globals),
      offsetof(swasm_module_desc_t, ndatas), offsetof(swasm_module_desc_t, datas),
      offsetof(swasm_module_desc_t, nelems), offsetof(swasm_module_desc_t, elem_counts),
      offsetof(swasm_module_desc_t, start), offsetof(swasm_module_desc_t, trampolines),
      offsetof(swasm_module_desc_t, host_thunks), offsetof(swasm_module_desc_t, init)};
  assert(LLVMCountStructElementTypes(t->desc) == sizeof off / sizeof off[0]);
  for (unsigned i = 0; i < sizeof off / sizeof off[0]; i++)
    assert(LLVMOffsetOfElement(td, t->desc, i) == off[i]);
  assert(LLVMABISizeOfType(td, t->desc) == sizeof(swasm_module_desc_t));
  assert(LLVMABISizeOfType(td, t->functype) == sizeof(swasm_desc_functype_t));
  assert(LLVMABISizeOfType(td, t->limits) == sizeof(swasm_desc_limits_t));
  assert(LLVMABISizeOfType(td, t->import) == sizeof(swasm_desc_import_t));
  assert(LLVMABISizeOfType(td, t->export) == sizeof(swasm_desc_export_t));
  assert(LLVMOffsetOfElement(td, t->table, 2) == offsetof(swasm_desc_table_t, limits));
  assert(LLVMABISizeOfType(td, t->table) == sizeof(swasm_desc_table_t));
  assert(LLVMABISizeOfType(td, t->global) == sizeof(swasm_desc_global_t));
  LLVMDisposeTargetData(td);
}
#endif

/* A private constant global; returns a null pointer for an empty array. */
static LLVMValueRef const_global(cg_module_t *cm, LLVMValueRef init, const char *name) {
  LLVMValueRef g = LLVMAddGlobal(cm->mod, LLVMTypeOf(init), name);
  LLVMSetInitializer(g, init);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetGlobalConstant(g, true);
  return g;
}

static LLVMValueRef const_array(cg_module_t *cm, LLVMTypeRef elty, LLVMValueRef *vals,
                                uint64_t n, const char *name) {
  if (n == 0) return LLVMConstNull(cm->t_ptr);
  return const_global(cm, LLVMConstArray2(elty, vals, n), name);
}

LLVMValueRef cg_const_string(cg_module_t *cm, const char *s, const char *name) {
  LLVMValueRef g = const_global(cm, LLVMConstStringInContext(cm->ctx, s, strlen(s), false), name);
  LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
  return g;
}

static LLVMValueRef bytes_global(cg_module_t *cm, const uint8_t *p, size_t n, const char *name) {
  if (n == 0) return LLVMConstNull(cm->t_ptr);
  LLVMValueRef g = const_global(cm, LLVMConstStringInContext(cm->ctx, (const char *)p, n, true),
                                name);
  LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
  return g;
}

static LLVMValueRef i8c(cg_module_t *cm, unsigned v) { return LLVMConstInt(cm->t_i8, v, false); }

static LLVMValueRef cstruct(LLVMTypeRef t, LLVMValueRef *vals, unsigned n) {
  return LLVMConstNamedStruct(t, vals, n);
}

/* Allocates n values from the module arena (n may be 0). */
static LLVMValueRef *vals(cg_module_t *cm, uint64_t n) {
  LLVMValueRef *v = ir_arena_alloc(cm->scratch, sizeof *v * (n ? n : 1));
  if (!v) cg_fail_oom(cm);
  return v;
}

static LLVMValueRef desc_types_array(cg_module_t *cm, const desc_types_t *t) {
  const swasm_module_t *m = cm->m;
  LLVMValueRef *v = vals(cm, m->ntypes);
  if (!v) return NULL;
  for (uint32_t i = 0; i < m->ntypes; i++) {
    const swasm_functype_t *ft = &m->types[i];
    uint8_t buf[ft->nparams + ft->nresults + 1];
    memcpy(buf, ft->params, ft->nparams);
    memcpy(buf + ft->nparams, ft->results, ft->nresults);
    LLVMValueRef f[] = {cg_i32(cm, ft->nparams), cg_i32(cm, ft->nresults),
                        bytes_global(cm, buf, ft->nparams + ft->nresults, "swasm.type")};
    v[i] = cstruct(t->functype, f, 3);
  }
  return const_array(cm, t->functype, v, m->ntypes, "swasm.types");
}

static LLVMValueRef desc_imports(cg_module_t *cm, const desc_types_t *t) {
  const swasm_module_t *m = cm->m;
  LLVMValueRef *v = vals(cm, m->nimports);
  if (!v) return NULL;
  for (uint32_t i = 0; i < m->nimports; i++) {
    const swasm_import_t *im = &m->imports[i];
    LLVMValueRef f[] = {cg_const_string(cm, im->module, "swasm.str"),
                        cg_const_string(cm, im->name, "swasm.str"), cg_i32(cm, im->kind),
                        cg_i32(cm, im->index)};
    v[i] = cstruct(t->import, f, 4);
  }
  return const_array(cm, t->import, v, m->nimports, "swasm.imports");
}

static LLVMValueRef desc_exports(cg_module_t *cm, const desc_types_t *t) {
  const swasm_module_t *m = cm->m;
  LLVMValueRef *v = vals(cm, m->nexports);
  if (!v) return NULL;
  for (uint32_t i = 0; i < m->nexports; i++) {
    const swasm_export_t *ex = &m->exports[i];
    LLVMValueRef f[] = {cg_const_string(cm, ex->name, "swasm.str"), cg_i32(cm, ex->kind),
                        cg_i32(cm, ex->index)};
    v[i] = cstruct(t->export, f, 3);
  }
  return const_array(cm, t->export, v, m->nexports, "swasm.exports");
}

static LLVMValueRef limits(cg_module_t *cm, const desc_types_t *t, const swasm_limits_t *l) {
  LLVMValueRef f[] = {cg_i64(cm, l->min), cg_i64(cm, l->max), i8c(cm, l->has_max),
                      i8c(cm, l->is64), i8c(cm, l->shared), i8c(cm, 0)};
  return cstruct(t->limits, f, 6);
}

/* The function arrays: func_types, func_code and func_names (NULL when nothing is named). */
static bool desc_funcs(cg_module_t *cm, LLVMValueRef out[3]) {
  const swasm_module_t *m = cm->m;
  uint32_t ndef = m->nfuncs - m->nimported_funcs;
  LLVMValueRef *types = vals(cm, m->nfuncs), *code = vals(cm, ndef), *names = vals(cm, m->nfuncs);
  if (!types || !code || !names) return false;
  bool named = false;
  for (uint32_t i = 0; i < m->nfuncs; i++) {
    types[i] = cg_i32(cm, m->funcs[i].type);
    const char *n = m->funcs[i].name;
    names[i] = n ? cg_const_string(cm, n, "swasm.name") : LLVMConstNull(cm->t_ptr);
    named |= n != NULL;
  }
  for (uint32_t i = 0; i < ndef; i++) code[i] = cm->funcs[i];
  out[0] = const_array(cm, cm->t_i32, types, m->nfuncs, "swasm.func_types");
  out[1] = const_array(cm, cm->t_ptr, code, ndef, "swasm.func_code");
  out[2] = named ? const_array(cm, cm->t_ptr, names, m->nfuncs, "swasm.func_names")
                 : LLVMConstNull(cm->t_ptr);
  return true;
}

/* tables, memories, globals */
static bool desc_entities(cg_module_t *cm, const desc_types_t *t, LLVMValueRef out[3]) {
  const swasm_module_t *m = cm->m;
  LLVMValueRef *tv = vals(cm, m->ntables), *mv = vals(cm, m->nmemories);
  LLVMValueRef *gv = vals(cm, m->nglobals);
  if (!tv || !mv || !gv) return false;
  for (uint32_t i = 0; i < m->ntables; i++) {
    LLVMValueRef f[] = {cg_i32(cm, m->tables[i].elemtype), cg_i32(cm, 0),
                        limits(cm, t, &m->tables[i].limits)};
    tv[i] = cstruct(t->table, f, 3);
  }
  for (uint32_t i = 0; i < m->nmemories; i++) mv[i] = limits(cm, t, &m->memories[i]);
  for (uint32_t i = 0; i < m->nglobals; i++) {
    LLVMValueRef pad[2] = {i8c(cm, 0), i8c(cm, 0)};
    LLVMValueRef f[] = {i8c(cm, m->globals[i].type), i8c(cm, m->globals[i].mut),
                        LLVMConstArray2(cm->t_i8, pad, 2)};
    gv[i] = cstruct(t->global, f, 3);
  }
  out[0] = const_array(cm, t->table, tv, m->ntables, "swasm.tables");
  out[1] = const_array(cm, t->limits, mv, m->nmemories, "swasm.memories");
  out[2] = const_array(cm, t->global, gv, m->nglobals, "swasm.globals");
  return true;
}

/* datas and elem_counts */
static bool desc_segments(cg_module_t *cm, LLVMValueRef out[2]) {
  const swasm_module_t *m = cm->m;
  LLVMValueRef *dv = vals(cm, m->ndatas), *ev = vals(cm, m->nelems);
  if (!dv || !ev) return false;
  for (uint32_t i = 0; i < m->ndatas; i++) {
    const swasm_data_t *d = &m->datas[i];
    LLVMValueRef f[] = {bytes_global(cm, m->bytes + d->data_offset, d->size, "swasm.data"),
                        cg_i32(cm, d->size), cg_i32(cm, 0)};
    dv[i] = cstruct(cm->t_segment, f, 3);
  }
  for (uint32_t i = 0; i < m->nelems; i++) ev[i] = cg_i32(cm, m->elems[i].count);
  out[0] = const_array(cm, cm->t_segment, dv, m->ndatas, "swasm.datas");
  out[1] = const_array(cm, cm->t_i32, ev, m->nelems, "swasm.elem_counts");
  return true;
}

bool cg_build_desc(cg_module_t *cm) {
  const swasm_module_t *m = cm->m;
  desc_types_t t;
  build_desc_types(cm, &t);
#ifndef NDEBUG
  check_desc_layout(&t);
#endif
  LLVMValueRef types = desc_types_array(cm, &t), imports = desc_imports(cm, &t);
  LLVMValueRef exports = desc_exports(cm, &t), fn[3], ent[3], seg[2];
  if (!types || !imports || !exports || !desc_funcs(cm, fn) || !desc_entities(cm, &t, ent) ||
      !desc_segments(cm, seg))
    return false;
  LLVMValueRef hash[32];
  for (int i = 0; i < 32; i++) hash[i] = i8c(cm, 0);
  uint32_t flags = cm->opts->bounds == SWASM_BOUNDS_EXPLICIT ? SWASM_DESCF_EXPLICIT_BOUNDS : 0;
  LLVMValueRef d[] = {
      cg_i32(cm, SWASM_ABI_VERSION), cg_i32(cm, flags), LLVMConstArray2(cm->t_i8, hash, 32),
      cg_const_string(cm, "", "swasm.cpu_features"),
      cg_i32(cm, m->ntypes), types, cg_i32(cm, m->nimports), imports,
      cg_i32(cm, m->nexports), exports,
      cg_i32(cm, m->nfuncs), cg_i32(cm, m->nimported_funcs), fn[0], fn[1], fn[2],
      cg_i32(cm, m->ntables), cg_i32(cm, m->nimported_tables), ent[0],
      cg_i32(cm, m->nmemories), cg_i32(cm, m->nimported_memories), ent[1],
      cg_i32(cm, m->nglobals), cg_i32(cm, m->nimported_globals), ent[2],
      cg_i32(cm, m->ndatas), seg[0], cg_i32(cm, m->nelems), seg[1],
      LLVMConstInt(cm->t_i64, (uint64_t)m->start, true),
      const_array(cm, cm->t_ptr, cm->trampolines, m->ntypes, "swasm.trampolines"),
      const_array(cm, cm->t_ptr, cm->thunks, m->ntypes, "swasm.host_thunks"), cm->init};
  LLVMValueRef g = LLVMAddGlobal(cm->mod, t.desc, SWASM_DESC_SYMBOL);
  LLVMSetInitializer(g, LLVMConstNamedStruct(t.desc, d, sizeof d / sizeof d[0]));
  LLVMSetGlobalConstant(g, true);
  LLVMSetLinkage(g, LLVMExternalLinkage);
  LLVMSetVisibility(g, LLVMDefaultVisibility);
  return true;
}

/* validate_core.c - the core side of a component: embedded modules (validated by the core
 * validator, plus the component rule that two-level import names be unique), their module
 * types, core type definitions including module types, and core instances with the core
 * subtyping of their instantiation arguments. */
#include <stdio.h>
#include <string.h>

#include "cm.h"

/* ---- core entities ---------------------------------------------------------------------- */

bool cm_push_core(cm_scope_t *s, const swasm_cm_coreentity_t *e) {
  switch (e->desc.kind) {
  case SWASM_EXTERN_FUNC: return cm_push(s, SWASM_CM_CORE_FUNC, &e->functype, sizeof e->functype);
  case SWASM_EXTERN_TABLE: return cm_push(s, SWASM_CM_CORE_TABLE, &e->desc.table, sizeof e->desc.table);
  case SWASM_EXTERN_MEMORY:
    return cm_push(s, SWASM_CM_CORE_MEMORY, &e->desc.memory, sizeof e->desc.memory);
  case SWASM_EXTERN_GLOBAL:
    return cm_push(s, SWASM_CM_CORE_GLOBAL, &e->desc.global, sizeof e->desc.global);
  case SWASM_EXTERN_TAG: return cm_push(s, SWASM_CM_CORE_TAG, &e->functype, sizeof e->functype);
  }
  return cm_fail(s->v, SWASM_INTERNAL, s->v->offset, "unknown core extern kind");
}

/* The core entity at index idx of a core sort's space. */
static bool core_entity(cm_scope_t *s, swasm_cm_sortidx_t idx, swasm_cm_coreentity_t *e) {
  memset(e, 0, sizeof *e);
  switch (idx.sort) {
  case SWASM_CM_CORE_FUNC: case SWASM_CM_CORE_TAG: {
    const swasm_functype_t **f = cm_get_entry(s, idx.sort, idx.index, sizeof *f);
    e->desc.kind = idx.sort == SWASM_CM_CORE_FUNC ? SWASM_EXTERN_FUNC : SWASM_EXTERN_TAG;
    return f && (e->functype = *f) != NULL;
  }
  case SWASM_CM_CORE_TABLE: {
    const swasm_tabletype_t *t = cm_get_entry(s, idx.sort, idx.index, sizeof *t);
    e->desc.kind = SWASM_EXTERN_TABLE;
    return t && (e->desc.table = *t, true);
  }
  case SWASM_CM_CORE_MEMORY: {
    const swasm_limits_t *m = cm_get_entry(s, idx.sort, idx.index, sizeof *m);
    e->desc.kind = SWASM_EXTERN_MEMORY;
    return m && (e->desc.memory = *m, true);
  }
  case SWASM_CM_CORE_GLOBAL: {
    const swasm_global_t *g = cm_get_entry(s, idx.sort, idx.index, sizeof *g);
    e->desc.kind = SWASM_EXTERN_GLOBAL;
    return g && (e->desc.global = *g, true);
  }
  default:
    return cm_fail(s->v, SWASM_INVALID, s->v->offset, "a %s cannot be exported from a core instance",
                   swasm_cm_sort_name(idx.sort));
  }
}

/* ---- embedded modules ------------------------------------------------------------------- */

static void module_entity(const swasm_module_t *m, swasm_externkind_t kind, uint32_t index,
                          swasm_cm_coreentity_t *e) {
  e->desc.kind = kind;
  switch (kind) {
  case SWASM_EXTERN_FUNC:
    e->desc.type = m->funcs[index].type;
    e->functype = &m->types[e->desc.type];
    break;
  case SWASM_EXTERN_TABLE: e->desc.table = m->tables[index]; break;
  case SWASM_EXTERN_MEMORY: e->desc.memory = m->memories[index]; break;
  case SWASM_EXTERN_GLOBAL: e->desc.global = m->globals[index]; break;
  case SWASM_EXTERN_TAG:
    e->desc.type = m->tags[index];
    e->functype = &m->types[e->desc.type];
    break;
  }
}

bool cm_val_core_module(cm_scope_t *s, swasm_module_t *m, uint32_t offset) {
  cm_val_t *v = s->v;
  swasm_diag_t diag;
  swasm_status_t st = swasm_module_validate(m, &diag);
  if (st != SWASM_OK) {
    if (diag.func >= 0)
      return cm_fail(v, st, offset + (uint32_t)diag.offset, "func %lld: %s", (long long)diag.func,
                     diag.message);
    return cm_fail(v, st, offset + (uint32_t)diag.offset, "%s", diag.message);
  }
  swasm_cm_moduletype_t *mt = cm_alloc(v, 1, sizeof *mt);
  swasm_cm_coreentity_t *im = mt ? cm_alloc(v, m->nimports, sizeof *im) : NULL;
  swasm_cm_coreentity_t *ex = im ? cm_alloc(v, m->nexports, sizeof *ex) : NULL;
  if (!ex) return false;
  cm_strset_t seen = {0};
  for (uint32_t i = 0; i < m->nimports; i++) {
    bool dup;
    if (!cm_strset_add(v->arena, &seen, m->imports[i].module, m->imports[i].name, &dup))
      return cm_fail(v, SWASM_LIMIT, offset, "out of memory");
    /* Components flatten two-level names to one, so a repeated pair could not be told apart. */
    if (dup)
      return cm_fail(v, SWASM_INVALID, offset + m->imports[i].offset, "duplicate import name `%s:%s`",
                     m->imports[i].module, m->imports[i].name);
    im[i].module = m->imports[i].module;
    im[i].name = m->imports[i].name;
    module_entity(m, m->imports[i].kind, m->imports[i].index, &im[i]);
  }
  for (uint32_t i = 0; i < m->nexports; i++) {
    ex[i].name = m->exports[i].name;
    module_entity(m, m->exports[i].kind, m->exports[i].index, &ex[i]);
  }
  mt->nimports = m->nimports;
  mt->imports = im;
  mt->nexports = m->nexports;
  mt->exports = ex;
  const swasm_cm_moduletype_t *cmt = mt;
  return cm_push(s, SWASM_CM_CORE_MODULE, &cmt, sizeof cmt);
}

/* ---- core types ------------------------------------------------------------------------- */

typedef struct modscope {
  cm_scope_t *outer;
  cm_vec_t types;       /* const swasm_functype_t * */
  cm_vec_t imports, exports;
  cm_strset_t import_names, export_names;
} modscope_t;

static bool limits_ok(cm_val_t *v, const swasm_limits_t *l, bool memory) {
  if (l->has_max && l->min > l->max)
    return cm_fail(v, SWASM_INVALID, v->offset, "size minimum must not be greater than maximum");
  uint64_t max_pages = l->is64 ? (uint64_t)1 << 48 : 65536;
  if (memory && (l->min > max_pages || (l->has_max && l->max > max_pages)))
    return cm_fail(v, SWASM_INVALID, v->offset, "memory size must be at most %llu pages (%s)",
                   (unsigned long long)max_pages, l->is64 ? "16 EiB" : "4GiB");
  if (memory && l->shared && !l->has_max)
    return cm_fail(v, SWASM_INVALID, v->offset, "shared memory must have maximum size");
  return true;
}

static bool mod_entity(modscope_t *ms, const swasm_cm_coreextern_t *d, swasm_cm_coreentity_t *e) {
  cm_val_t *v = ms->outer->v;
  e->desc = *d;
  switch (d->kind) {
  case SWASM_EXTERN_FUNC: case SWASM_EXTERN_TAG:
    if (d->type >= ms->types.n)
      return cm_fail(v, SWASM_INVALID, v->offset, "type index out of bounds: %u", d->type);
    e->functype = CM_VEC_AT(ms->types, const swasm_functype_t *, d->type);
    if (d->kind == SWASM_EXTERN_TAG && e->functype->nresults)
      return cm_fail(v, SWASM_INVALID, v->offset, "tag types must have no results");
    return true;
  case SWASM_EXTERN_TABLE: return limits_ok(v, &d->table.limits, false);
  case SWASM_EXTERN_MEMORY: return limits_ok(v, &d->memory, true);
  default: return true;
  }
}

static bool mod_alias(modscope_t *ms, const swasm_cm_coredecl_t *d) {
  cm_val_t *v = ms->outer->v;
  const swasm_functype_t *f;
  if (d->count == 0) {
    if (d->index >= ms->types.n)
      return cm_fail(v, SWASM_INVALID, d->offset, "type index out of bounds: %u", d->index);
    f = CM_VEC_AT(ms->types, const swasm_functype_t *, d->index);
  } else if (d->count == 1) {
    const cm_coretype_t *ct = cm_get_entry(ms->outer, SWASM_CM_CORE_TYPE, d->index, sizeof *ct);
    if (!ct) return false;
    if (!ct->func)
      return cm_fail(v, SWASM_INVALID, d->offset, "core type index %u is a module type, which "
                     "module types cannot alias", d->index);
    f = ct->func;
  } else {
    return cm_fail(v, SWASM_INVALID, d->offset, "invalid outer alias count of %u", d->count);
  }
  const swasm_functype_t **slot = cm_vec_push(v->arena, &ms->types, sizeof *slot);
  if (!slot) return cm_fail(v, SWASM_LIMIT, d->offset, "out of memory");
  *slot = f;
  return true;
}

static bool mod_extern(modscope_t *ms, const swasm_cm_coredecl_t *d, bool import) {
  cm_val_t *v = ms->outer->v;
  bool dup;
  cm_strset_t *names = import ? &ms->import_names : &ms->export_names;
  if (!cm_strset_add(v->arena, names, import ? d->module : NULL, d->name, &dup))
    return cm_fail(v, SWASM_LIMIT, d->offset, "out of memory");
  if (dup && import)
    return cm_fail(v, SWASM_INVALID, d->offset, "duplicate import name `%s:%s`", d->module, d->name);
  if (dup) return cm_fail(v, SWASM_INVALID, d->offset, "export name `%s` already defined", d->name);
  swasm_cm_coreentity_t *e = cm_vec_push(v->arena, import ? &ms->imports : &ms->exports, sizeof *e);
  if (!e) return cm_fail(v, SWASM_LIMIT, d->offset, "out of memory");
  e->module = import ? d->module : NULL;
  e->name = d->name;
  return mod_entity(ms, &d->desc, e);
}

static const swasm_cm_moduletype_t *module_type(cm_scope_t *s, const swasm_cm_coretype_t *ct) {
  cm_val_t *v = s->v;
  modscope_t ms;
  memset(&ms, 0, sizeof ms);
  ms.outer = s;
  for (uint32_t i = 0; i < ct->ndecls; i++) {
    const swasm_cm_coredecl_t *d = &ct->decls[i];
    v->offset = d->offset;
    bool ok = true;
    switch (d->kind) {
    case SWASM_CM_COREDECL_IMPORT: ok = mod_extern(&ms, d, true); break;
    case SWASM_CM_COREDECL_EXPORT: ok = mod_extern(&ms, d, false); break;
    case SWASM_CM_COREDECL_ALIAS: ok = mod_alias(&ms, d); break;
    case SWASM_CM_COREDECL_TYPE: {
      const swasm_functype_t **slot = cm_vec_push(v->arena, &ms.types, sizeof *slot);
      if (!slot) return cm_fail(v, SWASM_LIMIT, d->offset, "out of memory"), NULL;
      *slot = &d->functype;
      break;
    }
    }
    if (!ok) return NULL;
  }
  swasm_cm_moduletype_t *mt = cm_alloc(v, 1, sizeof *mt);
  if (!mt) return NULL;
  mt->nimports = ms.imports.n;
  mt->imports = ms.imports.data;
  mt->nexports = ms.exports.n;
  mt->exports = ms.exports.data;
  return mt;
}

bool cm_val_core_type(cm_scope_t *s, const swasm_cm_coretype_t *ct) {
  s->v->offset = ct->offset;
  cm_coretype_t entry = {0};
  if (ct->code == 0x60) entry.func = &ct->functype;
  else if (!(entry.module = module_type(s, ct))) return false;
  return cm_push(s, SWASM_CM_CORE_TYPE, &entry, sizeof entry);
}

/* ---- core instances --------------------------------------------------------------------- */

static const swasm_cm_coreentity_t *find_export(const swasm_cm_moduletype_t *t, const char *name) {
  for (uint32_t i = 0; i < t->nexports; i++)
    if (strcmp(t->exports[i].name, name) == 0) return &t->exports[i];
  return NULL;
}

static bool core_instantiate(cm_scope_t *s, const swasm_cm_core_instance_t *ci) {
  cm_val_t *v = s->v;
  if (ci->module >= cm_space_size(s, SWASM_CM_CORE_MODULE))
    return cm_fail(v, SWASM_INVALID, ci->offset, "unknown module: module index out of bounds: %u",
                   ci->module);
  const swasm_cm_moduletype_t *mt =
      *(const swasm_cm_moduletype_t **)cm_get_entry(s, SWASM_CM_CORE_MODULE, ci->module, sizeof mt);
  const swasm_cm_moduletype_t **args = cm_alloc(v, ci->nargs, sizeof *args);
  cm_strset_t names = {0};
  if (!args) return false;
  for (uint32_t i = 0; i < ci->nargs; i++) {
    bool dup;
    if (!cm_strset_add(v->arena, &names, NULL, ci->args[i].name, &dup))
      return cm_fail(v, SWASM_LIMIT, ci->offset, "out of memory");
    if (dup)
      return cm_fail(v, SWASM_INVALID, ci->offset, "duplicate module instantiation argument named "
                     "`%s`", ci->args[i].name);
    const swasm_cm_moduletype_t **a = cm_get_entry(s, SWASM_CM_CORE_INSTANCE, ci->args[i].item.index,
                                                   sizeof *a);
    if (!a) return false;
    args[i] = *a;
  }
  for (uint32_t i = 0; i < mt->nimports; i++) {
    const swasm_cm_coreentity_t *im = &mt->imports[i];
    const swasm_cm_moduletype_t *arg = NULL;
    for (uint32_t k = 0; k < ci->nargs && !arg; k++)
      if (strcmp(ci->args[k].name, im->module) == 0) arg = args[k];
    if (!arg)
      return cm_fail(v, SWASM_INVALID, ci->offset, "missing module instantiation argument named "
                     "`%s`", im->module);
    const swasm_cm_coreentity_t *ex = find_export(arg, im->name);
    if (!ex)
      return cm_fail(v, SWASM_INVALID, ci->offset, "module instantiation argument `%s` does not "
                     "export an item named `%s`", im->module, im->name);
    char err[CM_ERRLEN];
    if (!cm_sub_coreentity(ex, im, err))
      return cm_fail(v, SWASM_INVALID, ci->offset, "core instantiation argument `%s` export `%s`: %s",
                     im->module, im->name, err);
  }
  swasm_cm_moduletype_t *it = cm_alloc(v, 1, sizeof *it);
  if (!it) return false;
  it->nexports = mt->nexports;
  it->exports = mt->exports;
  const swasm_cm_moduletype_t *cit = it;
  return cm_push(s, SWASM_CM_CORE_INSTANCE, &cit, sizeof cit);
}

static bool core_bag(cm_scope_t *s, const swasm_cm_core_instance_t *ci) {
  cm_val_t *v = s->v;
  swasm_cm_coreentity_t *ex = cm_alloc(v, ci->nargs, sizeof *ex);
  swasm_cm_moduletype_t *it = ex ? cm_alloc(v, 1, sizeof *it) : NULL;
  cm_strset_t names = {0};
  if (!it) return false;
  for (uint32_t i = 0; i < ci->nargs; i++) {
    bool dup;
    if (!cm_strset_add(v->arena, &names, NULL, ci->args[i].name, &dup))
      return cm_fail(v, SWASM_LIMIT, ci->offset, "out of memory");
    if (dup)
      return cm_fail(v, SWASM_INVALID, ci->offset, "export name `%s` already defined",
                     ci->args[i].name);
    if (!core_entity(s, ci->args[i].item, &ex[i])) return false;
    ex[i].name = ci->args[i].name;
  }
  it->nexports = ci->nargs;
  it->exports = ex;
  const swasm_cm_moduletype_t *cit = it;
  return cm_push(s, SWASM_CM_CORE_INSTANCE, &cit, sizeof cit);
}

bool cm_val_core_instance(cm_scope_t *s, const swasm_cm_core_instance_t *ci) {
  s->v->offset = ci->offset;
  return ci->instantiate ? core_instantiate(s, ci) : core_bag(s, ci);
}

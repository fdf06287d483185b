/* inst_core.c - the core side of instantiation: embedded core modules compiled through the
 * compile cache and loaded once per instantiation tree, core instances (instantiated with
 * arguments resolved by module name, or bags of inline exports), core export aliases, and
 * canon definitions turned into run-time objects (lifted functions, lowered core functions,
 * resource built-ins, resource types with their destructors). */
#include <stdio.h>
#include <string.h>

#include "inst.h"

/* ---- core modules ------------------------------------------------------------------------ */

/* The loaded library of m, compiling it on first use. */
static swasm_loaded_t *load_module(swasm_cinst_t *r, swasm_module_t *m, swasm_error_t *err) {
  for (uint32_t i = 0; i < r->modules.n; i++)
    if (r->modules.p[i] == m) return r->loaded.p[i];
  swasm_loaded_t *l;
  if (r->opts.load) {
    if (!(l = r->opts.load(r->opts.load_env, m, err))) return NULL;
  } else {
    char path[4096];
    swasm_diag_t d;
    memset(&d, 0, sizeof d);
    if (swasm_compile_cached(m, &r->opts.compile, path, sizeof path, &d) != SWASM_OK) {
      ci_fail(err, "embedded core module does not compile: %s", d.message);
      return NULL;
    }
    if (!(l = swasm_load(path, err))) return NULL;
  }
  if (!ci_push(&r->modules, m) || !ci_push(&r->loaded, l)) {
    swasm_unload(l);
    if (r->modules.n > r->loaded.n) r->modules.n--;
    ci_fail(err, "out of memory");
    return NULL;
  }
  return l;
}

/* ---- core instances ---------------------------------------------------------------------- */

static bool core_export(const ci_core_t *ci, const char *name, swasm_extern_t *out) {
  if (ci->inst) return swasm_instance_export(ci->inst, name, out);
  for (uint32_t i = 0; i < ci->n; i++)
    if (strcmp(ci->names[i], name) == 0) {
      *out = ci->items[i];
      return true;
    }
  return false;
}

typedef struct resolve_env {
  ci_frame_t *f;
  const swasm_cm_core_instance_t *ci;
} resolve_env_t;

static bool resolve(void *env, const char *module, const char *name, uint32_t kind,
                    swasm_extern_t *out) {
  resolve_env_t *e = env;
  (void)kind;   /* the runtime checks kinds and types */
  for (uint32_t i = 0; i < e->ci->nargs; i++) {
    const swasm_cm_arg_t *a = &e->ci->args[i];
    if (strcmp(a->name, module) != 0 || a->item.sort != SWASM_CM_CORE_INSTANCE) continue;
    if (a->item.index >= e->f->n[SWASM_CM_CORE_INSTANCE]) return false;
    return core_export(e->f->cores[a->item.index], name, out);
  }
  return false;
}

static bool instantiate(ci_frame_t *f, const swasm_cm_core_instance_t *ci, ci_core_t *out,
                        swasm_error_t *err) {
  swasm_cinst_t *r = f->root;
  if (r->cores.n >= CI_MAX_CORE_INSTANCES)
    return ci_fail(err, "more than %d core instances", CI_MAX_CORE_INSTANCES);
  if (ci->module >= f->n[SWASM_CM_CORE_MODULE])
    return ci_fail(err, "core module index %u out of bounds", ci->module);
  swasm_loaded_t *l = load_module(r, f->modules[ci->module], err);
  if (!l) return false;
  resolve_env_t env = {f, ci};
  swasm_instance_t *inst = swasm_instantiate(l, resolve, &env, err);
  if (!inst) {
    char msg[sizeof err->message];
    snprintf(msg, sizeof msg, "core instance %u (module %u): %.460s",
             f->n[SWASM_CM_CORE_INSTANCE], ci->module, err->message);
    memcpy(err->message, msg, sizeof msg);
    return false;
  }
  if (!ci_push(&r->cores, inst)) {
    swasm_instance_free(inst);
    return ci_fail(err, "out of memory");
  }
  out->inst = inst;
  return true;
}

static bool bag(ci_frame_t *f, const swasm_cm_core_instance_t *ci, ci_core_t *out,
                swasm_error_t *err) {
  const char **names = ci_alloc(f->root, (size_t)ci->nargs * sizeof *names);
  out->items = ci_alloc(f->root, (size_t)ci->nargs * sizeof *out->items);
  if (!names || !out->items) return ci_fail(err, "out of memory");
  for (uint32_t i = 0; i < ci->nargs; i++) {
    swasm_cm_sortidx_t si = ci->args[i].item;
    if (si.sort > SWASM_CM_CORE_GLOBAL)
      return ci_fail(err, "core instance export `%s`: a %s is not supported", ci->args[i].name,
                     swasm_cm_sort_name(si.sort));
    if (si.index >= f->n[si.sort])
      return ci_fail(err, "%s index %u out of bounds", swasm_cm_sort_name(si.sort), si.index);
    names[i] = ci->args[i].name;
    out->items[i] = f->core[si.sort][si.index];
  }
  out->names = names;
  out->n = ci->nargs;
  return true;
}

bool ci_core_instance(ci_frame_t *f, const swasm_cm_core_instance_t *ci, swasm_error_t *err) {
  ci_core_t *c = ci_alloc(f->root, sizeof *c);
  if (!c) return ci_fail(err, "out of memory");
  if (!(ci->instantiate ? instantiate(f, ci, c, err) : bag(f, ci, c, err))) return false;
  if (f->n[SWASM_CM_CORE_INSTANCE] >= f->c->space_size[SWASM_CM_CORE_INSTANCE])
    return ci_fail(err, "internal error: core instance space overflows");
  f->cores[f->n[SWASM_CM_CORE_INSTANCE]++] = c;
  return true;
}

static bool push_core(ci_frame_t *f, swasm_cm_sort_t sort, swasm_extern_t x, swasm_error_t *err) {
  if (sort > SWASM_CM_CORE_GLOBAL || f->n[sort] >= f->c->space_size[sort])
    return ci_fail(err, "internal error: %s index space overflows", swasm_cm_sort_name(sort));
  f->core[sort][f->n[sort]++] = x;
  return true;
}

bool ci_core_alias(ci_frame_t *f, const swasm_cm_alias_t *a, swasm_error_t *err) {
  if (a->instance >= f->n[SWASM_CM_CORE_INSTANCE])
    return ci_fail(err, "core instance index %u out of bounds", a->instance);
  if (a->sort > SWASM_CM_CORE_GLOBAL)
    return ci_fail(err, "alias of a %s is not supported", swasm_cm_sort_name(a->sort));
  swasm_extern_t x;
  if (!core_export(f->cores[a->instance], a->name, &x) || x.kind != (uint32_t)a->sort)
    return ci_fail(err, "core instance %u has no %s export named `%s`", a->instance,
                   swasm_cm_sort_name(a->sort), a->name);
  return push_core(f, a->sort, x, err);
}

void ci_core_free(swasm_cinst_t *r) {
  for (uint32_t i = r->cores.n; i-- > 0;) swasm_instance_free(r->cores.p[i]);
  r->cores.n = 0;
  for (uint32_t i = 0; i < r->lowered.n; i++) {
    lk_lowered_t *lw = r->lowered.p[i];
    lk_adapter_free(lw->adapter);
    lw->adapter = NULL;
    lk_lowered_free(lw);
  }
  r->lowered.n = 0;
  for (uint32_t i = 0; i < r->host_funcs.n; i++) swasm_host_func_free(r->host_funcs.p[i]);
  r->host_funcs.n = 0;
  for (uint32_t i = 0; i < r->loaded.n; i++) swasm_unload(r->loaded.p[i]);
  r->loaded.n = r->modules.n = 0;
}

/* ---- canon definitions ------------------------------------------------------------------- */

static bool core_func(ci_frame_t *f, uint32_t idx, swasm_func_t *out, swasm_error_t *err) {
  if (idx >= f->n[SWASM_CM_CORE_FUNC]) return ci_fail(err, "core func index %u out of bounds", idx);
  *out = f->core[SWASM_CM_CORE_FUNC][idx].u.func;
  return true;
}

static bool resolve_opts(ci_frame_t *f, const swasm_cm_canonopts_t *o, lk_opts_t *out,
                         swasm_error_t *err) {
  memset(out, 0, sizeof *out);
  out->inst = &f->lk;
  out->enc = o->has_string_encoding ? o->string_encoding : SWASM_CM_UTF8;
  out->async = o->async;
  /* Async lifts and lowers are the canonical ABI's to accept or refuse; callbacks are not. */
  if (o->has_callback) return ci_fail(err, "async callbacks are not supported");
  if (o->has_memory) {
    if (o->memory >= f->n[SWASM_CM_CORE_MEMORY])
      return ci_fail(err, "core memory index %u out of bounds", o->memory);
    out->memory = f->core[SWASM_CM_CORE_MEMORY][o->memory].u.memory;
  }
  if (o->has_realloc && !core_func(f, o->realloc, &out->realloc, err)) return false;
  if (o->has_post_return && !core_func(f, o->post_return, &out->post_return, err)) return false;
  out->has_realloc = o->has_realloc;
  out->has_post_return = o->has_post_return;
  return true;
}

static bool lift(ci_frame_t *f, const swasm_cm_canon_t *cn, swasm_error_t *err) {
  lk_func_t *fn = ci_alloc(f->root, sizeof *fn);
  char *name = ci_alloc(f->root, 32);
  if (!fn || !name) return ci_fail(err, "out of memory");
  snprintf(name, 32, "func %u", f->n[SWASM_CM_FUNC]);
  fn->type = cn->functype;
  fn->name = name;
  if (!core_func(f, cn->func, &fn->core, err) || !resolve_opts(f, &cn->opts, &fn->opts, err))
    return false;
  const char *bad = lk_check_lift(fn);
  if (bad) return ci_fail(err, "%s (%s)", bad, name);
  ci_val_t v = {.sort = SWASM_CM_FUNC, .func = fn};
  if (f->n[SWASM_CM_FUNC] >= f->c->space_size[SWASM_CM_FUNC])
    return ci_fail(err, "internal error: func index space overflows");
  f->vals[SWASM_CM_FUNC][f->n[SWASM_CM_FUNC]++] = v;
  return true;
}

static bool lower(ci_frame_t *f, const swasm_cm_canon_t *cn, swasm_error_t *err) {
  if (cn->func >= f->n[SWASM_CM_FUNC]) return ci_fail(err, "func index %u out of bounds", cn->func);
  const lk_func_t *callee = f->vals[SWASM_CM_FUNC][cn->func].func;
  lk_lowered_t *lw = ci_alloc(f->root, sizeof *lw);
  if (!lw || !callee) return ci_fail(err, "out of memory");
  if (cn->functype && !ci_bind_like(f, cn->functype, callee->type))
    return ci_fail(err, "out of memory");
  lw->callee = callee;
  lw->type = cn->functype;   /* the lowering side's view of the type (NULL: the callee's) */
  if (!resolve_opts(f, &cn->opts, &lw->opts, err)) return false;
  swasm_func_t out;
  swasm_instance_t *ai = NULL;
  /* a generated adapter when it covers the call (linker/adapter), else the tree path; code
   * linked into an executable (opts.load) keeps the tree path: it compiles nothing */
  if (!f->root->opts.load && lk_adapters_enabled())
    lw->adapter = lk_adapter_new(lw, &f->root->opts.compile, &out, &ai);
  if (!lw->adapter && !lk_lower(lw, &out, err)) return false;
  if (!ci_push(&f->root->lowered, lw)) {
    if (ai) swasm_instance_free(ai);
    lk_adapter_free(lw->adapter);
    lk_lowered_free(lw);
    return ci_fail(err, "out of memory");
  }
  /* the adapter's instance is freed with the core instances, in creation order: after the
   * one that imports it, before the callee's */
  if (ai && !ci_push(&f->root->cores, ai)) {
    swasm_instance_free(ai);
    return ci_fail(err, "out of memory");
  }
  return push_core(f, SWASM_CM_CORE_FUNC, (swasm_extern_t){.kind = SWASM_K_FUNC, .u.func = out},
                   err);
}

static bool builtin(ci_frame_t *f, const swasm_cm_canon_t *cn, swasm_error_t *err) {
  if (cn->type >= f->n[SWASM_CM_TYPE]) return ci_fail(err, "type index %u out of bounds", cn->type);
  const ci_val_t *tv = &f->vals[SWASM_CM_TYPE][cn->type];
  lk_rtype_t *rt = tv->rt;
  if (!rt && tv->type && tv->type->resource) rt = lk_rtype_of(&f->lk, tv->type->resource);
  if (!rt) return ci_fail(err, "type %u is not a resource bound at run time", cn->type);
  swasm_host_func_t *hf = cn->kind == SWASM_CANON_RESOURCE_NEW  ? lk_resource_new(&f->lk, rt)
                          : cn->kind == SWASM_CANON_RESOURCE_DROP ? lk_resource_drop(&f->lk, rt)
                                                                  : lk_resource_rep(&f->lk, rt);
  if (!hf) return ci_fail(err, "cannot create a resource built-in for `%s`", rt->name);
  if (!ci_push(&f->root->host_funcs, hf)) {
    swasm_host_func_free(hf);
    return ci_fail(err, "out of memory");
  }
  swasm_extern_t x = {.kind = SWASM_K_FUNC, .u.func = swasm_host_func_get(hf)};
  return push_core(f, SWASM_CM_CORE_FUNC, x, err);
}

/* Primitive value types as semantic nodes, for task.return's result written as a primitive. */
static const swasm_cm_type_t *prim_type(uint8_t code) {
  static const swasm_cm_type_t prims[] = {
    {.kind = SWASM_CM_BOOL}, {.kind = SWASM_CM_S8}, {.kind = SWASM_CM_U8},
    {.kind = SWASM_CM_S16}, {.kind = SWASM_CM_U16}, {.kind = SWASM_CM_S32},
    {.kind = SWASM_CM_U32}, {.kind = SWASM_CM_S64}, {.kind = SWASM_CM_U64},
    {.kind = SWASM_CM_F32}, {.kind = SWASM_CM_F64}, {.kind = SWASM_CM_CHAR},
    {.kind = SWASM_CM_STRING}, {.kind = SWASM_CM_ERROR_CONTEXT}};
  for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++)
    if (prims[i].kind == code) return &prims[i];
  return NULL;
}

/* context.get/set, backpressure, task.return and the async built-ins (which trap). */
static bool other_builtin(ci_frame_t *f, const swasm_cm_canon_t *cn, swasm_error_t *err) {
  lk_opts_t opts;
  if (!resolve_opts(f, &cn->opts, &opts, err)) return false;
  const swasm_cm_type_t *result = NULL;
  if (cn->kind == SWASM_CANON_TASK_RETURN && cn->has_result) {
    uint32_t idx = cn->result.index;
    if (cn->result.prim) result = prim_type(cn->result.prim);
    else if (idx < f->n[SWASM_CM_TYPE]) result = f->c->space_types[SWASM_CM_TYPE][idx];
    if (!result) return ci_fail(err, "task.return: unknown result type");
  }
  swasm_host_func_t *hf = lk_builtin(&f->lk, cn, &opts, result, err);
  if (!hf) return false;
  if (!ci_push(&f->root->host_funcs, hf)) {
    swasm_host_func_free(hf);
    return ci_fail(err, "out of memory");
  }
  swasm_extern_t x = {.kind = SWASM_K_FUNC, .u.func = swasm_host_func_get(hf)};
  return push_core(f, SWASM_CM_CORE_FUNC, x, err);
}

bool ci_canon(ci_frame_t *f, const swasm_cm_canon_t *cn, swasm_error_t *err) {
  switch (cn->kind) {
  case SWASM_CANON_LIFT: return lift(f, cn, err);
  case SWASM_CANON_LOWER: return lower(f, cn, err);
  case SWASM_CANON_RESOURCE_NEW: case SWASM_CANON_RESOURCE_DROP: case SWASM_CANON_RESOURCE_REP:
    return builtin(f, cn, err);
  default:
    return other_builtin(f, cn, err);
  }
}

bool ci_resource_def(ci_frame_t *f, const swasm_cm_deftype_t *dt, swasm_error_t *err) {
  uint32_t idx = f->n[SWASM_CM_TYPE];
  const swasm_cm_type_t *t = idx < f->c->space_size[SWASM_CM_TYPE]
                                 ? f->c->space_types[SWASM_CM_TYPE][idx] : NULL;
  if (!t || t->kind != SWASM_CM_RESOURCE || !t->resource)
    return ci_fail(err, "internal error: type %u is not a resource", idx);
  lk_rtype_t *rt = ci_alloc(f->root, sizeof *rt);
  if (!rt) return ci_fail(err, "out of memory");
  rt->impl = &f->lk;
  rt->name = t->resource->name ? t->resource->name : "resource";
  if (dt->has_dtor) {
    if (!core_func(f, dt->dtor, &rt->dtor, err)) return false;
    rt->has_dtor = true;
  }
  f->vals[SWASM_CM_TYPE][idx] = (ci_val_t){.sort = SWASM_CM_TYPE, .type = t, .rt = rt};
  f->n[SWASM_CM_TYPE]++;
  if (!lk_bind_rtype(&f->lk, t->resource, rt)) return ci_fail(err, "out of memory");
  return true;
}

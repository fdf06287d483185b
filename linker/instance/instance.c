/* instance.c - component instantiation: walks a component's definitions in binary order,
 * filling run-time index spaces (a frame per component instance, nested ones included), and
 * the public entry points swasm_cinst_new / _free / _export / _call. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inst.h"

/* ---- memory ------------------------------------------------------------------------------ */

typedef struct ci_block {
  struct ci_block *next;
  max_align_t data[];
} ci_block_t;

void *ci_alloc(swasm_cinst_t *r, size_t size) {
  if (size > ((size_t)1 << 40)) return NULL;
  ci_block_t *b = calloc(1, sizeof *b + (size ? size : 1));
  if (!b) return NULL;
  b->next = r->blocks;
  r->blocks = b;
  return b->data;
}

bool ci_push(ci_ptrs_t *v, void *p) {
  if (v->n == v->cap) {
    uint32_t cap = v->cap ? v->cap * 2 : 8;
    void **np = realloc(v->p, (size_t)cap * sizeof *np);
    if (!np) return false;
    v->p = np;
    v->cap = cap;
  }
  v->p[v->n++] = p;
  return true;
}

bool ci_fail(swasm_error_t *err, const char *fmt, ...) {
  if (!err) return false;
  memset(err, 0, sizeof *err);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return false;
}

static bool oom(swasm_error_t *err) { return ci_fail(err, "out of memory"); }

/* ---- index spaces ------------------------------------------------------------------------ */

static ci_frame_t *frame_new(swasm_cinst_t *r, ci_frame_t *parent, ci_comp_t cc) {
  const swasm_component_t *c = cc.c;
  if (r->frames.n >= CI_MAX_FRAMES) return NULL;
  ci_frame_t *f = ci_alloc(r, sizeof *f);
  if (!f || !ci_push(&r->frames, f)) return NULL;
  f->root = r;
  f->scope = cc.scope;
  f->c = c;
  f->lk.parent = parent ? &parent->lk : NULL;
  f->lk.c = c;
  f->lk.may_leave = true;
  for (int s = SWASM_CM_CORE_FUNC; s <= SWASM_CM_CORE_TAG; s++)
    if (!(f->core[s] = ci_alloc(r, (size_t)c->space_size[s] * sizeof(swasm_extern_t)))) return NULL;
  f->modules = ci_alloc(r, (size_t)c->space_size[SWASM_CM_CORE_MODULE] * sizeof *f->modules);
  f->cores = ci_alloc(r, (size_t)c->space_size[SWASM_CM_CORE_INSTANCE] * sizeof *f->cores);
  if (!f->modules || !f->cores) return NULL;
  for (int s = SWASM_CM_FUNC; s < SWASM_CM_NSORTS; s++)
    if (!(f->vals[s] = ci_alloc(r, (size_t)c->space_size[s] * sizeof(ci_val_t)))) return NULL;
  f->self.exports = ci_alloc(r, (size_t)c->nexports * sizeof *f->self.exports);
  return f->self.exports ? f : NULL;
}

/* Appends v to its sort's space. Types and instances take this frame's type for the new index
 * and bind the resources it names to v's run-time types. */
static bool push_val(ci_frame_t *f, ci_val_t v, swasm_error_t *err) {
  swasm_cm_sort_t s = v.sort;
  const swasm_component_t *c = f->c;
  if (s < SWASM_CM_FUNC || f->n[s] >= c->space_size[s])
    return ci_fail(err, "internal error: %s index space overflows", swasm_cm_sort_name(s));
  uint32_t idx = f->n[s]++;
  const swasm_cm_type_t *t = c->space_types[s] ? c->space_types[s][idx] : NULL;
  if (s == SWASM_CM_TYPE) v.type = t;
  f->vals[s][idx] = v;
  if ((s == SWASM_CM_TYPE || s == SWASM_CM_INSTANCE) && t && !ci_bind_entity(f, t, s, &v))
    return oom(err);
  return true;
}

/* push_val, also for core modules (imported, aliased or exported by components). */
static bool push_any(ci_frame_t *f, ci_val_t v, swasm_error_t *err) {
  if (v.sort != SWASM_CM_CORE_MODULE) return push_val(f, v, err);
  if (f->n[v.sort] >= f->c->space_size[v.sort])
    return ci_fail(err, "internal error: core module index space overflows");
  f->modules[f->n[v.sort]++] = v.module;
  return true;
}

/* The value of a component-level item; a core module is also allowed (as an argument). */
static bool get_val(ci_frame_t *f, swasm_cm_sortidx_t si, ci_val_t *out, swasm_error_t *err) {
  memset(out, 0, sizeof *out);
  out->sort = si.sort;
  if (si.sort == SWASM_CM_CORE_MODULE) {
    if (si.index >= f->n[si.sort])
      return ci_fail(err, "core module index %u out of bounds", si.index);
    out->module = f->modules[si.index];
    return true;
  }
  if (si.sort < SWASM_CM_FUNC || si.sort == SWASM_CM_VALUE)
    return ci_fail(err, "a %s cannot be passed or exported here (not supported)",
                   swasm_cm_sort_name(si.sort));
  if (si.index >= f->n[si.sort])
    return ci_fail(err, "%s index %u is not defined yet", swasm_cm_sort_name(si.sort), si.index);
  *out = f->vals[si.sort][si.index];
  return true;
}

/* ---- definitions ------------------------------------------------------------------------- */

static bool instance_def(ci_frame_t *f, const swasm_cm_instance_t *in, swasm_error_t *err) {
  swasm_cinst_t *r = f->root;
  uint32_t n = in->instantiate ? in->nargs : in->nexports;
  ci_export_t *xs = ci_alloc(r, (size_t)n * sizeof *xs);
  if (!xs) return oom(err);
  for (uint32_t i = 0; i < n; i++) {
    swasm_cm_sortidx_t si = in->instantiate ? in->args[i].item : in->exports[i].item;
    xs[i].name = in->instantiate ? in->args[i].name : in->exports[i].name.name;
    if (!get_val(f, si, &xs[i].v, err)) return false;
  }
  ci_val_t v = {.sort = SWASM_CM_INSTANCE};
  if (in->instantiate) {
    if (in->component >= f->n[SWASM_CM_COMPONENT])
      return ci_fail(err, "component index %u out of bounds", in->component);
    ci_comp_t cc = f->vals[SWASM_CM_COMPONENT][in->component].comp;
    ci_frame_t *child = ci_instantiate(r, f, cc, xs, n, err);
    if (!child) return false;
    v.inst = &child->self;
  } else {
    if (!(v.inst = ci_alloc(r, sizeof *v.inst))) return oom(err);
    v.inst->n = n;
    v.inst->exports = xs;
  }
  return push_val(f, v, err);
}

static const ci_export_t *find_export(const ci_cinst_t *ci, const char *name) {
  for (uint32_t i = 0; ci && i < ci->n; i++)
    if (strcmp(ci->exports[i].name, name) == 0) return &ci->exports[i];
  return NULL;
}

static bool alias_def(ci_frame_t *f, const swasm_cm_alias_t *a, swasm_error_t *err) {
  if (a->target == SWASM_CM_ALIAS_CORE_EXPORT) return ci_core_alias(f, a, err);
  if (a->target == SWASM_CM_ALIAS_EXPORT) {
    if (a->instance >= f->n[SWASM_CM_INSTANCE])
      return ci_fail(err, "instance index %u out of bounds", a->instance);
    const ci_export_t *x = find_export(f->vals[SWASM_CM_INSTANCE][a->instance].inst, a->name);
    if (!x || x->v.sort != a->sort)
      return ci_fail(err, "instance %u has no %s export named `%s`", a->instance,
                     swasm_cm_sort_name(a->sort), a->name);
    return push_any(f, x->v, err);
  }
  ci_frame_t *t = f;
  for (uint32_t i = 0; i < a->count && t; i++) t = t->scope;
  if (!t) return ci_fail(err, "outer alias reaches past the outermost component");
  if (a->sort == SWASM_CM_CORE_TYPE) {
    f->n[SWASM_CM_CORE_TYPE]++;
    return true;
  }
  ci_val_t v;
  if (!get_val(t, (swasm_cm_sortidx_t){a->sort, a->index}, &v, err)) return false;
  return push_any(f, v, err);
}

static bool type_def(ci_frame_t *f, const swasm_cm_deftype_t *dt, swasm_error_t *err) {
  if (dt->code == SWASM_CM_RESOURCE) return ci_resource_def(f, dt, err);
  return push_val(f, (ci_val_t){.sort = SWASM_CM_TYPE}, err);
}

static bool import_def(ci_frame_t *f, uint32_t item, swasm_error_t *err) {
  const swasm_cm_import_t *im = &f->c->imports[item];
  const swasm_cm_entity_t *e = &f->c->type->imports[item];
  ci_val_t v;
  if (!f->lk.parent) {
    if (!ci_host_import(f, im, e, &v, err)) return false;
  } else {
    const ci_export_t *arg = NULL;
    for (uint32_t i = 0; i < f->nargs && !arg; i++)
      if (strcmp(f->args[i].name, im->name.name) == 0) arg = &f->args[i];
    if (!arg) return ci_fail(err, "missing instantiation argument `%s`", im->name.name);
    v = arg->v;
  }
  return push_any(f, v, err);
}

static bool export_def(ci_frame_t *f, const swasm_cm_export_t *ex, swasm_error_t *err) {
  ci_val_t v;
  if (!get_val(f, ex->item, &v, err)) return false;
  if (!push_any(f, v, err)) return false;
  if (ex->item.sort == SWASM_CM_TYPE) v = f->vals[SWASM_CM_TYPE][f->n[SWASM_CM_TYPE] - 1];
  f->self.exports[f->self.n++] = (ci_export_t){ex->name.name, v};
  return true;
}

static bool definition(ci_frame_t *f, const swasm_cm_def_t *d, swasm_error_t *err) {
  const swasm_component_t *c = f->c;
  switch (d->kind) {
  case SWASM_CM_DEF_CORE_MODULE:
    return push_any(f, (ci_val_t){.sort = SWASM_CM_CORE_MODULE, .module = c->modules[d->item]},
                    err);
  case SWASM_CM_DEF_CORE_INSTANCE: return ci_core_instance(f, &c->core_instances[d->item], err);
  case SWASM_CM_DEF_CORE_TYPE:
    f->n[SWASM_CM_CORE_TYPE]++;
    return true;
  case SWASM_CM_DEF_COMPONENT:
    return push_val(f, (ci_val_t){.sort = SWASM_CM_COMPONENT,
                                  .comp = {c->components[d->item], f}}, err);
  case SWASM_CM_DEF_INSTANCE: return instance_def(f, &c->instances[d->item], err);
  case SWASM_CM_DEF_ALIAS: return alias_def(f, &c->aliases[d->item], err);
  case SWASM_CM_DEF_TYPE: return type_def(f, c->types[d->item], err);
  case SWASM_CM_DEF_CANON: return ci_canon(f, &c->canons[d->item], err);
  case SWASM_CM_DEF_START:
    return ci_fail(err, "component start functions are not supported");
  case SWASM_CM_DEF_IMPORT: return import_def(f, d->item, err);
  case SWASM_CM_DEF_EXPORT: return export_def(f, &c->exports[d->item], err);
  }
  return ci_fail(err, "unknown definition kind %d", (int)d->kind);
}

ci_frame_t *ci_instantiate(swasm_cinst_t *r, ci_frame_t *parent, ci_comp_t cc,
                           const ci_export_t *args, uint32_t nargs, swasm_error_t *err) {
  if (!cc.c || !cc.c->validated) {
    ci_fail(err, "the component is not validated");
    return NULL;
  }
  ci_frame_t *f = frame_new(r, parent, cc);
  if (!f) {
    if (r->frames.n >= CI_MAX_FRAMES)
      ci_fail(err, "more than %d component instances: too many nested instantiations",
              CI_MAX_FRAMES);
    else
      oom(err);
    return NULL;
  }
  f->args = args;
  f->nargs = nargs;
  for (uint32_t i = 0; i < cc.c->ndefs; i++) {
    f->def = i;
    if (!definition(f, &cc.c->defs[i], err)) return NULL;
  }
  return f;
}

/* ---- the public API ---------------------------------------------------------------------- */

/* Top-level exported functions, and those of exported instances as "iface#f". */
static bool record_exports(swasm_cinst_t *r, const ci_cinst_t *ci, const char *prefix,
                           uint32_t depth) {
  for (uint32_t i = 0; i < ci->n; i++) {
    const ci_export_t *x = &ci->exports[i];
    if (x->v.sort != SWASM_CM_FUNC && x->v.sort != SWASM_CM_INSTANCE) continue;
    char *name;
    if (prefix) {
      size_t n = strlen(prefix) + strlen(x->name) + 2;
      if (!(name = ci_alloc(r, n))) return false;
      snprintf(name, n, "%s#%s", prefix, x->name);
    } else {
      name = (char *)x->name;
    }
    if (x->v.sort == SWASM_CM_FUNC) {
      if (!ci_push(&r->names, name) || !ci_push(&r->funcs, x->v.func)) return false;
    } else if (depth < 8 && x->v.inst && !record_exports(r, x->v.inst, name, depth + 1)) {
      return false;
    }
  }
  return true;
}

swasm_cinst_t *swasm_cinst_new(const swasm_component_t *c, const swasm_link_opts_t *opts,
                               swasm_error_t *err) {
  if (err) memset(err, 0, sizeof *err);
  if (!swasm_rt_init(err)) return NULL;
  swasm_cinst_t *r = calloc(1, sizeof *r);
  if (!r) {
    oom(err);
    return NULL;
  }
  if (opts) r->opts = *opts;
  r->top = ci_instantiate(r, NULL, (ci_comp_t){c, NULL}, NULL, 0, err);
  if (!r->top || !record_exports(r, &r->top->self, NULL, 0)) {
    if (r->top) oom(err);
    swasm_cinst_free(r);
    return NULL;
  }
  return r;
}

static void ptrs_free(ci_ptrs_t *v) {
  free(v->p);
  memset(v, 0, sizeof *v);
}

void swasm_cinst_free(swasm_cinst_t *r) {
  if (!r) return;
  ci_core_free(r);
  for (uint32_t i = 0; i < r->frames.n; i++) {
    ci_frame_t *f = r->frames.p[i];
    lk_table_free(&f->lk.handles);
    free(f->lk.rkeys);
    free(f->lk.rvals);
  }
  ci_ptrs_t *lists[] = {&r->frames, &r->cores, &r->modules, &r->loaded, &r->host_funcs,
                        &r->lowered, &r->rnodes, &r->rtypes, &r->names, &r->funcs};
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) ptrs_free(lists[i]);
  for (ci_block_t *b = r->blocks, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  free(r);
}

/* "iface@x.y.z#f" names the same function as "iface@x.y.w#f" when the versions match. */
static bool same_export(const char *have, const char *want) {
  if (strcmp(have, want) == 0) return true;
  const char *hh = strchr(have, '#'), *wh = strchr(want, '#');
  if (!hh || !wh || strcmp(hh, wh) != 0 || !memchr(want, '@', (size_t)(wh - want))) return false;
  char a[256], b[256];
  if ((size_t)(hh - have) >= sizeof a || (size_t)(wh - want) >= sizeof b) return false;
  snprintf(a, sizeof a, "%.*s", (int)(hh - have), have);
  snprintf(b, sizeof b, "%.*s", (int)(wh - want), want);
  return ci_iface_match(b, a);
}

bool swasm_cinst_export(swasm_cinst_t *r, const char *name, swasm_cfunc_t *out) {
  if (!r || !name) return false;
  for (int pass = 0; pass < 2; pass++)
    for (uint32_t i = 0; i < r->names.n; i++) {
      if (pass == 0 ? strcmp(r->names.p[i], name) != 0 : !same_export(r->names.p[i], name))
        continue;
      const lk_func_t *fn = r->funcs.p[i];
      *out = (swasm_cfunc_t){r, fn->type, i};
      return true;
    }
  return false;
}

bool swasm_cinst_call(const swasm_cfunc_t *f, const swasm_cval_t *args, swasm_cval_t *result,
                      swasm_carena_t *arena, swasm_error_t *err) {
  if (err) memset(err, 0, sizeof *err);
  if (!f || !f->inst || f->index >= f->inst->funcs.n)
    return ci_fail(err, "not an exported function of this instance");
  return lk_call(f->inst->funcs.p[f->index], args, result, arena, err);
}

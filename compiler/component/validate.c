/* validate.c - the component validator's driver: errors, scopes and their incremental index
 * spaces, the walk over a component's definitions in binary order (nested components and
 * embedded core modules included), and the component type that results. */
#include <stdio.h>
#include <string.h>

#include "cm.h"

bool cm_fail(cm_val_t *v, swasm_status_t st, uint32_t offset, const char *fmt, ...) {
  if (v->failed) return false;
  char msg[sizeof v->diag->message - 32];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  v->diag->status = st;
  v->diag->offset = offset;
  v->diag->func = -1;
  if (v->section) snprintf(v->diag->message, sizeof v->diag->message, "%s: %s", v->section, msg);
  else snprintf(v->diag->message, sizeof v->diag->message, "%s", msg);
  v->failed = true;
  return false;
}

/* Validation allocates as it goes (substitution copies types at every instantiation), so the
 * total is bounded: a small hostile component must not exhaust memory. */
bool cm_charge(cm_val_t *v, size_t bytes) {
  if (bytes > CM_MAX_VALIDATION_BYTES - v->allocated)
    return cm_fail(v, SWASM_LIMIT, v->offset, "validating the component needs more than %d MiB: "
                   "too complex", CM_MAX_VALIDATION_BYTES >> 20);
  v->allocated += bytes;
  return true;
}

void *cm_alloc(cm_val_t *v, size_t n, size_t size) {
  void *p = NULL;
  size_t bytes = n * size;
  if (size && n > SIZE_MAX / size) bytes = SIZE_MAX;
  if (!cm_charge(v, bytes)) return NULL;
  p = ir_arena_alloc(v->arena, bytes ? bytes : 1);
  if (!p) cm_fail(v, SWASM_LIMIT, v->offset, "out of memory");
  return p;
}

char *cm_strdup(cm_val_t *v, const char *s) {
  char *c = ir_arena_strndup(v->arena, s, strlen(s));
  if (!c) cm_fail(v, SWASM_LIMIT, v->offset, "out of memory");
  return c;
}

const char *swasm_cm_sort_name(swasm_cm_sort_t s) {
  static const char *const names[] = {
    "core func", "core table", "core memory", "core global", "core tag", "core type",
    "core module", "core instance", "func", "value", "type", "component", "instance",
  };
  return (unsigned)s < SWASM_CM_NSORTS ? names[s] : "?";
}

/* ---- scopes and index spaces ------------------------------------------------------------ */

bool cm_scope_init(cm_val_t *v, cm_scope_t *s, cm_scope_t *parent, cm_scopekind_t kind) {
  memset(s, 0, sizeof *s);
  s->parent = parent;
  s->kind = kind;
  s->v = v;
  uint32_t depth = 0;
  for (cm_scope_t *p = parent; p; p = p->parent) depth++;
  if (depth >= CM_MAX_DEPTH)
    return cm_fail(v, SWASM_LIMIT, v->offset, "components and types nested deeper than %d",
                   CM_MAX_DEPTH);
  return true;
}

static cm_vec_t *space(cm_scope_t *s, swasm_cm_sort_t sort) {
  switch (sort) {
  case SWASM_CM_CORE_FUNC: return &s->core_funcs;
  case SWASM_CM_CORE_TABLE: return &s->core_tables;
  case SWASM_CM_CORE_MEMORY: return &s->core_memories;
  case SWASM_CM_CORE_GLOBAL: return &s->core_globals;
  case SWASM_CM_CORE_TAG: return &s->core_tags;
  case SWASM_CM_CORE_TYPE: return &s->core_types;
  case SWASM_CM_CORE_MODULE: return &s->core_modules;
  case SWASM_CM_CORE_INSTANCE: return &s->core_instances;
  case SWASM_CM_FUNC: return &s->funcs;
  case SWASM_CM_VALUE: return &s->values;
  case SWASM_CM_TYPE: return &s->types;
  case SWASM_CM_COMPONENT: return &s->components;
  case SWASM_CM_INSTANCE: return &s->instances;
  default: return NULL;
  }
}

uint32_t cm_space_size(const cm_scope_t *s, swasm_cm_sort_t sort) {
  const cm_vec_t *vec = space((cm_scope_t *)s, sort);
  return vec ? vec->n : 0;
}

bool cm_push(cm_scope_t *s, swasm_cm_sort_t sort, const void *item, size_t size) {
  cm_vec_t *vec = space(s, sort);
  void *slot = vec ? cm_vec_push(s->v->arena, vec, size) : NULL;
  if (!slot) return cm_fail(s->v, SWASM_LIMIT, s->v->offset, "too many definitions");
  memcpy(slot, item, size);
  if (s->kind == CM_SCOPE_COMPONENT) {
    uint32_t *o = cm_vec_push(s->v->arena, &s->origins[sort], sizeof *o);
    if (!o) return cm_fail(s->v, SWASM_LIMIT, s->v->offset, "too many definitions");
    *o = s->def;
  }
  return true;
}

static const char *index_name(swasm_cm_sort_t sort) {
  switch (sort) {
  case SWASM_CM_CORE_FUNC: return "function";
  case SWASM_CM_CORE_TABLE: return "table";
  case SWASM_CM_CORE_MEMORY: return "memory";
  case SWASM_CM_CORE_GLOBAL: return "global";
  case SWASM_CM_CORE_TAG: return "tag";
  case SWASM_CM_CORE_TYPE: return "core type";
  case SWASM_CM_CORE_MODULE: return "module";
  case SWASM_CM_CORE_INSTANCE: return "core instance";
  case SWASM_CM_FUNC: return "func";
  case SWASM_CM_VALUE: return "value";
  case SWASM_CM_TYPE: return "type";
  case SWASM_CM_COMPONENT: return "component";
  case SWASM_CM_INSTANCE: return "instance";
  default: return "?";
  }
}

/* The address of entry idx of a sort's space, or NULL with an out-of-bounds error. */
static void *entry(cm_scope_t *s, swasm_cm_sort_t sort, uint32_t idx, size_t size) {
  cm_vec_t *vec = space(s, sort);
  if (!vec || idx >= vec->n) {
    if (sort == SWASM_CM_CORE_TAG)
      cm_fail(s->v, SWASM_INVALID, s->v->offset, "unknown tag %u: tag index out of bounds", idx);
    else
      cm_fail(s->v, SWASM_INVALID, s->v->offset, "%s index out of bounds: %u", index_name(sort), idx);
    return NULL;
  }
  return (char *)vec->data + (size_t)idx * size;
}

const swasm_cm_type_t *cm_get(cm_scope_t *s, swasm_cm_sort_t sort, uint32_t idx) {
  const swasm_cm_type_t **p = entry(s, sort, idx, sizeof *p);
  return p ? *p : NULL;
}

const swasm_cm_type_t *cm_get_type(cm_scope_t *s, uint32_t idx) {
  return cm_get(s, SWASM_CM_TYPE, idx);
}

const swasm_functype_t *cm_get_core_func(cm_scope_t *s, uint32_t idx) {
  const swasm_functype_t **p = entry(s, SWASM_CM_CORE_FUNC, idx, sizeof *p);
  return p ? *p : NULL;
}

void *cm_get_entry(cm_scope_t *s, swasm_cm_sort_t sort, uint32_t idx, size_t size) {
  return entry(s, sort, idx, size);
}

/* ---- the definitions of a component ----------------------------------------------------- */

static const char *def_section(swasm_cm_defkind_t k) {
  static const char *const names[] = {
    "core module section", "core instance section", "core type section", "component section",
    "instance section", "alias section", "type section", "canon section", "start section",
    "import section", "export section",
  };
  return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : NULL;
}

static bool nested(cm_scope_t *s, swasm_component_t *inner) {
  const swasm_cm_type_t *t;
  const char *section = s->v->section;
  if (!cm_validate_component(s->v, s, inner, &t)) return false;
  s->v->section = section;
  return cm_push(s, SWASM_CM_COMPONENT, &t, sizeof t);
}

static bool definition(cm_scope_t *s, swasm_component_t *c, const swasm_cm_def_t *d) {
  cm_val_t *v = s->v;
  v->section = def_section(d->kind);
  switch (d->kind) {
  case SWASM_CM_DEF_CORE_MODULE:
    v->offset = c->module_offsets[d->item];
    return cm_val_core_module(s, c->modules[d->item], c->module_offsets[d->item]);
  case SWASM_CM_DEF_CORE_INSTANCE:
    v->offset = c->core_instances[d->item].offset;
    return cm_val_core_instance(s, &c->core_instances[d->item]);
  case SWASM_CM_DEF_CORE_TYPE:
    v->offset = c->core_types[d->item]->offset;
    return cm_val_core_type(s, c->core_types[d->item]);
  case SWASM_CM_DEF_COMPONENT:
    v->offset = c->components[d->item]->offset;
    return nested(s, c->components[d->item]);
  case SWASM_CM_DEF_INSTANCE:
    v->offset = c->instances[d->item].offset;
    return cm_val_instance(s, &c->instances[d->item]);
  case SWASM_CM_DEF_ALIAS:
    v->offset = c->aliases[d->item].offset;
    return cm_val_alias(s, &c->aliases[d->item]);
  case SWASM_CM_DEF_TYPE:
    v->offset = c->types[d->item]->offset;
    return cm_val_type(s, c->types[d->item]);
  case SWASM_CM_DEF_CANON:
    v->offset = c->canons[d->item].offset;
    return cm_val_canon(s, &c->canons[d->item]);
  case SWASM_CM_DEF_START:
    v->offset = c->starts[d->item].offset;
    return cm_val_start(s, &c->starts[d->item]);
  case SWASM_CM_DEF_IMPORT:
    v->offset = c->imports[d->item].offset;
    return cm_val_import(s, &c->imports[d->item]);
  case SWASM_CM_DEF_EXPORT:
    v->offset = c->exports[d->item].offset;
    return cm_val_export(s, &c->exports[d->item]);
  }
  return cm_fail(v, SWASM_INTERNAL, v->offset, "unknown definition kind");
}

/* The type of a component or component type: its imports and exports, binding the resources
 * its imports introduce and those it defines. */
const swasm_cm_type_t *cm_scope_type(cm_scope_t *s, uint8_t kind) {
  cm_val_t *v = s->v;
  swasm_cm_type_t *t = cm_new_type(v, kind);
  if (!t) return NULL;
  t->nimports = s->imports.n;
  t->imports = s->imports.data;
  t->nexports = s->exports.n;
  t->exports = s->exports.data;
  uint32_t nimp = s->imported_resources.n, ndef = s->defined_resources.n;
  const swasm_cm_resource_t **rs = cm_alloc(v, (size_t)nimp + ndef, sizeof *rs);
  if (!rs) return NULL;
  for (uint32_t i = 0; i < nimp; i++) rs[i] = &CM_VEC_AT(s->imported_resources, cm_resource_t *, i)->pub;
  for (uint32_t i = 0; i < ndef; i++)
    rs[nimp + i] = &CM_VEC_AT(s->defined_resources, cm_resource_t *, i)->pub;
  t->resources = rs;
  t->nresources = nimp + ndef;
  t->nimported_resources = nimp;
  return cm_finish_type(v, t) ? t : NULL;
}

static void record_spaces(cm_scope_t *s, swasm_component_t *c) {
  for (int sort = 0; sort < SWASM_CM_NSORTS; sort++) {
    c->space_size[sort] = s->origins[sort].n;
    c->space[sort] = s->origins[sort].data;
  }
  /* Component-level spaces hold type pointers; the linker reads them to bind resources. */
  static const swasm_cm_sort_t typed[] = {SWASM_CM_FUNC, SWASM_CM_VALUE, SWASM_CM_TYPE,
                                          SWASM_CM_COMPONENT, SWASM_CM_INSTANCE};
  for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++)
    c->space_types[typed[i]] = space(s, typed[i])->data;
}

bool cm_validate_component(cm_val_t *v, cm_scope_t *parent, swasm_component_t *c,
                           const swasm_cm_type_t **type_out) {
  cm_scope_t s;
  if (!cm_scope_init(v, &s, parent, CM_SCOPE_COMPONENT)) return false;
  s.c = c;
  for (uint32_t i = 0; i < c->ndefs; i++) {
    s.def = i;
    if (!definition(&s, c, &c->defs[i])) return false;
  }
  v->section = NULL;
  v->offset = c->offset;
  const swasm_cm_type_t *t = cm_scope_type(&s, SWASM_CM_COMPONENTTYPE);
  if (!t) return false;
  record_spaces(&s, c);
  c->type = t;
  c->validated = true;
  *type_out = t;
  return true;
}

swasm_status_t swasm_component_validate(swasm_component_t *c, swasm_diag_t *diag) {
  memset(diag, 0, sizeof *diag);
  diag->func = -1;
  cm_val_t v;
  memset(&v, 0, sizeof v);
  v.diag = diag;
  v.arena = c->arena;
  const swasm_cm_type_t *t;
  if (!cm_validate_component(&v, NULL, c, &t)) return diag->status ? diag->status : SWASM_INVALID;
  return SWASM_OK;
}

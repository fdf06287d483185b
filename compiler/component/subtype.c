/* subtype.c - when one component or core type may stand for another: structural equality of
 * value types (resources by identity), subtyping of functions, instances and components (extra
 * exports may be forgotten, imports may be fewer), and core extern and module type matching,
 * each failure explained with the path to the mismatch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cm.h"

static bool fail(char *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static bool fail(char *err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, CM_ERRLEN, fmt, ap);
  va_end(ap);
  return false;
}

/* Puts context in front of the cause already in err. */
static bool wrap(char *err, const char *fmt, const char *name) {
  char buf[3 * CM_ERRLEN];
  int n = snprintf(buf, sizeof buf, fmt, name);
  if (n < 0) n = 0;
  if (n > CM_ERRLEN) n = CM_ERRLEN;
  snprintf(buf + n, sizeof buf - (size_t)n, ": %s", err);
  memcpy(err, buf, CM_ERRLEN - 1);
  err[CM_ERRLEN - 1] = 0;
  return false;
}

const char *cm_entity_sort_name(swasm_cm_sort_t s) {
  switch (s) {
  case SWASM_CM_CORE_MODULE: return "module";
  case SWASM_CM_FUNC: return "func";
  case SWASM_CM_VALUE: return "value";
  case SWASM_CM_TYPE: return "type";
  case SWASM_CM_COMPONENT: return "component";
  case SWASM_CM_INSTANCE: return "instance";
  default: return swasm_cm_sort_name(s);
  }
}

/* ---- value types ------------------------------------------------------------------------ */

/* Pairs already found equal during one comparison. Types are DAGs: without this, comparing two
 * copies of a type that reuses a part at every level would take time exponential in its depth.
 * The cache is lossy (a slot is overwritten on collision), which only costs repeated work. */
enum { CACHE_SLOTS = 1024 };
typedef struct cache {
  const swasm_cm_type_t *a[CACHE_SLOTS], *b[CACHE_SLOTS];
} cache_t;

static uint32_t slot_of(const swasm_cm_type_t *a, const swasm_cm_type_t *b) {
  uint64_t x = (uint64_t)(uintptr_t)a * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)b;
  return (uint32_t)(x >> 32) & (CACHE_SLOTS - 1);
}

static bool sub_val(cache_t *c, const swasm_cm_type_t *a, const swasm_cm_type_t *b, char *err);

static bool same_labels(const swasm_cm_type_t *a, const swasm_cm_type_t *b) {
  if (a->n != b->n) return false;
  for (uint32_t i = 0; i < a->n; i++)
    if (strcmp(a->fields[i].name, b->fields[i].name) != 0) return false;
  return true;
}

static bool sub_record(cache_t *c, const swasm_cm_type_t *a, const swasm_cm_type_t *b, char *err) {
  if (a->n != b->n) return fail(err, "expected %u fields, found %u", b->n, a->n);
  for (uint32_t i = 0; i < a->n; i++) {
    if (strcmp(a->fields[i].name, b->fields[i].name) != 0)
      return fail(err, "expected field name `%s`, found `%s`", b->fields[i].name,
                  a->fields[i].name);
    if (!sub_val(c, a->fields[i].type, b->fields[i].type, err))
      return wrap(err, "type mismatch in record field `%s`", b->fields[i].name);
  }
  return true;
}

static bool sub_variant(cache_t *c, const swasm_cm_type_t *a, const swasm_cm_type_t *b, char *err) {
  if (a->n != b->n) return fail(err, "expected %u cases, found %u", b->n, a->n);
  for (uint32_t i = 0; i < a->n; i++) {
    const swasm_cm_tfield_t *ca = &a->fields[i], *cb = &b->fields[i];
    if (strcmp(ca->name, cb->name) != 0)
      return fail(err, "expected case named `%s`, found `%s`", cb->name, ca->name);
    if (cb->type && !ca->type)
      return fail(err, "expected case `%s` to have a type, found none", cb->name);
    if (!cb->type && ca->type) return fail(err, "expected case `%s` to have no type", cb->name);
    if (cb->type && !sub_val(c, ca->type, cb->type, err))
      return wrap(err, "type mismatch in variant case `%s`", cb->name);
  }
  return true;
}

static bool sub_tuple(cache_t *c, const swasm_cm_type_t *a, const swasm_cm_type_t *b, char *err) {
  if (a->n != b->n) return fail(err, "expected %u types, found %u", b->n, a->n);
  for (uint32_t i = 0; i < a->n; i++) {
    if (!sub_val(c, a->fields[i].type, b->fields[i].type, err)) {
      char idx[16];
      snprintf(idx, sizeof idx, "%u", i);
      return wrap(err, "type mismatch in tuple field %s", idx);
    }
  }
  return true;
}

static bool sub_optional(cache_t *c, const swasm_cm_type_t *a, const swasm_cm_type_t *b, char *err,
                         const char *what) {
  if (b && !a) return fail(err, "expected %s type, but found none", what);
  if (!b && a) return fail(err, "expected %s type to not be present", what);
  if (b && !sub_val(c, a, b, err)) return wrap(err, "type mismatch in %s variant", what);
  return true;
}

static bool sub_handle(const swasm_cm_type_t *a, const swasm_cm_type_t *b, char *err) {
  if (a->kind != b->kind)
    return fail(err, "expected %s, found %s", cm_kind_name(b->kind), cm_kind_name(a->kind));
  if (a->a->resource != b->a->resource) return fail(err, "resource types are not the same");
  return true;
}

static bool sub_elem(cache_t *c, const swasm_cm_type_t *a, const swasm_cm_type_t *b, char *err,
                     const char *what) {
  if (!a || !b) {
    if (a != b) return fail(err, "type mismatch in %s element", what);
    return true;
  }
  if (!sub_val(c, a, b, err)) return wrap(err, "type mismatch in %s", what);
  return true;
}

static bool sub_defined(cache_t *c, const swasm_cm_type_t *a, const swasm_cm_type_t *b, char *err) {
  switch (b->kind) {
  case SWASM_CM_RECORD: return sub_record(c, a, b, err);
  case SWASM_CM_VARIANT: return sub_variant(c, a, b, err);
  case SWASM_CM_TUPLE: return sub_tuple(c, a, b, err);
  case SWASM_CM_FLAGS: return same_labels(a, b) || fail(err, "mismatch in flags elements");
  case SWASM_CM_ENUM: return same_labels(a, b) || fail(err, "mismatch in enum elements");
  case SWASM_CM_LIST: return sub_elem(c, a->a, b->a, err, "list");
  case SWASM_CM_OPTION: return sub_elem(c, a->a, b->a, err, "option");
  case SWASM_CM_FIXED_LIST:
    if (a->length != b->length)
      return fail(err, "expected list of %u elements, found %u", b->length, a->length);
    return sub_elem(c, a->a, b->a, err, "list");
  case SWASM_CM_RESULT:
    return sub_optional(c, a->a, b->a, err, "ok") && sub_optional(c, a->b, b->b, err, "err");
  case SWASM_CM_OWN: case SWASM_CM_BORROW: return sub_handle(a, b, err);
  case SWASM_CM_STREAM: return sub_elem(c, a->a, b->a, err, "stream");
  case SWASM_CM_FUTURE: return sub_elem(c, a->a, b->a, err, "future");
  case SWASM_CM_MAP:
    return sub_elem(c, a->a, b->a, err, "map key") && sub_elem(c, a->b, b->b, err, "map value");
  default: return fail(err, "unexpected type kind");
  }
}

/* Value types match structurally; primitive nodes are shared, so equal pointers are common. */
static bool sub_val(cache_t *c, const swasm_cm_type_t *a, const swasm_cm_type_t *b, char *err) {
  if (a == b) return true;
  uint32_t slot = slot_of(a, b);
  if (c->a[slot] == a && c->b[slot] == b) return true;
  bool pa = cm_is_prim(a->kind), pb = cm_is_prim(b->kind);
  if (pa && pb) {
    if (a->kind == b->kind) return true;
    return fail(err, "expected primitive `%s` found primitive `%s`", cm_kind_name(b->kind),
                cm_kind_name(a->kind));
  }
  if (a->kind != b->kind) {
    /* A primitive given a name by a type definition is reported as "primitive". */
    if (pb && cm_prim(b->kind) != b)
      return fail(err, "expected primitive, found %s", cm_kind_name(a->kind));
    if ((a->kind == SWASM_CM_OWN || a->kind == SWASM_CM_BORROW) &&
        (b->kind == SWASM_CM_OWN || b->kind == SWASM_CM_BORROW))
      return sub_handle(a, b, err);
    return fail(err, "expected %s, found %s", cm_kind_name(b->kind), cm_kind_name(a->kind));
  }
  if (!sub_defined(c, a, b, err)) return false;
  c->a[slot] = a;
  c->b[slot] = b;
  return true;
}

bool cm_sub_valtype(const swasm_cm_type_t *a, const swasm_cm_type_t *b, char *err) {
  cache_t *c = calloc(1, sizeof *c);
  if (!c) return fail(err, "out of memory");
  bool ok = sub_val(c, a, b, err);
  free(c);
  return ok;
}

/* ---- functions, instances, components --------------------------------------------------- */

static bool sub_func(const swasm_cm_type_t *a, const swasm_cm_type_t *b, char *err) {
  if (a->async != b->async)
    return fail(err, "expected %s function, found %s function", b->async ? "async" : "sync",
                a->async ? "async" : "sync");
  if (a->n != b->n) return fail(err, "expected %u parameters, found %u", b->n, a->n);
  for (uint32_t i = 0; i < a->n; i++) {
    if (strcmp(a->fields[i].name, b->fields[i].name) != 0)
      return fail(err, "expected parameter named `%s`, found `%s`", b->fields[i].name,
                  a->fields[i].name);
    if (!cm_sub_valtype(a->fields[i].type, b->fields[i].type, err))
      return wrap(err, "type mismatch in function parameter `%s`", b->fields[i].name);
  }
  if (a->a && !b->a) return fail(err, "expected a result, found none");
  if (!a->a && b->a) return fail(err, "expected no result, found a result");
  if (a->a && !cm_sub_valtype(a->a, b->a, err)) return wrap(err, "type mismatch with result type", "");
  return true;
}

static const swasm_cm_entity_t *find_entity(const swasm_cm_entity_t *es, uint32_t n,
                                            const char *name) {
  for (uint32_t i = 0; i < n; i++)
    if (strcmp(es[i].name, name) == 0) return &es[i];
  return NULL;
}

static bool sub_instance(cm_val_t *v, const swasm_cm_type_t *a, const swasm_cm_type_t *b,
                         char *err) {
  for (uint32_t i = 0; i < b->nexports; i++) {
    const swasm_cm_entity_t *eb = &b->exports[i];
    const swasm_cm_entity_t *ea = find_entity(a->exports, a->nexports, eb->name);
    if (!ea) return fail(err, "missing expected export `%s`", eb->name);
    if (!cm_sub_entity(v, ea, eb, err)) return wrap(err, "type mismatch in instance export `%s`", eb->name);
  }
  return true;
}

static bool resource_vars(cm_val_t *v, cm_map_t *vars, const swasm_cm_type_t *t, uint32_t from,
                          uint32_t to) {
  for (uint32_t i = from; i < to; i++)
    if (!cm_set_add(v->arena, vars, t->resources[i])) return false;
  return true;
}

/* a <: b for component types: b's imports are supplied to a as arguments (binding a's imported
 * resources), then each of b's exports is matched by a's (binding b's exported resources). */
static bool sub_component(cm_val_t *v, const swasm_cm_type_t *a, const swasm_cm_type_t *b,
                          char *err) {
  cm_subst_t sa, sb;
  cm_map_t avars = {0}, bvars = {0};
  memset(&sa, 0, sizeof sa);
  memset(&sb, 0, sizeof sb);
  if (!resource_vars(v, &avars, a, 0, a->nimported_resources) ||
      !resource_vars(v, &bvars, b, b->nimported_resources, b->nresources))
    return fail(err, "out of memory");
  for (uint32_t i = 0; i < a->nimports; i++) {
    const swasm_cm_entity_t *ia = &a->imports[i];
    const swasm_cm_entity_t *ib = find_entity(b->imports, b->nimports, ia->name);
    if (!ib) return fail(err, "missing expected import `%s`", ia->name);
    swasm_cm_entity_t exp;
    if (!cm_subst_entity(v, &sa, ia, &exp) || !cm_bind(v, &sa, &avars, &exp, ib, false) ||
        !cm_subst_entity(v, &sa, ia, &exp))
      return fail(err, "out of memory");
    if (!cm_sub_entity(v, ib, &exp, err)) return wrap(err, "type mismatch in import `%s`", ia->name);
  }
  for (uint32_t i = 0; i < b->nexports; i++) {
    const swasm_cm_entity_t *eb = &b->exports[i];
    const swasm_cm_entity_t *found = find_entity(a->exports, a->nexports, eb->name);
    if (!found) return fail(err, "missing expected export `%s`", eb->name);
    swasm_cm_entity_t ea, exp;
    if (!cm_subst_entity(v, &sa, found, &ea) || !cm_subst_entity(v, &sb, eb, &exp) ||
        !cm_bind(v, &sb, &bvars, &exp, &ea, false) || !cm_subst_entity(v, &sb, eb, &exp))
      return fail(err, "out of memory");
    if (!cm_sub_entity(v, &ea, &exp, err)) return wrap(err, "type mismatch in export `%s`", eb->name);
  }
  return true;
}

bool cm_sub_type(cm_val_t *v, const swasm_cm_type_t *a, const swasm_cm_type_t *b, char *err) {
  if (a == b) return true;
  if (b->kind == SWASM_CM_RESOURCE) {
    if (a->kind != SWASM_CM_RESOURCE)
      return fail(err, "expected resource, found %s", cm_is_valtype_kind(a->kind) ? "defined type"
                                                                                : cm_kind_name(a->kind));
    return a->resource == b->resource || fail(err, "resource types are not the same");
  }
  if (cm_is_valtype_kind(b->kind)) {
    if (!cm_is_valtype_kind(a->kind))
      return fail(err, "expected defined type, found %s", cm_kind_name(a->kind));
    return cm_sub_valtype(a, b, err);
  }
  if (a->kind != b->kind)
    return fail(err, "expected %s, found %s", cm_kind_name(b->kind), cm_kind_name(a->kind));
  switch (b->kind) {
  case SWASM_CM_FUNCTYPE: return sub_func(a, b, err);
  case SWASM_CM_INSTANCETYPE: return sub_instance(v, a, b, err);
  case SWASM_CM_COMPONENTTYPE: return sub_component(v, a, b, err);
  default: return fail(err, "unexpected type kind");
  }
}

bool cm_sub_entity(cm_val_t *v, const swasm_cm_entity_t *a, const swasm_cm_entity_t *b,
                   char *err) {
  if (a->sort != b->sort)
    return fail(err, "expected %s, found %s", cm_entity_sort_name(b->sort),
                cm_entity_sort_name(a->sort));
  if (b->sort == SWASM_CM_CORE_MODULE) return cm_sub_moduletype(a->module, b->module, err);
  if (b->sort == SWASM_CM_VALUE) return cm_sub_valtype(a->type, b->type, err);
  return cm_sub_type(v, a->type, b->type, err);
}

/* ---- core types ------------------------------------------------------------------------- */

bool cm_functype_eq(const swasm_functype_t *a, const swasm_functype_t *b) {
  return a->nparams == b->nparams && a->nresults == b->nresults &&
         (a->nparams == 0 || memcmp(a->params, b->params, a->nparams) == 0) &&
         (a->nresults == 0 || memcmp(a->results, b->results, a->nresults) == 0);
}

static void append(char *buf, size_t size, size_t *len, const char *s) {
  size_t n = strlen(s);
  if (*len + n + 1 > size) n = *len + 1 < size ? size - *len - 1 : 0;
  memcpy(buf + *len, s, n);
  *len += n;
  buf[*len] = 0;
}

static void valtypes(char *buf, size_t size, size_t *len, const char *kw, const uint8_t *t,
                     uint32_t n) {
  if (!n) return;
  append(buf, size, len, " (");
  append(buf, size, len, kw);
  for (uint32_t i = 0; i < n; i++) {
    append(buf, size, len, " ");
    append(buf, size, len, swasm_valtype_name(t[i]));
  }
  append(buf, size, len, ")");
}

void cm_format_functype(const swasm_functype_t *f, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = 0;
  append(buf, size, &len, "(func");
  valtypes(buf, size, &len, "param", f->params, f->nparams);
  valtypes(buf, size, &len, "result", f->results, f->nresults);
  append(buf, size, &len, ")");
}

static const char *core_kind_name(swasm_externkind_t k) {
  static const char *const names[] = {"func", "table", "memory", "global", "tag"};
  return (unsigned)k < 5 ? names[k] : "?";
}

static bool limits_sub(const swasm_limits_t *a, const swasm_limits_t *b) {
  if (a->min < b->min) return false;
  if (!b->has_max) return true;
  return a->has_max && a->max <= b->max;
}

bool cm_sub_coreentity(const swasm_cm_coreentity_t *a, const swasm_cm_coreentity_t *b, char *err) {
  if (a->desc.kind != b->desc.kind)
    return fail(err, "expected %s, found %s", core_kind_name(b->desc.kind),
                core_kind_name(a->desc.kind));
  switch (b->desc.kind) {
  case SWASM_EXTERN_FUNC: case SWASM_EXTERN_TAG:
    if (!cm_functype_eq(a->functype, b->functype)) {
      char ea[160], eb[160];
      cm_format_functype(a->functype, ea, sizeof ea);
      cm_format_functype(b->functype, eb, sizeof eb);
      return fail(err, "type mismatch: expected: %s, found: %s", eb, ea);
    }
    return true;
  case SWASM_EXTERN_TABLE:
    if (a->desc.table.elemtype != b->desc.table.elemtype)
      return fail(err, "expected table element type %s, found %s",
                  swasm_valtype_name(b->desc.table.elemtype),
                  swasm_valtype_name(a->desc.table.elemtype));
    if (a->desc.table.limits.is64 != b->desc.table.limits.is64 ||
        !limits_sub(&a->desc.table.limits, &b->desc.table.limits))
      return fail(err, "mismatch in table limits");
    return true;
  case SWASM_EXTERN_MEMORY:
    if (a->desc.memory.shared != b->desc.memory.shared)
      return fail(err, "mismatch in the shared flag for memories");
    if (a->desc.memory.is64 != b->desc.memory.is64) return fail(err, "mismatch in index type used for memories");
    if (!limits_sub(&a->desc.memory, &b->desc.memory)) return fail(err, "mismatch in memory limits");
    return true;
  case SWASM_EXTERN_GLOBAL:
    if (a->desc.global.mut != b->desc.global.mut) return fail(err, "global types differ in mutability");
    if (a->desc.global.type != b->desc.global.type)
      return fail(err, "expected global type %s, found %s", swasm_valtype_name(b->desc.global.type),
                  swasm_valtype_name(a->desc.global.type));
    return true;
  }
  return fail(err, "unknown core extern kind");
}

static const swasm_cm_coreentity_t *find_core(const swasm_cm_coreentity_t *es, uint32_t n,
                                              const char *module, const char *name) {
  for (uint32_t i = 0; i < n; i++) {
    if (strcmp(es[i].name, name) != 0) continue;
    if (module && strcmp(es[i].module, module) != 0) continue;
    return &es[i];
  }
  return NULL;
}

/* a <: b: a imports nothing that b does not (checked contravariantly) and exports everything
 * b does (covariantly). */
bool cm_sub_moduletype(const swasm_cm_moduletype_t *a, const swasm_cm_moduletype_t *b, char *err) {
  char qual[CM_ERRLEN];
  for (uint32_t i = 0; i < a->nimports; i++) {
    const swasm_cm_coreentity_t *ia = &a->imports[i];
    snprintf(qual, sizeof qual, "%.180s::%.180s", ia->module, ia->name);
    const swasm_cm_coreentity_t *ib = find_core(b->imports, b->nimports, ia->module, ia->name);
    if (!ib) return fail(err, "missing expected import `%s`", qual);
    if (!cm_sub_coreentity(ib, ia, err)) return wrap(err, "type mismatch in import `%s`", qual);
  }
  for (uint32_t i = 0; i < b->nexports; i++) {
    const swasm_cm_coreentity_t *eb = &b->exports[i];
    const swasm_cm_coreentity_t *ea = find_core(a->exports, a->nexports, NULL, eb->name);
    if (!ea) return fail(err, "missing expected export `%s`", eb->name);
    if (!cm_sub_coreentity(ea, eb, err)) return wrap(err, "type mismatch in export `%s`", eb->name);
  }
  return true;
}

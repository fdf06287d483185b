/* types.c - semantic component types: shared primitive nodes, construction with the effective
 * size limit, named copies (type imports and exports get their own identity), queries over
 * value types, and substitution of resources and type nodes (instantiation, freshening). */
#include <string.h>

#include "cm.h"

/* ---- primitives ------------------------------------------------------------------------- */

#define PRIM(code) {.kind = (code), .size = 1, .depth = 1}
static const swasm_cm_type_t prims[] = {
  PRIM(SWASM_CM_STRING), PRIM(SWASM_CM_CHAR), PRIM(SWASM_CM_F64), PRIM(SWASM_CM_F32),
  PRIM(SWASM_CM_U64), PRIM(SWASM_CM_S64), PRIM(SWASM_CM_U32), PRIM(SWASM_CM_S32),
  PRIM(SWASM_CM_U16), PRIM(SWASM_CM_S16), PRIM(SWASM_CM_U8), PRIM(SWASM_CM_S8),
  PRIM(SWASM_CM_BOOL),
};
static const swasm_cm_type_t error_context = PRIM(SWASM_CM_ERROR_CONTEXT);
#undef PRIM

const swasm_cm_type_t *cm_prim(uint8_t code) {
  if (code == SWASM_CM_ERROR_CONTEXT) return &error_context;
  if (code < SWASM_CM_STRING || code > SWASM_CM_BOOL) return NULL;
  return &prims[code - SWASM_CM_STRING];
}

bool cm_is_valtype_kind(uint8_t k) {
  if (cm_is_prim(k)) return true;
  switch (k) {
  case SWASM_CM_RECORD: case SWASM_CM_VARIANT: case SWASM_CM_LIST: case SWASM_CM_TUPLE:
  case SWASM_CM_FLAGS: case SWASM_CM_ENUM: case SWASM_CM_OPTION: case SWASM_CM_RESULT:
  case SWASM_CM_OWN: case SWASM_CM_BORROW: case SWASM_CM_FIXED_LIST: case SWASM_CM_STREAM:
  case SWASM_CM_FUTURE: case SWASM_CM_MAP:
    return true;
  default: return false;
  }
}

const char *cm_kind_name(uint8_t k) {
  switch (k) {
  case SWASM_CM_BOOL: return "bool";
  case SWASM_CM_S8: return "s8";
  case SWASM_CM_U8: return "u8";
  case SWASM_CM_S16: return "s16";
  case SWASM_CM_U16: return "u16";
  case SWASM_CM_S32: return "s32";
  case SWASM_CM_U32: return "u32";
  case SWASM_CM_S64: return "s64";
  case SWASM_CM_U64: return "u64";
  case SWASM_CM_F32: return "f32";
  case SWASM_CM_F64: return "f64";
  case SWASM_CM_CHAR: return "char";
  case SWASM_CM_STRING: return "string";
  case SWASM_CM_ERROR_CONTEXT: return "error-context";
  case SWASM_CM_RECORD: return "record";
  case SWASM_CM_VARIANT: return "variant";
  case SWASM_CM_LIST: return "list";
  case SWASM_CM_FIXED_LIST: return "fixed-size list";
  case SWASM_CM_TUPLE: return "tuple";
  case SWASM_CM_FLAGS: return "flags";
  case SWASM_CM_ENUM: return "enum";
  case SWASM_CM_OPTION: return "option";
  case SWASM_CM_RESULT: return "result";
  case SWASM_CM_OWN: return "own";
  case SWASM_CM_BORROW: return "borrow";
  case SWASM_CM_STREAM: return "stream";
  case SWASM_CM_FUTURE: return "future";
  case SWASM_CM_MAP: return "map";
  case SWASM_CM_RESOURCE: return "resource";
  case SWASM_CM_FUNCTYPE: return "func";
  case SWASM_CM_COMPONENTTYPE: return "component";
  case SWASM_CM_INSTANCETYPE: return "instance";
  default: return "?";
  }
}

const char *swasm_cm_kind_name(uint8_t kind) { return cm_kind_name(kind); }

/* ---- construction ----------------------------------------------------------------------- */

swasm_cm_type_t *cm_new_type(cm_val_t *v, uint8_t kind) {
  swasm_cm_type_t *t = cm_alloc(v, 1, sizeof *t);
  if (t) t->kind = kind;
  return t;
}

cm_resource_t *cm_new_resource(cm_val_t *v, const cm_scope_t *owner, bool defined) {
  cm_resource_t *r = cm_alloc(v, 1, sizeof *r);
  if (!r) return NULL;
  r->pub.id = v->next_resource_id++;
  r->pub.defined = defined;
  r->owner = owner;
  return r;
}

const swasm_cm_type_t *cm_resource_type(cm_val_t *v, const swasm_cm_resource_t *r) {
  swasm_cm_type_t *t = cm_new_type(v, SWASM_CM_RESOURCE);
  if (!t) return NULL;
  t->resource = r;
  t->size = 1;
  t->depth = 1;
  return t;
}

const swasm_cm_type_t *cm_named_copy(cm_val_t *v, const swasm_cm_type_t *t) {
  swasm_cm_type_t *c = cm_alloc(v, 1, sizeof *c);
  if (!c) return NULL;
  *c = *t;
  c->origin = t;
  return c;
}

static uint32_t add_size(uint32_t a, uint32_t b) {
  return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

static uint32_t entity_size(const swasm_cm_entity_t *e) {
  if (e->type) return e->type->size;
  if (e->module) return add_size(1, add_size(e->module->nimports, e->module->nexports));
  return 1;
}

static uint32_t max_depth(uint32_t d, const swasm_cm_type_t *t) {
  return t && t->depth > d ? t->depth : d;
}

bool cm_finish_type(cm_val_t *v, swasm_cm_type_t *t) {
  uint32_t size = 1, depth = 0;
  for (uint32_t i = 0; i < t->n; i++) {
    size = add_size(size, t->fields[i].type ? t->fields[i].type->size : 1);
    depth = max_depth(depth, t->fields[i].type);
  }
  if (t->a) size = add_size(size, t->a->size);
  if (t->b) size = add_size(size, t->b->size);
  depth = max_depth(max_depth(depth, t->a), t->b);
  for (uint32_t i = 0; i < t->nimports; i++) {
    size = add_size(size, entity_size(&t->imports[i]));
    depth = max_depth(depth, t->imports[i].type);
  }
  for (uint32_t i = 0; i < t->nexports; i++) {
    size = add_size(size, entity_size(&t->exports[i]));
    depth = max_depth(depth, t->exports[i].type);
  }
  t->size = size;
  t->depth = depth + 1;
  if (size > CM_MAX_TYPE_SIZE)
    return cm_fail(v, SWASM_LIMIT, v->offset, "effective type size exceeds the limit of %d",
                   CM_MAX_TYPE_SIZE);
  if (t->depth > CM_MAX_TYPE_DEPTH)
    return cm_fail(v, SWASM_LIMIT, v->offset, "types nested deeper than %d", CM_MAX_TYPE_DEPTH);
  return true;
}

/* ---- queries ---------------------------------------------------------------------------- */

/* Value types are DAGs whose size is bounded, so plain recursion terminates quickly. */
static bool any_part(const swasm_cm_type_t *t, bool (*pred)(const swasm_cm_type_t *)) {
  if (!t) return false;
  if (pred(t)) return true;
  if (t->kind == SWASM_CM_OWN || t->kind == SWASM_CM_BORROW) return false;
  for (uint32_t i = 0; i < t->n; i++)
    if (any_part(t->fields[i].type, pred)) return true;
  if (t->kind == SWASM_CM_FUNCTYPE || cm_is_valtype_kind(t->kind))
    return any_part(t->a, pred) || any_part(t->b, pred);
  return false;
}

static bool is_borrow(const swasm_cm_type_t *t) { return t->kind == SWASM_CM_BORROW; }
static bool is_memory_type(const swasm_cm_type_t *t) {
  return t->kind == SWASM_CM_STRING || t->kind == SWASM_CM_LIST || t->kind == SWASM_CM_MAP;
}

bool cm_contains_borrow(const swasm_cm_type_t *t) { return any_part(t, is_borrow); }
bool cm_needs_memory(const swasm_cm_type_t *t) { return any_part(t, is_memory_type); }

/* Resources a type mentions that it does not bind itself (component and instance types bind
 * their abstract resources): what may not cross a component boundary in an outer alias. */
typedef struct binders {
  const struct binders *up;
  const swasm_cm_type_t *t;
} binders_t;

static bool bound(const binders_t *b, const swasm_cm_resource_t *r) {
  for (; b; b = b->up)
    for (uint32_t i = 0; i < b->t->nresources; i++)
      if (b->t->resources[i] == r) return true;
  return false;
}

static bool free_resource(const swasm_cm_type_t *t, const binders_t *b, uint32_t depth) {
  if (!t || cm_is_prim(t->kind) || depth > CM_MAX_TYPE_DEPTH + 1) return false;
  switch (t->kind) {
  case SWASM_CM_RESOURCE: return !bound(b, t->resource);
  case SWASM_CM_OWN: case SWASM_CM_BORROW: return free_resource(t->a, b, depth + 1);
  case SWASM_CM_COMPONENTTYPE: case SWASM_CM_INSTANCETYPE: {
    binders_t inner = {b, t};
    for (uint32_t i = 0; i < t->nimports; i++)
      if (free_resource(t->imports[i].type, &inner, depth + 1)) return true;
    for (uint32_t i = 0; i < t->nexports; i++)
      if (free_resource(t->exports[i].type, &inner, depth + 1)) return true;
    return false;
  }
  default:
    for (uint32_t i = 0; i < t->n; i++)
      if (free_resource(t->fields[i].type, b, depth + 1)) return true;
    return free_resource(t->a, b, depth + 1) || free_resource(t->b, b, depth + 1);
  }
}

bool cm_contains_resource(const swasm_cm_type_t *t) { return free_resource(t, NULL, 0); }

/* ---- substitution ----------------------------------------------------------------------- */

static const swasm_cm_type_t *subst(cm_val_t *v, cm_subst_t *s, const swasm_cm_type_t *t);

static bool subst_fields(cm_val_t *v, cm_subst_t *s, const swasm_cm_type_t *t,
                         const swasm_cm_tfield_t **out) {
  *out = t->fields;
  swasm_cm_tfield_t *copy = NULL;
  for (uint32_t i = 0; i < t->n; i++) {
    const swasm_cm_type_t *ft = subst(v, s, t->fields[i].type);
    if (v->failed) return false;
    if (ft == t->fields[i].type) continue;
    if (!copy) {
      copy = cm_alloc(v, t->n, sizeof *copy);
      if (!copy) return false;
      memcpy(copy, t->fields, t->n * sizeof *copy);
    }
    copy[i].type = ft;
  }
  if (copy) *out = copy;
  return copy != NULL;
}

static bool subst_entities(cm_val_t *v, cm_subst_t *s, const swasm_cm_entity_t *es, uint32_t n,
                           const swasm_cm_entity_t **out) {
  *out = es;
  swasm_cm_entity_t *copy = NULL;
  for (uint32_t i = 0; i < n; i++) {
    const swasm_cm_type_t *et = subst(v, s, es[i].type);
    if (v->failed) return false;
    if (et == es[i].type) continue;
    if (!copy) {
      copy = cm_alloc(v, n, sizeof *copy);
      if (!copy) return false;
      memcpy(copy, es, n * sizeof *copy);
    }
    copy[i].type = et;
  }
  if (copy) *out = copy;
  return copy != NULL;
}

static const swasm_cm_type_t *subst_resource(cm_val_t *v, cm_subst_t *s, const swasm_cm_type_t *t) {
  const swasm_cm_resource_t *r = cm_map_get(&s->resources, t->resource);
  return r ? cm_resource_type(v, r) : t;
}

static const swasm_cm_type_t *subst(cm_val_t *v, cm_subst_t *s, const swasm_cm_type_t *t) {
  if (!t || v->failed || cm_is_prim(t->kind)) return t;
  const swasm_cm_type_t *m = cm_map_get(&s->nodes, t);
  if (m) return m;
  m = cm_map_get(&s->memo, t);
  if (m) return m;
  if (!cm_charge(v, 2 * 2 * sizeof(void *))) return NULL;  /* the memo entry, at half load */
  const swasm_cm_type_t *result = t;
  if (t->kind == SWASM_CM_RESOURCE) {
    result = subst_resource(v, s, t);
  } else {
    const swasm_cm_tfield_t *fields;
    const swasm_cm_entity_t *imports, *exports;
    bool changed = subst_fields(v, s, t, &fields);
    const swasm_cm_type_t *a = subst(v, s, t->a), *b = subst(v, s, t->b);
    changed |= subst_entities(v, s, t->imports, t->nimports, &imports);
    changed |= subst_entities(v, s, t->exports, t->nexports, &exports);
    if (v->failed) return NULL;
    if (changed || a != t->a || b != t->b) {
      swasm_cm_type_t *c = cm_alloc(v, 1, sizeof *c);
      if (!c) return NULL;
      *c = *t;
      c->fields = fields;
      c->a = a;
      c->b = b;
      c->imports = imports;
      c->exports = exports;
      result = c;
    }
  }
  if (!result || !cm_map_put(v->arena, &s->memo, t, result)) {
    cm_fail(v, SWASM_LIMIT, v->offset, "out of memory");
    return NULL;
  }
  return result;
}

const swasm_cm_type_t *cm_subst_type(cm_val_t *v, cm_subst_t *s, const swasm_cm_type_t *t) {
  if (s->nodes.n == 0 && s->resources.n == 0) return t;
  return subst(v, s, t);
}

bool cm_subst_entity(cm_val_t *v, cm_subst_t *s, const swasm_cm_entity_t *in,
                     swasm_cm_entity_t *out) {
  *out = *in;
  out->type = cm_subst_type(v, s, in->type);
  return !v->failed;
}

const swasm_cm_type_t *cm_freshen(cm_val_t *v, cm_scope_t *scope, const swasm_cm_type_t *t,
                                  cm_vec_t *list) {
  if (!t || t->nresources == 0) return t;
  cm_subst_t s;
  memset(&s, 0, sizeof s);
  for (uint32_t i = 0; i < t->nresources; i++) {
    cm_resource_t *r = cm_new_resource(v, scope, false);
    if (!r) return NULL;
    r->pub.name = t->resources[i]->name;
    cm_resource_t **slot = cm_vec_push(v->arena, list, sizeof *slot);
    if (!slot || !cm_map_put(v->arena, &s.resources, t->resources[i], &r->pub)) {
      cm_fail(v, SWASM_LIMIT, v->offset, "out of memory");
      return NULL;
    }
    *slot = r;
  }
  const swasm_cm_type_t *f = subst(v, &s, t);
  if (!f) return NULL;
  swasm_cm_type_t *c = cm_alloc(v, 1, sizeof *c);
  if (!c) return NULL;
  *c = *f;
  c->nresources = c->nimported_resources = 0;
  c->resources = NULL;
  return c;
}

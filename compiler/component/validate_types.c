/* validate_types.c - type definitions: defined value types with their label and arity rules,
 * resources (only in concrete components, with an [i32] -> [] destructor), function types (no
 * borrow in results), component and instance types with their declarators, and the extern
 * descriptions that give imports and exports their types. */
#include <string.h>

#include "cm.h"

const swasm_cm_type_t *cm_val_valtype(cm_scope_t *s, swasm_cm_valtype_t vt) {
  if (vt.prim) return cm_prim(vt.prim);
  const swasm_cm_type_t *t = cm_get_type(s, vt.index);
  if (t && !cm_is_valtype_kind(t->kind)) {
    cm_fail(s->v, SWASM_INVALID, s->v->offset, "type index %u is not a defined type", vt.index);
    return NULL;
  }
  return t;
}

static swasm_cm_tfield_t *fields(cm_scope_t *s, const swasm_cm_deftype_t *dt) {
  swasm_cm_tfield_t *f = cm_alloc(s->v, dt->nfields, sizeof *f);
  if (!f) return NULL;
  for (uint32_t i = 0; i < dt->nfields; i++) {
    f[i].name = dt->fields[i].name;
    if (dt->fields[i].has_type && !(f[i].type = cm_val_valtype(s, dt->fields[i].type))) return NULL;
  }
  return f;
}

static bool nonempty(cm_val_t *v, const swasm_cm_deftype_t *dt, const char *msg) {
  return dt->nfields > 0 || cm_fail(v, SWASM_INVALID, dt->offset, "%s", msg);
}

static bool labelled(cm_scope_t *s, const swasm_cm_deftype_t *dt, swasm_cm_type_t *t,
                     const char *what, const char *empty_msg) {
  if (!nonempty(s->v, dt, empty_msg)) return false;
  t->n = dt->nfields;
  t->fields = fields(s, dt);
  return t->fields && cm_check_labels(s->v, t->fields, t->n, what);
}

static bool optional(cm_scope_t *s, bool has, swasm_cm_valtype_t vt, const swasm_cm_type_t **out) {
  *out = NULL;
  return !has || (*out = cm_val_valtype(s, vt)) != NULL;
}

static bool handle(cm_scope_t *s, const swasm_cm_deftype_t *dt, swasm_cm_type_t *t) {
  const swasm_cm_type_t *r = cm_get_type(s, dt->a.index);
  if (!r) return false;
  if (r->kind != SWASM_CM_RESOURCE)
    return cm_fail(s->v, SWASM_INVALID, dt->offset, "type index %u is not a resource type",
                   dt->a.index);
  t->a = r;
  return true;
}

static bool resource(cm_scope_t *s, const swasm_cm_deftype_t *dt, swasm_cm_type_t *t) {
  cm_val_t *v = s->v;
  if (s->kind != CM_SCOPE_COMPONENT)
    return cm_fail(v, SWASM_INVALID, dt->offset, "resources can only be defined within a "
                   "concrete component");
  cm_resource_t *r = cm_new_resource(v, s, true);
  if (!r) return false;
  if (dt->has_dtor) {
    const swasm_functype_t *f = cm_get_core_func(s, dt->dtor);
    if (!f) return false;
    static const uint8_t i32 = SWASM_I32;
    const swasm_functype_t want = {.nparams = 1, .params = &i32};
    if (!cm_functype_eq(f, &want))
      return cm_fail(v, SWASM_INVALID, dt->offset, "wrong signature for a destructor");
    r->pub.has_dtor = true;
    r->pub.dtor = dt->dtor;
  }
  cm_resource_t **slot = cm_vec_push(v->arena, &s->defined_resources, sizeof *slot);
  if (!slot) return cm_fail(v, SWASM_LIMIT, dt->offset, "out of memory");
  *slot = r;
  t->resource = &r->pub;
  return true;
}

static bool func(cm_scope_t *s, const swasm_cm_deftype_t *dt, swasm_cm_type_t *t) {
  t->async = dt->code == SWASM_CM_ASYNC_FUNCTYPE;
  t->n = dt->nfields;
  t->fields = fields(s, dt);
  if (!t->fields || !cm_check_labels(s->v, t->fields, t->n, "function parameter")) return false;
  if (!optional(s, dt->has_a, dt->a, &t->a)) return false;
  if (cm_contains_borrow(t->a))
    return cm_fail(s->v, SWASM_INVALID, dt->offset, "function result cannot contain a `borrow` type");
  return true;
}

static const swasm_cm_type_t *nested_type(cm_scope_t *s, const swasm_cm_deftype_t *dt) {
  cm_scope_t inner;
  bool component = dt->code == SWASM_CM_COMPONENTTYPE;
  if (!cm_scope_init(s->v, &inner, s, component ? CM_SCOPE_COMPONENT_TYPE : CM_SCOPE_INSTANCE_TYPE))
    return NULL;
  if (!cm_val_decls(&inner, dt)) return NULL;
  s->v->offset = dt->offset;
  return cm_scope_type(&inner, dt->code);
}

static bool value_type(cm_scope_t *s, const swasm_cm_deftype_t *dt, swasm_cm_type_t *t) {
  cm_val_t *v = s->v;
  switch (dt->code) {
  case SWASM_CM_RECORD:
    return labelled(s, dt, t, "record field", "record type must have at least one field");
  case SWASM_CM_VARIANT:
    return labelled(s, dt, t, "variant case", "variant type must have at least one case");
  case SWASM_CM_FLAGS:
    if (dt->nfields > CM_MAX_FLAGS)
      return cm_fail(v, SWASM_INVALID, dt->offset, "cannot have more than %d flags", CM_MAX_FLAGS);
    return labelled(s, dt, t, "flag", "flags must have at least one entry");
  case SWASM_CM_ENUM: return labelled(s, dt, t, "enum tag", "enum type must have at least one variant");
  case SWASM_CM_TUPLE:
    if (!nonempty(v, dt, "tuple type must have at least one type")) return false;
    t->n = dt->nfields;
    return (t->fields = fields(s, dt)) != NULL;
  case SWASM_CM_LIST: case SWASM_CM_OPTION: return optional(s, true, dt->a, &t->a);
  case SWASM_CM_FIXED_LIST:
    if (dt->length == 0)
      return cm_fail(v, SWASM_INVALID, dt->offset, "fixed-size list must have at least one element");
    t->length = dt->length;
    return optional(s, true, dt->a, &t->a);
  case SWASM_CM_RESULT:
    return optional(s, dt->has_a, dt->a, &t->a) && optional(s, dt->has_b, dt->b, &t->b);
  case SWASM_CM_OWN: case SWASM_CM_BORROW: return handle(s, dt, t);
  case SWASM_CM_STREAM: case SWASM_CM_FUTURE:
    if (!optional(s, dt->has_a, dt->a, &t->a)) return false;
    if (dt->code == SWASM_CM_STREAM && t->a && t->a->kind == SWASM_CM_CHAR)
      return cm_fail(v, SWASM_INVALID, dt->offset, "stream<char> is not valid at this time");
    return true;
  case SWASM_CM_MAP: return optional(s, true, dt->a, &t->a) && optional(s, true, dt->b, &t->b);
  }
  return cm_fail(v, SWASM_INTERNAL, dt->offset, "unknown defined type 0x%x", dt->code);
}

static const swasm_cm_type_t *build(cm_scope_t *s, const swasm_cm_deftype_t *dt) {
  if (dt->code == SWASM_CM_COMPONENTTYPE || dt->code == SWASM_CM_INSTANCETYPE)
    return nested_type(s, dt);
  uint8_t kind = dt->code == SWASM_CM_ASYNC_FUNCTYPE ? SWASM_CM_FUNCTYPE : dt->code;
  swasm_cm_type_t *t = cm_new_type(s->v, kind);
  if (!t) return NULL;
  bool ok;
  if (cm_is_prim(dt->code)) ok = true;
  else if (dt->code == SWASM_CM_RESOURCE) ok = resource(s, dt, t);
  else if (kind == SWASM_CM_FUNCTYPE) ok = func(s, dt, t);
  else ok = value_type(s, dt, t);
  return ok && cm_finish_type(s->v, t) ? t : NULL;
}

bool cm_val_type(cm_scope_t *s, const swasm_cm_deftype_t *dt) {
  s->v->offset = dt->offset;
  const swasm_cm_type_t *t = build(s, dt);
  return t && cm_push(s, SWASM_CM_TYPE, &t, sizeof t);
}

/* ---- component and instance type declarators ------------------------------------------- */

bool cm_val_decls(cm_scope_t *s, const swasm_cm_deftype_t *dt) {
  for (uint32_t i = 0; i < dt->ndecls; i++) {
    const swasm_cm_decl_t *d = &dt->decls[i];
    switch (d->kind) {
    case SWASM_CM_DECL_CORE_TYPE:
      if (!cm_val_core_type(s, d->coretype)) return false;
      break;
    case SWASM_CM_DECL_TYPE:
      if (!cm_val_type(s, d->type)) return false;
      break;
    case SWASM_CM_DECL_ALIAS:
      s->v->offset = d->alias.offset;
      if (!cm_val_alias(s, &d->alias)) return false;
      break;
    case SWASM_CM_DECL_IMPORT: {
      swasm_cm_import_t im = {.name = d->name, .desc = d->desc, .offset = d->name.offset};
      if (!cm_val_import(s, &im)) return false;
      break;
    }
    case SWASM_CM_DECL_EXPORT: {
      swasm_cm_export_t ex = {.name = d->name, .desc = d->desc, .has_type = true,
                              .offset = d->name.offset};
      if (!cm_val_export(s, &ex)) return false;
      break;
    }
    }
  }
  return true;
}

/* ---- extern descriptions ---------------------------------------------------------------- */

static const swasm_cm_type_t *typed(cm_scope_t *s, uint32_t idx, uint8_t kind, const char *what) {
  const swasm_cm_type_t *t = cm_get_type(s, idx);
  if (t && t->kind != kind) {
    cm_fail(s->v, SWASM_INVALID, s->v->offset, "type index %u is not %s", idx, what);
    return NULL;
  }
  return t;
}

static const swasm_cm_type_t *type_bound(cm_scope_t *s, const swasm_cm_externdesc_t *d,
                                         bool is_import) {
  cm_val_t *v = s->v;
  if (!d->sub_resource) {
    const swasm_cm_type_t *t = cm_get_type(s, d->index);
    return t ? cm_named_copy(v, t) : NULL;
  }
  cm_resource_t *r = cm_new_resource(v, s, false);
  cm_vec_t *list = is_import ? &s->imported_resources : &s->defined_resources;
  cm_resource_t **slot = r ? cm_vec_push(v->arena, list, sizeof *slot) : NULL;
  if (!slot) {
    cm_fail(v, SWASM_LIMIT, v->offset, "out of memory");
    return NULL;
  }
  *slot = r;
  return cm_resource_type(v, &r->pub);
}

bool cm_val_externdesc(cm_scope_t *s, const swasm_cm_externdesc_t *d, bool is_import,
                       swasm_cm_entity_t *out) {
  cm_val_t *v = s->v;
  memset(out, 0, sizeof *out);
  out->sort = d->sort;
  switch (d->sort) {
  case SWASM_CM_CORE_MODULE: {
    const cm_coretype_t *ct = cm_get_entry(s, SWASM_CM_CORE_TYPE, d->index, sizeof *ct);
    if (!ct) return false;
    if (!ct->module)
      return cm_fail(v, SWASM_INVALID, v->offset, "core type index %u is not a module type", d->index);
    out->module = ct->module;
    return true;
  }
  case SWASM_CM_FUNC:
    return (out->type = typed(s, d->index, SWASM_CM_FUNCTYPE, "a function type")) != NULL;
  case SWASM_CM_COMPONENT:
    return (out->type = typed(s, d->index, SWASM_CM_COMPONENTTYPE, "a component type")) != NULL;
  case SWASM_CM_INSTANCE: {
    const swasm_cm_type_t *t = typed(s, d->index, SWASM_CM_INSTANCETYPE, "an instance type");
    if (!t) return false;
    out->type = cm_freshen(v, s, t, is_import ? &s->imported_resources : &s->defined_resources);
    return out->type != NULL;
  }
  case SWASM_CM_TYPE: return (out->type = type_bound(s, d, is_import)) != NULL;
  case SWASM_CM_VALUE:
    return cm_fail(v, SWASM_UNSUPPORTED, v->offset, "value imports and exports are not supported");
  default: return cm_fail(v, SWASM_INVALID, v->offset, "invalid extern description");
  }
}

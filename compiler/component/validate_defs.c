/* validate_defs.c - component-level definitions: instances (instantiations and bags of
 * exports), aliases (export, core export, outer), imports and exports with their names,
 * ascribed types and the external-visibility rules, and start functions. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cm.h"

/* ---- entities of index spaces ----------------------------------------------------------- */

bool cm_entity_of(cm_scope_t *s, swasm_cm_sortidx_t idx, swasm_cm_entity_t *out) {
  memset(out, 0, sizeof *out);
  out->sort = idx.sort;
  switch (idx.sort) {
  case SWASM_CM_CORE_MODULE: {
    const swasm_cm_moduletype_t **m = cm_get_entry(s, idx.sort, idx.index, sizeof *m);
    return m && (out->module = *m) != NULL;
  }
  case SWASM_CM_FUNC: case SWASM_CM_VALUE: case SWASM_CM_TYPE: case SWASM_CM_COMPONENT:
  case SWASM_CM_INSTANCE:
    return (out->type = cm_get(s, idx.sort, idx.index)) != NULL;
  default:
    return cm_fail(s->v, SWASM_INVALID, s->v->offset, "a %s cannot be used here",
                   swasm_cm_sort_name(idx.sort));
  }
}

static bool push_entity(cm_scope_t *s, const swasm_cm_entity_t *e) {
  if (e->sort == SWASM_CM_CORE_MODULE) return cm_push(s, e->sort, &e->module, sizeof e->module);
  return cm_push(s, e->sort, &e->type, sizeof e->type);
}

/* ---- external visibility ---------------------------------------------------------------- */

/* Is a value type nameable from outside: records, variants, enums, flags and resources only
 * through an imported or exported name (in set), structural types through their parts. */
static bool named(const swasm_cm_type_t *t, const cm_map_t *set) {
  if (!t || cm_is_prim(t->kind)) return true;
  switch (t->kind) {
  case SWASM_CM_RECORD: case SWASM_CM_VARIANT: case SWASM_CM_FLAGS: case SWASM_CM_ENUM:
  case SWASM_CM_RESOURCE:
    return cm_set_has(set, t);
  case SWASM_CM_OWN: case SWASM_CM_BORROW: return named(t->a, set);
  default:
    for (uint32_t i = 0; i < t->n; i++)
      if (!named(t->fields[i].type, set)) return false;
    return named(t->a, set) && named(t->b, set);
  }
}

/* The parts of a type being given a name must themselves be nameable. */
bool cm_first_layer_named(const swasm_cm_type_t *t, const cm_map_t *set) {
  if (!t) return true;
  switch (t->kind) {
  case SWASM_CM_RESOURCE: case SWASM_CM_COMPONENTTYPE: case SWASM_CM_FLAGS: case SWASM_CM_ENUM:
    return true;
  case SWASM_CM_INSTANCETYPE:
    for (uint32_t i = 0; i < t->nexports; i++) {
      const swasm_cm_entity_t *e = &t->exports[i];
      if (e->sort == SWASM_CM_FUNC || e->sort == SWASM_CM_TYPE || e->sort == SWASM_CM_INSTANCE ||
          e->sort == SWASM_CM_VALUE)
        if (!cm_first_layer_named(e->type, set)) return false;
    }
    return true;
  case SWASM_CM_OWN: case SWASM_CM_BORROW: return named(t->a, set);
  default:
    if (cm_is_prim(t->kind)) return true;
    for (uint32_t i = 0; i < t->n; i++)
      if (!named(t->fields[i].type, set)) return false;
    return named(t->a, set) && named(t->b, set);
  }
}

static bool register_named(cm_scope_t *s, const swasm_cm_entity_t *e, bool is_import,
                           uint32_t depth) {
  cm_map_t *set = is_import ? &s->imported_types : &s->exported_types;
  switch (e->sort) {
  case SWASM_CM_TYPE:
    if (!cm_first_layer_named(e->type, set)) return false;
    if (!cm_set_add(s->v->arena, &s->exported_types, e->type) ||
        (is_import && !cm_set_add(s->v->arena, &s->imported_types, e->type)))
      return cm_fail(s->v, SWASM_LIMIT, s->v->offset, "out of memory");
    return true;
  case SWASM_CM_INSTANCE:
    if (depth > CM_MAX_TYPE_DEPTH) return false;
    for (uint32_t i = 0; i < e->type->nexports; i++)
      if (!register_named(s, &e->type->exports[i], is_import, depth + 1)) return false;
    return true;
  case SWASM_CM_FUNC: return cm_first_layer_named(e->type, set);
  case SWASM_CM_VALUE: return named(e->type, set);
  default: return true;
  }
}

/* Only components and component types check visibility; instance types defer it to the import
 * or export that uses them. */
bool cm_register_named(cm_scope_t *s, const swasm_cm_entity_t *e, bool is_import) {
  if (s->kind == CM_SCOPE_INSTANCE_TYPE) return true;
  if (register_named(s, e, is_import, 0)) return true;
  return s->v->failed ? false
                      : cm_fail(s->v, SWASM_INVALID, s->v->offset, "%s not valid to be used as %s",
                                cm_entity_sort_name(e->sort), is_import ? "import" : "export");
}

/* ---- names of imports and exports ------------------------------------------------------- */

/* Checks a name in its namespace, and remembers the resource a plain type name introduces. */
static bool add_name(cm_scope_t *s, cm_names_t *ns, swasm_cm_name_t *n, const swasm_cm_entity_t *e,
                     bool is_import, const char *what) {
  cm_val_t *v = s->v;
  if (!cm_check_name(v, n, is_import) || !cm_names_add(v, ns, n, what) ||
      !cm_check_annotated(v, ns, n, e))
    return false;
  if (e->sort == SWASM_CM_TYPE && e->type->kind == SWASM_CM_RESOURCE &&
      n->kind == SWASM_CM_NAME_PLAIN) {
    if (!cm_map_put(v->arena, &ns->resources, e->type, n->label))
      return cm_fail(v, SWASM_LIMIT, v->offset, "out of memory");
    swasm_cm_resource_t *r = (swasm_cm_resource_t *)e->type->resource;
    if (!r->name) r->name = n->label;
  }
  if (n->implements && e->sort != SWASM_CM_INSTANCE)
    return cm_fail(v, SWASM_INVALID, v->offset, "only instances can have an `implements` attribute");
  return true;
}

static bool add_extern(cm_scope_t *s, cm_vec_t *list, const char *name, const swasm_cm_entity_t *e) {
  swasm_cm_entity_t *slot = cm_vec_push(s->v->arena, list, sizeof *slot);
  if (!slot) return cm_fail(s->v, SWASM_LIMIT, s->v->offset, "too many imports or exports");
  *slot = *e;
  slot->name = name;
  return push_entity(s, e);
}

bool cm_val_import(cm_scope_t *s, swasm_cm_import_t *im) {
  cm_val_t *v = s->v;
  v->offset = im->offset;
  swasm_cm_entity_t e;
  if (!cm_val_externdesc(s, &im->desc, true, &e)) return false;
  if (!add_name(s, &s->import_names, &im->name, &e, true, "import")) return false;
  if (!cm_register_named(s, &e, true)) return false;
  return add_extern(s, &s->imports, im->name.name, &e);
}

/* An export's type: the item's own, or the ascribed one if the item's is a subtype of it. A
 * type export names its type anew: the new index is a distinct type node. Abstract resources
 * in an ascribed type stand for the item's in the check, and stay abstract in the export. */
static bool export_entity(cm_scope_t *s, const swasm_cm_export_t *ex, swasm_cm_entity_t *e) {
  cm_val_t *v = s->v;
  swasm_cm_entity_t actual;
  if (!cm_entity_of(s, ex->item, &actual)) return false;
  if (!ex->has_type) {
    *e = actual;
    if (e->sort == SWASM_CM_TYPE && !(e->type = cm_named_copy(v, e->type))) return false;
    return true;
  }
  uint32_t fresh = s->defined_resources.n;
  if (!cm_val_externdesc(s, &ex->desc, false, e)) return false;
  cm_map_t vars = {0};
  for (uint32_t i = fresh; i < s->defined_resources.n; i++)
    if (!cm_set_add(v->arena, &vars, &CM_VEC_AT(s->defined_resources, cm_resource_t *, i)->pub))
      return cm_fail(v, SWASM_LIMIT, v->offset, "out of memory");
  cm_subst_t subst;
  memset(&subst, 0, sizeof subst);
  swasm_cm_entity_t expected;
  if (!cm_bind(v, &subst, &vars, e, &actual, false) || !cm_subst_entity(v, &subst, e, &expected))
    return false;
  char err[CM_ERRLEN];
  if (!cm_sub_entity(v, &actual, &expected, err))
    return cm_fail(v, SWASM_INVALID, v->offset, "ascribed type of export is not compatible with "
                   "item's type: %s", err);
  return true;
}

bool cm_val_export(cm_scope_t *s, swasm_cm_export_t *ex) {
  cm_val_t *v = s->v;
  v->offset = ex->offset;
  swasm_cm_entity_t e;
  if (s->kind == CM_SCOPE_COMPONENT) {
    if (!export_entity(s, ex, &e)) return false;
  } else if (!cm_val_externdesc(s, &ex->desc, false, &e)) {
    return false;
  }
  if (!add_name(s, &s->export_names, &ex->name, &e, false, "export")) return false;
  if (!cm_register_named(s, &e, false)) return false;
  return add_extern(s, &s->exports, ex->name.name, &e);
}

/* ---- instances -------------------------------------------------------------------------- */

static bool instantiate(cm_scope_t *s, const swasm_cm_instance_t *in) {
  cm_val_t *v = s->v;
  if (in->component >= cm_space_size(s, SWASM_CM_COMPONENT))
    return cm_fail(v, SWASM_INVALID, in->offset, "unknown component: component index out of "
                   "bounds: %u", in->component);
  const swasm_cm_type_t *ct = cm_get(s, SWASM_CM_COMPONENT, in->component);
  cm_arg_t *args = cm_alloc(v, in->nargs, sizeof *args);
  if (!args) return false;
  for (uint32_t i = 0; i < in->nargs; i++) {
    for (uint32_t j = 0; j < i; j++)
      if (strcasecmp(in->args[j].name, in->args[i].name) == 0)
        return cm_fail(v, SWASM_INVALID, in->offset, "instantiation argument `%s` conflicts with "
                       "previous argument `%s`", in->args[i].name, in->args[j].name);
    args[i].name = in->args[i].name;
    if (!cm_entity_of(s, in->args[i].item, &args[i].entity)) return false;
  }
  const swasm_cm_type_t *it = cm_instantiate(v, s, ct, args, in->nargs);
  return it && cm_push(s, SWASM_CM_INSTANCE, &it, sizeof it);
}

/* A bag of exports: names and annotations are checked, visibility is not (nothing leaves
 * until the instance itself is exported). */
static bool bag(cm_scope_t *s, const swasm_cm_instance_t *in) {
  cm_val_t *v = s->v;
  cm_names_t names;
  memset(&names, 0, sizeof names);
  swasm_cm_type_t *it = cm_new_type(v, SWASM_CM_INSTANCETYPE);
  swasm_cm_entity_t *es = it ? cm_alloc(v, in->nexports, sizeof *es) : NULL;
  if (!es) return false;
  for (uint32_t i = 0; i < in->nexports; i++) {
    const swasm_cm_export_t *ex = &in->exports[i];
    v->offset = ex->offset;
    if (!cm_entity_of(s, ex->item, &es[i])) return false;
    /* A bag re-exports types as they are, except that each resource export is a new name for
     * its resource (what [constructor]/[method] names resolve against). */
    if (es[i].sort == SWASM_CM_TYPE && es[i].type->kind == SWASM_CM_RESOURCE &&
        !(es[i].type = cm_named_copy(v, es[i].type)))
      return false;
    swasm_cm_name_t name = ex->name;
    if (!add_name(s, &names, &name, &es[i], false, "export")) return false;
    es[i].name = ex->name.name;
  }
  it->nexports = in->nexports;
  it->exports = es;
  return cm_finish_type(v, it) && cm_push(s, SWASM_CM_INSTANCE, &it, sizeof it);
}

bool cm_val_instance(cm_scope_t *s, const swasm_cm_instance_t *in) {
  s->v->offset = in->offset;
  return in->instantiate ? instantiate(s, in) : bag(s, in);
}

/* ---- aliases ---------------------------------------------------------------------------- */

static bool export_alias(cm_scope_t *s, const swasm_cm_alias_t *a) {
  cm_val_t *v = s->v;
  if (s->kind != CM_SCOPE_COMPONENT && a->sort != SWASM_CM_TYPE && a->sort != SWASM_CM_INSTANCE)
    return cm_fail(v, SWASM_INVALID, a->offset, "aliases in component and instance types may only "
                   "refer to types or instances");
  const swasm_cm_type_t *it = cm_get(s, SWASM_CM_INSTANCE, a->instance);
  if (!it) return false;
  for (uint32_t i = 0; i < it->nexports; i++) {
    const swasm_cm_entity_t *e = &it->exports[i];
    if (strcmp(e->name, a->name) != 0) continue;
    if (e->sort != a->sort)
      return cm_fail(v, SWASM_INVALID, a->offset, "export `%s` for instance %u is not a %s",
                     a->name, a->instance, cm_entity_sort_name(a->sort));
    return push_entity(s, e);
  }
  return cm_fail(v, SWASM_INVALID, a->offset, "instance %u has no export named `%s`", a->instance,
                 a->name);
}

static bool core_export_alias(cm_scope_t *s, const swasm_cm_alias_t *a) {
  cm_val_t *v = s->v;
  if (s->kind != CM_SCOPE_COMPONENT)
    return cm_fail(v, SWASM_INVALID, a->offset, "aliases in component and instance types may only "
                   "refer to types or instances");
  if (a->sort > SWASM_CM_CORE_TAG)
    return cm_fail(v, SWASM_INVALID, a->offset, "a core export alias cannot define a %s",
                   swasm_cm_sort_name(a->sort));
  const swasm_cm_moduletype_t **it = cm_get_entry(s, SWASM_CM_CORE_INSTANCE, a->instance, sizeof *it);
  if (!it) return false;
  for (uint32_t i = 0; i < (*it)->nexports; i++) {
    const swasm_cm_coreentity_t *e = &(*it)->exports[i];
    if (strcmp(e->name, a->name) != 0) continue;
    /* Core sorts are numbered as core extern kinds; "core " is dropped for the message. */
    if ((unsigned)e->desc.kind != (unsigned)a->sort)
      return cm_fail(v, SWASM_INVALID, a->offset, "export `%s` for core instance %u is not a %s",
                     a->name, a->instance, swasm_cm_sort_name(a->sort) + 5);
    return cm_push_core(s, e);
  }
  return cm_fail(v, SWASM_INVALID, a->offset, "core instance %u has no export named `%s`",
                 a->instance, a->name);
}

/* Crossing a concrete component's boundary, a type may not mention resources: they are
 * generative, so the inner component could not be instantiated more than once. */
static bool outer_alias(cm_scope_t *s, const swasm_cm_alias_t *a) {
  cm_val_t *v = s->v;
  if (s->kind != CM_SCOPE_COMPONENT && a->sort != SWASM_CM_TYPE && a->sort != SWASM_CM_CORE_TYPE)
    return cm_fail(v, SWASM_INVALID, a->offset, "outer aliases in component and instance types may "
                   "only refer to types or instances");
  cm_scope_t *target = s;
  bool crosses = false;
  for (uint32_t i = 0; i < a->count; i++) {
    if (target->kind == CM_SCOPE_COMPONENT) crosses = true;
    target = target->parent;
    if (!target) return cm_fail(v, SWASM_INVALID, a->offset, "invalid outer alias count of %u", a->count);
  }
  if (a->sort == SWASM_CM_CORE_TYPE) {
    const cm_coretype_t *ct = cm_get_entry(target, a->sort, a->index, sizeof *ct);
    return ct && cm_push(s, a->sort, ct, sizeof *ct);
  }
  if (a->sort == SWASM_CM_CORE_MODULE) {
    const swasm_cm_moduletype_t **m = cm_get_entry(target, a->sort, a->index, sizeof *m);
    return m && cm_push(s, a->sort, m, sizeof *m);
  }
  const swasm_cm_type_t *t = cm_get(target, a->sort, a->index);
  if (!t) return false;
  if (crosses && a->sort == SWASM_CM_TYPE && cm_contains_resource(t))
    return cm_fail(v, SWASM_INVALID, a->offset, "type index %u transitively refers to resources not "
                   "defined in the current component", a->index);
  return cm_push(s, a->sort, &t, sizeof t);
}

bool cm_val_alias(cm_scope_t *s, const swasm_cm_alias_t *a) {
  s->v->offset = a->offset;
  switch (a->target) {
  case SWASM_CM_ALIAS_EXPORT: return export_alias(s, a);
  case SWASM_CM_ALIAS_CORE_EXPORT: return core_export_alias(s, a);
  case SWASM_CM_ALIAS_OUTER: return outer_alias(s, a);
  }
  return cm_fail(s->v, SWASM_INVALID, a->offset, "invalid alias target");
}

/* ---- start ------------------------------------------------------------------------------ */

bool cm_val_start(cm_scope_t *s, const swasm_cm_start_t *st) {
  cm_val_t *v = s->v;
  const swasm_cm_type_t *f = cm_get(s, SWASM_CM_FUNC, st->func);
  if (!f) return false;
  if (st->nargs != f->n)
    return cm_fail(v, SWASM_INVALID, st->offset, "component start function requires %u arguments "
                   "but was given %u", f->n, st->nargs);
  for (uint32_t i = 0; i < st->nargs; i++) {
    const swasm_cm_type_t *arg = cm_get(s, SWASM_CM_VALUE, st->args[i]);
    char err[CM_ERRLEN];
    if (!arg) return false;
    if (!cm_sub_valtype(arg, f->fields[i].type, err))
      return cm_fail(v, SWASM_INVALID, st->offset, "start function argument %u: %s", i, err);
  }
  if (st->nresults != (f->a ? 1u : 0u))
    return cm_fail(v, SWASM_INVALID, st->offset, "component start function has %u results but %u "
                   "were declared", f->a ? 1u : 0u, st->nresults);
  return !f->a || cm_push(s, SWASM_CM_VALUE, &f->a, sizeof f->a);
}

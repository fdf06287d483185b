/* instantiate.c - type checking of component instantiation: each import of the component
 * type is matched by a `with` argument in order, the resources and type imports it introduces
 * are bound to the argument's (so later imports and all exports are specialised to them), and
 * the exports become an instance type with fresh resources for those the component defines. */
#include <stdio.h>
#include <string.h>

#include "cm.h"

static const swasm_cm_entity_t *find_export(const swasm_cm_type_t *t, const char *name) {
  for (uint32_t i = 0; i < t->nexports; i++)
    if (strcmp(t->exports[i].name, name) == 0) return &t->exports[i];
  return NULL;
}

static bool bind_type(cm_val_t *v, cm_subst_t *s, const cm_map_t *vars, const swasm_cm_type_t *t,
                      const swasm_cm_type_t *a, bool nodes, bool *added) {
  if (!t || !a || t == a || t == cm_prim(t->kind)) return true;
  if (!nodes) {
    if (t->kind != SWASM_CM_RESOURCE || a->kind != SWASM_CM_RESOURCE) return true;
    if (cm_set_has(vars, t->resource) && !cm_map_get(&s->resources, t->resource)) {
      if (!cm_map_put(v->arena, &s->resources, t->resource, a->resource)) return false;
      *added = true;
    }
    return true;
  }
  if (!cm_map_get(&s->nodes, t)) {
    if (!cm_map_put(v->arena, &s->nodes, t, a)) return false;
    *added = true;
  }
  return true;
}

static bool bind(cm_val_t *v, cm_subst_t *s, const cm_map_t *vars, const swasm_cm_entity_t *e,
                 const swasm_cm_entity_t *a, bool nodes, bool *added, uint32_t depth) {
  if (e->sort != a->sort || !e->type || !a->type || depth > CM_MAX_TYPE_DEPTH) return true;
  if (e->sort == SWASM_CM_TYPE) return bind_type(v, s, vars, e->type, a->type, nodes, added);
  if (e->sort != SWASM_CM_INSTANCE || a->type->kind != SWASM_CM_INSTANCETYPE) return true;
  for (uint32_t i = 0; i < e->type->nexports; i++) {
    const swasm_cm_entity_t *x = &e->type->exports[i];
    const swasm_cm_entity_t *y = find_export(a->type, x->name);
    if (y && !bind(v, s, vars, x, y, nodes, added, depth + 1)) return false;
  }
  return true;
}

bool cm_bind(cm_val_t *v, cm_subst_t *s, const cm_map_t *vars, const swasm_cm_entity_t *expected,
             const swasm_cm_entity_t *actual, bool nodes) {
  bool added = false;
  if (!bind(v, s, vars, expected, actual, nodes, &added, 0))
    return cm_fail(v, SWASM_LIMIT, v->offset, "out of memory");
  if (added) memset(&s->memo, 0, sizeof s->memo);
  return true;
}

static const cm_arg_t *find_arg(const cm_arg_t *args, uint32_t n, const char *name) {
  for (uint32_t i = 0; i < n; i++)
    if (strcmp(args[i].name, name) == 0) return &args[i];
  return NULL;
}

static bool check_imports(cm_val_t *v, cm_subst_t *s, const swasm_cm_type_t *ct,
                          const cm_arg_t *args, uint32_t nargs) {
  cm_map_t vars = {0};
  for (uint32_t i = 0; i < ct->nimported_resources; i++)
    if (!cm_set_add(v->arena, &vars, ct->resources[i]))
      return cm_fail(v, SWASM_LIMIT, v->offset, "out of memory");
  for (uint32_t i = 0; i < ct->nimports; i++) {
    const swasm_cm_entity_t *im = &ct->imports[i];
    const cm_arg_t *arg = find_arg(args, nargs, im->name);
    if (!arg) return cm_fail(v, SWASM_INVALID, v->offset, "missing import named `%s`", im->name);
    /* Resources are bound before the check (a (sub resource) accepts any), type nodes after
     * it (an (eq T) import must be checked against T, then stands for the argument). */
    swasm_cm_entity_t exp;
    if (!cm_subst_entity(v, s, im, &exp) || !cm_bind(v, s, &vars, &exp, &arg->entity, false) ||
        !cm_subst_entity(v, s, im, &exp))
      return false;
    char err[CM_ERRLEN];
    if (!cm_sub_entity(v, &arg->entity, &exp, err))
      return cm_fail(v, SWASM_INVALID, v->offset,
                     "type mismatch for component instantiation argument `%s`: %s", im->name, err);
    if (!cm_bind(v, s, &vars, &exp, &arg->entity, true)) return false;
  }
  return true;
}

const swasm_cm_type_t *cm_instantiate(cm_val_t *v, cm_scope_t *scope, const swasm_cm_type_t *ct,
                                      const cm_arg_t *args, uint32_t nargs) {
  cm_subst_t s;
  memset(&s, 0, sizeof s);
  if (!check_imports(v, &s, ct, args, nargs)) return NULL;
  /* Every instance gets its own copies of the resources the component defines. */
  for (uint32_t i = ct->nimported_resources; i < ct->nresources; i++) {
    const swasm_cm_resource_t *old = ct->resources[i];
    cm_resource_t *r = cm_new_resource(v, NULL, old->defined);
    cm_resource_t **slot = r ? cm_vec_push(v->arena, &scope->defined_resources, sizeof *slot) : NULL;
    if (!slot) return NULL;
    *slot = r;
    r->pub.name = old->name;
    r->pub.has_dtor = old->has_dtor;
    if (!cm_map_put(v->arena, &s.resources, old, &r->pub)) {
      cm_fail(v, SWASM_LIMIT, v->offset, "out of memory");
      return NULL;
    }
  }
  memset(&s.memo, 0, sizeof s.memo);
  swasm_cm_type_t *it = cm_new_type(v, SWASM_CM_INSTANCETYPE);
  swasm_cm_entity_t *exports = it ? cm_alloc(v, ct->nexports, sizeof *exports) : NULL;
  if (!exports && ct->nexports) return NULL;
  for (uint32_t i = 0; i < ct->nexports; i++)
    if (!cm_subst_entity(v, &s, &ct->exports[i], &exports[i])) return NULL;
  it->nexports = ct->nexports;
  it->exports = exports;
  return cm_finish_type(v, it) ? it : NULL;
}

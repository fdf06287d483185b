/* inst_rtype.c - resource types at run time: which lk_rtype_t each resource node of the
 * validated types stands for in a component instance. A resource definition makes a fresh
 * run-time type per instantiation; imports, aliases and exports bind their own nodes (the
 * validator gives every import and export fresh ones) to the run-time type of the value they
 * name; and a `canon lower` of another component's function binds that component's nodes too,
 * so the canonical ABI can read either view of a function type in the lowering instance. */
#include <stdlib.h>
#include <string.h>

#include "inst.h"

enum { WALK_DEPTH = 100, WALK_STEPS = 200000 };

static ci_frame_t *frame_of(lk_instance_t *inst) { return (ci_frame_t *)inst; }

static lk_rtype_t **local_slot(lk_instance_t *inst, const swasm_cm_resource_t *r) {
  for (uint32_t i = 0; i < inst->nres; i++)
    if (inst->rkeys[i] == r) return &inst->rvals[i];
  return NULL;
}

lk_rtype_t *lk_rtype_of(lk_instance_t *inst, const swasm_cm_resource_t *r) {
  if (!inst || !r) return NULL;
  for (lk_instance_t *i = inst; i; i = i->parent) {
    lk_rtype_t **slot = local_slot(i, r);
    if (slot) return *slot;
  }
  /* Not bound along the parents: a node bound in one other instance of the tree only. */
  swasm_cinst_t *root = frame_of(inst)->root;
  for (uint32_t i = 0; i < root->rnodes.n; i++)
    if (root->rnodes.p[i] == r) return root->rtypes.p[i];
  return NULL;
}

/* Records the binding tree-wide; a node bound to two run-time types there is ambiguous. */
static bool bind_global(swasm_cinst_t *root, const swasm_cm_resource_t *r, lk_rtype_t *rt) {
  for (uint32_t i = 0; i < root->rnodes.n; i++)
    if (root->rnodes.p[i] == r) {
      if (root->rtypes.p[i] != rt) root->rtypes.p[i] = NULL;
      return true;
    }
  if (!ci_push(&root->rnodes, (void *)r)) return false;
  if (!ci_push(&root->rtypes, rt)) {
    root->rnodes.n--;
    return false;
  }
  return true;
}

bool lk_bind_rtype(lk_instance_t *inst, const swasm_cm_resource_t *r, lk_rtype_t *rt) {
  if (!inst || !r || !rt) return false;
  lk_rtype_t **slot = local_slot(inst, r);
  if (slot) {
    *slot = rt;
  } else {
    if (inst->nres == inst->capres) {
      uint32_t cap = inst->capres ? inst->capres * 2 : 8;
      const swasm_cm_resource_t **k = realloc(inst->rkeys, (size_t)cap * sizeof *k);
      if (!k) return false;
      inst->rkeys = k;
      lk_rtype_t **v = realloc(inst->rvals, (size_t)cap * sizeof *v);
      if (!v) return false;
      inst->rvals = v;
      inst->capres = cap;
    }
    inst->rkeys[inst->nres] = r;
    inst->rvals[inst->nres++] = rt;
  }
  return bind_global(frame_of(inst)->root, r, rt);
}

static const ci_export_t *find(const ci_cinst_t *ci, const char *name) {
  for (uint32_t i = 0; ci && i < ci->n; i++)
    if (strcmp(ci->exports[i].name, name) == 0) return &ci->exports[i];
  return NULL;
}

static bool bind_entity(ci_frame_t *f, const swasm_cm_type_t *t, swasm_cm_sort_t sort,
                        const ci_val_t *v, uint32_t depth) {
  if (!t || depth > WALK_DEPTH) return true;
  if (sort == SWASM_CM_TYPE) {
    if (t->kind != SWASM_CM_RESOURCE || !t->resource || !v->rt) return true;
    return lk_bind_rtype(&f->lk, t->resource, v->rt);
  }
  if (sort != SWASM_CM_INSTANCE || t->kind != SWASM_CM_INSTANCETYPE) return true;
  for (uint32_t i = 0; i < t->nexports; i++) {
    const swasm_cm_entity_t *e = &t->exports[i];
    if (e->sort != SWASM_CM_TYPE && e->sort != SWASM_CM_INSTANCE) continue;
    const ci_export_t *x = find(v->inst, e->name);
    if (x && x->v.sort == e->sort && !bind_entity(f, e->type, e->sort, &x->v, depth + 1))
      return false;
  }
  return true;
}

bool ci_bind_entity(ci_frame_t *f, const swasm_cm_type_t *t, swasm_cm_sort_t sort,
                    const ci_val_t *v) {
  return bind_entity(f, t, sort, v, 0);
}

/* The two types have the same structure (the validator checked it); only resource nodes
 * differ. Types are DAGs: the step budget bounds the walk on hostile ones. */
static bool like(ci_frame_t *f, const swasm_cm_type_t *v, const swasm_cm_type_t *a,
                 uint32_t depth) {
  if (!v || !a || v == a || depth > WALK_DEPTH || f->root->steps++ > WALK_STEPS) return true;
  if (v->kind == SWASM_CM_RESOURCE && a->kind == SWASM_CM_RESOURCE) {
    if (!a->resource || v->resource == a->resource || local_slot(&f->lk, a->resource))
      return true;
    lk_rtype_t *rt = lk_rtype_of(&f->lk, v->resource);
    return !rt || lk_bind_rtype(&f->lk, a->resource, rt);
  }
  if (v->kind != a->kind) return true;
  uint32_t n = v->n < a->n ? v->n : a->n;
  for (uint32_t i = 0; i < n; i++)
    if (!like(f, v->fields[i].type, a->fields[i].type, depth + 1)) return false;
  return like(f, v->a, a->a, depth + 1) && like(f, v->b, a->b, depth + 1);
}

bool ci_bind_like(ci_frame_t *f, const swasm_cm_type_t *view, const swasm_cm_type_t *actual) {
  f->root->steps = 0;
  return like(f, view, actual, 0);
}

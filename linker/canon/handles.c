/* handles.c - the per-instance handle table (indices from 1, freed slots reused last-in first-out),
 * own and borrow handles moving through lift and lower, lend counts, and the resource.new,
 * resource.drop and resource.rep built-ins with the destructor calls they make. */
#include <stdlib.h>
#include <string.h>

#include "canon.h"

static bool table_add(lk_table_t *t, lk_handle_t h, uint32_t *index, swasm_error_t *err) {
  if (t->free_head) {
    uint32_t i = t->free_head;
    t->free_head = t->slots[i].next_free;
    t->slots[i] = h;
    *index = i;
    return true;
  }
  if (t->n == 0) t->n = 1;       /* index 0 is never a handle */
  if (t->n >= t->cap) {
    if (t->cap >= (1u << 28)) return lk_trap(err, "handle table full");
    uint32_t cap = t->cap ? t->cap * 2 : 16;
    lk_handle_t *s = realloc(t->slots, sizeof *s * cap);
    if (!s) return lk_trap(err, "out of memory growing a handle table");
    memset(s + t->cap, 0, sizeof *s * (cap - t->cap));
    t->slots = s;
    t->cap = cap;
  }
  t->slots[t->n] = h;
  *index = t->n++;
  return true;
}

static void table_remove(lk_table_t *t, uint32_t i) {
  memset(&t->slots[i], 0, sizeof t->slots[i]);
  t->slots[i].next_free = t->free_head;
  t->free_head = i;
}

static const char *kind_of(const lk_rtype_t *rt) {
  return rt->impl ? "guest-defined resource" : "host-defined resource";
}

static lk_handle_t *table_get(lk_table_t *t, uint32_t i, const lk_rtype_t *rt,
                              swasm_error_t *err) {
  if (i == 0 || i >= t->n || !t->slots[i].rt) {
    lk_trap(err, "unknown handle index %u", i);
    return NULL;
  }
  lk_handle_t *h = &t->slots[i];
  if (rt && h->rt != rt) {
    bool same_kind = (h->rt->impl != NULL) == (rt->impl != NULL);
    lk_trap(err, "handle index %u used with the wrong type, expected %s but found %s%s", i,
            kind_of(rt), same_kind ? "a different " : "a ", kind_of(h->rt));
    return NULL;
  }
  return h;
}

lk_rtype_t *cn_rtype(cn_cx_t *cx, const swasm_cm_type_t *t) {
  const swasm_cm_resource_t *r = t->a ? t->a->resource : NULL;
  lk_instance_t *in = cx->rtypes_in ? cx->rtypes_in : cx->opts ? cx->opts->inst : NULL;
  lk_rtype_t *rt = r && in ? lk_rtype_of(in, r) : NULL;
  if (!rt) cn_trap(cx, "canonical ABI: resource type %s is not bound at run time",
                   r && r->name ? r->name : "?");
  return rt;
}

bool cn_lift_own(cn_cx_t *cx, uint32_t index, const swasm_cm_type_t *t, uint32_t *rep) {
  lk_rtype_t *rt = cn_rtype(cx, t);
  if (!rt) return false;
  lk_table_t *tab = &cx->opts->inst->handles;
  lk_handle_t *h = table_get(tab, index, rt, cx->err);
  if (!h) return false;
  if (h->lend_count) return cn_trap(cx, "cannot remove owned resource while borrowed");
  if (!h->own) return cn_trap(cx, "handle index %u is a borrow, not an own handle", index);
  *rep = h->rep;
  table_remove(tab, index);
  return true;
}

bool cn_lift_borrow(cn_cx_t *cx, uint32_t index, const swasm_cm_type_t *t, uint32_t *rep) {
  lk_rtype_t *rt = cn_rtype(cx, t);
  if (!rt) return false;
  lk_instance_t *inst = cx->opts->inst;
  lk_handle_t *h = table_get(&inst->handles, index, rt, cx->err);
  if (!h) return false;
  if (h->own) {
    cn_lender_t *l = swasm_carena_alloc(cx->arena, sizeof *l);
    if (!l) return cn_trap(cx, "out of memory");
    *l = (cn_lender_t){.inst = inst, .index = index, .next = cx->lenders};
    cx->lenders = l;
    h->lend_count++;
  }
  *rep = h->rep;
  return true;
}

void cn_release_lenders(cn_lender_t *l) {
  for (; l; l = l->next) {
    lk_table_t *t = &l->inst->handles;
    if (l->index < t->n && t->slots[l->index].rt && t->slots[l->index].lend_count)
      t->slots[l->index].lend_count--;
  }
}

bool cn_lower_own(cn_cx_t *cx, uint32_t rep, const swasm_cm_type_t *t, uint32_t *index) {
  lk_rtype_t *rt = cn_rtype(cx, t);
  if (!rt) return false;
  lk_handle_t h = {.rt = rt, .rep = rep, .own = true};
  return table_add(&cx->opts->inst->handles, h, index, cx->err);
}

bool cn_lower_borrow(cn_cx_t *cx, uint32_t rep, const swasm_cm_type_t *t, uint32_t *index) {
  lk_rtype_t *rt = cn_rtype(cx, t);
  if (!rt) return false;
  lk_instance_t *inst = cx->opts->inst;
  /* the implementation sees its own representation, not a handle */
  if (rt->impl == inst) {
    *index = rep;
    return true;
  }
  lk_handle_t h = {.rt = rt, .rep = rep, .own = false, .scope = inst->calls};
  if (!table_add(&inst->handles, h, index, cx->err)) return false;
  inst->borrows_in_call++;
  return true;
}

/* ---- resource built-ins ---- */

static bool run_dtor(lk_instance_t *inst, lk_rtype_t *rt, uint32_t rep, swasm_error_t *err) {
  if (rt->host) {
    if (rt->host->dtor) rt->host->dtor(rt->host_env, rep);
    return true;
  }
  if (!rt->has_dtor) return true;
  lk_instance_t *impl = rt->impl;
  if (impl && impl != inst && (impl->busy || impl->poisoned))
    return lk_trap(err, "cannot enter component instance");
  bool was_busy = impl ? impl->busy : false;
  if (impl) impl->busy = true;
  swasm_val_t args[1];
  memset(args, 0, sizeof args);
  args[0].i32 = (int32_t)rep;
  bool ok = swasm_call(&rt->dtor, args, err);
  if (impl) {
    impl->busy = was_busy;
    if (!ok) impl->poisoned = true;
  }
  return ok;
}

static bool builtin_new(void *env, swasm_instance_t *caller, swasm_val_t *ar, swasm_error_t *err) {
  (void)caller;
  cn_builtin_t *b = env;
  if (!b->inst->may_leave) return lk_trap(err, "cannot leave component instance");
  lk_handle_t h = {.rt = b->rt, .rep = (uint32_t)ar[0].i32, .own = true};
  uint32_t index;
  if (!table_add(&b->inst->handles, h, &index, err)) return false;
  ar[0].i32 = (int32_t)index;
  return true;
}

static bool builtin_rep(void *env, swasm_instance_t *caller, swasm_val_t *ar, swasm_error_t *err) {
  (void)caller;
  cn_builtin_t *b = env;
  lk_handle_t *h = table_get(&b->inst->handles, (uint32_t)ar[0].i32, b->rt, err);
  if (!h) return false;
  ar[0].i32 = (int32_t)h->rep;
  return true;
}

static bool builtin_drop(void *env, swasm_instance_t *caller, swasm_val_t *ar, swasm_error_t *err) {
  (void)caller;
  cn_builtin_t *b = env;
  lk_instance_t *inst = b->inst;
  if (!inst->may_leave) return lk_trap(err, "cannot leave component instance");
  uint32_t index = (uint32_t)ar[0].i32;
  lk_handle_t *h = table_get(&inst->handles, index, b->rt, err);
  if (!h) return false;
  if (h->lend_count) return lk_trap(err, "cannot remove owned resource while borrowed");
  lk_handle_t copy = *h;
  table_remove(&inst->handles, index);
  if (!copy.own) {
    if (inst->borrows_in_call) inst->borrows_in_call--;
    return true;
  }
  return run_dtor(inst, copy.rt, copy.rep, err);
}

static swasm_host_func_t *builtin(lk_instance_t *inst, lk_rtype_t *rt, uint32_t kind,
                                  swasm_host_cb cb, uint32_t nresults) {
  static const uint8_t types[2] = {SWASM_T_I32, SWASM_T_I32};
  if (!inst || !rt) return NULL;
  swasm_desc_functype_t ft = {.nparams = 1, .nresults = nresults, .types = types};
  cn_builtin_t proto = {.rt = rt, .kind = kind, .name = rt->name};
  return cn_builtin_make(inst, &proto, &ft, cb);
}

swasm_host_func_t *lk_resource_new(lk_instance_t *inst, lk_rtype_t *rt) {
  return builtin(inst, rt, SWASM_CANON_RESOURCE_NEW, builtin_new, 1);
}

swasm_host_func_t *lk_resource_drop(lk_instance_t *inst, lk_rtype_t *rt) {
  return builtin(inst, rt, SWASM_CANON_RESOURCE_DROP, builtin_drop, 0);
}

swasm_host_func_t *lk_resource_rep(lk_instance_t *inst, lk_rtype_t *rt) {
  return builtin(inst, rt, SWASM_CANON_RESOURCE_REP, builtin_rep, 1);
}

void lk_table_free(lk_table_t *t) {
  if (!t) return;
  cn_canon_free(t->canon);
  free(t->slots);
  memset(t, 0, sizeof *t);
}

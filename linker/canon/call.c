/* call.c - calls across the canonical ABI: lk_call enters a lifted function (lowering the
 * arguments into its memory, lifting its result, running post-return and closing the borrow
 * scope) or a host function, and lk_lower makes the core function of a `canon lower` whose
 * callback lifts the caller's core arguments, calls through lk_call and lowers the result. */
#include <stdlib.h>
#include <string.h>

#include "canon.h"

#define MAX_SLOTS (CN_MAX_FLAT_PARAMS + 1)

/* The parameters of ft viewed as one record: what spills to memory past MAX_FLAT_PARAMS. */
static swasm_cm_type_t params_tuple(const swasm_cm_type_t *ft) {
  swasm_cm_type_t t;
  memset(&t, 0, sizeof t);
  t.kind = SWASM_CM_RECORD;
  t.n = ft->n;
  t.fields = ft->fields;
  return t;
}

/* Whether the parameters flatten to at most max core values. */
static bool params_flat(const swasm_cm_type_t *ft, uint32_t max) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < ft->n; i++) {
    uint32_t k = cn_flatten(ft->fields[i].type, NULL, 0);
    if (k > max || n + k > max) return false;
    n += k;
  }
  return true;
}

/* Whether the parameters of ft travel as core values (at most max of them, else spilled to
 * memory) and its result as one (else through a pointer): fixed by the type, so decided when
 * a lift or lower is made, not per call. */
static void note_flat(const swasm_cm_type_t *ft, uint32_t max, bool *params, bool *result) {
  *params = params_flat(ft, max);
  *result = ft->a && cn_flatten(ft->a, NULL, 0) <= CN_MAX_FLAT_RESULTS;
}

static bool same_core_type(const swasm_desc_functype_t *a, const swasm_desc_functype_t *b) {
  if (!a || !b || a->nparams != b->nparams || a->nresults != b->nresults) return false;
  size_t n = (size_t)a->nparams + a->nresults;
  return n == 0 || memcmp(a->types, b->types, n) == 0;   /* types may be NULL when n is 0 */
}

/* ---- the callee side: lowering arguments, lifting the result ---- */

static bool lower_args(cn_cx_t *cx, const swasm_cm_type_t *ft, bool flat,
                       const swasm_cval_t *args, const swasm_desc_functype_t *core,
                       swasm_val_t *vals) {
  if (flat) {
    cn_flat_t out = {.v = vals, .types = core->types, .n = core->nparams, .i = 0};
    for (uint32_t i = 0; i < ft->n; i++)
      if (!cn_lower_flat(cx, &args[i], ft->fields[i].type, &out)) return false;
    return true;
  }
  swasm_cm_type_t tuple = params_tuple(ft);
  uint32_t ptr;
  if (!cn_realloc(cx, 0, 0, lk_align(&tuple), lk_size(&tuple), "argument", &ptr)) return false;
  uint32_t at = ptr;
  for (uint32_t i = 0; i < ft->n; i++) {
    const swasm_cm_type_t *p = ft->fields[i].type;
    at = cn_align_to(at, lk_align(p));
    if (!cn_store(cx, &args[i], p, at)) return false;
    at += lk_size(p);
  }
  vals[0].i32 = (int32_t)ptr;
  return true;
}

static bool lift_result(cn_cx_t *cx, const swasm_cm_type_t *rt, bool flat,
                        const swasm_desc_functype_t *core, swasm_val_t *vals,
                        swasm_cval_t *result) {
  if (flat) {
    cn_flat_t in = {.v = vals, .types = core->types + core->nparams, .n = core->nresults, .i = 0};
    return cn_lift_flat(cx, &in, rt, result);
  }
  uint32_t ptr = (uint32_t)vals[0].i32;
  return cn_check_range(cx, ptr, lk_size(rt), lk_align(rt), "return") &&
         cn_load(cx, ptr, rt, result);
}

static bool call_host(const lk_func_t *f, const swasm_cval_t *args, swasm_cval_t *result,
                      swasm_carena_t *arena, swasm_error_t *err) {
  memset(result, 0, sizeof *result);
  if (!f->host_fn) return lk_trap(err, "host function %s is missing", f->name ? f->name : "?");
  memset(err, 0, sizeof *err);
  if (f->host_fn(f->host_env, args, result, arena, err)) return true;
  if (err->trap == SWASM_TRAP_NONE) err->trap = SWASM_TRAP_HOST;
  return false;
}

/* An async lift without callback runs to completion here: its result comes by task.return. */
static bool run_async(cn_cx_t *cx, const lk_func_t *f, swasm_cval_t *result, swasm_val_t *vals) {
  lk_instance_t *inst = f->opts.inst;
  cn_task_t task = {.result_type = f->type->a, .result = result, .arena = cx->arena,
                    .adapter = cx->adapter};
  cn_task_t *prev = cn_task_swap(inst, &task);
  bool ok = swasm_call(&f->core, vals, cx->err);
  cn_task_swap(inst, prev);
  if (!ok) return false;
  if (!task.returned) return cn_trap(cx, "wasm trap: async-lifted export failed to produce a result");
  if (inst->borrows_in_call)
    return cn_trap(cx, "borrow handles still remain at the end of the call");
  return true;
}

/* The body of a call into a lifted function, with the instance entered. */
static bool run_lifted(cn_cx_t *cx, const lk_func_t *f, const swasm_cval_t *args,
                       swasm_cval_t *result, const swasm_desc_functype_t *core) {
  lk_instance_t *inst = f->opts.inst;
  swasm_val_t vals[MAX_SLOTS];
  memset(vals, 0, sizeof vals);
  if (!lower_args(cx, f->type, f->params_flat, args, core, vals)) return false;
  if (f->opts.async) return run_async(cx, f, result, vals);
  if (!swasm_call(&f->core, vals, cx->err)) return false;
  if (f->type->a && !lift_result(cx, f->type->a, f->result_flat, core, vals, result))
    return false;
  if (f->opts.has_post_return) {
    inst->may_leave = false;
    bool ok = swasm_call(&f->opts.post_return, vals, cx->err);
    inst->may_leave = true;
    if (!ok) return false;
  }
  if (inst->borrows_in_call)
    return cn_trap(cx, "borrow handles still remain at the end of the call");
  return true;
}

/* The core type was checked against the lifted type when the lift was instantiated
 * (lk_check_lift), so a call uses f->core.type as it is. */
static bool call_lifted(const lk_func_t *f, const swasm_cval_t *args, swasm_cval_t *result,
                        swasm_carena_t *arena, swasm_error_t *err, bool adapter) {
  lk_instance_t *inst = f->opts.inst;
  if (!inst || !f->type || !f->core.type)
    return lk_trap(err, "canonical ABI: function without an instance");
  if (inst->poisoned || inst->busy) return lk_trap(err, "cannot enter component instance");
  memset(result, 0, sizeof *result);
  cn_cx_t cx = {.opts = &f->opts, .arena = arena, .err = err, .adapter = adapter};
  uint32_t saved_borrows = inst->borrows_in_call;
  inst->busy = true;
  inst->borrows_in_call = 0;
  inst->calls++;
  cn_task_start(inst);
  bool ok = run_lifted(&cx, f, args, result, f->core.type);
  inst->busy = false;
  inst->borrows_in_call = saved_borrows;
  if (!ok && err->trap != SWASM_TRAP_EXIT) inst->poisoned = true;
  return ok;
}

const char *lk_check_lift(lk_func_t *f) {
  swasm_desc_functype_t core;
  if (!cn_flatten_core(f->type, false, f->opts.async, &core))
    return "canonical ABI: unsupported function type";
  note_flat(f->type, CN_MAX_FLAT_PARAMS, &f->params_flat, &f->result_flat);
  bool same = same_core_type(&core, f->core.type);
  free((void *)core.types);
  return same ? NULL : "canonical ABI: core function type does not match the lifted type";
}

static bool call(const lk_func_t *f, const swasm_cval_t *args, swasm_cval_t *result,
                 swasm_carena_t *arena, swasm_error_t *err, bool adapter) {
  if (!f || !f->type) return lk_trap(err, "canonical ABI: no function");
  if (f->type->n && !args) return lk_trap(err, "canonical ABI: arguments missing");
  if (f->is_host) return call_host(f, args, result, arena, err);
  return call_lifted(f, args, result, arena, err, adapter);
}

bool lk_call(const lk_func_t *f, const swasm_cval_t *args, swasm_cval_t *result,
             swasm_carena_t *arena, swasm_error_t *err) {
  return call(f, args, result, arena, err, false);
}

/* ---- the caller side: the core function of a canon lower ---- */

static bool lift_args(cn_cx_t *cx, const swasm_cm_type_t *ft, bool flat,
                      const swasm_desc_functype_t *core, swasm_val_t *ar, swasm_cval_t *args) {
  if (flat) {
    cn_flat_t in = {.v = ar, .types = core->types, .n = core->nparams, .i = 0};
    for (uint32_t i = 0; i < ft->n; i++)
      if (!cn_lift_flat(cx, &in, ft->fields[i].type, &args[i])) return false;
    return true;
  }
  swasm_cm_type_t tuple = params_tuple(ft);
  uint32_t at = (uint32_t)ar[0].i32;
  if (!cn_check_range(cx, at, lk_size(&tuple), lk_align(&tuple), "argument")) return false;
  for (uint32_t i = 0; i < ft->n; i++) {
    const swasm_cm_type_t *p = ft->fields[i].type;
    at = cn_align_to(at, lk_align(p));
    if (!cn_load(cx, at, p, &args[i])) return false;
    at += lk_size(p);
  }
  return true;
}

static bool lower_result(cn_cx_t *cx, const swasm_cm_type_t *rt, bool flat,
                         const swasm_desc_functype_t *core, swasm_val_t *ar,
                         const swasm_cval_t *result) {
  if (flat) {
    cn_flat_t out = {.v = ar, .types = core->types + core->nparams, .n = core->nresults, .i = 0};
    return cn_lower_flat(cx, result, rt, &out);
  }
  uint32_t ptr = (uint32_t)ar[core->nparams - 1].i32;
  return cn_check_range(cx, ptr, lk_size(rt), lk_align(rt), "return") &&
         cn_store(cx, result, rt, ptr);
}

static bool lowered_call(lk_lowered_t *lw, swasm_val_t *ar, swasm_carena_t *arena,
                         swasm_error_t *err) {
  const swasm_cm_type_t *ft = lw->type ? lw->type : lw->callee->type;
  /* a host callee is reached the way a host import is: its traps read as the host's */
  cn_cx_t cx = {.opts = &lw->opts, .arena = arena, .err = err, .adapter = !lw->callee->is_host};
  /* without a type of the lowering side, resources are named as the callee names them: the
   * handle types must agree across the call anyway */
  if (!lw->type && !lw->callee->is_host) cx.rtypes_in = lw->callee->opts.inst;
  swasm_cval_t *args = swasm_carena_alloc(arena, sizeof *args * (ft->n ? ft->n : 1));
  if (!args) return lk_trap(err, "out of memory");
  swasm_cval_t result;
  memset(&result, 0, sizeof result);
  bool ok = lift_args(&cx, ft, lw->params_flat, &lw->core_type, ar, args) &&
            call(lw->callee, args, &result, arena, err, cx.adapter);
  cn_release_lenders(cx.lenders);
  if (!ok) return false;
  if (lw->opts.async) {
    /* the callee has finished: the subtask is reported RETURNED, its result written */
    if (ft->a) {
      uint32_t ptr = (uint32_t)ar[lw->core_type.nparams - 1].i32;
      if (!cn_check_range(&cx, ptr, lk_size(ft->a), lk_align(ft->a), "return") ||
          !cn_store(&cx, &result, ft->a, ptr))
        return false;
    }
    ar[0].i32 = CN_STATUS_RETURNED;
    return true;
  }
  return !ft->a || lower_result(&cx, ft->a, lw->result_flat, &lw->core_type, ar, &result);
}

static bool lowered_cb(void *env, swasm_instance_t *caller, swasm_val_t *ar, swasm_error_t *err) {
  (void)caller;
  lk_lowered_t *lw = env;
  if (lw->opts.inst && !lw->opts.inst->may_leave)
    return lk_trap(err, "cannot leave component instance");
  swasm_carena_t *arena = swasm_carena_new();
  if (!arena) return lk_trap(err, "out of memory");
  bool ok = lowered_call(lw, ar, arena, err);
  swasm_carena_free(arena);
  return ok;
}

bool lk_lower(lk_lowered_t *lw, swasm_func_t *out, swasm_error_t *err) {
  if (!lw || !lw->callee) return lk_trap(err, "canon lower: no callee");
  const swasm_cm_type_t *ft = lw->type ? lw->type : lw->callee->type;
  if (!cn_flatten_core(ft, true, lw->opts.async, &lw->core_type))
    return lk_trap(err, "canon lower: unsupported function type");
  note_flat(ft, lw->opts.async ? CN_MAX_FLAT_ASYNC_PARAMS : CN_MAX_FLAT_PARAMS,
            &lw->params_flat, &lw->result_flat);
  lw->hf = swasm_host_func_new(&lw->core_type, lowered_cb, lw);
  if (!lw->hf) {
    free((void *)lw->core_type.types);
    memset(&lw->core_type, 0, sizeof lw->core_type);
    return lk_trap(err, "canon lower: out of memory");
  }
  *out = swasm_host_func_get(lw->hf);
  return true;
}

void lk_lowered_free(lk_lowered_t *lw) {
  if (!lw) return;
  if (lw->hf) swasm_host_func_free(lw->hf);
  free((void *)lw->core_type.types);
  lw->hf = NULL;
  memset(&lw->core_type, 0, sizeof lw->core_type);
}

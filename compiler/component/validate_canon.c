/* validate_canon.c - canonical definitions: lift and lower with their options (string
 * encoding, memory, realloc, post-return, async) checked against the Canonical ABI's
 * flattening of the function type, the resource built-ins, and the core function types of the
 * other (async, stream, future, thread) built-ins. */
#include <stdio.h>
#include <string.h>

#include "cm.h"

/* ---- flattening ------------------------------------------------------------------------- */

enum { FLAT_CAP = 17 };   /* one more than the most flat values either direction keeps */

typedef struct flat {
  uint8_t t[FLAT_CAP];
  uint32_t n;             /* may exceed FLAT_CAP: then t holds only the first FLAT_CAP */
} flat_t;

static void push(flat_t *f, uint8_t t) {
  if (f->n < FLAT_CAP) f->t[f->n] = t;
  if (f->n < UINT32_MAX) f->n++;
}

static uint8_t join(uint8_t a, uint8_t b) {
  if (a == b) return a;
  if ((a == SWASM_I32 && b == SWASM_F32) || (a == SWASM_F32 && b == SWASM_I32)) return SWASM_I32;
  return SWASM_I64;
}

static void flatten(const swasm_cm_type_t *t, flat_t *f, uint32_t depth);

/* A variant's flattening: its discriminant, then each position joined over the cases. */
static void flatten_cases(const swasm_cm_type_t *const *cases, uint32_t n, flat_t *f,
                          uint32_t depth) {
  flat_t joined = {0};
  for (uint32_t i = 0; i < n; i++) {
    if (!cases[i]) continue;
    flat_t c = {0};
    flatten(cases[i], &c, depth + 1);
    for (uint32_t k = 0; k < c.n && k < FLAT_CAP; k++) {
      if (k < joined.n) joined.t[k] = join(joined.t[k], c.t[k]);
      else push(&joined, c.t[k]);
    }
    if (c.n > joined.n) joined.n = c.n;
  }
  push(f, SWASM_I32);
  for (uint32_t k = 0; k < joined.n; k++) push(f, k < FLAT_CAP ? joined.t[k] : SWASM_I32);
}

static void flatten(const swasm_cm_type_t *t, flat_t *f, uint32_t depth) {
  if (f->n > FLAT_CAP || depth > 1000) {
    push(f, SWASM_I32);
    return;
  }
  switch (t->kind) {
  case SWASM_CM_S64: case SWASM_CM_U64: push(f, SWASM_I64); break;
  case SWASM_CM_F32: push(f, SWASM_F32); break;
  case SWASM_CM_F64: push(f, SWASM_F64); break;
  case SWASM_CM_STRING: case SWASM_CM_LIST: case SWASM_CM_MAP:
    push(f, SWASM_I32);
    push(f, SWASM_I32);
    break;
  case SWASM_CM_RECORD: case SWASM_CM_TUPLE:
    for (uint32_t i = 0; i < t->n; i++) flatten(t->fields[i].type, f, depth + 1);
    break;
  case SWASM_CM_FIXED_LIST:
    for (uint32_t i = 0; i < t->length && f->n <= FLAT_CAP; i++) flatten(t->a, f, depth + 1);
    break;
  case SWASM_CM_VARIANT: {
    const swasm_cm_type_t *cases[FLAT_CAP * 4];
    /* Only the payloads matter, and past a few dozen the result overflows anyway. */
    uint32_t n = t->n < FLAT_CAP * 4 ? t->n : FLAT_CAP * 4;
    for (uint32_t i = 0; i < n; i++) cases[i] = t->fields[i].type;
    flatten_cases(cases, n, f, depth);
    break;
  }
  case SWASM_CM_OPTION: {
    const swasm_cm_type_t *cases[2] = {NULL, t->a};
    flatten_cases(cases, 2, f, depth);
    break;
  }
  case SWASM_CM_RESULT: {
    const swasm_cm_type_t *cases[2] = {t->a, t->b};
    flatten_cases(cases, 2, f, depth);
    break;
  }
  default: push(f, SWASM_I32); break;  /* small integers, char, enums, flags, handles */
  }
}

bool cm_flatten(const swasm_cm_type_t *t, uint8_t *out, uint32_t *n, uint32_t max) {
  flat_t f = {0};
  flatten(t, &f, 0);
  *n = f.n;
  if (f.n > max) return false;
  memcpy(out, f.t, f.n);
  return true;
}

static void flatten_params(const swasm_cm_type_t *ft, flat_t *f) {
  for (uint32_t i = 0; i < ft->n; i++) flatten(ft->fields[i].type, f, 0);
}

/* ---- options ---------------------------------------------------------------------------- */

static const uint8_t i32x4[4] = {SWASM_I32, SWASM_I32, SWASM_I32, SWASM_I32};

static bool memory_opt(cm_scope_t *s, const swasm_cm_canonopts_t *o, bool needed) {
  cm_val_t *v = s->v;
  if (o->has_memory) {
    const swasm_limits_t *m = cm_get_entry(s, SWASM_CM_CORE_MEMORY, o->memory, sizeof *m);
    if (!m) return false;
  } else if (needed) {
    return cm_fail(v, SWASM_INVALID, v->offset, "canonical option `memory` is required");
  }
  return true;
}

static bool realloc_opt(cm_scope_t *s, const swasm_cm_canonopts_t *o, bool needed) {
  cm_val_t *v = s->v;
  if (!o->has_realloc) {
    /* Without memory that is the first thing missing. */
    if (needed && !o->has_memory) return memory_opt(s, o, true);
    return !needed || cm_fail(v, SWASM_INVALID, v->offset, "canonical option `realloc` is required");
  }
  if (!o->has_memory)
    return cm_fail(v, SWASM_INVALID, v->offset, "canonical option `realloc` requires `memory` to "
                   "also be specified");
  const swasm_functype_t *f = cm_get_core_func(s, o->realloc);
  if (!f) return false;
  const swasm_functype_t want = {.nparams = 4, .params = i32x4, .nresults = 1, .results = i32x4};
  if (!cm_functype_eq(f, &want))
    return cm_fail(v, SWASM_INVALID, v->offset, "canonical option `realloc` uses a core function "
                   "with an incorrect signature");
  return true;
}

static void list_names(const uint8_t *t, uint32_t n, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = 0;
  for (uint32_t i = 0; i < n && len + 8 < size; i++) {
    const char *name = t[i] == SWASM_I32 ? "I32" : t[i] == SWASM_I64 ? "I64"
                     : t[i] == SWASM_F32 ? "F32" : "F64";
    len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", name);
  }
}

static bool signature(cm_val_t *v, const char *what, const uint8_t *want, uint32_t nwant,
                      const uint8_t *have, uint32_t nhave) {
  if (nwant == nhave && (nwant == 0 || memcmp(want, have, nwant) == 0)) return true;
  char w[160], h[160];
  list_names(want, nwant, w, sizeof w);
  list_names(have, nhave, h, sizeof h);
  return cm_fail(v, SWASM_INVALID, v->offset, "lowered %s types `[%s]` do not match %s types `[%s]`",
                 what, w, what, h);
}

/* ---- lift and lower --------------------------------------------------------------------- */

static swasm_functype_t *core_functype(cm_val_t *v, const uint8_t *p, uint32_t np, const uint8_t *r,
                                       uint32_t nr) {
  swasm_functype_t *f = cm_alloc(v, 1, sizeof *f);
  uint8_t *buf = f ? cm_alloc(v, (size_t)np + nr, 1) : NULL;
  if (!buf) return NULL;
  if (np) memcpy(buf, p, np);
  if (nr) memcpy(buf + np, r, nr);
  f->nparams = np;
  f->params = buf;
  f->nresults = nr;
  f->results = buf + np;
  return f;
}

static bool lift(cm_scope_t *s, swasm_cm_canon_t *cn) {
  cm_val_t *v = s->v;
  const swasm_functype_t *core = cm_get_core_func(s, cn->func);
  const swasm_cm_type_t *ft = core ? cm_get_type(s, cn->type) : NULL;
  if (!ft) return false;
  if (ft->kind != SWASM_CM_FUNCTYPE)
    return cm_fail(v, SWASM_INVALID, cn->offset, "type index %u is not a function type", cn->type);
  const swasm_cm_canonopts_t *o = &cn->opts;
  if (o->async && !ft->async)
    return cm_fail(v, SWASM_INVALID, cn->offset, "the `async` canonical option requires an async "
                   "function type");
  flat_t p = {0}, r = {0};
  flatten_params(ft, &p);
  if (ft->a) flatten(ft->a, &r, 0);
  bool params_in_memory = p.n > CM_MAX_FLAT_PARAMS, results_in_memory = r.n > CM_MAX_FLAT_RESULTS;
  bool strings_in = false;
  for (uint32_t i = 0; i < ft->n; i++) strings_in |= cm_needs_memory(ft->fields[i].type);
  bool strings_out = cm_needs_memory(ft->a);
  if (params_in_memory) p.n = 1, p.t[0] = SWASM_I32;
  if (o->async) {
    r.n = o->has_callback ? 1 : 0;
    r.t[0] = SWASM_I32;
    results_in_memory = false;
  } else if (results_in_memory) {
    r.n = 1;
    r.t[0] = SWASM_I32;
  }
  if (!realloc_opt(s, o, strings_in || params_in_memory) ||
      !memory_opt(s, o, strings_in || strings_out || params_in_memory || results_in_memory))
    return false;
  if (!signature(v, "parameter", p.t, p.n, core->params, core->nparams) ||
      !signature(v, "result", r.t, r.n, core->results, core->nresults))
    return false;
  if (o->has_post_return) {
    const swasm_functype_t *pr = cm_get_core_func(s, o->post_return);
    if (!pr) return false;
    const swasm_functype_t want = {.nparams = core->nresults, .params = core->results};
    if (o->async || !cm_functype_eq(pr, &want))
      return cm_fail(v, SWASM_INVALID, cn->offset, "canonical option `post-return` uses a core "
                     "function with an incorrect signature");
  }
  if (o->has_callback) {
    if (!o->async)
      return cm_fail(v, SWASM_INVALID, cn->offset, "canonical option `callback` requires `async`");
    const swasm_functype_t *cb = cm_get_core_func(s, o->callback);
    const swasm_functype_t want = {.nparams = 3, .params = i32x4, .nresults = 1, .results = i32x4};
    if (!cb) return false;
    if (!cm_functype_eq(cb, &want))
      return cm_fail(v, SWASM_INVALID, cn->offset, "canonical option `callback` uses a core "
                     "function with an incorrect signature");
  }
  cn->functype = ft;
  return cm_push(s, SWASM_CM_FUNC, &ft, sizeof ft);
}

static bool lower(cm_scope_t *s, swasm_cm_canon_t *cn) {
  cm_val_t *v = s->v;
  const swasm_cm_type_t *ft = cm_get(s, SWASM_CM_FUNC, cn->func);
  if (!ft) return false;
  const swasm_cm_canonopts_t *o = &cn->opts;
  if (o->has_post_return)
    return cm_fail(v, SWASM_INVALID, cn->offset, "canonical option `post-return` cannot be "
                   "specified for lowerings");
  if (o->has_callback)
    return cm_fail(v, SWASM_INVALID, cn->offset, "canonical option `callback` cannot be specified "
                   "for lowerings");
  if (o->async && !ft->async)
    return cm_fail(v, SWASM_INVALID, cn->offset, "the `async` canonical option requires an async "
                   "function type");
  flat_t p = {0}, r = {0};
  flatten_params(ft, &p);
  if (ft->a) flatten(ft->a, &r, 0);
  uint32_t max_params = o->async ? 4 : CM_MAX_FLAT_PARAMS;
  bool params_in_memory = p.n > max_params, results_in_memory = r.n > CM_MAX_FLAT_RESULTS;
  bool strings_in = false;
  for (uint32_t i = 0; i < ft->n; i++) strings_in |= cm_needs_memory(ft->fields[i].type);
  bool strings_out = cm_needs_memory(ft->a);
  if (params_in_memory) p.n = 1, p.t[0] = SWASM_I32;
  if (o->async) {
    if (ft->a) push(&p, SWASM_I32);
    r.n = 1;
    r.t[0] = SWASM_I32;
  } else if (results_in_memory) {
    push(&p, SWASM_I32);
    r.n = 0;
  }
  if (p.n > FLAT_CAP)
    return cm_fail(v, SWASM_INTERNAL, cn->offset, "flattened parameters out of range");
  if (!realloc_opt(s, o, strings_out) ||
      !memory_opt(s, o, strings_in || strings_out || params_in_memory || results_in_memory ||
                            (o->async && ft->a)))
    return false;
  const swasm_functype_t *core = core_functype(v, p.t, p.n, r.t, r.n);
  cn->functype = ft;
  return core && cm_push(s, SWASM_CM_CORE_FUNC, &core, sizeof core);
}

/* ---- built-ins -------------------------------------------------------------------------- */

static bool push_core(cm_scope_t *s, uint32_t np, uint32_t nr, uint8_t rtype) {
  const uint8_t r[1] = {rtype};
  const swasm_functype_t *f = core_functype(s->v, i32x4, np, r, nr);
  return f && cm_push(s, SWASM_CM_CORE_FUNC, &f, sizeof f);
}

static bool resource_builtin(cm_scope_t *s, const swasm_cm_canon_t *cn) {
  cm_val_t *v = s->v;
  const swasm_cm_type_t *t = cm_get_type(s, cn->type);
  if (!t) return false;
  if (t->kind != SWASM_CM_RESOURCE)
    return cm_fail(v, SWASM_INVALID, cn->offset, "type index %u is not a resource type", cn->type);
  if (cn->kind == SWASM_CANON_RESOURCE_DROP) return push_core(s, 1, 0, 0);
  const cm_resource_t *r = (const cm_resource_t *)t->resource;
  if (!r->pub.defined || r->owner != s)
    return cm_fail(v, SWASM_INVALID, cn->offset, "type index %u is not a local resource", cn->type);
  return push_core(s, 1, 1, SWASM_I32);
}

/* stream.* and future.* name a stream or future type; reading and writing elements needs a
 * memory when there are elements. */
static bool async_type(cm_scope_t *s, const swasm_cm_canon_t *cn, uint8_t kind) {
  const swasm_cm_type_t *t = cm_get_type(s, cn->type);
  if (!t) return false;
  if (t->kind != kind)
    return cm_fail(s->v, SWASM_INVALID, cn->offset, "type index %u is not a %s type", cn->type,
                   cm_kind_name(kind));
  bool rw = cn->kind == SWASM_CANON_STREAM_READ || cn->kind == SWASM_CANON_STREAM_WRITE ||
            cn->kind == SWASM_CANON_FUTURE_READ || cn->kind == SWASM_CANON_FUTURE_WRITE;
  return !rw || memory_opt(s, &cn->opts, t->a != NULL);
}

static bool task_return(cm_scope_t *s, const swasm_cm_canon_t *cn) {
  const swasm_cm_type_t *t = NULL;
  if (cn->has_result && !(t = cm_val_valtype(s, cn->result))) return false;
  flat_t p = {0};
  if (t) flatten(t, &p, 0);
  bool in_memory = p.n > CM_MAX_FLAT_PARAMS;
  if (in_memory) p.n = 1, p.t[0] = SWASM_I32;
  if (!memory_opt(s, &cn->opts, in_memory || cm_needs_memory(t))) return false;
  const swasm_functype_t *f = core_functype(s->v, p.t, p.n, NULL, 0);
  return f && cm_push(s, SWASM_CM_CORE_FUNC, &f, sizeof f);
}

static bool thread_new_indirect(cm_scope_t *s, const swasm_cm_canon_t *cn) {
  const cm_coretype_t *ct = cm_get_entry(s, SWASM_CM_CORE_TYPE, cn->type, sizeof *ct);
  if (!ct || !cm_get_entry(s, SWASM_CM_CORE_TABLE, cn->table, sizeof(swasm_tabletype_t)))
    return false;
  if (!ct->func)
    return cm_fail(s->v, SWASM_INVALID, cn->offset, "core type index %u is not a function type",
                   cn->type);
  return push_core(s, 2, 1, SWASM_I32);
}

/* Core signatures of the remaining built-ins: parameters (all i32) and result. */
static bool other_builtin(cm_scope_t *s, const swasm_cm_canon_t *cn) {
  switch (cn->kind) {
  case SWASM_CANON_TASK_CANCEL: case SWASM_CANON_BACKPRESSURE_INC:
  case SWASM_CANON_BACKPRESSURE_DEC:
    return push_core(s, 0, 0, 0);
  case SWASM_CANON_BACKPRESSURE_SET: case SWASM_CANON_CONTEXT_SET: case SWASM_CANON_SUBTASK_DROP:
  case SWASM_CANON_WAITABLE_SET_DROP: case SWASM_CANON_ERROR_CONTEXT_DROP:
  case SWASM_CANON_THREAD_RESUME_LATER:
    return push_core(s, 1, 0, 0);
  case SWASM_CANON_CONTEXT_GET: case SWASM_CANON_THREAD_YIELD: case SWASM_CANON_WAITABLE_SET_NEW:
  case SWASM_CANON_THREAD_INDEX: case SWASM_CANON_THREAD_SUSPEND:
    return push_core(s, 0, 1, SWASM_I32);
  case SWASM_CANON_SUBTASK_CANCEL: case SWASM_CANON_THREAD_SUSPEND_THEN_RESUME:
  case SWASM_CANON_THREAD_YIELD_THEN_RESUME: case SWASM_CANON_THREAD_SUSPEND_THEN_PROMOTE:
  case SWASM_CANON_THREAD_YIELD_THEN_PROMOTE:
    return push_core(s, 1, 1, SWASM_I32);
  case SWASM_CANON_WAITABLE_JOIN: return push_core(s, 2, 0, 0);
  case SWASM_CANON_WAITABLE_SET_WAIT: case SWASM_CANON_WAITABLE_SET_POLL:
    return memory_opt(s, &cn->opts, true) && push_core(s, 2, 1, SWASM_I32);
  case SWASM_CANON_ERROR_CONTEXT_NEW:
    return memory_opt(s, &cn->opts, true) && push_core(s, 2, 1, SWASM_I32);
  case SWASM_CANON_ERROR_CONTEXT_DEBUG_MESSAGE:
    return memory_opt(s, &cn->opts, true) && realloc_opt(s, &cn->opts, true) &&
           push_core(s, 2, 0, 0);
  case SWASM_CANON_STREAM_NEW: return async_type(s, cn, SWASM_CM_STREAM) && push_core(s, 0, 1, SWASM_I64);
  case SWASM_CANON_FUTURE_NEW: return async_type(s, cn, SWASM_CM_FUTURE) && push_core(s, 0, 1, SWASM_I64);
  case SWASM_CANON_STREAM_READ: case SWASM_CANON_STREAM_WRITE:
    return async_type(s, cn, SWASM_CM_STREAM) && push_core(s, 3, 1, SWASM_I32);
  case SWASM_CANON_FUTURE_READ: case SWASM_CANON_FUTURE_WRITE:
    return async_type(s, cn, SWASM_CM_FUTURE) && push_core(s, 2, 1, SWASM_I32);
  case SWASM_CANON_STREAM_CANCEL_READ: case SWASM_CANON_STREAM_CANCEL_WRITE:
    return async_type(s, cn, SWASM_CM_STREAM) && push_core(s, 1, 1, SWASM_I32);
  case SWASM_CANON_FUTURE_CANCEL_READ: case SWASM_CANON_FUTURE_CANCEL_WRITE:
    return async_type(s, cn, SWASM_CM_FUTURE) && push_core(s, 1, 1, SWASM_I32);
  case SWASM_CANON_STREAM_DROP_READABLE: case SWASM_CANON_STREAM_DROP_WRITABLE:
    return async_type(s, cn, SWASM_CM_STREAM) && push_core(s, 1, 0, 0);
  case SWASM_CANON_FUTURE_DROP_READABLE: case SWASM_CANON_FUTURE_DROP_WRITABLE:
    return async_type(s, cn, SWASM_CM_FUTURE) && push_core(s, 1, 0, 0);
  default:
    return cm_fail(s->v, SWASM_INVALID, cn->offset, "unknown canonical function 0x%x", cn->kind);
  }
}

bool cm_val_canon(cm_scope_t *s, swasm_cm_canon_t *cn) {
  cm_val_t *v = s->v;
  v->offset = cn->offset;
  if (s->kind != CM_SCOPE_COMPONENT)
    return cm_fail(v, SWASM_INTERNAL, cn->offset, "canonical definition outside a component");
  switch (cn->kind) {
  case SWASM_CANON_LIFT: return lift(s, cn);
  case SWASM_CANON_LOWER: return lower(s, cn);
  case SWASM_CANON_RESOURCE_NEW: case SWASM_CANON_RESOURCE_DROP: case SWASM_CANON_RESOURCE_REP:
    return resource_builtin(s, cn);
  case SWASM_CANON_TASK_RETURN: return task_return(s, cn);
  case SWASM_CANON_THREAD_NEW_INDIRECT: return thread_new_indirect(s, cn);
  default: return other_builtin(s, cn);
  }
}

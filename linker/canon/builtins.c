/* builtins.c - canon's per-instance state and the core functions of the canon built-ins other
 * than lift and lower: the environments every built-in keeps, context.get/set and the
 * backpressure counters, and stand-ins for the async and thread built-ins (out of scope) that
 * trap the way the reference tests expect when post-return or realloc call them. */
#include <stdlib.h>
#include <string.h>

#include "canon.h"

struct lk_canon {
  cn_builtin_t *builtins;
  uint32_t context[2];          /* context.get/set slots of the running task */
  int32_t backpressure;
  cn_task_t *task;              /* the async task running now */
};

static struct lk_canon *state(lk_instance_t *inst) {
  if (!inst->handles.canon) inst->handles.canon = calloc(1, sizeof(struct lk_canon));
  return inst->handles.canon;
}

void cn_canon_free(struct lk_canon *c) {
  if (!c) return;
  for (cn_builtin_t *b = c->builtins, *n; b; b = n) {
    n = b->next;
    free(b);
  }
  free(c);
}

cn_task_t *cn_task_swap(lk_instance_t *inst, cn_task_t *t) {
  struct lk_canon *c = state(inst);
  if (!c) return NULL;
  cn_task_t *old = c->task;
  c->task = t;
  return old;
}

void cn_task_start(lk_instance_t *inst) {
  if (inst->handles.canon) memset(inst->handles.canon->context, 0, sizeof inst->handles.canon->context);
}

swasm_host_func_t *cn_builtin_make(lk_instance_t *inst, const cn_builtin_t *proto,
                                   const swasm_desc_functype_t *ft, swasm_host_cb cb) {
  struct lk_canon *c = inst ? state(inst) : NULL;
  if (!c) return NULL;
  cn_builtin_t *b = malloc(sizeof *b);
  if (!b) return NULL;
  swasm_host_func_t *f = swasm_host_func_new(ft, cb, b);
  if (!f) {
    free(b);
    return NULL;
  }
  *b = *proto;
  b->inst = inst;
  b->next = c->builtins;
  c->builtins = b;
  return f;
}

/* ---- context and backpressure ---- */

static bool context_get(void *env, swasm_instance_t *caller, swasm_val_t *ar, swasm_error_t *err) {
  (void)caller;
  cn_builtin_t *b = env;
  struct lk_canon *c = state(b->inst);
  if (!c) return lk_trap(err, "out of memory");
  ar[0].i32 = (int32_t)c->context[b->imm & 1];
  return true;
}

static bool context_set(void *env, swasm_instance_t *caller, swasm_val_t *ar, swasm_error_t *err) {
  (void)caller;
  cn_builtin_t *b = env;
  struct lk_canon *c = state(b->inst);
  if (!c) return lk_trap(err, "out of memory");
  c->context[b->imm & 1] = (uint32_t)ar[0].i32;
  return true;
}

static bool backpressure(void *env, swasm_instance_t *caller, swasm_val_t *ar, swasm_error_t *err) {
  (void)caller;
  cn_builtin_t *b = env;
  struct lk_canon *c = state(b->inst);
  if (!c) return lk_trap(err, "out of memory");
  if (b->kind == SWASM_CANON_BACKPRESSURE_SET) c->backpressure = ar[0].i32 ? 1 : 0;
  else if (b->kind == SWASM_CANON_BACKPRESSURE_INC) {
    if (c->backpressure == INT32_MAX) return lk_trap(err, "backpressure counter overflow");
    c->backpressure++;
  } else {
    if (c->backpressure == 0) return lk_trap(err, "backpressure counter underflow");
    c->backpressure--;
  }
  return true;
}

static bool unsupported(void *env, swasm_instance_t *caller, swasm_val_t *ar, swasm_error_t *err) {
  (void)caller;
  (void)ar;
  cn_builtin_t *b = env;
  if (!b->inst->may_leave) return lk_trap(err, "cannot leave component instance");
  return lk_trap(err, "%s: async built-ins are not supported", b->name);
}

/* ---- task.return ---- */

static bool task_return(void *env, swasm_instance_t *caller, swasm_val_t *ar, swasm_error_t *err) {
  (void)caller;
  cn_builtin_t *b = env;
  if (!b->inst->may_leave) return lk_trap(err, "cannot leave component instance");
  struct lk_canon *c = state(b->inst);
  cn_task_t *t = c ? c->task : NULL;
  if (!t) return lk_trap(err, "task.return: no async task of this instance is running");
  if (t->returned) return lk_trap(err, "task.return called more than once");
  if ((b->type == NULL) != (t->result_type == NULL))
    return lk_trap(err, "invalid task.return signature");
  t->returned = true;
  if (!b->type) return true;
  cn_cx_t cx = {.opts = &b->opts, .arena = t->arena, .err = err, .adapter = t->adapter};
  uint8_t types[CN_MAX_FLAT_PARAMS + 1];
  uint32_t n = cn_flatten(b->type, types, CN_MAX_FLAT_PARAMS + 1);
  if (n <= CN_MAX_FLAT_PARAMS) {
    cn_flat_t in = {.v = ar, .types = types, .n = n, .i = 0};
    return cn_lift_flat(&cx, &in, b->type, t->result);
  }
  uint32_t ptr = (uint32_t)ar[0].i32;
  return cn_check_range(&cx, ptr, lk_size(b->type), lk_align(b->type), "return") &&
         cn_load(&cx, ptr, b->type, t->result);
}

/* ---- signatures ---- */

typedef struct sig {
  uint8_t kind, np, nr, r;      /* params are i32; r: the result's type */
  const char *name;
} sig_t;

#define I32 SWASM_T_I32
#define I64 SWASM_T_I64
static const sig_t SIGS[] = {
  {SWASM_CANON_TASK_CANCEL, 0, 0, 0, "task.cancel"},
  {SWASM_CANON_SUBTASK_CANCEL, 1, 1, I32, "subtask.cancel"},
  {SWASM_CANON_RESOURCE_DROP_ASYNC, 1, 0, 0, "resource.drop async"},
  {SWASM_CANON_BACKPRESSURE_SET, 1, 0, 0, "backpressure.set"},
  {SWASM_CANON_CONTEXT_GET, 0, 1, I32, "context.get"},
  {SWASM_CANON_CONTEXT_SET, 1, 0, 0, "context.set"},
  {SWASM_CANON_THREAD_YIELD, 0, 1, I32, "thread.yield"},
  {SWASM_CANON_SUBTASK_DROP, 1, 0, 0, "subtask.drop"},
  {SWASM_CANON_STREAM_NEW, 0, 1, I64, "stream.new"},
  {SWASM_CANON_STREAM_READ, 3, 1, I32, "stream.read"},
  {SWASM_CANON_STREAM_WRITE, 3, 1, I32, "stream.write"},
  {SWASM_CANON_STREAM_CANCEL_READ, 1, 1, I32, "stream.cancel-read"},
  {SWASM_CANON_STREAM_CANCEL_WRITE, 1, 1, I32, "stream.cancel-write"},
  {SWASM_CANON_STREAM_DROP_READABLE, 1, 0, 0, "stream.drop-readable"},
  {SWASM_CANON_STREAM_DROP_WRITABLE, 1, 0, 0, "stream.drop-writable"},
  {SWASM_CANON_FUTURE_NEW, 0, 1, I64, "future.new"},
  {SWASM_CANON_FUTURE_READ, 2, 1, I32, "future.read"},
  {SWASM_CANON_FUTURE_WRITE, 2, 1, I32, "future.write"},
  {SWASM_CANON_FUTURE_CANCEL_READ, 1, 1, I32, "future.cancel-read"},
  {SWASM_CANON_FUTURE_CANCEL_WRITE, 1, 1, I32, "future.cancel-write"},
  {SWASM_CANON_FUTURE_DROP_READABLE, 1, 0, 0, "future.drop-readable"},
  {SWASM_CANON_FUTURE_DROP_WRITABLE, 1, 0, 0, "future.drop-writable"},
  {SWASM_CANON_ERROR_CONTEXT_NEW, 2, 1, I32, "error-context.new"},
  {SWASM_CANON_ERROR_CONTEXT_DEBUG_MESSAGE, 2, 0, 0, "error-context.debug-message"},
  {SWASM_CANON_ERROR_CONTEXT_DROP, 1, 0, 0, "error-context.drop"},
  {SWASM_CANON_WAITABLE_SET_NEW, 0, 1, I32, "waitable-set.new"},
  {SWASM_CANON_WAITABLE_SET_WAIT, 2, 1, I32, "waitable-set.wait"},
  {SWASM_CANON_WAITABLE_SET_POLL, 2, 1, I32, "waitable-set.poll"},
  {SWASM_CANON_WAITABLE_SET_DROP, 1, 0, 0, "waitable-set.drop"},
  {SWASM_CANON_WAITABLE_JOIN, 2, 0, 0, "waitable.join"},
  {SWASM_CANON_BACKPRESSURE_INC, 0, 0, 0, "backpressure.inc"},
  {SWASM_CANON_BACKPRESSURE_DEC, 0, 0, 0, "backpressure.dec"},
  {SWASM_CANON_THREAD_INDEX, 0, 1, I32, "thread.index"},
  {SWASM_CANON_THREAD_NEW_INDIRECT, 2, 1, I32, "thread.new-indirect"},
  {SWASM_CANON_THREAD_RESUME_LATER, 1, 0, 0, "thread.resume-later"},
  {SWASM_CANON_THREAD_SUSPEND, 0, 1, I32, "thread.suspend"},
  {SWASM_CANON_THREAD_SUSPEND_THEN_RESUME, 1, 1, I32, "thread.suspend-then-resume"},
  {SWASM_CANON_THREAD_YIELD_THEN_RESUME, 1, 1, I32, "thread.yield-then-resume"},
  {SWASM_CANON_THREAD_SUSPEND_THEN_PROMOTE, 1, 1, I32, "thread.suspend-then-promote"},
  {SWASM_CANON_THREAD_YIELD_THEN_PROMOTE, 1, 1, I32, "thread.yield-then-promote"},
};

/* task.return takes the flattened result (one pointer past MAX_FLAT_PARAMS). */
static bool task_return_type(const swasm_cm_type_t *result, uint8_t *types, uint32_t *n) {
  *n = 0;
  if (!result) return true;
  if (!cn_supported(result)) return false;
  uint32_t k = cn_flatten(result, types, CN_MAX_FLAT_PARAMS);
  if (k > CN_MAX_FLAT_PARAMS) {
    types[0] = SWASM_T_I32;
    k = 1;
  }
  *n = k;
  return true;
}

swasm_host_func_t *lk_builtin(lk_instance_t *inst, const swasm_cm_canon_t *cn,
                              const lk_opts_t *opts, const swasm_cm_type_t *result,
                              swasm_error_t *err) {
  uint8_t types[CN_MAX_FLAT_PARAMS + 1];
  swasm_desc_functype_t ft = {.types = types};
  cn_builtin_t proto = {.kind = cn->kind, .imm = cn->type, .name = "task.return"};
  swasm_host_cb cb = unsupported;
  if (cn->kind == SWASM_CANON_TASK_RETURN) {
    if (!task_return_type(result, types, &ft.nparams)) {
      lk_trap(err, "task.return: unsupported result type");
      return NULL;
    }
    cb = task_return;
    proto.type = result;
    if (opts) proto.opts = *opts;
    proto.opts.inst = inst;
  } else {
    const sig_t *s = NULL;
    for (size_t i = 0; i < sizeof SIGS / sizeof SIGS[0]; i++)
      if (SIGS[i].kind == cn->kind) s = &SIGS[i];
    if (!s) {
      lk_trap(err, "canon built-in 0x%02x is not one lk_builtin makes", (unsigned)cn->kind);
      return NULL;
    }
    ft.nparams = s->np;
    ft.nresults = s->nr;
    for (uint32_t i = 0; i < s->np; i++) types[i] = SWASM_T_I32;
    if (s->nr) types[s->np] = s->r;
    proto.name = s->name;
    if (cn->kind == SWASM_CANON_CONTEXT_GET) cb = context_get;
    else if (cn->kind == SWASM_CANON_CONTEXT_SET) cb = context_set;
    else if (cn->kind == SWASM_CANON_BACKPRESSURE_SET || cn->kind == SWASM_CANON_BACKPRESSURE_INC ||
             cn->kind == SWASM_CANON_BACKPRESSURE_DEC)
      cb = backpressure;
  }
  swasm_host_func_t *f = cn_builtin_make(inst, &proto, &ft, cb);
  if (!f) lk_trap(err, "out of memory");
  return f;
}

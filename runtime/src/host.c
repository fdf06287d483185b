/* host.c - host functions: C callbacks that wasm modules import, and the entry point through
 * which generated thunks call them. */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

struct swasm_host_func {
  swasm_funcref_t ref;             /* what swasm_host_func_get hands out; first member */
  swasm_desc_functype_t type;      /* types points into this allocation */
  swasm_host_cb cb;
  void *env;
  uint8_t types[];
};

void rt_host_unbound(swasm_vmctx_t *ctx) {
  swasm_error_t err;
  rt_fail(&err, "host function called without being imported by a module");
  err.trap = SWASM_TRAP_HOST;
  rt_trap_with(&err);
}

bool rt_is_host_func(const swasm_funcref_t *ref) {
  return ref && ref->code == (void *)rt_host_unbound;
}

swasm_host_func_t *rt_host_of(const swasm_funcref_t *ref) {
  return (swasm_host_func_t *)(void *)ref->ctx;
}

SWASM_API swasm_host_func_t *swasm_host_func_new(const swasm_desc_functype_t *type,
                                                 swasm_host_cb cb, void *env) {
  size_t n = (size_t)type->nparams + type->nresults;
  swasm_host_func_t *f = calloc(1, sizeof *f + n);
  if (!f)
    return NULL;
  if (n)
    memcpy(f->types, type->types, n);
  f->type.nparams = type->nparams;
  f->type.nresults = type->nresults;
  f->type.types = f->types;
  f->cb = cb;
  f->env = env;
  f->ref.code = (void *)rt_host_unbound;
  f->ref.ctx = (swasm_vmctx_t *)(void *)f;
  f->ref.type_id = swasm_type_id(&f->type);
  if (!f->ref.type_id) {
    free(f);
    return NULL;
  }
  return f;
}

SWASM_API swasm_func_t swasm_host_func_get(swasm_host_func_t *f) {
  swasm_func_t r = { &f->ref, &f->type, NULL };
  return r;
}

SWASM_API void swasm_host_func_free(swasm_host_func_t *f) {
  free(f);
}

/* Calls the callback with no caller instance, as swasm_call does for a host function. */
bool rt_host_call_direct(const swasm_funcref_t *ref, swasm_val_t *args, swasm_error_t *err) {
  swasm_host_func_t *f = rt_host_of(ref);
  rt_err_clear(err);
  if (f->cb(f->env, NULL, args, err))
    return true;
  if (err->trap != SWASM_TRAP_EXIT)
    err->trap = SWASM_TRAP_HOST;
  return false;
}

/* ctx is the rt_host_binding_t the importing instance made (see instance.c). */
SWASM_API void swasm_rt_call_host(swasm_vmctx_t *ctx, swasm_val_t *args_results) {
  rt_host_binding_t *b = (rt_host_binding_t *)(void *)ctx;
  swasm_host_func_t *f = b->func;
  swasm_error_t err;
  rt_err_clear(&err);
  if (f->cb(f->env, b->vm.instance, args_results, &err))
    return;
  if (err.trap != SWASM_TRAP_EXIT)
    err.trap = SWASM_TRAP_HOST;
  rt_trap_with(&err);
}

/* instance.c - instantiation: binds imports under the spec's linking rules, builds the vmctx,
 * runs the module's init and start function, and looks up exports.
 *
 * Lifetime: an instance must outlive everything that refers to it - instances that imported its
 * functions, tables or globals, and tables holding its functions' references (a funcref is a
 * pointer into the owning instance's vmctx). Free instances in the reverse order of their
 * creation, or not until the end (the spec runner's choice). An instance whose init or start
 * function trapped may already have stored references to itself in imported tables and globals,
 * so the runtime keeps it alive until the process exits. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;
static swasm_instance_t *kept;     /* failed instances that must stay alive */

/* ---- linking rules ---- */

/* Limits subtyping: the provided object is at least as big as declared, and when a maximum is
 * declared the provided object has one no bigger. */
static bool limits_match(const swasm_desc_limits_t *want, uint64_t min, bool has_max,
                         uint64_t max) {
  if (min < want->min)
    return false;
  return !want->has_max || (has_max && max <= want->max);
}

static bool incompatible(swasm_error_t *err, const swasm_desc_import_t *im, const char *why) {
  return rt_fail(err, "incompatible import type: \"%s\" \"%s\": %s", im->module, im->name, why);
}

static bool bind_func(swasm_instance_t *inst, const swasm_desc_import_t *im,
                      const swasm_extern_t *ex, swasm_error_t *err) {
  const swasm_module_desc_t *d = inst->desc;
  uint32_t typeidx = d->func_types[im->index];
  const swasm_funcref_t *ref = ex->u.func.ref;
  if (!ref)
    return incompatible(err, im, "null function");
  if (ref->type_id != inst->type_ids[typeidx])
    return incompatible(err, im, "function type mismatch");
  swasm_funcref_t *slot = &inst->vmctx.funcs[im->index];
  if (rt_is_host_func(ref)) {
    rt_host_binding_t *b = &inst->bindings[im->index];
    b->func = rt_host_of(ref);
    b->vm.instance = inst;
    slot->code = d->host_thunks[typeidx];
    slot->ctx = &b->vm;
  } else {
    slot->code = ref->code;
    slot->ctx = ref->ctx;
  }
  slot->type_id = ref->type_id;
  return true;
}

static bool bind_table(swasm_instance_t *inst, const swasm_desc_import_t *im,
                       const swasm_extern_t *ex, swasm_error_t *err) {
  const swasm_desc_table_t *want = &inst->desc->tables[im->index];
  swasm_table_t *t = ex->u.table;
  if (!t)
    return incompatible(err, im, "null table");
  if (t->elemtype != want->elemtype)
    return incompatible(err, im, "element type mismatch");
  if (!limits_match(&want->limits, t->size, t->has_max, t->max))
    return incompatible(err, im, "table limits mismatch");
  inst->vmctx.tables[im->index] = t;
  return true;
}

static bool bind_memory(swasm_instance_t *inst, const swasm_desc_import_t *im,
                        const swasm_extern_t *ex, swasm_error_t *err) {
  const swasm_desc_limits_t *want = &inst->desc->memories[im->index];
  swasm_memory_t *m = ex->u.memory;
  if (!m)
    return incompatible(err, im, "null memory");
  if (m->is64 != (bool)want->is64)
    return incompatible(err, im, "memory index type mismatch");
  if (!limits_match(want, m->size / SWASM_PAGE_SIZE, m->has_max, m->max_pages))
    return incompatible(err, im, "memory limits mismatch");
  /* Code compiled without bounds checks relies on the guard region to catch out-of-bounds
   * accesses; an unguarded memory would let them reach whatever is mapped after it. */
  if (!(inst->desc->flags & SWASM_DESCF_EXPLICIT_BOUNDS) && !m->guarded)
    return rt_fail(err, "import \"%s\" \"%s\": memory has no guard pages, but the module was "
                   "compiled without bounds checks", im->module, im->name);
  inst->vmctx.memories[im->index] = m;
  return true;
}

static bool bind_global(swasm_instance_t *inst, const swasm_desc_import_t *im,
                        const swasm_extern_t *ex, swasm_error_t *err) {
  const swasm_desc_global_t *want = &inst->desc->globals[im->index];
  if (!ex->u.global.cell)
    return incompatible(err, im, "null global");
  if (ex->u.global.type != want->type || ex->u.global.mut != (bool)want->mut)
    return incompatible(err, im, "global type mismatch");
  inst->vmctx.globals[im->index] = ex->u.global.cell;
  return true;
}

static bool bind_imports(swasm_instance_t *inst, swasm_resolve_cb resolve, void *env,
                         swasm_error_t *err) {
  const swasm_module_desc_t *d = inst->desc;
  for (uint32_t i = 0; i < d->nimports; i++) {
    const swasm_desc_import_t *im = &d->imports[i];
    swasm_extern_t ex;
    memset(&ex, 0, sizeof ex);
    if (!resolve || !resolve(env, im->module, im->name, im->kind, &ex))
      return rt_fail(err, "unknown import: \"%s\" \"%s\"", im->module, im->name);
    if (ex.kind != im->kind)
      return incompatible(err, im, "kind mismatch");
    bool ok;
    switch (im->kind) {
    case SWASM_K_FUNC: ok = bind_func(inst, im, &ex, err); break;
    case SWASM_K_TABLE: ok = bind_table(inst, im, &ex, err); break;
    case SWASM_K_MEMORY: ok = bind_memory(inst, im, &ex, err); break;
    default: ok = bind_global(inst, im, &ex, err); break;
    }
    if (!ok)
      return false;
  }
  return true;
}

/* ---- building the instance ---- */

static bool alloc_arrays(swasm_instance_t *inst, swasm_error_t *err) {
  const swasm_module_desc_t *d = inst->desc;
  swasm_vmctx_t *vm = &inst->vmctx;
  /* calloc(n ? n : 1): every array pointer is real, even for an empty index space. */
#define ALLOC(p, n) ((p) = calloc((n) ? (n) : 1, sizeof *(p)))
  if (!ALLOC(inst->type_ids, d->ntypes) || !ALLOC(vm->funcs, d->nfuncs) ||
      !ALLOC(vm->globals, d->nglobals) ||
      !ALLOC(inst->cells, d->nglobals - d->nimported_globals) ||
      !ALLOC(vm->tables, d->ntables) || !ALLOC(vm->memories, d->nmemories) ||
      !ALLOC(vm->datas, d->ndatas) || !ALLOC(vm->elems, d->nelems) ||
      !ALLOC(inst->bindings, d->nimported_funcs))
    return rt_fail(err, "out of memory");
#undef ALLOC
  vm->type_ids = inst->type_ids;
  return true;
}

static bool make_definitions(swasm_instance_t *inst, swasm_error_t *err) {
  const swasm_module_desc_t *d = inst->desc;
  swasm_vmctx_t *vm = &inst->vmctx;
  for (uint32_t i = d->nimported_funcs; i < d->nfuncs; i++) {
    vm->funcs[i].code = d->func_code[i - d->nimported_funcs];
    vm->funcs[i].ctx = vm;
    vm->funcs[i].type_id = inst->type_ids[d->func_types[i]];
  }
  for (uint32_t i = d->nimported_tables; i < d->ntables; i++) {
    const swasm_desc_table_t *t = &d->tables[i];
    uint64_t max = t->limits.has_max ? t->limits.max : UINT32_MAX;
    if (t->limits.min > UINT32_MAX || max > UINT32_MAX)
      return rt_fail(err, "table %u is too large", i);
    if (!(vm->tables[i] = swasm_table_new((uint8_t)t->elemtype, (uint32_t)t->limits.min,
                                          (uint32_t)max, err)))
      return false;
    vm->tables[i]->has_max = t->limits.has_max;
  }
  bool guarded = !(d->flags & SWASM_DESCF_EXPLICIT_BOUNDS);
  for (uint32_t i = d->nimported_memories; i < d->nmemories; i++) {
    const swasm_desc_limits_t *m = &d->memories[i];
    if (m->is64)
      return rt_fail(err, "memory %u: 64-bit memories are not supported yet", i);
    if (!(vm->memories[i] = swasm_memory_new(m->min, m->max, m->has_max, guarded, err)))
      return false;
  }
  for (uint32_t i = d->nimported_globals; i < d->nglobals; i++)
    vm->globals[i] = &inst->cells[i - d->nimported_globals];
  for (uint32_t i = 0; i < d->ndatas; i++)
    vm->datas[i] = d->datas[i];
  for (uint32_t i = 0; i < d->nelems; i++) {
    if (!(vm->elems[i].data = calloc(d->elem_counts[i] ? d->elem_counts[i] : 1, sizeof(void *))))
      return rt_fail(err, "out of memory");
    vm->elems[i].size = d->elem_counts[i];
  }
  if (d->nmemories) {
    vm->mem0 = vm->memories[0];
    vm->mem0_base = vm->mem0->base;
  }
  return true;
}

/* Frees what the instance owns; imported objects belong to their exporters. */
static void destroy(swasm_instance_t *inst) {
  const swasm_module_desc_t *d = inst->desc;
  swasm_vmctx_t *vm = &inst->vmctx;
  if (vm->tables)
    for (uint32_t i = d->nimported_tables; i < d->ntables; i++)
      swasm_table_free(vm->tables[i]);
  if (vm->memories)
    for (uint32_t i = d->nimported_memories; i < d->nmemories; i++)
      swasm_memory_free(vm->memories[i]);
  if (vm->elems)
    for (uint32_t i = 0; i < d->nelems; i++)
      free((void *)vm->elems[i].data);
  free(inst->type_ids);
  free(vm->funcs);
  free(vm->globals);
  free(inst->cells);
  free(vm->tables);
  free(vm->memories);
  free(vm->datas);
  free(vm->elems);
  free(inst->bindings);
  free(inst);
}

static void keep_alive(swasm_instance_t *inst) {
  pthread_mutex_lock(&kept_lock);
  inst->next_kept = kept;
  kept = inst;
  pthread_mutex_unlock(&kept_lock);
}

/* Runs init and the start function. */
static bool run(swasm_instance_t *inst, swasm_error_t *err) {
  const swasm_module_desc_t *d = inst->desc;
  if (d->init && !rt_run_guarded(d->init, &inst->vmctx, err))
    return false;
  if (d->start < 0)
    return true;
  const swasm_funcref_t *f = &inst->vmctx.funcs[d->start];
  swasm_val_t slot[1];
  memset(slot, 0, sizeof slot);
  swasm_trampoline_t tramp = d->trampolines ? d->trampolines[d->func_types[d->start]] : NULL;
  if (tramp)
    return rt_call_guarded(tramp, f->code, f->ctx, slot, err);
  /* Without a trampoline, call the start function ([] -> []) directly. */
  void (*fn)(swasm_vmctx_t *);
  memcpy(&fn, &f->code, sizeof fn);
  return rt_run_guarded(fn, f->ctx, err);
}

SWASM_API swasm_instance_t *swasm_instantiate(swasm_loaded_t *l, swasm_resolve_cb resolve,
                                              void *env, swasm_error_t *err) {
  rt_err_clear(err);
  if (!swasm_rt_init(err))
    return NULL;
  const swasm_module_desc_t *d = l->desc;
  swasm_instance_t *inst = calloc(1, sizeof *inst);
  if (!inst) {
    rt_fail(err, "out of memory");
    return NULL;
  }
  inst->loaded = l;
  inst->desc = d;
  inst->vmctx.instance = inst;
  if (!alloc_arrays(inst, err))
    goto fail;
  for (uint32_t i = 0; i < d->ntypes; i++)
    if (!(inst->type_ids[i] = swasm_type_id(&d->types[i]))) {
      rt_fail(err, "out of memory");
      goto fail;
    }
  if (!bind_imports(inst, resolve, env, err) || !make_definitions(inst, err))
    goto fail;
  inst->vmctx.stack_limit = rt_stack_limit();
  if (!run(inst, err)) {
    keep_alive(inst);
    return NULL;
  }
  return inst;
fail:
  destroy(inst);
  return NULL;
}

SWASM_API void swasm_instance_free(swasm_instance_t *inst) {
  if (inst)
    destroy(inst);
}

SWASM_API const swasm_module_desc_t *swasm_instance_desc(const swasm_instance_t *inst) {
  return inst->desc;
}

SWASM_API swasm_vmctx_t *swasm_instance_vmctx(swasm_instance_t *inst) {
  return &inst->vmctx;
}

SWASM_API void *swasm_instance_user(const swasm_instance_t *inst) {
  return inst->user;
}

SWASM_API void swasm_instance_set_user(swasm_instance_t *inst, void *user) {
  inst->user = user;
}

SWASM_API bool swasm_instance_export(swasm_instance_t *inst, const char *name,
                                     swasm_extern_t *out) {
  const swasm_module_desc_t *d = inst->desc;
  swasm_vmctx_t *vm = &inst->vmctx;
  for (uint32_t i = 0; i < d->nexports; i++) {
    const swasm_desc_export_t *e = &d->exports[i];
    if (strcmp(e->name, name) != 0)
      continue;
    memset(out, 0, sizeof *out);
    out->kind = e->kind;
    switch (e->kind) {
    case SWASM_K_FUNC: {
      uint32_t t = d->func_types[e->index];
      out->u.func.ref = &vm->funcs[e->index];
      out->u.func.type = &d->types[t];
      out->u.func.tramp = d->trampolines ? d->trampolines[t] : NULL;
      break;
    }
    case SWASM_K_TABLE: out->u.table = vm->tables[e->index]; break;
    case SWASM_K_MEMORY: out->u.memory = vm->memories[e->index]; break;
    case SWASM_K_GLOBAL:
      out->u.global.cell = vm->globals[e->index];
      out->u.global.type = d->globals[e->index].type;
      out->u.global.mut = d->globals[e->index].mut;
      break;
    default: return false;
    }
    return true;
  }
  return false;
}

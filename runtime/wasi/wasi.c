/* wasi.c - the WASI preview 1 context: its creation from a configuration, the table of host
 * functions the wasi_snapshot_preview1 imports resolve to, and running a command's _start. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasi.h"

#define WASI_MODULE "wasi_snapshot_preview1"

typedef struct wasi_fn_info {
  const char *name;
  const char *params;
  wasi_impl_fn impl;
} wasi_fn_info_t;

static const wasi_fn_info_t fn_info[WASI_NFUNCS] = {
#define WASI_INFO(name, params) {#name, params, wasi_##name},
  WASI_FUNCS(WASI_INFO)
#undef WASI_INFO
};

static bool fail(swasm_error_t *err, const char *fmt, const char *arg) {
  if (err) {
    err->trap = SWASM_TRAP_NONE;
    err->exit_code = 0;
    snprintf(err->message, sizeof err->message, fmt, arg);
  }
  return false;
}

SWASM_API void swasm_wasi_config_init(swasm_wasi_config_t *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->stdin_fd = 0;
  cfg->stdout_fd = 1;
  cfg->stderr_fd = 2;
}

SWASM_API void swasm_wasi_dir_parse(char *spec, swasm_wasi_dir_t *out) {
  char *sep = strstr(spec, "::");
  out->host_path = spec;
  out->guest_path = NULL;
  if (sep) {
    *sep = 0;
    out->guest_path = sep + 2;
  }
}

/* ---- arguments and environment: one block of strings each ---- */

/* Copies n strings into one allocation: the pointer array first, then the bytes. */
static char **pack_strings(const char *const *s, uint32_t n, uint32_t *bytes) {
  size_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    total += strlen(s[i]) + 1;
    if (total > UINT32_MAX / 2)
      return NULL;
  }
  char **v = malloc((n + 1) * sizeof *v + total + 1);
  if (!v)
    return NULL;
  char *p = (char *)(v + n + 1);
  for (uint32_t i = 0; i < n; i++) {
    size_t len = strlen(s[i]) + 1;
    memcpy(p, s[i], len);
    v[i] = p;
    p += len;
  }
  v[n] = NULL;
  *bytes = (uint32_t)total;
  return v;
}

/* Adds "NAME=VALUE" to list, replacing an earlier entry of the same name (a variable granted
 * twice, at compile time and at run time, appears once: the later grant wins). */
static void env_add(const char **list, uint32_t *k, const char *entry) {
  size_t nlen = (size_t)(strchr(entry, '=') - entry);
  for (uint32_t i = 0; i < *k; i++)
    if (strncmp(list[i], entry, nlen + 1) == 0) {
      list[i] = entry;
      return;
    }
  list[(*k)++] = entry;
}

/* The environment as the guest sees it: "NAME=VALUE" entries as given, bare names with the
 * host's value (dropped when the host has none). */
static bool init_env(swasm_wasi_t *w, const swasm_wasi_config_t *cfg, swasm_error_t *err) {
  int n = cfg->nenv > 0 ? cfg->nenv : 0;
  const char **list = calloc((size_t)n + 1, sizeof *list);
  char **owned = calloc((size_t)n + 1, sizeof *owned);
  uint32_t k = 0;
  bool ok = list && owned;
  for (int i = 0; ok && i < n; i++) {
    const char *e = cfg->env[i];
    if (!e || !*e || *e == '=') {
      ok = fail(err, "WASI: invalid environment entry '%s'", e ? e : "(null)");
      break;
    }
    if (strchr(e, '=')) {
      env_add(list, &k, e);
      continue;
    }
    const char *v = getenv(e);
    if (!v)
      continue;
    size_t len = strlen(e) + strlen(v) + 2;
    owned[i] = malloc(len);
    if (!owned[i]) {
      ok = false;
      break;
    }
    snprintf(owned[i], len, "%s=%s", e, v);
    env_add(list, &k, owned[i]);
  }
  if (ok) {
    w->env = pack_strings(list, k, &w->env_bytes);
    w->nenv = k;
    if (!w->env)
      ok = fail(err, "WASI: %s", "environment too large");
  } else if (err && !err->message[0]) {
    fail(err, "WASI: %s", "out of memory");
  }
  for (int i = 0; owned && i < n; i++)
    free(owned[i]);
  free(owned);
  free(list);
  return ok;
}

static bool init_args(swasm_wasi_t *w, const swasm_wasi_config_t *cfg, swasm_error_t *err) {
  uint32_t n = cfg->argc > 0 ? (uint32_t)cfg->argc : 0;
  for (uint32_t i = 0; i < n; i++)
    if (!cfg->argv[i])
      return fail(err, "WASI: %s", "a NULL entry in argv");
  w->argv = pack_strings(n ? cfg->argv : NULL, n, &w->argv_bytes);
  w->argc = n;
  return w->argv ? true : fail(err, "WASI: %s", "arguments too large");
}

SWASM_API swasm_wasi_t *swasm_wasi_new(const swasm_wasi_config_t *cfg, swasm_error_t *err) {
  if (err) {
    err->trap = SWASM_TRAP_NONE;
    err->exit_code = 0;
    err->message[0] = 0;
  }
  swasm_wasi_t *w = calloc(1, sizeof *w);
  if (!w) {
    fail(err, "WASI: %s", "out of memory");
    return NULL;
  }
  for (uint32_t i = 0; i < WASI_NFUNCS; i++) {
    w->bindings[i].w = w;
    w->bindings[i].fn = i;
  }
  const char *mode = getenv("SWASM_WASI_RESOLVE");
  w->walk_only = mode && strcmp(mode, "walk") == 0;
  if (!init_args(w, cfg, err) || !init_env(w, cfg, err) || !wasi_fds_init(w, cfg, err)) {
    swasm_wasi_free(w);
    return NULL;
  }
  return w;
}

SWASM_API void swasm_wasi_free(swasm_wasi_t *w) {
  if (!w)
    return;
  for (uint32_t i = 0; i < WASI_NFUNCS; i++)
    if (w->funcs[i])
      swasm_host_func_free(w->funcs[i]);
  wasi_fds_free(w);
  free(w->argv);
  free(w->env);
  free(w);
}

/* ---- calls from the guest ---- */

static swasm_memory_t *memory_of(swasm_instance_t *inst) {
  swasm_extern_t ext;
  if (inst && swasm_instance_export(inst, "memory", &ext) && ext.kind == SWASM_K_MEMORY)
    return ext.u.memory;
  return NULL;
}

/* The one callback behind every WASI function: finds the guest memory, runs the function and
 * stores its errno. */
static bool dispatch(void *env, swasm_instance_t *caller, swasm_val_t *args,
                     swasm_error_t *err) {
  wasi_binding_t *b = env;
  swasm_wasi_t *w = b->w;
  swasm_memory_t *m = w->mem;
  /* Another instance than the bound one (or, before binding, the one being started) uses
   * its own memory; a memory bound by swasm_wasi_bind_memory serves every caller. */
  if (caller && caller != w->inst && (w->inst || !w->mem))
    m = memory_of(caller);
  wasi_call_t c = {w, NULL, 0, err};
  if (m && m->base && !m->is64) {
    c.mem = m->base;
    c.size = m->size;
  }
  int r = fn_info[b->fn].impl(&c, args);
  if (r == WASI_TRAP)
    return false;
  if (b->fn != WASI_FN_proc_exit)
    args[0].i32 = r;
  return true;
}

static swasm_host_func_t *func_for(swasm_wasi_t *w, uint32_t fn) {
  if (w->funcs[fn])
    return w->funcs[fn];
  uint8_t types[16];
  const char *p = fn_info[fn].params;
  uint32_t n = (uint32_t)strlen(p);
  for (uint32_t i = 0; i < n; i++)
    types[i] = p[i] == 'I' ? SWASM_T_I64 : SWASM_T_I32;
  swasm_desc_functype_t t = {n, fn == WASI_FN_proc_exit ? 0u : 1u, types};
  types[n] = SWASM_T_I32;
  w->funcs[fn] = swasm_host_func_new(&t, dispatch, &w->bindings[fn]);
  return w->funcs[fn];
}

SWASM_API bool swasm_wasi_resolve(swasm_wasi_t *w, const char *module, const char *name,
                                  uint32_t kind, swasm_extern_t *out) {
  if (!w || strcmp(module, WASI_MODULE) != 0 || kind != SWASM_K_FUNC)
    return false;
  for (uint32_t i = 0; i < WASI_NFUNCS; i++) {
    if (strcmp(fn_info[i].name, name) != 0)
      continue;
    swasm_host_func_t *f = func_for(w, i);
    if (!f)
      return false;
    out->kind = SWASM_K_FUNC;
    out->u.func = swasm_host_func_get(f);
    return true;
  }
  return false;
}

SWASM_API bool swasm_wasi_resolve_cb(void *wasi, const char *module, const char *name,
                                     uint32_t kind, swasm_extern_t *out) {
  return swasm_wasi_resolve(wasi, module, name, kind, out);
}

SWASM_API void swasm_wasi_bind_instance(swasm_wasi_t *w, swasm_instance_t *inst) {
  w->inst = inst;
  w->mem = memory_of(inst);
}

SWASM_API void swasm_wasi_bind_memory(swasm_wasi_t *w, swasm_memory_t *mem) {
  w->mem = mem;
}

/* ---- running a command ---- */

/* The name of the function a trap happened in is not known to the runtime yet; the message
 * is the trap's. */
static int trapped(swasm_error_t *err) {
  if (err->trap == SWASM_TRAP_EXIT)
    return err->exit_code & 0xff;
  char msg[sizeof err->message];
  const char *why = err->message[0] ? err->message : swasm_trap_message(err->trap);
  snprintf(msg, sizeof msg, "trap: %.500s", why);
  memcpy(err->message, msg, sizeof msg);
  return SWASM_WASI_STATUS_TRAP;
}

SWASM_API int swasm_wasi_run_command(swasm_wasi_t *w, swasm_instance_t *inst,
                                     swasm_error_t *err) {
  swasm_extern_t ext;
  if (!swasm_instance_export(inst, "_start", &ext) || ext.kind != SWASM_K_FUNC) {
    fail(err, "%s", "the module exports no function _start: it is not a WASI command");
    return SWASM_WASI_STATUS_ERROR;
  }
  if (ext.u.func.type->nparams || ext.u.func.type->nresults) {
    fail(err, "%s", "_start must take no parameters and return nothing");
    return SWASM_WASI_STATUS_ERROR;
  }
  if (w->inst != inst)
    swasm_wasi_bind_instance(w, inst);
  swasm_val_t slot[1];
  memset(slot, 0, sizeof slot);
  err->trap = SWASM_TRAP_NONE;
  err->message[0] = 0;
  if (swasm_call(&ext.u.func, slot, err))
    return 0;
  return trapped(err);
}

SWASM_API int swasm_wasi_main(swasm_loaded_t *l, const swasm_wasi_config_t *cfg,
                              swasm_error_t *err) {
  swasm_wasi_t *w = swasm_wasi_new(cfg, err);
  if (!w)
    return SWASM_WASI_STATUS_ERROR;
  int status;
  swasm_instance_t *inst = swasm_instantiate(l, swasm_wasi_resolve_cb, w, err);
  if (!inst) {
    /* proc_exit or a trap in the start function, or a link error. */
    status = err->trap != SWASM_TRAP_NONE ? trapped(err) : SWASM_WASI_STATUS_ERROR;
  } else {
    swasm_wasi_bind_instance(w, inst);
    status = swasm_wasi_run_command(w, inst, err);
    swasm_instance_free(inst);
  }
  swasm_wasi_free(w);
  return status;
}

/* ---- helpers shared by the function files ---- */

int wasi_put32(wasi_call_t *c, uint32_t p, uint32_t v) {
  uint8_t *q = wasi_ptr(c, p, 4);
  if (!q)
    return WASI_EFAULT;
  wasi_st32(q, v);
  return WASI_ESUCCESS;
}

int wasi_put64(wasi_call_t *c, uint32_t p, uint64_t v) {
  uint8_t *q = wasi_ptr(c, p, 8);
  if (!q)
    return WASI_EFAULT;
  wasi_st64(q, v);
  return WASI_ESUCCESS;
}

int wasi_iovecs(wasi_call_t *c, uint32_t iovs, uint32_t n, struct iovec *out, int *nout) {
  const uint8_t *v = wasi_ptr(c, iovs, (uint64_t)n * WASI_IOVEC_SIZE);
  if (!v)
    return WASI_EFAULT;
  if (n > WASI_IOV_MAX)
    n = WASI_IOV_MAX;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t buf = wasi_ld32(v + 8 * i), len = wasi_ld32(v + 8 * i + 4);
    uint8_t *p = wasi_ptr(c, buf, len);
    if (!p)
      return WASI_EFAULT;
    out[i].iov_base = p;
    out[i].iov_len = len;
  }
  *nout = (int)n;
  return WASI_ESUCCESS;
}

/* wast_module.c - the modules of a spec script: read, decode and validate them, compile and
 * load them, instantiate them against the spectest module and registered instances, and keep
 * them alive until the script ends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wast_script.h"

wast_status_t wast_module_read(wast_script_t *s, const char *filename, wast_wasm_t **out,
                               char *msg, size_t msgsize) {
  char path[4096];
  int n = snprintf(path, sizeof path, "%s/%s", s->dir, filename);
  if (n < 0 || (size_t)n >= sizeof path) {
    *out = NULL;
    snprintf(msg, msgsize, "path too long: %s", filename);
    return WAST_IO;
  }
  return wast_wasm_read(s->opts, path, out, msg, msgsize);
}

static size_t add_mod(wast_script_t *s, wast_wasm_t *m, const char *name,
                      wast_modstate_t state) {
  if (s->nmods == s->modcap) {
    size_t cap = s->modcap ? s->modcap * 2 : 64;
    wast_mod_t *mods = realloc(s->mods, cap * sizeof *mods);
    if (!mods) {
      fprintf(stderr, "swasm wast: out of memory\n");
      exit(2);
    }
    s->mods = mods;
    s->modcap = cap;
  }
  wast_mod_t *e = &s->mods[s->nmods];
  memset(e, 0, sizeof *e);
  e->name = name ? strdup(name) : NULL;
  e->state = state;
  e->module = m;
  return s->nmods++;
}

size_t wast_module_add_failed(wast_script_t *s, const char *name, wast_modstate_t state) {
  return add_mod(s, NULL, name, state);
}

static bool resolve(void *env, const char *module, const char *name, uint32_t kind,
                    swasm_extern_t *out) {
  (void)kind;   /* the runtime checks kinds and types of what we return */
  wast_script_t *s = env;
  if (strcmp(module, "spectest") == 0) return wast_spectest_lookup(s->spectest, name, out);
  for (size_t i = s->nregs; i-- > 0;) {
    if (strcmp(s->regs[i].as, module) != 0) continue;
    wast_mod_t *m = &s->mods[s->regs[i].mod];
    if (m->state == WAST_MOD_OK) return swasm_instance_export(m->inst, name, out);
    if (m->state == WAST_MOD_FAILED || s->import_state == WAST_MOD_OK) s->import_state = m->state;
    return false;
  }
  return false;
}

wast_result_t wast_module_build(wast_script_t *s, wast_wasm_t *m, const char *name,
                                size_t *index, swasm_error_t *err, bool *instantiate_failed) {
  memset(err, 0, sizeof *err);
  *instantiate_failed = false;
  size_t i = *index = add_mod(s, m, name, WAST_MOD_FAILED);
  if (!s->rt_ok) {
    s->mods[i].state = WAST_MOD_SKIPPED;
    return wast_skip(s, "the runtime is not available: %s", s->rt_error);
  }
  char path[4096], msg[512];
  wast_status_t st = wast_wasm_compile(s->opts, m, s->nlibs++, path, sizeof path, msg, sizeof msg);
  if (st == WAST_UNSUPPORTED) {
    s->mods[i].state = WAST_MOD_SKIPPED;
    return wast_skip(s, "compile: %s", msg);
  }
  if (st != WAST_OK) return wast_fail(s, "compile failed: %s", msg);
  swasm_loaded_t *l = s->mods[i].loaded = swasm_load(path, err);
  if (!l) return wast_fail(s, "load failed: %s", err->message);
  s->import_state = WAST_MOD_OK;
  swasm_instance_t *inst = swasm_instantiate(l, resolve, s, err);
  if (!inst) {
    if (s->import_state == WAST_MOD_SKIPPED) {
      s->mods[i].state = WAST_MOD_SKIPPED;
      return wast_skip(s, "imports from a module that was skipped");
    }
    if (s->import_state == WAST_MOD_FAILED)
      return wast_fail(s, "imports from a module that failed: %s", err->message);
    *instantiate_failed = true;
    return WAST_FAIL;
  }
  s->mods[i].inst = inst;
  s->mods[i].state = WAST_MOD_OK;
  return WAST_PASS;
}

wast_mod_t *wast_module_find(wast_script_t *s, const char *name) {
  if (!name) return s->current >= 0 ? &s->mods[s->current] : NULL;
  for (size_t i = s->nmods; i-- > 0;)
    if (s->mods[i].name && strcmp(s->mods[i].name, name) == 0) return &s->mods[i];
  return NULL;
}

/* Names with NUL bytes cannot go through the C-string API: the export is found in the
 * module's bytes and the extern built from the instance's context. */
static bool export_by_bytes(wast_mod_t *m, const char *name, size_t len, swasm_extern_t *out) {
  uint32_t kind, index;
  if (!wast_wasm_export(m->module, name, len, &kind, &index)) return false;
  swasm_vmctx_t *ctx = swasm_instance_vmctx(m->inst);
  const swasm_module_desc_t *desc = swasm_instance_desc(m->inst);
  memset(out, 0, sizeof *out);
  out->kind = kind;
  if (kind == SWASM_K_FUNC && index < desc->nfuncs) {
    uint32_t t = desc->func_types[index];
    out->u.func.ref = &ctx->funcs[index];
    out->u.func.type = &desc->types[t];
    out->u.func.tramp = desc->trampolines[t];
    return true;
  }
  if (kind == SWASM_K_GLOBAL && index < desc->nglobals) {
    out->u.global.cell = ctx->globals[index];
    out->u.global.type = desc->globals[index].type;
    out->u.global.mut = desc->globals[index].mut;
    return true;
  }
  return false;
}

bool wast_module_export(wast_mod_t *m, const char *name, size_t len, swasm_extern_t *out) {
  if (m->state != WAST_MOD_OK) return false;
  if (memchr(name, '\0', len)) return export_by_bytes(m, name, len, out);
  return swasm_instance_export(m->inst, name, out);
}

bool wast_module_register(wast_script_t *s, const char *as, size_t mod) {
  if (s->nregs == s->regcap) {
    size_t cap = s->regcap ? s->regcap * 2 : 8;
    wast_reg_t *regs = realloc(s->regs, cap * sizeof *regs);
    if (!regs) return false;
    s->regs = regs;
    s->regcap = cap;
  }
  char *copy = strdup(as);
  if (!copy) return false;
  s->regs[s->nregs].as = copy;
  s->regs[s->nregs].mod = mod;
  s->nregs++;
  return true;
}

void wast_modules_free(wast_script_t *s) {
  for (size_t i = s->nmods; i-- > 0;)
    if (s->mods[i].inst) swasm_instance_free(s->mods[i].inst);
  wast_spectest_free(s->spectest);
  s->spectest = NULL;
  for (size_t i = s->nmods; i-- > 0;) {
    if (s->mods[i].loaded) swasm_unload(s->mods[i].loaded);
    wast_wasm_free(s->mods[i].module);
    free(s->mods[i].name);
  }
  free(s->mods);
  for (size_t i = 0; i < s->nregs; i++) free(s->regs[i].as);
  free(s->regs);
  s->mods = NULL;
  s->regs = NULL;
  s->nmods = s->nregs = 0;
}

/* inst_pkg.c - compiled components (linker.h Part 6): a component's bytes with the compiled
 * code of its core modules, from an executable's own symbols or from a shared library made by
 * `swasmc -shared`, and the module loader that hands that code to instantiation. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inst.h"

struct swasm_cpkg {
  swasm_component_t *c;
  const swasm_cpkg_module_t *modules;
  size_t nmodules;
  const char *world;
  void *lib;                       /* dlopen handle, NULL for an executable's own parts */
};

swasm_cpkg_t *swasm_cpkg_new(const uint8_t *component, size_t size, const uint8_t features[8],
                             const swasm_cpkg_module_t *modules, size_t nmodules,
                             swasm_error_t *err) {
  swasm_features_t f = {
    .relaxed_simd = features[0], .tail_call = features[1], .extended_const = features[2],
    .multi_memory = features[3], .memory64 = features[4], .exceptions = features[5]};
  swasm_cpkg_t *p = calloc(1, sizeof *p);
  if (!p) {
    ci_fail(err, "out of memory");
    return NULL;
  }
  swasm_diag_t d;
  memset(&d, 0, sizeof d);
  if (swasm_component_decode(component, size, &f, &p->c, &d) != SWASM_OK ||
      swasm_component_validate(p->c, &d) != SWASM_OK) {
    ci_fail(err, "compiled component: %.480s", d.message);
    swasm_cpkg_close(p);
    return NULL;
  }
  p->modules = modules;
  p->nmodules = nmodules;
  return p;
}

static void *symbol(void *lib, const char *name, const char *path, swasm_error_t *err) {
  void *s = dlsym(lib, name);
  if (!s) ci_fail(err, "%s is not a compiled component: it has no symbol %s", path, name);
  return s;
}

swasm_cpkg_t *swasm_cpkg_open(const char *path, swasm_error_t *err) {
  if (!swasm_rt_init(err)) return NULL;
  /* dlopen searches the library path for a name without a slash: a file here is meant. */
  char local[4096];
  const char *open_path = path;
  if (!strchr(path, '/') && snprintf(local, sizeof local, "./%s", path) < (int)sizeof local)
    open_path = local;
  void *lib = dlopen(open_path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *why = dlerror();
    ci_fail(err, "cannot load %s: %s", path, why ? why : "dlopen failed");
    return NULL;
  }
  const uint8_t *comp = symbol(lib, SWASM_CPKG_COMPONENT, path, err);
  const uint64_t *size = comp ? symbol(lib, SWASM_CPKG_COMPONENT_SIZE, path, err) : NULL;
  const uint8_t *features = size ? symbol(lib, SWASM_CPKG_FEATURES, path, err) : NULL;
  const swasm_cpkg_module_t *mods = features ? symbol(lib, SWASM_CPKG_MODULES, path, err) : NULL;
  const uint64_t *n = mods ? symbol(lib, SWASM_CPKG_NMODULES, path, err) : NULL;
  swasm_cpkg_t *p = n ? swasm_cpkg_new(comp, *size, features, mods, *n, err) : NULL;
  if (!p) {
    dlclose(lib);
    return NULL;
  }
  p->lib = lib;
  p->world = dlsym(lib, SWASM_CPKG_WORLD);
  return p;
}

const swasm_component_t *swasm_cpkg_component(const swasm_cpkg_t *p) { return p->c; }

const char *swasm_cpkg_world(const swasm_cpkg_t *p) { return p->world; }

static swasm_loaded_t *load(void *env, const swasm_module_t *m, swasm_error_t *err) {
  const swasm_cpkg_t *p = env;
  uint64_t h = swasm_cpkg_hash(m->bytes, m->size);
  for (size_t i = 0; i < p->nmodules; i++)
    if (p->modules[i].hash == h && p->modules[i].size == m->size)
      return swasm_load_desc(p->modules[i].desc, err);
  ci_fail(err, "the compiled component has no code for a core module of %zu bytes", m->size);
  return NULL;
}

void swasm_cpkg_link_opts(swasm_cpkg_t *p, swasm_link_opts_t *opts) {
  opts->load = load;
  opts->load_env = p;
}

void swasm_cpkg_close(swasm_cpkg_t *p) {
  if (!p) return;
  if (p->c) swasm_component_free(p->c);
  if (p->lib) dlclose(p->lib);
  free(p);
}

/* loader.c - loads compiled modules: dlopen, the descriptor symbol, and the checks that refuse a
 * library built for another ABI version or for CPU features this host lacks. */
#include <stdlib.h>
#include <string.h>

#if defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

#include "rt.h"

/* Compiled libraries bind these symbols in the loading executable. Referencing them all here
 * makes a static link of libswasm-rt keep every one, even those the executable never calls. */
typedef void (*rt_any_fn)(void);
__attribute__((used)) static const rt_any_fn abi_entry_points[] = {
  (rt_any_fn)swasm_rt_trap,        (rt_any_fn)swasm_rt_memory_grow,
  (rt_any_fn)swasm_rt_memory_fill, (rt_any_fn)swasm_rt_memory_copy,
  (rt_any_fn)swasm_rt_memory_init, (rt_any_fn)swasm_rt_data_drop,
  (rt_any_fn)swasm_rt_table_grow,  (rt_any_fn)swasm_rt_table_fill,
  (rt_any_fn)swasm_rt_table_copy,  (rt_any_fn)swasm_rt_table_init,
  (rt_any_fn)swasm_rt_elem_drop,   (rt_any_fn)swasm_rt_call_host,
};

/* ---- CPU features ---- */

/* Whether the host has the named LLVM target feature; *known is false for names we cannot
 * check, which are accepted. */
static bool host_has(const char *name, bool *known) {
  *known = true;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  static const char *const names[] = {
    "sse", "sse2", "sse3", "ssse3", "sse4.1", "sse4.2", "popcnt", "avx", "avx2", "fma",
    "bmi", "bmi2", "aes", "pclmul", "avx512f", "avx512vl", "avx512bw", "avx512dq", "avx512cd",
  };
  const bool has[] = {
    __builtin_cpu_supports("sse"), __builtin_cpu_supports("sse2"),
    __builtin_cpu_supports("sse3"), __builtin_cpu_supports("ssse3"),
    __builtin_cpu_supports("sse4.1"), __builtin_cpu_supports("sse4.2"),
    __builtin_cpu_supports("popcnt"), __builtin_cpu_supports("avx"),
    __builtin_cpu_supports("avx2"), __builtin_cpu_supports("fma"),
    __builtin_cpu_supports("bmi"), __builtin_cpu_supports("bmi2"),
    __builtin_cpu_supports("aes"), __builtin_cpu_supports("pclmul"),
    __builtin_cpu_supports("avx512f"), __builtin_cpu_supports("avx512vl"),
    __builtin_cpu_supports("avx512bw"), __builtin_cpu_supports("avx512dq"),
    __builtin_cpu_supports("avx512cd"),
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(name, names[i]) == 0)
      return has[i];
#elif defined(__aarch64__) && defined(__linux__)
  static const struct { const char *name; unsigned long bit; } caps[] = {
    { "neon", HWCAP_ASIMD }, { "fp-armv8", HWCAP_FP }, { "crc", HWCAP_CRC32 },
    { "aes", HWCAP_AES }, { "sha2", HWCAP_SHA2 }, { "lse", HWCAP_ATOMICS },
    { "fullfp16", HWCAP_FPHP }, { "dotprod", HWCAP_ASIMDDP }, { "sve", HWCAP_SVE },
    { "rcpc", HWCAP_LRCPC },
  };
  unsigned long hw = getauxval(AT_HWCAP);
  for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
    if (strcmp(name, caps[i].name) == 0)
      return (hw & caps[i].bit) != 0;
#endif
  *known = false;
  return true;
}

/* Checks a comma-separated list like "+avx2,+sse4.2,-avx512f": every enabled feature must be
 * present on the host. */
static bool check_cpu_features(const char *list, swasm_error_t *err) {
  if (!list)
    return true;
  for (const char *p = list; *p;) {
    size_t len = strcspn(p, ",");
    char name[64];
    if (len > 1 && p[0] == '+' && len - 1 < sizeof name) {
      memcpy(name, p + 1, len - 1);
      name[len - 1] = 0;
      bool known;
      if (!host_has(name, &known))
        return rt_fail(err, "compiled for CPU feature '%s', which this host lacks "
                       "(recompile with a baseline -mcpu)", name);
    }
    p += len;
    if (*p == ',')
      p++;
  }
  return true;
}

/* ---- descriptor checks ---- */

/* Cheap consistency checks, so a damaged or foreign descriptor fails here rather than crashing
 * instantiation. */
static bool check_desc(const swasm_module_desc_t *d, swasm_error_t *err) {
  if (d->abi_version != SWASM_ABI_VERSION)
    return rt_fail(err, "compiled for runtime ABI version %u, but this runtime has version %u",
                   d->abi_version, SWASM_ABI_VERSION);
  if (d->nimported_funcs > d->nfuncs || d->nimported_tables > d->ntables ||
      d->nimported_memories > d->nmemories || d->nimported_globals > d->nglobals)
    return rt_fail(err, "corrupt module descriptor: more imports than definitions");
  if ((d->ntypes && (!d->types || !d->trampolines || !d->host_thunks)) ||
      (d->nimports && !d->imports) || (d->nexports && !d->exports) ||
      (d->nfuncs && !d->func_types) || (d->nfuncs > d->nimported_funcs && !d->func_code) ||
      (d->ntables && !d->tables) || (d->nmemories && !d->memories) ||
      (d->nglobals && !d->globals) || (d->ndatas && !d->datas) ||
      (d->nelems && !d->elem_counts))
    return rt_fail(err, "corrupt module descriptor: missing arrays");
  for (uint32_t i = 0; i < d->nfuncs; i++)
    if (d->func_types[i] >= d->ntypes)
      return rt_fail(err, "corrupt module descriptor: function %u has type %u", i,
                     d->func_types[i]);
  if (d->start >= (int64_t)d->nfuncs)
    return rt_fail(err, "corrupt module descriptor: start function %lld",
                   (long long)d->start);
  uint32_t count[4] = { 0 };
  const uint32_t imported[4] = { d->nimported_funcs, d->nimported_tables, d->nimported_memories,
                                 d->nimported_globals };
  const uint32_t total[4] = { d->nfuncs, d->ntables, d->nmemories, d->nglobals };
  for (uint32_t i = 0; i < d->nimports; i++) {
    const swasm_desc_import_t *im = &d->imports[i];
    if (im->kind > SWASM_K_GLOBAL || im->index >= imported[im->kind])
      return rt_fail(err, "corrupt module descriptor: import %u", i);
    count[im->kind]++;
  }
  for (int k = 0; k < 4; k++)
    if (count[k] != imported[k])
      return rt_fail(err, "corrupt module descriptor: import counts disagree");
  for (uint32_t i = 0; i < d->nexports; i++) {
    const swasm_desc_export_t *ex = &d->exports[i];
    if (!ex->name || ex->kind > SWASM_K_GLOBAL || ex->index >= total[ex->kind])
      return rt_fail(err, "corrupt module descriptor: export %u", i);
  }
  return check_cpu_features(d->cpu_features, err);
}

SWASM_API swasm_loaded_t *swasm_load_desc(const swasm_module_desc_t *desc, swasm_error_t *err) {
  rt_err_clear(err);
  if (!desc) {
    rt_fail(err, "no module descriptor");
    return NULL;
  }
  if (!check_desc(desc, err))
    return NULL;
  swasm_loaded_t *l = calloc(1, sizeof *l);
  if (!l) {
    rt_fail(err, "out of memory");
    return NULL;
  }
  l->desc = desc;
  return l;
}

SWASM_API swasm_loaded_t *swasm_load(const char *path, swasm_error_t *err) {
  char why[400];
  rt_err_clear(err);
  void *lib = os_dlopen(path, why, sizeof why);
  if (!lib) {
    rt_fail(err, "cannot load %s: %s", path, why);
    return NULL;
  }
  size_t size;
  const swasm_module_desc_t *desc = os_dlsym(lib, SWASM_DESC_SYMBOL, &size);
  if (!desc) {
    rt_fail(err, "%s is not a swasm module: it has no symbol %s", path, SWASM_DESC_SYMBOL);
    os_dlclose(lib);
    return NULL;
  }
  /* A descriptor of another layout would be read past its end: refuse it before looking. */
  if (size && size != sizeof *desc) {
    rt_fail(err, "%s: its module descriptor has %zu bytes, this runtime's has %zu: it was "
            "compiled for another runtime version", path, size, sizeof *desc);
    os_dlclose(lib);
    return NULL;
  }
  swasm_loaded_t *l = swasm_load_desc(desc, err);
  if (!l) {
    char msg[sizeof err->message];
    if (err) {
      snprintf(msg, sizeof msg, "%s: %.400s", path, err->message);
      memcpy(err->message, msg, sizeof msg);
    }
    os_dlclose(lib);
    return NULL;
  }
  l->lib = lib;
  return l;
}

SWASM_API const swasm_module_desc_t *swasm_loaded_desc(const swasm_loaded_t *l) {
  return l->desc;
}

SWASM_API void swasm_unload(swasm_loaded_t *l) {
  if (!l)
    return;
  if (l->lib)
    os_dlclose(l->lib);
  free(l);
}

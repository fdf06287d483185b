/* loader.c - loads compiled modules: dlopen, the descriptor symbol, and the checks that refuse a
 * library built for another ABI version or for CPU features this host lacks; and the map from a
 * code address to the wasm function it belongs to, which names the function a trap hit. */
#include <link.h>
#include <pthread.h>
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

/* The x86 features the runtime can check: LLVM's name, glibc's <sys/platform/x86.h> name, and
 * where CPUID reports it (leaf, register: 0 eax .. 3 edx, bit). */
#define X86_FEATURES(F)                                                                     \
  F("sse", SSE, 1, 3, 25)            F("sse2", SSE2, 1, 3, 26)                              \
  F("sse3", SSE3, 1, 2, 0)           F("ssse3", SSSE3, 1, 2, 9)                             \
  F("sse4.1", SSE4_1, 1, 2, 19)      F("sse4.2", SSE4_2, 1, 2, 20)                          \
  F("popcnt", POPCNT, 1, 2, 23)      F("avx", AVX, 1, 2, 28)                                \
  F("fma", FMA, 1, 2, 12)            F("aes", AES, 1, 2, 25)                                \
  F("pclmul", PCLMULQDQ, 1, 2, 1)    F("cx16", CMPXCHG16B, 1, 2, 13)                        \
  F("movbe", MOVBE, 1, 2, 22)        F("xsave", XSAVE, 1, 2, 26)                            \
  F("f16c", F16C, 1, 2, 29)          F("avx2", AVX2, 7, 1, 5)                               \
  F("bmi", BMI1, 7, 1, 3)            F("bmi2", BMI2, 7, 1, 8)                               \
  F("avx512f", AVX512F, 7, 1, 16)    F("avx512dq", AVX512DQ, 7, 1, 17)                      \
  F("avx512cd", AVX512CD, 7, 1, 28)  F("avx512bw", AVX512BW, 7, 1, 30)                      \
  F("avx512vl", AVX512VL, 7, 1, 31)  F("sahf", LAHF64_SAHF64, 0x80000001u, 2, 0)            \
  F("lzcnt", LZCNT, 0x80000001u, 2, 5)

#if defined(__x86_64__) && defined(__GLIBC__) && __has_include(<sys/platform/x86.h>)
/* glibc's dynamic loader has run CPUID already, and says which features the OS enabled too:
 * asking it costs no CPUID, which is slow under virtualisation and would show in the start-up
 * time of every executable. */
#define X86_SOURCE_GLIBC 1
#include <sys/platform/x86.h>
#define X86_ROW(llvm, glibc, leaf, reg, bit) {llvm, x86_cpu_##glibc},
static const struct { const char *name; unsigned index; } x86_features[] = {
  X86_FEATURES(X86_ROW)
};
#elif defined(__x86_64__)
#include <cpuid.h>
#define X86_ROW(llvm, glibc, leaf, reg, bit) {llvm, leaf, reg, bit},
static const struct { const char *name; unsigned leaf, reg, bit; } x86_features[] = {
  X86_FEATURES(X86_ROW)
};

/* Whether the OS saves the vector state a feature needs (XCR0 through XGETBV). */
static bool os_saves(const char *name) {
  bool avx512 = strncmp(name, "avx512", 6) == 0;
  bool avx = avx512 || strcmp(name, "avx") == 0 || strcmp(name, "avx2") == 0 ||
             strcmp(name, "fma") == 0 || strcmp(name, "f16c") == 0;
  if (!avx)
    return true;
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)))
    return false;
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  unsigned need = avx512 ? 0xe6u : 0x6u;
  return (lo & need) == need;
}
#endif

/* Whether the host has the named LLVM target feature; *known is false for names we cannot
 * check, which are accepted. */
static bool host_has(const char *name, bool *known) {
  *known = true;
#if defined(__x86_64__)
  for (size_t i = 0; i < sizeof x86_features / sizeof x86_features[0]; i++) {
    if (strcmp(name, x86_features[i].name) != 0)
      continue;
#ifdef X86_SOURCE_GLIBC
    return x86_cpu_active(x86_features[i].index);
#else
    unsigned r[4];
    if (!__get_cpuid_count(x86_features[i].leaf, 0, &r[0], &r[1], &r[2], &r[3]))
      return false;
    return (r[x86_features[i].reg] >> x86_features[i].bit & 1) && os_saves(name);
#endif
  }
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

/* ---- code addresses to functions ---- */

/* Every loaded module, for rt_code_lookup. Registering is one list insertion: the map itself is
 * built at the first lookup, which only a trap makes, so loading stays cheap. */
static pthread_mutex_t loaded_lock = PTHREAD_MUTEX_INITIALIZER;
static swasm_loaded_t *loaded_list;

/* A start address in a module's code, and the function starting there (NOT_WASM for the
 * trampolines, thunks and init, which end the function before them). */
struct rt_code_span {
  uintptr_t start;
  uint32_t func;
};
#define NOT_WASM UINT32_MAX

static int span_cmp(const void *a, const void *b) {
  uintptr_t x = ((const rt_code_span_t *)a)->start, y = ((const rt_code_span_t *)b)->start;
  return x < y ? -1 : x > y;
}

typedef struct segment_query {
  uintptr_t addr, start, end;
} segment_query_t;

static int find_segment(struct dl_phdr_info *info, size_t size, void *data) {
  segment_query_t *q = data;
  (void)size;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && q->addr >= lo &&
        q->addr < lo + ph->p_memsz) {
      q->start = lo;
      q->end = lo + ph->p_memsz;
      return 1;
    }
  }
  return 0;
}

static void add_span(rt_code_span_t *spans, uint32_t *n, const void *code, uint32_t func) {
  uintptr_t a;
  memcpy(&a, &code, sizeof a);
  if (a)
    spans[(*n)++] = (rt_code_span_t){ a, func };
}

/* Sorts the module's code addresses once; the last function ends where the executable segment
 * holding it ends. False when the memory for it is missing. Called with loaded_lock held. */
static bool build_map(swasm_loaded_t *l) {
  const swasm_module_desc_t *d = l->desc;
  uint32_t ndefined = d->nfuncs - d->nimported_funcs;
  size_t cap = (size_t)ndefined + 2u * d->ntypes + 1;
  rt_code_span_t *spans = malloc(cap * sizeof *spans);
  if (!spans)
    return false;
  uint32_t n = 0;
  for (uint32_t i = 0; i < ndefined; i++)
    add_span(spans, &n, d->func_code[i], d->nimported_funcs + i);
  for (uint32_t t = 0; t < d->ntypes; t++) {
    void *tramp;
    memcpy(&tramp, &d->trampolines[t], sizeof tramp);
    add_span(spans, &n, tramp, NOT_WASM);
    add_span(spans, &n, d->host_thunks[t], NOT_WASM);
  }
  void *init;
  memcpy(&init, &d->init, sizeof init);
  add_span(spans, &n, init, NOT_WASM);
  qsort(spans, n, sizeof *spans, span_cmp);
  segment_query_t q = { n ? spans[0].start : 0, 0, 0 };
  if (n == 0 || dl_iterate_phdr(find_segment, &q) == 0)
    q.end = n ? spans[n - 1].start + 1 : 0;   /* unknown segment: only exact starts map */
  l->spans = spans;
  l->nspans = n;
  l->code_end = q.end;
  return true;
}

/* The function of the loaded module whose code holds the span starting at or before pc. */
static bool lookup_in(const swasm_loaded_t *l, uintptr_t pc, uint32_t *func) {
  if (!l->nspans || pc < l->spans[0].start || pc >= l->code_end)
    return false;
  uint32_t lo = 0, hi = l->nspans;
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (l->spans[mid].start <= pc)
      lo = mid;
    else
      hi = mid;
  }
  if (l->spans[lo].func == NOT_WASM)
    return false;
  *func = l->spans[lo].func;
  return true;
}

bool rt_code_lookup(uintptr_t pc, const swasm_module_desc_t **desc, uint32_t *func) {
  bool found = false;
  pthread_mutex_lock(&loaded_lock);
  for (swasm_loaded_t *l = loaded_list; l && !found; l = l->next) {
    if (!l->spans && !build_map(l))
      continue;
    if (lookup_in(l, pc, func)) {
      *desc = l->desc;
      found = true;
    }
  }
  pthread_mutex_unlock(&loaded_lock);
  return found;
}

static void register_loaded(swasm_loaded_t *l) {
  pthread_mutex_lock(&loaded_lock);
  l->next = loaded_list;
  loaded_list = l;
  pthread_mutex_unlock(&loaded_lock);
}

static void unregister_loaded(swasm_loaded_t *l) {
  pthread_mutex_lock(&loaded_lock);
  for (swasm_loaded_t **p = &loaded_list; *p; p = &(*p)->next)
    if (*p == l) {
      *p = l->next;
      break;
    }
  pthread_mutex_unlock(&loaded_lock);
  free(l->spans);
}

/* ---- loading ---- */

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
  register_loaded(l);
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
  unregister_loaded(l);
  if (l->lib)
    os_dlclose(l->lib);
  free(l);
}

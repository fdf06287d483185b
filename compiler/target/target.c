/* target.c - choosing what to compile for: the triple, the CPU and its features, the LLVM
 * target machine, and the content hash that identifies one compile. */
#include "target.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Core.h>
#include <llvm-c/Support.h>
#include <llvm-c/blake3.h>

#include "rt_abi.h"
#include "swasm_config.h"

/* Baseline features, written out because LLVM's C API cannot list what a CPU implies and the
 * runtime must compare them with the host's. x86-64-v2 over the x86-64 base; armv8-a with
 * NEON. Kept sorted. */
#define X86_BASELINE_CPU "x86-64-v2"
#define X86_BASELINE_REQUIRED "+cx16,+popcnt,+sahf,+sse2,+sse3,+sse4.1,+sse4.2,+ssse3"
#define X86_V3_REQUIRED "+avx,+avx2,+bmi,+bmi2,+cx16,+f16c,+fma,+lzcnt,+movbe,+popcnt,+sahf," \
                        "+sse2,+sse3,+sse4.1,+sse4.2,+ssse3,+xsave"
#define X86_V4_REQUIRED "+avx,+avx2,+avx512bw,+avx512cd,+avx512dq,+avx512f,+avx512vl,+bmi," \
                        "+bmi2,+cx16,+f16c,+fma,+lzcnt,+movbe,+popcnt,+sahf,+sse2,+sse3," \
                        "+sse4.1,+sse4.2,+ssse3,+xsave"
#define A64_BASELINE_CPU "generic"
#define A64_BASELINE_FEATURES "+neon"
#define A64_BASELINE_REQUIRED "+fp-armv8,+neon"

static pthread_once_t llvm_once = PTHREAD_ONCE_INIT;

/* LLVM options swasm sets for every compile: limits on two analyses whose cost grows with
 * the size of a function, which wasm compiled from Rust or C++ has up to 35,000 instructions
 * of. Measured on wasm-tools (2.4 MB, docs/performance.md): CodeGenPrepare's scan of an
 * address's users (default 100) took 38% of code generation for the three largest functions
 * and a fifth of that at 20; the greedy allocator's region-growing budget (default 10,000)
 * cost 15% more time there than 1,000. In the benchmark programs the budget changes no
 * function and the scan limit no loop. */
static const char *const llvm_defaults[] = {
  "-cgp-max-address-users-to-scan=20",
  "-grow-region-complexity-budget=1000",
};

/* Gives LLVM swasm's options, then those of SWASM_LLVM_ARGS="-opt=value ..." (a developer's
 * knob for experiments, like clang's -mllvm), which replace a default of the same name. Read
 * once per process. */
static char llvm_args[1024];   /* SWASM_LLVM_ARGS as read */

static void llvm_options(void) {
  static char buf[sizeof llvm_args];
  static const char *argv[48];
  int argc = 0;
  const char *env = getenv("SWASM_LLVM_ARGS");
  snprintf(llvm_args, sizeof llvm_args, "%s", env ? env : "");
  memcpy(buf, llvm_args, sizeof buf);
  argv[argc++] = "swasm";
  for (size_t i = 0; i < sizeof llvm_defaults / sizeof *llvm_defaults; i++) {
    const char *d = llvm_defaults[i];
    size_t name = strcspn(d, "=");
    char key[64];
    snprintf(key, sizeof key, "%.*s", (int)name, d);
    if (!strstr(buf, key)) argv[argc++] = d;
  }
  for (char *tok = strtok(buf, " "); tok && argc < 48; tok = strtok(NULL, " "))
    argv[argc++] = tok;
  LLVMParseCommandLineOptions(argc, argv, NULL);
}

static void llvm_init_once(void) {
  LLVMInitializeX86TargetInfo();
  LLVMInitializeX86Target();
  LLVMInitializeX86TargetMC();
  LLVMInitializeX86AsmPrinter();
  LLVMInitializeAArch64TargetInfo();
  LLVMInitializeAArch64Target();
  LLVMInitializeAArch64TargetMC();
  LLVMInitializeAArch64AsmPrinter();
  llvm_options();
}

void tgt_llvm_init(void) {
  pthread_once(&llvm_once, llvm_init_once);
}

const char *tgt_llvm_args(void) {
  tgt_llvm_init();
  return llvm_args;
}

swasm_status_t tgt_fail(swasm_diag_t *diag, swasm_status_t st, const char *fmt, ...) {
  if (diag) {
    va_list ap;
    va_start(ap, fmt);
    diag->status = st;
    diag->offset = 0;
    diag->func = -1;
    vsnprintf(diag->message, sizeof diag->message, fmt, ap);
    va_end(ap);
  }
  return st;
}

static bool has_prefix(const char *s, const char *p) {
  return strncmp(s, p, strlen(p)) == 0;
}

/* Accepts gcc-style ("x86_64-linux-gnu") and LLVM-style triples for Linux on x86-64 or
 * AArch64 and spells them the LLVM way. */
static swasm_status_t resolve_triple(const char *want, tgt_spec_t *spec, swasm_diag_t *diag) {
  if (!want || !*want) {
    const char *host = TGT_HOST_TRIPLE;
    if (!host)
      return tgt_fail(diag, SWASM_UNSUPPORTED, "the host is neither x86-64 nor AArch64: "
                      "give a target triple");
    want = host;
  }
  char *norm = LLVMNormalizeTargetTriple(want);
  char arch[32] = "", vendor[32] = "", os[32] = "", env[32] = "";
  int n = sscanf(norm, "%31[^-]-%31[^-]-%31[^-]-%31s", arch, vendor, os, env);
  LLVMDisposeMessage(norm);
  if (n <= 3 && (!*os || strcmp(os, "unknown") == 0)) {   /* a bare "x86_64" means Linux */
    strcpy(os, "linux");
    n = 3;
  }
  if (strcmp(arch, "arm64") == 0) strcpy(arch, "aarch64");
  if (strcmp(arch, "amd64") == 0) strcpy(arch, "x86_64");
  bool x86 = strcmp(arch, "x86_64") == 0, a64 = strcmp(arch, "aarch64") == 0;
  if (n < 3 || (!x86 && !a64) || !has_prefix(os, "linux"))
    return tgt_fail(diag, SWASM_UNSUPPORTED,
                    "unsupported target '%s': swasm targets x86_64-linux-gnu and "
                    "aarch64-linux-gnu", want);
  if (!*env) strcpy(env, "gnu");
  if (!*vendor || strcmp(vendor, "pc") == 0) strcpy(vendor, "unknown");
  snprintf(spec->triple, sizeof spec->triple, "%s-%s-linux-%s", arch, vendor, env);
  spec->x86 = x86;
  return SWASM_OK;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The '+' entries of an LLVM feature string, sorted and comma-joined (malloc'd). */
static char *positive_features(const char *all) {
  char *copy = strdup(all ? all : "");
  size_t cap = 1, n = 0;
  for (const char *p = copy; p && *p; p++) cap += *p == ',';
  char **items = calloc(cap, sizeof *items);
  char *out = malloc(strlen(copy) + 1);
  if (!copy || !items || !out) {
    free(copy); free(items); free(out);
    return NULL;
  }
  for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
    if (tok[0] == '+' && n < cap) items[n++] = tok;
  qsort(items, n, sizeof *items, cmp_str);
  out[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    if (i) strcat(out, ",");
    strcat(out, items[i]);
  }
  free(items);
  free(copy);
  return out;
}

static bool host_arch_is(bool x86) {
#if defined(__x86_64__)
  return x86;
#elif defined(__aarch64__)
  return !x86;
#else
  (void)x86;
  return false;
#endif
}

/* What a named CPU guarantees, as far as the runtime can check it: LLVM knows each CPU's
 * features but its C API cannot list them, so only the x86-64 levels are spelled out; other
 * CPUs record the architecture's baseline. */
static const char *named_cpu_required(bool x86, const char *cpu) {
  if (!x86) return A64_BASELINE_REQUIRED;
  if (strcmp(cpu, "x86-64-v2") == 0) return X86_BASELINE_REQUIRED;
  if (strcmp(cpu, "x86-64-v3") == 0) return X86_V3_REQUIRED;
  if (strcmp(cpu, "x86-64-v4") == 0) return X86_V4_REQUIRED;
  return "+sse2";
}

static swasm_status_t resolve_cpu(const char *want, tgt_spec_t *spec, swasm_diag_t *diag) {
  const char *cpu, *features;
  char *host_cpu = NULL, *host_features = NULL;
  if (!want || !*want) {
    cpu = spec->x86 ? X86_BASELINE_CPU : A64_BASELINE_CPU;
    features = spec->x86 ? "" : A64_BASELINE_FEATURES;
    spec->required = strdup(spec->x86 ? X86_BASELINE_REQUIRED : A64_BASELINE_REQUIRED);
  } else if (strcmp(want, "native") == 0) {
    if (!host_arch_is(spec->x86))
      return tgt_fail(diag, SWASM_UNSUPPORTED, "-mcpu=native needs a target of the host's "
                      "architecture (target is %s)", spec->triple);
    cpu = host_cpu = LLVMGetHostCPUName();
    features = host_features = LLVMGetHostCPUFeatures();
    spec->required = positive_features(features);
  } else {
    if (!tgt_cpu_known(spec->x86, want))
      return tgt_fail(diag, SWASM_UNSUPPORTED, "unknown CPU '%s' for %s (try 'native', '%s', "
                      "or a name from 'llc-19 -mtriple=%s -mcpu=help')", want, spec->triple,
                      spec->x86 ? "x86-64-v3" : "neoverse-n1", spec->triple);
    cpu = want;
    features = spec->x86 ? "" : A64_BASELINE_FEATURES;
    spec->required = strdup(named_cpu_required(spec->x86, want));
  }
  if (strlen(cpu) >= sizeof spec->cpu) {
    LLVMDisposeMessage(host_cpu);
    LLVMDisposeMessage(host_features);
    return tgt_fail(diag, SWASM_UNSUPPORTED, "CPU name too long: '%s'", cpu);
  }
  strcpy(spec->cpu, cpu);
  spec->features = strdup(features);
  LLVMDisposeMessage(host_cpu);
  LLVMDisposeMessage(host_features);
  if (!spec->features || !spec->required)
    return tgt_fail(diag, SWASM_INTERNAL, "out of memory");
  return SWASM_OK;
}

swasm_status_t tgt_resolve(const swasm_compile_opts_t *opts, tgt_spec_t *spec,
                           swasm_diag_t *diag) {
  memset(spec, 0, sizeof *spec);
  tgt_llvm_init();
  swasm_status_t st = resolve_triple(opts->triple, spec, diag);
  if (st == SWASM_OK) st = resolve_cpu(opts->cpu, spec, diag);
  if (st != SWASM_OK) tgt_spec_free(spec);
  return st;
}

void tgt_spec_free(tgt_spec_t *spec) {
  free(spec->features);
  free(spec->required);
  spec->features = spec->required = NULL;
}

LLVMTargetMachineRef tgt_machine_new(const tgt_spec_t *spec, int opt_level,
                                     swasm_diag_t *diag) {
  static const LLVMCodeGenOptLevel levels[] = {
    LLVMCodeGenLevelNone, LLVMCodeGenLevelLess, LLVMCodeGenLevelDefault,
    LLVMCodeGenLevelAggressive};
  LLVMTargetRef target;
  char *msg = NULL;
  if (LLVMGetTargetFromTriple(spec->triple, &target, &msg)) {
    tgt_fail(diag, SWASM_INTERNAL, "no LLVM target for %s: %s", spec->triple, msg ? msg : "");
    LLVMDisposeMessage(msg);
    return NULL;
  }
  LLVMDisposeMessage(msg);
  LLVMTargetMachineRef tm = LLVMCreateTargetMachine(
      target, spec->triple, spec->cpu, spec->features, levels[opt_level & 3], LLVMRelocPIC,
      LLVMCodeModelSmall);
  if (!tm) tgt_fail(diag, SWASM_INTERNAL, "LLVM could not create a target machine for %s",
                    spec->triple);
  return tm;
}

/* Length-prefixed, so that no two different field lists hash the same byte stream. */
static void hash_field(llvm_blake3_hasher *h, const void *data, size_t size) {
  uint8_t len[8];
  for (int i = 0; i < 8; i++) len[i] = (uint8_t)((uint64_t)size >> (8 * i));
  llvm_blake3_hasher_update(h, len, sizeof len);
  if (size) llvm_blake3_hasher_update(h, data, size);
}

static void hash_str(llvm_blake3_hasher *h, const char *s) {
  hash_field(h, s ? s : "", s ? strlen(s) : 0);
}

void tgt_hash(const swasm_module_t *m, const swasm_compile_opts_t *opts,
              const tgt_spec_t *spec, uint8_t out[32]) {
  llvm_blake3_hasher h;
  llvm_blake3_hasher_init(&h);
  unsigned major, minor, patch;
  LLVMGetVersion(&major, &minor, &patch);
  char versions[160];
  snprintf(versions, sizeof versions, "swasm %s abi %d llvm %u.%u.%u", SWASM_VERSION_STRING,
           SWASM_ABI_VERSION, major, minor, patch);
  hash_str(&h, "swasm compile key 1");
  hash_str(&h, versions);
  hash_str(&h, spec->triple);
  hash_str(&h, spec->cpu);
  hash_str(&h, spec->features);
  const swasm_features_t *f = &m->features;
  uint8_t flags[8] = {(uint8_t)opts->opt_level, (uint8_t)opts->bounds, f->relaxed_simd,
                      f->tail_call, f->extended_const, f->multi_memory, f->memory64,
                      f->exceptions};
  hash_field(&h, flags, sizeof flags);
  hash_field(&h, m->bytes, m->size);
  llvm_blake3_hasher_finalize(&h, out, 32);
}

/* simd_util.c - the pieces every SIMD emitter uses: which vector features the target CPU is
 * guaranteed to have, lane-shape types and casts, constants, splats and shuffles. */
#include <stdlib.h>
#include <string.h>

#include <llvm-c/TargetMachine.h>

#include "simd.h"

/* ---- target features ---------------------------------------------------------------------- */

/* LLVM's C API cannot list what a CPU name implies, so the x86-64 CPUs LLVM 19 knows are
 * sorted here by the features codegen cares about. A name missing from every list (a newer
 * LLVM's) gets SSE2 only: slower code, never an instruction the CPU lacks. Sorted. */
#define X_SSSE3 (SIMD_X86 | SIMD_SSSE3)
#define X_SSE41 (X_SSSE3 | SIMD_SSE41)
#define X_FMA (X_SSE41 | SIMD_FMA)
#define X_AVX2 (X_FMA | SIMD_AVX2)
#define X_VNNI (X_AVX2 | SIMD_VNNI)

typedef struct cpu_entry {
  const char *name;
  unsigned features;
} cpu_entry_t;

static const cpu_entry_t x86_cpus[] = {
  {"alderlake", X_VNNI}, {"amdfam10", SIMD_X86}, {"arrowlake", X_VNNI},
  {"arrowlake-s", X_VNNI}, {"arrowlake_s", X_VNNI}, {"athlon-fx", SIMD_X86},
  {"athlon64", SIMD_X86}, {"athlon64-sse3", SIMD_X86}, {"atom", X_SSSE3},
  {"atom_sse4_2", X_SSE41}, {"atom_sse4_2_movbe", X_SSE41}, {"barcelona", SIMD_X86},
  {"bdver1", X_FMA}, {"bdver2", X_FMA}, {"bdver3", X_FMA}, {"bdver4", X_AVX2},
  {"bonnell", X_SSSE3}, {"broadwell", X_AVX2}, {"btver1", X_SSSE3}, {"btver2", X_SSE41},
  {"cannonlake", X_AVX2}, {"cascadelake", X_VNNI}, {"clearwaterforest", X_VNNI},
  {"cooperlake", X_VNNI}, {"core-avx-i", X_SSE41}, {"core-avx2", X_AVX2}, {"core2", X_SSSE3},
  {"core_2_duo_sse4_1", X_SSE41}, {"core_2_duo_ssse3", X_SSSE3}, {"core_2nd_gen_avx", X_SSE41},
  {"core_3rd_gen_avx", X_SSE41}, {"core_4th_gen_avx", X_AVX2}, {"core_4th_gen_avx_tsx", X_AVX2},
  {"core_5th_gen_avx", X_AVX2}, {"core_5th_gen_avx_tsx", X_AVX2},
  {"core_aes_pclmulqdq", X_SSE41}, {"core_i7_sse4_2", X_SSE41}, {"corei7", X_SSE41},
  {"corei7-avx", X_SSE41}, {"emeraldrapids", X_VNNI}, {"generic", SIMD_X86},
  {"goldmont", X_SSE41}, {"goldmont-plus", X_SSE41}, {"goldmont_plus", X_SSE41},
  {"gracemont", X_VNNI}, {"grandridge", X_VNNI}, {"graniterapids", X_VNNI},
  {"graniterapids-d", X_VNNI}, {"graniterapids_d", X_VNNI}, {"haswell", X_AVX2},
  {"icelake-client", X_VNNI}, {"icelake-server", X_VNNI}, {"icelake_client", X_VNNI},
  {"icelake_server", X_VNNI}, {"ivybridge", X_SSE41}, {"k8", SIMD_X86},
  {"k8-sse3", SIMD_X86}, {"knl", X_AVX2}, {"knm", X_AVX2}, {"lunarlake", X_VNNI},
  {"meteorlake", X_VNNI}, {"mic_avx512", X_AVX2}, {"nehalem", X_SSE41}, {"nocona", SIMD_X86},
  {"opteron", SIMD_X86}, {"opteron-sse3", SIMD_X86}, {"pantherlake", X_VNNI},
  {"penryn", X_SSE41}, {"raptorlake", X_VNNI}, {"rocketlake", X_VNNI},
  {"sandybridge", X_SSE41}, {"sapphirerapids", X_VNNI}, {"sierraforest", X_VNNI},
  {"silvermont", X_SSE41}, {"skx", X_AVX2}, {"skylake", X_AVX2}, {"skylake-avx512", X_AVX2},
  {"skylake_avx512", X_AVX2}, {"slm", X_SSE41}, {"tigerlake", X_VNNI}, {"tremont", X_SSE41},
  {"westmere", X_SSE41}, {"x86-64", SIMD_X86}, {"x86-64-v2", X_SSE41},
  {"x86-64-v3", X_AVX2}, {"x86-64-v4", X_AVX2}, {"znver1", X_AVX2}, {"znver2", X_AVX2},
  {"znver3", X_AVX2}, {"znver4", X_VNNI}, {"znver5", X_VNNI},
};

/* AArch64 CPUs with the dot product instructions (Armv8.4-A, optional from 8.2-A). Sorted. */
static const char *const a64_dotprod_cpus[] = {
  "ampere1", "ampere1a", "ampere1b", "apple-a13", "apple-a14", "apple-a15", "apple-a16",
  "apple-a17", "apple-m4", "cortex-a510", "cortex-a520", "cortex-a520ae", "cortex-a55",
  "cortex-a65", "cortex-a65ae", "cortex-a710", "cortex-a715", "cortex-a720",
  "cortex-a720ae", "cortex-a725", "cortex-a75", "cortex-a76", "cortex-a76ae", "cortex-a77",
  "cortex-a78", "cortex-a78ae", "cortex-a78c", "cortex-r82", "cortex-r82ae", "cortex-x1",
  "cortex-x1c", "cortex-x2", "cortex-x3", "cortex-x4", "cortex-x925", "exynos-m4",
  "exynos-m5", "neoverse-512tvb", "neoverse-e1", "neoverse-n1", "neoverse-n2", "neoverse-n3",
  "neoverse-v1", "neoverse-v2", "neoverse-v3", "neoverse-v3ae", "oryon-1", "saphira",
  "tsv110",
};

static int cmp_entry(const void *key, const void *elem) {
  return strcmp(key, ((const cpu_entry_t *)elem)->name);
}

static int cmp_name(const void *key, const void *elem) {
  return strcmp(key, *(const char *const *)elem);
}

unsigned cg_simd_cpu_features(bool x86, const char *cpu) {
  if (x86) {
    if (!cpu || !*cpu) return X_SSE41;   /* the x86-64-v2 baseline */
    const cpu_entry_t *e = bsearch(cpu, x86_cpus, sizeof x86_cpus / sizeof *x86_cpus,
                                   sizeof *x86_cpus, cmp_entry);
    return e ? e->features : SIMD_X86;
  }
  unsigned f = SIMD_A64 | SIMD_FMA;
  if (cpu && bsearch(cpu, a64_dotprod_cpus, sizeof a64_dotprod_cpus / sizeof *a64_dotprod_cpus,
                     sizeof *a64_dotprod_cpus, cmp_name))
    f |= SIMD_DOTPROD;
  return f;
}

static bool has_token(const char *list, const char *tok) {
  size_t n = strlen(tok);
  for (const char *p = list; p && *p;) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == n && memcmp(p, tok, n) == 0) return true;
    p = end ? end + 1 : p + len;
  }
  return false;
}

/* What LLVM reports for this host ("+ssse3,-avx512f,..."): a virtual machine may hide
 * features its CPU model has, so the CPU name alone is not enough for the host. */
static unsigned host_features(bool x86) {
  char *s = LLVMGetHostCPUFeatures();
  unsigned f = x86 ? SIMD_X86 : SIMD_A64 | SIMD_FMA;
  if (x86) {
    if (has_token(s, "+ssse3")) f |= SIMD_SSSE3;
    if (has_token(s, "+sse4.1")) f |= SIMD_SSE41;
    if (has_token(s, "+avx2")) f |= SIMD_AVX2;
    if (has_token(s, "+fma")) f |= SIMD_FMA;
    if (has_token(s, "+avxvnni") ||
        (has_token(s, "+avx512vnni") && has_token(s, "+avx512vl")))
      f |= SIMD_VNNI;
  } else if (has_token(s, "+dotprod")) {
    f |= SIMD_DOTPROD;
  }
  LLVMDisposeMessage(s);
  return f;
}

static bool host_is(bool x86) {
#if defined(__x86_64__)
  return x86;
#elif defined(__aarch64__)
  return !x86;
#else
  (void)x86;
  return false;
#endif
}

static unsigned compute_features(cg_module_t *cm) {
  const char *triple = cm->opts->triple;
  bool x86 = triple && *triple ? strncmp(triple, "x86_64", 6) == 0 ||
                                 strncmp(triple, "amd64", 5) == 0
                               : host_is(true);
  const char *cpu = cm->opts->cpu;
  if (cpu && strcmp(cpu, "native") == 0) return host_is(x86) ? host_features(x86) : 0;
  unsigned f = cg_simd_cpu_features(x86, cpu);
  if (cpu && *cpu && host_is(x86)) {
    /* target resolves -mcpu=native to the host's CPU name and its feature string. */
    char *host = LLVMGetHostCPUName();
    if (strcmp(host, cpu) == 0) f &= host_features(x86);
    LLVMDisposeMessage(host);
  }
  return f;
}

unsigned cg_simd_features(cg_module_t *cm) {
  if (!(cm->simd_features & SIMD_KNOWN)) cm->simd_features = compute_features(cm) | SIMD_KNOWN;
  return cm->simd_features;
}

bool cg_simd_has(cg_module_t *cm, unsigned mask) {
  return (cg_simd_features(cm) & mask) == mask;
}

/* ---- types and casts ---------------------------------------------------------------------- */

unsigned cg_simd_lanes(cg_shape_t s) {
  static const unsigned n[] = {16, 8, 4, 2, 4, 2};
  return n[s];
}

LLVMTypeRef cg_simd_lane_type(cg_module_t *cm, cg_shape_t s) {
  switch (s) {
  case SH_I8: return cm->t_i8;
  case SH_I16: return cm->t_i16;
  case SH_I32: return cm->t_i32;
  case SH_I64: return cm->t_i64;
  case SH_F32: return cm->t_f32;
  default: return cm->t_f64;
  }
}

LLVMTypeRef cg_simd_type(cg_module_t *cm, cg_shape_t s) {
  return LLVMVectorType(cg_simd_lane_type(cm, s), cg_simd_lanes(s));
}

LLVMValueRef cg_simd_as(cg_func_t *f, LLVMValueRef v, cg_shape_t s) {
  LLVMTypeRef t = cg_simd_type(f->cm, s);
  return LLVMTypeOf(v) == t ? v : LLVMBuildBitCast(f->cm->b, v, t, "");
}

LLVMValueRef cg_simd_pop(cg_func_t *f, cg_shape_t s) {
  return cg_simd_as(f, cg_pop(f), s);
}

bool cg_simd_push(cg_func_t *f, LLVMValueRef v) {
  cg_module_t *cm = f->cm;
  if (LLVMTypeOf(v) != cm->t_v128) v = LLVMBuildBitCast(cm->b, v, cm->t_v128, "");
  return cg_push(f, v);
}

/* ---- constants, splats, shuffles ---------------------------------------------------------- */

LLVMValueRef cg_simd_const(cg_module_t *cm, cg_shape_t s, uint64_t bits) {
  unsigned n = cg_simd_lanes(s);
  LLVMTypeRef lt = cg_simd_lane_type(cm, s);
  bool fp = s >= SH_F32;
  LLVMTypeRef it = fp ? (s == SH_F32 ? cm->t_i32 : cm->t_i64) : lt;
  LLVMValueRef lane = LLVMConstInt(it, bits, false);
  if (fp) lane = LLVMConstBitCast(lane, lt);
  LLVMValueRef lanes[16];
  for (unsigned i = 0; i < n; i++) lanes[i] = lane;
  return LLVMConstVector(lanes, n);
}

LLVMValueRef cg_simd_const_n(LLVMTypeRef t, uint64_t v, unsigned n) {
  LLVMValueRef lanes[32];
  for (unsigned i = 0; i < n; i++) lanes[i] = LLVMConstInt(t, v, false);
  return LLVMConstVector(lanes, n);
}

LLVMValueRef cg_simd_shuffle(cg_func_t *f, LLVMValueRef a, LLVMValueRef b, const int *mask,
                             unsigned n) {
  cg_module_t *cm = f->cm;
  LLVMValueRef m[32];
  for (unsigned i = 0; i < n; i++)
    m[i] = mask[i] < 0 ? LLVMGetPoison(cm->t_i32) : cg_i32(cm, (uint32_t)mask[i]);
  if (!b) b = LLVMGetPoison(LLVMTypeOf(a));
  return LLVMBuildShuffleVector(cm->b, a, b, LLVMConstVector(m, n), "");
}

LLVMValueRef cg_simd_splat(cg_func_t *f, LLVMValueRef scalar, unsigned n) {
  cg_module_t *cm = f->cm;
  LLVMTypeRef vt = LLVMVectorType(LLVMTypeOf(scalar), n);
  LLVMValueRef v = LLVMBuildInsertElement(cm->b, LLVMGetPoison(vt), scalar, cg_i32(cm, 0), "");
  int mask[16] = {0};
  return cg_simd_shuffle(f, v, NULL, mask, n);
}

LLVMValueRef cg_simd_half(cg_func_t *f, LLVMValueRef v, unsigned first, unsigned n) {
  int mask[16];
  for (unsigned i = 0; i < n; i++) mask[i] = (int)(first + i);
  return cg_simd_shuffle(f, v, NULL, mask, n);
}

LLVMValueRef cg_simd_evens(cg_func_t *f, LLVMValueRef v, unsigned odd) {
  unsigned n = LLVMGetVectorSize(LLVMTypeOf(v)) / 2;
  int mask[16];
  for (unsigned i = 0; i < n; i++) mask[i] = (int)(2 * i + odd);
  return cg_simd_shuffle(f, v, NULL, mask, n);
}

/* ---- calls -------------------------------------------------------------------------------- */

LLVMValueRef cg_simd_call(cg_func_t *f, const char *name, LLVMTypeRef *tys, unsigned ntys,
                          LLVMValueRef *args, unsigned nargs) {
  LLVMTypeRef fnty;
  LLVMValueRef fn = cg_intrinsic(f->cm, name, tys, ntys, &fnty);
  return LLVMBuildCall2(f->cm->b, fnty, fn, args, nargs, "");
}

LLVMValueRef cg_simd_call2(cg_func_t *f, const char *name, LLVMValueRef a, LLVMValueRef b) {
  LLVMValueRef args[] = {a, b};
  return cg_call_intrinsic(f, name, LLVMTypeOf(a), args, 2);
}

LLVMValueRef cg_simd_mask(cg_func_t *f, LLVMValueRef cond, cg_shape_t s) {
  cg_module_t *cm = f->cm;
  cg_shape_t is = s == SH_F32 ? SH_I32 : s == SH_F64 ? SH_I64 : s;
  return LLVMBuildSExt(cm->b, cond, cg_simd_type(cm, is), "");
}

/* The lane shape an instruction's name starts with ("i16x8.add" -> SH_I16). */
cg_shape_t cg_simd_shape_of(unsigned op) {
  const char *n = ir_ops[op].name;
  if (n[0] == 'f') return n[1] == '3' ? SH_F32 : SH_F64;
  if (n[1] == '8') return SH_I8;
  return n[1] == '1' ? SH_I16 : n[1] == '3' ? SH_I32 : SH_I64;
}

/* cpus.c - the CPU names -mcpu accepts: LLVM 19's x86-64 and AArch64 processors (from
 * "llc -mcpu=help", less the 32-bit-only x86 ones). LLVM aborts on a 32-bit CPU for 64-bit code
 * and only warns on an unknown one, and its C API cannot list them, so swasm checks first. */
#include <stdlib.h>
#include <string.h>

#include "target.h"

static const char *const x86_cpus[] = {
  "alderlake", "amdfam10", "arrowlake", "arrowlake-s", "arrowlake_s", "athlon-fx", "athlon64",
  "athlon64-sse3", "atom", "atom_sse4_2", "atom_sse4_2_movbe", "barcelona", "bdver1", "bdver2",
  "bdver3", "bdver4", "bonnell", "broadwell", "btver1", "btver2", "cannonlake", "cascadelake",
  "clearwaterforest", "cooperlake", "core-avx-i", "core-avx2", "core2", "core_2_duo_sse4_1",
  "core_2_duo_ssse3", "core_2nd_gen_avx", "core_3rd_gen_avx", "core_4th_gen_avx",
  "core_4th_gen_avx_tsx", "core_5th_gen_avx", "core_5th_gen_avx_tsx", "core_aes_pclmulqdq",
  "core_i7_sse4_2", "corei7", "corei7-avx", "emeraldrapids", "generic", "goldmont",
  "goldmont-plus", "goldmont_plus", "gracemont", "grandridge", "graniterapids",
  "graniterapids-d", "graniterapids_d", "haswell", "icelake-client", "icelake-server",
  "icelake_client", "icelake_server", "ivybridge", "k8", "k8-sse3", "knl", "knm", "lunarlake",
  "meteorlake", "mic_avx512", "nehalem", "nocona", "opteron", "opteron-sse3", "pantherlake",
  "penryn", "raptorlake", "rocketlake", "sandybridge", "sapphirerapids", "sierraforest",
  "silvermont", "skx", "skylake", "skylake-avx512", "skylake_avx512", "slm", "tigerlake",
  "tremont", "westmere", "x86-64", "x86-64-v2", "x86-64-v3", "x86-64-v4", "znver1", "znver2",
  "znver3", "znver4", "znver5",
};

static const char *const a64_cpus[] = {
  "a64fx", "ampere1", "ampere1a", "ampere1b", "apple-a10", "apple-a11", "apple-a12", "apple-a13",
  "apple-a14", "apple-a15", "apple-a16", "apple-a17", "apple-a7", "apple-m4", "carmel",
  "cortex-a34", "cortex-a35", "cortex-a510", "cortex-a520", "cortex-a520ae", "cortex-a53",
  "cortex-a55", "cortex-a57", "cortex-a65", "cortex-a65ae", "cortex-a710", "cortex-a715",
  "cortex-a72", "cortex-a720", "cortex-a720ae", "cortex-a725", "cortex-a73", "cortex-a75",
  "cortex-a76", "cortex-a76ae", "cortex-a77", "cortex-a78", "cortex-a78ae", "cortex-a78c",
  "cortex-r82", "cortex-r82ae", "cortex-x1", "cortex-x1c", "cortex-x2", "cortex-x3", "cortex-x4",
  "cortex-x925", "exynos-m3", "exynos-m4", "exynos-m5", "falkor", "generic", "kryo",
  "neoverse-512tvb", "neoverse-e1", "neoverse-n1", "neoverse-n2", "neoverse-n3", "neoverse-v1",
  "neoverse-v2", "neoverse-v3", "neoverse-v3ae", "oryon-1", "saphira", "thunderx",
  "thunderx2t99", "thunderx3t110", "thunderxt81", "thunderxt83", "thunderxt88", "tsv110",
};

static int cmp(const void *key, const void *elem) {
  return strcmp(key, *(const char *const *)elem);
}

bool tgt_cpu_known(bool x86, const char *name) {
  const char *const *list = x86 ? x86_cpus : a64_cpus;
  size_t n = x86 ? sizeof x86_cpus / sizeof *x86_cpus : sizeof a64_cpus / sizeof *a64_cpus;
  return bsearch(name, list, n, sizeof *list, cmp) != NULL;
}

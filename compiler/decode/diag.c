/* diag.c - the decoder's small public helpers: formatting a diagnostic with its location and
 * function name, and turning feature names from the command line into swasm_features_t. */
#include <stdio.h>
#include <string.h>

#include "ir.h"

char *swasm_diag_format(const swasm_diag_t *d, const char *file,
                        const struct swasm_module *module, char *buf, size_t size) {
  if (!buf || size == 0) return buf;
  const char *name = NULL;
  if (module && d->func >= 0 && (uint64_t)d->func < module->nfuncs)
    name = module->funcs[d->func].name;
  char where[64] = "";
  if (d->func >= 0) snprintf(where, sizeof where, "func %lld", (long long)d->func);
  snprintf(buf, size, "%s:0x%llx: %s%s%s%s%s%s", file ? file : "<input>",
           (unsigned long long)d->offset, where, name ? " ($" : "", name ? name : "",
           name ? ")" : "", d->func >= 0 ? ": " : "", d->message);
  return buf;
}

bool swasm_features_enable(swasm_features_t *f, const char *name) {
  static const struct {
    const char *name;
    size_t field;
  } features[] = {
    {"relaxed-simd", offsetof(swasm_features_t, relaxed_simd)},
    {"tail-call", offsetof(swasm_features_t, tail_call)},
    {"extended-const", offsetof(swasm_features_t, extended_const)},
    {"multi-memory", offsetof(swasm_features_t, multi_memory)},
    {"memory64", offsetof(swasm_features_t, memory64)},
    {"exceptions", offsetof(swasm_features_t, exceptions)},
  };
  for (size_t i = 0; i < sizeof features / sizeof features[0]; i++) {
    if (strcmp(name, features[i].name) == 0) {
      *(bool *)((char *)f + features[i].field) = true;
      return true;
    }
  }
  return false;
}

/* fuzz_decode.c - libFuzzer target: decode and validate arbitrary bytes as a core module.
 * Any crash, hang, leak or sanitizer report here is a bug in the decoder or validator. */
#include <stddef.h>
#include <stdint.h>

#include "swasm/compiler.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const swasm_features_t all = {.relaxed_simd = true};
  swasm_module_t *m = NULL;
  swasm_diag_t diag;
  /* The last byte picks the feature set so both gated and ungated paths are explored. */
  const swasm_features_t none = {0};
  const swasm_features_t *f = size > 0 && (data[size - 1] & 1) ? &all : &none;
  if (swasm_module_decode(data, size, f, &m, &diag) == SWASM_OK) {
    (void)swasm_module_validate(m, &diag);
    swasm_module_free(m);
  }
  return 0;
}

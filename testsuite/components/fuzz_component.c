/* fuzz_component.c - libFuzzer target: decode and validate arbitrary bytes as a component.
 * Any crash, hang, leak or sanitizer report here is a bug in compiler/component (or in the
 * core decoder and validator it hands embedded modules to). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "swasm/compiler.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs are given the component preamble so that mutations explore sections, not magic. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const uint8_t preamble[8] = {0x00, 'a', 's', 'm', 0x0d, 0x00, 0x01, 0x00};
  static uint8_t buf[1 << 17];
  if (size > sizeof buf - 8) return 0;
  const uint8_t *bytes = data;
  size_t n = size;
  if (!swasm_is_component(data, size)) {
    memcpy(buf, preamble, 8);
    memcpy(buf + 8, data, size);
    bytes = buf;
    n = size + 8;
  }
  swasm_features_t features = {.exceptions = true, .multi_memory = true};
  swasm_component_t *c = NULL;
  swasm_diag_t diag;
  if (swasm_component_decode(bytes, n, &features, &c, &diag) == SWASM_OK) {
    if (swasm_component_validate(c, &diag) == SWASM_OK) {
      swasm_buf_t wit = {0};
      if (swasm_component_wit(c, "root", &wit, &diag) == SWASM_OK) swasm_buf_free(&wit);
    }
    swasm_component_free(c);
  }
  return 0;
}

/* wit.c - prints a validated component's world in WIT. */
#include <stdio.h>
#include <string.h>

#include "cm.h"

swasm_status_t swasm_component_wit(const swasm_component_t *c, const char *world,
                                   swasm_buf_t *out, swasm_diag_t *diag) {
  (void)c; (void)world;
  out->data = NULL;
  out->size = 0;
  memset(diag, 0, sizeof *diag);
  diag->status = SWASM_UNSUPPORTED;
  snprintf(diag->message, sizeof diag->message, "WIT output is not implemented yet");
  return SWASM_UNSUPPORTED;
}

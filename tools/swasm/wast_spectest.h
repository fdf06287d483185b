/* wast_spectest.h - the built-in "spectest" host module that spec test scripts import. */
#ifndef SWASM_WAST_SPECTEST_H
#define SWASM_WAST_SPECTEST_H

#include <stdbool.h>

#include "swasm/runtime.h"

typedef struct wast_spectest wast_spectest_t;

/* Creates the module's functions, globals, table and memory. The memory has guard pages when
 * guarded is set. With verbose, the print functions write their arguments to stdout. */
wast_spectest_t *wast_spectest_new(bool guarded, bool verbose, swasm_error_t *err);

/* The export called name, whatever kind the importer asked for (the runtime checks the kind
 * and type); false when there is none. */
bool wast_spectest_lookup(wast_spectest_t *s, const char *name, swasm_extern_t *out);

/* After every instance importing from it is freed. */
void wast_spectest_free(wast_spectest_t *s);

#endif

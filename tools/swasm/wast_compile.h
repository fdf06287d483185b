/* wast_compile.h - the spec runner's use of libswasm-compiler: read, decode, validate and
 * compile module files, so that the runtime side of the runner needs only swasm/runtime.h. */
#ifndef SWASM_WAST_COMPILE_H
#define SWASM_WAST_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wast_run.h"

struct swasm_module;

/* swasm_status_t, mirrored for files that cannot see compiler.h. */
typedef enum wast_status {
  WAST_OK, WAST_MALFORMED, WAST_INVALID, WAST_LIMIT, WAST_UNSUPPORTED, WAST_IO, WAST_INTERNAL
} wast_status_t;

/* Reads path, decodes it with the options' features and validates it. On failure *out is
 * NULL and msg holds the diagnostic. */
wast_status_t wast_wasm_read(const wast_opts_t *o, const char *path, struct swasm_module **out,
                             char *msg, size_t msgsize);

/* Compiles m into a shared library (through the cache, or into o->workdir as libSERIAL.so)
 * and writes the library's path to path. */
wast_status_t wast_wasm_compile(const wast_opts_t *o, const struct swasm_module *m,
                                unsigned serial, char *path, size_t pathsize, char *msg,
                                size_t msgsize);

/* Finds an export by its exact name bytes (names may contain NUL). */
bool wast_wasm_export(const struct swasm_module *m, const char *name, size_t len,
                      uint32_t *kind, uint32_t *index);

void wast_wasm_free(struct swasm_module *m);

#endif

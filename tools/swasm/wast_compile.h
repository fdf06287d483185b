/* wast_compile.h - how the spec runner gets a runnable module from a module file, so that the
 * command loop needs only swasm/runtime.h. Two implementations: wast_compile.c decodes,
 * validates and compiles with libswasm-compiler (swasm wast); wast_exec.c reads those outcomes
 * from a mapping written by the host that compiled the modules for another architecture
 * (swasm-wast-exec, run under an emulator). */
#ifndef SWASM_WAST_COMPILE_H
#define SWASM_WAST_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wast_run.h"

/* A module file that decoded and validated. */
typedef struct wast_wasm wast_wasm_t;

/* swasm_status_t, mirrored for files that cannot see compiler.h. */
typedef enum wast_status {
  WAST_OK, WAST_MALFORMED, WAST_INVALID, WAST_LIMIT, WAST_UNSUPPORTED, WAST_IO, WAST_INTERNAL
} wast_status_t;

/* Reads path, decodes it with the options' features and validates it. On failure *out is
 * NULL and msg holds the diagnostic. */
wast_status_t wast_wasm_read(const wast_opts_t *o, const char *path, wast_wasm_t **out,
                             char *msg, size_t msgsize);

/* Compiles m into a shared library for o->triple (through the cache, or into o->workdir as
 * libSERIAL.so) and writes the library's path to path. */
wast_status_t wast_wasm_compile(const wast_opts_t *o, const wast_wasm_t *m,
                                unsigned serial, char *path, size_t pathsize, char *msg,
                                size_t msgsize);

/* Finds an export by its exact name bytes (names may contain NUL). */
bool wast_wasm_export(const wast_wasm_t *m, const char *name, size_t len,
                      uint32_t *kind, uint32_t *index);

void wast_wasm_free(wast_wasm_t *m);

/* True when FEATURE names a proposal this runner knows ("tail-call", ...). */
bool wast_feature_known(const char *feature);

#endif

/* exe.h - what swasmc.c uses of exe.c: grants from the command line and the link of a WASI
 * command into an executable. */
#ifndef SWASMC_EXE_H
#define SWASMC_EXE_H

#include <stdbool.h>
#include <stdint.h>

#include "swasm/compiler.h"

/* The grants baked into an executable, as swasm_wasi_grants strings. */
typedef struct exe_grants {
  char **list;                 /* NULL-terminated once any is added */
  int n, cap;
  bool shared_libc;            /* --libc=shared */
} exe_grants_t;

/* Adds "dir:SPEC" (--dir SPEC) or "env:SPEC" (--env SPEC); prints its own error and returns
 * false on a bad SPEC or out of memory. */
bool exe_grant_dir(exe_grants_t *g, const char *spec);
bool exe_grant_env(exe_grants_t *g, const char *spec);
/* --lock-grants: the executable ignores SWASM_WASI_DIRS and SWASM_WASI_ENV. */
bool exe_grant_lock(exe_grants_t *g);
void exe_grants_free(exe_grants_t *g);

/* Fails with a message (returning false) when m is not a WASI command an executable can run:
 * it must export a function _start and import nothing but wasi_snapshot_preview1 functions. */
bool exe_check_command(const swasm_module_t *m, const char *in);

/* Links obj into the executable out with the runtime and the grants; an exit status. */
int exe_link(const swasm_buf_t *obj, const char *out, const char *triple,
             const exe_grants_t *g);

/* Links the payload object of a component (cexe.c) and its core modules' objects into the
 * executable out with libswasm-cexe (its main), the linker, the compiler's component decoder
 * and the runtime; an exit status. */
int exe_link_component(const swasm_buf_t *obj, const char *const *objs, uint32_t nobjs,
                       const char *out, const char *triple, const exe_grants_t *g);

/* The same objects linked into a shared library (swasm_cpkg_open loads it). */
int exe_link_component_shared(const swasm_buf_t *obj, const char *const *objs, uint32_t nobjs,
                              const char *out, const char *triple);

/* cexe.c: the executable of a wasi:cli/command component, or with shared a library of any
 * component (bytes[0..size), decoded and validated as c): compiles its core modules, packs
 * them with it, links; an exit status. */
int cexe_build(const swasm_component_t *c, const uint8_t *bytes, size_t size,
               const swasm_features_t *features, const swasm_compile_opts_t *copts,
               const char *in, const char *out, const exe_grants_t *g, bool shared);

#endif

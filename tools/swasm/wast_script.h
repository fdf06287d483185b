/* wast_script.h - the state of one running spec script, shared by the command loop
 * (wast_run.c) and the module handling (wast_module.c). */
#ifndef SWASM_WAST_SCRIPT_H
#define SWASM_WAST_SCRIPT_H

#include "swasm/runtime.h"
#include "wast_compile.h"
#include "wast_run.h"
#include "wast_spectest.h"

typedef enum wast_modstate {
  WAST_MOD_OK,        /* instantiated: actions run on it */
  WAST_MOD_FAILED,    /* actions on it fail */
  WAST_MOD_SKIPPED    /* could not be run here (unsupported): actions on it are skipped */
} wast_modstate_t;

/* A module the script defined, or one an assertion built (those are never current). Every
 * one is kept until the script ends: registered exports and table entries written by a failed
 * instantiation may still point into it. */
typedef struct wast_mod {
  char *name;                   /* "$M" or NULL */
  wast_modstate_t state;
  wast_wasm_t *module;  /* decoded and valid, or NULL */
  swasm_loaded_t *loaded;
  swasm_instance_t *inst;
} wast_mod_t;

typedef struct wast_reg {
  char *as;
  size_t mod;
} wast_reg_t;

typedef struct wast_script {
  const wast_opts_t *opts;
  const char *dir, *file;
  int64_t line;
  const char *cmd;              /* the command's type, for messages */

  wast_mod_t *mods;
  size_t nmods, modcap;
  int64_t current;              /* index of the module unnamed actions use, or -1 */
  wast_reg_t *regs;
  size_t nregs, regcap;

  wast_spectest_t *spectest;
  bool rt_ok;                   /* swasm_rt_init succeeded: modules can run */
  char rt_error[512];
  unsigned nlibs;               /* uncached libraries written so far */
  wast_modstate_t import_state; /* worst state of a registered module an import asked for */
} wast_script_t;

/* Prints "FILE:LINE: CMD: message" (with -v) and returns WAST_FAIL. */
wast_result_t wast_fail(wast_script_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the reason (with -vv) and returns WAST_SKIP. */
wast_result_t wast_skip(wast_script_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a remark that does not change the result (with -v). */
void wast_note(wast_script_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads FILENAME from the script's directory, decodes and validates it. */
wast_status_t wast_module_read(wast_script_t *s, const char *filename, wast_wasm_t **out,
                               char *msg, size_t msgsize);

/* Compiles, loads and instantiates m (taking it over) as a new entry of s->mods; returns that
 * entry's index in *index (also when it fails, with its state set). On an instantiation
 * failure *err says why (err->trap set for a trap), and *instantiate_failed is set. */
wast_result_t wast_module_build(wast_script_t *s, wast_wasm_t *m, const char *name,
                                size_t *index, swasm_error_t *err, bool *instantiate_failed);

/* A new entry in s->mods that could not be built (for a module that failed before that). */
size_t wast_module_add_failed(wast_script_t *s, const char *name, wast_modstate_t state);

/* The module a command names (NULL: the current one); NULL when there is none. */
wast_mod_t *wast_module_find(wast_script_t *s, const char *name);

/* Looks up an export whose name may contain NUL bytes. */
bool wast_module_export(wast_mod_t *m, const char *name, size_t len, swasm_extern_t *out);

/* Registers module index mod under the name as. */
bool wast_module_register(wast_script_t *s, const char *as, size_t mod);

/* Frees every instance, library and module of the script. */
void wast_modules_free(wast_script_t *s);

#endif

/* cexe_main.c - main() of the executables swasmc builds from wasi:cli/command components
 * (libswasm-cexe): opens the compiled component linked in (swasm/linker.h Part 6), runs it
 * with WASI 0.2 and the grants baked in or given at run time, and exits with its status.
 *
 * The core modules' code is linked in too: the package's loader finds each embedded module's
 * descriptor in the table and wraps it (swasm_load_desc), so neither LLVM nor a cache
 * directory is needed at run time. Grants work as for core-module executables
 * (docs/wasi.md): swasm_wasi_grants from --dir/--env, then SWASM_WASI_DIRS and SWASM_WASI_ENV
 * unless the baked grants say "lock". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swasm/linker.h"

extern const uint8_t swasm_cexe_component[];
extern const uint64_t swasm_cexe_component_size;
extern const uint8_t swasm_cexe_features[8];
extern const swasm_cpkg_module_t swasm_cexe_modules[];
extern const uint64_t swasm_cexe_nmodules;

__attribute__((weak)) const char *const swasm_wasi_grants[] = {NULL};

/* Instantiation never compiles here (the package's loader answers first); defining the
 * compiler's entry keeps the linker's reference to it from pulling LLVM into the executable. */
swasm_status_t swasm_compile_cached(const swasm_module_t *m, const swasm_compile_opts_t *opts,
                                    char *path_out, size_t path_size, swasm_diag_t *diag) {
  (void)m; (void)opts; (void)path_out; (void)path_size;
  memset(diag, 0, sizeof *diag);
  diag->status = SWASM_UNSUPPORTED;
  snprintf(diag->message, sizeof diag->message, "this executable cannot compile modules");
  return SWASM_UNSUPPORTED;
}

/* ---- grants ------------------------------------------------------------------------------ */

typedef struct grants {
  swasm_wasi_dir_t *dirs;
  const char **env;
  int ndirs, nenv;
} grants_t;

static int count_grants(const char *dirs, const char *env) {
  int n = 4;
  for (const char *const *g = swasm_wasi_grants; *g; g++) n++;
  for (const char *p = dirs; p && *p; p++) n += *p == ';';
  for (const char *p = env; p && *p; p++) n += *p == ',';
  return n;
}

static void add_grant(grants_t *g, char *s, bool dir) {
  if (!*s) return;
  if (dir) swasm_wasi_dir_parse(s, &g->dirs[g->ndirs++]);
  else g->env[g->nenv++] = s;
}

/* Splits a run-time list (a copy that lives until exit) at sep. */
static void add_list(grants_t *g, const char *list, char sep, bool dir) {
  char *s = list ? strdup(list) : NULL;
  for (char *p = s; p;) {
    char *next = strchr(p, sep);
    if (next) *next++ = 0;
    add_grant(g, p, dir);
    p = next;
  }
}

static bool collect(grants_t *g) {
  const char *dirs = getenv("SWASM_WASI_DIRS"), *env = getenv("SWASM_WASI_ENV");
  int cap = count_grants(dirs, env);
  g->dirs = calloc((size_t)cap, sizeof *g->dirs);
  g->env = calloc((size_t)cap, sizeof *g->env);
  if (!g->dirs || !g->env) return false;
  bool locked = false;
  for (const char *const *p = swasm_wasi_grants; *p; p++) {
    locked |= strcmp(*p, "lock") == 0;
    bool dir = strncmp(*p, "dir:", 4) == 0;
    if (!dir && strncmp(*p, "env:", 4) != 0) continue;
    char *s = strdup(*p + 4);
    if (!s) return false;
    add_grant(g, s, dir);
  }
  if (!locked) {
    add_list(g, dirs, ';', true);
    add_list(g, env, ',', false);
  }
  return true;
}

/* ---- running ----------------------------------------------------------------------------- */

/* What the command holds when it ends: the process exits without freeing it (the kernel
 * takes it back at once), and static so leak checkers see it as still reachable. */
static struct {
  grants_t grants;
  swasm_cpkg_t *pkg;
} keep;

static int run(int argc, char **argv, swasm_error_t *err) {
  swasm_cpkg_t *p = keep.pkg = swasm_cpkg_new(swasm_cexe_component, swasm_cexe_component_size,
                                   swasm_cexe_features, swasm_cexe_modules,
                                   swasm_cexe_nmodules, err);
  if (!p) return SWASM_WASI_STATUS_ERROR;
  grants_t *g = &keep.grants;
  if (!collect(g)) {
    snprintf(err->message, sizeof err->message, "out of memory");
    return SWASM_WASI_STATUS_ERROR;
  }
  swasm_wasi_config_t cfg;
  swasm_wasi_config_init(&cfg);
  cfg.argc = argc;
  cfg.argv = (const char *const *)argv;
  cfg.ndirs = g->ndirs;
  cfg.dirs = g->dirs;
  cfg.nenv = g->nenv;
  cfg.env = g->env;
  swasm_link_opts_t lo;
  memset(&lo, 0, sizeof lo);
  swasm_cpkg_link_opts(p, &lo);
  return swasm_component_run_command_with(swasm_cpkg_component(p), &lo, &cfg, err);
}

int main(int argc, char **argv) {
  const char *prog = argc > 0 && argv[0] ? argv[0] : "swasm-exe";
  swasm_error_t err;
  memset(&err, 0, sizeof err);
  int status = run(argc, argv, &err);
  if (status != 0 && err.trap != SWASM_TRAP_EXIT && err.message[0])
    fprintf(stderr, "%s: %s%s\n", prog, err.trap != SWASM_TRAP_NONE ? "trap: " : "",
            err.message);
  return status;
}

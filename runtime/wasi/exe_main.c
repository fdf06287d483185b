/* exe_main.c - main() of the executables swasmc builds from a WASI command: loads the module
 * linked into the executable, grants it what the grant policy says (docs/wasi.md), runs _start
 * and exits with the guest's status.
 *
 * Grants come from the array swasm_wasi_grants that swasmc generates from --dir and --env
 * (the weak empty default below when it generates none) and, unless that array says "lock",
 * from the environment at run time: SWASM_WASI_DIRS="HOST[::GUEST];..." and
 * SWASM_WASI_ENV="NAME,..." (each NAME passed with its value). Arguments pass through. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swasm/runtime.h"

extern const swasm_module_desc_t swasm_module_desc;

__attribute__((weak)) const char *const swasm_wasi_grants[] = {NULL};

typedef struct grants {
  swasm_wasi_dir_t *dirs;
  const char **env;
  int ndirs, nenv, cap;
  char *copies[3];             /* strings the dirs and env point into */
} grants_t;

/* Every list is at most this long: the baked grants plus the separators of the variables. */
static int capacity(const char *dirs, const char *env) {
  int n = 1;
  for (const char *const *g = swasm_wasi_grants; *g; g++)
    n++;
  for (const char *p = dirs; p && *p; p++)
    n += *p == ';';
  for (const char *p = env; p && *p; p++)
    n += *p == ',';
  return n + 2;
}

static void add_dir(grants_t *g, char *spec) {
  if (*spec)
    swasm_wasi_dir_parse(spec, &g->dirs[g->ndirs++]);
}

static void add_list(grants_t *g, char *s, char sep, bool dirs) {
  for (char *p = s; p;) {
    char *next = strchr(p, sep);
    if (next)
      *next++ = 0;
    if (dirs)
      add_dir(g, p);
    else if (*p)
      g->env[g->nenv++] = p;
    p = next;
  }
}

static bool collect(grants_t *g) {
  const char *dirs = getenv("SWASM_WASI_DIRS"), *env = getenv("SWASM_WASI_ENV");
  bool locked = false;
  size_t baked = 0;
  for (const char *const *p = swasm_wasi_grants; *p; p++) {
    locked |= strcmp(*p, "lock") == 0;
    baked += strlen(*p) + 1;
  }
  g->cap = capacity(dirs, env);
  g->dirs = calloc((size_t)g->cap, sizeof *g->dirs);
  g->env = calloc((size_t)g->cap, sizeof *g->env);
  g->copies[0] = malloc(baked + 1);
  if (!g->dirs || !g->env || !g->copies[0])
    return false;
  char *q = g->copies[0];
  for (const char *const *p = swasm_wasi_grants; *p; p++) {
    size_t len = strlen(*p) + 1;
    memcpy(q, *p, len);
    if (strncmp(q, "dir:", 4) == 0)
      add_dir(g, q + 4);
    else if (strncmp(q, "env:", 4) == 0 && q[4])
      g->env[g->nenv++] = q + 4;
    q += len;
  }
  if (locked)
    return true;
  if (dirs && !(g->copies[1] = strdup(dirs)))
    return false;
  if (env && !(g->copies[2] = strdup(env)))
    return false;
  if (dirs)
    add_list(g, g->copies[1], ';', true);
  if (env)
    add_list(g, g->copies[2], ',', false);
  return true;
}

/* What the command holds when it ends. The process exits without freeing it: the kernel
 * takes the 8 GiB memory reservation and the rest back at once, and unmapping it first would
 * only add to the executable's run time. Static, so leak checkers see it as still reachable. */
static struct {
  grants_t grants;
  swasm_loaded_t *loaded;
  swasm_wasi_t *wasi;
  swasm_instance_t *inst;
} keep;

/* The exit status after an instantiation that failed: the guest's proc_exit in its start
 * function, a trap there, or a link error (the module imports what WASI does not have). */
static int failed_start(swasm_error_t *err) {
  if (err->trap == SWASM_TRAP_EXIT)
    return err->exit_code & 0xff;
  if (err->trap == SWASM_TRAP_NONE)
    return SWASM_WASI_STATUS_ERROR;
  char msg[sizeof err->message];
  snprintf(msg, sizeof msg, "trap: %.500s", err->message);
  memcpy(err->message, msg, sizeof msg);
  return SWASM_WASI_STATUS_TRAP;
}

static int run(int argc, char **argv, swasm_error_t *err) {
  if (!collect(&keep.grants)) {
    snprintf(err->message, sizeof err->message, "out of memory");
    return SWASM_WASI_STATUS_ERROR;
  }
  if (!swasm_rt_init(err) || !(keep.loaded = swasm_load_desc(&swasm_module_desc, err)))
    return SWASM_WASI_STATUS_ERROR;
  swasm_wasi_config_t cfg;
  swasm_wasi_config_init(&cfg);
  cfg.argc = argc;
  cfg.argv = (const char *const *)argv;
  cfg.ndirs = keep.grants.ndirs;
  cfg.dirs = keep.grants.dirs;
  cfg.nenv = keep.grants.nenv;
  cfg.env = keep.grants.env;
  if (!(keep.wasi = swasm_wasi_new(&cfg, err)))
    return SWASM_WASI_STATUS_ERROR;
  keep.inst = swasm_instantiate(keep.loaded, swasm_wasi_resolve_cb, keep.wasi, err);
  if (!keep.inst)
    return failed_start(err);
  swasm_wasi_bind_instance(keep.wasi, keep.inst);
  return swasm_wasi_run_command(keep.wasi, keep.inst, err);
}

int main(int argc, char **argv) {
  const char *prog = argc > 0 && argv[0] ? argv[0] : "swasm-exe";
  swasm_error_t err;
  memset(&err, 0, sizeof err);
  int status = run(argc, argv, &err);
  if (status != 0 && err.trap != SWASM_TRAP_EXIT)
    fprintf(stderr, "%s: %s\n", prog, err.message);
  return status;
}

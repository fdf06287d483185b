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

int main(int argc, char **argv) {
  const char *prog = argc > 0 && argv[0] ? argv[0] : "swasm-exe";
  swasm_error_t err;
  memset(&err, 0, sizeof err);
  grants_t g;
  memset(&g, 0, sizeof g);
  int status = SWASM_WASI_STATUS_ERROR;
  swasm_loaded_t *l = NULL;
  if (!collect(&g)) {
    snprintf(err.message, sizeof err.message, "out of memory");
  } else if (swasm_rt_init(&err) && (l = swasm_load_desc(&swasm_module_desc, &err))) {
    swasm_wasi_config_t cfg;
    swasm_wasi_config_init(&cfg);
    cfg.argc = argc;
    cfg.argv = (const char *const *)argv;
    cfg.ndirs = g.ndirs;
    cfg.dirs = g.dirs;
    cfg.nenv = g.nenv;
    cfg.env = g.env;
    status = swasm_wasi_main(l, &cfg, &err);
    swasm_unload(l);
  }
  if (status != 0 && err.trap != SWASM_TRAP_EXIT)
    fprintf(stderr, "%s: %s\n", prog, err.message);
  free(g.dirs);
  free(g.env);
  for (int i = 0; i < 3; i++)
    free(g.copies[i]);
  return status;
}

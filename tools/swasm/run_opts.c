/* run_opts.c - the options `swasm run` reads the same way for core modules and components. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_opts.h"

int run_usage_error(const char *msg, const char *arg) {
  fprintf(stderr, "swasm run: %s%s%s\nTry 'swasm run --help'.\n", msg, arg ? " " : "",
          arg ? arg : "");
  return RUN_EXIT_USAGE;
}

const char *run_option_value(int argc, char **argv, int *i, const char *name, int *rc) {
  const char *a = argv[*i];
  size_t len = strlen(name);
  if (strncmp(a, name, len) != 0 || (a[len] && a[len] != '=')) return NULL;
  if (a[len] == '=') return a + len + 1;
  if (*i + 1 >= argc) {
    *rc = run_usage_error("this option needs a value:", name);
    return NULL;
  }
  return argv[++*i];
}

int run_add_dir(swasm_wasi_dir_t *dirs, int *ndirs, const char *spec) {
  const char *sep = strstr(spec, "::");
  if (!*spec || sep == spec || (sep && !sep[2]))
    return run_usage_error("--dir takes HOST or HOST::GUEST, not", spec);
  char *copy = strdup(spec);
  if (!copy) return RUN_EXIT_USAGE;
  swasm_wasi_dir_parse(copy, &dirs[(*ndirs)++]);
  return 0;
}

int run_add_env(const char **env, int *nenv, const char *spec) {
  if (!*spec || *spec == '=') return run_usage_error("--env takes NAME=VALUE or NAME, not", spec);
  env[(*nenv)++] = spec;
  return 0;
}

int run_compile_option(const char *a, swasm_compile_opts_t *copts, swasm_features_t *features) {
  if (a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3]) {
    copts->opt_level = a[2] - '0';
  } else if (strncmp(a, "-mcpu=", 6) == 0) {
    copts->cpu = a + 6;
  } else if (strcmp(a, "--bounds-checks=guard") == 0) {
    copts->bounds = SWASM_BOUNDS_GUARD;
  } else if (strcmp(a, "--bounds-checks=explicit") == 0) {
    copts->bounds = SWASM_BOUNDS_EXPLICIT;
  } else if (strncmp(a, "--enable-", 9) == 0) {
    if (!swasm_features_enable(features, a + 9)) return run_usage_error("unknown feature in", a);
  } else {
    return 1;
  }
  return 0;
}

bool run_invoke_follows(int argc, char **argv, int i) {
  for (; i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0; i++) {
    const char *a = argv[i];
    if (strncmp(a, "--invoke", 8) == 0 && (!a[8] || a[8] == '=')) return true;
    if (strcmp(a, "--dir") == 0 || strcmp(a, "--env") == 0) i++;
  }
  return false;
}

/* run_opts.h - the options `swasm run` shares between core modules (cmd_run.c) and components
 * (run_component.c): grants, compile options, and where the options end. */
#ifndef SWASM_RUN_OPTS_H
#define SWASM_RUN_OPTS_H

#include <stdbool.h>

#include "swasm/compiler.h"
#include "swasm/runtime.h"

enum { RUN_EXIT_USAGE = 2 };

/* Prints "swasm run: MSG ARG" and the --help hint; returns the usage exit status. */
int run_usage_error(const char *msg, const char *arg);

/* The value of an option that takes one ("--dir X" or "--dir=X"), or NULL when argv[*i] is not
 * that option (or, with *rc set, when its value is missing). */
const char *run_option_value(int argc, char **argv, int *i, const char *name, int *rc);

/* Checks and records a --dir or --env grant in dirs/env (arrays with room for it). */
int run_add_dir(swasm_wasi_dir_t *dirs, int *ndirs, const char *spec);
int run_add_env(const char **env, int *nenv, const char *spec);

/* -O0..-O3, -mcpu=, --bounds-checks=, --enable-FEATURE: 0 when a was one of them, 1 when it is
 * none of them, or a usage exit status. */
int run_compile_option(const char *a, swasm_compile_opts_t *copts, swasm_features_t *features);

/* Whether the words from argv[i] on are options that include --invoke (FILE [OPTIONS] --invoke),
 * rather than the guest's arguments. */
bool run_invoke_follows(int argc, char **argv, int i);

#endif

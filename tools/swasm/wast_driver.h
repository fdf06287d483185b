/* wast_driver.h - the spec runner's driver, shared by 'swasm wast' and swasm-wast-exec: options,
 * the conversion of .wast files by wast2json, the child processes that run the commands (a
 * crash or hang costs one command, not the script), and the counts. */
#ifndef SWASM_WAST_DRIVER_H
#define SWASM_WAST_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wast_run.h"

#define WAST_MAX_FEATURES 16

typedef struct wast_cli {
  wast_opts_t opts;
  const char *features[WAST_MAX_FEATURES];   /* names; wast2json gets them as --enable-NAME */
  int nfeatures;
  bool fork;
  unsigned timeout;                 /* seconds one command may take; 0 = no limit */
  bool exec;                        /* swasm-wast-exec: files are JSON with mappings beside */
  const char *emulator;             /* --emulator: runs swasm-wast-exec for a foreign target */
  const char *exec_runner;          /* --exec-runner: the target's swasm-wast-exec */
} wast_cli_t;

typedef struct wast_counts {
  uint64_t passed, failed, skipped;
} wast_counts_t;

/* Runs the files for a target this process cannot run: prints what the native run prints per
 * file and adds to *total (the caller prints the totals). False when nothing could run: the
 * message is printed and the exit status is 2. */
typedef bool (*wast_cross_fn)(wast_cli_t *cli, char **files, int nfiles, wast_counts_t *total);

/* The whole command: parses argv (prog names the tool in messages), runs every file, prints
 * "N passed, N failed, N skipped" last. Returns the exit status. cross is NULL in
 * swasm-wast-exec, which has no compiler. */
int wast_main(int argc, char **argv, const char *prog, wast_cross_fn cross);

/* For wast_cross.c. */
bool wast_interrupted(void);
bool wast_make_tmpdir(char *buf, size_t size);
void wast_remove_tmpdir(const char *dir);
/* Converts file into dir with wast2json: the JSON's path goes to json. On failure the message
 * to print (several lines) goes to msg. */
bool wast_convert(const wast_cli_t *cli, const char *file, const char *dir, char *json,
                  size_t jsonsize, char *msg, size_t msgsize);
/* "NAME: N passed, N failed, N skipped" and its newline. */
void wast_print_counts(const char *name, const wast_counts_t *c);
/* True when the triple names the other architecture than this program's (NULL: the host). */
bool wast_foreign_target(const char *triple);
/* Waits for pid; a lost child reads as one that exited with status 127. */
int wast_wait_child(int pid);

#endif

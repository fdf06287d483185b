/* wast_run.h - runs the commands of one converted spec test script (wast2json output). */
#ifndef SWASM_WAST_RUN_H
#define SWASM_WAST_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "wast_json.h"

typedef struct wast_opts {
  int opt_level;            /* 0..3 */
  bool explicit_bounds;     /* --bounds-checks=explicit */
  const char *const *features;   /* enabled proposals by name, e.g. "tail-call" */
  int nfeatures;
  int verbose;              /* 1: failures and notes; 2: also skips and spectest prints */
  bool use_cache;           /* swasm_compile_cached; else compile and link into workdir */
  const char *workdir;      /* an existing private directory for uncached libraries */
  const char *triple;       /* the target to compile for; NULL = the host */
  struct wast_map *map;     /* swasm-wast-exec: the script's module mapping (wast_map.h) */
} wast_opts_t;

/* Every command ends as exactly one of these. */
typedef enum wast_result {
  WAST_PASS = 'P',
  WAST_FAIL = 'F',
  WAST_SKIP = 'S',
  WAST_REPLAYED = '.'       /* run again only to rebuild state after a crash: not counted */
} wast_result_t;

typedef void (*wast_report_cb)(void *env, wast_result_t result);

/* The commands array of a document, or NULL when it has none. */
const wast_json_t *wast_script_commands(const wast_json_t *root);

/* Runs the commands of the document in order and calls report once for each. Module files
 * are read from dir; script names the .wast file in messages (with -v, to stdout).
 * To go on after a command crashed the process, a new process replays the commands before
 * first quietly (reporting them as WAST_REPLAYED) and does not run the nskip commands listed
 * in skip at all (a skipped module command leaves a failed module as the current one). */
void wast_run_script(const wast_json_t *root, const char *dir, const char *script,
                     const wast_opts_t *opts, size_t first, const size_t *skip, size_t nskip,
                     wast_report_cb report, void *env);

#endif

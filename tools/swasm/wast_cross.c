/* wast_cross.c - spec scripts for the other architecture: each script is converted, its module
 * files decoded, validated and compiled here for the target, the outcomes written to a mapping
 * beside the JSON (wast_map.h), and the target's swasm-wast-exec runs the script under an
 * emulator. Counts and messages are the emulated runner's, which shares the command loop with
 * the native one. The next script compiles while the emulator runs the current one. */
#include "wast_cross.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "swasm_config.h"
#include "wast_compile.h"
#include "wast_json.h"
#include "wast_map.h"

extern char **environ;

#define MAX_EMULATOR_ARGS 32

/* One script on its way: prepared (converted and compiled), then run. */
typedef struct job {
  const char *file;
  char tmp[PATH_MAX], json[PATH_MAX], out[PATH_MAX + 16];
  char msg[8192];               /* why it could not be prepared, printed at its turn */
  bool have_tmp, ready;
  pid_t pid;                    /* the emulated runner, or -1 */
} job_t;

typedef struct cross {
  wast_cli_t *cli;
  char *emu_words;              /* the emulator command, split in place */
  char *runner;                 /* the path of swasm-wast-exec */
  char *argv[MAX_EMULATOR_ARGS + 16];
  int nfixed;                   /* emulator words, runner and options; then the JSON */
  char timeout_opt[32];
} cross_t;

/* ---- preparing: the module files' outcomes --------------------------------------------- */

/* Commands whose module is instantiated need a library; the rest are only decoded. */
static bool needs_library(const char *type, const wast_json_t *cmd) {
  if (strcmp(type, "module") == 0 || strcmp(type, "assert_unlinkable") == 0 ||
      strcmp(type, "assert_uninstantiable") == 0)
    return true;
  return strcmp(type, "assert_trap") == 0 && !wast_json_get(cmd, "action");
}

static bool map_module(const wast_cli_t *cli, const wast_json_t *cmd, const char *dir,
                       wast_map_t *map) {
  const char *file = wast_json_get_str(cmd, "filename");
  const char *mtype = wast_json_get_str(cmd, "module_type");
  const char *type = wast_json_get_str(cmd, "type");
  if (!file || !type || (mtype && strcmp(mtype, "binary") != 0)) return true;
  char path[PATH_MAX], msg[512], lib[PATH_MAX];
  if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path)
    return wast_map_add(map, file, WAST_IO, false, WAST_OK, "path too long");
  wast_wasm_t *w = NULL;
  msg[0] = '\0';
  wast_status_t st = wast_wasm_read(&cli->opts, path, &w, msg, sizeof msg);
  if (st != WAST_OK || !needs_library(type, cmd)) {
    wast_wasm_free(w);
    return wast_map_add(map, file, st, false, WAST_OK, msg);
  }
  msg[0] = '\0';
  wast_status_t cst = wast_wasm_compile(&cli->opts, w, (unsigned)map->n, lib, sizeof lib, msg,
                                        sizeof msg);
  wast_wasm_free(w);
  return wast_map_add(map, file, WAST_OK, true, cst, cst == WAST_OK ? lib : msg);
}

/* Converts the script and compiles its modules; the mapping goes beside the JSON. */
static void prepare(cross_t *x, job_t *j) {
  wast_cli_t *cli = x->cli;
  j->ready = false;
  j->pid = -1;
  j->msg[0] = '\0';
  if (!wast_make_tmpdir(j->tmp, sizeof j->tmp)) {
    snprintf(j->msg, sizeof j->msg, "%s: cannot create a temporary directory: %s\n", j->file,
             strerror(errno));
    return;
  }
  j->have_tmp = true;
  cli->opts.workdir = j->tmp;
  size_t n = strlen(j->file);
  if (n >= 5 && strcmp(j->file + n - 5, ".json") == 0) {
    /* The mapping goes beside the JSON, and this runner writes only in its own directory. */
    snprintf(j->msg, sizeof j->msg, "%s: only .wast files run for another target\n", j->file);
    return;
  }
  if (!wast_convert(cli, j->file, j->tmp, j->json, sizeof j->json, j->msg, sizeof j->msg))
    return;
  size_t size;
  char *text = (char *)wast_read_file(j->json, &size), err[256];
  wast_json_doc_t *doc = text ? wast_json_parse(text, size, err, sizeof err) : NULL;
  if (!text) snprintf(err, sizeof err, "%s", strerror(errno));
  free(text);
  const wast_json_t *cmds = doc ? wast_script_commands(wast_json_root(doc)) : NULL;
  if (!cmds) {
    char msg[sizeof j->msg];   /* GCC's -Wrestrict cannot tell j->msg from j->json */
    snprintf(msg, sizeof msg, "%s: cannot read %s: %s\n", j->file, j->json,
             doc ? "no commands" : err);
    memcpy(j->msg, msg, sizeof msg);
    wast_json_free(doc);
    return;
  }
  wast_map_t map;
  memset(&map, 0, sizeof map);
  map.script = strdup(j->file);
  bool ok = map.script != NULL;
  for (size_t i = 0; ok && i < wast_json_count(cmds) && !wast_interrupted(); i++)
    ok = map_module(cli, wast_json_at(cmds, i), j->tmp, &map);
  char mappath[PATH_MAX];
  if (!ok) {
    snprintf(j->msg, sizeof j->msg, "%s: out of memory\n", j->file);
  } else if (!wast_map_path(j->json, mappath, sizeof mappath) ||
             !wast_map_write(&map, mappath)) {
    snprintf(j->msg, sizeof j->msg, "%s: cannot write the module mapping: %s\n", j->file,
             strerror(errno));
  } else {
    j->ready = true;
  }
  wast_map_free(&map);
  wast_json_free(doc);
}

/* ---- running: the emulated runner ------------------------------------------------------ */

static void start(cross_t *x, job_t *j) {
  if (!j->ready) return;
  char out[sizeof j->out];   /* GCC's -Wrestrict cannot tell j->out from j->tmp */
  snprintf(out, sizeof out, "%s/runner.out", j->tmp);
  memcpy(j->out, out, sizeof out);
  x->argv[x->nfixed] = j->json;
  x->argv[x->nfixed + 1] = NULL;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, j->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  fflush(stdout);
  int rc = posix_spawnp(&j->pid, x->argv[0], &fa, NULL, x->argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    j->pid = -1;
    j->ready = false;
    snprintf(j->msg, sizeof j->msg, "%s: cannot run %s: %s\n", j->file, x->argv[0],
             strerror(rc));
  }
}

/* The runner's last line holds its totals, which are this script's counts. */
static bool parse_totals(const char *line, wast_counts_t *c) {
  unsigned long long p, f, s;
  int end = 0;
  if (sscanf(line, "%llu passed, %llu failed, %llu skipped%n", &p, &f, &s, &end) != 3 ||
      line[end] != '\0')
    return false;
  c->passed = p;
  c->failed = f;
  c->skipped = s;
  return true;
}

/* Prints the runner's output but its last line, which it returns (in the buffer). */
static char *echo_output(char *text, size_t len) {
  while (len && text[len - 1] == '\n') text[--len] = '\0';
  char *last = strrchr(text, '\n');
  if (!last) return text;
  fwrite(text, 1, (size_t)(last - text) + 1, stdout);
  return last + 1;
}

static void wait_runner(job_t *j, int *status) {
  *status = 0;
  for (;;) {
    pid_t r = waitpid(j->pid, status, 0);
    if (r == j->pid) break;
    if (r < 0 && errno != EINTR) { *status = 127 << 8; break; }
    if (wast_interrupted()) kill(j->pid, SIGTERM);
  }
  j->pid = -1;
}

/* Waits for the job's runner, prints its output and adds its counts. */
static void finish(job_t *j, wast_counts_t *total) {
  wast_counts_t c = {0};
  if (j->pid > 0) {
    int status;
    wait_runner(j, &status);
    if (wast_interrupted()) return;
    size_t len = 0;
    char *text = (char *)wast_read_file(j->out, &len);
    char *last = text ? echo_output(text, len) : NULL;
    bool counted = last && parse_totals(last, &c);
    bool normal = WIFEXITED(status) && WEXITSTATUS(status) <= 1;
    if (!counted || !normal) {
      if (last && *last && !counted) printf("%s\n", last);
      printf("%s: the runner under the emulator ", j->file);
      if (WIFSIGNALED(status)) printf("died of %s", strsignal(WTERMSIG(status)));
      else printf("exited with status %d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
      printf(counted ? "\n" : " without its counts\n");
      c.failed++;
      if (!counted) wast_print_counts(j->file, &c);
    }
    free(text);
  } else {
    fputs(j->msg, stdout);
    c.failed = 1;
    wast_print_counts(j->file, &c);
  }
  fflush(stdout);
  total->passed += c.passed;
  total->failed += c.failed;
  total->skipped += c.skipped;
}

static void cleanup(job_t *j) {
  if (j->pid > 0) {
    kill(j->pid, SIGTERM);
    wast_wait_child(j->pid);
    j->pid = -1;
  }
  if (j->have_tmp) wast_remove_tmpdir(j->tmp);
  j->have_tmp = false;
}

/* ---- the command --------------------------------------------------------------------- */

static bool is_aarch64(const char *triple) {
#if defined(__aarch64__)
  if (!triple) return true;
#endif
  return triple && (strncmp(triple, "aarch64", 7) == 0 || strncmp(triple, "arm64", 5) == 0);
}

/* --emulator, else $SWASM_EMULATOR, else qemu-user with Debian's cross sysroot (nothing for
 * the host's own architecture). */
static const char *emulator(const wast_cli_t *cli) {
  if (cli->emulator) return cli->emulator;
  const char *env = getenv("SWASM_EMULATOR");
  if (env) return env;
  if (!wast_foreign_target(cli->opts.triple)) return "";
  return is_aarch64(cli->opts.triple) ? "qemu-aarch64 -L /usr/aarch64-linux-gnu"
                                      : "qemu-x86_64 -L /usr/x86_64-linux-gnu";
}

/* --exec-runner, else $SWASM_WAST_EXEC, else the cross build tree beside the sources. */
static const char *exec_runner(const wast_cli_t *cli, char *buf, size_t size) {
  if (cli->exec_runner) return cli->exec_runner;
  const char *env = getenv("SWASM_WAST_EXEC");
  if (env && *env) return env;
  snprintf(buf, size, "%s/build-%s/tools/swasm/swasm-wast-exec", SWASM_SOURCE_ROOT,
           is_aarch64(cli->opts.triple) ? "aarch64" : "x86_64");
  return buf;
}

/* The fixed part of the runner's command line: emulator words, runner, options. */
static bool command_line(cross_t *x) {
  wast_cli_t *cli = x->cli;
  char runner[PATH_MAX];
  const char *path = exec_runner(cli, runner, sizeof runner);
  if (access(path, X_OK) != 0) {
    fprintf(stderr, "swasm wast: no swasm-wast-exec for %s at %s (%s): build it with "
            "testsuite/aarch64/run.sh --build-only, or give --exec-runner=PATH\n",
            cli->opts.triple ? cli->opts.triple : "the host", path, strerror(errno));
    return false;
  }
  x->emu_words = strdup(emulator(cli));
  if (!x->emu_words) return false;
  int n = 0;
  for (char *save = NULL, *w = strtok_r(x->emu_words, " \t", &save);
       w && n < MAX_EMULATOR_ARGS; w = strtok_r(NULL, " \t", &save))
    x->argv[n++] = w;
  x->runner = x->argv[n++] = strdup(path);
  if (!x->runner) return false;
  if (cli->opts.verbose) x->argv[n++] = cli->opts.verbose >= 2 ? "-vv" : "-v";
  if (cli->opts.explicit_bounds) x->argv[n++] = "--bounds-checks=explicit";
  if (!cli->fork) x->argv[n++] = "--no-fork";
  snprintf(x->timeout_opt, sizeof x->timeout_opt, "--timeout=%u", cli->timeout);
  x->argv[n++] = x->timeout_opt;
  x->argv[n++] = "--";
  x->nfixed = n;
  return true;
}

bool wast_cross_run(wast_cli_t *cli, char **files, int nfiles, wast_counts_t *total) {
  cross_t x;
  memset(&x, 0, sizeof x);
  x.cli = cli;
  bool ok = command_line(&x);
  job_t jobs[2];
  memset(jobs, 0, sizeof jobs);
  jobs[0].pid = jobs[1].pid = -1;
  job_t *prev = NULL;
  for (int i = 0; ok && i < nfiles && !wast_interrupted(); i++) {
    job_t *cur = &jobs[i % 2];
    cur->file = files[i];
    prepare(&x, cur);
    if (prev) {
      finish(prev, total);
      cleanup(prev);
    }
    if (wast_interrupted()) break;
    start(&x, cur);
    prev = cur;
  }
  if (ok && prev && !wast_interrupted()) finish(prev, total);
  cleanup(&jobs[0]);
  cleanup(&jobs[1]);
  free(x.emu_words);
  free(x.runner);
  return ok;
}

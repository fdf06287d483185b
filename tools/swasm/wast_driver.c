/* wast_driver.c - runs spec test scripts file by file: each .wast is converted by wast2json
 * into a private temporary directory (swasm-wast-exec gets the JSON and its module mapping
 * instead), then its commands run in a child process so that a command that crashes or hangs
 * is counted as failed and the run goes on. */
#include "wast_driver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wast_compile.h"
#include "wast_map.h"

extern char **environ;

/* Set by SIGINT, SIGTERM or SIGHUP: the run stops, cleans up its temporary directory and its
 * child, and then dies of the signal. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig) { interrupted = sig; }

bool wast_interrupted(void) { return interrupted != 0; }

static void catch_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;   /* no SA_RESTART: poll and waitpid return EINTR */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
}

static void default_signals(void) {
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
}

static void usage(FILE *f, bool exec) {
  if (exec) {
    fprintf(f,
            "usage: swasm-wast-exec [OPTIONS] FILE.json...\n\n"
            "Runs spec test scripts that 'swasm wast --target=TRIPLE' converted and compiled for\n"
            "this machine: each FILE.json has its module mapping in FILE.map. Prints one line\n"
            "per script and the totals last; exits 1 if any command failed.\n\n"
            "options:\n"
            "  -v, -vv               print failures (-vv: also skips and spectest output)\n"
            "  --bounds-checks=MODE  guard (default) or explicit: the spectest memory's kind\n"
            "  --no-fork             run scripts in this process (for debugging)\n"
            "  --timeout=SECONDS     a command that runs this long (default 60; 0 = no limit)\n"
            "                        fails, and the script goes on after it\n");
    return;
  }
  fprintf(f,
          "usage: swasm wast [OPTIONS] FILE.wast|FILE.json...\n\n"
          "Runs spec test scripts: converts each with wast2json, then compiles and runs its\n"
          "modules and checks its assertions. Prints one line per file and the totals last;\n"
          "exits 1 if any command failed.\n\n"
          "options:\n"
          "  -v, -vv               print failures (-vv: also skips and spectest output)\n"
          "  -O0 .. -O3            optimisation level (default -O2)\n"
          "  --bounds-checks=MODE  guard (default) or explicit\n"
          "  --enable-FEATURE      relaxed-simd, tail-call, extended-const, multi-memory,\n"
          "                        memory64, exceptions (also passed to wast2json)\n"
          "  --no-cache            compile every module afresh instead of using the cache\n"
          "  --no-fork             run scripts in this process (for debugging)\n"
          "  --timeout=SECONDS     a command that runs this long (default 60; 0 = no limit)\n"
          "                        fails, and the script goes on after it\n"
          "  --target=TRIPLE       compile for x86_64-linux-gnu or aarch64-linux-gnu (default:\n"
          "                        the host); for the other architecture the modules compile\n"
          "                        here and run in that architecture's swasm-wast-exec under\n"
          "                        an emulator (testsuite/aarch64/README.md)\n"
          "  --emulator=COMMAND    runs the target's programs (default for AArch64 on x86-64:\n"
          "                        'qemu-aarch64 -L /usr/aarch64-linux-gnu'; $SWASM_EMULATOR)\n"
          "  --exec-runner=PATH    the target's swasm-wast-exec (default: $SWASM_WAST_EXEC,\n"
          "                        else build-aarch64/tools/swasm/swasm-wast-exec in the source);\n"
          "                        given for the host, it splits the run the same way\n");
}

static bool is_help(const char *a) {
  return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0;
}

/* Only Linux on x86-64 and AArch64: anything else is a usage error, not a run that skips
 * every module. */
static bool triple_known(const char *t) {
  static const char *const archs[] = {"x86_64", "amd64", "aarch64", "arm64"};
  for (size_t i = 0; i < sizeof archs / sizeof archs[0]; i++) {
    size_t n = strlen(archs[i]);
    if (strncmp(t, archs[i], n) == 0 && (t[n] == '\0' || t[n] == '-')) return true;
  }
  return false;
}

static int option(wast_cli_t *c, const char *a, const char *prog) {
  if (strcmp(a, "-v") == 0) c->opts.verbose = 1;
  else if (strcmp(a, "-vv") == 0) c->opts.verbose = 2;
  else if (a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3]) c->opts.opt_level = a[2] - '0';
  else if (strcmp(a, "--bounds-checks=guard") == 0) c->opts.explicit_bounds = false;
  else if (strcmp(a, "--bounds-checks=explicit") == 0) c->opts.explicit_bounds = true;
  else if (strcmp(a, "--no-cache") == 0) c->opts.use_cache = false;
  else if (strcmp(a, "--no-fork") == 0) c->fork = false;
  else if (strncmp(a, "--timeout=", 10) == 0) {
    char *end;
    unsigned long t = strtoul(a + 10, &end, 10);
    if (*end || end == a + 10 || t > 86400) { fprintf(stderr, "%s: bad %s\n", prog, a); return 2; }
    c->timeout = (unsigned)t;
  } else if (!c->exec && strncmp(a, "--target=", 9) == 0) {
    if (!triple_known(a + 9)) {
      fprintf(stderr, "%s: unsupported target '%s' (x86_64-linux-gnu or aarch64-linux-gnu)\n",
              prog, a + 9);
      return 2;
    }
    c->opts.triple = a + 9;
  } else if (!c->exec && strncmp(a, "--emulator=", 11) == 0) {
    c->emulator = a + 11;
  } else if (!c->exec && strncmp(a, "--exec-runner=", 14) == 0) {
    c->exec_runner = a + 14;
  } else if (strncmp(a, "--enable-", 9) == 0) {
    if (!wast_feature_known(a + 9) || c->nfeatures == WAST_MAX_FEATURES) {
      fprintf(stderr, "%s: unknown feature in %s\n", prog, a);
      return 2;
    }
    c->features[c->nfeatures++] = a + 9;
    c->opts.nfeatures = c->nfeatures;
  } else {
    fprintf(stderr, "%s: unknown option %s\n", prog, a);
    usage(stderr, c->exec);
    return 2;
  }
  return 0;
}

/* Options and files may mix; the files are gathered at the front of argv, *nfiles of them. */
static int parse_args(int argc, char **argv, wast_cli_t *c, int *nfiles, const char *prog) {
  bool exec = c->exec;
  memset(c, 0, sizeof *c);
  c->exec = exec;
  c->opts.opt_level = 2;
  c->opts.features = c->features;
  c->opts.use_cache = true;
  c->fork = true;
  c->timeout = 60;
  int n = 0;
  bool only_files = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (only_files || a[0] != '-' || a[1] == '\0') { argv[n++] = argv[i]; continue; }
    if (is_help(a)) { usage(stdout, exec); exit(0); }
    if (strcmp(a, "--") == 0) { only_files = true; continue; }
    int rc = option(c, a, prog);
    if (rc) return rc;
  }
  if (n == 0) { usage(stderr, exec); return 2; }
  *nfiles = n;
  return 0;
}

/* ---- temporary directory and wast2json ---------------------------------------------------- */

bool wast_make_tmpdir(char *buf, size_t size) {
  const char *t = getenv("TMPDIR");
  if (!t || !*t) t = "/tmp";
  int n = snprintf(buf, size, "%s/swasm-wast-XXXXXX", t);
  return n > 0 && (size_t)n < size && mkdtemp(buf) != NULL;
}

/* wast2json writes flat: every file lives directly in the directory. */
void wast_remove_tmpdir(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    char path[PATH_MAX];
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path) unlink(path);
    }
    closedir(d);
  }
  rmdir(dir);
}

int wast_wait_child(int pid) {
  int status;
  pid_t r;
  while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {}
  return r == pid ? status : 127 << 8;
}

/* Appends the first lines of wast2json's error output to msg. */
static void append_errors(const char *path, char *msg, size_t size) {
  FILE *f = fopen(path, "r");
  if (!f) return;
  char line[512];
  size_t pos = strlen(msg);
  for (int i = 0; i < 10 && pos < size && fgets(line, sizeof line, f); i++)
    pos += (size_t)snprintf(msg + pos, size - pos, "  %s", line);
  fclose(f);
}

bool wast_convert(const wast_cli_t *c, const char *file, const char *dir, char *json,
                  size_t jsonsize, char *msg, size_t msgsize) {
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  size_t len = strlen(base);
  if (len >= 5 && strcmp(base + len - 5, ".wast") == 0) len -= 5;
  if (len > 200) len = 200;
  char errpath[PATH_MAX];
  if (snprintf(json, jsonsize, "%s/%.*s.json", dir, (int)len, base) >= (int)jsonsize ||
      snprintf(errpath, sizeof errpath, "%s/wast2json.stderr", dir) >= (int)sizeof errpath) {
    snprintf(msg, msgsize, "%s: temporary directory name too long\n", file);
    return false;
  }
  const char *argv[WAST_MAX_FEATURES + 5];
  char flags[WAST_MAX_FEATURES][64];
  int n = 0;
  argv[n++] = "wast2json";
  for (int i = 0; i < c->nfeatures; i++) {
    snprintf(flags[i], sizeof flags[i], "--enable-%s", c->features[i]);
    argv[n++] = flags[i];
  }
  argv[n++] = file;
  argv[n++] = "-o";
  argv[n++] = json;
  argv[n] = NULL;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid;
  int rc = posix_spawnp(&pid, "wast2json", &fa, NULL, (char *const *)argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    snprintf(msg, msgsize, "%s: cannot run wast2json: %s\n", file, strerror(rc));
    return false;
  }
  int status = wast_wait_child(pid);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  snprintf(msg, msgsize, "%s: wast2json failed:\n", file);
  append_errors(errpath, msg, msgsize);
  return false;
}

/* ---- running one converted script --------------------------------------------------------- */

static void count(wast_counts_t *c, wast_result_t r) {
  if (r == WAST_PASS) c->passed++;
  else if (r == WAST_SKIP) c->skipped++;
  else if (r == WAST_FAIL) c->failed++;
}

static void count_cb(void *env, wast_result_t r) { count(env, r); }

static void pipe_cb(void *env, wast_result_t r) {
  char b = (char)r;
  int fd = *(int *)env;
  while (write(fd, &b, 1) < 0 && errno == EINTR) {}
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Collects a child's results from fd until it closes it (true) or sends nothing for timeout
 * seconds (false). Replayed commands count as progress but not as results. */
static bool collect(int fd, wast_counts_t *c, size_t *received, unsigned timeout) {
  double deadline = now() + timeout;
  char buf[4096];
  for (;;) {
    int wait_ms = -1;
    if (timeout) {
      double left = deadline - now();
      if (left <= 0) return false;
      wait_ms = (int)(left * 1000) + 1;
    }
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, wait_ms);
    if (interrupted) return false;
    if (r <= 0) continue;   /* EINTR or the deadline: checked above */
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    for (ssize_t i = 0; i < n; i++) {
      if (buf[i] == WAST_REPLAYED) continue;
      count(c, (wast_result_t)buf[i]);
      (*received)++;
    }
    deadline = now() + timeout;
  }
}

#define MAX_RESTARTS 16

/* One child process: runs the script from command first (replaying those before it) and
 * reports through a pipe. Returns how it ended; *received counts the results it sent. */
static bool run_child(const wast_cli_t *cli, const wast_json_t *root, const char *dir,
                      const char *file, size_t first, const size_t *skip, size_t nskip,
                      wast_counts_t *c, size_t *received, int *status) {
  int fds[2];
  fflush(stdout);
  pid_t pid = -1;
  /* close-on-exec: linkers the child starts must not hold the pipe open */
  if (pipe2(fds, O_CLOEXEC) == 0 && (pid = fork()) == 0) {
    default_signals();
    close(fds[0]);
    wast_run_script(root, dir, file, &cli->opts, first, skip, nskip, pipe_cb, &fds[1]);
    fflush(stdout);
    _exit(0);
  }
  if (pid < 0) {
    printf("%s: cannot start a process: %s\n", file, strerror(errno));
    *status = -1;
    return true;
  }
  close(fds[1]);
  bool finished = collect(fds[0], c, received, cli->timeout);
  if (!finished) kill(pid, SIGKILL);
  close(fds[0]);
  *status = wast_wait_child(pid);
  return finished;
}

/* Runs a script in child processes. A command that crashes or hangs its process counts as
 * failed, and a new process replays the commands before it and goes on after it. */
static void run_forked(const wast_cli_t *cli, const wast_json_t *root, const char *dir,
                       const char *file, wast_counts_t *c) {
  const wast_json_t *cmds = wast_script_commands(root);
  size_t total = wast_json_count(cmds), done = 0, skip[MAX_RESTARTS], nskip = 0;
  while (done < total) {
    size_t received = 0;
    int status = 0;
    bool finished = run_child(cli, root, dir, file, done, skip, nskip, c, &received, &status);
    done += received;
    if (status == -1 || interrupted) break;
    if (finished && WIFEXITED(status) && WEXITSTATUS(status) == 0 && done >= total) return;
    if (done >= total) {
      printf("%s: the runner ended badly after its last command\n", file);
      return;
    }
    const wast_json_t *cmd = wast_json_at(cmds, done);
    int64_t line = 0;
    wast_json_get_int(cmd, "line", &line);
    const char *type = wast_json_get_str(cmd, "type");
    printf("%s:%lld: %s: FAIL: ", file, (long long)line, type ? type : "?");
    if (!finished) printf("no progress for %u s: killed\n", cli->timeout);
    else if (WIFSIGNALED(status)) printf("crashed (%s)\n", strsignal(WTERMSIG(status)));
    else printf("the runner exited with status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    c->failed++;
    if (nskip == MAX_RESTARTS) break;
    skip[nskip++] = done++;
  }
  if (interrupted) return;
  if (total > done) {
    printf("%s: too many crashes: %zu commands not run, counted as failed\n", file, total - done);
    c->failed += total - done;
  }
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Parses and runs a converted script; name is what messages call it. */
static void run_json(wast_cli_t *cli, const char *json, const char *dir, const char *name,
                     wast_counts_t *c) {
  size_t size;
  char *text = (char *)wast_read_file(json, &size);
  char err[256];
  wast_json_doc_t *doc = text ? wast_json_parse(text, size, err, sizeof err) : NULL;
  if (!text) snprintf(err, sizeof err, "%s", strerror(errno));
  free(text);
  if (!doc || !wast_script_commands(wast_json_root(doc))) {
    printf("%s: cannot read %s: %s\n", name, json, doc ? "no commands" : err);
    c->failed++;
  } else if (cli->fork) {
    run_forked(cli, wast_json_root(doc), dir, name, c);
  } else {
    wast_run_script(wast_json_root(doc), dir, name, &cli->opts, 0, NULL, 0, count_cb, c);
  }
  wast_json_free(doc);
}

static void dir_of(const char *file, char *dir, size_t size) {
  snprintf(dir, size, "%s", file);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  else snprintf(dir, size, ".");
}

/* Converts (unless given JSON), parses and runs one file. */
static void run_file(wast_cli_t *cli, const char *file, wast_counts_t *c) {
  char tmp[PATH_MAX], json[PATH_MAX], dir[PATH_MAX], msg[8192];
  if (!wast_make_tmpdir(tmp, sizeof tmp)) {
    printf("%s: cannot create a temporary directory: %s\n", file, strerror(errno));
    c->failed++;
    return;
  }
  cli->opts.workdir = tmp;
  if (ends_with(file, ".json")) {
    snprintf(json, sizeof json, "%s", file);
    dir_of(file, dir, sizeof dir);
  } else if (wast_convert(cli, file, tmp, json, sizeof json, msg, sizeof msg)) {
    snprintf(dir, sizeof dir, "%s", tmp);
  } else {
    fputs(msg, stdout);
    c->failed++;
    wast_remove_tmpdir(tmp);
    return;
  }
  run_json(cli, json, dir, file, c);
  wast_remove_tmpdir(tmp);
}

/* swasm-wast-exec: a JSON file and its mapping; the counts line is the .wast file's. */
static const char *exec_file(wast_cli_t *cli, const char *json, wast_counts_t *c) {
  static char name[PATH_MAX];
  char mappath[PATH_MAX], dir[PATH_MAX], err[512];
  wast_map_t map;
  snprintf(name, sizeof name, "%s", json);
  if (!wast_map_path(json, mappath, sizeof mappath) ||
      !wast_map_read(mappath, &map, err, sizeof err)) {
    printf("%s: no module mapping: %s\n", json, err);
    c->failed++;
    return name;
  }
  if (map.script && *map.script) snprintf(name, sizeof name, "%s", map.script);
  dir_of(json, dir, sizeof dir);
  cli->opts.map = &map;
  run_json(cli, json, dir, name, c);
  cli->opts.map = NULL;
  wast_map_free(&map);
  return name;
}

void wast_print_counts(const char *name, const wast_counts_t *c) {
  printf("%s: %llu passed, %llu failed, %llu skipped\n", name, (unsigned long long)c->passed,
         (unsigned long long)c->failed, (unsigned long long)c->skipped);
  fflush(stdout);
}

static void add(wast_counts_t *total, const wast_counts_t *c) {
  total->passed += c->passed;
  total->failed += c->failed;
  total->skipped += c->skipped;
}

bool wast_foreign_target(const char *triple) {
  if (!triple) return false;
#if defined(__x86_64__)
  return strncmp(triple, "x86_64", 6) != 0 && strncmp(triple, "amd64", 5) != 0;
#elif defined(__aarch64__)
  return strncmp(triple, "aarch64", 7) != 0 && strncmp(triple, "arm64", 5) != 0;
#else
  return true;
#endif
}

int wast_main(int argc, char **argv, const char *prog, wast_cross_fn cross) {
  wast_cli_t cli;
  cli.exec = cross == NULL;
  int nfiles;
  int rc = parse_args(argc, argv, &cli, &nfiles, prog);
  if (rc) return rc;
  wast_counts_t total = {0};
  catch_signals();
  /* --exec-runner splits the run even for the host's own architecture: a check of the
   * split itself, natively and under sanitizers. */
  if (!cli.exec && (wast_foreign_target(cli.opts.triple) || cli.exec_runner)) {
    if (!cross(&cli, argv, nfiles, &total)) return 2;
  } else {
    for (int i = 0; i < nfiles && !interrupted; i++) {
      wast_counts_t c = {0};
      const char *name = argv[i];
      if (cli.exec) name = exec_file(&cli, argv[i], &c);
      else run_file(&cli, argv[i], &c);
      if (interrupted) break;
      wast_print_counts(name, &c);
      add(&total, &c);
    }
  }
  if (interrupted) {
    fflush(stdout);
    default_signals();
    raise(interrupted);
    return 2;
  }
  printf("%llu passed, %llu failed, %llu skipped\n", (unsigned long long)total.passed,
         (unsigned long long)total.failed, (unsigned long long)total.skipped);
  return total.failed ? 1 : 0;
}

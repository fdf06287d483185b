/* cmd_wast.c - 'swasm wast': runs WebAssembly spec test scripts. Each .wast is converted by
 * wast2json into a private temporary directory, then its commands run in a child process so
 * that a command that crashes or hangs is counted as failed and the run goes on. */
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

#include "cmds.h"
#include "swasm/compiler.h"
#include "wast_run.h"

extern char **environ;

#define MAX_FEATURES 16

/* Set by SIGINT, SIGTERM or SIGHUP: the run stops, cleans up its temporary directory and its
 * child, and then dies of the signal. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig) { interrupted = sig; }

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

typedef struct cli {
  wast_opts_t opts;
  const char *features[MAX_FEATURES];   /* names; wast2json gets them as --enable-NAME */
  int nfeatures;
  bool fork;
  unsigned timeout;                     /* seconds one command may take; 0 = no limit */
} cli_t;

typedef struct counts {
  uint64_t passed, failed, skipped;
} counts_t;

static void usage(FILE *f) {
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
          "                        fails, and the script goes on after it\n");
}

/* Options and files may mix; the files are gathered at the front of argv, *nfiles of them. */
static int parse_args(int argc, char **argv, cli_t *c, int *nfiles) {
  memset(c, 0, sizeof *c);
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
    if (tool_is_help(a)) { usage(stdout); exit(0); }
    if (strcmp(a, "--") == 0) only_files = true;
    else if (strcmp(a, "-v") == 0) c->opts.verbose = 1;
    else if (strcmp(a, "-vv") == 0) c->opts.verbose = 2;
    else if (a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3]) c->opts.opt_level = a[2] - '0';
    else if (strcmp(a, "--bounds-checks=guard") == 0) c->opts.explicit_bounds = false;
    else if (strcmp(a, "--bounds-checks=explicit") == 0) c->opts.explicit_bounds = true;
    else if (strcmp(a, "--no-cache") == 0) c->opts.use_cache = false;
    else if (strcmp(a, "--no-fork") == 0) c->fork = false;
    else if (strncmp(a, "--timeout=", 10) == 0) {
      char *end;
      unsigned long t = strtoul(a + 10, &end, 10);
      if (*end || end == a + 10 || t > 86400) { fprintf(stderr, "swasm wast: bad %s\n", a); return 2; }
      c->timeout = (unsigned)t;
    } else if (strncmp(a, "--enable-", 9) == 0) {
      swasm_features_t f = {0};
      if (!swasm_features_enable(&f, a + 9) || c->nfeatures == MAX_FEATURES) {
        fprintf(stderr, "swasm wast: unknown feature in %s\n", a);
        return 2;
      }
      c->features[c->nfeatures++] = a + 9;
      c->opts.nfeatures = c->nfeatures;
    } else {
      fprintf(stderr, "swasm wast: unknown option %s\n", a);
      usage(stderr);
      return 2;
    }
  }
  if (n == 0) { usage(stderr); return 2; }
  *nfiles = n;
  return 0;
}

/* ---- temporary directory and wast2json ---------------------------------------------------- */

static bool make_tmpdir(char *buf, size_t size) {
  const char *t = getenv("TMPDIR");
  if (!t || !*t) t = "/tmp";
  int n = snprintf(buf, size, "%s/swasm-wast-XXXXXX", t);
  return n > 0 && (size_t)n < size && mkdtemp(buf) != NULL;
}

/* wast2json writes flat: every file lives directly in the directory. */
static void remove_tmpdir(const char *dir) {
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

/* Waits for pid; a lost child reads as one that exited with status 127. */
static int wait_child(pid_t pid) {
  int status;
  pid_t r;
  while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {}
  return r == pid ? status : 127 << 8;
}

/* Prints the first lines of wast2json's error output. */
static void show_errors(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return;
  char line[512];
  for (int i = 0; i < 10 && fgets(line, sizeof line, f); i++) printf("  %s", line);
  fclose(f);
}

static bool run_wast2json(const cli_t *c, const char *file, const char *json, const char *dir) {
  const char *argv[MAX_FEATURES + 5];
  char flags[MAX_FEATURES][64];
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
  char errpath[PATH_MAX];
  if (snprintf(errpath, sizeof errpath, "%s/wast2json.stderr", dir) >= (int)sizeof errpath) {
    printf("%s: temporary directory name too long\n", file);
    return false;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid;
  int rc = posix_spawnp(&pid, "wast2json", &fa, NULL, (char *const *)argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    printf("%s: cannot run wast2json: %s\n", file, strerror(rc));
    return false;
  }
  int status = wait_child(pid);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  printf("%s: wast2json failed:\n", file);
  show_errors(errpath);
  return false;
}

/* ---- running one converted script --------------------------------------------------------- */

static void count(counts_t *c, wast_result_t r) {
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
static bool collect(int fd, counts_t *c, size_t *received, unsigned timeout) {
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
static bool run_child(const cli_t *cli, const wast_json_t *root, const char *dir,
                      const char *file, size_t first, const size_t *skip, size_t nskip,
                      counts_t *c, size_t *received, int *status) {
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
  *status = wait_child(pid);
  return finished;
}

/* Runs a script in child processes. A command that crashes or hangs its process counts as
 * failed, and a new process replays the commands before it and goes on after it. */
static void run_forked(const cli_t *cli, const wast_json_t *root, const char *dir,
                       const char *file, counts_t *c) {
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

/* Converts (unless given JSON), parses and runs one file. */
static void run_file(cli_t *cli, const char *file, counts_t *c) {
  char tmp[PATH_MAX], json[PATH_MAX], dir[PATH_MAX];
  if (!make_tmpdir(tmp, sizeof tmp)) {
    printf("%s: cannot create a temporary directory: %s\n", file, strerror(errno));
    c->failed++;
    return;
  }
  cli->opts.workdir = tmp;
  if (ends_with(file, ".json")) {
    snprintf(json, sizeof json, "%s", file);
    snprintf(dir, sizeof dir, "%s", file);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    else snprintf(dir, sizeof dir, ".");
  } else {
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    if (ends_with(base, ".wast")) n -= 5;
    if (n > 200) n = 200;
    snprintf(dir, sizeof dir, "%s", tmp);
    if (snprintf(json, sizeof json, "%s/%.*s.json", tmp, (int)n, base) >= (int)sizeof json ||
        !run_wast2json(cli, file, json, tmp)) {
      c->failed++;
      remove_tmpdir(tmp);
      return;
    }
  }
  size_t size;
  char *text = (char *)tool_read_file(json, &size);
  char err[256];
  wast_json_doc_t *doc = text ? wast_json_parse(text, size, err, sizeof err) : NULL;
  if (!text) snprintf(err, sizeof err, "%s", strerror(errno));
  free(text);
  if (!doc || !wast_script_commands(wast_json_root(doc))) {
    printf("%s: cannot read %s: %s\n", file, json, doc ? "no commands" : err);
    c->failed++;
  } else if (cli->fork) {
    run_forked(cli, wast_json_root(doc), dir, file, c);
  } else {
    wast_run_script(wast_json_root(doc), dir, file, &cli->opts, 0, NULL, 0, count_cb, c);
  }
  wast_json_free(doc);
  remove_tmpdir(tmp);
}

int cmd_wast(int argc, char **argv) {
  cli_t cli;
  int nfiles;
  int rc = parse_args(argc, argv, &cli, &nfiles);
  if (rc) return rc;
  counts_t total = {0};
  catch_signals();
  for (int i = 0; i < nfiles; i++) {
    counts_t c = {0};
    run_file(&cli, argv[i], &c);
    if (interrupted) {
      fflush(stdout);
      default_signals();
      raise(interrupted);
      return 2;
    }
    printf("%s: %llu passed, %llu failed, %llu skipped\n", argv[i], (unsigned long long)c.passed,
           (unsigned long long)c.failed, (unsigned long long)c.skipped);
    fflush(stdout);
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
  }
  printf("%llu passed, %llu failed, %llu skipped\n", (unsigned long long)total.passed,
         (unsigned long long)total.failed, (unsigned long long)total.skipped);
  return total.failed ? 1 : 0;
}

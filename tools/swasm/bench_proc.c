/* bench_proc.c - running one command for 'swasm bench': fork/exec with redirected output, a
 * CPU-time limit, and the child's CPU time and peak memory from wait4(). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

int bench_fmt(char *buf, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  return r;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double tv_seconds(struct timeval tv) {
  return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

static void redirect(const char *path, int fd, int flags) {
  int f = open(path ? path : "/dev/null", flags, 0666);
  if (f < 0) _exit(126);
  if (f != fd) {
    dup2(f, fd);
    close(f);
  }
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void child(char *const argv[], const char *out, const char *err, double timeout) {
  redirect(NULL, 0, O_RDONLY);
  redirect(out, 1, O_WRONLY | O_CREAT | O_TRUNC);
  redirect(err, 2, O_WRONLY | O_CREAT | O_TRUNC);
  if (timeout > 0) {
    /* A CPU limit, not a wall clock: the kernel sends SIGXCPU, then SIGKILL a second later. */
    struct rlimit rl;
    rl.rlim_cur = (rlim_t)timeout + 1;
    rl.rlim_max = rl.rlim_cur + 1;
    setrlimit(RLIMIT_CPU, &rl);
  }
  execvp(argv[0], argv);
  _exit(127);
}

int bench_spawn(char *const argv[], const char *out_path, const char *err_path, double timeout,
                bench_run_t *r) {
  memset(r, 0, sizeof *r);
  fflush(NULL);
  double t0 = now();
  pid_t pid = fork();
  if (pid < 0) {
    r->status = -1;
    return -1;
  }
  if (pid == 0) child(argv, out_path, err_path, timeout);
  int st = 0;
  struct rusage ru;
  pid_t w;
  do {
    w = wait4(pid, &st, 0, &ru);
  } while (w < 0 && errno == EINTR);
  r->wall = now() - t0;
  if (w < 0) {
    r->status = -1;
    return -1;
  }
  r->cpu = tv_seconds(ru.ru_utime) + tv_seconds(ru.ru_stime);
  r->maxrss_kb = ru.ru_maxrss;
  if (WIFEXITED(st)) {
    r->status = WEXITSTATUS(st);
    if (r->status == 127) return -1;   /* exec failed: the tool is not there */
  } else if (WIFSIGNALED(st)) {
    r->signal = WTERMSIG(st);
    r->status = 128 + r->signal;
    r->timed_out = WTERMSIG(st) == SIGXCPU || (WTERMSIG(st) == SIGKILL && r->cpu >= timeout);
  }
  return 0;
}

void bench_first_line(const char *path, char *buf, size_t n) {
  buf[0] = '\0';
  FILE *f = path ? fopen(path, "r") : NULL;
  if (!f) return;
  /* The first line that names an error or a trap (Node prints a source location first), else
   * the first non-empty one; compilers often start with an "In file included" line. */
  char line[1024];
  bool have_first = false;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = '\0';
    if (line[0] == '\0' || strncmp(line, "In file included", 16) == 0) continue;
    if (strstr(line, "rror") || strstr(line, "trap")) {
      bench_fmt(buf, n, "%s", line);
      break;
    }
    if (!have_first) bench_fmt(buf, n, "%s", line);
    have_first = true;
  }
  fclose(f);
}

bool bench_read_checksum(const char *path, char *buf, size_t n) {
  FILE *f = fopen(path, "r");
  if (!f) return false;
  char line[512];
  bool found = false;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "checksum: ", 10) != 0) continue;
    char *v = line + 10;
    v[strcspn(v, " \r\n")] = '\0';
    if (*v == '\0') continue;
    bench_fmt(buf, n, "%s", v);
    found = true;
  }
  fclose(f);
  return found;
}

void bench_command_line(char *const argv[], const char *scratch, char *buf, size_t n) {
  bench_run_t r;
  buf[0] = '\0';
  if (bench_spawn(argv, scratch, scratch, 30, &r) != 0 || r.status != 0) return;
  bench_first_line(scratch, buf, n);
}

void bench_loadavg(char *buf, size_t n) {
  buf[0] = '\0';
  FILE *f = fopen("/proc/loadavg", "r");
  if (!f) return;
  double a, b, c;
  if (fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3) bench_fmt(buf, n, "%.2f %.2f %.2f", a, b, c);
  fclose(f);
}

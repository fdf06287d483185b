/* timer.c - times how long programs take to start and finish: runs each command N times,
 * interleaved so that every command sees the same machine load, and prints the median and
 * mean wall time (spawn to exit) and CPU time (user + system of the child) of each. */
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

#define WARMUP 5

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* One run with stdout to /dev/null; false if it could not start or did not exit 0. */
static bool run_once(char *path, const posix_spawn_file_actions_t *fa, double *wall,
                     double *cpu) {
  char *argv[] = {path, NULL};
  pid_t pid;
  double t0 = now_us();
  if (posix_spawn(&pid, path, fa, NULL, argv, environ) != 0) return false;
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) != pid) return false;
  *wall = now_us() - t0;
  *cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
         (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void summary(const char *name, double *v, int n, const char *what) {
  double sum = 0;
  for (int i = 0; i < n; i++) sum += v[i];
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  printf("%s %s median %.1f us mean %.1f us\n", name, what, v[n / 2], sum / n);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: timer RUNS PROGRAM...\n");
    return 2;
  }
  int runs = atoi(argv[1]), k = argc - 2;
  if (runs < 1) return 2;
  double *wall = calloc((size_t)runs * (size_t)k, sizeof *wall);
  double *cpu = calloc((size_t)runs * (size_t)k, sizeof *cpu);
  if (!wall || !cpu) return 2;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  for (int r = -WARMUP; r < runs; r++)
    for (int j = 0; j < k; j++) {
      double w, c;
      if (!run_once(argv[2 + j], &fa, &w, &c)) {
        fprintf(stderr, "timer: %s failed\n", argv[2 + j]);
        return 1;
      }
      if (r >= 0) {
        wall[j * runs + r] = w;
        cpu[j * runs + r] = c;
      }
    }
  for (int j = 0; j < k; j++) {
    summary(argv[2 + j], wall + j * runs, runs, "wall");
    summary(argv[2 + j], cpu + j * runs, runs, "cpu");
  }
  posix_spawn_file_actions_destroy(&fa);
  free(wall);
  free(cpu);
  return 0;
}

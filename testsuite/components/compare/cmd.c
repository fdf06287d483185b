/* cmd.c - a WASI command whose whole observable behaviour (stdout, stderr, files written, exit
 * status) is compared between `jco run` and `swasm run` by run.sh: it prints its arguments and
 * environment, copies stdin, reads, writes, appends, renames, seeks, truncates and lists files
 * in (and tries to leave) the directory named by its first argument, checks clocks and
 * randomness, and exits with the code given as its second argument. (Not isatty: jco's
 * preview2-shim reports a terminal for stdout even when it is a file.) */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints every variable, sorted, since hosts may keep them in any order. */
static void print_env(void) {
  size_t n = 0;
  while (environ && environ[n]) n++;
  char **v = malloc((n + 1) * sizeof *v);
  if (!v) return;
  for (size_t i = 0; i < n; i++) v[i] = environ[i];
  qsort(v, n, sizeof *v, cmp_str);
  printf("env count %zu\n", n);
  for (size_t i = 0; i < n; i++) printf("env %s\n", v[i]);
  const char *g = getenv("GREETING");
  printf("getenv GREETING=%s\n", g ? g : "(unset)");
  g = getenv("NOT_SET_ANYWHERE");
  printf("getenv NOT_SET_ANYWHERE=%s\n", g ? g : "(unset)");
  free(v);
}

/* Reads a whole file, printing its size and a checksum and the first line. */
static void print_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    printf("open %s: errno %s\n", path, errno == ENOENT ? "ENOENT" : "other");
    return;
  }
  unsigned long sum = 0, size = 0;
  char first[128] = {0};
  size_t fl = 0;
  int c, line_done = 0;
  while ((c = fgetc(f)) != EOF) {
    sum = sum * 31 + (unsigned char)c;
    size++;
    if (c == '\n') line_done = 1;
    if (!line_done && fl + 1 < sizeof first) first[fl++] = (char)c;
  }
  fclose(f);
  printf("file %s: %lu bytes, sum %lu, first line \"%s\"\n", path, size, sum & 0xffffffffUL,
         first);
}

static void write_files(const char *dir) {
  char path[512], path2[512];
  snprintf(path, sizeof path, "%s/out.txt", dir);
  FILE *f = fopen(path, "w");
  if (!f) {
    printf("create %s failed\n", path);
    return;
  }
  for (int i = 0; i < 1000; i++) fprintf(f, "line %d: h\xc3\xa9llo \xf0\x9f\x98\x80\n", i);
  fclose(f);
  f = fopen(path, "a");
  if (f) {
    fputs("appended\n", f);
    fclose(f);
  }
  print_file(path);
  snprintf(path2, sizeof path2, "%s/renamed.txt", dir);
  printf("rename: %d\n", rename(path, path2));
  print_file(path);
  print_file(path2);
  snprintf(path, sizeof path, "%s/sub", dir);
  printf("mkdir: %d\n", mkdir(path, 0755));
  snprintf(path, sizeof path, "%s/sub/deep.txt", dir);
  f = fopen(path, "w");
  if (f) {
    fputs("deep\n", f);
    fclose(f);
  }
  struct stat st;
  printf("stat sub/deep.txt: %d size %lld\n", stat(path, &st), (long long)st.st_size);
  printf("unlink sub/deep.txt: %d\n", unlink(path));
  snprintf(path, sizeof path, "%s/sub", dir);
  printf("rmdir sub: %d\n", rmdir(path));
}

/* Lists the directory sorted (hosts return entries in any order), with each entry's kind. */
static void list_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    printf("opendir %s failed\n", dir);
    return;
  }
  char *names[256];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 256) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char *s = malloc(strlen(e->d_name) + 3);
    if (!s) break;
    sprintf(s, "%s %c", e->d_name, e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : '?');
    names[n++] = s;
  }
  closedir(d);
  qsort(names, n, sizeof *names, cmp_str);
  printf("dir %s: %zu entries\n", dir, n);
  for (size_t i = 0; i < n; i++) {
    printf("  %s\n", names[i]);
    free(names[i]);
  }
}

/* Clocks and randomness differ from run to run: only their plausibility is printed. */
static void print_clocks_random(void) {
  struct timespec a, b, r;
  int ok = !clock_gettime(CLOCK_MONOTONIC, &a) && !clock_gettime(CLOCK_MONOTONIC, &b);
  printf("monotonic: %s\n", ok && (b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec &&
                                    b.tv_nsec >= a.tv_nsec)) ? "ok" : "bad");
  ok = !clock_gettime(CLOCK_REALTIME, &r);
  printf("realtime: %s\n", ok && r.tv_sec > 1600000000 ? "ok" : "bad");
  unsigned char buf[64] = {0};
  ok = !getentropy(buf, sizeof buf);
  int nonzero = 0;
  for (size_t i = 0; i < sizeof buf; i++) nonzero += buf[i] != 0;
  printf("entropy: %s\n", ok && nonzero > 32 ? "ok" : "bad");
}

/* A 1 MiB file written in odd-sized pieces, then read back with seeks. */
static void big_file(const char *dir) {
  char path[512];
  snprintf(path, sizeof path, "%s/big.bin", dir);
  FILE *f = fopen(path, "w+b");
  if (!f) {
    printf("create big.bin failed\n");
    return;
  }
  static unsigned char chunk[4099];
  for (size_t i = 0; i < sizeof chunk; i++) chunk[i] = (unsigned char)(i * 7 + 3);
  size_t left = 1 << 20;
  while (left) {
    size_t k = left < sizeof chunk ? left : sizeof chunk;
    fwrite(chunk, 1, k, f);
    left -= k;
  }
  printf("big.bin: tell %ld\n", ftell(f));
  printf("seek 12345: %d, getc %d\n", fseek(f, 12345, SEEK_SET), fgetc(f));
  printf("seek end-1: %d, getc %d\n", fseek(f, -1, SEEK_END), fgetc(f));
  fclose(f);
  print_file(path);
  printf("truncate: %d\n", truncate(path, 1000));
  struct stat st;
  printf("stat big.bin: %d size %lld\n", stat(path, &st), (long long)st.st_size);
}

/* Paths that leave the granted directory must fail. */
static void escapes(const char *dir) {
  char path[512];
  snprintf(path, sizeof path, "%s/../outside.txt", dir);
  FILE *f = fopen(path, "w");
  printf("create %s: %s\n", path, f ? "allowed" : "refused");
  if (f) fclose(f);
  snprintf(path, sizeof path, "%s/sub2/../../etc/hostname", dir);
  f = fopen(path, "r");
  printf("open %s: %s\n", path, f ? "allowed" : "refused");
  if (f) fclose(f);
}

int main(int argc, char **argv) {
  printf("argc %d\n", argc);
  for (int i = 1; i < argc; i++)
    printf("arg[%d] \"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
  fprintf(stderr, "to stderr: %d arguments\n", argc - 1);
  print_env();
  const char *dir = argc > 1 ? argv[1] : "/sandbox";
  char path[512];
  snprintf(path, sizeof path, "%s/input.txt", dir);
  print_file(path);
  snprintf(path, sizeof path, "%s/missing.txt", dir);
  print_file(path);
  print_file("/etc/passwd");
  write_files(dir);
  big_file(dir);
  escapes(dir);
  list_dir(dir);
  print_clocks_random();
  /* stdin, when the runner gives one: copied to stdout with its size */
  if (argc > 3 && !strcmp(argv[3], "stdin")) {
    char buf[4096];
    size_t total = 0, k;
    while ((k = fread(buf, 1, sizeof buf, stdin)) > 0) {
      fwrite(buf, 1, k, stdout);
      total += k;
    }
    printf("stdin: %zu bytes\n", total);
  }
  fflush(stdout);
  fputs("stderr: done\n", stderr);
  int code = argc > 2 ? atoi(argv[2]) : 0;
  return code;
}

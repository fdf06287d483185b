/* reactor.c - the core module of a component that imports WASI (through jco's preview1 reactor
 * adapter) and exports functions (reactor.wit): --invoke must instantiate it with WASI 0.2, and
 * the functions' environment, files, clocks, randomness and stderr must behave as under jco.
 * Canonical-ABI exports written by hand, as in exports.c. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EXPORT(name) __attribute__((export_name(name)))

static uint8_t ret_area[16] __attribute__((aligned(8)));
static void **kept;
static size_t nkept, capkept;

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) abort();
  return p;
}

static void *keep(void *p) {
  if (nkept == capkept) {
    capkept = capkept ? capkept * 2 : 64;
    kept = realloc(kept, capkept * sizeof *kept);
    if (!kept) abort();
  }
  kept[nkept++] = p;
  return p;
}

EXPORT("cabi_realloc")
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size) {
  (void)old_size;
  if (new_size == 0) return (void *)align;
  void *p = realloc(old, new_size);
  if (!p) abort();
  return p;
}

static void put32(uint32_t off, uint32_t v) { memcpy(ret_area + off, &v, 4); }
static void put64(uint32_t off, uint64_t v) { memcpy(ret_area + off, &v, 8); }

/* A NUL-terminated copy of a string argument, which is freed. */
static char *cstr(char *s, uint32_t len) {
  char *c = keep(xmalloc(len + 1));
  memcpy(c, s, len);
  c[len] = 0;
  if (len) free(s);
  return c;
}

/* Puts a kept copy of the C string s as a string at offset off of the return area. */
static void put_cstr(uint32_t off, const char *s) {
  uint32_t len = (uint32_t)strlen(s);
  char *d = keep(xmalloc(len));
  memcpy(d, s, len);
  put32(off, (uint32_t)(uintptr_t)d);
  put32(off + 4, len);
}

/* result<_, string> err(message) with the errno's class: hosts word errors differently. */
static uint8_t *put_err(uint32_t off, const char *what) {
  ret_area[0] = 1;
  put_cstr(off, what);
  return ret_area;
}

EXPORT("greet")
uint8_t *greet(char *s, uint32_t len) {
  char *name = cstr(s, len), *out = keep(xmalloc(len + 8));
  fprintf(stderr, "greet: called with %s\n", name);
  strcpy(out, "hello, ");
  strcat(out, name);
  put32(0, (uint32_t)(uintptr_t)out);
  put32(4, len + 7);
  return ret_area;
}

EXPORT("env-get")
uint8_t *env_get(char *s, uint32_t len) {
  const char *v = getenv(cstr(s, len));
  memset(ret_area, 0, 12);
  if (v) {
    ret_area[0] = 1;
    put_cstr(4, v);
  }
  return ret_area;
}

extern char **environ;

EXPORT("env-count")
uint32_t env_count(void) {
  uint32_t n = 0;
  while (environ && environ[n]) n++;
  return n;
}

EXPORT("read-file")
uint8_t *read_file(char *s, uint32_t len) {
  memset(ret_area, 0, 12);
  FILE *f = fopen(cstr(s, len), "rb");
  if (!f) return put_err(4, "cannot open");
  size_t cap = 4096, n = 0, k;
  char *buf = xmalloc(cap);
  while ((k = fread(buf + n, 1, cap - n, f)) > 0) {
    n += k;
    if (n == cap && !(buf = realloc(buf, cap *= 2))) abort();
  }
  fclose(f);
  keep(buf);
  put32(4, (uint32_t)(uintptr_t)buf);
  put32(8, (uint32_t)n);
  return ret_area;
}

EXPORT("write-file")
uint8_t *write_file(char *p, uint32_t plen, char *d, uint32_t dlen) {
  memset(ret_area, 0, 16);
  FILE *f = fopen(cstr(p, plen), "wb");
  if (!f) {
    if (dlen) free(d);
    return put_err(8, "cannot create");
  }
  size_t w = fwrite(d, 1, dlen, f);
  fclose(f);
  if (dlen) free(d);
  put64(8, w);
  return ret_area;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names, since hosts list directories in any order. */
EXPORT("list-dir")
uint8_t *list_dir(char *s, uint32_t len) {
  memset(ret_area, 0, 12);
  DIR *dir = opendir(cstr(s, len));
  if (!dir) return put_err(4, "cannot open");
  char **names = keep(xmalloc(256 * sizeof *names));
  uint32_t n = 0;
  struct dirent *e;
  while ((e = readdir(dir)) && n < 256)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      names[n++] = strcpy(keep(xmalloc(strlen(e->d_name) + 1)), e->d_name);
  closedir(dir);
  qsort(names, n, sizeof *names, cmp_str);
  uint32_t *list = keep(xmalloc(n * 8));
  for (uint32_t i = 0; i < n; i++) {
    list[2 * i] = (uint32_t)(uintptr_t)names[i];
    list[2 * i + 1] = (uint32_t)strlen(names[i]);
  }
  put32(4, (uint32_t)(uintptr_t)list);
  put32(8, n);
  return ret_area;
}

EXPORT("clocks-ok")
uint32_t clocks_ok(void) {
  struct timespec a, b, r;
  if (clock_gettime(CLOCK_MONOTONIC, &a) || clock_gettime(CLOCK_MONOTONIC, &b)) return 0;
  if (clock_gettime(CLOCK_REALTIME, &r) || r.tv_sec < 1600000000) return 0;
  return b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec);
}

/* Whether n random bytes look random (at most 64 of them zero): the bytes themselves vary. */
EXPORT("random-ok")
uint32_t random_ok(uint32_t n) {
  unsigned char *b = xmalloc(n);
  uint32_t nonzero = 0;
  for (uint32_t at = 0; at < n; at += 256)
    if (getentropy(b + at, n - at < 256 ? n - at : 256)) {
      free(b);
      return 0;
    }
  for (uint32_t i = 0; i < n; i++) nonzero += b[i] != 0;
  free(b);
  return nonzero + 64 >= n;
}

static void release(void) {
  for (size_t i = 0; i < nkept; i++) free(kept[i]);
  nkept = 0;
}

#define POST(name, cname) \
  EXPORT("cabi_post_" name) void cname(uint8_t *ret) { (void)ret; release(); }
POST("greet", post_greet)
POST("env-get", post_env_get)
POST("read-file", post_read_file)
POST("write-file", post_write_file)
POST("list-dir", post_list_dir)

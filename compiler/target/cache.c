/* cache.c - swasm_compile_cached: a directory of compiled libraries named by the hash of
 * everything that decides their bytes, filled atomically so concurrent runs can share it. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <llvm-c/blake3.h>

#include "target.h"

/* A fingerprint of the compiler that runs: the executable's bytes. Development rebuilds change
 * codegen without changing SWASM_VERSION, and a library compiled by an older build must never be
 * served for a newer one. Hashing ~30 MB once per process costs a few
 * milliseconds. When /proc/self/exe cannot be read, the version string alone keys the cache. */
static uint8_t build_id[32];
static pthread_once_t build_id_once = PTHREAD_ONCE_INIT;

static void compute_build_id(void) {
  llvm_blake3_hasher h;
  llvm_blake3_hasher_init(&h);
  FILE *f = fopen("/proc/self/exe", "rb");
  if (f) {
    uint8_t buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) llvm_blake3_hasher_update(&h, buf, n);
    fclose(f);
  }
  llvm_blake3_hasher_finalize(&h, build_id, sizeof build_id);
}

/* $SWASM_CACHE_DIR, else $XDG_CACHE_HOME/swasm, else $HOME/.cache/swasm. */
static swasm_status_t cache_dir(char *out, size_t size, swasm_diag_t *diag) {
  const char *env = getenv("SWASM_CACHE_DIR");
  int n;
  if (env && *env) {
    n = snprintf(out, size, "%s", env);
  } else if ((env = getenv("XDG_CACHE_HOME")) && *env == '/') {
    n = snprintf(out, size, "%s/swasm", env);
  } else if ((env = getenv("HOME")) && *env) {
    n = snprintf(out, size, "%s/.cache/swasm", env);
  } else {
    return tgt_fail(diag, SWASM_IO, "no cache directory: set SWASM_CACHE_DIR or HOME");
  }
  if (n < 0 || (size_t)n >= size) return tgt_fail(diag, SWASM_IO, "cache path too long");
  while (n > 1 && out[n - 1] == '/') out[--n] = '\0';
  return SWASM_OK;
}

/* mkdir -p with mode 0700 for every directory it creates. */
static swasm_status_t make_dirs(char *path, swasm_diag_t *diag) {
  for (char *p = path + 1;; p++) {
    if (*p != '/' && *p != '\0') continue;
    char c = *p;
    *p = '\0';
    int rc = mkdir(path, 0700);
    int e = errno;
    struct stat st;
    bool ok = rc == 0 || (e == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    *p = c;
    if (!ok) {
      *p = '\0';
      tgt_fail(diag, SWASM_IO, "cannot create the cache directory %s: %s", path,
               strerror(rc == 0 || e == EEXIST ? ENOTDIR : e));
      *p = c;
      return SWASM_IO;
    }
    if (c == '\0') return SWASM_OK;
  }
}

swasm_status_t swasm_compile_cached(const swasm_module_t *m, const swasm_compile_opts_t *opts,
                                    char *path_out, size_t path_size, swasm_diag_t *diag) {
  char dir[4096];
  swasm_status_t st = cache_dir(dir, sizeof dir, diag);
  if (st != SWASM_OK) return st;

  swasm_compile_opts_t o = *opts;
  o.emit = SWASM_EMIT_OBJ;
  tgt_spec_t spec;
  st = tgt_resolve(&o, &spec, diag);
  if (st != SWASM_OK) return st;
  uint8_t key[64], hash[32];
  tgt_hash(m, &o, &spec, key);
  tgt_spec_free(&spec);
  pthread_once(&build_id_once, compute_build_id);
  memcpy(key + 32, build_id, 32);
  llvm_blake3_hasher h;
  llvm_blake3_hasher_init(&h);
  llvm_blake3_hasher_update(&h, key, sizeof key);
  const char *llvm_args = tgt_llvm_args();   /* options given to LLVM change code */
  if (*llvm_args) llvm_blake3_hasher_update(&h, llvm_args, strlen(llvm_args));
  llvm_blake3_hasher_finalize(&h, hash, sizeof hash);

  char hex[65];
  for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", hash[i]);
  int n = snprintf(path_out, path_size, "%s/%s.so", dir, hex);
  if (n < 0 || (size_t)n >= path_size)
    return tgt_fail(diag, SWASM_IO, "cache path too long for the caller's buffer");

  struct stat sb;
  if (stat(path_out, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0) return SWASM_OK;

  st = make_dirs(dir, diag);
  if (st != SWASM_OK) return st;
  swasm_buf_t obj;
  st = swasm_compile(m, &o, &obj, diag);
  if (st != SWASM_OK) return st;
  /* swasm_link_shared writes beside path_out and renames: a reader sees the whole library
   * or none, and racing writers each rename an identical file into place. */
  st = swasm_link_shared(&obj, path_out, o.triple, diag);
  swasm_buf_free(&obj);
  return st;
}

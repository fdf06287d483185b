/* link.c - swasm_link_shared: turning an object into a shared library with the system linker
 * (ld.lld, or a C compiler driver), run as a child process whose errors we capture. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "swasm_config.h"
#include "target.h"

static bool looks_like_driver(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  return strstr(base, "cc") || strstr(base, "clang");
}

swasm_status_t tgt_find_linker(const char *triple, tgt_linker_t *lk, swasm_diag_t *diag) {
  const char *env = getenv("SWASM_LINKER");
  if (env && *env) {
    if (!tgt_find_program(env, lk->path, sizeof lk->path))
      return tgt_fail(diag, SWASM_IO, "SWASM_LINKER: cannot find the linker '%s'", env);
    lk->is_driver = looks_like_driver(lk->path);
    return SWASM_OK;
  }
  lk->is_driver = false;
  if (tgt_find_program("ld.lld-19", lk->path, sizeof lk->path) ||
      tgt_find_program(SWASM_LLVM_BINDIR "/ld.lld", lk->path, sizeof lk->path) ||
      tgt_find_program("/usr/lib/llvm-19/bin/ld.lld", lk->path, sizeof lk->path))
    return SWASM_OK;
  lk->is_driver = true;
  /* A C driver links for its own architecture only: use the cross driver for the other. */
  bool cross = triple && *triple && strncmp(triple, TGT_HOST_ARCH, strlen(TGT_HOST_ARCH)) != 0;
  const char *cc = !cross ? "cc" : strncmp(triple, "aarch64", 7) == 0 ? "aarch64-linux-gnu-gcc"
                                                                    : "x86_64-linux-gnu-gcc";
  if (tgt_find_program(cc, lk->path, sizeof lk->path)) return SWASM_OK;
  return tgt_fail(diag, SWASM_IO, "no linker found (tried ld.lld-19, %s/ld.lld, %s); set "
                  "SWASM_LINKER", SWASM_LLVM_BINDIR, cc);
}

void tgt_temp_name(const char *path, char *out, size_t size) {
  static atomic_uint counter;
  snprintf(out, size, "%s.tmp-%ld-%u", path, (long)getpid(), atomic_fetch_add(&counter, 1));
}

/* Links in to out; messages name shown, the path the caller asked for. */
static swasm_status_t link_files(const tgt_linker_t *lk, const char *in, const char *out,
                                 const char *shown, swasm_diag_t *diag) {
  char *argv[16];
  int n = 0;
  argv[n++] = (char *)lk->path;
  argv[n++] = "-shared";
  if (lk->is_driver) {
    argv[n++] = "-nostartfiles";
    argv[n++] = "-Wl,-z,noexecstack";
    argv[n++] = "-Wl,-z,now";
  } else {
    argv[n++] = "--no-undefined-version";
    argv[n++] = "-z";
    argv[n++] = "noexecstack";
    argv[n++] = "-z";
    argv[n++] = "now";
  }
  argv[n++] = "-o";
  argv[n++] = (char *)out;
  argv[n++] = (char *)in;
  argv[n] = NULL;
  tgt_output_t msgs = {.limit = 8192};
  int rc = tgt_run(argv, &msgs, &msgs, diag);
  swasm_status_t st = SWASM_OK;
  if (rc > 0) {
    char msg[400];
    tgt_first_line(&msgs, msg, sizeof msg);
    st = tgt_fail(diag, SWASM_IO, "linking %s failed (%s exit status %d)%s%s", shown,
                  lk->path, rc, *msg ? ": " : "", msg);
  }
  tgt_output_free(&msgs);
  return rc < 0 ? SWASM_IO : st;
}

swasm_status_t swasm_link_shared(const swasm_buf_t *obj, const char *path, const char *triple,
                                 swasm_diag_t *diag) {
  if (!obj || !obj->data || !path || !*path)
    return tgt_fail(diag, SWASM_IO, "nothing to link or no output path");
  tgt_linker_t lk;
  swasm_status_t st = tgt_find_linker(triple, &lk, diag);
  if (st != SWASM_OK) return st;
  char in[4096], tmp[4200];
  if (strlen(path) + 40 > sizeof tmp)
    return tgt_fail(diag, SWASM_IO, "output path too long: %s", path);
  /* A device or pipe (-o /dev/null) is written in place: a rename would replace it. */
  struct stat sb;
  bool special = stat(path, &sb) == 0 && !S_ISREG(sb.st_mode);
  if (special) snprintf(tmp, sizeof tmp, "%s", path);
  else tgt_temp_name(path, tmp, sizeof tmp);
  st = tgt_temp_file(".o", obj->data, obj->size, in, sizeof in, diag);
  if (st != SWASM_OK) return st;
  st = link_files(&lk, in, tmp, path, diag);
  unlink(in);
  if (special) return st;
  if (st == SWASM_OK && rename(tmp, path) != 0)
    st = tgt_fail(diag, SWASM_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
  if (st != SWASM_OK) unlink(tmp);
  return st;
}

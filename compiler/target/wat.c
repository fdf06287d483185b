/* wat.c - swasm_wat_to_wasm: the text format through binaryen's parser, run in a child process
 * because binaryen exits or aborts on bad input; the bytes it writes are then decoded and
 * validated by swasm like any other binary. */
#include <binaryen-c.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target.h"

#define MAX_OUTPUT ((size_t)1 << 30)

/* Every feature swasm can decode, so binaryen accepts and encodes them; GC stays off because
 * it changes how binaryen writes the type section. */
static BinaryenFeatures wat_features(void) {
  return BinaryenFeatureMVP() | BinaryenFeatureMutableGlobals() |
         BinaryenFeatureNontrappingFPToInt() | BinaryenFeatureSignExt() |
         BinaryenFeatureSIMD128() | BinaryenFeatureBulkMemory() |
         BinaryenFeatureReferenceTypes() | BinaryenFeatureMultivalue() |
         BinaryenFeatureTailCall() | BinaryenFeatureRelaxedSIMD() |
         BinaryenFeatureExtendedConst() | BinaryenFeatureMemory64() |
         BinaryenFeatureExceptionHandling();
}

static void write_all(int fd, const void *data, size_t size) {
  const char *p = data;
  while (size) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(3);
    p += n;
    size -= (size_t)n;
  }
}

/* Binaryen leaves through exit() on bad input. In the child that would run the parent's
 * atexit handlers and static destructors (which may flush or delete the parent's files); this
 * handler, registered last, runs first and leaves at once. */
static void leave_now(void) {
  _exit(2);
}

/* The child: parse, write the binary to fd, exit. Binaryen's complaints go to stderr. */
static _Noreturn void child(const char *text, int fd) {
  static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGPIPE};
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
  atexit(leave_now);
  BinaryenSetColorsEnabled(false);
  BinaryenSetDebugInfo(true);   /* keep the name section: names make better diagnostics */
  BinaryenModuleRef mod = BinaryenModuleParse(text);
  if (!mod) _exit(2);
  BinaryenModuleSetFeatures(mod, wat_features());
  BinaryenModuleAllocateAndWriteResult r = BinaryenModuleAllocateAndWrite(mod, NULL);
  write_all(fd, r.binary, r.binaryBytes);
  _exit(0);
}

/* binaryen in a forked child; exit status 0 and the binary in out on success. */
static int parse_binaryen(const char *text, tgt_output_t *out, tgt_output_t *err,
                          swasm_diag_t *diag) {
  int data[2], errs[2];
  if (pipe(data) != 0) {
    tgt_fail(diag, SWASM_IO, "cannot create a pipe: %s", strerror(errno));
    return -1;
  }
  if (pipe(errs) != 0) {
    close(data[0]);
    close(data[1]);
    tgt_fail(diag, SWASM_IO, "cannot create a pipe: %s", strerror(errno));
    return -1;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    close(data[0]);
    close(errs[0]);
    dup2(errs[1], 1);
    dup2(errs[1], 2);
    child(text, data[1]);
  }
  close(data[1]);
  close(errs[1]);
  if (pid > 0) tgt_collect(data[0], errs[0], out, err);
  close(data[0]);
  close(errs[0]);
  if (pid < 0) {
    tgt_fail(diag, SWASM_IO, "cannot fork: %s", strerror(errno));
    return -1;
  }
  return tgt_wait(pid);
}

/* Turns a child's result into *res or a diagnostic; hide is a temporary file name to drop from
 * the child's message (the user never saw it), or NULL. */
static swasm_status_t finish(int rc, tgt_output_t *out, tgt_output_t *err, const char *who,
                             const char *hide, swasm_buf_t *res, swasm_diag_t *diag) {
  if (rc < 0) return diag->status;
  if (out->overflow) return tgt_fail(diag, SWASM_LIMIT, "the module is too large");
  if (rc == 0 && out->len >= 8) {
    res->data = out->data;
    res->size = out->len;
    out->data = NULL;
    return SWASM_OK;
  }
  char line[400];
  tgt_first_line(err, line, sizeof line);
  size_t skip = hide ? strlen(hide) : 0;
  if (skip && strncmp(line, hide, skip) == 0 && line[skip] == ':')
    memmove(line, line + skip + 1, strlen(line + skip + 1) + 1);
  if (!*line) snprintf(line, sizeof line, "%s failed with status %d", who, rc);
  return tgt_fail(diag, SWASM_MALFORMED, "cannot parse the text format: %s", line);
}

/* wabt's wat2wasm, when installed: it reads the whole text format, where binaryen 108 reads
 * only folded expressions. Validation is left to swasm (--no-check). */
static swasm_status_t parse_wabt(const char *wat2wasm, const char *text, size_t len,
                                 swasm_buf_t *res, swasm_diag_t *diag) {
  char in[4096];
  swasm_status_t st = tgt_temp_file(".wat", text, len, in, sizeof in, diag);
  if (st != SWASM_OK) return st;
  tgt_output_t out = {.limit = MAX_OUTPUT}, err = {.limit = 4096};
  char *argv[] = {(char *)wat2wasm, "--no-check", "--debug-names", "--enable-tail-call",
                  "--enable-extended-const", "--enable-relaxed-simd", "--enable-multi-memory",
                  "--enable-memory64", "--enable-exceptions", in, "--output=-", NULL};
  int rc = tgt_run(argv, &out, &err, diag);
  unlink(in);
  st = finish(rc, &out, &err, "wat2wasm", in, res, diag);
  tgt_output_free(&out);
  tgt_output_free(&err);
  return st;
}

swasm_status_t swasm_wat_to_wasm(const char *text, size_t len, swasm_buf_t *out,
                                 swasm_diag_t *diag) {
  out->data = NULL;
  out->size = 0;
  if (memchr(text, '\0', len))
    return tgt_fail(diag, SWASM_MALFORMED, "the text module contains a NUL byte");
  char *copy = malloc(len + 1);
  if (!copy) return tgt_fail(diag, SWASM_LIMIT, "out of memory");
  memcpy(copy, text, len);
  copy[len] = '\0';
  tgt_output_t out1 = {.limit = MAX_OUTPUT}, err1 = {.limit = 4096};
  int rc = parse_binaryen(copy, &out1, &err1, diag);
  free(copy);
  swasm_status_t st = finish(rc, &out1, &err1, "binaryen", NULL, out, diag);
  tgt_output_free(&out1);
  tgt_output_free(&err1);
  char wat2wasm[4096];
  if (st != SWASM_MALFORMED || !tgt_find_program("wat2wasm", wat2wasm, sizeof wat2wasm))
    return st;
  return parse_wabt(wat2wasm, text, len, out, diag);
}

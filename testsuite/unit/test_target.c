/* test_target.c - unit tests of compiler/target and the tools built on it: the text format,
 * triples and CPUs, deterministic emission, the descriptor hash, linking, the compile cache,
 * and the swasmc and 'swasm run' command lines (found beside this test in the build tree).
 *
 *   test_target [SWASMC SWASM]
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "swasm/compiler.h"

static int passed, failed;

static void check(bool ok, const char *fmt, ...) {
  if (ok) {
    passed++;
    return;
  }
  failed++;
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "FAIL: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
}

static const char add_wat[] =
  "(module\n"
  "  (memory 1)\n"
  "  (func $add (export \"add\") (param i32 i32) (result i32)\n"
  "    local.get 0\n    local.get 1\n    i32.add)\n"
  "  (func (export \"div\") (param i32 i32) (result i32)\n"
  "    (i32.div_s (local.get 0) (local.get 1)))\n"
  "  (func (export \"load\") (param i32) (result i32)\n"
  "    (i32.load (local.get 0)))\n"
  "  (func (export \"half\") (param f64) (result f64 f32)\n"
  "    (f64.mul (local.get 0) (f64.const 0.5)) (f32.const 0.1)))\n";

static swasm_module_t *module_from_wat(const char *wat) {
  swasm_buf_t bin;
  swasm_diag_t d;
  if (swasm_wat_to_wasm(wat, strlen(wat), &bin, &d) != SWASM_OK) {
    fprintf(stderr, "wat: %s\n", d.message);
    return NULL;
  }
  swasm_features_t f;
  memset(&f, 0, sizeof f);
  swasm_module_t *m = NULL;
  swasm_status_t st = swasm_module_decode(bin.data, bin.size, &f, &m, &d);
  swasm_buf_free(&bin);
  if (st == SWASM_OK && swasm_module_validate(m, &d) != SWASM_OK) {
    swasm_module_free(m);
    m = NULL;
  }
  if (!m) fprintf(stderr, "module: %s\n", d.message);
  return m;
}

static void test_wat(void) {
  swasm_buf_t b;
  swasm_diag_t d;
  const char *folded = "(module (func (result i32) (i32.add (i32.const 1) (i32.const 2))))";
  check(swasm_wat_to_wasm(folded, strlen(folded), &b, &d) == SWASM_OK && b.size > 8 &&
        memcmp(b.data, "\0asm", 4) == 0, "folded wat converts");
  swasm_buf_free(&b);
  check(swasm_wat_to_wasm(add_wat, strlen(add_wat), &b, &d) == SWASM_OK,
        "flat wat converts: %s", d.message);
  swasm_buf_free(&b);
  const char *bad = "(module (func i32.cosnt 1))";
  check(swasm_wat_to_wasm(bad, strlen(bad), &b, &d) == SWASM_MALFORMED && b.data == NULL &&
        strstr(d.message, "text format"), "bad wat is MALFORMED: %s", d.message);
  check(swasm_wat_to_wasm("(module)\0x", 10, &b, &d) == SWASM_MALFORMED, "NUL byte rejected");
  check(swasm_wat_to_wasm("", 0, &b, &d) == SWASM_MALFORMED, "empty text rejected");
}

static swasm_status_t compile(const swasm_module_t *m, int opt, const char *triple,
                              const char *cpu, swasm_emit_t emit, swasm_buf_t *out,
                              swasm_diag_t *d) {
  swasm_compile_opts_t o;
  memset(&o, 0, sizeof o);
  o.opt_level = opt;
  o.triple = triple;
  o.cpu = cpu;
  o.emit = emit;
  return swasm_compile(m, &o, out, d);
}

static bool buf_has(const swasm_buf_t *b, const char *s) {
  size_t n = strlen(s);
  for (size_t i = 0; i + n <= b->size; i++)
    if (memcmp(b->data + i, s, n) == 0) return true;
  return false;
}

static void test_targets(const swasm_module_t *m) {
  static const struct { const char *triple, *expect; } triples[] = {
    {"x86_64-linux-gnu", "x86_64-unknown-linux-gnu"},
    {"x86_64-pc-linux-gnu", "x86_64-unknown-linux-gnu"},
    {"aarch64-linux-gnu", "aarch64-unknown-linux-gnu"},
    {"aarch64", "aarch64-unknown-linux-gnu"},
  };
  swasm_buf_t b;
  swasm_diag_t d;
  for (size_t i = 0; i < sizeof triples / sizeof triples[0]; i++) {
    char want[128];
    snprintf(want, sizeof want, "target triple = \"%s\"", triples[i].expect);
    swasm_status_t st = compile(m, 0, triples[i].triple, NULL, SWASM_EMIT_LLVM_IR, &b, &d);
    check(st == SWASM_OK && buf_has(&b, want), "triple %s -> %s", triples[i].triple,
          triples[i].expect);
    swasm_buf_free(&b);
  }
  check(compile(m, 0, "riscv64-linux-gnu", NULL, SWASM_EMIT_OBJ, &b, &d) == SWASM_UNSUPPORTED,
        "riscv64 unsupported");
  check(compile(m, 0, "x86_64-apple-darwin", NULL, SWASM_EMIT_OBJ, &b, &d) == SWASM_UNSUPPORTED,
        "darwin unsupported");
  check(compile(m, 0, "x86_64-linux-gnu", "i386", SWASM_EMIT_OBJ, &b, &d) == SWASM_UNSUPPORTED,
        "32-bit CPU refused (LLVM would abort)");
  check(compile(m, 0, NULL, "no-such-cpu", SWASM_EMIT_OBJ, &b, &d) == SWASM_UNSUPPORTED,
        "unknown CPU refused");
  check(compile(m, 9, NULL, NULL, SWASM_EMIT_OBJ, &b, &d) == SWASM_UNSUPPORTED, "-O9 refused");
  check(compile(m, 2, "x86_64-linux-gnu", "x86-64-v3", SWASM_EMIT_LLVM_IR, &b, &d) == SWASM_OK &&
        buf_has(&b, "+avx2"), "x86-64-v3 records avx2 in the descriptor");
  swasm_buf_free(&b);
  check(compile(m, 2, "aarch64-linux-gnu", "neoverse-n1", SWASM_EMIT_ASM, &b, &d) == SWASM_OK,
        "aarch64 neoverse-n1 assembly");
  swasm_buf_free(&b);
  check(compile(m, 2, "x86_64-linux-gnu", NULL, SWASM_EMIT_LLVM_IR, &b, &d) == SWASM_OK &&
        buf_has(&b, "+sse4.2"), "baseline x86-64-v2 features recorded");
  swasm_buf_free(&b);
}

/* The object twice, at every level and for both architectures: byte for byte the same. */
static void test_determinism(const swasm_module_t *m) {
  const char *triples[] = {"x86_64-linux-gnu", "aarch64-linux-gnu"};
  for (int t = 0; t < 2; t++)
    for (int opt = 0; opt <= 3; opt++) {
      swasm_buf_t a, b;
      swasm_diag_t d;
      swasm_status_t s1 = compile(m, opt, triples[t], NULL, SWASM_EMIT_OBJ, &a, &d);
      swasm_status_t s2 = compile(m, opt, triples[t], NULL, SWASM_EMIT_OBJ, &b, &d);
      check(s1 == SWASM_OK && s2 == SWASM_OK && a.size == b.size &&
            memcmp(a.data, b.data, a.size) == 0 && memcmp(a.data, "\177ELF", 4) == 0,
            "deterministic object %s -O%d", triples[t], opt);
      swasm_buf_free(&a);
      swasm_buf_free(&b);
    }
}

/* The 32 hash bytes of the descriptor as LLVM prints them. */
static bool desc_hash(const swasm_buf_t *ir, char *out, size_t size) {
  const char *key = "[32 x i8] c\"";
  for (size_t i = 0; i + strlen(key) < ir->size; i++)
    if (memcmp(ir->data + i, key, strlen(key)) == 0) {
      size_t j = i + strlen(key), n = 0;
      while (j < ir->size && ir->data[j] != '"' && n + 1 < size) out[n++] = (char)ir->data[j++];
      out[n] = '\0';
      return true;
    }
  return false;
}

static void test_hash(const swasm_module_t *m) {
  swasm_buf_t a, b, c;
  swasm_diag_t d;
  char ha[160], hb[160], hc[160];
  bool ok = compile(m, 1, NULL, NULL, SWASM_EMIT_LLVM_IR, &a, &d) == SWASM_OK &&
            compile(m, 2, NULL, NULL, SWASM_EMIT_LLVM_IR, &b, &d) == SWASM_OK &&
            compile(m, 2, NULL, NULL, SWASM_EMIT_LLVM_IR_OPT, &c, &d) == SWASM_OK;
  check(ok && desc_hash(&a, ha, sizeof ha) && desc_hash(&b, hb, sizeof hb) &&
        desc_hash(&c, hc, sizeof hc), "descriptor hash present");
  check(ok && strcmp(ha, hb) != 0, "hash depends on the optimisation level");
  check(ok && strcmp(hb, hc) == 0, "hash does not depend on the output kind");
  check(ok && strspn(hb, "\\0") != strlen(hb), "hash is not all zero");
  swasm_buf_free(&a);
  swasm_buf_free(&b);
  swasm_buf_free(&c);
}

/* Regression (stack checks of inlined callees): $g calls $h, so it checks the stack; inlined
 * into $f twice, its copies read the same stack pointer as $f's own check at entry and must
 * be gone after -O2, leaving one stacksave in $f. */
static const char inlined_checks_wat[] =
  "(module"
  " (func $h (export \"h\") (param i32) (result i32)"
  "  (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))"
  "   (else (call $f (i32.sub (local.get 0) (i32.const 1))))))"
  " (func $g (param i32) (result i32) (i32.add (call $h (local.get 0)) (i32.const 1)))"
  " (func $f (export \"f\") (param i32) (result i32)"
  "  (i32.add (call $g (local.get 0)) (call $g (i32.const 3)))))";

static int count_in(const char *from, const char *to, const char *s) {
  int n = 0;
  for (const char *p = strstr(from, s); p && p < to; p = strstr(p + 1, s)) n++;
  return n;
}

static void test_inlined_stack_checks(void) {
  swasm_module_t *m = module_from_wat(inlined_checks_wat);
  swasm_buf_t b = {0};
  swasm_diag_t d;
  bool ok = m && compile(m, 2, NULL, NULL, SWASM_EMIT_LLVM_IR_OPT, &b, &d) == SWASM_OK;
  check(ok, "stack check module compiles at -O2");
  if (ok) {
    char *ir = malloc(b.size + 1);
    memcpy(ir, b.data, b.size);
    ir[b.size] = '\0';
    const char *f = strstr(ir, "@\"$f\"(ptr align");   /* the definition, not a call */
    const char *end = f ? strstr(f, "\n}\n") : NULL;
    check(f && end, "$f is defined in the IR");
    if (f && end) {
      check(count_in(f, end, "@\"$g\"(") == 0,
            "$g is inlined into $f (the case this test is about)");
      check(count_in(f, end, "@llvm.stacksave") == 1,
            "one stack check left in $f, got %d", count_in(f, end, "@llvm.stacksave"));
    }
    free(ir);
  }
  swasm_buf_free(&b);
  swasm_module_free(m);
}

/* A module big enough to be compiled in shards: a chain of NCHAIN functions, each calling the
 * one before it directly and the first one through the table. */
#define NCHAIN 4000

static char *chain_wat(void) {
  size_t cap = (size_t)NCHAIN * 200 + 4096, len = 0;
  char *w = malloc(cap);
  if (!w) return NULL;
  len += (size_t)snprintf(w + len, cap - len,
                          "(module (type $t (func (param i32) (result i32)))\n"
                          "(table %d funcref)\n"
                          "(func $f0 (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))\n",
                          NCHAIN);
  for (int i = 1; i < NCHAIN; i++)
    len += (size_t)snprintf(w + len, cap - len,
                            "(func $f%d (param i32) (result i32) (i32.add (i32.xor (i32.mul "
                            "(call $f%d (local.get 0)) (i32.const 3)) (call_indirect (type $t) "
                            "(i32.const 7) (i32.const 0))) (i32.const %d)))\n",
                            i, i - 1, i);
  len += (size_t)snprintf(w + len, cap - len, "(elem (i32.const 0)");
  for (int i = 0; i < NCHAIN; i++) len += (size_t)snprintf(w + len, cap - len, " $f%d", i);
  snprintf(w + len, cap - len, ")\n(export \"chain\" (func $f%d)))\n", NCHAIN - 1);
  return w;
}

/* What chain(x) returns, computed the same way. */
static uint32_t chain_expected(uint32_t x) {
  uint32_t f = x + 1;
  for (uint32_t i = 1; i < NCHAIN; i++) f = ((f * 3u) ^ 8u) + i;
  return f;
}

static void test_shards(void) {
  char *wat = chain_wat();
  swasm_module_t *m = wat ? module_from_wat(wat) : NULL;
  free(wat);
  check(m != NULL, "chain module decodes and validates");
  if (!m) return;
  swasm_compile_opts_t o;
  memset(&o, 0, sizeof o);
  o.opt_level = 0;   /* the shard machinery is the same at every level; -O0 is fast */
  swasm_buf_t a, b;
  swasm_diag_t d;
  o.threads = 1;
  swasm_status_t s1 = swasm_compile(m, &o, &a, &d);
  o.threads = 3;
  swasm_status_t s2 = swasm_compile(m, &o, &b, &d);
  check(s1 == SWASM_OK && s2 == SWASM_OK && a.size == b.size &&
        memcmp(a.data, b.data, a.size) == 0, "sharded object independent of thread count: %s",
        d.message);
  check(s1 == SWASM_OK && buf_has(&a, "swasm.f1."), "the chain module was sharded");
  swasm_buf_free(&a);
  swasm_buf_free(&b);
  swasm_module_free(m);
}

static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  if (!d) return -1;
  for (struct dirent *e; (e = readdir(d));)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

static bool is_shared_object(const char *path) {
  unsigned char h[18];
  FILE *f = fopen(path, "rb");
  if (!f) return false;
  bool ok = fread(h, 1, sizeof h, f) == sizeof h && memcmp(h, "\177ELF", 4) == 0 && h[16] == 3;
  fclose(f);
  return ok;
}

static void test_link(const swasm_module_t *m, const char *dir) {
  swasm_buf_t obj;
  swasm_diag_t d;
  if (compile(m, 2, NULL, NULL, SWASM_EMIT_OBJ, &obj, &d) != SWASM_OK) {
    check(false, "compile for linking: %s", d.message);
    return;
  }
  char path[1024];
  snprintf(path, sizeof path, "%s/a.so", dir);
  check(swasm_link_shared(&obj, path, NULL, &d) == SWASM_OK && is_shared_object(path),
        "link_shared makes a shared object: %s", d.message);
  check(count_entries(dir) == 1, "no temporary files left after linking");

  setenv("SWASM_LINKER", "/bin/false", 1);
  snprintf(path, sizeof path, "%s/b.so", dir);
  check(swasm_link_shared(&obj, path, NULL, &d) == SWASM_IO && access(path, F_OK) != 0 &&
        strstr(d.message, "b.so"), "a failing linker is an error naming the output");
  check(count_entries(dir) == 1, "no temporary files left after a failed link");
  setenv("SWASM_LINKER", "/no/such/linker", 1);
  check(swasm_link_shared(&obj, path, NULL, &d) == SWASM_IO, "a missing linker is an error");
  unsetenv("SWASM_LINKER");
  swasm_buf_free(&obj);
}

static void test_cache(const swasm_module_t *m, const char *dir) {
  char cache[1024], p1[1024], p2[1024], p3[1024];
  snprintf(cache, sizeof cache, "%s/cache/nested", dir);
  setenv("SWASM_CACHE_DIR", cache, 1);
  swasm_compile_opts_t o;
  memset(&o, 0, sizeof o);
  o.opt_level = 2;
  swasm_diag_t d;
  struct stat s1, s2, sd;
  bool ok = swasm_compile_cached(m, &o, p1, sizeof p1, &d) == SWASM_OK;
  check(ok && is_shared_object(p1) && stat(p1, &s1) == 0, "cached compile: %s", d.message);
  check(stat(cache, &sd) == 0 && (sd.st_mode & 0777) == 0700, "cache directory is 0700");
  size_t len = strlen(p1);
  check(len > 67 && strcmp(p1 + len - 3, ".so") == 0 &&
        strspn(p1 + len - 67, "0123456789abcdef") == 64, "cache entry named by its hash");
  ok = swasm_compile_cached(m, &o, p2, sizeof p2, &d) == SWASM_OK && stat(p2, &s2) == 0;
  check(ok && strcmp(p1, p2) == 0 && s1.st_ino == s2.st_ino &&
        s1.st_mtim.tv_nsec == s2.st_mtim.tv_nsec, "second compile is a cache hit");
  o.bounds = SWASM_BOUNDS_EXPLICIT;
  ok = swasm_compile_cached(m, &o, p3, sizeof p3, &d) == SWASM_OK;
  check(ok && strcmp(p1, p3) != 0, "bounds mode is part of the key");
  check(count_entries(cache) == 2, "only finished entries in the cache");
  check(swasm_compile_cached(m, &o, p3, 20, &d) == SWASM_IO, "short path buffer refused");
  unsetenv("SWASM_CACHE_DIR");
}

/* ---- the command lines ----------------------------------------------------------------- */

/* Runs argv with stdout and stderr in files under dir; returns the exit status. */
static int run(const char *dir, char *const argv[], char *out, size_t osize, char *err,
               size_t esize) {
  char po[1024], pe[1024];
  snprintf(po, sizeof po, "%s/stdout", dir);
  snprintf(pe, sizeof pe, "%s/stderr", dir);
  pid_t pid = fork();
  if (pid == 0) {
    int fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fo < 0 || fe < 0) _exit(127);
    dup2(fo, 1);
    dup2(fe, 2);
    execv(argv[0], argv);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  const char *paths[2] = {po, pe};
  char *bufs[2] = {out, err};
  size_t sizes[2] = {osize, esize};
  for (int i = 0; i < 2; i++) {
    FILE *f = fopen(paths[i], "rb");
    size_t n = f ? fread(bufs[i], 1, sizes[i] - 1, f) : 0;
    bufs[i][n] = '\0';
    if (f) fclose(f);
    unlink(paths[i]);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (f) {
    fputs(text, f);
    fclose(f);
  }
}

/* Output to a pipe (as to /dev/null) is written in place, never renamed over. */
static void test_special_output(const char *swasmc, const char *dir, const char *in) {
  char fifo[1024], out[256], err[2048];
  snprintf(fifo, sizeof fifo, "%s/fifo", dir);
  const char *modes[] = {"-c", "-shared"};
  for (int i = 0; i < 2; i++) {
    if (mkfifo(fifo, 0600) != 0) return;
    pid_t reader = fork();
    if (reader == 0) {
      int fd = open(fifo, O_RDONLY);
      char buf[4096];
      size_t total = 0;
      for (ssize_t n; fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0;) total += (size_t)n;
      _exit(total > 0 ? 0 : 1);
    }
    char *argv[] = {(char *)swasmc, (char *)modes[i], (char *)in, "-o", fifo, NULL};
    int rc = run(dir, argv, out, sizeof out, err, sizeof err);
    int status = 1;
    waitpid(reader, &status, 0);
    struct stat st;
    check(rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && stat(fifo, &st) == 0 &&
          S_ISFIFO(st.st_mode), "swasmc %s -o FIFO writes through the pipe: %s", modes[i], err);
    unlink(fifo);
  }
}

static void test_swasmc(const char *swasmc, const char *dir) {
  char in[1024], obj[1024], bad[1024], out[8192], err[2048];
  snprintf(in, sizeof in, "%s/add.wat", dir);
  snprintf(obj, sizeof obj, "%s/add.o", dir);
  snprintf(bad, sizeof bad, "%s/bad.wat", dir);
  write_text(in, add_wat);
  write_text(bad, "(module (func (result i32) (i64.const 1)))");
  char *c1[] = {(char *)swasmc, "-O2", "-c", in, "-o", obj, NULL};
  check(run(dir, c1, out, sizeof out, err, sizeof err) == 0 && access(obj, F_OK) == 0,
        "swasmc -c: %s", err);
  char *c2[] = {(char *)swasmc, "-S", in, "-o", "-", NULL};
  check(run(dir, c2, out, sizeof out, err, sizeof err) == 0 && strstr(out, ".text"),
        "swasmc -S -o - writes assembly to stdout");
  char *c3[] = {(char *)swasmc, "-c", bad, "-o", obj, NULL};
  int rc = run(dir, c3, out, sizeof out, err, sizeof err);
  check(rc == 1 && strstr(err, "bad.wat:0x") && strstr(err, "type mismatch"),
        "invalid module: exit 1, FILE:0xOFF message (%d: %s)", rc, err);
  char *c4[] = {(char *)swasmc, "--bogus", in, NULL};
  check(run(dir, c4, out, sizeof out, err, sizeof err) == 2, "unknown option: exit 2");
  char *c5[] = {(char *)swasmc, in, NULL};
  check(run(dir, c5, out, sizeof out, err, sizeof err) == 1 && strstr(err, "not a WASI command"),
        "an executable from a module without _start: exit 1 (%s)", err);
  char *c6[] = {(char *)swasmc, "-c", in, "-o", "-", NULL};
  check(run(dir, c6, out, sizeof out, err, sizeof err) == 2, "no objects to stdout");
  char *c7[] = {(char *)swasmc, "--version", NULL};
  check(run(dir, c7, out, sizeof out, err, sizeof err) == 0 && strstr(out, "swasmc "),
        "--version");
  test_special_output(swasmc, dir, in);
  unlink(obj);
  unlink(bad);
}

/* A WASI command in the text format: writes "hi" then exits with 3 through proc_exit, or,
 * with the exit replaced, traps in $boom. */
static const char cmd_wat[] =
  "(module\n"
  "  (import \"wasi_snapshot_preview1\" \"fd_write\"\n"
  "    (func $fd_write (param i32 i32 i32 i32) (result i32)))\n"
  "  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $proc_exit (param i32)))\n"
  "  (memory (export \"memory\") 1)\n"
  "  (data (i32.const 16) \"hi\\n\")\n"
  "  (func $boom (param i32) (result i32) (i32.load (local.get 0)))\n"
  "  (func (export \"_start\")\n"
  "    (i32.store (i32.const 0) (i32.const 16))\n"
  "    (i32.store (i32.const 4) (i32.const 3))\n"
  "    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))\n"
  "    (if (i32.load8_u (i32.const EXIT)) (then (call $proc_exit (i32.const 3))))\n"
  "    (drop (call $boom (i32.const -1)))))\n";

/* cmd_wat with EXIT replaced by 17 (the 'i' of "hi": exit) or 100 (a zero byte: trap). */
static void write_cmd(const char *path, bool exits) {
  char text[sizeof cmd_wat + 8];
  const char *at = strstr(cmd_wat, "EXIT");
  snprintf(text, sizeof text, "%.*s%s%s", (int)(at - cmd_wat), cmd_wat, exits ? "17" : "100",
           at + 4);
  write_text(path, text);
}

/* swasmc's default output: a standalone executable of a WASI command, its exit status and
 * its trap line; and the grants options' errors. */
static void test_swasmc_exe(const char *swasmc, const char *dir) {
  char in[1024], trap_in[1024], exe[1024], trap_exe[1024], out[4096], err[2048];
  snprintf(in, sizeof in, "%s/cmd.wat", dir);
  snprintf(trap_in, sizeof trap_in, "%s/cmdtrap.wat", dir);
  snprintf(exe, sizeof exe, "%s/cmd", dir);
  snprintf(trap_exe, sizeof trap_exe, "%s/cmdtrap", dir);
  write_cmd(in, true);
  write_cmd(trap_in, false);
  char *c1[] = {(char *)swasmc, in, "-o", exe, NULL};
  check(run(dir, c1, out, sizeof out, err, sizeof err) == 0 && access(exe, X_OK) == 0,
        "swasmc CMD.wat -o CMD makes an executable: %s", err);
  char *r1[] = {exe, NULL};
  int rc = run(dir, r1, out, sizeof out, err, sizeof err);
  check(rc == 3 && strcmp(out, "hi\n") == 0 && !*err,
        "the executable exits with proc_exit's code (%d, '%s', '%s')", rc, out, err);
  /* -O0: nothing is inlined, so the trap is in $boom's own code. */
  char *c2[] = {(char *)swasmc, "-O0", "--env", "A=1", "--dir", (char *)dir, "--lock-grants",
                trap_in, "-o", trap_exe, NULL};
  check(run(dir, c2, out, sizeof out, err, sizeof err) == 0, "swasmc with grants: %s", err);
  char *r2[] = {trap_exe, NULL};
  rc = run(dir, r2, out, sizeof out, err, sizeof err);
  check(rc == 134 && strcmp(out, "hi\n") == 0 &&
        strstr(err, ": trap: out of bounds memory access in $boom (func 2)\n") &&
        strchr(err, '\n') == err + strlen(err) - 1,
        "a trap: one line naming the function, status 134 (%d, '%s')", rc, err);
  static const char *const bad[][4] = {
    {"--dir", "", NULL}, {"--dir", "a::", NULL}, {"--env", "=x", NULL}, {"--env", NULL},
    {"-c", "--dir", "x", NULL}, {"--libc=shared", "-shared", NULL},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char *argv[8];
    int n = 0;
    argv[n++] = (char *)swasmc;
    for (int k = 0; bad[i][k]; k++) argv[n++] = (char *)bad[i][k];
    argv[n++] = in;
    argv[n] = NULL;
    check(run(dir, argv, out, sizeof out, err, sizeof err) == 2, "bad grant case %zu: exit 2 (%s)",
          i, err);
  }
  /* Regression (default-output-overwrites-input): an input without an extension, compiled
   * with no -o, gets gcc's a.out instead of being replaced by its own executable. */
  char noext[1024], aout[1024], wat_text[8192];
  snprintf(noext, sizeof noext, "%s/prog", dir);
  snprintf(aout, sizeof aout, "%s/a.out", dir);
  FILE *f = fopen(in, "rb");
  size_t n = f ? fread(wat_text, 1, sizeof wat_text - 1, f) : 0;
  wat_text[n] = 0;
  if (f) fclose(f);
  write_text(noext, wat_text);
  char *c3[] = {(char *)swasmc, "prog", NULL};
  char cwd[4096];
  rc = -1;
  if (getcwd(cwd, sizeof cwd) && chdir(dir) == 0) {
    rc = run(dir, c3, out, sizeof out, err, sizeof err);
    if (chdir(cwd) != 0) rc = -1;
  }
  f = fopen(noext, "rb");
  n = f ? fread(out, 1, sizeof out - 1, f) : 0;
  out[n] = 0;
  if (f) fclose(f);
  check(rc == 0 && strcmp(out, wat_text) == 0 && access(aout, X_OK) == 0,
        "swasmc prog (no extension, no -o) writes a.out and keeps prog (%d, %s)", rc, err);
  unlink(noext);
  unlink(aout);
  unlink(exe);
  unlink(trap_exe);
  unlink(in);
  unlink(trap_in);
}

/* swasm run of a WASI command: grants, arguments after FILE, exit status, trap line. */
static void test_run_command(const char *swasm, const char *dir) {
  char in[1024], trap_in[1024], out[4096], err[2048];
  snprintf(in, sizeof in, "%s/cmd.wat", dir);
  snprintf(trap_in, sizeof trap_in, "%s/cmdtrap.wat", dir);
  write_cmd(in, true);
  write_cmd(trap_in, false);
  char *r1[] = {(char *)swasm, "run", "--dir", (char *)dir, "--env", "A=1", in, "--help", "-O0",
                NULL};
  int rc = run(dir, r1, out, sizeof out, err, sizeof err);
  check(rc == 3 && strcmp(out, "hi\n") == 0 && !*err,
        "swasm run CMD ARGS: the guest's status, its arguments not taken as options (%d, %s)",
        rc, err);
  char *r2[] = {(char *)swasm, "run", "-O0", trap_in, "--", "x", NULL};
  rc = run(dir, r2, out, sizeof out, err, sizeof err);
  check(rc == 134 && strcmp(err, "swasm run: trap: out of bounds memory access in $boom "
                                 "(func 2)\n") == 0,
        "swasm run: a trap is one line and status 134 (%d, '%s')", rc, err);
  char *r3[] = {(char *)swasm, "run", "--dir", "a::", in, NULL};
  check(run(dir, r3, out, sizeof out, err, sizeof err) == 2, "swasm run --dir a:: is an error");
  char *r4[] = {(char *)swasm, "run", "--help", NULL};
  check(run(dir, r4, out, sizeof out, err, sizeof err) == 0 && strstr(out, "--dir HOST"),
        "swasm run --help documents --dir");
  unlink(in);
  unlink(trap_in);
}

static void test_run_shards(const char *swasm, const char *dir) {
  char in[1024], out[256], err[2048], want[64];
  snprintf(in, sizeof in, "%s/chain.wat", dir);
  char *wat = chain_wat();
  if (!wat) return;
  write_text(in, wat);
  free(wat);
  snprintf(want, sizeof want, "%d\n", (int32_t)chain_expected(5));
  char *argv[] = {(char *)swasm, "run", "-O0", in, "--invoke", "chain", "5", NULL};
  int rc = run(dir, argv, out, sizeof out, err, sizeof err);
  check(rc == 0 && strcmp(out, want) == 0, "sharded module runs: got '%s' want '%s' (%s)", out,
        want, err);
  unlink(in);
}

static void test_run(const char *swasm, const char *dir) {
  char in[1024], out[4096], err[2048];
  snprintf(in, sizeof in, "%s/add.wat", dir);
  static const struct { const char *args[6]; int status; const char *out, *err; } cases[] = {
    {{"--invoke", "add", "2", "3"}, 0, "5\n", ""},
    {{"--invoke", "add", "-1", "0x7fffffff"}, 0, "2147483646\n", ""},
    {{"-O0", "--invoke", "half", "0x1p-1"}, 0, "0.25\n0.100000001\n", ""},
    {{"--invoke", "half", "-inf"}, 0, "-inf\n0.100000001\n", ""},
    {{"--invoke", "div", "7", "0"}, 134, "", "swasm run: trap: integer divide by zero in func"},
    {{"--invoke", "load", "65536"}, 134, "", "trap: out of bounds memory access"},
    {{"--bounds-checks=explicit", "--invoke", "load", "65533"}, 134, "", "out of bounds memory"},
    {{"--bounds-checks=explicit", "--invoke", "load", "65532"}, 0, "0\n", ""},
    {{"--invoke", "add", "1"}, 2, "", "takes 2 arguments"},
    {{"--invoke", "add", "1", "x"}, 2, "", "not an i32"},
    {{"--invoke", "nope"}, 1, "", "no exported function"},
    {{NULL}, 1, "", "_start"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *argv[12];
    int n = 0;
    argv[n++] = (char *)swasm;
    argv[n++] = "run";
    argv[n++] = in;
    for (int k = 0; k < 6 && cases[i].args[k]; k++) argv[n++] = (char *)cases[i].args[k];
    argv[n] = NULL;
    int rc = run(dir, argv, out, sizeof out, err, sizeof err);
    check(rc == cases[i].status && strcmp(out, cases[i].out) == 0 && strstr(err, cases[i].err),
          "swasm run case %zu: status %d, stdout '%s', stderr '%s'", i, rc, out, err);
  }
}

/* The tools live at ../../tools/{swasmc/swasmc,swasm/swasm} from this test in the build tree. */
static bool tool_path(const char *name, char *out, size_t size) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return false;
  self[n] = '\0';
  char *slash = strrchr(self, '/');
  if (!slash) return false;
  *slash = '\0';
  snprintf(out, size, "%s/../../tools/%s", self, name);
  return access(out, X_OK) == 0;
}

static void remove_tree(const char *path) {
  DIR *d = opendir(path);
  if (d) {
    for (struct dirent *e; (e = readdir(d));) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      char sub[1024];
      snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
      remove_tree(sub);
    }
    closedir(d);
    rmdir(path);
  } else {
    unlink(path);
  }
}

int main(int argc, char **argv) {
  char tmp[] = "/tmp/swasm-test-target-XXXXXX";
  if (!mkdtemp(tmp)) {
    perror("mkdtemp");
    return 2;
  }
  char linkdir[600], clidir[600], swasmc[4300], swasm[4300];
  snprintf(linkdir, sizeof linkdir, "%s/link", tmp);
  snprintf(clidir, sizeof clidir, "%s/cli", tmp);
  mkdir(linkdir, 0700);
  mkdir(clidir, 0700);

  test_wat();
  swasm_module_t *m = module_from_wat(add_wat);
  check(m != NULL, "test module decodes and validates");
  if (m) {
    test_targets(m);
    test_determinism(m);
    test_hash(m);
    test_link(m, linkdir);
    test_cache(m, tmp);
    swasm_module_free(m);
  }
  test_shards();
  test_inlined_stack_checks();
  int skipped = 0;
  setenv("SWASM_CACHE_DIR", clidir, 1);
  if (argc > 2 ? snprintf(swasmc, sizeof swasmc, "%s", argv[1]) > 0
               : tool_path("swasmc/swasmc", swasmc, sizeof swasmc))
  {
    test_swasmc(swasmc, clidir);
    test_swasmc_exe(swasmc, clidir);
  } else
    skipped++;
  if (argc > 2 ? snprintf(swasm, sizeof swasm, "%s", argv[2]) > 0
               : tool_path("swasm/swasm", swasm, sizeof swasm))
  {
    test_run(swasm, clidir);
    test_run_command(swasm, clidir);
    test_run_shards(swasm, clidir);
  } else
    skipped++;
  remove_tree(tmp);
  printf("target: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed ? 1 : 0;
}

/* bench_build.c - finding the tools and the benchmark programs of 'swasm bench', and building
 * each program for every engine: native and wasm32-wasi with clang, swasmc -O2 (timed, with
 * its peak memory), and wasm2c + clang. */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

bench_engine_t bench_engines[BE_COUNT] = {
  [BE_NATIVE] = {.key = "native", .label = "native"},
  [BE_SWASM] = {.key = "swasm", .label = "swasm -O2"},
  [BE_NODE_TURBOFAN] = {.key = "node-turbofan", .label = "node --no-liftoff"},
  [BE_NODE] = {.key = "node", .label = "node"},
  [BE_WASM2C] = {.key = "wasm2c", .label = "wasm2c"},
};

static bool is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void set_reason(bench_engine_id_t e, const char *fmt, const char *arg) {
  bench_engines[e].available = false;
  bench_fmt(bench_engines[e].reason, sizeof bench_engines[e].reason, fmt, arg);
}

/* "source": "/path" from meson-info.json of the build tree this swasm was built in, so the
 * programs are found from any working directory. */
static bool source_from_build(const char *build, char *out, size_t n) {
  char path[PATH_MAX];
  bench_fmt(path, sizeof path, "%s/meson-info/meson-info.json", build);
  FILE *f = fopen(path, "r");
  if (!f) return false;
  char buf[8192];
  size_t len = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[len] = '\0';
  char *k = strstr(buf, "\"source\"");
  if (!k) return false;
  char *q = strchr(k + 8, '"');
  char *e = q ? strchr(q + 1, '"') : NULL;
  if (!q || !e) return false;
  bench_fmt(out, n, "%.*s", (int)(e - q - 1), q + 1);
  return true;
}

static bool tool_runs(char *const argv[], const bench_tools_t *t, char *version, size_t n) {
  char scratch[PATH_MAX];
  bench_fmt(scratch, sizeof scratch, "%s/.probe", t->work_dir);
  bench_command_line(argv, scratch, version, n);
  unlink(scratch);
  return version[0] != '\0';
}

static void find_node(bench_tools_t *t) {
  char ver[128];
  bench_fmt(t->node, sizeof t->node, "node");
  char *argv[] = {t->node, "--version", NULL};
  char runner[PATH_MAX + 32];
  bench_fmt(runner, sizeof runner, "%s/node/runner.mjs", t->src_dir);
  if (!tool_runs(argv, t, ver, sizeof ver)) {
    set_reason(BE_NODE, "%s", "node is not installed");
  } else if (!is_file(runner)) {
    set_reason(BE_NODE, "%s missing", runner);
  } else {
    bench_engines[BE_NODE].available = true;
    bench_fmt(bench_engines[BE_NODE].how, BENCH_NOTE, "Node %s (V8), default tiers (Liftoff, then "
             "TurboFan), testsuite/bench/node/runner.mjs", ver);
  }
  bench_engines[BE_NODE_TURBOFAN].available = bench_engines[BE_NODE].available;
  bench_fmt(bench_engines[BE_NODE_TURBOFAN].reason, BENCH_NOTE, "%s", bench_engines[BE_NODE].reason);
  bench_fmt(bench_engines[BE_NODE_TURBOFAN].how, BENCH_NOTE, "Node %s with --no-liftoff: "
           "optimising tier (TurboFan) only", ver);
}

static void find_wasm2c(bench_tools_t *t) {
  char ver[128];
  static const char *const rt_dirs[] = {"/usr/share/wabt/wasm2c", "/usr/src/wasm2c"};
  bench_fmt(t->wasm2c, sizeof t->wasm2c, "wasm2c");
  char *argv[] = {t->wasm2c, "--version", NULL};
  if (!tool_runs(argv, t, ver, sizeof ver)) {
    set_reason(BE_WASM2C, "%s", "wasm2c (Debian package wabt) is not installed");
    return;
  }
  for (size_t i = 0; i < sizeof rt_dirs / sizeof rt_dirs[0]; i++) {
    char impl[PATH_MAX + 32];
    bench_fmt(impl, sizeof impl, "%s/wasm-rt-impl.c", rt_dirs[i]);
    if (is_file(impl)) bench_fmt(t->wasm2c_rt_dir, sizeof t->wasm2c_rt_dir, "%s", rt_dirs[i]);
  }
  if (!t->wasm2c_rt_dir[0]) {
    set_reason(BE_WASM2C, "%s", "wabt's wasm-rt-impl.c not found");
    return;
  }
  bench_engines[BE_WASM2C].available = true;
  bench_fmt(bench_engines[BE_WASM2C].how, BENCH_NOTE, "wasm2c %s (wabt) + %s -O2, wabt's "
           "wasm-rt-impl.c (guard pages) and the minimal WASI of testsuite/bench/wasm2c/", ver,
           t->clang);
}

int bench_find_tools(bench_tools_t *t, const char *src_override, const char *swasmc_override) {
  char self[PATH_MAX] = "";
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  self[n > 0 ? n : 0] = '\0';
  char bin_dir[PATH_MAX], build[PATH_MAX + 16];
  bench_fmt(bin_dir, sizeof bin_dir, "%s", self);
  dirname(bin_dir);                                        /* build/tools/swasm */
  bench_fmt(build, sizeof build, "%s/../..", bin_dir);      /* build */

  const char *cc = getenv("CLANG");
  bench_fmt(t->clang, sizeof t->clang, "%s", cc && *cc ? cc : "clang-19");
  if (src_override) {
    bench_fmt(t->src_dir, sizeof t->src_dir, "%s", src_override);
  } else {
    char src[PATH_MAX];
    if (source_from_build(build, src, sizeof src))
      bench_fmt(t->src_dir, sizeof t->src_dir, "%s/testsuite/bench", src);
    else
      bench_fmt(t->src_dir, sizeof t->src_dir, "testsuite/bench");
  }
  if (!is_dir(t->src_dir)) {
    fprintf(stderr, "swasm bench: no benchmark directory %s (use --src DIR)\n", t->src_dir);
    return -1;
  }
  char ver[128];
  char *clang_argv[] = {t->clang, "--version", NULL};
  if (!tool_runs(clang_argv, t, ver, sizeof ver)) {
    fprintf(stderr, "swasm bench: %s does not run (set CLANG)\n", t->clang);
    return -1;
  }
  bench_engines[BE_NATIVE].available = true;
  bench_fmt(bench_engines[BE_NATIVE].how, BENCH_NOTE, "%s -O2 (%s)", t->clang, ver);

  if (swasmc_override) bench_fmt(t->swasmc, sizeof t->swasmc, "%s", swasmc_override);
  else bench_fmt(t->swasmc, sizeof t->swasmc, "%s/../swasmc/swasmc", bin_dir);
  bench_fmt(t->rt_lib, sizeof t->rt_lib, "%s/runtime/libswasm-rt.a", build);
  bench_fmt(t->rt_main_lib, sizeof t->rt_main_lib, "%s/runtime/wasi/libswasm-rt-main.a", build);
  if (access(t->swasmc, X_OK) != 0) {
    set_reason(BE_SWASM, "%s not found (use --swasmc PATH)", t->swasmc);
  } else {
    bench_engines[BE_SWASM].available = true;
    bench_fmt(bench_engines[BE_SWASM].how, BENCH_NOTE, "swasmc -O2 FILE.wasm -o EXE (a native "
             "WASI executable)");
  }
  find_node(t);
  find_wasm2c(t);
  return 0;
}

/* "// bench-KEY: value" directives at the start of a line. */
static void read_directives(bench_prog_t *p) {
  FILE *f = fopen(p->src, "r");
  if (!f) return;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = '\0';
    static const struct { const char *key; size_t off, size; } keys[] = {
      {"// bench-quick:", offsetof(bench_prog_t, quick_arg), sizeof ((bench_prog_t *)0)->quick_arg},
      {"// bench-wasm-flags:", offsetof(bench_prog_t, wasm_flags), sizeof ((bench_prog_t *)0)->wasm_flags},
      {"// bench-native-flags:", offsetof(bench_prog_t, native_flags), sizeof ((bench_prog_t *)0)->native_flags},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
      size_t kl = strlen(keys[i].key);
      if (strncmp(line, keys[i].key, kl) != 0) continue;
      const char *v = line + kl;
      while (*v == ' ') v++;
      bench_fmt((char *)p + keys[i].off, keys[i].size, "%s", v);
    }
  }
  fclose(f);
  /* A SIMD program without directives still needs the feature turned on. */
  if (!p->wasm_flags[0] && strstr(p->name, "simd"))
    bench_fmt(p->wasm_flags, sizeof p->wasm_flags, "-msimd128");
}

static bool listed(const char *only, const char *name) {
  if (!only) return true;
  size_t n = strlen(name);
  for (const char *s = only; *s;) {
    size_t len = strcspn(s, ",");
    if (len == n && strncmp(s, name, n) == 0) return true;
    s += len + (s[len] == ',');
  }
  return false;
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const bench_prog_t *)a)->name, ((const bench_prog_t *)b)->name);
}

int bench_find_programs(const bench_tools_t *t, bench_prog_t *progs, int max, const char *only) {
  DIR *d = opendir(t->src_dir);
  if (!d) return -1;
  int n = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    size_t len = strlen(de->d_name);
    if (len < 3 || len >= sizeof progs[0].name + 2 || strcmp(de->d_name + len - 2, ".c") != 0)
      continue;
    char name[64];
    bench_fmt(name, sizeof name, "%.*s", (int)(len - 2), de->d_name);
    if (!listed(only, name)) continue;
    if (n == max) {
      fprintf(stderr, "swasm bench: more than %d programs; ignoring %s\n", max, de->d_name);
      continue;
    }
    bench_prog_t *p = &progs[n++];
    memset(p, 0, sizeof *p);
    bench_fmt(p->name, sizeof p->name, "%s", name);
    bench_fmt(p->src, sizeof p->src, "%s/%s", t->src_dir, de->d_name);
    read_directives(p);
  }
  closedir(d);
  qsort(progs, (size_t)n, sizeof progs[0], by_name);
  for (const char *s = only; s && *s;) {   /* a misspelt name is an error, not a quiet skip */
    size_t len = strcspn(s, ",");
    int i = 0;
    while (i < n && !(strlen(progs[i].name) == len && strncmp(progs[i].name, s, len) == 0)) i++;
    if (i == n) {
      fprintf(stderr, "swasm bench: no program '%.*s' in %s\n", (int)len, s, t->src_dir);
      return -1;
    }
    s += len + (s[len] == ',');
  }
  return n;
}

/* Splits flags on spaces into argv (the strings live in store). */
static int add_words(char **argv, int argc, int max, char *store) {
  for (char *w = strtok(store, " "); w && argc < max - 1; w = strtok(NULL, " ")) argv[argc++] = w;
  return argc;
}

/* Runs a build step; on failure fills note with the step and the first line it printed. */
static bool step(const char *name, char *const argv[], const char *what, const char *log,
                 char *note, bench_run_t *r) {
  bench_run_t local;
  if (!r) r = &local;
  if (bench_spawn(argv, log, log, 600, r) == 0 && r->status == 0) return true;
  char first[200];
  bench_first_line(log, first, sizeof first);
  if (r->status == -1 || r->status == 127) bench_fmt(first, sizeof first, "%s did not start", argv[0]);
  else if (!first[0] && r->signal) bench_fmt(first, sizeof first, "killed by signal %d", r->signal);
  else if (!first[0]) bench_fmt(first, sizeof first, "exit status %d", r->status);
  bench_fmt(note, BENCH_NOTE, "%s failed for %s: %s", what, name, first);
  return false;
}

static void fail(bench_prog_t *p, bench_engine_id_t e, const char *note) {
  p->res[e].state = BS_FAILED;
  bench_fmt(p->res[e].note, BENCH_NOTE, "%s", note);
}

static void skip(bench_prog_t *p, bench_engine_id_t e, const char *note) {
  p->res[e].state = BS_SKIPPED;
  bench_fmt(p->res[e].note, BENCH_NOTE, "%s", note);
}

static void build_clang(const bench_tools_t *t, bench_prog_t *p, bool wasm, char *out, char *note,
                        bool *ok) {
  char flags[256], inc[PATH_MAX + 4], log[PATH_MAX + 16];
  char *argv[48];
  int argc = 0;
  argv[argc++] = (char *)t->clang;
  if (wasm) argv[argc++] = "--target=wasm32-wasi";
  argv[argc++] = "-O2";
  bench_fmt(inc, sizeof inc, "-I%s", t->src_dir);
  argv[argc++] = inc;
  bench_fmt(flags, sizeof flags, "%s", wasm ? p->wasm_flags : p->native_flags);
  argc = add_words(argv, argc, 40, flags);
  argv[argc++] = p->src;
  argv[argc++] = "-o";
  argv[argc++] = out;
  argv[argc++] = "-lm";
  argv[argc] = NULL;
  bench_fmt(log, sizeof log, "%s/%s.log", p->dir, wasm ? "wasm" : "native");
  *ok = step(p->name, argv, wasm ? "clang (wasm32-wasi)" : "clang (native)", log, note, NULL);
}

/* The fallback for a swasmc that cannot write executables yet: -c, then a link with the
 * runtime's WASI main by hand (the same code, the same runtime). */
static bool swasm_by_hand(bench_tools_t *t, bench_prog_t *p, bench_run_t *r, char *note) {
  char log[PATH_MAX + 16], obj[PATH_MAX + 16];
  bench_fmt(log, sizeof log, "%s/swasmc.log", p->dir);
  bench_fmt(obj, sizeof obj, "%s/swasm.o", p->dir);
  char *argv[] = {t->swasmc, "-O2", "-c", p->wasm, "-o", obj, NULL};
  if (!step(p->name, argv, "swasmc -O2 -c", log, note, r)) return false;
  char *link[] = {"cc", "-o", p->res[BE_SWASM].exe, obj, t->rt_main_lib, t->rt_lib, "-lm",
                  "-ldl", "-lpthread", NULL};
  bench_fmt(log, sizeof log, "%s/swasm-link.log", p->dir);
  return step(p->name, link, "cc (link)", log, note, NULL);
}

/* swasmc -O2 straight to an executable, timed; peak memory from wait4. */
static void build_swasm(bench_tools_t *t, bench_prog_t *p) {
  bench_result_t *res = &p->res[BE_SWASM];
  char log[PATH_MAX + 16], note[BENCH_NOTE];
  bench_fmt(res->exe, sizeof res->exe, "%s/swasm", p->dir);
  bench_fmt(log, sizeof log, "%s/swasmc.log", p->dir);
  bench_run_t r;
  bool ok = false;
  if (!t->swasm_fallback) {
    char *argv[] = {t->swasmc, "-O2", p->wasm, "-o", res->exe, NULL};
    ok = step(p->name, argv, "swasmc -O2", log, note, &r);
    if (!ok && r.status == 2) {   /* a usage error: this swasmc cannot write executables */
      if (!is_file(t->rt_lib) || !is_file(t->rt_main_lib)) {
        set_reason(BE_SWASM, "%s", note);
        skip(p, BE_SWASM, note);
        return;
      }
      t->swasm_fallback = true;
      bench_fmt(bench_engines[BE_SWASM].how, BENCH_NOTE, "swasmc -O2 -c FILE.wasm, linked by "
                "cc with libswasm-rt-main.a and libswasm-rt.a (this swasmc cannot write "
                "executables yet: the compile time is that of -c alone)");
    }
  }
  if (t->swasm_fallback) ok = swasm_by_hand(t, p, &r, note);
  if (!ok) {
    fail(p, BE_SWASM, note);
    return;
  }
  p->compile.measured = true;
  p->compile.wall = r.wall;
  p->compile.cpu = r.cpu;
  p->compile.maxrss_kb = r.maxrss_kb;
  res->state = BS_PENDING;
}

static void build_wasm2c(const bench_tools_t *t, bench_prog_t *p) {
  bench_result_t *res = &p->res[BE_WASM2C];
  char c_out[PATH_MAX + 16], log[PATH_MAX + 16], note[BENCH_NOTE];
  char inc_dir[PATH_MAX + 4], inc_rt[PATH_MAX + 4], impl[PATH_MAX + 32], main_c[PATH_MAX + 32];
  bench_fmt(c_out, sizeof c_out, "%s/w2c.c", p->dir);
  bench_fmt(log, sizeof log, "%s/wasm2c.log", p->dir);
  char *tr[] = {(char *)t->wasm2c, "-n", "bench", p->wasm, "-o", c_out, NULL};
  if (!step(p->name, tr, "wasm2c", log, note, NULL)) { skip(p, BE_WASM2C, note); return; }
  bench_fmt(res->exe, sizeof res->exe, "%s/wasm2c", p->dir);
  bench_fmt(inc_dir, sizeof inc_dir, "-I%s", p->dir);
  bench_fmt(inc_rt, sizeof inc_rt, "-I%s", t->wasm2c_rt_dir);
  bench_fmt(impl, sizeof impl, "%s/wasm-rt-impl.c", t->wasm2c_rt_dir);
  bench_fmt(main_c, sizeof main_c, "%s/wasm2c/wasi_main.c", t->src_dir);
  char *cc[] = {(char *)t->clang, "-O2", "-w", inc_dir, inc_rt, c_out, main_c, impl, "-o",
                res->exe, "-lm", NULL};
  bench_fmt(log, sizeof log, "%s/wasm2c-cc.log", p->dir);
  if (!step(p->name, cc, "clang of wasm2c's output", log, note, NULL)) {
    skip(p, BE_WASM2C, note);
    return;
  }
  res->state = BS_PENDING;
}

void bench_build(bench_tools_t *t, const bench_config_t *cfg, bench_prog_t *p) {
  char note[BENCH_NOTE];
  bool ok;
  (void)cfg;
  bench_fmt(p->dir, sizeof p->dir, "%s/%s", t->work_dir, p->name);
  if (mkdir(p->dir, 0777) != 0 && errno != EEXIST) {
    bench_fmt(note, sizeof note, "cannot create %s: %s", p->dir, strerror(errno));
    for (int e = 0; e < BE_COUNT; e++) fail(p, e, note);
    return;
  }
  for (int e = 0; e < BE_COUNT; e++) {
    if (!bench_engines[e].selected) skip(p, e, "not selected");
    else if (!bench_engines[e].available) skip(p, e, bench_engines[e].reason);
  }
  bench_fmt(p->res[BE_NATIVE].exe, sizeof p->res[BE_NATIVE].exe, "%s/native", p->dir);
  build_clang(t, p, false, p->res[BE_NATIVE].exe, note, &ok);
  if (!ok) fail(p, BE_NATIVE, note);

  bench_fmt(p->wasm, sizeof p->wasm, "%s/%s.wasm", p->dir, p->name);
  build_clang(t, p, true, p->wasm, note, &ok);
  struct stat st;
  p->wasm_bytes = ok && stat(p->wasm, &st) == 0 ? (long)st.st_size : 0;
  for (int e = BE_SWASM; e < BE_COUNT; e++) {
    if (p->res[e].state != BS_PENDING) continue;
    if (!ok) { fail(p, e, note); continue; }
    switch ((bench_engine_id_t)e) {
    case BE_SWASM: build_swasm(t, p); break;
    case BE_WASM2C: build_wasm2c(t, p); break;
    default: bench_fmt(p->res[e].exe, sizeof p->res[e].exe, "%s", p->wasm); break;
    }
  }
}

/* ---- the compile-speed series ------------------------------------------------------------ */

const int bench_levels[BENCH_LEVELS] = {0, 2};

/* What clang-19 -O2 makes of gen.c's output: about this many wasm bytes per function, plus
 * the rest of the program. Used only to pick a function count for a requested size; the
 * report gives the real sizes. */
enum { GEN_BYTES_PER_FUNC = 305, GEN_BASE_BYTES = 15000 };

static void series_fail(bench_csize_t *c, const char *note) {
  c->ok = false;
  if (!c->note[0]) bench_fmt(c->note, BENCH_NOTE, "%s", note);
}

/* gen N > gen-N.c, then the wasm module and a native reference build (-O0: only its
 * checksum matters, and it builds in a fraction of the time). */
static void series_generate(const bench_tools_t *t, const char *dir, const char *gen,
                            unsigned nfuncs, bench_csize_t *c) {
  char src[PATH_MAX + 32], native[PATH_MAX + 32], log[PATH_MAX + 32], count[16], out[PATH_MAX + 32];
  char note[BENCH_NOTE];
  bench_fmt(src, sizeof src, "%s/%s.c", dir, c->name);
  bench_fmt(native, sizeof native, "%s/%s.native", dir, c->name);
  bench_fmt(log, sizeof log, "%s/%s.log", dir, c->name);
  bench_fmt(c->wasm, sizeof c->wasm, "%s/%s.wasm", dir, c->name);
  bench_fmt(count, sizeof count, "%u", nfuncs);
  bench_run_t r;
  char *g[] = {(char *)gen, count, NULL};
  if (bench_spawn(g, src, log, 60, &r) != 0 || r.status != 0) {
    series_fail(c, "the generator failed");
    return;
  }
  char *w[] = {(char *)t->clang, "--target=wasm32-wasi", "-O2", "-w", src, "-o", c->wasm,
               "-lm", NULL};
  if (!step(c->name, w, "clang (wasm32-wasi)", log, note, NULL)) { series_fail(c, note); return; }
  char *nat[] = {(char *)t->clang, "-O0", "-w", src, "-o", native, "-lm", NULL};
  if (!step(c->name, nat, "clang (native)", log, note, NULL)) { series_fail(c, note); return; }
  char *run[] = {native, NULL};
  bench_fmt(out, sizeof out, "%s/%s.native.out", dir, c->name);
  if (bench_spawn(run, out, log, 60, &r) != 0 || r.status != 0 ||
      !bench_read_checksum(out, c->checksum, sizeof c->checksum))
    series_fail(c, "the native build printed no checksum");
}

static bench_csize_t *series_add(bench_series_t *s, const char *name) {
  if (s->n == BENCH_MAX_SIZES) return NULL;
  bench_csize_t *c = &s->sizes[s->n++];
  memset(c, 0, sizeof *c);
  bench_fmt(c->name, sizeof c->name, "%s", name);
  c->ok = true;
  return c;
}

void bench_series_build(const bench_tools_t *t, const bench_config_t *cfg, bench_series_t *s) {
  char dir[PATH_MAX + 32], gen[PATH_MAX + 32], gen_src[PATH_MAX + 32], log[PATH_MAX + 32];
  char note[BENCH_NOTE] = "";
  s->n = 0;
  bench_fmt(dir, sizeof dir, "%s/compile-series", t->work_dir);
  bench_fmt(gen, sizeof gen, "%s/gen", dir);
  bench_fmt(gen_src, sizeof gen_src, "%s/compile/gen.c", t->src_dir);
  bench_fmt(log, sizeof log, "%s/gen.log", dir);
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    bench_fmt(note, sizeof note, "cannot create %s: %s", dir, strerror(errno));
  char *cc[] = {(char *)t->clang, "-O2", "-w", gen_src, "-o", gen, NULL};
  if (!note[0]) step("the generator", cc, "clang (native)", log, note, NULL);
  const char *sizes = cfg->compile_sizes ? cfg->compile_sizes : "50,200,1000,3000";
  for (const char *q = sizes; *q;) {
    char *end;
    unsigned long kb = strtoul(q, &end, 10);
    if (end == q) break;   /* parse() let only numbers through */
    q = end + (*end == ',');
    if (kb == 0 || kb > 1000000) continue;
    unsigned long nf = kb * 1024 > GEN_BASE_BYTES ? (kb * 1024 - GEN_BASE_BYTES) / GEN_BYTES_PER_FUNC : 1;
    char name[64];
    bench_fmt(name, sizeof name, "gen-%lu", nf ? nf : 1);
    bench_csize_t *c = series_add(s, name);
    if (!c) break;
    c->generated = true;
    fprintf(stderr, "compile series: generating %s (about %lu KB)\n", name, kb);
    if (note[0]) series_fail(c, note);
    else series_generate(t, dir, gen, (unsigned)(nf ? nf : 1), c);
  }
  for (const char *q = cfg->compile_extra; q && *q;) {
    size_t len = strcspn(q, ",");
    char path[PATH_MAX], base[PATH_MAX];
    bench_fmt(path, sizeof path, "%.*s", (int)len, q);
    q += len + (q[len] == ',');
    bench_fmt(base, sizeof base, "%s", path);
    bench_csize_t *c = series_add(s, basename(base));
    if (!c) break;
    bench_fmt(c->wasm, sizeof c->wasm, "%s", path);
    if (!is_file(path)) series_fail(c, "no such file");
  }
  for (int i = 0; i < s->n; i++) {
    bench_csize_t *c = &s->sizes[i];
    struct stat st;
    if (c->ok && stat(c->wasm, &st) == 0) c->bytes = (long)st.st_size;
    bench_fmt(c->exe, sizeof c->exe, "%s/%s.obj", dir, c->name);
  }
}

/* Sums the CPU time of each phase from the "swasm-time:" lines swasmc printed. */
static void series_phases(const char *log, double out[5]) {
  static const char *const names[] = BENCH_PHASES;
  memset(out, 0, 5 * sizeof out[0]);
  FILE *f = fopen(log, "r");
  if (!f) return;
  char line[256], phase[32];
  while (fgets(line, sizeof line, f)) {
    const char *cpu = strstr(line, " cpu ");
    double v;
    if (sscanf(line, "swasm-time: %31s", phase) != 1 || !cpu || sscanf(cpu + 5, "%lf", &v) != 1)
      continue;
    for (int k = 0; k < 5; k++)
      if (strcmp(phase, names[k]) == 0) out[k] += v;
  }
  fclose(f);
}

/* One timed swasmc -O<level> -c: the compiler alone (decode, validate, codegen, LLVM, the
 * shards joined), without the final link of an executable. SWASM_TIME makes it print the
 * time of each phase, which costs a few lines of output. */
static void series_compile(const bench_tools_t *t, bench_csize_t *c, int li) {
  char obj[PATH_MAX + 16], log[PATH_MAX + 16], opt[8], note[BENCH_NOTE];
  bench_fmt(opt, sizeof opt, "-O%d", bench_levels[li]);
  bench_fmt(obj, sizeof obj, "%s.O%d.o", c->exe, bench_levels[li]);
  bench_fmt(log, sizeof log, "%s.O%d.log", c->exe, bench_levels[li]);
  char *argv[] = {(char *)t->swasmc, opt, "-c", c->wasm, "-o", obj, NULL};
  bench_run_t r;
  if (!step(c->name, argv, opt[2] == '0' ? "swasmc -O0 -c" : "swasmc -O2 -c", log, note, &r)) {
    series_fail(c, note);
    return;
  }
  int k = c->nruns[li]++;
  c->wall[li][k] = r.wall;
  c->cpu[li][k] = r.cpu;
  if (r.maxrss_kb > c->maxrss_kb[li]) c->maxrss_kb[li] = r.maxrss_kb;
  series_phases(log, c->phase_cpu[li]);
}

/* Builds an executable of a generated program at one level (swasmc -O<level> -o, untimed:
 * swasmc knows how its runtime links, sanitizer builds included) and runs it: the big programs
 * must print the native checksum too. */
static void series_check(const bench_tools_t *t, bench_csize_t *c, int li) {
  char exe[PATH_MAX + 16], log[PATH_MAX + 16], out[PATH_MAX + 16], opt[8];
  char note[BENCH_NOTE], sum[64];
  bench_fmt(opt, sizeof opt, "-O%d", bench_levels[li]);
  bench_fmt(exe, sizeof exe, "%s.O%d", c->exe, bench_levels[li]);
  bench_fmt(log, sizeof log, "%s.O%d.exe.log", c->exe, bench_levels[li]);
  bench_fmt(out, sizeof out, "%s.O%d.out", c->exe, bench_levels[li]);
  char *build[] = {(char *)t->swasmc, opt, c->wasm, "-o", exe, NULL};
  if (!step(c->name, build, "swasmc (executable)", log, note, NULL)) {
    series_fail(c, note);
    return;
  }
  char *run[] = {exe, NULL};
  bench_run_t r;
  if (bench_spawn(run, out, log, 120, &r) != 0 || r.status != 0 ||
      !bench_read_checksum(out, sum, sizeof sum)) {
    bench_fmt(note, sizeof note, "the -O%d build did not run to its checksum", bench_levels[li]);
    series_fail(c, note);
  } else if (strcmp(sum, c->checksum) != 0) {
    bench_fmt(note, sizeof note, "the -O%d build printed checksum %s (native: %s)",
              bench_levels[li], sum, c->checksum);
    series_fail(c, note);
  }
}

void bench_series_run(const bench_tools_t *t, const bench_config_t *cfg, bench_series_t *s) {
  int rounds = cfg->quick ? 1 : cfg->rounds < BENCH_SERIES_ROUNDS ? cfg->rounds : BENCH_SERIES_ROUNDS;
  if (!bench_engines[BE_SWASM].available) {   /* reported as skipped */
    for (int i = 0; i < s->n; i++) series_fail(&s->sizes[i], bench_engines[BE_SWASM].reason);
    return;
  }
  s->ran = true;
  setenv("SWASM_TIME", "1", 1);
  for (int round = 0; round < rounds; round++)
    for (int i = 0; i < s->n; i++)
      for (int li = 0; li < BENCH_LEVELS; li++) {
        bench_csize_t *c = &s->sizes[i];
        if (!c->ok) continue;
        fprintf(stderr, "compile series: round %d: %s (%ld bytes) at -O%d\n", round + 1, c->name,
                c->bytes, bench_levels[li]);
        series_compile(t, c, li);
      }
  unsetenv("SWASM_TIME");
  for (int i = 0; i < s->n; i++)
    for (int li = 0; li < BENCH_LEVELS; li++)
      if (s->sizes[i].ok && s->sizes[i].generated) {
        fprintf(stderr, "compile series: checking %s at -O%d\n", s->sizes[i].name,
                bench_levels[li]);
        series_check(t, &s->sizes[i], li);
      }
}

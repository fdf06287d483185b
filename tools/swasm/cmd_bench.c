/* cmd_bench.c - 'swasm bench': builds the programs of testsuite/bench for every engine (native,
 * swasm -O2, Node with and without Liftoff, wasm2c), runs them in interleaved rounds measuring
 * CPU time, checks every checksum against the native one, and reports tables and a chart. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "cmds.h"

enum { EXIT_FAIL = 1, EXIT_USAGE = 2 };

static bench_prog_t progs[BENCH_MAX_PROGS];

static void usage(FILE *f) {
  fprintf(f,
    "usage: swasm bench [OPTIONS]\n"
    "\n"
    "Builds each program of testsuite/bench natively and for wasm32-wasi (clang-19 -O2), runs\n"
    "it under every available engine in interleaved rounds (A B C A B C ...), and reports the\n"
    "median and min-max CPU time (user+sys) per engine, the ratio to native, geometric means,\n"
    "and the time and peak memory of each swasmc -O2 compile. A wrong or missing checksum is a\n"
    "failure. Engines: native, swasm (swasmc -O2), node-turbofan (node --no-liftoff), node,\n"
    "wasm2c (wasm2c + clang-19 -O2); one that is not installed is reported as skipped.\n"
    "\n"
    "  --rounds N         measured rounds (default 5)\n"
    "  --quick            one round at each program's tiny size, checksums only; prints one\n"
    "                     line per program and engine and 'N passed, N failed, N skipped'\n"
    "  --md FILE          also write the report (machine, date, command, tables) as markdown;\n"
    "                     text below a '<!-- bench:notes -->' line of an existing FILE is kept\n"
    "  --svg FILE         write a bar chart of the ratios to native\n"
    "  --engines LIST     comma-separated engines to run (native always runs)\n"
    "  --programs LIST    comma-separated program names (default: every testsuite/bench/*.c)\n"
    "  --src DIR          the benchmark sources (default: testsuite/bench of this build's tree)\n"
    "  --swasmc PATH      the compiler (default: the swasmc beside this swasm)\n"
    "  --work DIR         build in DIR and keep it (default: a temporary directory, removed)\n"
    "  --timeout SECONDS  CPU-time limit per run (default 300)\n"
    "  -v, --verbose      print every run\n"
    "\n"
    "CLANG overrides clang-19. exit status: 0 all checksums matched, 1 a failure, 2 usage or\n"
    "I/O error\n");
}

static int usage_error(const char *msg, const char *arg) {
  fprintf(stderr, "swasm bench: %s %s\nTry 'swasm bench --help'.\n", msg, arg ? arg : "");
  return EXIT_USAGE;
}

static bool select_engines(const char *list) {
  for (int e = 0; e < BE_COUNT; e++) bench_engines[e].selected = list == NULL || e == BE_NATIVE;
  if (!list) return true;
  for (const char *s = list; *s;) {
    size_t len = strcspn(s, ",");
    bool found = false;
    for (int e = 0; e < BE_COUNT; e++)
      if (strlen(bench_engines[e].key) == len && strncmp(s, bench_engines[e].key, len) == 0)
        bench_engines[e].selected = found = true;
    if (!found) return false;
    s += len + (s[len] == ',');
  }
  return true;
}

/* The command for the report, less the options that do not change what is measured. */
static void record_command(bench_config_t *cfg, int argc, char **argv) {
  size_t o = (size_t)bench_fmt(cfg->command, sizeof cfg->command, "swasm bench");
  for (int i = 1; i < argc && o < sizeof cfg->command; i++) {
    if (strcmp(argv[i], "--work") == 0) { i++; continue; }
    if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) continue;
    bool quote = strpbrk(argv[i], " \t'\"$") != NULL;
    o += (size_t)bench_fmt(cfg->command + o, sizeof cfg->command - o, quote ? " '%s'" : " %s",
                          argv[i]);
  }
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st; (void)ftw;
  return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* One run of one program under one engine; false when it failed (the note says why). */
static bool run_once(const bench_tools_t *t, const bench_config_t *cfg, bench_prog_t *p,
                     bench_engine_id_t e, double *cpu) {
  bench_result_t *res = &p->res[e];
  char runner[PATH_MAX + 32], out[PATH_MAX + 32], err[PATH_MAX + 32], sum[64], first[200];
  bench_fmt(runner, sizeof runner, "%s/node/runner.mjs", t->src_dir);
  bench_fmt(out, sizeof out, "%s/%s.out", p->dir, bench_engines[e].key);
  bench_fmt(err, sizeof err, "%s/%s.err", p->dir, bench_engines[e].key);
  char *argv[8];
  int argc = 0;
  if (e == BE_NODE || e == BE_NODE_TURBOFAN) {
    argv[argc++] = (char *)t->node;
    if (e == BE_NODE_TURBOFAN) argv[argc++] = "--no-liftoff";
    argv[argc++] = runner;
  }
  argv[argc++] = res->exe;
  if (cfg->quick && p->quick_arg[0]) argv[argc++] = p->quick_arg;
  argv[argc] = NULL;
  bench_run_t r;
  int rc = bench_spawn(argv, out, err, cfg->timeout, &r);
  bench_first_line(err, first, sizeof first);
  if (rc != 0) {
    bench_fmt(res->note, BENCH_NOTE, "%s did not start", argv[0]);
  } else if (r.timed_out) {
    bench_fmt(res->note, BENCH_NOTE, "timed out after %.0f s of CPU time", r.cpu);
  } else if (r.status != 0) {
    bench_fmt(res->note, BENCH_NOTE, "%s %d%s%s", r.signal ? "killed by signal" : "exit status",
              r.signal ? r.signal : r.status, first[0] ? ": " : "", first);
  } else if (!bench_read_checksum(out, sum, sizeof sum)) {
    bench_fmt(res->note, BENCH_NOTE, "no 'checksum:' line in its output");
  } else if (e == BE_NATIVE && !p->checksum[0]) {
    bench_fmt(p->checksum, sizeof p->checksum, "%s", sum);
    *cpu = r.cpu;
    return true;
  } else if (strcmp(sum, p->checksum) != 0) {
    bench_fmt(res->note, BENCH_NOTE, "wrong checksum %s (native: %s)", sum, p->checksum);
  } else {
    *cpu = r.cpu;
    return true;
  }
  return false;
}

static void run_program(const bench_tools_t *t, const bench_config_t *cfg, bench_prog_t *p) {
  int rounds = cfg->quick ? 1 : cfg->rounds;
  for (int round = 0; round < rounds; round++) {
    for (int e = 0; e < BE_COUNT; e++) {
      bench_result_t *res = &p->res[e];
      if (res->state != BS_PENDING) continue;
      if (e != BE_NATIVE && !p->checksum[0]) {
        res->state = BS_FAILED;
        bench_fmt(res->note, BENCH_NOTE, "no native reference checksum");
        continue;
      }
      double cpu = 0;
      if (!run_once(t, cfg, p, (bench_engine_id_t)e, &cpu)) {
        res->state = BS_FAILED;
        continue;
      }
      res->cpu[res->nruns++] = cpu;
      if (cfg->verbose)
        fprintf(stderr, "  %-12s %-18s round %d: %.3f s\n", p->name, bench_engines[e].label,
                round + 1, cpu);
    }
  }
  for (int e = 0; e < BE_COUNT; e++)
    if (p->res[e].state == BS_PENDING) p->res[e].state = BS_OK;
}

/* One line per program and engine, then the totals; returns the number of failures. */
static int summarize(FILE *f, int n, bool lines) {
  int pass = 0, failed = 0, skipped = 0;
  for (int i = 0; i < n; i++)
    for (int e = 0; e < BE_COUNT; e++) {
      const bench_result_t *r = &progs[i].res[e];
      if (!bench_engines[e].selected) continue;
      const char *tag = r->state == BS_OK ? "ok" : r->state == BS_SKIPPED ? "skip" : "FAIL";
      if (r->state == BS_OK) pass++;
      else if (r->state == BS_SKIPPED) skipped++;
      else failed++;
      if (lines || r->state == BS_FAILED)
        fprintf(f, "%-5s %s [%s]%s%s\n", tag, progs[i].name, bench_engines[e].label,
                r->state == BS_OK ? "" : ": ", r->state == BS_OK ? "" : r->note);
    }
  fprintf(f, "\n%d passed, %d failed, %d skipped\n", pass, failed, skipped);
  return failed;
}

/* The part of an existing report below the notes marker, kept across regenerations. */
static char *old_notes(const char *path) {
  size_t size;
  uint8_t *buf = path ? tool_read_file(path, &size) : NULL;
  if (!buf) return NULL;
  char *text = realloc(buf, size + 1);
  if (!text) { free(buf); return NULL; }
  text[size] = '\0';
  char *m = strstr(text, "<!-- bench:notes -->");
  if (!m) { free(text); return NULL; }
  memmove(text, m, strlen(m) + 1);
  return text;
}

typedef struct md_ctx {
  const bench_config_t *cfg;
  const bench_tools_t *t;
  int n;
  const char *svg_rel;
  const char *notes;
} md_ctx_t;

static void md_body(FILE *f, void *vctx) {
  md_ctx_t *c = vctx;
  bench_write_markdown(f, c->cfg, c->t, progs, c->n, c->svg_rel, c->notes);
}

/* The chart as the markdown file will see it: beside it, by name; elsewhere, as given. */
static void svg_relative(const char *md, const char *svg, char *out, size_t n) {
  const char *ms = md ? strrchr(md, '/') : NULL, *ss = strrchr(svg, '/');
  size_t ml = ms ? (size_t)(ms - md) : 0, sl = ss ? (size_t)(ss - svg) : 0;
  if (ml == sl && (ml == 0 || strncmp(md, svg, ml) == 0)) bench_fmt(out, n, "%s", ss ? ss + 1 : svg);
  else bench_fmt(out, n, "%s", svg);
}

static int report(const bench_config_t *cfg, const bench_tools_t *t, int n) {
  int status = 0;
  char svg_rel[PATH_MAX] = "";
  if (cfg->svg_path) {
    if (bench_write_svg(cfg->svg_path, progs, n) != 0) {
      fprintf(stderr, "swasm bench: cannot write %s: %s\n", cfg->svg_path, strerror(errno));
      status = EXIT_USAGE;
    } else {
      svg_relative(cfg->md_path, cfg->svg_path, svg_rel, sizeof svg_rel);
    }
  }
  char *notes = old_notes(cfg->md_path);
  bench_write_markdown(stdout, cfg, t, progs, n, svg_rel[0] ? svg_rel : NULL, notes);
  if (cfg->md_path) {
    md_ctx_t ctx = {cfg, t, n, svg_rel[0] ? svg_rel : NULL, notes};
    if (bench_write_file(cfg->md_path, md_body, &ctx) != 0) {
      fprintf(stderr, "swasm bench: cannot write %s: %s\n", cfg->md_path, strerror(errno));
      status = EXIT_USAGE;
    }
  }
  free(notes);
  return status;
}

typedef struct opts {
  bench_config_t cfg;
  const char *engines, *programs, *src, *swasmc, *work;
  bool keep;
} opts_t;

static int parse(int argc, char **argv, opts_t *o) {
  o->cfg.rounds = 5;
  o->cfg.timeout = 300;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **val = NULL;
    if (tool_is_help(a)) { usage(stdout); return -1; }
    if (strcmp(a, "--quick") == 0) { o->cfg.quick = true; continue; }
    if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) { o->cfg.verbose = true; continue; }
    if (i + 1 >= argc) return usage_error("missing value or unknown option", a);
    const char *v = argv[++i];
    if (strcmp(a, "--rounds") == 0) {
      char *end;
      long r = strtol(v, &end, 10);
      if (*end || r < 1 || r > BENCH_MAX_ROUNDS) return usage_error("--rounds takes 1..100, not", v);
      o->cfg.rounds = (int)r;
      continue;
    }
    if (strcmp(a, "--timeout") == 0) {
      char *end;
      o->cfg.timeout = strtod(v, &end);
      if (*end || !(o->cfg.timeout >= 1)) return usage_error("--timeout takes seconds, not", v);
      continue;
    }
    if (strcmp(a, "--md") == 0) val = &o->cfg.md_path;
    else if (strcmp(a, "--svg") == 0) val = &o->cfg.svg_path;
    else if (strcmp(a, "--engines") == 0) val = &o->engines;
    else if (strcmp(a, "--programs") == 0) val = &o->programs;
    else if (strcmp(a, "--src") == 0) val = &o->src;
    else if (strcmp(a, "--swasmc") == 0) val = &o->swasmc;
    else if (strcmp(a, "--work") == 0) val = &o->work;
    else return usage_error("unknown option", a);
    *val = v;
  }
  if (!select_engines(o->engines)) return usage_error("unknown engine in", o->engines);
  record_command(&o->cfg, argc, argv);
  return 0;
}

static int make_work_dir(opts_t *o, bench_tools_t *t) {
  if (o->work) {
    bench_fmt(t->work_dir, sizeof t->work_dir, "%s", o->work);
    if (mkdir(t->work_dir, 0777) != 0 && errno != EEXIST) return -1;
    o->keep = true;
    return 0;
  }
  const char *tmp = getenv("TMPDIR");
  bench_fmt(t->work_dir, sizeof t->work_dir, "%s/swasm-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  return mkdtemp(t->work_dir) ? 0 : -1;
}

int cmd_bench(int argc, char **argv) {
  static opts_t o;
  static bench_tools_t t;
  memset(&o, 0, sizeof o);
  memset(&t, 0, sizeof t);
  int rc = parse(argc, argv, &o);
  if (rc != 0) return rc < 0 ? 0 : rc;
  if (make_work_dir(&o, &t) != 0) {
    fprintf(stderr, "swasm bench: cannot create a work directory: %s\n", strerror(errno));
    return EXIT_USAGE;
  }
  int status = EXIT_USAGE;
  if (bench_find_tools(&t, o.src, o.swasmc) != 0) goto out;
  int n = bench_find_programs(&t, progs, BENCH_MAX_PROGS, o.programs);
  if (n <= 0) {
    if (n == 0) fprintf(stderr, "swasm bench: no programs in %s\n", t.src_dir);
    goto out;
  }
  bench_loadavg(o.cfg.load_start, sizeof o.cfg.load_start);
  for (int i = 0; i < n; i++) {
    fprintf(stderr, "[%d/%d] %s: building\n", i + 1, n, progs[i].name);
    bench_build(&t, &o.cfg, &progs[i]);
    fprintf(stderr, "[%d/%d] %s: running %d round%s\n", i + 1, n, progs[i].name,
            o.cfg.quick ? 1 : o.cfg.rounds, o.cfg.quick || o.cfg.rounds == 1 ? "" : "s");
    run_program(&t, &o.cfg, &progs[i]);
  }
  if (o.cfg.quick) {
    status = summarize(stdout, n, true) ? EXIT_FAIL : 0;
  } else {
    status = report(&o.cfg, &t, n);
    int failed = summarize(stdout, n, false);
    if (status == 0 && failed) status = EXIT_FAIL;
  }
out:
  if (!o.keep) nftw(t.work_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  else fprintf(stderr, "swasm bench: build products kept in %s\n", t.work_dir);
  return status;
}

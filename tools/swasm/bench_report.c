/* bench_report.c - the results of 'swasm bench' as a markdown report (machine, date, command,
 * CPU-time, ratio and compile tables, the performance targets) and an SVG bar chart. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "swasm_config.h"

/* The swasm targets of the issue: geomean ratio, worst ratio. */
#define TARGET_GEOMEAN 1.10
#define TARGET_WORST 1.5
/* Compile speed (KB of wasm per second of wall time, modules of 1 MB and more) and the
 * linearity test: the cost of each added MB (CPU time, peak memory) between the two largest
 * generated modules may be at most LINEAR_GROWTH times that between the two below them.
 * Linear growth keeps it at 1 (give or take noise), n log n a little above, and a quadratic
 * at about the ratio of the sizes (3 for 1 MB to 3 MB). */
static const double target_kbs[BENCH_LEVELS] = {1024.0, 200.0};
#define SERIES_MIN_BYTES (1000L * 1024)
#define LINEAR_GROWTH 1.3

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double bench_median(const double *v, int n) {
  if (n <= 0) return NAN;
  double s[BENCH_MAX_ROUNDS];
  memcpy(s, v, sizeof(double) * (size_t)n);
  qsort(s, (size_t)n, sizeof s[0], cmp_double);
  return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static double vmin(const double *v, int n) {
  double m = v[0];
  for (int i = 1; i < n; i++) if (v[i] < m) m = v[i];
  return m;
}

static double vmax(const double *v, int n) {
  double m = v[0];
  for (int i = 1; i < n; i++) if (v[i] > m) m = v[i];
  return m;
}

/* median(engine) / median(native), NAN when either did not run cleanly. */
double bench_ratio(const bench_prog_t *p, int e) {
  const bench_result_t *r = &p->res[e], *nat = &p->res[BE_NATIVE];
  if (r->state != BS_OK || nat->state != BS_OK || r->nruns == 0 || nat->nruns == 0) return NAN;
  double base = bench_median(nat->cpu, nat->nruns);
  return base > 0 ? bench_median(r->cpu, r->nruns) / base : NAN;
}

/* Geometric mean of the ratios that exist; *count says over how many programs. */
double bench_geomean(const bench_prog_t *progs, int n, int e, int *count) {
  double s = 0;
  int k = 0;
  for (int i = 0; i < n; i++) {
    double r = bench_ratio(&progs[i], e);
    if (isnan(r) || r <= 0) continue;
    s += log(r);
    k++;
  }
  *count = k;
  return k ? exp(s / k) : NAN;
}

static bool shown(int e) { return bench_engines[e].selected; }

static void cpu_model(char *buf, size_t n) {
  bench_fmt(buf, n, "unknown CPU");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return;
  char line[512];
  bool vm = false, got = false;
  while (fgets(line, sizeof line, f)) {
    if (!got && strncmp(line, "model name", 10) == 0) {
      char *v = strchr(line, ':');
      if (v) {
        v += 1 + (v[1] == ' ');
        v[strcspn(v, "\n")] = '\0';
        bench_fmt(buf, n, "%s", v);
        got = true;
      }
    }
    if (strncmp(line, "flags", 5) == 0 && strstr(line, " hypervisor")) vm = true;
  }
  fclose(f);
  if (vm) {
    size_t l = strlen(buf);
    bench_fmt(buf + l, n - l, " (virtual machine)");
  }
}

static long mem_total_mib(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  long kb = 0;
  if (!f) return 0;
  if (fscanf(f, "MemTotal: %ld kB", &kb) != 1) kb = 0;
  fclose(f);
  return kb / 1024;
}

/* This swasm as the command line names it from the current directory (the path of the build
 * that measured, e.g. build-release/tools/swasm/swasm), or its absolute path. */
static void self_path(char *buf, size_t n) {
  char self[4096], cwd[4096];
  ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  if (len <= 0) {
    bench_fmt(buf, n, "swasm");
    return;
  }
  self[len] = 0;
  size_t c = getcwd(cwd, sizeof cwd) ? strlen(cwd) : 0;
  if (c && strncmp(self, cwd, c) == 0 && self[c] == '/') bench_fmt(buf, n, "%s", self + c + 1);
  else bench_fmt(buf, n, "%s", self);
}

static void machine(FILE *f, const bench_config_t *cfg) {
  char exe[4096];
  self_path(exe, sizeof exe);
  char model[256], date[64];
  struct utsname u;
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", &tm);
  cpu_model(model, sizeof model);
  if (uname(&u) != 0) bench_fmt(u.release, sizeof u.release, "?");
  fprintf(f, "Measured %s with swasm %s, from the top of the repository:\n\n", date,
          SWASM_VERSION_STRING);
  /* cfg->command starts with "swasm bench": the path replaces its first word. */
  fprintf(f, "```sh\n%s%s\n```\n\n", exe, cfg->command + strlen("swasm"));
  fprintf(f, "- Machine: %s, %ld CPUs online, %ld MiB memory, Linux %s\n", model,
          sysconf(_SC_NPROCESSORS_ONLN), mem_total_mib(), u.release);
#ifdef NDEBUG
  fprintf(f, "- swasm built without assertions (release: LLVM modules not verified)\n");
#else
  fprintf(f, "- swasm built with assertions (every LLVM module verified, which release builds "
          "skip)\n");
#endif
  char load_end[64];
  bench_loadavg(load_end, sizeof load_end);
  if (cfg->load_start[0] && load_end[0])
    fprintf(f, "- Load average (1, 5, 15 min) when the runs began: %s; when they ended: %s\n",
            cfg->load_start, load_end);
}

static void engines(FILE *f) {
  fprintf(f, "- Engines:\n");
  for (int e = 0; e < BE_COUNT; e++) {
    const bench_engine_t *g = &bench_engines[e];
    if (!g->selected) continue;
    if (g->available) fprintf(f, "  - **%s**: %s\n", g->label, g->how);
    else fprintf(f, "  - **%s**: unavailable on this machine: %s\n", g->label, g->reason);
  }
}

static const char *const method =
  "Each program is built natively and for wasm32-wasi with clang-19 -O2 from the same source, "
  "and prints a checksum of its work; a run whose checksum differs from the native one is a "
  "failure, never a number. Rounds are interleaved (native, swasm, node --no-liftoff, node, "
  "wasm2c, then again), so a slow phase of the machine hits every engine alike. The time is the "
  "CPU time (user + system) of the process from wait4(), so it includes process start-up, "
  "module instantiation and, for Node, its compilation threads. The ratio is median(engine) / "
  "median(native); geometric means are over the programs where both ran.\n\n";

static void cell_time(FILE *f, const bench_result_t *r) {
  if (r->state == BS_OK && r->nruns > 0) {
    double med = bench_median(r->cpu, r->nruns);
    if (r->nruns == 1) fprintf(f, " %.3f |", med);
    else fprintf(f, " %.3f (%.3f–%.3f) |", med, vmin(r->cpu, r->nruns), vmax(r->cpu, r->nruns));
  } else {
    fprintf(f, " %s |", r->state == BS_FAILED ? "**FAILED**" : "n/a");
  }
}

static void table_times(FILE *f, const bench_config_t *cfg, const bench_prog_t *progs, int n) {
  int rounds = cfg->quick ? 1 : cfg->rounds;
  fprintf(f, "### CPU time in seconds: median (min–max) of %d round%s\n\n| program |", rounds,
          rounds == 1 ? "" : "s");
  for (int e = 0; e < BE_COUNT; e++) if (shown(e)) fprintf(f, " %s |", bench_engines[e].label);
  fprintf(f, "\n|---|");
  for (int e = 0; e < BE_COUNT; e++) if (shown(e)) fprintf(f, "---:|");
  fprintf(f, "\n");
  for (int i = 0; i < n; i++) {
    fprintf(f, "| %s |", progs[i].name);
    for (int e = 0; e < BE_COUNT; e++) if (shown(e)) cell_time(f, &progs[i].res[e]);
    fprintf(f, "\n");
  }
  fprintf(f, "\n");
}

static void table_ratios(FILE *f, const bench_prog_t *progs, int n) {
  fprintf(f, "### Ratio to native (lower is better)\n\n| program |");
  for (int e = 1; e < BE_COUNT; e++) if (shown(e)) fprintf(f, " %s |", bench_engines[e].label);
  fprintf(f, "\n|---|");
  for (int e = 1; e < BE_COUNT; e++) if (shown(e)) fprintf(f, "---:|");
  fprintf(f, "\n");
  for (int i = 0; i < n; i++) {
    fprintf(f, "| %s |", progs[i].name);
    for (int e = 1; e < BE_COUNT; e++) {
      if (!shown(e)) continue;
      double r = bench_ratio(&progs[i], e);
      if (isnan(r)) fprintf(f, " %s |", progs[i].res[e].state == BS_FAILED ? "**FAILED**" : "n/a");
      else fprintf(f, " %.2f |", r);
    }
    fprintf(f, "\n");
  }
  fprintf(f, "| **geometric mean** |");
  for (int e = 1; e < BE_COUNT; e++) {
    if (!shown(e)) continue;
    int k;
    double g = bench_geomean(progs, n, e, &k);
    if (isnan(g)) fprintf(f, " n/a |");
    else if (k < n) fprintf(f, " **%.2f** (%d of %d) |", g, k, n);
    else fprintf(f, " **%.2f** |", g);
  }
  fprintf(f, "\n\n");
}

static void table_compile(FILE *f, const bench_prog_t *progs, int n) {
  fprintf(f, "### swasmc -O2 compile of each module\n\n"
             "| program | wasm bytes | wall time (s) | CPU time (s) | wasm KB/s (wall) | peak RSS (MiB) |\n"
             "|---|---:|---:|---:|---:|---:|\n");
  for (int i = 0; i < n; i++) {
    const bench_prog_t *p = &progs[i];
    if (!p->compile.measured) {
      fprintf(f, "| %s | %ld | n/a | n/a | n/a | n/a |\n", p->name, p->wasm_bytes);
      continue;
    }
    fprintf(f, "| %s | %ld | %.3f | %.3f | %.0f | %.1f |\n", p->name, p->wasm_bytes,
            p->compile.wall, p->compile.cpu,
            p->compile.wall > 0 ? (double)p->wasm_bytes / 1024.0 / p->compile.wall : 0.0,
            (double)p->compile.maxrss_kb / 1024.0);
  }
  fprintf(f, "\n");
}

/* ---- the compile-speed series -------------------------------------------------------- */

enum { S_WALL, S_CPU, S_RSS };

static double series_value(const bench_csize_t *c, int li, int what) {
  if (what == S_RSS) return (double)c->maxrss_kb[li] / 1024.0;
  return bench_median(what == S_WALL ? c->wall[li] : c->cpu[li], c->nruns[li]);
}

static bool series_usable(const bench_csize_t *c, int li) {
  return c->ok && c->nruns[li] > 0 && c->bytes > 0;
}

/* Over the generated modules, by size: the least-squares line y = a + b x (x in MB), and the
 * cost per added MB over the last two steps (last_step, prev_step); false under three sizes. */
typedef struct line_fit { double a, b, r2, prev_step, last_step; int n; } line_fit_t;

static bool series_fit(const bench_series_t *s, int li, int what, line_fit_t *fit) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0, xs[BENCH_MAX_SIZES], ys[BENCH_MAX_SIZES];
  int n = 0;
  for (int i = 0; i < s->n; i++) {
    const bench_csize_t *c = &s->sizes[i];
    if (!c->generated || !series_usable(c, li)) continue;
    double x = (double)c->bytes / 1e6, y = series_value(c, li, what);
    int k = n++;
    for (; k > 0 && xs[k - 1] > x; k--) {   /* kept sorted by size */
      xs[k] = xs[k - 1];
      ys[k] = ys[k - 1];
    }
    xs[k] = x;
    ys[k] = y;
    sx += x; sy += y; sxx += x * x; sxy += x * y; syy += y * y;
  }
  if (n < 3 || xs[n - 1] <= xs[n - 2] || xs[n - 2] <= xs[n - 3]) return false;
  double d = n * sxx - sx * sx;
  fit->n = n;
  fit->b = (n * sxy - sx * sy) / d;
  fit->a = (sy - fit->b * sx) / n;
  double ss_tot = syy - sy * sy / n, ss_res = 0;
  for (int k = 0; k < n; k++) {
    double e = ys[k] - (fit->a + fit->b * xs[k]);
    ss_res += e * e;
  }
  fit->r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : 1;
  fit->last_step = (ys[n - 1] - ys[n - 2]) / (xs[n - 1] - xs[n - 2]);
  fit->prev_step = (ys[n - 2] - ys[n - 3]) / (xs[n - 2] - xs[n - 3]);
  return true;
}

static double growth(const line_fit_t *f) {
  return f->prev_step > 0 ? f->last_step / f->prev_step : INFINITY;
}

static bool fit_linear(const line_fit_t *f) { return growth(f) <= LINEAR_GROWTH; }

/* Where the CPU time of the largest generated module went, from swasmc's SWASM_TIME lines. */
static void series_profile(FILE *f, const bench_series_t *s, int li) {
  static const char *const what[] = {"codegen (wasm to LLVM IR)", "IR verification",
                                     "LLVM optimisation", "LLVM code generation",
                                     "joining the shards (ld.lld -r)"};
  const bench_csize_t *big = NULL;
  for (int i = 0; i < s->n; i++) {
    const bench_csize_t *c = &s->sizes[i];
    if (c->generated && series_usable(c, li) && (!big || c->bytes > big->bytes)) big = c;
  }
  if (!big) return;
  double total = big->cpu[li][big->nruns[li] - 1], sum = 0;
  if (total <= 0) return;
  fprintf(f, "CPU time of %s at -O%d (last round, %.2f s):", big->name, bench_levels[li], total);
  for (int k = 0; k < 5; k++) {
    sum += big->phase_cpu[li][k];
    if (big->phase_cpu[li][k] >= 0.005 * total)
      fprintf(f, " %s %.0f%%,", what[k], 100 * big->phase_cpu[li][k] / total);
  }
  fprintf(f, " the rest (reading, decoding and validating the module, threads, process) "
          "%.0f%%.\n\n", sum < total ? 100 * (total - sum) / total : 0.0);
}

static void table_series_level(FILE *f, const bench_series_t *s, int li, int rounds) {
  fprintf(f, "#### swasmc -O%d -c (median of %d round%s)\n\n", bench_levels[li], rounds,
          rounds == 1 ? "" : "s");
  fprintf(f, "| module | wasm KB | wall (s) | CPU (s) | KB/s (wall) | KB/s (CPU) | CPU s per MB "
             "| peak RSS (MiB) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (int i = 0; i < s->n; i++) {
    const bench_csize_t *c = &s->sizes[i];
    double kb = (double)c->bytes / 1024.0;
    if (!series_usable(c, li)) {
      fprintf(f, "| %s | %.0f | **failed** | | | | | |\n", c->name, kb);
      continue;
    }
    double w = series_value(c, li, S_WALL), cpu = series_value(c, li, S_CPU);
    fprintf(f, "| %s | %.0f | %.2f | %.2f | %.0f | %.0f | %.2f | %.0f |\n", c->name, kb, w, cpu,
            w > 0 ? kb / w : 0.0, cpu > 0 ? kb / cpu : 0.0, cpu / ((double)c->bytes / 1e6),
            series_value(c, li, S_RSS));
  }
  fprintf(f, "\n");
  series_profile(f, s, li);
  line_fit_t t, m;
  if (series_fit(s, li, S_CPU, &t) && series_fit(s, li, S_RSS, &m))
    fprintf(f, "Least-squares lines over the %d generated modules: CPU time = %.2f s + %.2f s "
            "per MB (R² %.3f); peak RSS = %.0f MiB + %.1f MiB per MB (R² %.3f). Each MB added "
            "between the two largest cost %.2f s and %.1f MiB, between the two below them %.2f "
            "s and %.1f MiB.\n\n", t.n, t.a, t.b, t.r2, m.a, m.b, m.r2, t.last_step,
            m.last_step, t.prev_step, m.prev_step);
}

static void table_series(FILE *f, const bench_config_t *cfg, const bench_series_t *s) {
  if (!s || s->n == 0) return;
  int rounds = cfg->rounds < BENCH_SERIES_ROUNDS ? cfg->rounds : BENCH_SERIES_ROUNDS;
  fprintf(f, "### Compile speed by module size\n\n"
          "`gen-N` is a program of N distinct C functions generated by "
          "`testsuite/bench/compile/gen.c` (integer and float loops, switch-dispatched state "
          "machines, string scanning, records, bit manipulation, calls through a table), built "
          "with clang-19 -O2 for wasm32-wasi; other rows are modules given with "
          "`--compile-extra`. Timed: `swasmc -O0 -c` and `-O2 -c` (decode, validate, codegen, "
          "LLVM, the shards' objects joined), interleaved by size and level; peak RSS is the "
          "largest over the rounds. Each generated program is then built as an executable "
          "(`swasmc -O0` and `-O2`, untimed) and must print its native checksum.\n\n");
  if (!s->ran) fprintf(f, "(not run: %s)\n\n", bench_engines[BE_SWASM].reason);
  for (int li = 0; li < BENCH_LEVELS; li++) table_series_level(f, s, li, rounds);
}

static void targets_series(FILE *f, const bench_series_t *s) {
  if (!s || !s->ran) {
    fprintf(f, "- compile speed and linearity: not measured (run without --no-compile-series)\n");
    return;
  }
  for (int li = 0; li < BENCH_LEVELS; li++) {
    char list[512] = "";
    int big = 0, slow = 0;
    for (int i = 0; i < s->n; i++) {
      const bench_csize_t *c = &s->sizes[i];
      if (!series_usable(c, li) || c->bytes < SERIES_MIN_BYTES) continue;
      double kbs = (double)c->bytes / 1024.0 / series_value(c, li, S_WALL);
      big++;
      if (kbs < target_kbs[li]) slow++;
      size_t l = strlen(list);
      bench_fmt(list + l, sizeof list - l, "%s%s %.0f KB/s", big > 1 ? ", " : "", c->name, kbs);
    }
    fprintf(f, "- -O%d compiles at least %.0f KB of wasm per second (wall, modules of 1 MB or "
            "more): %s%s%s\n", bench_levels[li], target_kbs[li],
            !big ? "not measured" : slow ? "**MISSED**: " : "met: ", list, "");
  }
  for (int li = 0; li < BENCH_LEVELS; li++) {
    line_fit_t t, m;
    if (!series_fit(s, li, S_CPU, &t) || !series_fit(s, li, S_RSS, &m)) {
      fprintf(f, "- -O%d time and peak memory linear in module size: not measured (fewer "
              "than three generated sizes)\n", bench_levels[li]);
      continue;
    }
    bool ok = fit_linear(&t) && fit_linear(&m);
    fprintf(f, "- -O%d CPU time and peak memory linear in module size (each MB added between "
            "the two largest generated modules costs at most %.1f× what one did between the two "
            "below): %s (time %.2f×, memory %.2f×)\n", bench_levels[li], LINEAR_GROWTH,
            ok ? "met" : "**MISSED**", growth(&t), growth(&m));
  }
}

/* "met" or "MISSED" with the programs that miss, for one comparison against another engine. */
static void target_faster(FILE *f, const bench_prog_t *progs, int n, int other) {
  if (!shown(BE_SWASM) || !shown(other) || !bench_engines[other].available) {
    fprintf(f, "- swasm faster than %s on every program: not measured (%s)\n",
            bench_engines[other].label, bench_engines[other].reason[0] ? bench_engines[other].reason
                                                                        : "engine not run");
    return;
  }
  int compared = 0, missed = 0;
  char list[1024] = "";
  for (int i = 0; i < n; i++) {
    double s = bench_ratio(&progs[i], BE_SWASM), o = bench_ratio(&progs[i], other);
    if (isnan(s) || isnan(o)) continue;
    compared++;
    if (s < o) continue;
    missed++;
    size_t l = strlen(list);
    bench_fmt(list + l, sizeof list - l, "%s%s (%.2f vs %.2f)", missed > 1 ? ", " : "",
             progs[i].name, s, o);
  }
  fprintf(f, "- swasm faster than %s on every program (%d compared): %s%s%s\n",
          bench_engines[other].label, compared, missed ? "**MISSED** on " : "met", list,
          missed ? "" : "");
}

static void targets(FILE *f, const bench_prog_t *progs, int n, const bench_series_t *s) {
  fprintf(f, "## Targets\n\n");
  int k;
  double g = bench_geomean(progs, n, BE_SWASM, &k);
  if (isnan(g)) {
    fprintf(f, "- swasm not measured: %s\n", bench_engines[BE_SWASM].reason);
    targets_series(f, s);
    fprintf(f, "\n");
    return;
  }
  fprintf(f, "- geometric mean swasm/native <= %.2f: %.3f over %d program%s: %s\n", TARGET_GEOMEAN,
          g, k, k == 1 ? "" : "s", g <= TARGET_GEOMEAN ? "met" : "**MISSED**");
  char list[1024] = "";
  int over = 0;
  for (int i = 0; i < n; i++) {
    double r = bench_ratio(&progs[i], BE_SWASM);
    if (isnan(r) || r <= TARGET_WORST) continue;
    size_t l = strlen(list);
    bench_fmt(list + l, sizeof list - l, "%s%s (%.2f)", over++ ? ", " : "", progs[i].name, r);
  }
  fprintf(f, "- no program above %.1f× native: %s%s\n", TARGET_WORST,
          over ? "**MISSED**: " : "met", list);
  target_faster(f, progs, n, BE_NODE_TURBOFAN);
  target_faster(f, progs, n, BE_WASM2C);
  targets_series(f, s);
  fprintf(f, "\n");
}

static void problems(FILE *f, const bench_prog_t *progs, int n) {
  bool any = false;
  for (int i = 0; i < n; i++)
    for (int e = 0; e < BE_COUNT; e++) {
      const bench_result_t *r = &progs[i].res[e];
      if (!shown(e) || r->state == BS_OK) continue;
      if (r->state == BS_SKIPPED && !bench_engines[e].available) continue;   /* said above */
      if (!any) fprintf(f, "## Failures and skipped runs\n\n");
      any = true;
      fprintf(f, "- %s, %s: %s%s\n", progs[i].name, bench_engines[e].label,
              r->state == BS_FAILED ? "**failed**: " : "skipped: ", r->note);
    }
  if (any) fprintf(f, "\n");
}

void bench_write_markdown(FILE *f, const bench_config_t *cfg, const bench_tools_t *t,
                          const bench_prog_t *progs, int n, const bench_series_t *series,
                          const char *svg_rel, const char *notes) {
  (void)t;
  fprintf(f, "# swasm performance\n\n");
  fprintf(f, "<!-- Generated by 'swasm bench'; edit only below the bench:notes marker. -->\n\n");
  machine(f, cfg);
  engines(f);
  fprintf(f, "\n%s", method);
  fprintf(f, "## Results\n\n");
  if (svg_rel) fprintf(f, "![CPU time relative to native, log scale](%s)\n\n", svg_rel);
  table_ratios(f, progs, n);
  table_times(f, cfg, progs, n);
  table_compile(f, progs, n);
  table_series(f, cfg, series);
  targets(f, progs, n, series);
  problems(f, progs, n);
  if (notes) fputs(notes, f);
  else fprintf(f, "<!-- bench:notes -->\n## Notes\n\n(none yet)\n");
}

int bench_write_file(const char *path, void (*body)(FILE *, void *), void *ctx) {
  char tmp[PATH_MAX + 16];
  bench_fmt(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "w");
  if (!f) return -1;
  body(f, ctx);
  bool bad = ferror(f) != 0;
  if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
    int saved = errno;
    unlink(tmp);
    errno = saved;
    return -1;
  }
  return 0;
}

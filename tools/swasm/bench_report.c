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

static void machine(FILE *f, const bench_config_t *cfg) {
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
  fprintf(f, "```sh\nbuild/tools/swasm/%s\n```\n\n", cfg->command);
  fprintf(f, "- Machine: %s, %ld CPUs online, %ld MiB memory, Linux %s\n", model,
          sysconf(_SC_NPROCESSORS_ONLN), mem_total_mib(), u.release);
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

static void targets(FILE *f, const bench_prog_t *progs, int n) {
  fprintf(f, "## Targets\n\n");
  int k;
  double g = bench_geomean(progs, n, BE_SWASM, &k);
  if (isnan(g)) {
    fprintf(f, "- swasm not measured: %s\n\n", bench_engines[BE_SWASM].reason);
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
                          const bench_prog_t *progs, int n, const char *svg_rel,
                          const char *notes) {
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
  targets(f, progs, n);
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

/* bench.h - what the files of 'swasm bench' share: programs, engines, measured runs, and the
 * process, build, report and chart helpers (bench_proc.c, bench_build.c, bench_report.c,
 * bench_svg.c). */
#ifndef SWASM_TOOL_BENCH_H
#define SWASM_TOOL_BENCH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

enum { BENCH_MAX_PROGS = 64, BENCH_MAX_ROUNDS = 100, BENCH_NOTE = 320 };

/* The engines, in the order each round runs them. Native runs first: its checksum is the
 * reference every other engine must reproduce. */
typedef enum bench_engine_id {
  BE_NATIVE, BE_SWASM, BE_NODE_TURBOFAN, BE_NODE, BE_WASM2C, BE_COUNT
} bench_engine_id_t;

typedef struct bench_engine {
  const char *key;     /* for --engines */
  const char *label;   /* for tables and the chart */
  bool selected;
  bool available;
  char reason[BENCH_NOTE];   /* why it is unavailable on this machine */
  char how[BENCH_NOTE];      /* how it was built or run, for the report */
} bench_engine_t;

typedef enum bench_state {
  BS_PENDING,      /* nothing yet */
  BS_OK,           /* every run matched the reference checksum */
  BS_SKIPPED,      /* engine unavailable, or it cannot take this program (reason in note) */
  BS_FAILED        /* build error, crash, wrong or missing checksum: a failure, not a number */
} bench_state_t;

typedef struct bench_result {
  bench_state_t state;
  char note[BENCH_NOTE];
  char exe[PATH_MAX];                 /* what to run (the module for node) */
  double cpu[BENCH_MAX_ROUNDS];       /* user+sys seconds per round */
  int nruns;
} bench_result_t;

typedef struct bench_compile {        /* one swasmc -O2 compile */
  bool measured;
  double wall, cpu;                   /* seconds */
  long maxrss_kb;
} bench_compile_t;

typedef struct bench_prog {
  char name[64];
  char src[PATH_MAX];
  char wasm_flags[256];               /* "// bench-wasm-flags:" */
  char native_flags[256];             /* "// bench-native-flags:" */
  char quick_arg[32];                 /* "// bench-quick:" (size argument for --quick) */
  char dir[PATH_MAX];                 /* its build directory */
  char wasm[PATH_MAX];
  long wasm_bytes;
  char checksum[64];                  /* the native reference */
  bench_compile_t compile;
  bench_result_t res[BE_COUNT];
} bench_prog_t;

/* The compile-speed series: generated programs of growing size (testsuite/bench/compile/gen.c)
 * and any modules named with --compile-extra, each compiled at -O0 and -O2. */
enum { BENCH_MAX_SIZES = 12, BENCH_LEVELS = 2, BENCH_SERIES_ROUNDS = 3 };
extern const int bench_levels[BENCH_LEVELS];   /* 0, 2 */

typedef struct bench_csize {
  char name[64];                      /* "gen-3300" (generated, 3300 functions) or the file's */
  bool generated;
  char wasm[PATH_MAX];
  char exe[PATH_MAX];                 /* where swasmc writes its executable */
  long bytes;
  char checksum[64];                  /* the native build's (generated programs only) */
  bool ok;                            /* built, and every compile and check passed */
  char note[BENCH_NOTE];              /* why not */
  double wall[BENCH_LEVELS][BENCH_SERIES_ROUNDS], cpu[BENCH_LEVELS][BENCH_SERIES_ROUNDS];
  long maxrss_kb[BENCH_LEVELS];       /* the largest over the rounds */
  int nruns[BENCH_LEVELS];
  /* CPU seconds by phase in the last round (swasmc's SWASM_TIME lines), BENCH_PHASES order */
  double phase_cpu[BENCH_LEVELS][5];
} bench_csize_t;

/* The phases SWASM_TIME reports, as swasmc names them. */
#define BENCH_PHASES {"codegen", "verify", "optimise", "emit", "join"}

typedef struct bench_series {
  int n;
  bench_csize_t sizes[BENCH_MAX_SIZES];
  bool ran;
} bench_series_t;

/* Paths of the tools, found once. */
typedef struct bench_tools {
  char clang[PATH_MAX];
  char swasmc[PATH_MAX];
  char rt_lib[PATH_MAX], rt_main_lib[PATH_MAX];   /* for the -c + link fallback */
  bool swasm_fallback;                /* swasmc cannot write executables yet: link by hand */
  char node[PATH_MAX];
  char wasm2c[PATH_MAX];
  char wasm2c_rt_dir[PATH_MAX];       /* holds wasm-rt-impl.c */
  char src_dir[PATH_MAX];             /* testsuite/bench */
  char work_dir[PATH_MAX];
} bench_tools_t;

typedef struct bench_config {
  int rounds;
  bool quick;
  bool verbose;
  double timeout;                     /* CPU seconds per run */
  const char *md_path, *svg_path;
  char command[1024];                 /* the command line, for the report */
  char load_start[64];                /* /proc/loadavg when the runs began */
  const char *compile_sizes;          /* "--compile-sizes": KB of wasm, comma-separated */
  const char *compile_extra;          /* "--compile-extra": more modules, comma-separated */
  bool no_series;                     /* "--no-compile-series" */
} bench_config_t;

/* bench_proc.c */
/* snprintf for paths and notes, where a truncated result is acceptable (a longer path is then
 * simply not found); a function of its own so the compiler does not warn at every call. */
int bench_fmt(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

typedef struct bench_run {
  int status;          /* exit status; 128+N for signal N; -1 when it could not start */
  int signal;          /* the signal that ended it, 0 when it exited */
  bool timed_out;
  double cpu, wall;    /* seconds: user+sys of the process and its waited-for children */
  long maxrss_kb;
} bench_run_t;

/* Runs argv (argv[0] looked up in PATH) with stdin from /dev/null and stdout, stderr to the
 * files given (NULL: /dev/null), limited to timeout CPU seconds. 0, or -1 when it could not
 * start (r->status says why). */
int bench_spawn(char *const argv[], const char *out_path, const char *err_path, double timeout,
                bench_run_t *r);
/* The line of a file that best says what went wrong (n bytes at most), for error notes. */
void bench_first_line(const char *path, char *buf, size_t n);
/* The hex after the last "checksum: " line of a file; false when there is none. */
bool bench_read_checksum(const char *path, char *buf, size_t n);
/* The 1, 5 and 15 minute load averages, "" where unknown. */
void bench_loadavg(char *buf, size_t n);
/* The first line a command prints (e.g. a version), "" when it does not run. */
void bench_command_line(char *const argv[], const char *scratch, char *buf, size_t n);

/* bench_build.c */
extern bench_engine_t bench_engines[BE_COUNT];
int bench_find_tools(bench_tools_t *t, const char *src_override, const char *swasmc_override);
int bench_find_programs(const bench_tools_t *t, bench_prog_t *progs, int max, const char *only);
void bench_build(bench_tools_t *t, const bench_config_t *cfg, bench_prog_t *p);
/* Generates and builds the series' programs (and their native references); fills s. */
void bench_series_build(const bench_tools_t *t, const bench_config_t *cfg, bench_series_t *s);
/* Times swasmc -O0 and -O2 on every module of the series, interleaved, and checks that the
 * generated programs print their native checksum. */
void bench_series_run(const bench_tools_t *t, const bench_config_t *cfg, bench_series_t *s);

/* bench_report.c */
double bench_median(const double *v, int n);
/* median(engine) / median(native); NAN unless both ran cleanly. */
double bench_ratio(const bench_prog_t *p, int e);
/* The geometric mean of the ratios that exist; *count: over how many programs. */
double bench_geomean(const bench_prog_t *progs, int n, int e, int *count);
void bench_write_markdown(FILE *f, const bench_config_t *cfg, const bench_tools_t *t,
                          const bench_prog_t *progs, int n, const bench_series_t *series,
                          const char *svg_rel, const char *notes);

/* bench_svg.c: a grouped bar chart of the ratios to native, log scale. */
int bench_write_svg(const char *path, const bench_prog_t *progs, int n);
/* Writes path through a temporary file and rename; the body comes from a callback. */
int bench_write_file(const char *path, void (*body)(FILE *, void *), void *ctx);

#endif

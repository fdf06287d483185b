/* cmd_run.c - 'swasm run': compile a module through the compile cache, instantiate it, and
 * run it as a WASI command (with the directories, environment and arguments granted on the
 * command line) or call an export with arguments from the command line. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swasm/compiler.h"
#include "swasm/runtime.h"

#include "cmds.h"
#include "run_opts.h"

enum { EXIT_INPUT = 1, EXIT_USAGE = 2 };

typedef struct run_opts {
  swasm_compile_opts_t copts;
  swasm_features_t features;
  const char *file;
  const char *invoke;        /* NULL: run _start */
  int nargs;
  char **args;               /* --invoke: the function's arguments; else the guest's */
  swasm_wasi_dir_t *dirs;    /* --dir grants, [ndirs] */
  int ndirs;
  const char **env;          /* --env grants, [nenv] */
  int nenv;
} run_opts_t;

/* Where imports come from. Resolvers are tried in order; WASI and host modules join the list
 * as they arrive. Until then nothing resolves and instantiation reports "unknown import". */
typedef struct run_resolver {
  swasm_resolve_cb resolve;
  void *env;
} run_resolver_t;

typedef struct run_host {
  run_resolver_t resolvers[4];
  int n;
} run_host_t;

static bool resolve_chain(void *env, const char *module, const char *name, uint32_t kind,
                          swasm_extern_t *out) {
  run_host_t *h = env;
  for (int i = 0; i < h->n; i++)
    if (h->resolvers[i].resolve(h->resolvers[i].env, module, name, kind, out)) return true;
  return false;
}

static void usage(FILE *f) {
  fprintf(f,
    "usage: swasm run [OPTIONS] FILE.wasm|FILE.wat [--] [ARGS...]\n"
    "       swasm run [OPTIONS] FILE.wasm|FILE.wat [OPTIONS] --invoke NAME [VALUES...]\n"
    "\n"
    "Compiles the module (once: results are kept in the compile cache, $SWASM_CACHE_DIR or\n"
    "~/.cache/swasm) and runs it as a WASI command: _start with the arguments FILE ARGS... .\n"
    "With --invoke it calls the export NAME with VALUES instead, printing each result on its\n"
    "own line. The guest sees no directory and no environment variable unless granted:\n"
    "\n"
    "  --dir HOST[::GUEST]  preopen the host directory HOST, seen by the guest as GUEST\n"
    "                     (default: HOST itself); give '.::.' or HOST::. for relative paths\n"
    "  --env NAME=VALUE   set a variable for the guest; --env NAME passes the host's value\n"
    "  --invoke NAME      the exported function to call\n"
    "  -O0 -O1 -O2 -O3    optimisation level (default -O2)\n"
    "  -mcpu=CPU          target CPU (default: a portable baseline; 'native' allowed)\n"
    "  --bounds-checks=guard|explicit\n"
    "  --enable-FEATURE   relaxed-simd, tail-call, extended-const, multi-memory, memory64, ...\n"
    "\n"
    "Everything after FILE is for the guest (a leading -- is dropped), unless --invoke follows\n"
    "FILE among options. VALUES: i32/i64 in decimal or 0x hex; f32/f64 in decimal, hex float,\n"
    "inf, nan or nan:0xPAYLOAD; null for references.\n"
    "\n"
    "exit status: the command's (its proc_exit code, 0 when _start returns); 134 after a trap,\n"
    "which prints one line on stderr; 1 for an invalid module or one that cannot start;\n"
    "2 for a usage or I/O error\n"
    "\n"
    "A component (a component-model FILE.wasm, or COMPONENT.so from swasmc -shared) runs as a\n"
    "wasi:cli/command with WASI 0.2 and the same grants, or with --invoke 'NAME(VALUES)' whose\n"
    "values are WAVE text (Wasmtime's syntax); --invoke may repeat, one result line per call.\n");
}

static int usage_error(const char *msg, const char *arg) { return run_usage_error(msg, arg); }

/* One option at argv[*i]; returns 0, or an exit status. */
static int parse_option(int argc, char **argv, int *i, run_opts_t *o) {
  const char *a = argv[*i], *v;
  int rc = 0;
  if ((v = run_option_value(argc, argv, i, "--invoke", &rc))) {
    o->invoke = v;
  } else if ((v = run_option_value(argc, argv, i, "--dir", &rc))) {
    rc = run_add_dir(o->dirs, &o->ndirs, v);
  } else if ((v = run_option_value(argc, argv, i, "--env", &rc))) {
    rc = run_add_env(o->env, &o->nenv, v);
  } else if (rc) {
    return rc;
  } else if ((rc = run_compile_option(a, &o->copts, &o->features)) == 1) {
    return usage_error("unknown option", a);
  }
  return rc;
}

/* Options come before FILE (or between FILE and --invoke); after FILE, everything is an
 * argument: the guest's, or with --invoke the function's (negative numbers included). */
static int parse_args(int argc, char **argv, run_opts_t *o) {
  o->copts.opt_level = 2;
  o->dirs = calloc((size_t)argc, sizeof *o->dirs);
  o->env = calloc((size_t)argc, sizeof *o->env);
  if (!o->dirs || !o->env) return EXIT_USAGE;
  int i = 1;
  bool dashdash = false, options = true;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (o->file && (o->invoke || dashdash || !options)) break;
    if (!dashdash && tool_is_help(a) && options) {
      usage(stdout);
      return -1;
    }
    if (!dashdash && strcmp(a, "--") == 0) {
      dashdash = true;
    } else if (!dashdash && options && a[0] == '-' && a[1]) {
      int rc = parse_option(argc, argv, &i, o);
      if (rc) return rc;
    } else if (!o->file) {
      o->file = a;
      options = run_invoke_follows(argc, argv, i + 1);
    } else {
      break;
    }
  }
  if (!o->file) return usage_error("no module file given", NULL);
  if (i < argc && !dashdash && !o->invoke && strcmp(argv[i], "--") == 0) i++;
  o->args = argv + i;
  o->nargs = argc - i;
  return 0;
}

static void free_opts(run_opts_t *o) {
  for (int i = 0; i < o->ndirs; i++) free((char *)o->dirs[i].host_path);
  free(o->dirs);
  free(o->env);
}

static bool is_text(const char *path, const uint8_t *b, size_t n) {
  if (n >= 4 && memcmp(b, "\0asm", 4) == 0) return false;
  size_t len = strlen(path);
  if (len > 4 && strcmp(path + len - 4, ".wat") == 0) return true;
  for (size_t i = 0; i < n; i++) {
    if (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') continue;
    return b[i] == '(' || b[i] == ';';
  }
  return false;
}

static int status_exit(swasm_status_t st) {
  return st == SWASM_IO ? EXIT_USAGE : EXIT_INPUT;
}

static void report(const swasm_diag_t *d, const char *file, const swasm_module_t *m) {
  char buf[1024];
  fprintf(stderr, "%s\n", swasm_diag_format(d, file, m, buf, sizeof buf));
}

/* Reads, decodes, validates and compiles through the cache; the library path goes to lib. */
static int compile_module(const run_opts_t *o, char *lib, size_t size) {
  size_t n;
  uint8_t *bytes = tool_read_file(o->file, &n);
  if (!bytes) {
    fprintf(stderr, "swasm run: cannot read %s: %s\n", o->file, strerror(errno));
    return EXIT_USAGE;
  }
  swasm_diag_t d;
  memset(&d, 0, sizeof d);
  swasm_status_t st = SWASM_OK;
  if (is_text(o->file, bytes, n)) {
    swasm_buf_t bin;
    st = swasm_wat_to_wasm((const char *)bytes, n, &bin, &d);
    free(bytes);
    if (st != SWASM_OK) {
      fprintf(stderr, "%s: %s\n", o->file, d.message);
      return status_exit(st);
    }
    bytes = bin.data;
    n = bin.size;
  }
  swasm_module_t *m = NULL;
  st = swasm_module_decode(bytes, n, &o->features, &m, &d);
  free(bytes);
  if (st == SWASM_OK) st = swasm_module_validate(m, &d);
  if (st == SWASM_OK) st = swasm_compile_cached(m, &o->copts, lib, size, &d);
  if (st != SWASM_OK) report(&d, o->file, m);
  if (m) swasm_module_free(m);
  return st == SWASM_OK ? 0 : status_exit(st);
}

/* ---- arguments and results ------------------------------------------------------------- */

/* Decimal or 0x hex, optionally signed; accepts the signed and the unsigned range. */
static bool parse_int(const char *s, int bits, uint64_t *out) {
  bool neg = *s == '-';
  if (*s == '-' || *s == '+') s++;
  int base = 10;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s += 2;
  }
  if (!*s || *s == '-' || *s == '+' || *s == ' ') return false;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, base);
  if (*end || errno) return false;
  uint64_t umax = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
  if (neg ? v > (UINT64_C(1) << (bits - 1)) : v > umax) return false;
  *out = neg ? (uint64_t)0 - v : v;
  return true;
}

/* "nan", "-nan" or "nan:0xPAYLOAD"; false when s is not a NaN spelling. */
static bool parse_nan(const char *s, int mant_bits, uint64_t *bits) {
  bool neg = *s == '-';
  if (*s == '-' || *s == '+') s++;
  if (strncmp(s, "nan", 3) != 0) return false;
  uint64_t payload = UINT64_C(1) << (mant_bits - 1);
  if (s[3] == ':') {
    if (strncmp(s + 4, "0x", 2) != 0 || !parse_int(s + 4, 64, &payload)) return false;
    if (payload == 0 || payload >> mant_bits) return false;
  } else if (s[3]) {
    return false;
  }
  int exp_bits = mant_bits == 23 ? 8 : 11;
  uint64_t exp = ((UINT64_C(1) << exp_bits) - 1) << mant_bits;
  *bits = (neg ? UINT64_C(1) << (mant_bits + exp_bits) : 0) | exp | payload;
  return true;
}

static bool parse_value(const char *s, uint8_t type, swasm_val_t *v) {
  uint64_t u;
  char *end;
  memset(v, 0, sizeof *v);
  switch (type) {
  case SWASM_T_I32:
    if (!parse_int(s, 32, &u)) return false;
    v->i32 = (int32_t)(uint32_t)u;
    return true;
  case SWASM_T_I64:
    if (!parse_int(s, 64, &u)) return false;
    v->i64 = (int64_t)u;
    return true;
  case SWASM_T_F32:
    if (parse_nan(s, 23, &u)) {
      uint32_t b = (uint32_t)u;
      memcpy(&v->f32, &b, 4);
      return true;
    }
    errno = 0;
    v->f32 = strtof(s, &end);
    return *s && !*end;
  case SWASM_T_F64:
    if (parse_nan(s, 52, &u)) {
      memcpy(&v->f64, &u, 8);
      return true;
    }
    v->f64 = strtod(s, &end);
    return *s && !*end;
  case SWASM_T_FUNCREF:
  case SWASM_T_EXTERNREF:
    v->ref = NULL;
    return strcmp(s, "null") == 0;
  default:
    return false;   /* v128 arguments: not yet */
  }
}

static const char *type_name(uint8_t t) {
  switch (t) {
  case SWASM_T_I32: return "i32";
  case SWASM_T_I64: return "i64";
  case SWASM_T_F32: return "f32";
  case SWASM_T_F64: return "f64";
  case SWASM_T_V128: return "v128";
  case SWASM_T_FUNCREF: return "funcref";
  case SWASM_T_EXTERNREF: return "externref";
  default: return "?";
  }
}

/* NaNs print with their payload unless it is the canonical one, so they can be read back. */
static void print_nan(uint64_t bits, int mant_bits) {
  uint64_t payload = bits & ((UINT64_C(1) << mant_bits) - 1);
  bool neg = bits >> (mant_bits + (mant_bits == 23 ? 8 : 11));
  if (payload == UINT64_C(1) << (mant_bits - 1)) printf("%snan\n", neg ? "-" : "");
  else printf("%snan:0x%" PRIx64 "\n", neg ? "-" : "", payload);
}

static void print_value(uint8_t type, const swasm_val_t *v) {
  switch (type) {
  case SWASM_T_I32: printf("%" PRId32 "\n", v->i32); break;
  case SWASM_T_I64: printf("%" PRId64 "\n", v->i64); break;
  case SWASM_T_F32: {
    uint32_t b;
    memcpy(&b, &v->f32, 4);
    if (isnan(v->f32)) print_nan(b, 23);
    else printf("%.9g\n", (double)v->f32);
    break;
  }
  case SWASM_T_F64: {
    uint64_t b;
    memcpy(&b, &v->f64, 8);
    if (isnan(v->f64)) print_nan(b, 52);
    else printf("%.17g\n", v->f64);
    break;
  }
  case SWASM_T_V128: {
    uint32_t l[4];
    memcpy(l, v->v128, 16);
    printf("i32x4 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32 "\n",
           l[0], l[1], l[2], l[3]);
    break;
  }
  default:
    if (v->ref) printf("%s %p\n", type_name(type), v->ref);
    else printf("null\n");
    break;
  }
}

static void print_signature(FILE *f, const swasm_desc_functype_t *t) {
  fprintf(f, "(");
  for (uint32_t i = 0; i < t->nparams; i++)
    fprintf(f, "%s%s", i ? " " : "", type_name(t->types[i]));
  fprintf(f, ")");
}

/* ---- running --------------------------------------------------------------------------- */

/* A failed call: the guest's exit, a trap (one line, status 134) or another failure. */
static int trap_exit(const swasm_error_t *err) {
  if (err->trap == SWASM_TRAP_EXIT) return err->exit_code & 0xff;
  const char *msg = err->message[0] ? err->message : swasm_trap_message(err->trap);
  if (err->trap != SWASM_TRAP_NONE) {
    fprintf(stderr, "swasm run: trap: %s\n", msg);
    return SWASM_WASI_STATUS_TRAP;
  }
  fprintf(stderr, "swasm run: %s\n", msg);
  return EXIT_INPUT;
}

static int call_export(const run_opts_t *o, swasm_instance_t *inst) {
  const char *name = o->invoke;
  swasm_extern_t ext;
  if (!swasm_instance_export(inst, name, &ext) || ext.kind != SWASM_K_FUNC) {
    fprintf(stderr, "swasm run: %s: no exported function '%s'\n", o->file, name);
    return EXIT_INPUT;
  }
  const swasm_desc_functype_t *t = ext.u.func.type;
  if ((uint32_t)o->nargs != t->nparams) {
    fprintf(stderr, "swasm run: %s takes %u argument%s ", name, t->nparams,
            t->nparams == 1 ? "" : "s");
    print_signature(stderr, t);
    fprintf(stderr, ", given %d\n", o->nargs);
    return EXIT_USAGE;
  }
  uint32_t slots = t->nparams > t->nresults ? t->nparams : t->nresults;
  swasm_val_t *vals = calloc(slots ? slots : 1, sizeof *vals);
  if (!vals) return EXIT_USAGE;
  for (uint32_t i = 0; i < t->nparams; i++)
    if (!parse_value(o->args[i], t->types[i], &vals[i])) {
      fprintf(stderr, "swasm run: argument %u of %s: '%s' is not a%s %s\n", i + 1, name,
              o->args[i], t->types[i] == SWASM_T_I32 || t->types[i] == SWASM_T_I64 ? "n" : "",
              type_name(t->types[i]));
      free(vals);
      return EXIT_USAGE;
    }
  swasm_error_t err;
  memset(&err, 0, sizeof err);
  int rc = 0;
  if (swasm_call(&ext.u.func, vals, &err)) {
    for (uint32_t i = 0; i < t->nresults; i++) print_value(t->types[t->nparams + i], &vals[i]);
  } else {
    rc = trap_exit(&err);
  }
  free(vals);
  return rc;
}

static bool imports_wasi(const swasm_module_desc_t *d) {
  for (uint32_t i = 0; i < d->nimports; i++)
    if (strcmp(d->imports[i].module, "wasi_snapshot_preview1") == 0) return true;
  return false;
}

static bool exports_start(const swasm_module_desc_t *d) {
  for (uint32_t i = 0; i < d->nexports; i++)
    if (d->exports[i].kind == SWASM_K_FUNC && strcmp(d->exports[i].name, "_start") == 0)
      return true;
  return false;
}

/* The grants of the command line, and the guest's argv: FILE then the arguments. */
static const char **wasi_config(const run_opts_t *o, swasm_wasi_config_t *cfg) {
  const char **argv = calloc((size_t)o->nargs + 2, sizeof *argv);
  if (!argv) return NULL;
  argv[0] = o->file;
  for (int i = 0; i < o->nargs; i++) argv[i + 1] = o->args[i];
  swasm_wasi_config_init(cfg);
  cfg->argc = o->nargs + 1;
  cfg->argv = argv;
  cfg->ndirs = o->ndirs;
  cfg->dirs = o->dirs;
  cfg->nenv = o->nenv;
  cfg->env = o->env;
  return argv;
}

/* The module as a WASI command: its exit status, or 134 after a trap. */
static int run_command(const run_opts_t *o, swasm_loaded_t *l) {
  if (!exports_start(swasm_loaded_desc(l))) {
    fprintf(stderr, "swasm run: %s: the module exports no _start: name a function with "
            "--invoke NAME\n", o->file);
    return EXIT_INPUT;
  }
  swasm_wasi_config_t cfg;
  const char **argv = wasi_config(o, &cfg);
  if (!argv) return EXIT_USAGE;
  swasm_error_t err;
  memset(&err, 0, sizeof err);
  int status = swasm_wasi_main(l, &cfg, &err);
  free(argv);
  if (status != 0 && err.trap != SWASM_TRAP_EXIT) {
    /* A trap's message reads "trap: REASON in FUNCTION"; anything else is about the file. */
    if (err.trap != SWASM_TRAP_NONE) fprintf(stderr, "swasm run: %s\n", err.message);
    else fprintf(stderr, "swasm run: %s: %s\n", o->file, err.message);
  }
  return status;
}

/* --invoke: instantiates (with WASI when the module imports it, so reactors work) and calls
 * the export. */
static int run_invoke(const run_opts_t *o, swasm_loaded_t *l) {
  swasm_error_t err;
  memset(&err, 0, sizeof err);
  run_host_t host = {.n = 0};
  swasm_wasi_t *wasi = NULL;
  if (imports_wasi(swasm_loaded_desc(l))) {
    run_opts_t no_args = *o;
    no_args.nargs = 0;
    swasm_wasi_config_t cfg;
    const char **argv = wasi_config(&no_args, &cfg);
    if (!argv) return EXIT_USAGE;
    wasi = swasm_wasi_new(&cfg, &err);
    free(argv);
    if (!wasi) {
      fprintf(stderr, "swasm run: %s\n", err.message);
      return EXIT_INPUT;
    }
    host.resolvers[host.n++] = (run_resolver_t){swasm_wasi_resolve_cb, wasi};
  }
  swasm_instance_t *inst = swasm_instantiate(l, resolve_chain, &host, &err);
  int rc;
  if (!inst) {
    if (err.trap != SWASM_TRAP_NONE) {
      rc = trap_exit(&err);
    } else {
      fprintf(stderr, "swasm run: %s: %s\n", o->file, err.message);
      rc = EXIT_INPUT;
    }
  } else {
    if (wasi) swasm_wasi_bind_instance(wasi, inst);
    rc = call_export(o, inst);
    swasm_instance_free(inst);
  }
  swasm_wasi_free(wasi);
  return rc;
}

static int run_library(const run_opts_t *o, const char *lib) {
  swasm_error_t err;
  memset(&err, 0, sizeof err);
  if (!swasm_rt_init(&err)) return trap_exit(&err);
  swasm_loaded_t *l = swasm_load(lib, &err);
  if (!l) {
    fprintf(stderr, "swasm run: %s: %s\n", o->file, err.message);
    return EXIT_INPUT;
  }
  int rc = o->invoke ? run_invoke(o, l) : run_command(o, l);
  swasm_unload(l);
  return rc;
}

int cmd_run(int argc, char **argv) {
  run_opts_t o;
  memset(&o, 0, sizeof o);
  int rc = parse_args(argc, argv, &o);
  if (rc == 0 && tool_is_component_file(o.file)) {
    free_opts(&o);
    return cmd_run_component(argc, argv);
  }
  if (rc == 0) {
    char lib[4096];
    rc = compile_module(&o, lib, sizeof lib);
    fflush(stdout);
    if (rc == 0) rc = run_library(&o, lib);
    fflush(stdout);
  }
  free_opts(&o);
  return rc < 0 ? 0 : rc;
}

/* run_component.c - `swasm run` of a component: a wasi:cli/command run, or --invoke of exported
 * functions with arguments and results in WAVE. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swasm/linker.h"
#include "cmds.h"
#include "run_opts.h"

enum { EXIT_INPUT = 1, EXIT_USAGE = 2 };

typedef struct crun_opts {
  swasm_compile_opts_t copts;
  swasm_features_t features;
  const char *file;
  const char **invokes;      /* the --invoke calls, in order, [ninvokes] */
  int ninvokes;
  int nargs;
  char **args;               /* the guest's arguments (without --invoke) */
  swasm_wasi_dir_t *dirs;    /* --dir grants, [ndirs] */
  int ndirs;
  const char **env;          /* --env grants, [nenv] */
  int nenv;
} crun_opts_t;

/* The first bytes of path (fewer when it is shorter; 0 when it cannot be read). */
static size_t read_head(const char *path, uint8_t *head, size_t size) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t n = fread(head, 1, size, f);
  fclose(f);
  return n;
}

static bool elf_head(const uint8_t *head, size_t n) {
  return n >= 4 && memcmp(head, "\x7f" "ELF", 4) == 0;
}

/* An ELF file is taken for a component compiled by `swasmc -shared`: swasm run runs no other
 * kind of shared library, and swasm_cpkg_open says clearly when it is not one. */
bool tool_is_component_file(const char *path) {
  uint8_t head[8];
  size_t n = read_head(path, head, sizeof head);
  return swasm_is_component(head, n) || elf_head(head, n);
}

static bool is_elf(const char *path) {
  uint8_t head[4];
  return elf_head(head, read_head(path, head, sizeof head));
}

static void usage(FILE *f) {
  fprintf(f,
    "usage: swasm run [OPTIONS] COMPONENT.wasm|COMPONENT.so [--] [ARGS...]\n"
    "       swasm run [OPTIONS] COMPONENT.wasm|COMPONENT.so [OPTIONS] --invoke 'NAME(VALUES...)' ...\n"
    "\n"
    "COMPONENT.so is a component compiled by `swasmc -shared`: it runs without compiling.\n"
    "Runs a wasi:cli/command component (its wasi:cli/run export) with WASI 0.2, or with\n"
    "--invoke calls exported functions: NAME is a top-level export or INTERFACE#NAME, VALUES\n"
    "are WAVE text (Wasmtime's syntax: 1, -2.5, 'c', \"text\", [1, 2], (1, \"a\"), {a: 1},\n"
    "case(payload), some(x), none, ok(x), err(e), {flag-a, flag-b}). --invoke may be given\n"
    "several times: the calls go to the same instance in order, and each result is printed on\n"
    "its own line in WAVE (\"()\" for a function without result); --invoke @FILE reads the\n"
    "call from FILE (for arguments longer than a command line allows). Other options:\n"
    "\n"
    "  --dir HOST[::GUEST]  preopen the host directory HOST, seen by the guest as GUEST\n"
    "  --env NAME=VALUE   set a variable for the guest; --env NAME passes the host's value\n"
    "  --invoke CALL      call an exported function\n"
    "  -O0 -O1 -O2 -O3    optimisation level of the embedded core modules (default -O2)\n"
    "  -mcpu=CPU, --bounds-checks=guard|explicit, --enable-FEATURE\n"
    "\n"
    "exit status: the command's; 134 after a trap, which prints one line on stderr; 1 for an\n"
    "invalid component or one that cannot start; 2 for a usage or I/O error\n");
}

static int usage_error(const char *msg, const char *arg) { return run_usage_error(msg, arg); }

static int parse_option(int argc, char **argv, int *i, crun_opts_t *o) {
  const char *a = argv[*i], *v;
  int rc = 0;
  if ((v = run_option_value(argc, argv, i, "--invoke", &rc))) {
    o->invokes[o->ninvokes++] = v;
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

/* Options come before FILE, or after it when --invoke is among them; otherwise everything
 * after FILE is the guest's (a leading -- dropped). Returns 0, -1 after --help, or a status. */
static int parse_args(int argc, char **argv, crun_opts_t *o) {
  o->copts.opt_level = 2;
  o->dirs = calloc((size_t)argc, sizeof *o->dirs);
  o->env = calloc((size_t)argc, sizeof *o->env);
  o->invokes = calloc((size_t)argc, sizeof *o->invokes);
  if (!o->dirs || !o->env || !o->invokes) return EXIT_USAGE;
  int i = 1;
  bool options = true;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (o->file && !options) break;
    if (tool_is_help(a)) {
      usage(stdout);
      return -1;
    }
    if (strcmp(a, "--") == 0) {
      if (!o->file && i + 1 < argc) {   /* "-- FILE ARGS...": the rest is the guest's */
        o->file = argv[++i];
        i++;
      }
      break;
    }
    if (a[0] == '-' && a[1]) {
      int rc = parse_option(argc, argv, &i, o);
      if (rc) return rc;
    } else if (!o->file) {
      o->file = a;
      options = run_invoke_follows(argc, argv, i + 1);
    } else {
      return usage_error("unexpected argument after the --invoke calls:", a);
    }
  }
  if (!o->file) return usage_error("no component file given", NULL);
  if (i < argc && strcmp(argv[i], "--") == 0) i++;
  if (o->ninvokes && i < argc) return usage_error("--invoke takes no guest arguments:", argv[i]);
  o->args = argv + i;
  o->nargs = argc - i;
  return 0;
}

static void free_opts(crun_opts_t *o) {
  for (int i = 0; i < o->ndirs; i++) free((char *)o->dirs[i].host_path);
  free(o->dirs);
  free(o->env);
  free(o->invokes);
}

/* Reads, decodes and validates; on failure prints one line "swasm run: FILE:0xOFFSET: ..." */
static int load_component(const crun_opts_t *o, uint8_t **bytes, swasm_component_t **out) {
  size_t n;
  *bytes = tool_read_file(o->file, &n);
  if (!*bytes) {
    fprintf(stderr, "swasm run: cannot read %s: %s\n", o->file, strerror(errno));
    return EXIT_USAGE;
  }
  swasm_diag_t d;
  memset(&d, 0, sizeof d);
  d.func = -1;
  swasm_status_t st = swasm_component_decode(*bytes, n, &o->features, out, &d);
  if (st == SWASM_OK) st = swasm_component_validate(*out, &d);
  if (st != SWASM_OK) {
    char line[1024];
    fprintf(stderr, "swasm run: %s\n", swasm_diag_format(&d, o->file, NULL, line, sizeof line));
    return st == SWASM_IO ? EXIT_USAGE : EXIT_INPUT;
  }
  return 0;
}

/* The grants of the command line, and the guest's argv: FILE then the arguments. */
static const char **wasi_config(const crun_opts_t *o, swasm_wasi_config_t *cfg) {
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

/* A failed call or instantiation: the guest's exit, a trap (one line, 134) or another
 * failure (1). */
static int failure_exit(const crun_opts_t *o, const swasm_error_t *err) {
  if (err->trap == SWASM_TRAP_EXIT) return err->exit_code & 0xff;
  const char *msg = err->message[0] ? err->message : swasm_trap_message(err->trap);
  if (err->trap != SWASM_TRAP_NONE) {
    if (strncmp(msg, "trap: ", 6) == 0) msg += 6;
    fprintf(stderr, "swasm run: trap: %s\n", msg);
    return SWASM_WASI_STATUS_TRAP;
  }
  fprintf(stderr, "swasm run: %s: %s\n", o->file, msg);
  return EXIT_INPUT;
}

/* How instantiation gets core modules: compiled through the cache, or from a package. */
static void link_opts(const crun_opts_t *o, swasm_cpkg_t *pkg, swasm_link_opts_t *lo) {
  memset(lo, 0, sizeof *lo);
  lo->compile = o->copts;
  if (pkg) swasm_cpkg_link_opts(pkg, lo);
}

static int run_command(const crun_opts_t *o, const swasm_component_t *c, swasm_cpkg_t *pkg) {
  swasm_wasi_config_t cfg;
  const char **argv = wasi_config(o, &cfg);
  if (!argv) return EXIT_USAGE;
  swasm_error_t err;
  memset(&err, 0, sizeof err);
  swasm_link_opts_t lo;
  link_opts(o, pkg, &lo);
  int status = swasm_component_run_command_with(c, &lo, &cfg, &err);
  free(argv);
  /* The status is the command's own; the message only says why it is not 0. */
  if (status != 0 && err.trap != SWASM_TRAP_EXIT && (err.message[0] || err.trap))
    (void)failure_exit(o, &err);
  return status;
}

/* "--invoke @FILE" reads the call from FILE: arguments too long for a command line (the
 * kernel limits one argument to 128 KiB). */
static char *call_text(const char *spec) {
  if (spec[0] != '@') return strdup(spec);
  size_t n;
  uint8_t *b = tool_read_file(spec + 1, &n);
  if (!b) {
    fprintf(stderr, "swasm run: cannot read %s: %s\n", spec + 1, strerror(errno));
    return NULL;
  }
  char *text = realloc(b, n + 1);
  if (!text) {
    free(b);
    return NULL;
  }
  text[n] = 0;
  if (strlen(text) != n) {
    fprintf(stderr, "swasm run: %s: the call text contains a NUL byte\n", spec + 1);
    free(text);
    return NULL;
  }
  return text;
}

/* Wasmtime finds the function of "--invoke 'NAME(...)'" by its last name among all exports,
 * those of exported instances included ("run" is "wasi:cli/run@0.2.0#run"). A name that is
 * already an export's full name is used as it is. Returns the call text with the full name
 * (malloc'd), or NULL after printing why. */
static char *resolve_name(const swasm_component_t *c, swasm_cinst_t *inst, char *call) {
  const char *paren = strchr(call, '(');
  if (!paren) return call;                 /* the WAVE reader says what is wrong */
  size_t b = strspn(call, " \t\r\n"), e = (size_t)(paren - call);
  while (e > b && strchr(" \t\r\n", call[e - 1])) e--;
  char name[512];
  swasm_cfunc_t f;
  if (e - b >= sizeof name) return call;
  snprintf(name, sizeof name, "%.*s", (int)(e - b), call + b);
  if (swasm_cinst_export(inst, name, &f) || !c->type) return call;
  const char *iface[2] = {NULL, NULL};    /* NULL: a top-level function */
  int n = 0;
  for (uint32_t i = 0; i < c->type->nexports && n < 2; i++) {
    const swasm_cm_entity_t *x = &c->type->exports[i];
    if (x->sort == SWASM_CM_FUNC && strcmp(x->name, name) == 0) iface[n++] = NULL;
    if (x->sort != SWASM_CM_INSTANCE || !x->type) continue;
    for (uint32_t k = 0; k < x->type->nexports && n < 2; k++)
      if (x->type->exports[k].sort == SWASM_CM_FUNC && strcmp(x->type->exports[k].name, name) == 0)
        iface[n++] = x->name;
  }
  if (n != 1) {
    if (n == 0) fprintf(stderr, "swasm run: no exported function named '%s'\n", name);
    else fprintf(stderr, "swasm run: several exported functions are named '%s'; give the full "
                 "name, e.g. %s%s%s\n", name, iface[0] ? iface[0] : "", iface[0] ? "#" : "",
                 name);
    free(call);
    return NULL;
  }
  size_t len = (iface[0] ? strlen(iface[0]) + 1 : 0) + strlen(name) + strlen(paren) + 1;
  char *full = malloc(len);
  if (full)
    snprintf(full, len, "%s%s%s%s", iface[0] ? iface[0] : "", iface[0] ? "#" : "", name, paren);
  free(call);
  return full;
}

/* One --invoke: parse the call, call, print the result. */
static int invoke_one(const crun_opts_t *o, const swasm_component_t *c, swasm_cinst_t *inst,
                      const char *spec) {
  char *call = call_text(spec);
  if (call) call = resolve_name(c, inst, call);
  if (!call) return EXIT_USAGE;
  swasm_carena_t *arena = swasm_carena_new();
  if (!arena) {
    free(call);
    return EXIT_USAGE;
  }
  swasm_cfunc_t f;
  swasm_cval_t *args = NULL, result;
  char msg[512];
  int rc = 0;
  memset(&result, 0, sizeof result);
  if (!swasm_wave_parse_call(inst, call, &f, &args, arena, msg, sizeof msg)) {
    fprintf(stderr, "swasm run: --invoke %.200s%s: %s\n", spec, strlen(spec) > 200 ? "..." : "",
            msg);
    rc = EXIT_USAGE;
  } else {
    swasm_error_t err;
    memset(&err, 0, sizeof err);
    if (!swasm_cinst_call(&f, args, &result, arena, &err)) {
      fflush(stdout);
      rc = failure_exit(o, &err);
    } else if (!f.type->a) {
      puts("()");   /* Wasmtime prints the empty result list */
    } else {
      char *text = NULL;
      if (swasm_wave_print(f.type->a, &result, &text)) {
        fputs(text, stdout);
        fputc('\n', stdout);
      } else {
        fprintf(stderr, "swasm run: --invoke %.200s: the result cannot be printed in WAVE\n", spec);
        rc = EXIT_INPUT;
      }
      free(text);
    }
  }
  fflush(stdout);
  swasm_carena_free(arena);
  free(call);
  return rc;
}

/* Instantiates with the WASI 0.2 hosts (when they can be made: a component that imports
 * nothing runs without them) and makes the calls in order, stopping at the first failure. */
static int run_invokes(const crun_opts_t *o, const swasm_component_t *c, swasm_cpkg_t *pkg) {
  swasm_error_t err, werr;
  memset(&err, 0, sizeof err);
  memset(&werr, 0, sizeof werr);
  swasm_wasi_config_t cfg;
  const char **argv = wasi_config(o, &cfg);
  if (!argv) return EXIT_USAGE;
  swasm_wasi2_t *w = swasm_wasi2_new(&cfg, &werr);
  free(argv);
  swasm_link_opts_t lo;
  link_opts(o, pkg, &lo);
  if (w) lo.hosts = swasm_wasi2_hosts(w, &lo.nhosts);
  int rc = 0;
  swasm_cinst_t *inst = swasm_cinst_new(c, &lo, &err);
  if (!inst && err.trap != SWASM_TRAP_NONE) {   /* a trap or exit in a start function */
    rc = failure_exit(o, &err);
  } else if (!inst) {
    const char *msg = err.message[0] ? err.message : "unknown error";
    fprintf(stderr, "swasm run: %s: cannot instantiate: %s\n", o->file, msg);
    if (!w && werr.message[0])
      fprintf(stderr, "swasm run: (the WASI 0.2 host could not be made: %s)\n", werr.message);
    rc = EXIT_INPUT;
  }
  for (int i = 0; inst && rc == 0 && i < o->ninvokes; i++)
    rc = invoke_one(o, c, inst, o->invokes[i]);
  if (inst) swasm_cinst_free(inst);
  if (w) swasm_wasi2_free(w);
  return rc;
}

int cmd_run_component(int argc, char **argv) {
  crun_opts_t o;
  memset(&o, 0, sizeof o);
  int rc = parse_args(argc, argv, &o);
  if (rc == 0) {
    uint8_t *bytes = NULL;
    swasm_component_t *c = NULL;
    swasm_cpkg_t *pkg = NULL;
    swasm_error_t err;
    memset(&err, 0, sizeof err);
    if (!swasm_rt_init(&err)) {
      rc = failure_exit(&o, &err);
    } else if (is_elf(o.file)) {
      pkg = swasm_cpkg_open(o.file, &err);
      if (!pkg) {
        fprintf(stderr, "swasm run: %s: %s\n", o.file, err.message);
        rc = EXIT_INPUT;
      }
    } else {
      rc = load_component(&o, &bytes, &c);
    }
    const swasm_component_t *comp = pkg ? swasm_cpkg_component(pkg) : c;
    if (rc == 0) rc = o.ninvokes ? run_invokes(&o, comp, pkg) : run_command(&o, comp, pkg);
    fflush(stdout);
    if (c) swasm_component_free(c);
    if (pkg) swasm_cpkg_close(pkg);
    free(bytes);
  }
  free_opts(&o);
  return rc < 0 ? 0 : rc;
}

/* swasmc.c - the compiler driver: WebAssembly (.wasm or .wat) in, a native executable (from a
 * WASI command), object, assembly, LLVM IR or shared library out, with gcc-like options. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <llvm-c/Core.h>

#include "exe.h"
#include "swasm/compiler.h"
#include "swasm_config.h"

enum { EXIT_INPUT = 1, EXIT_USAGE = 2 };

typedef enum mode { MODE_EXE, MODE_OBJ, MODE_ASM, MODE_IR, MODE_IR_OPT, MODE_SHARED } out_kind_t;

typedef struct options {
  swasm_compile_opts_t copts;
  swasm_features_t features;
  out_kind_t mode;
  bool mode_set;
  const char *in, *out;
  exe_grants_t grants;
} options_t;

static void usage(FILE *f) {
  fprintf(f,
    "usage: swasmc [OPTIONS] INPUT.wasm|INPUT.wat [-c | -S | -shared | --emit=KIND] [-o OUT]\n"
    "\n"
    "Compiles a WebAssembly module ahead of time to native code. By default a WASI command\n"
    "(a module exporting _start) becomes a standalone executable, with the runtime linked in.\n"
    "\n"
    "output:\n"
    "  (none of below)    an executable (default name: INPUT without its extension)\n"
    "  -c                 an ELF object (default name: INPUT.o)\n"
    "  -S                 assembly (INPUT.s)\n"
    "  -shared            a shared library for 'swasm run' and the runtime (INPUT.so)\n"
    "  --emit=KIND        obj, asm, llvm-ir (before optimisation, INPUT.ll) or llvm-ir-opt\n"
    "  -o FILE            the output file; '-' writes text output to stdout\n"
    "\n"
    "code generation:\n"
    "  -O0 -O1 -O2 -O3    optimisation level (default -O2: wasm producers optimise already,\n"
    "                     and unoptimised native code is rarely what anyone wants)\n"
    "  -mcpu=CPU          target CPU: a name LLVM knows, or 'native' (default: a portable\n"
    "                     baseline, x86-64-v2 or armv8-a with NEON)\n"
    "  --target=TRIPLE    x86_64-linux-gnu or aarch64-linux-gnu (default: the host)\n"
    "  --bounds-checks=guard|explicit\n"
    "                     memory accesses checked by guard pages (default) or by compares\n"
    "  --enable-FEATURE   relaxed-simd, tail-call, extended-const, multi-memory, memory64,\n"
    "                     exceptions (WebAssembly 2.0 is always on)\n"
    "  -j N, --threads=N  compiler threads (default: one per core)\n"
    "\n"
    "executables (docs/wasi.md): the guest sees its arguments, the standard streams and\n"
    "nothing else unless granted:\n"
    "  --dir HOST[::GUEST]  preopen the host directory HOST as GUEST (default: HOST itself);\n"
    "                     a relative HOST is taken from the working directory at run time\n"
    "  --env NAME=VALUE   set an environment variable; --env NAME passes the run-time value\n"
    "  --lock-grants      ignore the run-time grants SWASM_WASI_DIRS=\"HOST[::GUEST];...\" and\n"
    "                     SWASM_WASI_ENV=\"NAME,...\" (honoured otherwise, like --dir/--env)\n"
    "  --libc=static|shared  link the C library statically (default: one static\n"
    "                     position-independent file, fastest to start) or dynamically\n"
    "  The executable exits with the guest's proc_exit code, or with 134 after a trap,\n"
    "  which prints one line on stderr.\n"
    "\n"
    "  --help, --version\n"
    "\n"
    "exit status: 0 success, 1 the input is at fault, 2 usage or I/O error\n");
}

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "swasmc: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'swasmc --help'.\n");
  return EXIT_USAGE;
}

static int set_mode(options_t *o, out_kind_t m, const char *arg) {
  if (o->mode_set && o->mode != m)
    return usage_error("'%s' conflicts with an earlier output option", arg);
  o->mode = m;
  o->mode_set = true;
  return 0;
}

static int parse_emit(options_t *o, const char *kind, const char *arg) {
  static const struct { const char *name; out_kind_t mode; } kinds[] = {
    {"obj", MODE_OBJ}, {"asm", MODE_ASM}, {"llvm-ir", MODE_IR}, {"llvm-ir-opt", MODE_IR_OPT}};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if (strcmp(kind, kinds[i].name) == 0) return set_mode(o, kinds[i].mode, arg);
  return usage_error("unknown --emit kind in '%s' (obj, asm, llvm-ir, llvm-ir-opt)", arg);
}

static int parse_threads(options_t *o, const char *s) {
  char *end;
  errno = 0;
  unsigned long n = strtoul(s, &end, 10);
  if (!*s || *end || errno || n > 1024) return usage_error("bad thread count '%s'", s);
  o->copts.threads = (unsigned)n;
  return 0;
}

/* Options that take no separate argument; returns -1 when arg is not one of them. */
static int parse_flag(options_t *o, const char *a) {
  if (strcmp(a, "-c") == 0) return set_mode(o, MODE_OBJ, a);
  if (strcmp(a, "-S") == 0) return set_mode(o, MODE_ASM, a);
  if (strcmp(a, "-shared") == 0 || strcmp(a, "--shared") == 0) return set_mode(o, MODE_SHARED, a);
  if (strncmp(a, "--emit=", 7) == 0) return parse_emit(o, a + 7, a);
  if (a[0] == '-' && a[1] == 'O') {
    if (a[2] >= '0' && a[2] <= '3' && !a[3]) o->copts.opt_level = a[2] - '0';
    else if (!a[2]) o->copts.opt_level = 1;
    else if ((a[2] == 's' || a[2] == 'z') && !a[3]) o->copts.opt_level = 2;
    else return usage_error("unknown optimisation level '%s'", a);
    return 0;
  }
  if (strncmp(a, "-mcpu=", 6) == 0 || strncmp(a, "-march=", 7) == 0) {
    o->copts.cpu = strchr(a, '=') + 1;
    return 0;
  }
  if (strncmp(a, "--target=", 9) == 0) {
    o->copts.triple = a + 9;
    return 0;
  }
  if (strncmp(a, "--bounds-checks=", 16) == 0) {
    if (strcmp(a + 16, "guard") == 0) o->copts.bounds = SWASM_BOUNDS_GUARD;
    else if (strcmp(a + 16, "explicit") == 0) o->copts.bounds = SWASM_BOUNDS_EXPLICIT;
    else return usage_error("unknown bounds-check mode in '%s' (guard, explicit)", a);
    return 0;
  }
  if (strncmp(a, "--enable-", 9) == 0) {
    if (!swasm_features_enable(&o->features, a + 9))
      return usage_error("unknown feature in '%s'", a);
    return 0;
  }
  if (strncmp(a, "--threads=", 10) == 0) return parse_threads(o, a + 10);
  if (strncmp(a, "-j", 2) == 0 && a[2]) return parse_threads(o, a + 2);
  return -1;
}

/* Returns 0 to go on, EXIT_USAGE on a bad command line, -1 after --help or --version. */
/* --dir and --env, as "--dir X" or "--dir=X"; -1 when a is neither. */
static int parse_grant(int argc, char **argv, int *i, options_t *o) {
  const char *a = argv[*i];
  bool dir = strncmp(a, "--dir", 5) == 0 && (!a[5] || a[5] == '=');
  bool env = strncmp(a, "--env", 5) == 0 && (!a[5] || a[5] == '=');
  if (!dir && !env) {
    if (strcmp(a, "--libc=static") == 0 || strcmp(a, "--libc=shared") == 0) {
      o->grants.shared_libc = a[7] == 's' && a[8] == 'h';
      return 0;
    }
    if (strcmp(a, "--lock-grants") != 0) return -1;
    return exe_grant_lock(&o->grants) ? 0 : EXIT_USAGE;
  }
  const char *val = a[5] == '=' ? a + 6 : NULL;
  if (!val) {
    if (*i + 1 >= argc) return usage_error("'%s' needs an argument", a);
    val = argv[++*i];
  }
  bool ok = dir ? exe_grant_dir(&o->grants, val) : exe_grant_env(&o->grants, val);
  return ok ? 0 : EXIT_USAGE;
}

static int parse_args(int argc, char **argv, options_t *o) {
  o->copts.opt_level = 2;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int g = parse_grant(argc, argv, &i, o);
    if (g >= 0) {
      if (g) return g;
      continue;
    }
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return -1;
    }
    if (strcmp(a, "--version") == 0) {
      unsigned ma, mi, pa;
      LLVMGetVersion(&ma, &mi, &pa);
      printf("swasmc %s (LLVM %u.%u.%u)\n", SWASM_VERSION_STRING, ma, mi, pa);
      return -1;
    }
    bool takes_arg = strcmp(a, "-o") == 0 || strcmp(a, "-target") == 0 || strcmp(a, "-j") == 0;
    if (takes_arg && i + 1 >= argc) return usage_error("'%s' needs an argument", a);
    if (strcmp(a, "-o") == 0) {
      o->out = argv[++i];
    } else if (strcmp(a, "-target") == 0) {
      o->copts.triple = argv[++i];
    } else if (strcmp(a, "-j") == 0) {
      if (parse_threads(o, argv[++i])) return EXIT_USAGE;
    } else if (a[0] == '-' && a[1] != '\0') {
      int rc = parse_flag(o, a);
      if (rc < 0) return usage_error("unknown option '%s'", a);
      if (rc) return rc;
    } else {
      if (o->in) return usage_error("one input file at a time ('%s')", a);
      o->in = a;
    }
  }
  if (!o->in) return usage_error("%s", "no input file");
  if ((o->grants.n || o->grants.shared_libc) && o->mode != MODE_EXE)
    return usage_error("%s", "--dir, --env, --lock-grants and --libc are for executables "
                             "(no -c, -S, -shared or --emit)");
  return 0;
}

/* The output name gcc would pick: the input's base name with the kind's extension. */
static char *default_output(const char *in, out_kind_t mode) {
  static const char *const ext[] = {"", ".o", ".s", ".ll", ".ll", ".so"};
  const char *base = strrchr(in, '/');
  base = base ? base + 1 : in;
  size_t len = strlen(base);
  const char *dot = strrchr(base, '.');
  if (dot && dot != base) len = (size_t)(dot - base);
  /* app.component.wasm gives app, as the issue's `swasmc app.component.wasm -o app`. */
  if (len > 10 && strncmp(base + len - 10, ".component", 10) == 0) len -= 10;
  char *out = malloc(len + 8);
  if (!out) return NULL;
  snprintf(out, len + 8, "%.*s%s", (int)len, base, ext[mode]);
  /* An input without an extension would be overwritten by its executable: gcc's name then. */
  struct stat a, b;
  if (stat(in, &a) == 0 && stat(out, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
    free(out);
    out = strdup("a.out");
  }
  return out;
}

static void report(const swasm_diag_t *d, const char *file, const swasm_module_t *m) {
  char buf[1024];
  fprintf(stderr, "%s\n", swasm_diag_format(d, file, m, buf, sizeof buf));
}

static int status_exit(swasm_status_t st) {
  return st == SWASM_IO ? EXIT_USAGE : EXIT_INPUT;
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

/* Reads, converts if text, decodes and validates. Prints its own errors. A component's bytes
 * are handed back in *comp instead (with *out NULL). */
static int load_module(const options_t *o, swasm_module_t **out, swasm_buf_t *comp) {
  FILE *f = fopen(o->in, "rb");
  if (!f) {
    fprintf(stderr, "swasmc: cannot open %s: %s\n", o->in, strerror(errno));
    return EXIT_USAGE;
  }
  swasm_buf_t file = {NULL, 0};
  size_t cap = 0;
  for (;;) {
    if (file.size == cap) {
      uint8_t *d = realloc(file.data, cap = cap ? cap * 2 : 65536);
      if (!d) break;
      file.data = d;
    }
    size_t n = fread(file.data + file.size, 1, cap - file.size, f);
    if (n == 0) break;
    file.size += n;
  }
  bool bad = ferror(f) || !file.data;
  fclose(f);
  if (bad) {
    fprintf(stderr, "swasmc: cannot read %s\n", o->in);
    swasm_buf_free(&file);
    return EXIT_USAGE;
  }
  swasm_diag_t d;
  memset(&d, 0, sizeof d);
  if (is_text(o->in, file.data, file.size)) {
    swasm_buf_t bin;
    swasm_status_t st = swasm_wat_to_wasm((const char *)file.data, file.size, &bin, &d);
    swasm_buf_free(&file);
    if (st != SWASM_OK) {
      fprintf(stderr, "%s: %s\n", o->in, d.message);
      return status_exit(st);
    }
    file = bin;
  }
  if (swasm_is_component(file.data, file.size)) {
    *comp = file;
    return 0;
  }
  swasm_status_t st = swasm_module_decode(file.data, file.size, &o->features, out, &d);
  swasm_buf_free(&file);
  if (st == SWASM_OK) {
    st = swasm_module_validate(*out, &d);
    if (st != SWASM_OK) {
      report(&d, o->in, *out);
      swasm_module_free(*out);
      *out = NULL;
    }
  } else {
    report(&d, o->in, NULL);
  }
  return st == SWASM_OK ? 0 : status_exit(st);
}

static int write_all(int fd, const swasm_buf_t *b) {
  for (size_t done = 0; done < b->size;) {
    ssize_t n = write(fd, b->data + done, b->size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    done += (size_t)n;
  }
  return 0;
}

/* Devices and pipes (-o /dev/null) are written in place: renaming over them would replace the
 * device with a file. */
static int write_special(const char *path, const swasm_buf_t *b) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  int err = fd < 0 ? errno : write_all(fd, b);
  if (fd >= 0 && close(fd) != 0 && !err) err = errno;
  if (err) fprintf(stderr, "swasmc: cannot write %s: %s\n", path, strerror(err));
  return err ? EXIT_USAGE : 0;
}

/* Writes data to path through a temporary name (regular files), in place (devices), or to
 * stdout for "-". */
static int write_output(const char *path, const swasm_buf_t *b) {
  if (strcmp(path, "-") == 0) {
    if (fwrite(b->data, 1, b->size, stdout) != b->size || fflush(stdout) != 0) {
      fprintf(stderr, "swasmc: cannot write to stdout: %s\n", strerror(errno));
      return EXIT_USAGE;
    }
    return 0;
  }
  struct stat st;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) return write_special(path, b);
  size_t len = strlen(path) + 32;
  char *tmp = malloc(len);
  if (!tmp) return EXIT_USAGE;
  snprintf(tmp, len, "%s.tmp-%ld", path, (long)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  int err = fd < 0 ? errno : write_all(fd, b);
  if (fd >= 0 && close(fd) != 0 && !err) err = errno;
  if (!err && rename(tmp, path) != 0) err = errno;
  if (err) {
    if (fd >= 0) unlink(tmp);
    fprintf(stderr, "swasmc: cannot write %s: %s\n", path, strerror(err));
  }
  free(tmp);
  return err ? EXIT_USAGE : 0;
}

static int compile_and_write(const options_t *o, const swasm_module_t *m, const char *out) {
  static const swasm_emit_t emits[] = {SWASM_EMIT_OBJ, SWASM_EMIT_OBJ, SWASM_EMIT_ASM,
                                       SWASM_EMIT_LLVM_IR, SWASM_EMIT_LLVM_IR_OPT, SWASM_EMIT_OBJ};
  swasm_compile_opts_t copts = o->copts;
  copts.emit = emits[o->mode];
  swasm_buf_t b;
  swasm_diag_t d;
  memset(&d, 0, sizeof d);
  swasm_status_t st = swasm_compile(m, &copts, &b, &d);
  if (st != SWASM_OK) {
    report(&d, o->in, m);
    return status_exit(st);
  }
  int rc = 0;
  if (o->mode == MODE_EXE) {
    rc = exe_link(&b, out, copts.triple, &o->grants);
  } else if (o->mode == MODE_SHARED) {
    st = swasm_link_shared(&b, out, copts.triple, &d);
    if (st != SWASM_OK) {
      fprintf(stderr, "swasmc: %s\n", d.message);
      rc = status_exit(st);
    }
  } else {
    rc = write_output(out, &b);
  }
  swasm_buf_free(&b);
  return rc;
}

/* A component: an executable of a wasi:cli/command or a library (cexe.c); the other outputs
 * are for modules. */
static int compile_component(const options_t *o, const swasm_buf_t *bytes, const char *out) {
  if (o->mode != MODE_EXE && o->mode != MODE_SHARED) {
    fprintf(stderr, "swasmc: %s is a component: swasmc makes executables of wasi:cli/command "
            "components and shared libraries (-shared) of any; -c, -S and --emit are for core "
            "modules\n", o->in);
    return EXIT_USAGE;
  }
  swasm_component_t *c = NULL;
  swasm_diag_t d;
  memset(&d, 0, sizeof d);
  swasm_status_t st = swasm_component_decode(bytes->data, bytes->size, &o->features, &c, &d);
  if (st == SWASM_OK) st = swasm_component_validate(c, &d);
  int rc;
  if (st != SWASM_OK) {
    report(&d, o->in, NULL);
    rc = status_exit(st);
  } else {
    rc = cexe_build(c, bytes->data, bytes->size, &o->features, &o->copts, o->in, out, &o->grants,
                    o->mode == MODE_SHARED);
  }
  if (c) swasm_component_free(c);
  return rc;
}

int main(int argc, char **argv) {
  options_t o;
  memset(&o, 0, sizeof o);
  int rc = parse_args(argc, argv, &o);
  if (rc) {
    exe_grants_free(&o.grants);
    return rc < 0 ? 0 : rc;
  }
  bool text_out = o.mode == MODE_ASM || o.mode == MODE_IR || o.mode == MODE_IR_OPT;
  if (o.out && strcmp(o.out, "-") == 0 && !text_out)
    return usage_error("%s", "'-o -' is for text output (-S, --emit=llvm-ir); objects and "
                             "libraries need a file name");
  char *def = o.out ? NULL : default_output(o.in, o.mode);
  const char *out = o.out ? o.out : def;
  if (!out) return EXIT_USAGE;
  swasm_module_t *m = NULL;
  swasm_buf_t comp = {NULL, 0};
  rc = load_module(&o, &m, &comp);
  if (rc == 0 && comp.data) rc = compile_component(&o, &comp, out);
  else if (rc == 0 && o.mode == MODE_EXE && !exe_check_command(m, o.in)) rc = EXIT_INPUT;
  if (rc == 0 && m) rc = compile_and_write(&o, m, out);
  swasm_buf_free(&comp);
  if (m) swasm_module_free(m);
  free(def);
  exe_grants_free(&o.grants);
  return rc;
}

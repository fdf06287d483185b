/* exe.c - swasm_link_executable: a WASI command's object, its baked-in grants and the runtime
 * archives linked by the system C compiler driver into one standalone executable.
 *
 * The grants (swasm_wasi_grants, read by libswasm-rt-main's main) go into a second small object
 * built here through LLVM, so the module's object stays the same whatever is granted and the
 * link needs no C compiler run besides the driver's own link step. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <llvm-c/Core.h>

#include "target.h"

#define GRANTS_SYMBOL "swasm_wasi_grants"   /* SWASM_WASI_GRANTS_SYMBOL in swasm/runtime.h */
#define MAX_EXTRA_ARGS 64

/* The C driver for the triple: $SWASM_CC, else the first of cc, clang-19, clang, gcc that
 * exists (for the host), or the cross gcc (for the other architecture). */
static swasm_status_t find_driver(const char *triple, char *out, size_t size,
                                  swasm_diag_t *diag) {
  const char *env = getenv("SWASM_CC");
  if (env && *env) {
    if (tgt_find_program(env, out, size)) return SWASM_OK;
    return tgt_fail(diag, SWASM_IO, "SWASM_CC: cannot find the C compiler '%s'", env);
  }
  bool cross = triple && *triple && strncmp(triple, TGT_HOST_ARCH, strlen(TGT_HOST_ARCH)) != 0;
  if (cross) {
    const char *cc = strncmp(triple, "aarch64", 7) == 0 ? "aarch64-linux-gnu-gcc"
                                                        : "x86_64-linux-gnu-gcc";
    if (tgt_find_program(cc, out, size)) return SWASM_OK;
    return tgt_fail(diag, SWASM_IO, "no C compiler for %s found (tried %s); set SWASM_CC",
                    triple, cc);
  }
  static const char *const names[] = {"cc", "clang-19", "clang", "gcc"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (tgt_find_program(names[i], out, size)) return SWASM_OK;
  return tgt_fail(diag, SWASM_IO, "no C compiler found to link the executable (tried cc, "
                  "clang-19, clang, gcc); set SWASM_CC");
}

/* An object defining `const char *const swasm_wasi_grants[] = {g..., NULL}`. */
static swasm_status_t grants_object(const char *const *grants, const char *triple,
                                    swasm_buf_t *out, swasm_diag_t *diag) {
  swasm_compile_opts_t opts;
  memset(&opts, 0, sizeof opts);
  opts.triple = triple;
  tgt_spec_t spec;
  swasm_status_t st = tgt_resolve(&opts, &spec, diag);
  if (st != SWASM_OK) return st;
  LLVMTargetMachineRef tm = tgt_machine_new(&spec, 0, diag);
  if (!tm) {
    tgt_spec_free(&spec);
    return SWASM_INTERNAL;
  }
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = LLVMModuleCreateWithNameInContext("swasm.grants", ctx);
  LLVMSetTarget(mod, spec.triple);
  LLVMTargetDataRef dl = LLVMCreateTargetDataLayout(tm);
  LLVMSetModuleDataLayout(mod, dl);
  LLVMDisposeTargetData(dl);
  unsigned n = 0;
  while (grants[n]) n++;
  LLVMTypeRef ptr = LLVMPointerTypeInContext(ctx, 0);
  LLVMValueRef *elems = calloc(n + 1, sizeof *elems);
  if (!elems) st = tgt_fail(diag, SWASM_LIMIT, "out of memory");
  for (unsigned i = 0; st == SWASM_OK && i < n; i++) {
    LLVMValueRef text = LLVMConstStringInContext2(ctx, grants[i], strlen(grants[i]), false);
    char name[32];
    snprintf(name, sizeof name, "swasm.grant.%u", i);
    LLVMValueRef g = LLVMAddGlobal(mod, LLVMTypeOf(text), name);
    LLVMSetInitializer(g, text);
    LLVMSetGlobalConstant(g, true);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
    elems[i] = g;
  }
  if (st == SWASM_OK) {
    elems[n] = LLVMConstNull(ptr);
    LLVMValueRef arr = LLVMConstArray2(ptr, elems, n + 1);
    LLVMValueRef g = LLVMAddGlobal(mod, LLVMTypeOf(arr), GRANTS_SYMBOL);
    LLVMSetInitializer(g, arr);
    LLVMSetGlobalConstant(g, true);
    char *msg = NULL;
    LLVMMemoryBufferRef mb = NULL;
    if (LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMObjectFile, &msg, &mb)) {
      st = tgt_fail(diag, SWASM_INTERNAL, "emitting the grants failed: %s", msg ? msg : "");
    } else {
      size_t size = LLVMGetBufferSize(mb);
      out->data = malloc(size ? size : 1);
      out->size = size;
      if (out->data) memcpy(out->data, LLVMGetBufferStart(mb), size);
      else st = tgt_fail(diag, SWASM_LIMIT, "out of memory");
      LLVMDisposeMemoryBuffer(mb);
    }
    LLVMDisposeMessage(msg);
  }
  free(elems);
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  LLVMDisposeTargetMachine(tm);
  tgt_spec_free(&spec);
  return st;
}

/* The line of the driver's messages that says why it failed: the first naming an error, an
 * undefined symbol or what the linker cannot do (warnings, like glibc's about dlopen in static
 * programs, come first, and gcc's "collect2: error" summary comes last), or the first line. */
static void why_line(const tgt_output_t *msgs, char *buf, size_t size) {
  const char *text = msgs->data ? (const char *)msgs->data : "";
  for (const char *line = text; *line;) {
    size_t len = strcspn(line, "\n");
    char one[600];
    snprintf(one, sizeof one, "%.*s", (int)(len < sizeof one ? len : sizeof one - 1), line);
    bool why = strstr(one, "error") || strstr(one, "undefined reference") ||
               strstr(one, "cannot ");
    if (why && !strstr(one, "collect2") && !strstr(one, "warning")) {
      tgt_output_t o = {.data = (uint8_t *)one, .len = strlen(one)};
      tgt_first_line(&o, buf, size);
      return;
    }
    line += len + (line[len] == '\n');
  }
  tgt_first_line(msgs, buf, size);
}

/* Runs the driver: cc [-static-pie] -o out obj [grants] libs... extra... -lm -ldl -lpthread. */
static swasm_status_t run_driver(const char *cc, const char *obj, const char *grants,
                                 const swasm_exe_opts_t *opts, const char *out,
                                 const char *shown, swasm_diag_t *diag) {
  size_t nlibs = 0, nextra = 0;
  while (opts->libs && opts->libs[nlibs]) nlibs++;
  while (opts->link_args && opts->link_args[nextra]) nextra++;
  if (nlibs + nextra > MAX_EXTRA_ARGS)
    return tgt_fail(diag, SWASM_IO, "too many libraries and link arguments");
  char *argv[MAX_EXTRA_ARGS + 16];
  int n = 0;
  argv[n++] = (char *)cc;
  if (!opts->shared_libc) argv[n++] = "-static-pie";
  argv[n++] = "-o";
  argv[n++] = (char *)out;
  argv[n++] = (char *)obj;
  if (grants) argv[n++] = (char *)grants;
  for (size_t i = 0; i < nlibs; i++) argv[n++] = (char *)opts->libs[i];
  for (size_t i = 0; i < nextra; i++) argv[n++] = (char *)opts->link_args[i];
  /* libm only when the code calls it; libdl and libpthread are empty since glibc 2.34 but
   * still needed before. --as-needed keeps the executable's start from loading them idly. */
  argv[n++] = "-Wl,--as-needed";
  argv[n++] = "-lm";
  argv[n++] = "-ldl";
  argv[n++] = "-lpthread";
  argv[n++] = "-Wl,--no-as-needed";
  argv[n++] = "-Wl,-z,noexecstack";
  argv[n] = NULL;
  tgt_output_t msgs = {.limit = 8192};
  int rc = tgt_run(argv, &msgs, &msgs, diag);
  swasm_status_t st = SWASM_OK;
  if (rc > 0) {
    char msg[400];
    why_line(&msgs, msg, sizeof msg);
    st = tgt_fail(diag, SWASM_IO, "linking %s failed (%s exit status %d)%s%s", shown, cc, rc,
                  *msg ? ": " : "", msg);
  }
  tgt_output_free(&msgs);
  return rc < 0 ? SWASM_IO : st;
}

/* Every file the link reads must exist: a missing runtime archive gets a message that says
 * what it is, rather than the driver's. */
static swasm_status_t check_libs(const swasm_exe_opts_t *opts, swasm_diag_t *diag) {
  for (size_t i = 0; opts->libs && opts->libs[i]; i++) {
    const char *lib = opts->libs[i];
    if (lib[0] == '-') continue;
    if (access(lib, R_OK) != 0)
      return tgt_fail(diag, SWASM_IO, "cannot read the runtime library %s: %s", lib,
                      strerror(errno));
  }
  return SWASM_OK;
}

swasm_status_t swasm_link_executable(const swasm_buf_t *obj, const char *path,
                                     const swasm_exe_opts_t *opts, swasm_diag_t *diag) {
  if (!obj || !obj->data || !path || !*path || !opts)
    return tgt_fail(diag, SWASM_IO, "nothing to link or no output path");
  char cc[4096], in[4096], grants_path[4096], tmp[4200];
  swasm_status_t st = check_libs(opts, diag);
  if (st == SWASM_OK) st = find_driver(opts->triple, cc, sizeof cc, diag);
  if (st != SWASM_OK) return st;
  if (strlen(path) + 40 > sizeof tmp)
    return tgt_fail(diag, SWASM_IO, "output path too long: %s", path);
  struct stat sb;
  bool special = stat(path, &sb) == 0 && !S_ISREG(sb.st_mode);
  if (special) snprintf(tmp, sizeof tmp, "%s", path);
  else tgt_temp_name(path, tmp, sizeof tmp);
  bool have_grants = opts->grants && opts->grants[0];
  if (have_grants) {
    swasm_buf_t g = {NULL, 0};
    st = grants_object(opts->grants, opts->triple, &g, diag);
    if (st == SWASM_OK)
      st = tgt_temp_file(".o", g.data, g.size, grants_path, sizeof grants_path, diag);
    swasm_buf_free(&g);
    if (st != SWASM_OK) return st;
  }
  st = tgt_temp_file(".o", obj->data, obj->size, in, sizeof in, diag);
  if (st == SWASM_OK) {
    st = run_driver(cc, in, have_grants ? grants_path : NULL, opts, tmp, path, diag);
    unlink(in);
  }
  if (have_grants) unlink(grants_path);
  if (special) return st;
  if (st == SWASM_OK && rename(tmp, path) != 0)
    st = tgt_fail(diag, SWASM_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
  if (st != SWASM_OK) unlink(tmp);
  return st;
}

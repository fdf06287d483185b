/* cexe.c - swasmc's outputs from components: every distinct core module the component tree
 * embeds is compiled to an object (its symbols renamed by celf.c), a payload object emitted
 * through LLVM carries the component's bytes, its features, a table of the modules' descriptors
 * and, for libraries, its world in WIT (swasm/linker.h Part 6). An executable of a
 * wasi:cli/command links them with libswasm-cexe's main, the linker and the runtime, and runs
 * the component with WASI 0.2 as `swasm run` does; -shared links them into one library per
 * component that swasm_cpkg_open loads. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>

#include "cexe.h"
#include "exe.h"

enum { EXIT_INPUT = 1, EXIT_USAGE = 2, MAX_MODULES = 48 };

/* The distinct core modules of a component tree, each compiled to an object file. */
typedef struct pack {
  uint64_t hash[MAX_MODULES], size[MAX_MODULES];
  char *path[MAX_MODULES];
  uint32_t n;
} pack_t;

/* Writes an object to a temporary file; its path (malloc'd) or NULL. */
static char *temp_object(const swasm_buf_t *b) {
  const char *dir = getenv("TMPDIR");
  size_t len = strlen(dir && *dir ? dir : "/tmp") + 32;
  char *path = malloc(len);
  if (!path) return NULL;
  snprintf(path, len, "%s/swasmc-XXXXXX.o", dir && *dir ? dir : "/tmp");
  int fd = mkstemps(path, 2);
  bool ok = fd >= 0;
  for (size_t done = 0; ok && done < b->size;) {
    ssize_t n = write(fd, b->data + done, b->size - done);
    ok = n > 0;
    done += ok ? (size_t)n : 0;
  }
  if (fd >= 0 && close(fd) != 0) ok = false;
  if (!ok) {
    if (fd >= 0) unlink(path);
    free(path);
    return NULL;
  }
  return path;
}

static int compile_one(pack_t *p, const swasm_module_t *m, const swasm_compile_opts_t *o,
                       const char *in) {
  swasm_buf_t obj = {NULL, 0};
  swasm_diag_t d;
  memset(&d, 0, sizeof d);
  if (swasm_compile(m, o, &obj, &d) != SWASM_OK) {
    char buf[1024];
    fprintf(stderr, "%s\n", swasm_diag_format(&d, in, m, buf, sizeof buf));
    return d.status == SWASM_IO ? EXIT_USAGE : EXIT_INPUT;
  }
  char err[128];
  if (!celf_rename(obj.data, obj.size, p->n, err, sizeof err)) {
    fprintf(stderr, "swasmc: %s: core module %u: %s\n", in, p->n, err);
    swasm_buf_free(&obj);
    return EXIT_INPUT;
  }
  p->path[p->n] = temp_object(&obj);
  swasm_buf_free(&obj);
  if (!p->path[p->n]) {
    fprintf(stderr, "swasmc: cannot write a temporary object: %s\n", strerror(errno));
    return EXIT_USAGE;
  }
  p->hash[p->n] = swasm_cpkg_hash(m->bytes, m->size);
  p->size[p->n] = m->size;
  p->n++;
  return 0;
}

/* Compiles every core module of c and its nested components once (equal modules share). */
static int pack_modules(pack_t *p, const swasm_component_t *c, const swasm_compile_opts_t *o,
                        const char *in) {
  for (uint32_t i = 0; i < c->nmodules; i++) {
    const swasm_module_t *m = c->modules[i];
    uint64_t h = swasm_cpkg_hash(m->bytes, m->size);
    bool seen = false;
    for (uint32_t j = 0; j < p->n && !seen; j++) seen = p->hash[j] == h && p->size[j] == m->size;
    if (seen) continue;
    if (p->n == MAX_MODULES) {
      fprintf(stderr, "swasmc: %s: more than %d distinct core modules\n", in, MAX_MODULES);
      return EXIT_INPUT;
    }
    int rc = compile_one(p, m, o, in);
    if (rc) return rc;
  }
  for (uint32_t i = 0; i < c->ncomponents; i++) {
    int rc = pack_modules(p, c->components[i], o, in);
    if (rc) return rc;
  }
  return 0;
}

static LLVMTargetMachineRef target_machine(const char *triple) {
  LLVMInitializeAllTargetInfos();
  LLVMInitializeAllTargets();
  LLVMInitializeAllTargetMCs();
  LLVMInitializeAllAsmPrinters();
  char *def = triple ? NULL : LLVMGetDefaultTargetTriple();
  LLVMTargetRef t;
  char *msg = NULL;
  LLVMTargetMachineRef tm = NULL;
  if (!LLVMGetTargetFromTriple(triple ? triple : def, &t, &msg))
    tm = LLVMCreateTargetMachine(t, triple ? triple : def, "", "", LLVMCodeGenLevelNone,
                                 LLVMRelocPIC, LLVMCodeModelDefault);
  else
    fprintf(stderr, "swasmc: unknown target %s: %s\n", triple ? triple : def, msg ? msg : "");
  LLVMDisposeMessage(msg);
  LLVMDisposeMessage(def);
  return tm;
}

static LLVMValueRef constant(LLVMModuleRef mod, const char *name, LLVMValueRef init) {
  LLVMValueRef g = LLVMAddGlobal(mod, LLVMTypeOf(init), name);
  LLVMSetInitializer(g, init);
  LLVMSetGlobalConstant(g, true);
  return g;
}

/* The payload's globals (cexe.h): the component, its features and the module table, whose
 * entries point to the renamed descriptors of the module objects. */
static void payload_globals(LLVMContextRef ctx, LLVMModuleRef mod, const pack_t *p,
                            const uint8_t *bytes, size_t size, const swasm_features_t *f,
                            const char *world) {
  LLVMTypeRef i64 = LLVMInt64TypeInContext(ctx), ptr = LLVMPointerTypeInContext(ctx, 0);
  LLVMValueRef comp = constant(mod, SWASM_CPKG_COMPONENT,
                               LLVMConstStringInContext2(ctx, (const char *)bytes, size, true));
  LLVMSetAlignment(comp, 16);
  constant(mod, SWASM_CPKG_COMPONENT_SIZE, LLVMConstInt(i64, size, false));
  uint8_t fl[8];
  cexe_put_features(fl, f);
  constant(mod, SWASM_CPKG_FEATURES, LLVMConstStringInContext2(ctx, (const char *)fl, 8, true));
  LLVMTypeRef et[3] = {i64, i64, ptr};
  LLVMTypeRef entry = LLVMStructTypeInContext(ctx, et, 3, false);
  LLVMValueRef rows[MAX_MODULES];
  for (uint32_t i = 0; i < p->n; i++) {
    char name[32];
    snprintf(name, sizeof name, "swasm_mod%08u", i);
    LLVMValueRef desc = LLVMAddGlobal(mod, LLVMInt8TypeInContext(ctx), name);
    LLVMValueRef v[3] = {LLVMConstInt(i64, p->hash[i], false), LLVMConstInt(i64, p->size[i], false),
                         desc};
    rows[i] = LLVMConstNamedStruct(entry, v, 3);
  }
  constant(mod, SWASM_CPKG_MODULES, LLVMConstArray2(entry, rows, p->n));
  constant(mod, SWASM_CPKG_NMODULES, LLVMConstInt(i64, p->n, false));
  if (world)
    constant(mod, SWASM_CPKG_WORLD, LLVMConstStringInContext2(ctx, world, strlen(world), false));
}

static bool payload_object(const pack_t *p, const uint8_t *bytes, size_t size,
                           const swasm_features_t *f, const char *world, const char *triple,
                           swasm_buf_t *out) {
  LLVMTargetMachineRef tm = target_machine(triple);
  if (!tm) return false;
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = LLVMModuleCreateWithNameInContext("swasm.cexe", ctx);
  char *tt = LLVMGetTargetMachineTriple(tm);
  LLVMSetTarget(mod, tt);
  LLVMDisposeMessage(tt);
  payload_globals(ctx, mod, p, bytes, size, f, world);
  char *msg = NULL;
  LLVMMemoryBufferRef mb = NULL;
  bool ok = !LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMObjectFile, &msg, &mb);
  if (ok) {
    out->size = LLVMGetBufferSize(mb);
    out->data = malloc(out->size ? out->size : 1);
    if (out->data) memcpy(out->data, LLVMGetBufferStart(mb), out->size);
    ok = out->data != NULL;
    LLVMDisposeMemoryBuffer(mb);
  } else {
    fprintf(stderr, "swasmc: emitting the component payload failed: %s\n", msg ? msg : "");
  }
  LLVMDisposeMessage(msg);
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  LLVMDisposeTargetMachine(tm);
  return ok;
}

/* A command exports wasi:cli/run (any 0.2.x) with a function run. */
static bool is_command(const swasm_component_t *c) {
  const swasm_cm_type_t *t = c->type;
  for (uint32_t i = 0; t && i < t->nexports; i++)
    if (strncmp(t->exports[i].name, "wasi:cli/run@0.2.", 17) == 0 &&
        t->exports[i].sort == SWASM_CM_INSTANCE)
      return true;
  return false;
}

/* The world of a library, in WIT, named after the output file. */
static char *world_text(const swasm_component_t *c, const char *out) {
  const char *base = strrchr(out, '/');
  base = base ? base + 1 : out;
  char name[64];
  size_t n = 0;
  for (const char *q = base; *q && *q != '.' && n + 1 < sizeof name; q++) {
    char ch = *q >= 'A' && *q <= 'Z' ? (char)(*q - 'A' + 'a') : *q;
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9' && n > 0);
    name[n++] = ok ? ch : '-';
  }
  name[n] = 0;
  if (!n || name[0] == '-') snprintf(name, sizeof name, "root");
  swasm_buf_t wit = {NULL, 0};
  swasm_diag_t d;
  memset(&d, 0, sizeof d);
  if (swasm_component_wit(c, name, &wit, &d) != SWASM_OK) return NULL;
  return (char *)wit.data;
}

int cexe_build(const swasm_component_t *c, const uint8_t *bytes, size_t size,
               const swasm_features_t *features, const swasm_compile_opts_t *copts,
               const char *in, const char *out, const exe_grants_t *g, bool shared) {
  if (!shared && !is_command(c)) {
    fprintf(stderr, "swasmc: %s is not a wasi:cli/command component: it exports no "
            "wasi:cli/run@0.2.x instance (an executable runs its `run`; -shared makes a "
            "library of any component)\n", in);
    return EXIT_INPUT;
  }
  pack_t *p = calloc(1, sizeof *p);
  if (!p) return EXIT_USAGE;
  swasm_compile_opts_t o = *copts;
  o.emit = SWASM_EMIT_OBJ;
  int rc = pack_modules(p, c, &o, in);
  char *world = !rc && shared ? world_text(c, out) : NULL;
  swasm_buf_t obj = {NULL, 0};
  if (!rc && !payload_object(p, bytes, size, features, world, copts->triple, &obj))
    rc = EXIT_USAGE;
  const char *const *objs = (const char *const *)p->path;
  if (!rc && shared) rc = exe_link_component_shared(&obj, objs, p->n, out, copts->triple);
  else if (!rc) rc = exe_link_component(&obj, objs, p->n, out, copts->triple, g);
  swasm_buf_free(&obj);
  free(world);
  for (uint32_t i = 0; i < p->n; i++) {
    unlink(p->path[i]);
    free(p->path[i]);
  }
  free(p);
  return rc;
}

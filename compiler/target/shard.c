/* shard.c - parallel compilation: the verified module is cut into shards of whole functions,
 * each shard is optimised and emitted by its own thread in its own LLVMContext, and the shards'
 * objects are joined into one relocatable object by the linker (ld -r).
 *
 * Codegen builds one module; the shards are copies of it made through bitcode, each keeping
 * the bodies of its own functions and declarations of the rest. Symbols that were local become
 * hidden globals so shards can call each other; nothing new is exported from the library. The
 * shard count depends on the module's size only, so the object is the same on every machine
 * and for every thread count.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <llvm-c/BitReader.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Core.h>

#include "target.h"

#define SHARD_CODE_BYTES 32768u   /* wasm code per shard: each shard re-reads the whole module */
#define MAX_SHARDS 16u

unsigned tgt_shard_count(const swasm_module_t *m) {
  uint64_t code = 0;
  for (uint32_t i = m->nimported_funcs; i < m->nfuncs; i++)
    code += m->funcs[i].body_end - m->funcs[i].body_offset;
  uint64_t n = code / SHARD_CODE_BYTES;
  return n < 1 ? 1 : n > MAX_SHARDS ? MAX_SHARDS : (unsigned)n;
}

static bool is_local(LLVMValueRef g) {
  LLVMLinkage l = LLVMGetLinkage(g);
  return l == LLVMInternalLinkage || l == LLVMPrivateLinkage;
}

/* Local definitions become hidden globals with unique names; the old name is kept after the
 * prefix for profilers and debuggers. */
static void externalize(LLVMValueRef g, const char *kind, unsigned ordinal) {
  size_t len;
  const char *old = LLVMGetValueName2(g, &len);
  char name[128];
  int n = snprintf(name, sizeof name, "swasm.%s%u%s%.*s", kind, ordinal, len ? "." : "",
                   (int)(len > 64 ? 64 : len), old);
  LLVMSetValueName2(g, name, (size_t)n < sizeof name ? (size_t)n : sizeof name - 1);
  LLVMSetLinkage(g, LLVMExternalLinkage);
  LLVMSetVisibility(g, LLVMHiddenVisibility);
}

/* Defined functions in module order, with their instruction counts. */
typedef struct plan {
  unsigned nfuncs;
  unsigned *shard_of;          /* [nfuncs] */
  unsigned nshards;
} plan_t;

static unsigned count_instructions(LLVMValueRef f) {
  unsigned n = 0;
  for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b; b = LLVMGetNextBasicBlock(b))
    for (LLVMValueRef i = LLVMGetFirstInstruction(b); i; i = LLVMGetNextInstruction(i)) n++;
  return n;
}

/* Externalizes local symbols and cuts the functions into contiguous runs of about equal
 * instruction counts. */
static bool make_plan(LLVMModuleRef mod, unsigned nshards, plan_t *p) {
  unsigned nf = 0, ng = 0;
  for (LLVMValueRef f = LLVMGetFirstFunction(mod); f; f = LLVMGetNextFunction(f))
    if (!LLVMIsDeclaration(f)) nf++;
  unsigned *weight = calloc(nf ? nf : 1, sizeof *weight);
  p->shard_of = calloc(nf ? nf : 1, sizeof *p->shard_of);
  if (!weight || !p->shard_of) {
    free(weight);
    return false;
  }
  uint64_t total = 0;
  nf = 0;
  for (LLVMValueRef f = LLVMGetFirstFunction(mod); f; f = LLVMGetNextFunction(f)) {
    if (LLVMIsDeclaration(f)) continue;
    if (is_local(f)) externalize(f, "f", nf);
    weight[nf] = count_instructions(f);
    total += weight[nf++];
  }
  for (LLVMValueRef g = LLVMGetFirstGlobal(mod); g; g = LLVMGetNextGlobal(g))
    if (!LLVMIsDeclaration(g) && is_local(g)) externalize(g, "g", ng++);
  uint64_t acc = 0;
  for (unsigned i = 0; i < nf; i++) {
    unsigned s = (unsigned)(acc * nshards / (total ? total : 1));
    p->shard_of[i] = s < nshards ? s : nshards - 1;
    acc += weight[i];
  }
  free(weight);
  p->nfuncs = nf;
  p->nshards = nshards;
  return true;
}

/* A copy of g's name, which may hold any bytes. */
static char *name_of(LLVMValueRef g, size_t *len) {
  const char *name = LLVMGetValueName2(g, len);
  char *copy = malloc(*len + 1);
  if (copy) memcpy(copy, name, *len + 1);
  return copy;
}

/* Replaces a definition by a declaration of the same name, type and attributes. */
static void drop_body(LLVMModuleRef mod, LLVMValueRef f) {
  size_t len;
  char *name = name_of(f, &len);
  LLVMValueRef d = LLVMAddFunction(mod, "", LLVMGlobalGetValueType(f));
  LLVMSetFunctionCallConv(d, LLVMGetFunctionCallConv(f));
  unsigned nparams = LLVMCountParams(f);
  for (long idx = -1; idx <= (long)nparams; idx++) {
    LLVMAttributeIndex ai = (LLVMAttributeIndex)idx;
    unsigned n = LLVMGetAttributeCountAtIndex(f, ai);
    if (!n) continue;
    LLVMAttributeRef *attrs = malloc(n * sizeof *attrs);
    if (!attrs) continue;
    LLVMGetAttributesAtIndex(f, ai, attrs);
    for (unsigned k = 0; k < n; k++) LLVMAddAttributeAtIndex(d, ai, attrs[k]);
    free(attrs);
  }
  LLVMSetVisibility(d, LLVMGetVisibility(f));
  LLVMReplaceAllUsesWith(f, d);
  LLVMDeleteFunction(f);
  LLVMSetValueName2(d, name ? name : "", name ? len : 0);
  free(name);
}

/* Replaces a global variable's definition by a declaration. */
static void drop_initializer(LLVMModuleRef mod, LLVMValueRef g) {
  size_t len;
  char *name = name_of(g, &len);
  LLVMValueRef d = LLVMAddGlobal(mod, LLVMGlobalGetValueType(g), "");
  LLVMSetGlobalConstant(d, LLVMIsGlobalConstant(g));
  LLVMSetAlignment(d, LLVMGetAlignment(g));
  LLVMSetVisibility(d, LLVMGetVisibility(g));
  LLVMReplaceAllUsesWith(g, d);
  LLVMDeleteGlobal(g);
  LLVMSetValueName2(d, name ? name : "", name ? len : 0);
  free(name);
}

typedef struct job {
  const plan_t *plan;
  const swasm_compile_opts_t *opts;
  const tgt_spec_t *spec;
  const char *bitcode;
  size_t bitcode_size;
  atomic_uint next;
  swasm_buf_t *objs;           /* [nshards] */
  swasm_status_t *status;      /* [nshards] */
  swasm_diag_t *diags;         /* [nshards] */
} job_t;

/* Keeps shard k's function bodies; shard 0 also keeps the data. */
static void keep_shard(LLVMModuleRef mod, const plan_t *p, unsigned k) {
  unsigned i = 0;
  LLVMValueRef next;
  for (LLVMValueRef f = LLVMGetFirstFunction(mod); f; f = next) {
    next = LLVMGetNextFunction(f);
    if (LLVMIsDeclaration(f)) continue;
    if (i < p->nfuncs && p->shard_of[i] != k) drop_body(mod, f);
    i++;
  }
  if (k == 0) return;
  for (LLVMValueRef g = LLVMGetFirstGlobal(mod); g; g = next) {
    next = LLVMGetNextGlobal(g);
    size_t len;
    const char *name = LLVMGetValueName2(g, &len);
    if (!LLVMIsDeclaration(g) && strncmp(name, "llvm.", 5) != 0) drop_initializer(mod, g);
  }
}

static swasm_status_t emit_obj(LLVMModuleRef mod, LLVMTargetMachineRef tm, swasm_buf_t *out,
                               swasm_diag_t *diag) {
  LLVMMemoryBufferRef mb = NULL;
  char *msg = NULL;
  if (LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMObjectFile, &msg, &mb)) {
    tgt_fail(diag, SWASM_INTERNAL, "LLVM code generation failed: %s", msg ? msg : "");
    LLVMDisposeMessage(msg);
    return SWASM_INTERNAL;
  }
  LLVMDisposeMessage(msg);
  size_t size = LLVMGetBufferSize(mb);
  out->data = malloc(size ? size : 1);
  swasm_status_t st = SWASM_OK;
  if (out->data) {
    memcpy(out->data, LLVMGetBufferStart(mb), size);
    out->size = size;
  } else {
    st = tgt_fail(diag, SWASM_INTERNAL, "out of memory");
  }
  LLVMDisposeMemoryBuffer(mb);
  return st;
}

static swasm_status_t compile_shard(job_t *j, unsigned k) {
  swasm_diag_t *diag = &j->diags[k];
  LLVMTargetMachineRef tm = tgt_machine_new(j->spec, j->opts->opt_level, diag);
  if (!tm) return SWASM_INTERNAL;
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMMemoryBufferRef mb =
      LLVMCreateMemoryBufferWithMemoryRange(j->bitcode, j->bitcode_size, "shard", false);
  LLVMModuleRef mod = NULL;
  swasm_status_t st = SWASM_OK;
  if (LLVMParseBitcodeInContext2(ctx, mb, &mod))
    st = tgt_fail(diag, SWASM_INTERNAL, "cannot read back the module's bitcode");
  LLVMDisposeMemoryBuffer(mb);
  if (st == SWASM_OK) {
    keep_shard(mod, j->plan, k);
    st = tgt_optimise(mod, tm, j->opts->opt_level, diag);
  }
  if (st == SWASM_OK) st = emit_obj(mod, tm, &j->objs[k], diag);
  if (mod) LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  LLVMDisposeTargetMachine(tm);
  return st;
}

static void *worker(void *arg) {
  job_t *j = arg;
  for (unsigned k; (k = atomic_fetch_add(&j->next, 1)) < j->plan->nshards;)
    j->status[k] = compile_shard(j, k);
  return NULL;
}

static unsigned thread_count(const swasm_compile_opts_t *opts, unsigned nshards) {
  long n = opts->threads ? (long)opts->threads : sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  return n < (long)nshards ? (unsigned)n : nshards;
}

static void run_workers(job_t *j, unsigned nthreads) {
  pthread_t tids[MAX_SHARDS];
  unsigned started = 0;
  for (unsigned t = 1; t < nthreads; t++)
    if (pthread_create(&tids[started], NULL, worker, j) == 0) started++;
  worker(j);   /* the caller works too, and alone if no thread could start */
  for (unsigned t = 0; t < started; t++) pthread_join(tids[t], NULL);
}

/* ld -r s0.o s1.o ... into one object, read back into out. */
static swasm_status_t join_objects(const job_t *j, const char *triple, swasm_buf_t *out,
                                   swasm_diag_t *diag) {
  tgt_linker_t lk;
  swasm_status_t st = tgt_find_linker(triple, &lk, diag);
  if (st != SWASM_OK) return st;
  unsigned n = j->plan->nshards;
  char (*paths)[4096] = calloc(n + 1, sizeof *paths);
  char **argv = calloc(n + 8, sizeof *argv);
  if (!paths || !argv) {
    free(paths);
    free(argv);
    return tgt_fail(diag, SWASM_INTERNAL, "out of memory");
  }
  unsigned made = 0;
  for (; made < n && st == SWASM_OK; made++)
    st = tgt_temp_file(".o", j->objs[made].data, j->objs[made].size, paths[made],
                       sizeof paths[made], diag);
  if (st != SWASM_OK) made--;   /* the failed one left no file */
  char *outp = paths[n];
  if (st == SWASM_OK) st = tgt_temp_file(".o", "", 0, outp, sizeof paths[n], diag);
  if (st == SWASM_OK) {
    int a = 0;
    argv[a++] = lk.path;
    if (lk.is_driver) argv[a++] = "-nostdlib";
    argv[a++] = "-r";
    argv[a++] = "-o";
    argv[a++] = outp;
    for (unsigned k = 0; k < n; k++) argv[a++] = paths[k];
    argv[a] = NULL;
    tgt_output_t msgs = {.limit = 8192};
    int rc = tgt_run(argv, &msgs, &msgs, diag);
    if (rc > 0) {
      char msg[400];
      tgt_first_line(&msgs, msg, sizeof msg);
      st = tgt_fail(diag, SWASM_IO, "joining the shards' objects failed (%s exit status %d)%s%s",
                    lk.path, rc, *msg ? ": " : "", msg);
    } else if (rc < 0) {
      st = SWASM_IO;
    }
    tgt_output_free(&msgs);
    if (st == SWASM_OK) st = tgt_read_file(outp, out, diag);
    unlink(outp);
  }
  for (unsigned k = 0; k < made; k++) unlink(paths[k]);
  free(paths);
  free(argv);
  return st;
}

swasm_status_t tgt_compile_shards(LLVMModuleRef mod, unsigned nshards,
                                  const swasm_compile_opts_t *opts, const tgt_spec_t *spec,
                                  swasm_buf_t *out, swasm_diag_t *diag) {
  plan_t plan = {0};
  if (!make_plan(mod, nshards, &plan)) return tgt_fail(diag, SWASM_INTERNAL, "out of memory");
  LLVMMemoryBufferRef bc = LLVMWriteBitcodeToMemoryBuffer(mod);
  job_t j = {.plan = &plan, .opts = opts, .spec = spec,
             .bitcode = LLVMGetBufferStart(bc), .bitcode_size = LLVMGetBufferSize(bc)};
  atomic_init(&j.next, 0);
  j.objs = calloc(nshards, sizeof *j.objs);
  j.status = calloc(nshards, sizeof *j.status);
  j.diags = calloc(nshards, sizeof *j.diags);
  swasm_status_t st = SWASM_OK;
  if (!j.objs || !j.status || !j.diags) {
    st = tgt_fail(diag, SWASM_INTERNAL, "out of memory");
  } else {
    run_workers(&j, thread_count(opts, nshards));
    for (unsigned k = 0; k < nshards && st == SWASM_OK; k++)
      if (j.status[k] != SWASM_OK) {
        *diag = j.diags[k];
        st = j.status[k];
      }
    if (st == SWASM_OK) st = join_objects(&j, spec->triple, out, diag);
  }
  for (unsigned k = 0; j.objs && k < nshards; k++) swasm_buf_free(&j.objs[k]);
  free(j.objs);
  free(j.status);
  free(j.diags);
  free(plan.shard_of);
  LLVMDisposeMemoryBuffer(bc);
  return st;
}

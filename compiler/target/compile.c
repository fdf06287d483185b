/* compile.c - swasm_compile: the pipeline from a validated module to an object, assembly or
 * LLVM IR in memory (codegen, target set-up, verification, optimisation, emission). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "../codegen/codegen.h"
#include "rt_abi.h"
#include "target.h"

void swasm_buf_free(swasm_buf_t *b) {
  if (!b) return;
  free(b->data);
  b->data = NULL;
  b->size = 0;
}

static swasm_status_t buf_set(swasm_buf_t *out, const void *data, size_t size,
                              swasm_diag_t *diag) {
  out->data = malloc(size ? size : 1);
  if (!out->data) return tgt_fail(diag, SWASM_INTERNAL, "out of memory (%zu bytes)", size);
  memcpy(out->data, data, size);
  out->size = size;
  return SWASM_OK;
}

static void on_llvm_diag(LLVMDiagnosticInfoRef di, void *arg) {
  tgt_llvm_diag_t *d = arg;
  if (LLVMGetDiagInfoSeverity(di) != LLVMDSError || d->error) return;
  char *msg = LLVMGetDiagInfoDescription(di);
  snprintf(d->message, sizeof d->message, "%s", msg ? msg : "(no message)");
  LLVMDisposeMessage(msg);
  d->error = true;
}

void tgt_llvm_diag_attach(LLVMContextRef ctx, tgt_llvm_diag_t *d) {
  d->error = false;
  d->message[0] = '\0';
  LLVMContextSetDiagnosticHandler(ctx, on_llvm_diag, d);
}

swasm_status_t tgt_llvm_diag_check(const tgt_llvm_diag_t *d, swasm_diag_t *diag) {
  if (!d->error) return SWASM_OK;
  return tgt_fail(diag, SWASM_INTERNAL, "LLVM reported an error: %s", d->message);
}

bool tgt_timing_on(void) {
  const char *v = getenv("SWASM_TIME");
  return v && *v && strcmp(v, "0") != 0;
}

static double clock_seconds(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

tgt_stamp_t tgt_stamp(void) {
  tgt_stamp_t s = {clock_seconds(CLOCK_MONOTONIC), clock_seconds(CLOCK_THREAD_CPUTIME_ID)};
  return s;
}

void tgt_phase(tgt_stamp_t *since, const char *what, int shard) {
  if (!tgt_timing_on()) return;
  tgt_stamp_t now = tgt_stamp();
  char where[32] = "";
  if (shard >= 0) snprintf(where, sizeof where, " [shard %d]", shard);
  fprintf(stderr, "swasm-time: %-9s%-11s wall %8.3f s  cpu %8.3f s\n", what, where,
          now.wall - since->wall, now.cpu - since->cpu);
  *since = now;
}

/* The one place LLVMVerifyModule is called: it returns 1 when the module is broken. Like
 * clang, only builds with assertions verify every module (a tenth of an -O0 compile): codegen
 * bugs are caught by the test builds; release builds trust them. */
static swasm_status_t verify(LLVMModuleRef mod, swasm_diag_t *diag) {
  swasm_status_t st = SWASM_OK;
#ifndef NDEBUG
  char *msg = NULL;
  LLVMBool broken = LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg);
  if (broken)
    st = tgt_fail(diag, SWASM_INTERNAL, "codegen produced invalid LLVM IR: %s",
                  msg ? msg : "(no message)");
  LLVMDisposeMessage(msg);
#else
  (void)mod;
  (void)diag;
#endif
  return st;
}

static swasm_status_t take_error(LLVMErrorRef err, const char *what, swasm_diag_t *diag) {
  if (!err) return SWASM_OK;
  char *msg = LLVMGetErrorMessage(err);
  tgt_fail(diag, SWASM_INTERNAL, "%s: %s", what, msg);
  LLVMDisposeErrorMessage(msg);
  return SWASM_INTERNAL;
}

/* -O2: LLVM's O2 pipeline without what wasm producers have done already (whole-module IPO,
 * repeated rounds of the same scalar passes), keeping the inliner (a module carries its own
 * libc: inlining strlen or strcmp into a hot loop is something native code linked against a
 * shared libc cannot do), the loop passes and both vectorisers. Measured against default<O2>
 * (docs/performance.md, notes): an eighth less compile time on the bench programs and a third
 * less LLVM optimisation time on a 2.4 MB module, and the same or faster code on all 13
 * programs (interp, matmul and nn 25-35% faster). */
static const char o2_pipeline[] =
    "cgscc(inline,function("
    "sroa<modify-cfg>,early-cse<memssa>,simplifycfg,instcombine<no-verify-fixpoint>,"
    "jump-threading,correlated-propagation,simplifycfg,"
    "loop-mssa(loop-rotate,licm<allowspeculation>,simple-loop-unswitch),simplifycfg,"
    "instcombine<no-verify-fixpoint>,loop(loop-idiom,indvars,loop-deletion,loop-unroll-full),"
    "gvn,instcombine<no-verify-fixpoint>,dse,adce,simplifycfg)),"
    "function(loop-vectorize,loop-load-elim,instcombine<no-verify-fixpoint>,simplifycfg,"
    "slp-vectorizer,vector-combine,instcombine<no-verify-fixpoint>,loop-unroll<O2>,"
    "instcombine<no-verify-fixpoint>,loop-mssa(licm),div-rem-pairs,simplifycfg),"
    "globaldce";

swasm_status_t tgt_optimise(LLVMModuleRef mod, LLVMTargetMachineRef tm, int level,
                           swasm_diag_t *diag) {
  static const char *const pipelines[] = {"default<O0>", "default<O1>", o2_pipeline,
                                          "default<O3>"};
  LLVMPassBuilderOptionsRef pbo = LLVMCreatePassBuilderOptions();
  bool vectorise = level >= 2;
  LLVMPassBuilderOptionsSetLoopVectorization(pbo, vectorise);
  LLVMPassBuilderOptionsSetSLPVectorization(pbo, vectorise);
  LLVMPassBuilderOptionsSetLoopInterleaving(pbo, vectorise);
  LLVMPassBuilderOptionsSetLoopUnrolling(pbo, level >= 2);
  LLVMErrorRef err = LLVMRunPasses(mod, pipelines[level & 3], tm, pbo);
  LLVMDisposePassBuilderOptions(pbo);
  if (!err) cg_merge_streams(mod);
  if (!err && level >= 1) cg_drop_inlined_stack_checks(mod);
  return take_error(err, "LLVM optimisation failed", diag);
}

/* Element i of a constant struct, whatever form LLVM keeps it in. */
static LLVMValueRef const_field(LLVMValueRef init, unsigned i) {
  return LLVMGetAggregateElement(init, i);
}

/* Writes the hash and CPU feature string into the descriptor codegen built. The first four
 * fields mirror swasm_module_desc_t (abi_version, flags, hash[32], cpu_features); anything
 * else means codegen lowered the descriptor differently, which is a bug. */
static swasm_status_t stamp_descriptor(LLVMModuleRef mod, const uint8_t hash[32],
                                       const char *required, swasm_diag_t *diag) {
  LLVMValueRef desc = LLVMGetNamedGlobal(mod, SWASM_DESC_SYMBOL);
  LLVMValueRef init = desc ? LLVMGetInitializer(desc) : NULL;
  LLVMTypeRef ty = init ? LLVMTypeOf(init) : NULL;
  if (!ty || LLVMGetTypeKind(ty) != LLVMStructTypeKind || LLVMCountStructElementTypes(ty) < 4 ||
      LLVMGetTypeKind(LLVMStructGetTypeAtIndex(ty, 2)) != LLVMArrayTypeKind ||
      LLVMGetArrayLength2(LLVMStructGetTypeAtIndex(ty, 2)) != 32 ||
      LLVMGetTypeKind(LLVMStructGetTypeAtIndex(ty, 3)) != LLVMPointerTypeKind)
    return tgt_fail(diag, SWASM_INTERNAL, "codegen did not define the descriptor %s as "
                    "swasm_module_desc_t", SWASM_DESC_SYMBOL);
  LLVMContextRef ctx = LLVMGetModuleContext(mod);
  unsigned n = LLVMCountStructElementTypes(ty);
  LLVMValueRef *fields = malloc(n * sizeof *fields);
  if (!fields) return tgt_fail(diag, SWASM_INTERNAL, "out of memory");
  for (unsigned i = 0; i < n; i++) fields[i] = const_field(init, i);

  fields[2] = LLVMConstStringInContext2(ctx, (const char *)hash, 32, true);
  size_t flen = strlen(required);
  LLVMValueRef str = LLVMConstStringInContext2(ctx, required, flen, false);
  LLVMValueRef g = LLVMAddGlobal(mod, LLVMTypeOf(str), "");
  LLVMSetInitializer(g, str);
  LLVMSetGlobalConstant(g, true);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
  LLVMValueRef old = fields[3];
  fields[3] = g;

  LLVMValueRef stamped = LLVMGetStructName(ty)
                             ? LLVMConstNamedStruct(ty, fields, n)
                             : LLVMConstStructInContext(ctx, fields, n, LLVMIsPackedStruct(ty));
  LLVMSetInitializer(desc, stamped);
  free(fields);
  /* Codegen's placeholder string would otherwise stay in -O0 objects. */
  if (LLVMIsAGlobalVariable(old)) {
    LLVMReplaceAllUsesWith(old, g);
    LLVMDeleteGlobal(old);
  }
  LLVMSetValueName2(g, "swasm.cpu_features", strlen("swasm.cpu_features"));
  return SWASM_OK;
}

static swasm_status_t emit(LLVMModuleRef mod, LLVMTargetMachineRef tm, swasm_emit_t what,
                           swasm_buf_t *out, swasm_diag_t *diag) {
  if (what == SWASM_EMIT_LLVM_IR || what == SWASM_EMIT_LLVM_IR_OPT) {
    char *text = LLVMPrintModuleToString(mod);
    swasm_status_t st = buf_set(out, text, strlen(text), diag);
    LLVMDisposeMessage(text);
    return st;
  }
  LLVMMemoryBufferRef mb = NULL;
  char *msg = NULL;
  LLVMCodeGenFileType ft = what == SWASM_EMIT_ASM ? LLVMAssemblyFile : LLVMObjectFile;
  if (LLVMTargetMachineEmitToMemoryBuffer(tm, mod, ft, &msg, &mb)) {
    tgt_fail(diag, SWASM_INTERNAL, "LLVM code generation failed: %s", msg ? msg : "");
    LLVMDisposeMessage(msg);
    return SWASM_INTERNAL;
  }
  LLVMDisposeMessage(msg);
  swasm_status_t st = buf_set(out, LLVMGetBufferStart(mb), LLVMGetBufferSize(mb), diag);
  LLVMDisposeMemoryBuffer(mb);
  return st;
}

/* The x86-64 levels (x86-64-v2, the default, and v3, v4) are instruction sets, not machines:
 * like clang, tune for a generic modern x86 rather than for the Sandy Bridge or Haswell models
 * LLVM attaches to them, whose tuning (shld for rotates, for one) is slow elsewhere. Named
 * CPUs and -mcpu=native keep their own tuning. */
static void set_tuning(LLVMModuleRef mod, const tgt_spec_t *spec) {
  if (!spec->x86 || strncmp(spec->cpu, "x86-64", 6) != 0) return;
  for (LLVMValueRef f = LLVMGetFirstFunction(mod); f; f = LLVMGetNextFunction(f))
    if (!LLVMIsDeclaration(f)) LLVMAddTargetDependentFunctionAttr(f, "tune-cpu", "generic");
}

/* Gives codegen's module its target, data layout and tuning, stamps the descriptor's identity
 * when the module holds it, and checks the module. */
swasm_status_t tgt_finish_module(LLVMModuleRef mod, const swasm_module_t *m,
                                 const swasm_compile_opts_t *opts, const tgt_spec_t *spec,
                                 LLVMTargetMachineRef tm, bool desc, swasm_diag_t *diag) {
  LLVMSetTarget(mod, spec->triple);
  LLVMTargetDataRef dl = LLVMCreateTargetDataLayout(tm);
  LLVMSetModuleDataLayout(mod, dl);
  LLVMDisposeTargetData(dl);
  set_tuning(mod, spec);
  swasm_status_t st = SWASM_OK;
  if (desc) {
    uint8_t hash[32];
    tgt_hash(m, opts, spec, hash);
    st = stamp_descriptor(mod, hash, spec->required, diag);
  }
  return st == SWASM_OK ? verify(mod, diag) : st;
}

/* Objects of big modules are built in shards, joined by the linker; without one, or for text
 * output, the module stays in one piece. */
static unsigned shard_count(const swasm_module_t *m, const swasm_compile_opts_t *opts,
                            const tgt_spec_t *spec) {
  unsigned n = opts->emit == SWASM_EMIT_OBJ ? tgt_shard_count(m) : 1;
  tgt_linker_t lk;
  swasm_diag_t ignored;
  if (n > 1 && tgt_find_linker(spec->triple, &lk, &ignored) != SWASM_OK) n = 1;
  return n;
}

/* Codegen through emission, once the target is known: big modules in parallel parts. */
static swasm_status_t run_pipeline(const swasm_module_t *m, const swasm_compile_opts_t *opts,
                                   const tgt_spec_t *spec, LLVMTargetMachineRef tm,
                                   swasm_buf_t *out, swasm_diag_t *diag) {
  unsigned nshards = shard_count(m, opts, spec);
  if (nshards > 1) return tgt_compile_shards(m, nshards, opts, spec, out, diag);
  swasm_compile_opts_t cg_opts = *opts;
  cg_opts.triple = spec->triple;
  cg_opts.cpu = spec->cpu;
  LLVMContextRef ctx = LLVMContextCreate();
  /* Names of local values only help a reader of the IR; keeping them unique costs time in
   * every pass that creates values. */
  bool text = opts->emit == SWASM_EMIT_LLVM_IR || opts->emit == SWASM_EMIT_LLVM_IR_OPT;
  LLVMContextSetDiscardValueNames(ctx, !text);
  tgt_llvm_diag_t llvm_diag;
  tgt_llvm_diag_attach(ctx, &llvm_diag);
  LLVMModuleRef mod = NULL;
  swasm_status_t st = cg_build_module(m, &cg_opts, ctx, &mod, diag);
  if (st == SWASM_OK && !mod) st = tgt_fail(diag, SWASM_INTERNAL, "codegen built no module");
  if (st == SWASM_OK) st = tgt_finish_module(mod, m, opts, spec, tm, true, diag);
  if (st == SWASM_OK && opts->emit != SWASM_EMIT_LLVM_IR)
    st = tgt_optimise(mod, tm, opts->opt_level, diag);
  if (st == SWASM_OK) st = emit(mod, tm, opts->emit, out, diag);
  if (st == SWASM_OK) st = tgt_llvm_diag_check(&llvm_diag, diag);
  if (st != SWASM_OK) swasm_buf_free(out);
  if (mod) LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  return st;
}

swasm_status_t swasm_compile(const swasm_module_t *m, const swasm_compile_opts_t *opts,
                             swasm_buf_t *out, swasm_diag_t *diag) {
  out->data = NULL;
  out->size = 0;
  if (opts->opt_level < 0 || opts->opt_level > 3)
    return tgt_fail(diag, SWASM_UNSUPPORTED, "optimisation level %d is not 0..3", opts->opt_level);
  if (opts->emit > SWASM_EMIT_LLVM_IR_OPT)
    return tgt_fail(diag, SWASM_UNSUPPORTED, "unknown output kind %d", (int)opts->emit);
  tgt_spec_t spec;
  swasm_status_t st = tgt_resolve(opts, &spec, diag);
  if (st != SWASM_OK) return st;
  LLVMTargetMachineRef tm = tgt_machine_new(&spec, opts->opt_level, diag);
  if (!tm) {
    tgt_spec_free(&spec);
    return SWASM_INTERNAL;
  }
  st = run_pipeline(m, opts, &spec, tm, out, diag);
  LLVMDisposeTargetMachine(tm);
  tgt_spec_free(&spec);
  return st;
}

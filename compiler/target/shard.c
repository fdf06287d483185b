/* shard.c - parallel compilation: a big module's functions are cut into shards of whole
 * functions, each shard is generated, optimised and emitted by its own thread in its own
 * LLVMContext, and the shards' objects are joined into one relocatable object by the linker
 * (ld -r).
 *
 * Codegen builds each shard directly (cg_build_part): the bodies of its functions, declarations
 * of the others, and in shard 0 the glue and the descriptor. No thread reads or copies the
 * whole module's IR, so the work stays linear in the module's size however many shards there
 * are. Functions are hidden globals shared by the shards; nothing new is exported from the
 * library. The shard count depends on the module's size only, so the object is the same on
 * every machine and for every thread count.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <llvm-c/Core.h>

#include "../codegen/codegen.h"
#include "target.h"

#define SHARD_CODE_BYTES 16384u   /* wasm code per shard: two shards from 32 KiB up */
#define MAX_SHARDS 16u

static uint64_t code_bytes(const swasm_module_t *m, uint32_t defined) {
  const swasm_funcdef_t *f = &m->funcs[m->nimported_funcs + defined];
  return f->body_end - f->body_offset;
}

unsigned tgt_shard_count(const swasm_module_t *m) {
  uint64_t code = 0;
  for (uint32_t i = 0; i < m->nfuncs - m->nimported_funcs; i++) code += code_bytes(m, i);
  uint64_t n = code / SHARD_CODE_BYTES;
  return n < 1 ? 1 : n > MAX_SHARDS ? MAX_SHARDS : (unsigned)n;
}

typedef struct job {
  const swasm_module_t *m;
  const swasm_compile_opts_t *opts;
  const tgt_spec_t *spec;
  unsigned nshards;
  cg_part_t *parts;            /* [nshards] */
  atomic_uint next;
  swasm_buf_t *objs;           /* [nshards] */
  swasm_status_t *status;      /* [nshards] */
  swasm_diag_t *diags;         /* [nshards] */
} job_t;

/* Contiguous runs of functions with about equal amounts of wasm code; the glue goes with the
 * first. */
static void make_parts(const swasm_module_t *m, unsigned nshards, cg_part_t *parts) {
  uint32_t ndef = m->nfuncs - m->nimported_funcs;
  uint64_t total = 0, acc = 0;
  for (uint32_t i = 0; i < ndef; i++) total += code_bytes(m, i);
  uint32_t i = 0;
  for (unsigned k = 0; k < nshards; k++) {
    uint64_t until = total * (k + 1) / nshards;
    parts[k].lo = i;
    while (i < ndef && (acc < until || k + 1 == nshards)) acc += code_bytes(m, i++);
    parts[k].hi = i;
    parts[k].glue = k == 0;
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
  swasm_compile_opts_t cg_opts = *j->opts;
  cg_opts.triple = j->spec->triple;
  cg_opts.cpu = j->spec->cpu;
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMContextSetDiscardValueNames(ctx, true);   /* objects only: names would cost time */
  tgt_llvm_diag_t llvm_diag;
  tgt_llvm_diag_attach(ctx, &llvm_diag);
  LLVMModuleRef mod = NULL;
  tgt_stamp_t t = tgt_stamp();
  swasm_status_t st = cg_build_part(j->m, &cg_opts, &j->parts[k], ctx, &mod, diag);
  tgt_phase(&t, "codegen", (int)k);
  if (st == SWASM_OK)
    st = tgt_finish_module(mod, j->m, j->opts, j->spec, tm, j->parts[k].glue, diag);
  tgt_phase(&t, "verify", (int)k);
  if (st == SWASM_OK) st = tgt_optimise(mod, tm, j->opts->opt_level, diag);
  tgt_phase(&t, "optimise", (int)k);
  if (st == SWASM_OK) st = emit_obj(mod, tm, &j->objs[k], diag);
  tgt_phase(&t, "emit", (int)k);
  if (st == SWASM_OK) st = tgt_llvm_diag_check(&llvm_diag, diag);
  if (mod) LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  LLVMDisposeTargetMachine(tm);
  return st;
}

static void *worker(void *arg) {
  job_t *j = arg;
  for (unsigned k; (k = atomic_fetch_add(&j->next, 1)) < j->nshards;)
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
  unsigned n = j->nshards;
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

swasm_status_t tgt_compile_shards(const swasm_module_t *m, unsigned nshards,
                                  const swasm_compile_opts_t *opts, const tgt_spec_t *spec,
                                  swasm_buf_t *out, swasm_diag_t *diag) {
  if (nshards > MAX_SHARDS) nshards = MAX_SHARDS;
  job_t j = {.m = m, .opts = opts, .spec = spec, .nshards = nshards};
  atomic_init(&j.next, 0);
  j.parts = calloc(nshards, sizeof *j.parts);
  j.objs = calloc(nshards, sizeof *j.objs);
  j.status = calloc(nshards, sizeof *j.status);
  j.diags = calloc(nshards, sizeof *j.diags);
  swasm_status_t st = SWASM_OK;
  if (!j.parts || !j.objs || !j.status || !j.diags) {
    st = tgt_fail(diag, SWASM_INTERNAL, "out of memory");
  } else {
    make_parts(m, nshards, j.parts);
    run_workers(&j, thread_count(opts, nshards));
    /* The first failing shard in module order reports, whichever thread saw it first. */
    for (unsigned k = 0; k < nshards && st == SWASM_OK; k++)
      if (j.status[k] != SWASM_OK) {
        *diag = j.diags[k];
        st = j.status[k];
      }
    tgt_stamp_t t = tgt_stamp();
    if (st == SWASM_OK) st = join_objects(&j, spec->triple, out, diag);
    tgt_phase(&t, "join", -1);
  }
  for (unsigned k = 0; j.objs && k < nshards; k++) swasm_buf_free(&j.objs[k]);
  free(j.parts);
  free(j.objs);
  free(j.status);
  free(j.diags);
  return st;
}

/* codegen.c - the codegen pipeline: from a validated module to one LLVM module holding every
 * defined function, the trampolines and host thunks, the init function and the descriptor, or
 * to one part of that for parallel compilation. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg.h"

bool cg_fail(cg_module_t *cm, swasm_status_t st, int64_t func, uint64_t offset,
             const char *fmt, ...) {
  swasm_diag_t *d = cm->diag;
  if (d && d->status == SWASM_OK) {
    d->status = st;
    d->func = func;
    d->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->message, sizeof d->message, fmt, ap);
    va_end(ap);
  }
  return false;
}

bool cg_fail_oom(cg_module_t *cm) {
  return cg_fail(cm, SWASM_LIMIT, -1, 0, "out of memory while generating code");
}

/* Names wasm functions "$name" (or wasm_fN): the '$' keeps a guest's "memcpy" or "sqrt" from
 * being taken for the C library function LLVM may call, and from clashing with swasm_*. */
static void func_name(const swasm_module_t *m, uint32_t index, char *buf, size_t size) {
  const char *n = m->funcs[index].name;
  if (n && *n)
    snprintf(buf, size, "$%s", n);
  else
    snprintf(buf, size, "wasm_f%u", index);
}

/* A part's functions are shared between objects: hidden globals whose names are unique (name
 * section names need not be) and the same in every part. */
static void part_func_name(const swasm_module_t *m, uint32_t index, char *buf, size_t size) {
  const char *n = m->funcs[index].name;
  if (n && *n)
    snprintf(buf, size, "swasm.f%u.%.64s", index, n);
  else
    snprintf(buf, size, "swasm.f%u", index);
}

static void add_fn_attr(cg_module_t *cm, LLVMValueRef fn, const char *name) {
  unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
  LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                          LLVMCreateEnumAttribute(cm->ctx, kind, 0));
}

static bool declare_functions(cg_module_t *cm, const cg_part_t *part) {
  const swasm_module_t *m = cm->m;
  uint32_t ndef = m->nfuncs - m->nimported_funcs;
  cm->functys = ir_arena_alloc(cm->scratch, sizeof *cm->functys * (m->ntypes + 1));
  cm->funcs = ir_arena_alloc(cm->scratch, sizeof *cm->funcs * (ndef + 1));
  if (!cm->functys || !cm->funcs) return cg_fail_oom(cm);
  for (uint32_t t = 0; t < m->ntypes; t++) cm->functys[t] = cg_functype(cm, &m->types[t]);
  char name[300];
  for (uint32_t i = 0; i < ndef; i++) {
    uint32_t fi = m->nimported_funcs + i;
    if (part) part_func_name(m, fi, name, sizeof name);
    else func_name(m, fi, name, sizeof name);
    LLVMValueRef fn = LLVMAddFunction(cm->mod, name, cm->functys[m->funcs[fi].type]);
    if (part) {
      LLVMSetLinkage(fn, LLVMExternalLinkage);
      LLVMSetVisibility(fn, LLVMHiddenVisibility);
      if (i < part->lo || i >= part->hi) add_fn_attr(cm, fn, "nounwind");
    } else {
      LLVMSetLinkage(fn, LLVMInternalLinkage);
    }
    unsigned deref = LLVMGetEnumAttributeKindForName("dereferenceable", 15);
    unsigned align = LLVMGetEnumAttributeKindForName("align", 5);
    LLVMAddAttributeAtIndex(fn, 1, LLVMCreateEnumAttribute(cm->ctx, deref, sizeof(swasm_vmctx_t)));
    LLVMAddAttributeAtIndex(fn, 1, LLVMCreateEnumAttribute(cm->ctx, align, 8));
    cm->funcs[i] = fn;
  }
  return true;
}

static bool check_supported(cg_module_t *cm) {
  const swasm_module_t *m = cm->m;
  for (uint32_t i = 0; i < m->nmemories; i++)
    if (m->memories[i].is64)
      return cg_fail(cm, SWASM_UNSUPPORTED, -1, 0, "memory64 is not supported yet");
  return true;
}

static swasm_status_t build(const swasm_module_t *m, const swasm_compile_opts_t *opts,
                            const cg_part_t *part, LLVMContextRef ctx, LLVMModuleRef *out,
                            swasm_diag_t *diag) {
  static const swasm_compile_opts_t defaults = {.opt_level = 2};
  swasm_diag_t local_diag;
  if (!diag) diag = &local_diag;
  memset(diag, 0, sizeof *diag);
  diag->func = -1;
  *out = NULL;

  cg_module_t cm = {.m = m, .opts = opts ? opts : &defaults, .diag = diag, .ctx = ctx};
  cm.scratch = ir_arena_new();
  if (!cm.scratch) {
    cg_fail_oom(&cm);
    return diag->status;
  }
  cm.mod = LLVMModuleCreateWithNameInContext(m->name ? m->name : "wasm", ctx);
  cm.b = LLVMCreateBuilderInContext(ctx);
  cm.phib = LLVMCreateBuilderInContext(ctx);

  uint32_t ndef = m->nfuncs - m->nimported_funcs;
  uint32_t lo = part ? part->lo : 0, hi = part && part->hi < ndef ? part->hi : ndef;
  bool glue = !part || part->glue;
  bool ok = check_supported(&cm) && cg_abi_init(&cm) && declare_functions(&cm, part);
  ok = ok && (!glue || (cg_build_thunks(&cm) && cg_build_trampolines(&cm)));
  /* Function bodies use their own scratch arena so that glue tables survive. */
  swasm_arena_t *module_arena = cm.scratch;
  cm.scratch = ok ? ir_arena_new() : NULL;
  if (ok && !cm.scratch) ok = cg_fail_oom(&cm);
  for (uint32_t i = lo; ok && i < hi; i++) {
    ok = cg_build_function(&cm, i);
    ir_arena_reset(cm.scratch);
  }
  ok = ok && (!glue || cg_build_init(&cm));
  if (cm.scratch) ir_arena_free(cm.scratch);
  cm.scratch = module_arena;
  ok = ok && (!glue || cg_build_desc(&cm));

  ok = ok && diag->status == SWASM_OK;
  LLVMDisposeBuilder(cm.b);
  LLVMDisposeBuilder(cm.phib);
  ir_arena_free(module_arena);
  if (!ok) {
    if (diag->status == SWASM_OK) cg_fail(&cm, SWASM_INTERNAL, -1, 0, "code generation failed");
    LLVMDisposeModule(cm.mod);
    return diag->status;
  }
  *out = cm.mod;
  return SWASM_OK;
}

/* LLVM reports on stderr why a loop that addr.c asked it to vectorise could not be (and at
 * -O3 warns about it): expected, and no business of swasmc's user. Errors keep LLVM's default
 * treatment. */
static void diagnostic(LLVMDiagnosticInfoRef di, void *opaque) {
  (void)opaque;
  if (LLVMGetDiagInfoSeverity(di) != LLVMDSError) return;
  char *msg = LLVMGetDiagInfoDescription(di);
  fprintf(stderr, "error: %s\n", msg ? msg : "");
  LLVMDisposeMessage(msg);
  exit(1);
}

swasm_status_t cg_build_module(const swasm_module_t *m, const swasm_compile_opts_t *opts,
                               LLVMContextRef ctx, LLVMModuleRef *out, swasm_diag_t *diag) {
  LLVMContextSetDiagnosticHandler(ctx, diagnostic, NULL);
  return build(m, opts, NULL, ctx, out, diag);
}

swasm_status_t cg_build_part(const swasm_module_t *m, const swasm_compile_opts_t *opts,
                             const cg_part_t *part, LLVMContextRef ctx, LLVMModuleRef *out,
                             swasm_diag_t *diag) {
  LLVMContextSetDiagnosticHandler(ctx, diagnostic, NULL);
  return build(m, opts, part, ctx, out, diag);
}

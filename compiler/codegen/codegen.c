/* codegen.c - the codegen pipeline: from a validated module to one LLVM module holding every
 * defined function, the trampolines and host thunks, the init function and the descriptor. */
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

static bool declare_functions(cg_module_t *cm) {
  const swasm_module_t *m = cm->m;
  uint32_t ndef = m->nfuncs - m->nimported_funcs;
  cm->functys = ir_arena_alloc(cm->scratch, sizeof *cm->functys * (m->ntypes + 1));
  cm->funcs = ir_arena_alloc(cm->scratch, sizeof *cm->funcs * (ndef + 1));
  if (!cm->functys || !cm->funcs) return cg_fail_oom(cm);
  for (uint32_t t = 0; t < m->ntypes; t++) cm->functys[t] = cg_functype(cm, &m->types[t]);
  char name[300];
  for (uint32_t i = 0; i < ndef; i++) {
    uint32_t fi = m->nimported_funcs + i;
    func_name(m, fi, name, sizeof name);
    LLVMValueRef fn = LLVMAddFunction(cm->mod, name, cm->functys[m->funcs[fi].type]);
    LLVMSetLinkage(fn, LLVMInternalLinkage);
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

swasm_status_t cg_build_module(const swasm_module_t *m, const swasm_compile_opts_t *opts,
                               LLVMContextRef ctx, LLVMModuleRef *out, swasm_diag_t *diag) {
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

  bool ok = check_supported(&cm) && cg_abi_init(&cm) && declare_functions(&cm) &&
            cg_build_thunks(&cm) && cg_build_trampolines(&cm);
  /* Function bodies use their own scratch arena so that glue tables survive. */
  swasm_arena_t *module_arena = cm.scratch;
  cm.scratch = ok ? ir_arena_new() : NULL;
  if (ok && !cm.scratch) ok = cg_fail_oom(&cm);
  for (uint32_t i = 0; ok && i < m->nfuncs - m->nimported_funcs; i++) {
    ok = cg_build_function(&cm, i);
    ir_arena_reset(cm.scratch);
  }
  ok = ok && cg_build_init(&cm);
  if (cm.scratch) ir_arena_free(cm.scratch);
  cm.scratch = module_arena;
  ok = ok && cg_build_desc(&cm);

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

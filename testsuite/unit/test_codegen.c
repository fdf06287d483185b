/* test_codegen.c - unit tests of codegen's LLVM IR on small text modules: the descriptor's
 * layout against runtime.h, function naming, and the promises the spec suite cannot see
 * directly (dropped loads kept, NaN quieting where LLVM folds, stack checks only where needed,
 * no tail calls, metadata for alias analysis, unsupported features reported). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Target.h>

#include "cg.h"

static int passed, failed;

static void check(bool ok, const char *fmt, ...) {
  if (ok) {
    passed++;
    return;
  }
  failed++;
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "FAIL: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
}

/* ---- building ----------------------------------------------------------------------------- */

typedef struct built {
  LLVMContextRef ctx;
  LLVMModuleRef mod;
  swasm_module_t *m;
  char *ir;              /* the printed module */
  swasm_status_t status;
  swasm_diag_t diag;
} built_t;

/* Parses, validates and runs codegen on wat; the module is verified. */
static built_t build(const char *wat, swasm_bounds_t bounds, const swasm_features_t *feat) {
  built_t b = {0};
  swasm_buf_t wasm = {0};
  swasm_features_t none = {0};
  b.status = swasm_wat_to_wasm(wat, strlen(wat), &wasm, &b.diag);
  if (b.status != SWASM_OK) return b;
  b.status = swasm_module_decode(wasm.data, wasm.size, feat ? feat : &none, &b.m, &b.diag);
  swasm_buf_free(&wasm);
  if (b.status == SWASM_OK) b.status = swasm_module_validate(b.m, &b.diag);
  if (b.status != SWASM_OK) return b;
  swasm_compile_opts_t opts = {.opt_level = 2, .bounds = bounds};
  b.ctx = LLVMContextCreate();
  b.status = cg_build_module(b.m, &opts, b.ctx, &b.mod, &b.diag);
  if (b.status != SWASM_OK) return b;
  char *msg = NULL;
  if (LLVMVerifyModule(b.mod, LLVMReturnStatusAction, &msg)) {   /* 1 = broken */
    check(false, "module does not verify: %s", msg);
    b.status = SWASM_INTERNAL;
  }
  LLVMDisposeMessage(msg);
  b.ir = LLVMPrintModuleToString(b.mod);
  return b;
}

static void done(built_t *b) {
  if (b->ir) LLVMDisposeMessage(b->ir);
  if (b->mod) LLVMDisposeModule(b->mod);
  if (b->ctx) LLVMContextDispose(b->ctx);
  if (b->m) swasm_module_free(b->m);
}

/* The text of function name's definition in the printed module ("" if absent). */
static const char *func_text(const built_t *b, const char *name, char *buf, size_t size) {
  char head[128], quoted[128];
  snprintf(head, sizeof head, "@%s(", name);
  snprintf(quoted, sizeof quoted, "@\"%s\"(", name);   /* names with '$' are quoted */
  const char *p = strstr(b->ir, head);
  if (!p) p = strstr(b->ir, quoted);
  buf[0] = '\0';
  if (!p) return buf;
  const char *end = strstr(p, "\n}\n");
  size_t n = end ? (size_t)(end - p) : strlen(p);
  if (n >= size) n = size - 1;
  memcpy(buf, p, n);
  buf[n] = '\0';
  return buf;
}

/* ---- tests -------------------------------------------------------------------------------- */

static void test_descriptor(void) {
  built_t b = build("(module (memory 1 2) (table 3 funcref) (global (mut i64) (i64.const 7))"
                    " (func $f (export \"f\") (param i32) (result i32) local.get 0)"
                    " (data (i32.const 0) \"abc\") (elem (i32.const 0) $f))",
                    SWASM_BOUNDS_GUARD, NULL);
  check(b.status == SWASM_OK, "descriptor module builds: %s", b.diag.message);
  if (b.status != SWASM_OK) return done(&b);
  LLVMValueRef g = LLVMGetNamedGlobal(b.mod, SWASM_DESC_SYMBOL);
  check(g && LLVMGetLinkage(g) == LLVMExternalLinkage && LLVMIsGlobalConstant(g),
        "the descriptor is an exported constant");
  LLVMTargetDataRef td = LLVMCreateTargetData("e-m:e-i64:64-i128:128-n32:64-S128");
  if (g) {
    unsigned long long size = LLVMABISizeOfType(td, LLVMGlobalGetValueType(g));
    check(size == sizeof(swasm_module_desc_t),
          "descriptor size %llu matches the C struct", size);
  }
  LLVMDisposeTargetData(td);
  check(LLVMGetNamedFunction(b.mod, "$f") != NULL, "named function is called $f");
  check(strstr(b.ir, "c\"abc\"") != NULL, "data segment bytes are in the module");
  done(&b);
}

static void test_dropped_load(void) {
  const char *wat = "(module (memory 1) (func $f (export \"f\") (param i32)"
                    " (drop (i32.load8_s (local.get 0))) (drop (i64.load (local.get 0)))))";
  char buf[8192];
  built_t b = build(wat, SWASM_BOUNDS_GUARD, NULL);
  check(b.status == SWASM_OK, "dropped-load module builds: %s", b.diag.message);
  if (b.status == SWASM_OK) {
    const char *t = func_text(&b, "$f", buf, sizeof buf);
    check(strstr(t, "load volatile i8") && strstr(t, "load volatile i64"),
          "with guard pages a dropped load stays (volatile):\n%s", t);
  }
  done(&b);
  b = build(wat, SWASM_BOUNDS_EXPLICIT, NULL);
  if (b.status == SWASM_OK) {
    const char *t = func_text(&b, "$f", buf, sizeof buf);
    check(!strstr(t, "volatile") && strstr(t, "call void @swasm_rt_trap(i32 2)"),
          "with explicit checks the check traps and the load need not stay:\n%s", t);
  }
  done(&b);
}

static void test_nan_quieting(void) {
  built_t b = build("(module (func $m (export \"m\") (param f32) (result f32)"
                    " (f32.mul (local.get 0) (f32.const 1)))"
                    " (func $d (export \"d\") (param f32) (result f32)"
                    " (f32.div (f32.const 1) (local.get 0))))",
                    SWASM_BOUNDS_GUARD, NULL);
  char buf[4096];
  check(b.status == SWASM_OK, "nan module builds: %s", b.diag.message);
  if (b.status == SWASM_OK) {
    check(strstr(func_text(&b, "$m", buf, sizeof buf), "or i32") != NULL,
          "x * 1.0 sets the quiet bit of a NaN result");
    check(strstr(func_text(&b, "$d", buf, sizeof buf), "or i32") == NULL,
          "1.0 / x cannot fold and is left alone");
  }
  done(&b);
}

static void test_stack_checks(void) {
  built_t b = build("(module (func $leaf (param i32) (result i32) (i32.add (local.get 0)"
                    " (i32.const 1)))"
                    " (func $rec (param i32) (result i32) (call $rec (local.get 0))))",
                    SWASM_BOUNDS_GUARD, NULL);
  char buf[4096];
  check(b.status == SWASM_OK, "stack module builds: %s", b.diag.message);
  if (b.status == SWASM_OK) {
    check(!strstr(func_text(&b, "$leaf", buf, sizeof buf), "stacksave"),
          "a small leaf function has no stack check");
    const char *t = func_text(&b, "$rec", buf, sizeof buf);
    check(strstr(t, "stacksave") && strstr(t, "swasm_rt_trap(i32 10)"),
          "a recursive function checks the stack:\n%s", t);
    check(strstr(t, "notail call") != NULL, "calls are never tail calls:\n%s", t);
  }
  done(&b);
}

/* memory.copy and memory.fill are checked and done inline: LLVM's memmove and memset, no
 * call into the runtime (a constant length becomes a few loads and stores). */
static void test_bulk_memory_inline(void) {
  built_t b = build("(module (memory 1)"
                    " (func $c (param i32 i32) (memory.copy (local.get 0) (local.get 1)"
                    " (i32.const 32)))"
                    " (func $f (param i32 i32) (memory.fill (local.get 0) (local.get 1)"
                    " (i32.const 16))))",
                    SWASM_BOUNDS_GUARD, NULL);
  char buf[4096];
  check(b.status == SWASM_OK, "bulk memory module builds: %s", b.diag.message);
  if (b.status == SWASM_OK) {
    const char *t = func_text(&b, "$c", buf, sizeof buf);
    check(strstr(t, "llvm.memmove") && !strstr(t, "swasm_rt_memory_copy") &&
          strstr(t, "swasm_rt_trap(i32 2)"), "memory.copy is a checked memmove:\n%s", t);
    t = func_text(&b, "$f", buf, sizeof buf);
    check(strstr(t, "llvm.memset") && !strstr(t, "swasm_rt_memory_fill") &&
          strstr(t, "swasm_rt_trap(i32 2)"), "memory.fill is a checked memset:\n%s", t);
  }
  done(&b);
}

static void test_metadata(void) {
  built_t b = build("(module (memory 1) (global $g (mut i32) (i32.const 0))"
                    " (func (export \"f\") (param i32) (result i32)"
                    " (i32.store (local.get 0) (global.get $g)) (i32.load (local.get 0))))",
                    SWASM_BOUNDS_EXPLICIT, NULL);
  check(b.status == SWASM_OK, "metadata module builds: %s", b.diag.message);
  if (b.status == SWASM_OK) {
    check(strstr(b.ir, "!\"wasm memory\"") && strstr(b.ir, "!\"wasm global\""),
          "memory and global accesses carry distinct TBAA tags");
    check(strstr(b.ir, "!invariant.load") != NULL, "vmctx loads are invariant");
  }
  done(&b);
}

static void test_multi_value_and_control(void) {
  built_t b = build("(module (func $f (export \"f\") (param i32) (result i32 i64)"
                    " (block (result i32 i64) (i32.const 1) (i64.const 2)"
                    "  (br_table 0 0 0 (local.get 0))))"
                    " (func (export \"g\") (param i32) (result i32)"
                    " (loop (result i32) (br_if 0 (local.get 0)) (i32.const 3)) (unreachable)))",
                    SWASM_BOUNDS_GUARD, NULL);
  check(b.status == SWASM_OK, "control module builds and verifies: %s", b.diag.message);
  if (b.status == SWASM_OK)
    check(strstr(b.ir, "{ i32, i64 } @\"$f\"") != NULL, "several results return a struct");
  done(&b);
}

static void test_unsupported(void) {
  swasm_features_t f = {.memory64 = true};
  built_t b = build("(module (memory i64 1))", SWASM_BOUNDS_GUARD, &f);
  check(b.status == SWASM_UNSUPPORTED && !b.mod, "memory64 is reported unsupported (%d: %s)",
        b.status, b.diag.message);
  done(&b);
}

int main(void) {
  test_descriptor();
  test_dropped_load();
  test_nan_quieting();
  test_stack_checks();
  test_bulk_memory_inline();
  test_metadata();
  test_multi_value_and_control();
  test_unsupported();
  printf("codegen: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

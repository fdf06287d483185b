/* test_rt.c - unit tests of libswasm-rt without the compiler: hand-written C functions stand in for
 * generated code, and a hand-built descriptor for a compiled module. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/wait.h>
#include <unistd.h>

#include "test_rt_fake.h"

static int passed, failed;

#define CHECK(cond)                                                                 \
  do {                                                                              \
    if (cond) {                                                                     \
      passed++;                                                                     \
    } else {                                                                        \
      failed++;                                                                     \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
    }                                                                               \
  } while (0)

/* ======================================================================================== */
/* Module A: the fake compiled module most tests use                                         */
/* ======================================================================================== */

enum { T_V_V, T_I_I, T_V_I, T_II_I };
enum {
  F_HOST_INC, F_LOAD, F_RECURSE, F_TRAP, F_CALL_IMPORT, F_GROW, F_GET_GLOBAL, F_RUN,
  F_RECURSE_NOCHECK, F_START, NFUNCS_A
};

/* What f_run executes "inside wasm", so a test can run any C code under the trap handler. */
static void (*run_body)(swasm_vmctx_t *ctx);
/* Bounds the recursion of the recursing functions, so the compiler sees them terminate. */
static volatile int32_t recursion_cap = INT32_MAX;

static int32_t f_load(swasm_vmctx_t *ctx, int32_t addr) {
  int32_t v;
  memcpy(&v, ctx->mem0_base + (uint32_t)addr, sizeof v);
  return v;
}

/* Generated prologues compare the stack pointer with stack_limit; this does the same. */
__attribute__((noinline)) static int32_t f_recurse(swasm_vmctx_t *ctx, int32_t n) {
  volatile char pad[128];
  pad[0] = (char)n;
  if ((uintptr_t)__builtin_frame_address(0) < ctx->stack_limit)
    swasm_rt_trap(SWASM_TRAP_STACK_EXHAUSTED);
  if (n >= recursion_cap)
    return 0;
  return f_recurse(ctx, n + 1) + pad[0];
}

/* No check at all: only the guard page below the stack stops it. */
__attribute__((noinline)) static int32_t f_recurse_nocheck(swasm_vmctx_t *ctx, int32_t n) {
  volatile char pad[128];
  pad[0] = (char)n;
  if (n >= recursion_cap)
    return 0;
  return f_recurse_nocheck(ctx, n + 1) + pad[0];
}

static void f_trap(swasm_vmctx_t *ctx) {
  swasm_rt_trap(SWASM_TRAP_UNREACHABLE);
}

static int32_t f_call_import(swasm_vmctx_t *ctx, int32_t x) {
  swasm_funcref_t *f = &ctx->funcs[F_HOST_INC];
  return (int32_t)((uint32_t)fake_as_i_i(f->code)(f->ctx, x) * 2u);
}

static int32_t f_grow(swasm_vmctx_t *ctx, int32_t delta) {
  return swasm_rt_memory_grow(ctx, 0, (uint32_t)delta);
}

static int32_t f_get_global(swasm_vmctx_t *ctx) {
  return ctx->globals[1]->i32;
}

static void f_run(swasm_vmctx_t *ctx) {
  run_body(ctx);
}

static void f_start(swasm_vmctx_t *ctx) {
  ctx->globals[2]->i32 = 99;
}

/* What codegen's init does: globals, element expressions, active segments, drops. */
static void a_init(swasm_vmctx_t *ctx) {
  ctx->globals[1]->i32 = ctx->globals[0]->i32 + 1;
  void **e = (void **)ctx->elems[0].data;
  e[0] = &ctx->funcs[F_LOAD];
  e[1] = &ctx->funcs[F_TRAP];
  swasm_rt_table_init(ctx, 0, 0, 0, 0, 2);
  swasm_rt_elem_drop(ctx, 0);
  swasm_rt_memory_init(ctx, 0, 0, 16, 0, 5);
  swasm_rt_data_drop(ctx, 0);
}

static const uint8_t ty_i32x3[] = { SWASM_T_I32, SWASM_T_I32, SWASM_T_I32 };
static const swasm_desc_functype_t a_types[] = {
  [T_V_V] = { 0, 0, NULL }, [T_I_I] = { 1, 1, ty_i32x3 }, [T_V_I] = { 0, 1, ty_i32x3 },
  [T_II_I] = { 2, 1, ty_i32x3 },
};
static const uint32_t a_func_types[NFUNCS_A] = {
  [F_HOST_INC] = T_I_I, [F_LOAD] = T_I_I, [F_RECURSE] = T_I_I, [F_TRAP] = T_V_V,
  [F_CALL_IMPORT] = T_I_I, [F_GROW] = T_I_I, [F_GET_GLOBAL] = T_V_I, [F_RUN] = T_V_V,
  [F_RECURSE_NOCHECK] = T_I_I, [F_START] = T_V_V,
};
static void *const a_func_code[NFUNCS_A - 1] = {
  FAKE_CODE(f_load), FAKE_CODE(f_recurse), FAKE_CODE(f_trap), FAKE_CODE(f_call_import),
  FAKE_CODE(f_grow), FAKE_CODE(f_get_global), FAKE_CODE(f_run), FAKE_CODE(f_recurse_nocheck),
  FAKE_CODE(f_start),
};
static const swasm_desc_import_t a_imports[] = {
  { "env", "host_inc", SWASM_K_FUNC, 0 },
  { "env", "g_imp", SWASM_K_GLOBAL, 0 },
};
static const swasm_desc_export_t a_exports[] = {
  { "load", SWASM_K_FUNC, F_LOAD }, { "recurse", SWASM_K_FUNC, F_RECURSE },
  { "trap", SWASM_K_FUNC, F_TRAP }, { "call_import", SWASM_K_FUNC, F_CALL_IMPORT },
  { "grow", SWASM_K_FUNC, F_GROW }, { "get_global", SWASM_K_FUNC, F_GET_GLOBAL },
  { "run", SWASM_K_FUNC, F_RUN }, { "recurse_nocheck", SWASM_K_FUNC, F_RECURSE_NOCHECK },
  { "host_inc", SWASM_K_FUNC, F_HOST_INC },
  { "mem", SWASM_K_MEMORY, 0 }, { "tab", SWASM_K_TABLE, 0 }, { "g1", SWASM_K_GLOBAL, 1 },
  { "g2", SWASM_K_GLOBAL, 2 },
};
static const swasm_desc_table_t a_tables[] = { { SWASM_T_FUNCREF, 0, { 2, 10, 1, 0, 0, 0 } } };
static const swasm_desc_limits_t a_memories[] = { { 1, 4, 1, 0, 0, 0 } };
static const swasm_desc_global_t a_globals[] = {
  { SWASM_T_I32, 0, { 0, 0 } }, { SWASM_T_I32, 1, { 0, 0 } }, { SWASM_T_I32, 1, { 0, 0 } },
};
static const swasm_segment_t a_datas[] = { { "hello", 5, 0 }, { "world!", 6, 0 } };
static const uint32_t a_elem_counts[] = { 2, 3 };
static const swasm_trampoline_t a_tramps[] = {
  fake_tramp_v_v, fake_tramp_i_i, fake_tramp_v_i, fake_tramp_ii_i,
};
static void *const a_thunks[] = {
  FAKE_CODE(fake_thunk_v_v), FAKE_CODE(fake_thunk_i_i), FAKE_CODE(fake_thunk_v_i),
  FAKE_CODE(fake_thunk_ii_i),
};

static swasm_module_desc_t module_a(void) {
  swasm_module_desc_t d = {
    .abi_version = SWASM_ABI_VERSION,
    .ntypes = 4, .types = a_types,
    .nimports = 2, .imports = a_imports,
    .nexports = sizeof a_exports / sizeof a_exports[0], .exports = a_exports,
    .nfuncs = NFUNCS_A, .nimported_funcs = 1, .func_types = a_func_types,
    .func_code = a_func_code,
    .ntables = 1, .tables = a_tables,
    .nmemories = 1, .memories = a_memories,
    .nglobals = 3, .nimported_globals = 1, .globals = a_globals,
    .ndatas = 2, .datas = a_datas,
    .nelems = 2, .elem_counts = a_elem_counts,
    .start = F_START,
    .trampolines = a_tramps, .host_thunks = a_thunks,
    .init = a_init,
  };
  return d;
}

/* ---- the host side of module A ---- */

typedef struct {
  swasm_instance_t *self;      /* set after instantiation, for re-entrant calls */
  int mode;                    /* what host_inc does */
  swasm_instance_t *last_caller;
} host_env_t;

enum { HOST_INC, HOST_FAIL, HOST_EXIT, HOST_REENTER_TRAP, HOST_REENTER_OK };

static bool host_inc(void *envp, swasm_instance_t *caller, swasm_val_t *a, swasm_error_t *err) {
  host_env_t *env = envp;
  env->last_caller = caller;
  switch (env->mode) {
  case HOST_FAIL:
    snprintf(err->message, sizeof err->message, "host says no to %d", a[0].i32);
    return false;
  case HOST_EXIT:
    err->trap = SWASM_TRAP_EXIT;
    err->exit_code = a[0].i32;
    return false;
  case HOST_REENTER_TRAP:
  case HOST_REENTER_OK: {
    swasm_extern_t ex;
    const char *name = env->mode == HOST_REENTER_TRAP ? "trap" : "load";
    if (!swasm_instance_export(env->self, name, &ex))
      return false;
    swasm_val_t v[1] = { { .i32 = 16 } };
    swasm_error_t inner;
    if (swasm_call(&ex.u.func, v, &inner)) {
      a[0].i32 = v[0].i32;
      return true;
    }
    snprintf(err->message, sizeof err->message, "inner call trapped: %.400s", inner.message);
    return false;
  }
  default:
    a[0].i32 += 1;
    return true;
  }
}

typedef struct {
  swasm_host_func_t *inc;
  swasm_val_t g_imp;
  const char *missing;         /* a name to pretend not to have */
} a_imports_env_t;

static bool resolve_a(void *envp, const char *module, const char *name, uint32_t kind,
                      swasm_extern_t *out) {
  a_imports_env_t *env = envp;
  if (strcmp(module, "env") != 0 || (env->missing && strcmp(name, env->missing) == 0))
    return false;
  if (strcmp(name, "host_inc") == 0) {
    out->kind = SWASM_K_FUNC;
    out->u.func = swasm_host_func_get(env->inc);
    return true;
  }
  if (strcmp(name, "g_imp") == 0) {
    out->kind = SWASM_K_GLOBAL;
    out->u.global.cell = &env->g_imp;
    out->u.global.type = SWASM_T_I32;
    out->u.global.mut = false;
    return true;
  }
  return false;
}

static bool call_i(swasm_instance_t *inst, const char *name, int32_t arg, int32_t *res,
                   swasm_error_t *err) {
  swasm_extern_t ex;
  if (!swasm_instance_export(inst, name, &ex) || ex.kind != SWASM_K_FUNC) {
    snprintf(err->message, sizeof err->message, "no export %s", name);
    err->trap = SWASM_TRAP_NONE;
    return false;
  }
  swasm_val_t v[2];
  memset(v, 0, sizeof v);
  v[0].i32 = arg;
  bool ok = swasm_call(&ex.u.func, v, err);
  if (ok && res)
    *res = v[0].i32;
  return ok;
}

/* Runs body "inside wasm" through module A's run export; returns the trap (NONE if none). */
static swasm_trap_t run_in(swasm_instance_t *inst, void (*body)(swasm_vmctx_t *)) {
  swasm_error_t err;
  run_body = body;
  if (call_i(inst, "run", 0, NULL, &err))
    return SWASM_TRAP_NONE;
  return err.trap;
}

/* ======================================================================================== */
/* Tests                                                                                     */
/* ======================================================================================== */

static void test_types(void) {
  uint8_t t1[] = { SWASM_T_I32, SWASM_T_I64, SWASM_T_F32 };
  uint8_t t2[] = { SWASM_T_I32, SWASM_T_I64, SWASM_T_F32 };
  swasm_desc_functype_t a = { 2, 1, t1 }, b = { 2, 1, t2 }, c = { 1, 2, t1 }, e = { 0, 0, NULL };
  swasm_desc_functype_t e2 = { 0, 0, t2 };
  CHECK(swasm_type_id(&a) == swasm_type_id(&b));
  CHECK(swasm_type_id(&a) != swasm_type_id(&c));
  CHECK(swasm_type_id(&e) == swasm_type_id(&e2));
  CHECK(swasm_type_id(&e) != swasm_type_id(&a));
  CHECK(swasm_type_id(&a) != 0);
  /* Many types force the table to grow; ids stay stable. */
  uint32_t first = swasm_type_id(&a);
  uint8_t many[8];
  for (int i = 0; i < 300; i++) {
    for (int j = 0; j < 8; j++)
      many[j] = (uint8_t)(0x7c + ((i >> (j % 4)) & 3));
    swasm_desc_functype_t m = { (uint32_t)(i % 5), 3, many };
    swasm_type_id(&m);
  }
  CHECK(swasm_type_id(&b) == first);
}

/* Interns the same 200 types from several threads at once; all must agree. */
static void *intern_thread(void *p) {
  uint32_t *ids = p;
  uint8_t t[4];
  for (uint32_t i = 0; i < 200; i++) {
    for (int j = 0; j < 4; j++)
      t[j] = (uint8_t)(0x7c + ((i >> (2 * j)) & 3));
    swasm_desc_functype_t f = { i % 3, 1, t };
    ids[i] = swasm_type_id(&f);
  }
  return NULL;
}

static void test_types_threads(void) {
  static uint32_t ids[4][200];
  pthread_t th[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&th[i], NULL, intern_thread, ids[i]);
  for (int i = 0; i < 4; i++)
    pthread_join(th[i], NULL);
  bool same = true;
  for (int i = 1; i < 4; i++)
    same = same && memcmp(ids[0], ids[i], sizeof ids[0]) == 0;
  CHECK(same);
  CHECK(ids[0][0] != 0 && ids[0][0] != ids[0][1]);
}

static void test_trap_messages(void) {
  CHECK(strcmp(swasm_trap_message(SWASM_TRAP_MEMORY_OOB), "out of bounds memory access") == 0);
  CHECK(strcmp(swasm_trap_message(SWASM_TRAP_STACK_EXHAUSTED), "call stack exhausted") == 0);
  CHECK(strcmp(swasm_trap_message(SWASM_TRAP_INDIRECT_TYPE), "indirect call type mismatch") == 0);
  CHECK(strcmp(swasm_trap_message(SWASM_TRAP_UNINITIALIZED), "uninitialized element") == 0);
  CHECK(strcmp(swasm_trap_message(SWASM_TRAP_COUNT), "unknown trap") == 0);
}

static void test_memory_api(void) {
  swasm_error_t err;
  swasm_memory_t *m = swasm_memory_new(0, 2, true, true, &err);
  CHECK(m && m->base && m->size == 0 && m->guarded && m->has_max);
  if (m) {
    swasm_vmctx_t vm = { .memories = &m };
    CHECK(m->reserved == (uint64_t)8 << 30);
    CHECK(swasm_rt_memory_grow(&vm, 0, 0) == 0);
    CHECK(swasm_rt_memory_grow(&vm, 0, 1) == 0);
    CHECK(m->size == SWASM_PAGE_SIZE);
    m->base[SWASM_PAGE_SIZE - 1] = 7;
    CHECK(swasm_rt_memory_grow(&vm, 0, 2) == -1);
    CHECK(swasm_rt_memory_grow(&vm, 0, 1) == 1);
    CHECK(m->base[SWASM_PAGE_SIZE - 1] == 7 && m->base[SWASM_PAGE_SIZE] == 0);
    CHECK(swasm_rt_memory_grow(&vm, 0, 1) == -1);
    CHECK(swasm_rt_memory_grow(&vm, 0, 0xffffffffu) == -1);
    CHECK(m->size == 2 * SWASM_PAGE_SIZE);
    swasm_memory_free(m);
  }
  m = swasm_memory_new(1, 3, true, false, &err);
  CHECK(m && !m->guarded && m->reserved == 3 * SWASM_PAGE_SIZE && m->size == SWASM_PAGE_SIZE);
  swasm_memory_free(m);
  m = swasm_memory_new(0, 0, true, false, &err);
  CHECK(m && m->base && m->size == 0 && m->reserved > 0);
  swasm_memory_free(m);
  m = swasm_memory_new(0, 0, false, false, &err);
  CHECK(m && !m->has_max && m->max_pages == 65536 && m->reserved == (uint64_t)4 << 30);
  if (m) {
    swasm_vmctx_t vm = { .memories = &m };
    CHECK(swasm_rt_memory_grow(&vm, 0, 65537) == -1);
    CHECK(swasm_rt_memory_grow(&vm, 0, 100) == 0);
    swasm_memory_free(m);
  }
  CHECK(!swasm_memory_new(3, 2, true, true, &err));
  CHECK(strstr(err.message, "minimum") != NULL);
  CHECK(!swasm_memory_new(65537, 0, false, true, &err));
  swasm_memory_free(NULL);
}

static void test_table_api(void) {
  swasm_error_t err;
  int x;
  swasm_table_t *t = swasm_table_new(SWASM_T_FUNCREF, 0, 5, &err);
  CHECK(t && t->elems && t->size == 0 && t->has_max);
  if (t) {
    swasm_vmctx_t vm = { .tables = &t };
    CHECK(swasm_rt_table_grow(&vm, 0, &x, 3) == 0);
    CHECK(t->size == 3 && t->elems[0] == &x && t->elems[2] == &x);
    CHECK(swasm_rt_table_grow(&vm, 0, NULL, 3) == -1);
    CHECK(swasm_rt_table_grow(&vm, 0, NULL, 2) == 3);
    CHECK(t->size == 5 && t->elems[4] == NULL);
    CHECK(swasm_rt_table_grow(&vm, 0, NULL, 0) == 5);
    swasm_table_free(t);
  }
  t = swasm_table_new(SWASM_T_EXTERNREF, 1, UINT32_MAX, &err);
  CHECK(t && !t->has_max && t->size == 1);
  if (t) {
    swasm_vmctx_t vm = { .tables = &t };
    CHECK(swasm_rt_table_grow(&vm, 0, NULL, 0xfffffff0u) == -1);
    CHECK(swasm_rt_table_grow(&vm, 0, NULL, 0xffffffffu) == -1);
    CHECK(t->size == 1);
    swasm_table_free(t);
  }
  CHECK(!swasm_table_new(SWASM_T_FUNCREF, 3, 2, &err));
  CHECK(!swasm_table_new(SWASM_T_I32, 0, 2, &err));
}

/* Module A's instance, shared by the tests that follow. */
static host_env_t henv;
static a_imports_env_t ienv;
static swasm_loaded_t *a_loaded;
static swasm_module_desc_t a_desc;

static swasm_instance_t *instantiate_a(swasm_error_t *err) {
  swasm_instance_t *inst = swasm_instantiate(a_loaded, resolve_a, &ienv, err);
  if (inst)
    henv.self = inst;
  return inst;
}

static void test_instance(swasm_instance_t *inst) {
  swasm_vmctx_t *vm = swasm_instance_vmctx(inst);
  swasm_extern_t ex;
  swasm_error_t err;
  int32_t r = 0;
  CHECK(swasm_instance_desc(inst) == &a_desc);
  CHECK(vm->instance == inst);
  CHECK(swasm_instance_export(inst, "g1", &ex) && ex.kind == SWASM_K_GLOBAL &&
        ex.u.global.cell->i32 == 42 && ex.u.global.mut && ex.u.global.type == SWASM_T_I32);
  CHECK(swasm_instance_export(inst, "g2", &ex) && ex.u.global.cell->i32 == 99);
  CHECK(call_i(inst, "get_global", 0, &r, &err) && r == 42);
  CHECK(swasm_instance_export(inst, "mem", &ex) && ex.kind == SWASM_K_MEMORY);
  CHECK(ex.u.memory == vm->mem0 && vm->mem0_base == ex.u.memory->base);
  CHECK(memcmp(vm->mem0_base + 16, "hello", 5) == 0);
  CHECK(swasm_instance_export(inst, "tab", &ex) && ex.kind == SWASM_K_TABLE);
  CHECK(ex.u.table->size == 2 && ex.u.table->elems[0] == &vm->funcs[F_LOAD] &&
        ex.u.table->elems[1] == &vm->funcs[F_TRAP]);
  CHECK(vm->elems[0].size == 0 && vm->elems[1].size == 3 && vm->datas[0].size == 0 &&
        vm->datas[1].size == 6);
  CHECK(vm->type_ids[T_I_I] == swasm_type_id(&a_types[T_I_I]));
  CHECK(vm->funcs[F_LOAD].type_id == vm->type_ids[T_I_I]);
  CHECK(vm->funcs[F_LOAD].ctx == vm && vm->funcs[F_TRAP].type_id == vm->type_ids[T_V_V]);
  CHECK(vm->stack_limit != 0);
  CHECK(swasm_instance_export(inst, "load", &ex) && ex.u.func.type == &a_types[T_I_I] &&
        ex.u.func.tramp == fake_tramp_i_i && ex.u.func.ref == &vm->funcs[F_LOAD]);
  CHECK(!swasm_instance_export(inst, "nope", &ex));
  CHECK(call_i(inst, "load", 16, &r, &err) && memcmp(&r, "hell", 4) == 0);
  henv.mode = HOST_INC;
  CHECK(call_i(inst, "call_import", 5, &r, &err) && r == 12);
  CHECK(henv.last_caller == inst);
  CHECK(call_i(inst, "host_inc", 7, &r, &err) && r == 8);
  swasm_instance_set_user(inst, &r);
  CHECK(swasm_instance_user(inst) == &r);
}

static void test_traps(swasm_instance_t *inst) {
  swasm_error_t err;
  int32_t r = 1;
  CHECK(call_i(inst, "load", 65536 - 4, &r, &err) && r == 0);
  CHECK(!call_i(inst, "load", 65536, &r, &err) && err.trap == SWASM_TRAP_MEMORY_OOB);
  /* The trap names the function whose code faulted (unnamed here: no name section). */
  CHECK(strcmp(err.message, "out of bounds memory access in func 1") == 0);
  CHECK(err.func_known && err.func == F_LOAD && err.pc != 0);
  CHECK(!call_i(inst, "load", 65536 + 100, &r, &err) && err.trap == SWASM_TRAP_MEMORY_OOB);
  CHECK(!call_i(inst, "load", -1, &r, &err) && err.trap == SWASM_TRAP_MEMORY_OOB);
  CHECK(!call_i(inst, "trap", 0, NULL, &err) && err.trap == SWASM_TRAP_UNREACHABLE);
  CHECK(strcmp(err.message, "unreachable in func 3") == 0);
  CHECK(err.func_known && err.func == F_TRAP);
  CHECK(call_i(inst, "load", 16, &r, &err) && memcmp(&r, "hell", 4) == 0);
  CHECK(!call_i(inst, "recurse", 0, &r, &err) && err.trap == SWASM_TRAP_STACK_EXHAUSTED);
  CHECK(strncmp(err.message, "call stack exhausted", 20) == 0);
  recursion_cap = 100;
  CHECK(call_i(inst, "recurse", 0, &r, &err));
  recursion_cap = INT32_MAX;
  CHECK(call_i(inst, "grow", 1, &r, &err) && r == 1);
  CHECK(call_i(inst, "grow", 2, &r, &err) && r == 2);
  CHECK(call_i(inst, "grow", 1, &r, &err) && r == -1);
  CHECK(call_i(inst, "grow", 0, &r, &err) && r == 4);
  CHECK(call_i(inst, "load", 4 * 65536 - 4, &r, &err) && r == 0);
  CHECK(!call_i(inst, "load", 4 * 65536 - 3, &r, &err) && err.trap == SWASM_TRAP_MEMORY_OOB);
}

static void test_host_calls(swasm_instance_t *inst, swasm_host_func_t *inc) {
  swasm_error_t err;
  int32_t r = 0;
  henv.mode = HOST_REENTER_TRAP;
  CHECK(!call_i(inst, "call_import", 1, &r, &err) && err.trap == SWASM_TRAP_HOST);
  CHECK(strcmp(err.message, "inner call trapped: unreachable in func 3") == 0);
  henv.mode = HOST_REENTER_OK;
  CHECK(call_i(inst, "call_import", 1, &r, &err));
  int32_t hell;
  memcpy(&hell, "hell", 4);
  CHECK(r == (int32_t)((uint32_t)hell * 2));
  henv.mode = HOST_FAIL;
  CHECK(!call_i(inst, "call_import", 3, &r, &err) && err.trap == SWASM_TRAP_HOST);
  CHECK(strcmp(err.message, "host says no to 3") == 0);
  henv.mode = HOST_EXIT;
  CHECK(!call_i(inst, "call_import", 7, &r, &err) && err.trap == SWASM_TRAP_EXIT &&
        err.exit_code == 7);
  /* A host function called directly, not through a module. */
  henv.mode = HOST_INC;
  swasm_func_t f = swasm_host_func_get(inc);
  swasm_val_t v[1] = { { .i32 = 5 } };
  CHECK(f.tramp == NULL && f.type->nparams == 1 && f.type->nresults == 1);
  CHECK(swasm_call(&f, v, &err) && v[0].i32 == 6 && henv.last_caller == NULL);
  henv.mode = HOST_FAIL;
  CHECK(!swasm_call(&f, v, &err) && err.trap == SWASM_TRAP_HOST);
  henv.mode = HOST_INC;
  CHECK(call_i(inst, "call_import", 1, &r, &err) && r == 4);
}

/* Stack overflow without any prologue check: the guard page must still give a clean trap. */
static void *overflow_thread(void *p) {
  swasm_instance_t *inst = p;
  swasm_error_t err;
  int32_t r;
  static int results[3];
  results[0] = !call_i(inst, "recurse_nocheck", 0, &r, &err) &&
               err.trap == SWASM_TRAP_STACK_EXHAUSTED;
  results[1] = !call_i(inst, "recurse", 0, &r, &err) && err.trap == SWASM_TRAP_STACK_EXHAUSTED;
  results[2] = !call_i(inst, "load", -8, &r, &err) && err.trap == SWASM_TRAP_MEMORY_OOB;
  return results;
}

static void test_thread(swasm_instance_t *inst) {
  pthread_attr_t attr;
  pthread_t th;
  void *res = NULL;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 2u << 20);
  CHECK(pthread_create(&th, &attr, overflow_thread, inst) == 0);
  pthread_join(th, &res);
  pthread_attr_destroy(&attr);
  int *r = res;
  CHECK(r && r[0]);
  CHECK(r && r[1]);
  CHECK(r && r[2]);
  /* The main thread's stack limit is back for the next call. */
  swasm_error_t err;
  int32_t v;
  CHECK(call_i(inst, "recurse", 0, &v, &err) == false && err.trap == SWASM_TRAP_STACK_EXHAUSTED);
}

/* ---- bulk operations, run inside wasm so that their traps are caught ---- */

static struct { uint32_t a, b, c, d, e; uint64_t dst, src, n; } p;

static void body_fill(swasm_vmctx_t *ctx) { swasm_rt_memory_fill(ctx, 0, p.dst, p.a, p.n); }
static void body_copy(swasm_vmctx_t *ctx) { swasm_rt_memory_copy(ctx, 0, 0, p.dst, p.src, p.n); }
static void body_init(swasm_vmctx_t *ctx) {
  swasm_rt_memory_init(ctx, 0, p.a, p.dst, (uint32_t)p.src, (uint32_t)p.n);
}
static void body_data_drop(swasm_vmctx_t *ctx) { swasm_rt_data_drop(ctx, p.a); }
static void body_tgrow(swasm_vmctx_t *ctx) {
  p.e = (uint32_t)swasm_rt_table_grow(ctx, 0, &ctx->funcs[F_GROW], p.a);
}
static void body_tfill(swasm_vmctx_t *ctx) {
  swasm_rt_table_fill(ctx, 0, (uint32_t)p.dst, &ctx->funcs[F_RUN], (uint32_t)p.n);
}
static void body_tcopy(swasm_vmctx_t *ctx) {
  swasm_rt_table_copy(ctx, 0, 0, (uint32_t)p.dst, (uint32_t)p.src, (uint32_t)p.n);
}
static void body_tinit(swasm_vmctx_t *ctx) {
  void **e = (void **)ctx->elems[1].data;
  e[0] = &ctx->funcs[F_LOAD];
  e[1] = &ctx->funcs[F_TRAP];
  e[2] = &ctx->funcs[F_RUN];
  swasm_rt_table_init(ctx, 0, 1, (uint32_t)p.dst, (uint32_t)p.src, (uint32_t)p.n);
}
static void body_elem_drop(swasm_vmctx_t *ctx) { swasm_rt_elem_drop(ctx, 1); }

#define SET(d_, s_, n_) (p.dst = (d_), p.src = (s_), p.n = (n_))

static void test_memory_bulk(swasm_instance_t *inst) {
  swasm_vmctx_t *vm = swasm_instance_vmctx(inst);
  uint8_t *base = vm->mem0_base;
  uint64_t size = vm->mem0->size;
  p.a = 0xab;
  SET(size, 0, 0);
  CHECK(run_in(inst, body_fill) == SWASM_TRAP_NONE);
  SET(size, 0, 1);
  CHECK(run_in(inst, body_fill) == SWASM_TRAP_MEMORY_OOB);
  SET(size - 1, 0, 1);
  CHECK(run_in(inst, body_fill) == SWASM_TRAP_NONE && base[size - 1] == 0xab);
  base[0] = 1;
  SET(0, 0, size + 1);
  CHECK(run_in(inst, body_fill) == SWASM_TRAP_MEMORY_OOB && base[0] == 1);
  SET(UINT64_MAX, 0, 2);
  CHECK(run_in(inst, body_fill) == SWASM_TRAP_MEMORY_OOB);

  memcpy(base + 100, "abcdef", 6);
  SET(102, 100, 4);
  CHECK(run_in(inst, body_copy) == SWASM_TRAP_NONE && memcmp(base + 100, "ababcd", 6) == 0);
  SET(100, 102, 4);
  CHECK(run_in(inst, body_copy) == SWASM_TRAP_NONE && memcmp(base + 100, "abcdcd", 6) == 0);
  SET(100, size - 2, 4);
  CHECK(run_in(inst, body_copy) == SWASM_TRAP_MEMORY_OOB && base[100] == 'a');
  SET(size, 0, 0);
  CHECK(run_in(inst, body_copy) == SWASM_TRAP_NONE);
  SET(size + 1, 0, 0);
  CHECK(run_in(inst, body_copy) == SWASM_TRAP_MEMORY_OOB);

  p.a = 1;   /* "world!" */
  SET(200, 1, 5);
  CHECK(run_in(inst, body_init) == SWASM_TRAP_NONE && memcmp(base + 200, "orld!", 5) == 0);
  SET(300, 2, 5);
  CHECK(run_in(inst, body_init) == SWASM_TRAP_MEMORY_OOB && base[300] == 0);
  SET(300, 6, 0);
  CHECK(run_in(inst, body_init) == SWASM_TRAP_NONE);
  SET(300, 7, 0);
  CHECK(run_in(inst, body_init) == SWASM_TRAP_MEMORY_OOB);
  SET(size - 2, 0, 3);
  CHECK(run_in(inst, body_init) == SWASM_TRAP_MEMORY_OOB && base[size - 2] == 0);
  SET(size, 0, 0);
  CHECK(run_in(inst, body_init) == SWASM_TRAP_NONE);
  CHECK(run_in(inst, body_data_drop) == SWASM_TRAP_NONE && vm->datas[1].size == 0);
  SET(0, 0, 0);
  CHECK(run_in(inst, body_init) == SWASM_TRAP_NONE);
  SET(0, 0, 1);
  CHECK(run_in(inst, body_init) == SWASM_TRAP_MEMORY_OOB);
  p.a = 0;   /* dropped by init */
  CHECK(run_in(inst, body_init) == SWASM_TRAP_MEMORY_OOB);
}

static void test_table_bulk(swasm_instance_t *inst) {
  swasm_vmctx_t *vm = swasm_instance_vmctx(inst);
  swasm_table_t *t = vm->tables[0];
  void *load = &vm->funcs[F_LOAD], *trap = &vm->funcs[F_TRAP], *run = &vm->funcs[F_RUN];
  void *grow = &vm->funcs[F_GROW];
  p.a = 3;
  CHECK(run_in(inst, body_tgrow) == SWASM_TRAP_NONE && p.e == 2 && t->size == 5);
  CHECK(t->elems[2] == grow && t->elems[4] == grow);
  p.a = 6;
  CHECK(run_in(inst, body_tgrow) == SWASM_TRAP_NONE && p.e == UINT32_MAX && t->size == 5);
  SET(3, 0, 2);
  CHECK(run_in(inst, body_tfill) == SWASM_TRAP_NONE && t->elems[3] == run && t->elems[4] == run);
  SET(5, 0, 0);
  CHECK(run_in(inst, body_tfill) == SWASM_TRAP_NONE);
  SET(4, 0, 2);
  CHECK(run_in(inst, body_tfill) == SWASM_TRAP_TABLE_OOB && t->elems[4] == run);
  SET(6, 0, 0);
  CHECK(run_in(inst, body_tfill) == SWASM_TRAP_TABLE_OOB);
  /* elems: load trap grow run run */
  SET(1, 0, 3);
  CHECK(run_in(inst, body_tcopy) == SWASM_TRAP_NONE);
  CHECK(t->elems[0] == load && t->elems[1] == load && t->elems[2] == trap &&
        t->elems[3] == grow && t->elems[4] == run);
  SET(0, 3, 3);
  CHECK(run_in(inst, body_tcopy) == SWASM_TRAP_TABLE_OOB && t->elems[0] == load);
  SET(5, 5, 0);
  CHECK(run_in(inst, body_tcopy) == SWASM_TRAP_NONE);
  SET(0, 1, 2);
  CHECK(run_in(inst, body_tinit) == SWASM_TRAP_NONE && t->elems[0] == trap &&
        t->elems[1] == run);
  SET(0, 2, 2);
  CHECK(run_in(inst, body_tinit) == SWASM_TRAP_TABLE_OOB && t->elems[0] == trap);
  SET(4, 0, 2);
  CHECK(run_in(inst, body_tinit) == SWASM_TRAP_TABLE_OOB && t->elems[4] == run);
  SET(5, 3, 0);
  CHECK(run_in(inst, body_tinit) == SWASM_TRAP_NONE);
  CHECK(run_in(inst, body_elem_drop) == SWASM_TRAP_NONE && vm->elems[1].size == 0);
  SET(0, 0, 0);
  CHECK(run_in(inst, body_tinit) == SWASM_TRAP_NONE);
  SET(0, 0, 1);
  CHECK(run_in(inst, body_tinit) == SWASM_TRAP_TABLE_OOB);
}

/* ======================================================================================== */
/* Module C: init and start functions that trap, after writing to imported objects          */
/* ======================================================================================== */

static int c_mode;   /* 0: init traps, 1: start traps, 2: neither */

static void c_start(swasm_vmctx_t *ctx) {
  if (c_mode == 1)
    swasm_rt_trap(SWASM_TRAP_UNREACHABLE);
  ctx->memories[0]->base[1] = 43;
}

static void c_init(swasm_vmctx_t *ctx) {
  ctx->memories[0]->base[0] = 42;
  ctx->tables[0]->elems[0] = &ctx->funcs[0];
  if (c_mode == 0)
    swasm_rt_memory_fill(ctx, 0, ctx->memories[0]->size, 0, 1);
}

static const uint32_t c_func_types[] = { T_V_V };
static void *const c_func_code[] = { FAKE_CODE(c_start) };
static const swasm_desc_import_t c_imports[] = {
  { "a", "mem", SWASM_K_MEMORY, 0 }, { "a", "tab", SWASM_K_TABLE, 0 },
};
static const swasm_desc_table_t c_tables[] = { { SWASM_T_FUNCREF, 0, { 1, 0, 0, 0, 0, 0 } } };
static const swasm_desc_limits_t c_memories[] = { { 1, 0, 0, 0, 0, 0 } };

static bool resolve_from(void *envp, const char *module, const char *name, uint32_t kind,
                         swasm_extern_t *out) {
  return swasm_instance_export(envp, name, out);
}

static void test_init_traps(swasm_instance_t *a) {
  swasm_module_desc_t d = {
    .abi_version = SWASM_ABI_VERSION,
    .ntypes = 4, .types = a_types,
    .nimports = 2, .imports = c_imports,
    .nfuncs = 1, .func_types = c_func_types, .func_code = c_func_code,
    .ntables = 1, .nimported_tables = 1, .tables = c_tables,
    .nmemories = 1, .nimported_memories = 1, .memories = c_memories,
    .start = 0,
    .trampolines = a_tramps, .host_thunks = a_thunks,
    .init = c_init,
  };
  swasm_error_t err;
  swasm_vmctx_t *vm = swasm_instance_vmctx(a);
  uint8_t *base = vm->mem0_base;
  swasm_table_t *t = vm->tables[0];
  swasm_loaded_t *l = swasm_load_desc(&d, &err);
  CHECK(l != NULL);
  base[0] = base[1] = 0;
  c_mode = 0;
  CHECK(!swasm_instantiate(l, resolve_from, a, &err) && err.trap == SWASM_TRAP_MEMORY_OOB);
  CHECK(base[0] == 42 && base[1] == 0);
  /* The failed instance's function stays callable through the table. */
  swasm_func_t f = { t->elems[0], &a_types[T_V_V], fake_tramp_v_v };
  CHECK(f.ref != NULL && swasm_call(&f, NULL, &err) && base[1] == 43);
  base[0] = base[1] = 0;
  c_mode = 1;
  CHECK(!swasm_instantiate(l, resolve_from, a, &err) && err.trap == SWASM_TRAP_UNREACHABLE);
  CHECK(base[0] == 42 && base[1] == 0);
  c_mode = 2;
  swasm_instance_t *c = swasm_instantiate(l, resolve_from, a, &err);
  CHECK(c && base[1] == 43);
  swasm_instance_free(c);
  t->elems[0] = NULL;   /* pointed into the freed instance */
  swasm_unload(l);
}

/* ======================================================================================== */
/* Linking rules                                                                             */
/* ======================================================================================== */

/* A module with one import of the given kind and type, and nothing else. */
typedef struct {
  swasm_module_desc_t d;
  swasm_desc_import_t im;
  uint32_t ftype;
  swasm_desc_table_t table;
  swasm_desc_limits_t mem;
  swasm_desc_global_t global;
} one_import_t;

static swasm_module_desc_t *one_import(one_import_t *o, uint32_t kind, const char *name) {
  memset(o, 0, sizeof *o);
  o->im = (swasm_desc_import_t){ "x", name, kind, 0 };
  o->d.abi_version = SWASM_ABI_VERSION;
  o->d.ntypes = 4;
  o->d.types = a_types;
  o->d.nimports = 1;
  o->d.imports = &o->im;
  o->d.start = -1;
  o->d.trampolines = a_tramps;
  o->d.host_thunks = a_thunks;
  switch (kind) {
  case SWASM_K_FUNC:
    o->d.nfuncs = o->d.nimported_funcs = 1;
    o->d.func_types = &o->ftype;
    break;
  case SWASM_K_TABLE:
    o->d.ntables = o->d.nimported_tables = 1;
    o->d.tables = &o->table;
    o->table.elemtype = SWASM_T_FUNCREF;
    break;
  case SWASM_K_MEMORY:
    o->d.nmemories = o->d.nimported_memories = 1;
    o->d.memories = &o->mem;
    break;
  default:
    o->d.nglobals = o->d.nimported_globals = 1;
    o->d.globals = &o->global;
    break;
  }
  return &o->d;
}

/* Instantiates o's module against the exports of inst; returns the error message ("" if it
 * linked). */
static const char *link_msg(one_import_t *o, swasm_instance_t *inst) {
  static swasm_error_t err;
  swasm_loaded_t *l = swasm_load_desc(&o->d, &err);
  if (!l)
    return err.message;
  swasm_instance_t *i = swasm_instantiate(l, resolve_from, inst, &err);
  if (i)
    err.message[0] = 0;
  swasm_instance_free(i);
  swasm_unload(l);
  return err.message;
}

#define LINKS(o) (link_msg(o, a)[0] == 0)
#define INCOMPATIBLE(o) (strncmp(link_msg(o, a), "incompatible import type", 24) == 0)

static void test_linking(swasm_instance_t *a) {
  one_import_t o;
  /* A's exports: load [i32]->[i32]; mem 4 pages, max 4; tab 5 funcref, max 10; g1 mut i32 */
  one_import(&o, SWASM_K_FUNC, "load");
  o.ftype = T_I_I;
  CHECK(LINKS(&o));
  o.ftype = T_V_I;
  CHECK(INCOMPATIBLE(&o));
  o.im.name = "nothing";
  CHECK(strncmp(link_msg(&o, a), "unknown import", 14) == 0);
  o.im.name = "mem";
  CHECK(INCOMPATIBLE(&o));

  one_import(&o, SWASM_K_MEMORY, "mem");
  o.mem = (swasm_desc_limits_t){ 4, 0, 0, 0, 0, 0 };
  CHECK(LINKS(&o));
  o.mem.min = 5;
  CHECK(INCOMPATIBLE(&o));
  o.mem = (swasm_desc_limits_t){ 1, 4, 1, 0, 0, 0 };
  CHECK(LINKS(&o));
  o.mem.max = 3;
  CHECK(INCOMPATIBLE(&o));
  o.mem.max = 5;
  CHECK(LINKS(&o));

  one_import(&o, SWASM_K_TABLE, "tab");
  o.table.limits = (swasm_desc_limits_t){ 5, 0, 0, 0, 0, 0 };
  CHECK(LINKS(&o));
  o.table.limits.min = 6;
  CHECK(INCOMPATIBLE(&o));
  o.table.limits = (swasm_desc_limits_t){ 0, 10, 1, 0, 0, 0 };
  CHECK(LINKS(&o));
  o.table.limits.max = 9;
  CHECK(INCOMPATIBLE(&o));
  o.table.limits.max = 10;
  o.table.elemtype = SWASM_T_EXTERNREF;
  CHECK(INCOMPATIBLE(&o));

  one_import(&o, SWASM_K_GLOBAL, "g1");
  o.global = (swasm_desc_global_t){ SWASM_T_I32, 1, { 0, 0 } };
  CHECK(LINKS(&o));
  o.global.mut = 0;
  CHECK(INCOMPATIBLE(&o));
  o.global = (swasm_desc_global_t){ SWASM_T_I64, 1, { 0, 0 } };
  CHECK(INCOMPATIBLE(&o));
}

/* Memories and tables without a maximum, and guard pages, through a host resolver. */
static bool resolve_one(void *envp, const char *module, const char *name, uint32_t kind,
                        swasm_extern_t *out) {
  *out = *(swasm_extern_t *)envp;
  return true;
}

static void test_linking_host_objects(void) {
  one_import_t o;
  swasm_error_t err;
  swasm_extern_t ex = { .kind = SWASM_K_MEMORY };
  swasm_memory_t *guarded = swasm_memory_new(1, 0, false, true, &err);
  swasm_memory_t *plain = swasm_memory_new(1, 2, true, false, &err);
  one_import(&o, SWASM_K_MEMORY, "m");
  o.mem = (swasm_desc_limits_t){ 1, 65536, 1, 0, 0, 0 };
  swasm_loaded_t *l = swasm_load_desc(&o.d, &err);
  ex.u.memory = guarded;
  /* No maximum does not satisfy a declared maximum, however large. */
  CHECK(!swasm_instantiate(l, resolve_one, &ex, &err) &&
        strncmp(err.message, "incompatible import type", 24) == 0);
  o.mem.has_max = 0;
  swasm_instance_t *i = swasm_instantiate(l, resolve_one, &ex, &err);
  CHECK(i != NULL);
  swasm_instance_free(i);
  /* Code without bounds checks cannot use a memory without guard pages. */
  ex.u.memory = plain;
  CHECK(!swasm_instantiate(l, resolve_one, &ex, &err) && strstr(err.message, "guard"));
  o.d.flags = SWASM_DESCF_EXPLICIT_BOUNDS;
  i = swasm_instantiate(l, resolve_one, &ex, &err);
  CHECK(i != NULL);
  swasm_instance_free(i);
  swasm_unload(l);
  swasm_memory_free(guarded);
  swasm_memory_free(plain);

  swasm_table_t *t = swasm_table_new(SWASM_T_EXTERNREF, 2, UINT32_MAX, &err);
  one_import(&o, SWASM_K_TABLE, "t");
  o.table.elemtype = SWASM_T_EXTERNREF;
  o.table.limits = (swasm_desc_limits_t){ 2, UINT32_MAX, 1, 0, 0, 0 };
  l = swasm_load_desc(&o.d, &err);
  ex = (swasm_extern_t){ .kind = SWASM_K_TABLE, .u.table = t };
  CHECK(!swasm_instantiate(l, resolve_one, &ex, &err));
  o.table.limits.has_max = 0;
  i = swasm_instantiate(l, resolve_one, &ex, &err);
  CHECK(i != NULL);
  swasm_instance_free(i);
  swasm_unload(l);
  swasm_table_free(t);
}

/* ======================================================================================== */
/* Explicit bounds mode, loader, shared libraries                                            */
/* ======================================================================================== */

static void test_explicit_bounds(swasm_host_func_t *inc) {
  swasm_module_desc_t d = module_a();
  d.flags = SWASM_DESCF_EXPLICIT_BOUNDS;
  swasm_error_t err;
  swasm_loaded_t *l = swasm_load_desc(&d, &err);
  a_imports_env_t env = { inc, { .i32 = 1 }, NULL };
  swasm_instance_t *inst = swasm_instantiate(l, resolve_a, &env, &err);
  CHECK(inst != NULL);
  if (!inst)
    return;
  swasm_vmctx_t *vm = swasm_instance_vmctx(inst);
  CHECK(!vm->mem0->guarded && vm->mem0->reserved == 4 * SWASM_PAGE_SIZE);
  int32_t r;
  CHECK(call_i(inst, "load", 65532, &r, &err) && r == 0);
  /* Generated code would check bounds itself; the reservation still catches a stray access. */
  CHECK(!call_i(inst, "load", 65536, &r, &err) && err.trap == SWASM_TRAP_MEMORY_OOB);
  CHECK(call_i(inst, "get_global", 0, &r, &err) && r == 2);
  swasm_instance_free(inst);
  swasm_unload(l);
}

static void test_loader(const char *so_path, const char *short_path) {
  swasm_error_t err;
  CHECK(!swasm_load("/nonexistent/x.so", &err) && strstr(err.message, "/nonexistent/x.so"));
  swasm_module_desc_t d = module_a();
  d.abi_version = SWASM_ABI_VERSION + 1;
  CHECK(!swasm_load_desc(&d, &err) && strstr(err.message, "ABI version"));
  d = module_a();
  d.cpu_features = "+sse2,-avx512f,+made-up-feature";
  swasm_loaded_t *l = swasm_load_desc(&d, &err);
  CHECK(l != NULL);
  swasm_unload(l);
#if defined(__x86_64__)
  __builtin_cpu_init();
  d.cpu_features = "+avx512f";
  l = swasm_load_desc(&d, &err);
  CHECK(__builtin_cpu_supports("avx512f") ? l != NULL : (!l && strstr(err.message, "avx512f")));
  swasm_unload(l);
#endif
  d = module_a();
  d.nimported_funcs = 0;
  CHECK(!swasm_load_desc(&d, &err) && strstr(err.message, "corrupt"));

  if (short_path) {
    CHECK(!swasm_load(short_path, &err) && strstr(err.message, "another runtime version"));
  }
  if (!so_path)
    return;
  l = swasm_load(so_path, &err);
  CHECK(l != NULL);
  if (!l) {
    fprintf(stderr, "  %s\n", err.message);
    return;
  }
  CHECK(swasm_loaded_desc(l)->nfuncs == 3);
  swasm_instance_t *inst = swasm_instantiate(l, NULL, NULL, &err);
  CHECK(inst != NULL);
  if (inst) {
    swasm_extern_t ex;
    CHECK(swasm_instance_export(inst, "add", &ex));
    swasm_val_t v[2] = { { .i32 = 2 }, { .i32 = 3 } };
    CHECK(swasm_call(&ex.u.func, v, &err) && v[0].i32 == 1005);
    CHECK(!call_i(inst, "boom", 0, NULL, &err) && err.trap == SWASM_TRAP_INT_OVERFLOW);
    int32_t r;
    CHECK(call_i(inst, "grow", 1, &r, &err) && r == 1);
    CHECK(call_i(inst, "grow", 1, &r, &err) && r == -1);
    swasm_instance_free(inst);
  }
  swasm_unload(l);
}

/* ---- real bugs must crash, not turn into traps ---- */

static volatile uintptr_t wild_address = 16;

static void body_wild(swasm_vmctx_t *ctx) {
  *(volatile int *)wild_address = 1;
}

/* Runs fn in a child process; true when the child died of a signal or failed (a sanitizer
 * reports the crash and exits non-zero), rather than exiting with 0. */
static bool child_crashes(void (*fn)(swasm_instance_t *), swasm_instance_t *inst) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0)
    return false;
  if (pid == 0) {
    /* Keep the expected crash report out of the test log. */
    if (!freopen("/dev/null", "w", stderr))
      _exit(0);
    fn(inst);
    _exit(0);
  }
  int status;
  if (waitpid(pid, &status, 0) != pid)
    return false;
  if (getenv("TEST_RT_VERBOSE"))
    printf("child status: signal %d, exit %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0);
}

static void crash_inside_wasm(swasm_instance_t *inst) { run_in(inst, body_wild); }
static void crash_outside_wasm(swasm_instance_t *inst) { body_wild(NULL); }
static void trap_outside_wasm(swasm_instance_t *inst) { swasm_rt_trap(SWASM_TRAP_UNREACHABLE); }

static void test_crashes(swasm_instance_t *inst) {
  CHECK(child_crashes(crash_inside_wasm, inst));
  CHECK(child_crashes(crash_outside_wasm, inst));
  CHECK(child_crashes(trap_outside_wasm, inst));
  /* And the parent is unharmed. */
  swasm_error_t err;
  int32_t r;
  CHECK(!call_i(inst, "load", 65536 * 8, &r, &err) && err.trap == SWASM_TRAP_MEMORY_OOB);
}

int main(int argc, char **argv) {
  swasm_error_t err;
  if (!swasm_rt_init(&err)) {
    fprintf(stderr, "swasm_rt_init: %s\n", err.message);
    return 1;
  }
  CHECK(swasm_rt_init(&err));
  test_types();
  test_types_threads();
  test_trap_messages();
  test_memory_api();
  test_table_api();

  swasm_host_func_t *inc = swasm_host_func_new(&a_types[T_I_I], host_inc, &henv);
  CHECK(inc != NULL);
  a_desc = module_a();
  a_loaded = swasm_load_desc(&a_desc, &err);
  CHECK(a_loaded != NULL);
  ienv = (a_imports_env_t){ inc, { .i32 = 41 }, "host_inc" };
  CHECK(!swasm_instantiate(a_loaded, resolve_a, &ienv, &err));
  CHECK(strcmp(err.message, "unknown import: \"env\" \"host_inc\"") == 0);
  ienv.missing = NULL;
  swasm_instance_t *a = instantiate_a(&err);
  CHECK(a != NULL);
  if (!a) {
    fprintf(stderr, "instantiate: %s\n", err.message);
  } else {
    test_instance(a);
    test_traps(a);
    test_host_calls(a, inc);
    test_thread(a);
    test_memory_bulk(a);
    test_table_bulk(a);
    test_init_traps(a);
    test_linking(a);
    test_crashes(a);
    swasm_instance_free(a);
  }
  test_linking_host_objects();
  test_explicit_bounds(inc);
  test_loader(argc > 1 ? argv[1] : NULL, argc > 2 ? argv[2] : NULL);
  swasm_unload(a_loaded);
  swasm_host_func_free(inc);

  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

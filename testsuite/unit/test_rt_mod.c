/* test_rt_mod.c - a fake compiled module built as a shared library, so the runtime test can check
 * swasm_load and that swasm_rt_* bind to the loading executable's symbols. */
#include "test_rt_fake.h"

#ifdef TEST_RT_SHORT_DESC
/* A descriptor of some older, shorter layout, which the loader must refuse without reading. */
__attribute__((visibility("default"))) const uint32_t swasm_module_desc[4] = { SWASM_ABI_VERSION };
#else

static int32_t mod_add(swasm_vmctx_t *ctx, int32_t x, int32_t y) {
  return x + y + ctx->globals[0]->i32;
}

static void mod_boom(swasm_vmctx_t *ctx) {
  swasm_rt_trap(SWASM_TRAP_INT_OVERFLOW);
}

static int32_t mod_grow(swasm_vmctx_t *ctx, int32_t delta) {
  return swasm_rt_memory_grow(ctx, 0, (uint32_t)delta);
}

static void mod_init(swasm_vmctx_t *ctx) {
  ctx->globals[0]->i32 = 1000;
}

static const uint8_t ty_i32x3[] = { SWASM_T_I32, SWASM_T_I32, SWASM_T_I32 };
static const swasm_desc_functype_t types[] = {
  { 0, 0, NULL }, { 1, 1, ty_i32x3 }, { 2, 1, ty_i32x3 },
};
static const uint32_t func_types[] = { 2, 0, 1 };
static void *const func_code[] = { FAKE_CODE(mod_add), FAKE_CODE(mod_boom), FAKE_CODE(mod_grow) };
static const swasm_desc_export_t exports[] = {
  { "add", SWASM_K_FUNC, 0 }, { "boom", SWASM_K_FUNC, 1 }, { "grow", SWASM_K_FUNC, 2 },
  { "g", SWASM_K_GLOBAL, 0 }, { "mem", SWASM_K_MEMORY, 0 },
};
static const swasm_desc_limits_t memories[] = { { 1, 2, 1, 0, 0, 0 } };
static const swasm_desc_global_t globals[] = { { SWASM_T_I32, 1, { 0, 0 } } };
static const swasm_trampoline_t trampolines[] = {
  fake_tramp_v_v, fake_tramp_i_i, fake_tramp_ii_i,
};
static void *const host_thunks[] = {
  FAKE_CODE(fake_thunk_v_v), FAKE_CODE(fake_thunk_i_i), FAKE_CODE(fake_thunk_ii_i),
};

__attribute__((visibility("default"))) const swasm_module_desc_t swasm_module_desc = {
  .abi_version = SWASM_ABI_VERSION,
  .cpu_features = "+frobnicate",    /* unknown features are accepted */
  .ntypes = 3, .types = types,
  .nexports = 5, .exports = exports,
  .nfuncs = 3, .func_types = func_types, .func_code = func_code,
  .nmemories = 1, .memories = memories,
  .nglobals = 1, .globals = globals,
  .start = -1,
  .trampolines = trampolines,
  .host_thunks = host_thunks,
  .init = mod_init,
};
#endif

/* test_rt_fake.h - hand-written stand-ins for what codegen emits (trampolines and host thunks per
 * type), shared by the runtime unit test and the fake compiled module it loads with dlopen. */
#ifndef SWASM_TEST_RT_FAKE_H
#define SWASM_TEST_RT_FAKE_H

#include <string.h>

#include "swasm/runtime.h"

/* Function pointers go into the descriptor's void * arrays as generated code's do. */
#define FAKE_CODE(f) ((void *)(f))

typedef void (*fake_v_v)(swasm_vmctx_t *);
typedef int32_t (*fake_i_i)(swasm_vmctx_t *, int32_t);
typedef int32_t (*fake_v_i)(swasm_vmctx_t *);
typedef int32_t (*fake_ii_i)(swasm_vmctx_t *, int32_t, int32_t);

static inline fake_v_v fake_as_v_v(void *p) { fake_v_v f; memcpy(&f, &p, sizeof f); return f; }
static inline fake_i_i fake_as_i_i(void *p) { fake_i_i f; memcpy(&f, &p, sizeof f); return f; }
static inline fake_v_i fake_as_v_i(void *p) { fake_v_i f; memcpy(&f, &p, sizeof f); return f; }
static inline fake_ii_i fake_as_ii_i(void *p) { fake_ii_i f; memcpy(&f, &p, sizeof f); return f; }

/* Trampolines: host -> wasm, one per type. */
static inline void fake_tramp_v_v(void *code, swasm_vmctx_t *ctx, swasm_val_t *a) {
  fake_as_v_v(code)(ctx);
  (void)a;
}
static inline void fake_tramp_i_i(void *code, swasm_vmctx_t *ctx, swasm_val_t *a) {
  a[0].i32 = fake_as_i_i(code)(ctx, a[0].i32);
}
static inline void fake_tramp_v_i(void *code, swasm_vmctx_t *ctx, swasm_val_t *a) {
  a[0].i32 = fake_as_v_i(code)(ctx);
}
static inline void fake_tramp_ii_i(void *code, swasm_vmctx_t *ctx, swasm_val_t *a) {
  a[0].i32 = fake_as_ii_i(code)(ctx, a[0].i32, a[1].i32);
}

/* Host thunks: wasm -> host, one per type. */
static inline void fake_thunk_v_v(swasm_vmctx_t *ctx) {
  swasm_val_t a[1];
  swasm_rt_call_host(ctx, a);
}
static inline int32_t fake_thunk_i_i(swasm_vmctx_t *ctx, int32_t x) {
  swasm_val_t a[1];
  a[0].i32 = x;
  swasm_rt_call_host(ctx, a);
  return a[0].i32;
}
static inline int32_t fake_thunk_v_i(swasm_vmctx_t *ctx) {
  swasm_val_t a[1];
  swasm_rt_call_host(ctx, a);
  return a[0].i32;
}
static inline int32_t fake_thunk_ii_i(swasm_vmctx_t *ctx, int32_t x, int32_t y) {
  swasm_val_t a[2];
  a[0].i32 = x;
  a[1].i32 = y;
  swasm_rt_call_host(ctx, a);
  return a[0].i32;
}

#endif

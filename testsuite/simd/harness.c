/* harness.c - calls every exported function of a module compiled by swasmc (linked in as an
 * object) with a fixed, seeded set of inputs and prints one line per call, so builds for
 * different CPUs and architectures can be compared line by line (difftest.sh). It stands in for
 * the runtime: a zeroed vmctx (the SIMD test module has no memory, tables or globals), and
 * swasm_rt_trap returns to the caller through longjmp. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swasm/runtime.h"

extern const swasm_module_desc_t swasm_module_desc;
static jmp_buf trap_jmp;

void swasm_rt_trap(uint32_t code) { longjmp(trap_jmp, code ? (int)code : 1); }

void swasm_rt_call_host(swasm_vmctx_t *ctx, swasm_val_t *args_results) {
  (void)ctx;
  (void)args_results;
  abort();   /* the test module imports nothing */
}

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* Floats at the edges: zeros, ones, infinities, quiet and signalling NaNs, the largest and
 * smallest, the bounds of the integer conversions and halves for the rounding operators. */
static const uint32_t f32_special[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000,
    0xffc00000, 0x7fa00000, 0x7f7fffff, 0x00000001, 0x4f000000, 0xcf000000, 0x4f800000,
    0x3fc00000, 0x40200000, 0xbfc00000, 0x4effffff, 0x7f400000, 0x3f000000};
static const uint64_t f64_special[] = {
    0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff4000000000000ull,
    0x41dfffffffc00000ull, 0x41e0000000000000ull, 0xc1e0000000200000ull,
    0x41efffffffe00000ull, 0x41f0000000000000ull, 0x3ff8000000000000ull, 0x4004000000000000ull,
    0x0000000000000001ull, 0x7fefffffffffffffull};
static const uint8_t byte_special[] = {0, 1, 0x7f, 0x80, 0xff, 0xfe, 15, 16, 31, 0x81};

#define COUNT(a) (sizeof (a) / sizeof *(a))

static void gen_v128(uint8_t *v, int kind) {
  switch (kind % 5) {
  case 0:
    for (int i = 0; i < 16; i++) v[i] = (uint8_t)rng();
    break;
  case 1:
    for (int i = 0; i < 4; i++) {
      uint32_t x = f32_special[rng() % COUNT(f32_special)];
      memcpy(v + 4 * i, &x, 4);
    }
    break;
  case 2:
    for (int i = 0; i < 2; i++) {
      uint64_t x = f64_special[rng() % COUNT(f64_special)];
      memcpy(v + 8 * i, &x, 8);
    }
    break;
  case 3:
    for (int i = 0; i < 16; i++) v[i] = byte_special[rng() % COUNT(byte_special)];
    break;
  default:
    for (int i = 0; i < 4; i++) {
      float x = (float)((int32_t)(rng() % 2000000) - 1000000) / (float)(1 + rng() % 7);
      memcpy(v + 4 * i, &x, 4);
    }
    break;
  }
}

static void gen_arg(swasm_val_t *v, uint8_t type, int round, int param) {
  switch (type) {
  case SWASM_T_V128: gen_v128(v->v128, round + param); break;
  case SWASM_T_I32: v->i32 = round < 10 ? round * 7 - 3 : (int32_t)rng(); break;
  case SWASM_T_I64: v->i64 = (int64_t)rng(); break;
  case SWASM_T_F32: {
    uint32_t x = f32_special[rng() % COUNT(f32_special)];
    memcpy(&v->f32, &x, 4);
    break;
  }
  default: {
    uint64_t x = f64_special[rng() % COUNT(f64_special)];
    memcpy(&v->f64, &x, 8);
    break;
  }
  }
}

static void print_val(const swasm_val_t *v, uint8_t type) {
  if (type == SWASM_T_V128)
    printf(" %016llx%016llx", (unsigned long long)v->u64[1], (unsigned long long)v->u64[0]);
  else if (type == SWASM_T_I32 || type == SWASM_T_F32)
    printf(" %08x", (unsigned)v->i32);
  else
    printf(" %016llx", (unsigned long long)v->u64[0]);
}

static void run_export(const swasm_module_desc_t *d, const swasm_desc_export_t *ex,
                       swasm_vmctx_t *ctx, int rounds) {
  uint32_t t = d->func_types[ex->index];
  const swasm_desc_functype_t *ft = &d->types[t];
  void *code = d->func_code[ex->index - d->nimported_funcs];
  for (int round = 0; round < rounds; round++) {
    swasm_val_t v[4];
    memset(v, 0, sizeof v);
    for (uint32_t p = 0; p < ft->nparams && p < 4; p++) gen_arg(&v[p], ft->types[p], round, (int)p);
    printf("%s#%d:", ex->name, round);
    for (uint32_t p = 0; p < ft->nparams && p < 4; p++) print_val(&v[p], ft->types[p]);
    int trap = setjmp(trap_jmp);
    if (trap) {
      printf(" -> trap %d\n", trap);
      continue;
    }
    d->trampolines[t](code, ctx, v);
    printf(" ->");
    for (uint32_t r = 0; r < ft->nresults && r < 4; r++) print_val(&v[r], ft->types[ft->nparams + r]);
    printf("\n");
  }
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 40;
  const swasm_module_desc_t *d = &swasm_module_desc;
  swasm_vmctx_t ctx;
  memset(&ctx, 0, sizeof ctx);
  for (uint32_t e = 0; e < d->nexports; e++)
    if (d->exports[e].kind == SWASM_K_FUNC) run_export(d, &d->exports[e], &ctx, rounds);
  return 0;
}

/* simd.c - every class of SIMD128 instruction on edge-case and random lanes, and a few
 * vector kernels over memory, printed lane by lane: the NEON code swasm generates for AArch64
 * must print what the SSE code for x86-64 prints. NaN lanes print as "nan": their sign and
 * payload are what wasm leaves to the hardware. */
// CFLAGS: -O2 -msimd128
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasm_simd128.h>

typedef enum { INT, F32, F64 } kind_t;

typedef struct op {
  const char *name;
  v128_t (*fn)(v128_t, v128_t);
  kind_t kind;
} op_t;

#define OP(name, kind, expr) \
  static v128_t name(v128_t a, v128_t b) { (void)a, (void)b; return expr; }
#define ENTRY(name, kind, expr) {#name, name, kind},

/* The operations: binary, unary (b unused), shifts by b's low lane, shuffles and swizzles. */
#define OPS(X) \
  X(i8_add_sat_s, INT, wasm_i8x16_add_sat(a, b)) \
  X(u8_sub_sat, INT, wasm_u8x16_sub_sat(a, b)) \
  X(u8_avgr, INT, wasm_u8x16_avgr(a, b)) \
  X(i8_min_s, INT, wasm_i8x16_min(a, b)) \
  X(u8_max, INT, wasm_u8x16_max(a, b)) \
  X(i8_popcnt, INT, wasm_i8x16_popcnt(a)) \
  X(i8_abs, INT, wasm_i8x16_abs(a)) \
  X(i8_narrow_s, INT, wasm_i8x16_narrow_i16x8(a, b)) \
  X(u8_narrow, INT, wasm_u8x16_narrow_i16x8(a, b)) \
  X(i8_shl, INT, wasm_i8x16_shl(a, wasm_i32x4_extract_lane(b, 0))) \
  X(i8_shr_s, INT, wasm_i8x16_shr(a, wasm_i32x4_extract_lane(b, 0))) \
  X(u8_shr, INT, wasm_u8x16_shr(a, wasm_i32x4_extract_lane(b, 0))) \
  X(i8_swizzle, INT, wasm_i8x16_swizzle(a, b)) \
  X(i8_shuffle, INT, wasm_i8x16_shuffle(a, b, 0, 17, 2, 19, 31, 30, 7, 7, 16, 1, 9, 25, 3, 12, 28, 5)) \
  X(i8_eq, INT, wasm_i8x16_eq(a, b)) \
  X(u8_lt, INT, wasm_u8x16_lt(a, b)) \
  X(i16_mul, INT, wasm_i16x8_mul(a, b)) \
  X(i16_q15mulr, INT, wasm_i16x8_q15mulr_sat(a, b)) \
  X(i16_extmul_lo_s, INT, wasm_i16x8_extmul_low_i8x16(a, b)) \
  X(u16_extmul_hi, INT, wasm_u16x8_extmul_high_u8x16(a, b)) \
  X(i16_extadd_s, INT, wasm_i16x8_extadd_pairwise_i8x16(a)) \
  X(u16_extadd, INT, wasm_u16x8_extadd_pairwise_u8x16(a)) \
  X(i16_narrow_s, INT, wasm_i16x8_narrow_i32x4(a, b)) \
  X(u16_narrow, INT, wasm_u16x8_narrow_i32x4(a, b)) \
  X(i16_shr_s, INT, wasm_i16x8_shr(a, wasm_i32x4_extract_lane(b, 1))) \
  X(i16_gt_s, INT, wasm_i16x8_gt(a, b)) \
  X(u16_ge, INT, wasm_u16x8_ge(a, b)) \
  X(i32_dot, INT, wasm_i32x4_dot_i16x8(a, b)) \
  X(i32_mul, INT, wasm_i32x4_mul(a, b)) \
  X(i32_min_u, INT, wasm_u32x4_min(a, b)) \
  X(i32_extadd_u, INT, wasm_u32x4_extadd_pairwise_u16x8(a)) \
  X(i32_extend_hi_s, INT, wasm_i32x4_extend_high_i16x8(a)) \
  X(i32_shl, INT, wasm_i32x4_shl(a, wasm_i32x4_extract_lane(b, 2))) \
  X(i32_abs, INT, wasm_i32x4_abs(a)) \
  X(i64_mul, INT, wasm_i64x2_mul(a, b)) \
  X(i64_extmul_lo_u, INT, wasm_u64x2_extmul_low_u32x4(a, b)) \
  X(i64_gt_s, INT, wasm_i64x2_gt(a, b)) \
  X(i64_shr_s, INT, wasm_i64x2_shr(a, wasm_i32x4_extract_lane(b, 3))) \
  X(i64_abs, INT, wasm_i64x2_abs(a)) \
  X(bitselect, INT, wasm_v128_bitselect(a, b, wasm_i8x16_shuffle(a, b, 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3))) \
  X(andnot, INT, wasm_v128_andnot(a, b)) \
  X(bitmasks, INT, wasm_i32x4_make(wasm_i8x16_bitmask(a), wasm_i16x8_bitmask(b), \
                                   wasm_i32x4_bitmask(a) | wasm_i64x2_bitmask(b) << 4, \
                                   wasm_v128_any_true(a) | wasm_i8x16_all_true(b) << 1 | \
                                   wasm_i16x8_all_true(a) << 2 | wasm_i32x4_all_true(b) << 3 | \
                                   wasm_i64x2_all_true(a) << 4)) \
  X(f32_add, F32, wasm_f32x4_add(a, b)) \
  X(f32_mul, F32, wasm_f32x4_mul(a, b)) \
  X(f32_div, F32, wasm_f32x4_div(a, b)) \
  X(f32_min, F32, wasm_f32x4_min(a, b)) \
  X(f32_max, F32, wasm_f32x4_max(a, b)) \
  X(f32_pmin, F32, wasm_f32x4_pmin(a, b)) \
  X(f32_pmax, F32, wasm_f32x4_pmax(a, b)) \
  X(f32_sqrt, F32, wasm_f32x4_sqrt(a)) \
  X(f32_nearest, F32, wasm_f32x4_nearest(a)) \
  X(f32_ceil, F32, wasm_f32x4_ceil(a)) \
  X(f32_trunc, F32, wasm_f32x4_trunc(a)) \
  X(f32_neg_abs, F32, wasm_f32x4_sub(wasm_f32x4_neg(a), wasm_f32x4_abs(b))) \
  X(f32_lt, INT, wasm_f32x4_lt(a, b)) \
  X(f32_ne, INT, wasm_f32x4_ne(a, b)) \
  X(f32_from_i32, F32, wasm_f32x4_convert_i32x4(a)) \
  X(f32_from_u32, F32, wasm_f32x4_convert_u32x4(a)) \
  X(f32_demote, F32, wasm_f32x4_demote_f64x2_zero(a)) \
  X(i32_trunc_sat_s, INT, wasm_i32x4_trunc_sat_f32x4(a)) \
  X(u32_trunc_sat, INT, wasm_u32x4_trunc_sat_f32x4(a)) \
  X(i32_trunc_sat_f64_s, INT, wasm_i32x4_trunc_sat_f64x2_zero(a)) \
  X(u32_trunc_sat_f64, INT, wasm_u32x4_trunc_sat_f64x2_zero(a)) \
  X(f64_add, F64, wasm_f64x2_add(a, b)) \
  X(f64_div, F64, wasm_f64x2_div(a, b)) \
  X(f64_min, F64, wasm_f64x2_min(a, b)) \
  X(f64_max, F64, wasm_f64x2_max(a, b)) \
  X(f64_pmin, F64, wasm_f64x2_pmin(a, b)) \
  X(f64_pmax, F64, wasm_f64x2_pmax(a, b)) \
  X(f64_sqrt, F64, wasm_f64x2_sqrt(a)) \
  X(f64_nearest, F64, wasm_f64x2_nearest(a)) \
  X(f64_floor, F64, wasm_f64x2_floor(a)) \
  X(f64_ge, INT, wasm_f64x2_ge(a, b)) \
  X(f64_promote, F64, wasm_f64x2_promote_low_f32x4(a)) \
  X(f64_from_i32, F64, wasm_f64x2_convert_low_i32x4(a)) \
  X(f64_from_u32, F64, wasm_f64x2_convert_low_u32x4(a))

OPS(OP)
static const op_t ops[] = {OPS(ENTRY)};

static v128_t inputs[12];
#define NINPUTS (sizeof inputs / sizeof inputs[0])
static unsigned long long digest = 1469598103934665603ULL;

static void put(const char *s) {
  for (const char *p = s; *p; p++) digest = (digest ^ (unsigned char)*p) * 1099511628211ULL;
  fputs(s, stdout);
}

/* The lanes of v as the kind says, NaNs as "nan". */
static void print_vec(v128_t v, kind_t kind) {
  char buf[200];
  size_t pos = 0;
  uint8_t b[16];
  wasm_v128_store(b, v);
  if (kind == F32) {
    for (int i = 0; i < 4; i++) {
      float f;
      uint32_t u;
      memcpy(&f, b + 4 * i, 4);
      memcpy(&u, &f, 4);
      pos += (size_t)(isnan(f) ? snprintf(buf + pos, sizeof buf - pos, " nan")
                               : snprintf(buf + pos, sizeof buf - pos, " %08x", u));
    }
  } else if (kind == F64) {
    for (int i = 0; i < 2; i++) {
      double d;
      uint64_t u;
      memcpy(&d, b + 8 * i, 8);
      memcpy(&u, &d, 8);
      pos += (size_t)(isnan(d) ? snprintf(buf + pos, sizeof buf - pos, " nan")
                               : snprintf(buf + pos, sizeof buf - pos, " %016llx",
                                          (unsigned long long)u));
    }
  } else {
    for (int i = 15; i >= 0; i--)
      pos += (size_t)snprintf(buf + pos, sizeof buf - pos, "%s%02x", i % 4 == 3 ? " " : "", b[i]);
  }
  snprintf(buf + pos, sizeof buf - pos, "\n");
  put(buf);
}

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint64_t next(void) {
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return rng * 0x2545f4914f6cdd1dULL;
}

static void make_inputs(void) {
  inputs[0] = wasm_i8x16_make(0, 1, -1, 127, -128, 64, -64, 2, 3, -3, 100, -100, 15, 16, 31, 32);
  inputs[1] = wasm_i16x8_make(0, 1, -1, 32767, -32768, 16384, -16384, 255);
  inputs[2] = wasm_i32x4_make(0, -1, INT32_MAX, INT32_MIN);
  inputs[3] = wasm_i64x2_make(INT64_MIN, 0x00000001ffffffffLL);
  inputs[4] = wasm_f32x4_make(-0.0f, 2.5f, -3.5f, 1e30f);
  inputs[5] = wasm_f32x4_make(NAN, INFINITY, -INFINITY, 3e9f);
  inputs[6] = wasm_f32x4_make(-2147483904.0f, 4294967040.0f, 0.49999997f, -1.5f);
  inputs[7] = wasm_f64x2_make(-0.0, 4294967295.9);
  inputs[8] = wasm_f64x2_make(NAN, -2147483648.5);
  inputs[9] = wasm_f64x2_make(1e300, 2.5);
  for (size_t i = 10; i < NINPUTS; i++) inputs[i] = wasm_u64x2_make(next(), next());
}

/* Kernels over memory: extending loads, lane loads and stores, unaligned accesses. */
static void kernels(void) {
  static uint8_t buf[4096 + 64];
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)next();
  v128_t acc16 = wasm_i16x8_splat(0), acc32 = wasm_i32x4_splat(0), accf = wasm_f32x4_splat(0);
  for (size_t i = 1; i + 16 < 4096; i += 13) {
    acc16 = wasm_i16x8_add(acc16, wasm_u16x8_load8x8(buf + i));
    acc32 = wasm_i32x4_add(acc32, wasm_i32x4_load16x4(buf + i + 1));
    v128_t x = wasm_v128_load(buf + i);
    acc32 = wasm_i32x4_add(acc32, wasm_i32x4_dot_i16x8(x, wasm_v128_load64_splat(buf + i + 3)));
    v128_t f = wasm_f32x4_convert_i32x4(wasm_i32x4_shr(x, 8));
    accf = wasm_f32x4_add(wasm_f32x4_mul(accf, wasm_f32x4_splat(0.5f)), f);
    x = wasm_v128_load32_lane(buf + i + 7, x, 2);
    wasm_v128_store16_lane(buf + 4096 - i, x, 5);
    wasm_v128_store(buf + (i * 7) % 4000, wasm_i8x16_popcnt(x));
  }
  put("kernels:\n");
  print_vec(acc16, INT);
  print_vec(acc32, INT);
  print_vec(accf, F32);
  print_vec(wasm_v128_load32_zero(buf + 33), INT);
  print_vec(wasm_v128_load(buf + 4000), INT);
}

int main(void) {
  make_inputs();
  for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
    for (size_t i = 0; i < NINPUTS; i++) {
      printf("%s %zu:", ops[k].name, i);
      print_vec(ops[k].fn(inputs[i], inputs[(i * 5 + 7) % NINPUTS]), ops[k].kind);
    }
  }
  kernels();
  printf("digest %016llx\n", digest);
  return 0;
}

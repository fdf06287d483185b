/* scalar.c - integer and float results where x86-64 and AArch64 hardware disagree and wasm
 * does not: division and remainder signs, shifts and rotates, bit counts, 64-bit products,
 * conversions between every integer and float type at their edges, rounding, min/max with
 * signed zeros, and the printf formatting of it all. NaNs are printed as "nan" with their sign
 * dropped: an arithmetic NaN's sign and payload are the one thing wasm leaves to the hardware. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* volatile: every operation happens at run time, in the compiled code, not in clang. */
static volatile int32_t i32s[] = {0, 1, -1, 7, -7, 2, INT32_MAX, INT32_MIN, 0x12345678, -100};
static volatile int64_t i64s[] = {0, 1, -1, 7, -7, INT64_MAX, INT64_MIN, 0x123456789abcdefLL,
                                  -1000000007LL, 1LL << 40};
static volatile double f64s[] = {0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e10, -1e10, 3e9,
                                 4294967295.5, 9.2233720368547758e18, 1.8446744073709552e19,
                                 1e300, 5e-324, -INFINITY, INFINITY, 0.1, 2.0 / 3.0, 123456.789};

static unsigned long long mix = 1469598103934665603ULL;

static void out(const char *fmt, unsigned long long v) {
  mix = (mix ^ v) * 1099511628211ULL;
  printf(fmt, v);
}

static void f64_line(const char *what, double d) {
  if (isnan(d)) printf("%s nan\n", what);
  else printf("%s %.17g %a\n", what, d, d);
  uint64_t b;
  memcpy(&b, &d, sizeof b);
  mix = (mix ^ (isnan(d) ? 1 : b)) * 1099511628211ULL;
}

static void f32_line(const char *what, float f) { f64_line(what, (double)f); }

static void integers(void) {
  size_t n = sizeof i32s / sizeof i32s[0];
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < n; j++) {
      int32_t a = i32s[i], b = i32s[j];
      if (b != 0 && !(a == INT32_MIN && b == -1)) {
        out("i32 %llx", (uint32_t)(a / b));
        out(" %llx", (uint32_t)(a % b));
      }
      if (b != 0) {
        out(" u %llx", (uint32_t)a / (uint32_t)b);
        out(" %llx", (uint32_t)a % (uint32_t)b);
      }
      out(" shl %llx", (uint32_t)a << (b & 31));
      out(" shr %llx", (uint32_t)(a >> (b & 31)));
      out(" rot %llx", __builtin_rotateleft32((uint32_t)a, (uint32_t)b & 31));
      out(" mul %llx\n", (uint32_t)a * (uint32_t)b);
    }
    out("bits %llx", (unsigned long long)(i32s[i] ? __builtin_clz((uint32_t)i32s[i]) : 32));
    out(" %llx", (unsigned long long)(i32s[i] ? __builtin_ctz((uint32_t)i32s[i]) : 32));
    out(" %llx\n", (unsigned long long)__builtin_popcount((uint32_t)i32s[i]));
  }
  size_t m = sizeof i64s / sizeof i64s[0];
  for (size_t i = 0; i < m; i++) {
    for (size_t j = 0; j < m; j++) {
      int64_t a = i64s[i], b = i64s[j];
      if (b != 0 && !(a == INT64_MIN && b == -1)) {
        out("i64 %llx", (uint64_t)(a / b));
        out(" %llx", (uint64_t)(a % b));
      }
      if (b != 0) out(" u %llx", (uint64_t)a / (uint64_t)b);
      out(" sar %llx", (uint64_t)(a >> (b & 63)));
      out(" mulhi %llx", (uint64_t)(((unsigned __int128)(uint64_t)a * (uint64_t)b) >> 64));
      out(" rot %llx\n", __builtin_rotateright64((uint64_t)a, (uint64_t)b & 63));
    }
    out("clz64 %llx\n", (unsigned long long)(i64s[i] ? __builtin_clzll((uint64_t)i64s[i]) : 64));
  }
}

/* Float to integer the way C requires it defined: only in range (wasm's trapping forms and
 * clang's own range checks), and to and from every integer width. */
static void conversions(void) {
  size_t n = sizeof f64s / sizeof f64s[0];
  char what[64];
  for (size_t i = 0; i < n; i++) {
    double d = f64s[i];
    snprintf(what, sizeof what, "[%zu] f32", i);
    f32_line(what, (float)d);
    if (d > -2147483649.0 && d < 2147483648.0) out("  i32 %llx\n", (uint32_t)(int32_t)d);
    if (d > -1.0 && d < 4294967296.0) out("  u32 %llx\n", (uint32_t)d);
    if (d >= -9.2233720368547758e18 && d < 9.2233720368547758e18) out("  i64 %llx\n", (uint64_t)(int64_t)d);
    if (d > -1.0 && d < 1.8446744073709552e19) out("  u64 %llx\n", (uint64_t)d);
    float f = (float)d;
    if (f > -1.0f && f < 1.8446744073709552e19f) out("  f32->u64 %llx\n", (uint64_t)f);
  }
  for (size_t i = 0; i < sizeof i64s / sizeof i64s[0]; i++) {
    int64_t v = i64s[i];
    snprintf(what, sizeof what, "i64 %zu ->", i);
    f64_line(what, (double)v);
    f64_line(what, (double)(uint64_t)v);
    f32_line(what, (float)v);
    f32_line(what, (float)(uint64_t)v);
    f32_line(what, (float)(uint32_t)v);
  }
}

static void arithmetic(void) {
  size_t n = sizeof f64s / sizeof f64s[0];
  char what[64];
  for (size_t i = 0; i < n; i++) {
    double a = f64s[i], b = f64s[(i * 7 + 3) % n];
    float fa = (float)a, fb = (float)b;
    snprintf(what, sizeof what, "[%zu] op", i);
    f64_line(what, a + b);
    f64_line(what, a * b);
    f64_line(what, a / b);
    f64_line(what, sqrt(a));
    f64_line(what, floor(a));
    f64_line(what, ceil(a));
    f64_line(what, trunc(a));
    f64_line(what, nearbyint(a));
    f64_line(what, fmin(a, b));
    f64_line(what, fmax(a, b));
    f64_line(what, copysign(a, b));
    f64_line(what, fabs(a));
    f32_line(what, fa - fb);
    f32_line(what, fa / fb);
    f32_line(what, sqrtf(fa));
    f32_line(what, nearbyintf(fa));
    f32_line(what, fminf(fa, fb));
    f32_line(what, __builtin_wasm_min_f32(fa, fb));
    f32_line(what, __builtin_wasm_max_f32(fa, fb));
    f64_line(what, __builtin_wasm_min_f64(a, b));
    f64_line(what, __builtin_wasm_max_f64(a, b));
    f64_line(what, fma(a, b, 1.0));
    f64_line(what, sin(a) + exp(fmod(a, 10.0)) + log1p(fabs(a)) + pow(fabs(a), 0.3));
  }
  f64_line("min(-0, 0)", __builtin_wasm_min_f64(f64s[1], f64s[0]));
  f64_line("max(-0, 0)", __builtin_wasm_max_f64(f64s[1], f64s[0]));
  f64_line("0/0", f64s[0] / f64s[0]);
}

int main(void) {
  integers();
  conversions();
  arithmetic();
  printf("digest %016llx\n", mix);
  return 0;
}

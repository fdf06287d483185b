/* matmul_simd.c - single-precision matrix multiplication written with wasm_simd128.h: a plain
 * i-k-j triple loop over rows of f32x4 (matmul.c is the scalar version). Natively the few
 * wasm_* intrinsics used are defined on clang's generic vectors, so both builds run the same
 * loop with the same rounding (a multiply, then an add: nothing fused).
 *
 * As a benchmark ('swasm bench'), MATMUL_MAIN adds main(): SIZE repetitions of a 256 x 256
 * multiply, then the checksum line. As a bare kernel, for reading the code swasm generates
 * (docs/simd.md):
 *   clang-19 --target=wasm32-wasi -O2 -msimd128 -nostdlib -Wl,--no-entry -Wl,--export-all \
 *       -o matmul_simd.wasm testsuite/bench/matmul_simd.c
 *   swasmc --emit=asm matmul_simd.wasm -o -
 *   swasm run matmul_simd.wasm --invoke bench 500
 */
// bench-quick: 2
// bench-wasm-flags: -msimd128 -DMATMUL_MAIN
// bench-native-flags: -DMATMUL_MAIN
#include <stdint.h>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#else
typedef float v128_t __attribute__((vector_size(16), aligned(16)));
typedef float v128_u __attribute__((vector_size(16), aligned(1)));
static inline v128_t wasm_v128_load(const void *p) { return *(const v128_u *)p; }
static inline void wasm_v128_store(void *p, v128_t v) { *(v128_u *)p = v; }
static inline v128_t wasm_f32x4_splat(float x) { return (v128_t){x, x, x, x}; }
static inline v128_t wasm_f32x4_add(v128_t a, v128_t b) { return a + b; }
static inline v128_t wasm_f32x4_mul(v128_t a, v128_t b) { return a * b; }
#endif

#define N 256

static float A[N * N], B[N * N], C[N * N];

/* C = A * B, row by row: C[i][j..j+3] += A[i][k] * B[k][j..j+3]. Row k = 0 stores instead of
 * adding to a zeroed row (clang would turn the zeroing into a call to memset). */
void matmul(void) {
  for (int i = 0; i < N; i++) {
    v128_t a0 = wasm_f32x4_splat(A[i * N]);
    for (int j = 0; j < N; j += 4)
      wasm_v128_store(&C[i * N + j], wasm_f32x4_mul(a0, wasm_v128_load(&B[j])));
    for (int k = 1; k < N; k++) {
      v128_t a = wasm_f32x4_splat(A[i * N + k]);
      for (int j = 0; j < N; j += 4) {
        v128_t c = wasm_v128_load(&C[i * N + j]);
        v128_t b = wasm_v128_load(&B[k * N + j]);
        wasm_v128_store(&C[i * N + j], wasm_f32x4_add(c, wasm_f32x4_mul(a, b)));
      }
    }
  }
}

/* Small integers over 64: every product and sum is exact, whatever the order. */
static void init(void) {
  uint32_t s = 12345;
  for (int i = 0; i < N * N; i++) {
    s = s * 1103515245u + 12345u;
    A[i] = (float)((s >> 16) & 0xff) / 64.0f;
    s = s * 1103515245u + 12345u;
    B[i] = (float)((s >> 16) & 0xff) / 64.0f;
  }
}

/* Runs the multiply reps times and returns a checksum of the result. */
int32_t bench(int32_t reps) {
  init();
  for (int32_t r = 0; r < reps; r++) matmul();
  float sum = 0.0f;
  for (int i = 0; i < N * N; i += 97) sum += C[i];
  return (int32_t)sum;
}

#ifdef MATMUL_MAIN
#include "bench.h"

int main(int argc, char **argv) {
  uint32_t reps = bench_size(argc, argv, 500);
  int32_t sum = bench((int32_t)reps);
  printf("c[0] %.6f, sum %d\n", (double)C[0], (int)sum);
  return bench_done(bench_mix_bytes((uint64_t)(uint32_t)sum, C, sizeof C));
}
#endif

/* matmul.c - scalar matrix multiplication: single-precision C = A * B in the cache-friendly
 * i-k-j order with blocking, repeated; no SIMD intrinsics (compare matmul_simd.c). */
// bench-quick: 64
#include "bench.h"

#define BLK 64

static void matmul(const float *a, const float *b, float *c, uint32_t n) {
  memset(c, 0, sizeof(float) * n * n);
  for (uint32_t kk = 0; kk < n; kk += BLK)
    for (uint32_t i = 0; i < n; i++)
      for (uint32_t k = kk; k < kk + BLK && k < n; k++) {
        float aik = a[i * n + k];
        const float *brow = b + (size_t)k * n;
        float *crow = c + (size_t)i * n;
        for (uint32_t j = 0; j < n; j++) crow[j] += aik * brow[j];
      }
}

int main(int argc, char **argv) {
  uint32_t n = bench_size(argc, argv, 1024);
  float *a = bench_alloc(sizeof(float) * n * n);
  float *b = bench_alloc(sizeof(float) * n * n);
  float *c = bench_alloc(sizeof(float) * n * n);
  bench_rng_t r = bench_rng(3);
  for (uint32_t i = 0; i < n * n; i++) a[i] = bench_unit(&r);
  for (uint32_t i = 0; i < n * n; i++) b[i] = bench_unit(&r);
  uint64_t h = 0;
  for (int rep = 0; rep < 3; rep++) {
    matmul(a, b, c, n);
    h = bench_mix_bytes(h, c, sizeof(float) * n * n);
    /* Feed the result back so no repetition can be skipped. */
    for (uint32_t i = 0; i < n * n; i++) a[i] = c[i] * (1.0f / 16.0f);
  }
  printf("c[0] %.6f, c[n*n-1] %.6f\n", (double)c[0], (double)c[n * n - 1]);
  free(a); free(b); free(c);
  return bench_done(h);
}

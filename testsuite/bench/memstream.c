/* memstream.c - memory-bound loops: STREAM-style copy/scale/add/triad over arrays far larger
 * than the caches, then a dependent random walk (pointer chasing) through a permutation. */
// bench-quick: 1
#include "bench.h"

int main(int argc, char **argv) {
  uint32_t mb = bench_size(argc, argv, 24);   /* megabytes per array */
  size_t n = (size_t)mb * (1u << 20) / sizeof(double);
  double *a = bench_alloc(n * sizeof(double));
  double *b = bench_alloc(n * sizeof(double));
  double *c = bench_alloc(n * sizeof(double));
  for (size_t i = 0; i < n; i++) {
    a[i] = 1.0;
    b[i] = 2.0 + (double)(i & 1023);
    c[i] = 0.5;
  }
  const double s = 3.0;
  for (int rep = 0; rep < 6; rep++) {
    for (size_t i = 0; i < n; i++) c[i] = a[i];
    for (size_t i = 0; i < n; i++) b[i] = s * c[i];
    for (size_t i = 0; i < n; i++) c[i] = a[i] + b[i];
    for (size_t i = 0; i < n; i++) a[i] = b[i] + s * c[i];
    for (size_t i = 0; i < n; i += 4096) a[i] *= 0.25;   /* keep the values bounded */
  }
  uint64_t h = 0;
  double sum = 0;
  for (size_t i = 0; i < n; i++) sum += a[i] + b[i] * 0.5 + c[i] * 0.25;
  h = bench_mix(h, bench_f64_bits(sum));

  /* A single cycle through all slots (Sattolo's shuffle), so every load depends on the last. */
  uint32_t m = (uint32_t)(n * sizeof(double) / sizeof(uint32_t));
  uint32_t *next = (uint32_t *)a;
  for (uint32_t i = 0; i < m; i++) next[i] = i;
  bench_rng_t r = bench_rng(7);
  for (uint32_t i = m - 1; i > 0; i--) {
    uint32_t j = bench_below(&r, i);
    uint32_t t = next[i]; next[i] = next[j]; next[j] = t;
  }
  uint32_t p = 0;
  uint64_t walk = 0;
  for (uint32_t i = 0; i < m / 2; i++) {
    p = next[p];
    walk += p;
  }
  h = bench_mix(h, walk);
  printf("sum %.6e, walk %llu\n", sum, (unsigned long long)walk);
  free(a); free(b); free(c);
  return bench_done(h);
}

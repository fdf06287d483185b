/* bench.h - what every benchmark program shares: the size argument, a deterministic PRNG, a
 * checksum accumulator and the closing "checksum: <hex>" line the harness compares. */
#ifndef SWASM_BENCH_H
#define SWASM_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The workload size: argv[1] when given (the harness's quick round passes a tiny one), else
 * the default that runs for roughly half a second natively. */
static inline uint32_t bench_size(int argc, char **argv, uint32_t dflt) {
  if (argc < 2) return dflt;
  char *end;
  unsigned long v = strtoul(argv[1], &end, 10);
  if (*end != '\0' || v == 0 || v > 0xffffffffUL) {
    fprintf(stderr, "usage: %s [SIZE]  (a positive integer)\n", argv[0]);
    exit(2);
  }
  return (uint32_t)v;
}

/* xorshift64*: the same sequence on every host and word size. */
typedef struct bench_rng { uint64_t s; } bench_rng_t;

static inline bench_rng_t bench_rng(uint64_t seed) {
  bench_rng_t r = {seed ? seed : 0x9e3779b97f4a7c15ULL};
  return r;
}

static inline uint64_t bench_next(bench_rng_t *r) {
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return r->s * 0x2545f4914f6cdd1dULL;
}

static inline uint32_t bench_below(bench_rng_t *r, uint32_t n) {
  return (uint32_t)((bench_next(r) >> 32) % n);
}

/* A float in [-1, 1) with 24 random bits, exact on every host. */
static inline float bench_unit(bench_rng_t *r) {
  return (float)((int32_t)(bench_next(r) >> 40) - (1 << 23)) / (float)(1 << 23);
}

/* Order-sensitive mixing of 64-bit values into one checksum. */
static inline uint64_t bench_mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h *= 0xff51afd7ed558ccdULL;
  return h ^ (h >> 33);
}

static inline uint64_t bench_mix_bytes(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  uint64_t acc = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; i++) acc = (acc ^ b[i]) * 0x100000001b3ULL;
  return bench_mix(h, acc);
}

static inline uint64_t bench_f64_bits(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u;
}

static inline uint32_t bench_f32_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static inline void *bench_alloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    fprintf(stderr, "out of memory (%zu bytes)\n", n);
    exit(3);
  }
  return p;
}

static inline int bench_done(uint64_t checksum) {
  printf("checksum: %016llx\n", (unsigned long long)checksum);
  return 0;
}

#endif

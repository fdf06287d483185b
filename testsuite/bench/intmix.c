/* intmix.c - integer compute: Miller-Rabin primality with 64-bit modular arithmetic, Collatz
 * trajectories and binary GCDs over a range of 32-bit numbers. */
// bench-quick: 20000
#include "bench.h"

static uint32_t mulmod(uint32_t a, uint32_t b, uint32_t m) {
  return (uint32_t)((uint64_t)a * b % m);
}

static uint32_t powmod(uint32_t b, uint32_t e, uint32_t m) {
  uint32_t r = 1;
  b %= m;
  while (e) {
    if (e & 1) r = mulmod(r, b, m);
    b = mulmod(b, b, m);
    e >>= 1;
  }
  return r;
}

/* Deterministic for every n < 2^32 with witnesses 2, 7 and 61. */
static int is_prime(uint32_t n) {
  if (n < 2) return 0;
  static const uint32_t small[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
  for (unsigned i = 0; i < sizeof small / sizeof small[0]; i++) {
    if (n == small[i]) return 1;
    if (n % small[i] == 0) return 0;
  }
  uint32_t d = n - 1;
  int s = 0;
  while ((d & 1) == 0) { d >>= 1; s++; }
  static const uint32_t wit[] = {2, 7, 61};
  for (unsigned i = 0; i < 3; i++) {
    uint32_t x = powmod(wit[i], d, n);
    if (x == 1 || x == n - 1) continue;
    int composite = 1;
    for (int r = 1; r < s && composite; r++) {
      x = mulmod(x, x, n);
      if (x == n - 1) composite = 0;
    }
    if (composite) return 0;
  }
  return 1;
}

static uint32_t collatz(uint64_t n) {
  uint32_t steps = 0;
  while (n != 1) {
    n = (n & 1) ? 3 * n + 1 : n >> 1;
    steps++;
  }
  return steps;
}

static uint32_t gcd(uint32_t a, uint32_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  int shift = __builtin_ctz(a | b);
  a >>= __builtin_ctz(a);
  do {
    b >>= __builtin_ctz(b);
    if (a > b) { uint32_t t = a; a = b; b = t; }
    b -= a;
  } while (b);
  return a << shift;
}

int main(int argc, char **argv) {
  uint32_t n = bench_size(argc, argv, 2400000);
  uint64_t h = 0;
  uint32_t primes = 0, maxsteps = 0;
  uint64_t gsum = 0;
  uint32_t base = 3000000000u;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t v = base + 2 * i + 1;
    if (is_prime(v)) { primes++; h = bench_mix(h, v); }
    uint32_t st = collatz(i + 1);
    if (st > maxsteps) maxsteps = st;
    gsum += gcd(v, i * 2654435761u + 1);
  }
  h = bench_mix(h, primes);
  h = bench_mix(h, maxsteps);
  h = bench_mix(h, gsum);
  printf("primes %u, longest collatz %u, gcd sum %llu\n", primes, maxsteps,
         (unsigned long long)gsum);
  return bench_done(h);
}

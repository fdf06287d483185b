/* nbody.c - floating-point compute: a gravitational N-body simulation in double precision
 * (leapfrog steps, pairwise forces with sqrt), checksummed on the final energy and positions. */
// bench-quick: 2000
#include "bench.h"

#define NB 32

typedef struct body { double x, y, z, vx, vy, vz, m; } body_t;

static void init(body_t *b) {
  bench_rng_t r = bench_rng(42);
  for (int i = 0; i < NB; i++) {
    b[i].x = bench_unit(&r) * 10.0;
    b[i].y = bench_unit(&r) * 10.0;
    b[i].z = bench_unit(&r) * 10.0;
    b[i].vx = bench_unit(&r) * 0.1;
    b[i].vy = bench_unit(&r) * 0.1;
    b[i].vz = bench_unit(&r) * 0.1;
    b[i].m = 0.5 + (bench_unit(&r) + 1.0);
  }
}

static void step(body_t *b, double dt) {
  for (int i = 0; i < NB; i++) {
    double ax = 0, ay = 0, az = 0;
    for (int j = 0; j < NB; j++) {
      if (j == i) continue;
      double dx = b[j].x - b[i].x, dy = b[j].y - b[i].y, dz = b[j].z - b[i].z;
      double d2 = dx * dx + dy * dy + dz * dz + 0.01;
      double inv = 1.0 / (d2 * __builtin_sqrt(d2));
      ax += dx * b[j].m * inv;
      ay += dy * b[j].m * inv;
      az += dz * b[j].m * inv;
    }
    b[i].vx += ax * dt;
    b[i].vy += ay * dt;
    b[i].vz += az * dt;
  }
  for (int i = 0; i < NB; i++) {
    b[i].x += b[i].vx * dt;
    b[i].y += b[i].vy * dt;
    b[i].z += b[i].vz * dt;
  }
}

static double energy(const body_t *b) {
  double e = 0;
  for (int i = 0; i < NB; i++) {
    e += 0.5 * b[i].m * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
    for (int j = i + 1; j < NB; j++) {
      double dx = b[j].x - b[i].x, dy = b[j].y - b[i].y, dz = b[j].z - b[i].z;
      e -= b[i].m * b[j].m / __builtin_sqrt(dx * dx + dy * dy + dz * dz + 0.01);
    }
  }
  return e;
}

int main(int argc, char **argv) {
  uint32_t steps = bench_size(argc, argv, 160000);
  body_t *b = bench_alloc(sizeof(body_t) * NB);
  init(b);
  double e0 = energy(b);
  for (uint32_t s = 0; s < steps; s++) step(b, 0.0005);
  double e1 = energy(b);
  uint64_t h = bench_mix(bench_f64_bits(e0), bench_f64_bits(e1));
  for (int i = 0; i < NB; i++) {
    h = bench_mix(h, bench_f64_bits(b[i].x));
    h = bench_mix(h, bench_f64_bits(b[i].vy));
  }
  printf("energy %.9f -> %.9f\n", e0, e1);
  free(b);
  return bench_done(h);
}

/* mandel.c - floating-point compute with data-dependent loop exits: a Mandelbrot set rendered
 * in double precision, iteration counts folded into the checksum row by row. */
// bench-quick: 100
#include "bench.h"

int main(int argc, char **argv) {
  uint32_t size = bench_size(argc, argv, 2000);
  const int maxit = 256;
  uint64_t h = 0, total = 0;
  uint32_t *row = bench_alloc(sizeof(uint32_t) * size);
  for (uint32_t py = 0; py < size; py++) {
    double ci = -1.25 + 2.5 * py / size;
    for (uint32_t px = 0; px < size; px++) {
      double cr = -2.1 + 2.8 * px / size;
      double zr = 0, zi = 0, zr2 = 0, zi2 = 0;
      int it = 0;
      while (it < maxit && zr2 + zi2 <= 4.0) {
        zi = 2.0 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        zr2 = zr * zr;
        zi2 = zi * zi;
        it++;
      }
      row[px] = (uint32_t)it;
      total += (uint64_t)it;
    }
    h = bench_mix_bytes(h, row, sizeof(uint32_t) * size);
  }
  printf("iterations %llu\n", (unsigned long long)total);
  free(row);
  return bench_done(bench_mix(h, total));
}

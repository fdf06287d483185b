/* float_sum_order.c - regression: loops clang unrolls for wasm were once force-vectorised even
 * when they summed floats, and the reassociated sum differed from the in-order one wasm
 * requires (1e8 plus 4098 ones is 1e8 in single precision, summed in order). */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static float sum(const float *x, int n) {
  float s = 0;
  for (int i = 0; i < n; i++) s += x[i];
  return s;
}

int main(void) {
  int n = 4099;
  float *x = malloc(n * sizeof *x);
  if (!x) return 1;
  for (int i = 0; i < n; i++) x[i] = i == 0 ? 1e8f : 1.0f;
  printf("sum %a\n", (double)sum(x, n));
  return 0;
}
//> sum 0x1.7d784p+26

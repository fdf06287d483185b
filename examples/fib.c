/* fib.c - the example shipped with swasm: a few exported functions without WASI imports.
 * Built with: clang-19 --target=wasm32-wasi -O2 -nostdlib -Wl,--no-entry \
 *   -Wl,--export=fib -Wl,--export=sum_squares -Wl,--export=collatz_steps fib.c -o fib.wasm */
#include <stdint.h>

uint64_t fib(uint32_t n) {
  uint64_t a = 0, b = 1;
  while (n--) {
    uint64_t t = a + b;
    a = b;
    b = t;
  }
  return a;
}

double sum_squares(int32_t n) {
  double s = 0;
  for (int32_t i = 1; i <= n; i++) s += (double)i * i;
  return s;
}

int32_t collatz_steps(uint32_t n) {
  int32_t steps = 0;
  while (n > 1) {
    n = (n & 1) ? 3 * n + 1 : n / 2;
    steps++;
  }
  return steps;
}

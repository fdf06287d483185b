/* traps.c - every trap a C program can cause, one per run (the argument names it): the
 * runtime must turn each into the same exit status and stderr line on AArch64, where integer
 * division and float conversion do not fault and the checks are explicit, as on x86-64.
 * run.sh runs it once per name in the TRAPS line. */
// TRAPS: none div0 divovf rem0 conv convnan unreachable oob stack cstack nullcall
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile int32_t zero = 0, minus_one = -1, int_min = INT32_MIN;
static volatile float huge = 3e9f, not_a_number = __builtin_nanf("");

/* Recursion the optimiser cannot turn into a loop (the volatile read comes after the call)
 * and that keeps nothing in linear memory: it exhausts the wasm call stack. */
static volatile uint32_t sink;
static uint32_t deep(uint32_t n) {
  return deep(n + 1) + sink;
}

/* The same with a buffer on the C stack, which lives in linear memory: that stack runs out
 * first, below address 0, which is out of bounds. */
static uint32_t deep_c(uint32_t n) {
  volatile char pad[64];
  pad[n & 63] = (char)n;
  uint32_t r = deep_c(n + 1) + pad[(n + 1) & 63];
  sink = r;
  return r;
}

static void (*volatile nothing)(void);

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "none";
  printf("trap test: %s\n", what);
  fflush(stdout);
  if (strcmp(what, "div0") == 0) printf("%d\n", 7 / zero);
  else if (strcmp(what, "divovf") == 0) printf("%d\n", int_min / minus_one);
  else if (strcmp(what, "rem0") == 0) printf("%u\n", 7u % (uint32_t)zero);
  else if (strcmp(what, "conv") == 0) printf("%d\n", __builtin_wasm_trunc_s_i32_f32(huge));
  else if (strcmp(what, "convnan") == 0) printf("%d\n", __builtin_wasm_trunc_s_i32_f32(not_a_number));
  else if (strcmp(what, "unreachable") == 0) __builtin_trap();
  else if (strcmp(what, "oob") == 0) printf("%d\n", *(volatile int *)(uintptr_t)0xfffffff0u);
  else if (strcmp(what, "stack") == 0) printf("%u\n", deep(0));
  else if (strcmp(what, "cstack") == 0) printf("%u\n", deep_c(0));
  else if (strcmp(what, "nullcall") == 0) nothing();
  /* INT_MIN % -1 is 0 in wasm (it overflows in C, which is why the operands are volatile). */
  printf("int_min %% -1 = %d\n", int_min % minus_one);
  return 0;
}

/* gen.c - writes a C program of N distinct functions to stdout, for measuring how compile time
 * and memory grow with module size ('swasm bench', compile-speed series). The functions mix
 * the shapes real code has (integer and float loops, switch-dispatched state machines, string
 * scanning, records, bit twiddling, calls through a table), each different in its constants,
 * operators and loop bounds, so that no compiler can fold them into one another. The program
 * calls every function once and prints a checksum, so the big modules are also checked to run
 * correctly.
 *
 *   gen NFUNCS [SEED] > big.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng_state;

static uint32_t rnd(uint32_t n) {
  rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(rng_state >> 33) % n;
}

static const char *const int_ops[] = {"+", "-", "^", "|", "&", "*"};
static const char *const cmp_ops[] = {"<", ">", "<=", ">=", "!=", "=="};

static const char *iop(void) { return int_ops[rnd(6)]; }
static const char *cop(void) { return cmp_ops[rnd(6)]; }

/* Integer loop over the shared array with a data-dependent branch. */
static void shape_loop(unsigned i) {
  unsigned n = 8 + rnd(56);
  printf("uint32_t f%u(uint32_t x, uint32_t y) {\n  uint32_t acc = x %s %uu;\n", i, iop(),
         rnd(1000));
  printf("  for (uint32_t k = 0; k < %uu; k++) {\n", n);
  printf("    uint32_t v = g_arr[(k * %uu + y) & 1023];\n", 1 + rnd(13));
  printf("    if ((v %s %uu) %s %uu) acc = acc %s (v >> %u);\n", iop(), rnd(255), cop(),
         rnd(128), iop(), rnd(8));
  printf("    else acc = (acc << %u) %s v;\n", 1 + rnd(5), iop());
  printf("    g_arr[(k + %uu) & 1023] = acc %s %uu;\n  }\n", rnd(1024), iop(), rnd(99));
  printf("  return acc;\n}\n\n");
}

/* A small bytecode machine: a switch inside a loop. */
static void shape_switch(unsigned i) {
  unsigned ncase = 6 + rnd(10);
  printf("uint32_t f%u(uint32_t x, uint32_t y) {\n  uint32_t r = x, s = y, pc = x %% %uu;\n", i,
         ncase);
  printf("  for (int steps = 0; steps < %d; steps++) {\n    switch (pc) {\n", 16 + (int)rnd(32));
  for (unsigned c = 0; c < ncase; c++) {
    printf("    case %u: r = r %s %uu; s = s %s (r >> %u); pc = (s %s %uu) ? %u : %u; break;\n",
           c, iop(), rnd(5000), iop(), rnd(16), cop(), rnd(9999), rnd(ncase), rnd(ncase));
  }
  printf("    default: return r ^ s;\n    }\n  }\n  return r + s;\n}\n\n");
}

/* Floating point: a polynomial, a running mean, a square root. */
static void shape_float(unsigned i) {
  int dbl = (int)rnd(2);
  const char *t = dbl ? "double" : "float";
  printf("uint32_t f%u(uint32_t x, uint32_t y) {\n  %s a = (%s)(x & 0xffff) * %s0.%u%s, m = 0;\n",
         i, t, t, dbl ? "" : "", 1 + rnd(999), dbl ? "" : "f");
  printf("  for (uint32_t k = 0; k < %uu; k++) {\n", 4 + rnd(28));
  printf("    %s p = a * (a * %u.%u%s - %u.%u%s) + %u.%u%s;\n", t, rnd(9), rnd(99),
         dbl ? "" : "f", rnd(9), rnd(99), dbl ? "" : "f", rnd(9), rnd(99), dbl ? "" : "f");
  printf("    m += (p - m) / (%s)(k + 1);\n", t);
  printf("    if (p %s m) a = %s(p < 0 ? -p : p) * 0.5%s; else a = a * 0.9%s + (%s)(y & %u);\n",
         cop(), dbl ? "sqrt" : "sqrtf", dbl ? "" : "f", dbl ? "" : "f", t, 1 + rnd(63));
  printf("  }\n  return to_u32(m * 1000.0) ^ to_u32(a);\n}\n\n");
}

/* Text: scans a string, counts classes of characters, hashes words. */
static void shape_string(unsigned i) {
  printf("uint32_t f%u(uint32_t x, uint32_t y) {\n", i);
  printf("  const char *s = g_text + ((x + %uu) %% %uu);\n", rnd(512), 256u);
  printf("  uint32_t h = %uu, words = 0, digits = 0;\n", 2166136261u ^ rnd(1u << 30));
  printf("  for (uint32_t k = 0; s[k] && k < %uu; k++) {\n", 32 + rnd(96));
  printf("    char c = s[k];\n");
  printf("    if (c == ' ' || c == '%c') words++;\n", ",.;:-"[rnd(5)]);
  printf("    else if (c >= '0' && c <= '9') digits += (uint32_t)(c - '0') * %uu;\n", 1 + rnd(7));
  printf("    else h = (h ^ (uint8_t)c) * %uu;\n  }\n", 16777619u + 2 * rnd(1000));
  printf("  return h %s (words << %u) %s digits %s y;\n}\n\n", iop(), rnd(8), iop(), iop());
}

/* Records: a small array of structs, updated and partially sorted. */
static void shape_record(unsigned i) {
  unsigned n = 4 + rnd(12);
  printf("uint32_t f%u(uint32_t x, uint32_t y) {\n  struct rec r[%u];\n", i, n);
  printf("  for (uint32_t k = 0; k < %uu; k++) {\n", n);
  printf("    r[k].key = (x %s k * %uu) & 0xffff;\n", iop(), 1 + rnd(97));
  printf("    r[k].val = (int32_t)(y %s k);\n    r[k].w = (int16_t)(k * %u);\n  }\n", iop(),
         rnd(50));
  printf("  for (uint32_t a = 1; a < %uu; a++)\n", n);
  printf("    for (uint32_t b = a; b > 0 && r[b - 1].key %s r[b].key; b--) {\n", cop());
  printf("      struct rec t = r[b]; r[b] = r[b - 1]; r[b - 1] = t;\n    }\n");
  printf("  uint32_t acc = 0;\n  for (uint32_t k = 0; k < %uu; k++)\n", n);
  printf("    acc = acc * %uu + r[k].key + (uint32_t)r[k].val + (uint32_t)r[k].w;\n",
         3 + 2 * rnd(20));
  printf("  return acc;\n}\n\n");
}

/* 64-bit bit manipulation. */
static void shape_bits(unsigned i) {
  printf("uint32_t f%u(uint32_t x, uint32_t y) {\n", i);
  printf("  uint64_t v = ((uint64_t)x << 32 | y) * 0x%llxull;\n",
         (unsigned long long)(((uint64_t)rnd(1u << 30) << 33) | rnd(1u << 30) | 1));
  printf("  for (int k = 0; k < %d; k++) {\n", 3 + (int)rnd(13));
  unsigned rot = 1 + rnd(62);
  printf("    v = (v << %u | v >> %u) %s 0x%xull;\n", rot, 64 - rot, iop(), rnd(1u << 30));
  printf("    v ^= (uint64_t)__builtin_popcountll(v) << %u;\n", rnd(40));
  printf("    if (v & %ullu) v += (uint64_t)__builtin_clzll(v | 1);\n  }\n", 1u << rnd(20));
  printf("  return (uint32_t)(v >> %u) ^ (uint32_t)v;\n}\n\n", 1 + rnd(31));
}

/* Calls some earlier leaf functions, directly and through the table. */
static void shape_calls(unsigned i, const unsigned *leaves, unsigned nleaves) {
  printf("uint32_t f%u(uint32_t x, uint32_t y) {\n  uint32_t r = x;\n", i);
  unsigned ncalls = 2 + rnd(4);
  for (unsigned c = 0; c < ncalls && nleaves; c++) {
    if (rnd(2))
      printf("  r = r %s f%u(r, y + %uu);\n", iop(), leaves[rnd(nleaves)], c);
    else
      printf("  r = r %s g_leaf[(r + %uu) %% %uu](y, r);\n", iop(), c, nleaves);
  }
  printf("  return r;\n}\n\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: gen NFUNCS [SEED] > big.c\n");
    return 2;
  }
  unsigned n = (unsigned)strtoul(argv[1], NULL, 10);
  rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
  if (n < 1 || n > 1000000) return 2;
  unsigned *leaves = malloc(sizeof *leaves * n);
  if (!leaves) return 1;
  unsigned nleaves = 0;
  printf("/* Generated by testsuite/bench/compile/gen.c: %u functions. */\n", n);
  /* write(), not printf: libc's formatting would be most of the smallest module. */
  printf("#include <math.h>\n#include <stdint.h>\n#include <unistd.h>\n\n");
  printf("struct rec { uint32_t key; int32_t val; int16_t w; };\n");
  printf("static uint32_t g_arr[1024];\n");
  printf("static const char g_text[] = \"The 3 quick, brown foxes jumped over 12 lazy dogs; "
         "then 7 more: a-b-c. \" \"Numbers 0123456789 and words, words, words. \" "
         "\"lorem ipsum dolor sit amet 42, consectetur: adipiscing elit 1999; sed do. \" "
         "\"Pack my box with five dozen liquor jugs 5-6-7, sphinx of black quartz 88. \";\n");
  /* Out-of-range float to int conversion is undefined in C (and traps in wasm). */
  printf("static uint32_t to_u32(double d) {\n"
         "  return d > -2e9 && d < 2e9 ? (uint32_t)(int32_t)d : 7u;\n}\n");
  printf("typedef uint32_t (*fn_t)(uint32_t, uint32_t);\nextern const fn_t g_leaf[];\n\n");
  for (unsigned i = 0; i < n; i++) {
    unsigned shape = i < 8 ? i % 6 : rnd(7);
    printf("__attribute__((noinline)) ");
    switch (shape) {
    case 0: shape_loop(i); break;
    case 1: shape_switch(i); break;
    case 2: shape_float(i); break;
    case 3: shape_string(i); break;
    case 4: shape_record(i); break;
    case 5: shape_bits(i); break;
    default: shape_calls(i, leaves, nleaves); break;
    }
    if (shape != 6) leaves[nleaves++] = i;
  }
  printf("const fn_t g_leaf[] = {\n");
  for (unsigned k = 0; k < nleaves; k++) printf("  f%u,%s", leaves[k], k % 8 == 7 ? "\n" : "");
  printf("};\n\nint main(void) {\n");
  printf("  for (uint32_t k = 0; k < 1024; k++) g_arr[k] = k * 2654435761u;\n");
  printf("  uint32_t h = 0;\n  for (uint32_t r = 0; r < 2; r++) {\n");
  /* Calls through a table of every function keep them all alive and runnable in one loop. */
  printf("    static const fn_t all[] = {\n");
  for (unsigned i = 0; i < n; i++) printf("      f%u,%s", i, i % 8 == 7 ? "\n" : "");
  printf("    };\n");
  printf("    for (uint32_t i = 0; i < sizeof all / sizeof all[0]; i++)\n");
  printf("      h = (h ^ all[i](h + i, i * 7u + r)) * 16777619u;\n  }\n");
  printf("  char line[] = \"checksum: 00000000\\n\";\n");
  printf("  for (int k = 0; k < 8; k++) line[10 + k] = \"0123456789abcdef\"[h >> (28 - 4 * k) & 15];\n");
  printf("  return write(1, line, sizeof line - 1) == (long)sizeof line - 1 ? 0 : 1;\n}\n");
  free(leaves);
  return ferror(stdout) ? 1 : 0;
}

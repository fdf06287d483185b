/* trap_names.c - with a name section (clang -O0 keeps it), a trap's line names the function
 * it happened in. The call goes through a function pointer so that swasmc's own optimiser
 * cannot inline the function into its caller. */
// CFLAGS: -O0
// EXIT: 134
// STDERR: trap: out of bounds memory access in $parse_header (func
// STDERR-LINES: 1
// NODE: skip (node reports a trap as an uncaught exception)
#include <stdint.h>
#include <stdio.h>

static int parse_header(const unsigned char *p) {
  return p[0] | p[1] << 8;
}

static int (*volatile parse)(const unsigned char *) = parse_header;

int main(void) {
  printf("parsing\n");
  fflush(stdout);
  /* Past the end of any memory a 32-bit module can have. */
  return parse((const unsigned char *)(uintptr_t)0xfffffff0u);
}

// Expected output:
//> parsing

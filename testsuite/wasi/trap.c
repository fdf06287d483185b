/* trap.c - a trap ends the command with status 134 and one line on stderr, which gives the
 * reason and the function (by index: clang -O2 leaves no name section). */
// EXIT: 134
// STDERR: trap: unreachable in func
// STDERR-LINES: 1
// NODE: skip (node reports a trap as an uncaught exception)
#include <stdio.h>

int main(void) {
  printf("before\n");
  fflush(stdout);
  __builtin_trap();
}

// Expected output:
//> before

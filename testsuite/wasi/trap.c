/* trap.c - a trap ends the command with status 134 and one line on stderr. */
// EXIT: 134
// STDERR: trap
// NODE: skip (node reports a trap as an uncaught exception)
#include <stdio.h>

int main(void) {
  printf("before\n");
  fflush(stdout);
  __builtin_trap();
}

// Expected output:
//> before

/* exit_codes.c - proc_exit(N) is the process's exit status N, wherever it is called from (here
 * from a function called through a pointer, after output that must not be lost). */
// ARGS: 42
// EXIT: 42
// STDERR-LINES: 0
#include <stdio.h>
#include <stdlib.h>

static void finish(int code) {
  printf("exiting with %d\n", code);
  exit(code);
}

static void (*volatile finisher)(int) = finish;

int main(int argc, char **argv) {
  finisher(argc > 1 ? atoi(argv[1]) : 3);
  return 1;
}

// Expected output:
//> exiting with 42

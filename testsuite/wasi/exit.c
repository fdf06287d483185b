/* exit.c - exit(N) from a nested call ends the command with status N; stdio is flushed. */
// EXIT: 7
#include <stdio.h>
#include <stdlib.h>

static void deep(int n) {
  if (n == 0) {
    printf("leaving\n");
    exit(7);
  }
  deep(n - 1);
}

int main(void) {
  deep(10);
  printf("not reached\n");
  return 0;
}

// Expected output:
//> leaving

// exit_ok.c - exit(0) from deep inside the program ends it with status 0.
// JCO: yes
// EXIT: 0
//> before
#include <stdio.h>
#include <stdlib.h>
static void deep(int n) { if (n == 0) { printf("before\n"); exit(0); } deep(n - 1); }
int main(void) { deep(10); printf("not reached\n"); return 5; }

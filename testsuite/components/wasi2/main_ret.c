// main_ret.c - returning nonzero from main is a nonzero exit too.
// JCO: yes
// EXIT: 1
//> returning 3
#include <stdio.h>
int main(void) { printf("returning 3\n"); return 3; }

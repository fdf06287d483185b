// exit_fail.c - a nonzero exit: the preview 1 adapter maps every nonzero code to
// exit(err), status 1, under jco and swasm alike.
// JCO: yes
// EXIT: 1
//> exiting with 42
#include <stdio.h>
#include <stdlib.h>
int main(void) { printf("exiting with 42\n"); fflush(stdout); exit(42); }

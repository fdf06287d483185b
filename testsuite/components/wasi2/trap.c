// trap.c - a trap (abort) ends the command with status 134 and output written before it kept.
// JCO: no (Node prints the JavaScript exception and exits 1)
// EXIT: 134
//> about to abort
#include <stdio.h>
#include <stdlib.h>
int main(void) { printf("about to abort\n"); fflush(stdout); abort(); }

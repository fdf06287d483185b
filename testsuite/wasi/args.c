/* args.c - the guest's arguments arrive unchanged, spaces and empty strings included. */
// ARGS: one "two words" "" --flag=x
#include <stdio.h>

int main(int argc, char **argv) {
  printf("argc %d\n", argc);
  for (int i = 1; i < argc; i++)
    printf("argv[%d] <%s>\n", i, argv[i]);
  return 0;
}

// Expected output:
//> argc 5
//> argv[1] <one>
//> argv[2] <two words>
//> argv[3] <>
//> argv[4] <--flag=x>

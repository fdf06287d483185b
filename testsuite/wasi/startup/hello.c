/* hello.c - the program whose start-up time measure.sh compares: native, and through swasmc. */
#include <stdio.h>

int main(void) {
  printf("hello, world\n");
  return 0;
}

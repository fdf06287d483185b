// hello.c - printing to stdout and stderr, and a successful exit.
// JCO: yes
// EXIT: 0
//> Hello, world!
//> 3 * 7 = 21
//> pi ~ 3.14159
//> héllo wörld ✓
#include <stdio.h>

int main(void) {
  printf("Hello, world!\n");
  printf("%d * %d = %d\n", 3, 7, 21);
  printf("pi ~ %.5f\n", 3.14159265);
  fprintf(stderr, "to stderr\n");
  puts("héllo wörld ✓");
  return 0;
}

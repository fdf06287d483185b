// tty.c - no standard stream is a terminal for the guest (swasm grants no terminals; here
// they are pipes and files anyway), and stdin at its end reads nothing.
// JCO: no (preview2-shim reports every standard stream as a terminal, whatever it is)
// EXIT: 0
//> isatty 0 0 0
//> stdin empty 1
#include <stdio.h>
#include <unistd.h>
int main(void) {
  printf("isatty %d %d %d\n", isatty(0), isatty(1), isatty(2));
  char buf[16];
  printf("stdin empty %d\n", read(0, buf, sizeof buf) == 0);
  return 0;
}

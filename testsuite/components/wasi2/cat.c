// cat.c - 3 MB through the standard input and 3 MB out through the standard output, in
// pieces of odd sizes: more than one host read and write of each.
// STDIN-BYTES: 3000000
// JCO: yes
// EXIT: 0
#include <stdio.h>
#include <unistd.h>

int main(void) {
  static char buf[100003];
  unsigned long total = 0, sum = 0;
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) sum = sum * 33 + (unsigned char)buf[i];
    total += (unsigned long)n;
    fwrite(buf, 1, (size_t)n, stdout);
  }
  fprintf(stdout, "\ntotal %lu sum %lu\n", total, sum);
  return 0;
}

// bigio.c - large transfers: a 3 MiB file written and read back in odd-sized pieces, and
// 300 KB written to stdout (more than one host write). The buffer is static: after a malloc of
// 1 MiB or more, the preview 1 adapter asserts in fd_fdstat_get at the next fopen (under jco
// exactly as under swasm), which is the adapter's business, not this test's.
// DIR: yes
// JCO: yes
// EXIT: 0
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  enum { N = 3 << 20 };
  static unsigned char buf[N];
  for (int i = 0; i < N; i++) buf[i] = (unsigned char)(i * 7 + (i >> 11));
  FILE *f = fopen("/data/big.bin", "wb");
  if (!f || fwrite(buf, 1, N, f) != N) return 10;
  fclose(f);
  f = fopen("/data/big.bin", "rb");
  unsigned long sum = 0, total = 0;
  static unsigned char piece[77777];   /* not on the 64 KiB stack */
  size_t got;
  while ((got = fread(piece, 1, sizeof piece, f)) > 0) {
    for (size_t i = 0; i < got; i++) sum = sum * 31 + piece[i];
    total += got;
  }
  fclose(f);
  printf("total %lu sum %lu\n", total, sum);
  for (int i = 0; i < 10000; i++) printf("line %05d of the big output...\n", i);
  return 0;
}

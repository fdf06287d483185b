/* random.c - random_get fills buffers of any size with bytes that differ between calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"

int main(void) {
  static unsigned char a[100000], b[100000];
  TRY("getentropy", getentropy(a, 256));
  TRY("getentropy too big", getentropy(a, 257));
  printf("arc4random_buf\n");
  arc4random_buf(a, sizeof a);
  arc4random_buf(b, sizeof b);
  int same = memcmp(a, b, sizeof a) == 0;
  long ones = 0;
  for (size_t i = 0; i < sizeof a; i++)
    ones += __builtin_popcount(a[i]);
  printf("differ: %d\n", !same);
  printf("balanced: %d\n", ones > 380000 && ones < 420000);
  return 0;
}

// Expected output:
//> getentropy: ok
//> getentropy too big: EIO
//> arc4random_buf
//> differ: 1
//> balanced: 1

// clock_random.c - clocks move forward, sleeping waits at least as long as asked, random
// bytes are random; prints only what does not vary.
// JCO: yes
// EXIT: 0
//> realtime after 2020: 1
//> monotonic increases: 1
//> slept at least 20 ms: 1
//> random differs: 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long ns(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
  printf("realtime after 2020: %d\n", ns(CLOCK_REALTIME) > 1577836800LL * 1000000000LL);
  long long a = ns(CLOCK_MONOTONIC), b = ns(CLOCK_MONOTONIC);
  printf("monotonic increases: %d\n", b >= a);
  struct timespec req = {0, 20000000};
  long long t0 = ns(CLOCK_MONOTONIC);
  nanosleep(&req, NULL);
  printf("slept at least 20 ms: %d\n", ns(CLOCK_MONOTONIC) - t0 >= 20000000);
  unsigned char r1[32], r2[32];
  arc4random_buf(r1, sizeof r1);
  getentropy(r2, sizeof r2);
  printf("random differs: %d\n", memcmp(r1, r2, sizeof r1) != 0);
  return 0;
}

/* clocks.c - the four clocks, their resolution, and sleeping through poll_oneoff
 * (nanosleep, clock_nanosleep relative and absolute, usleep). */
// NODE: skip (node:wasi takes absolute clock subscriptions as relative and sleeps for hours)
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "t.h"

static long long ns(clockid_t c) {
  struct timespec ts;
  if (clock_gettime(c, &ts) != 0)
    return -1;
  return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static void slept(const char *label, long long start, long long want_ms) {
  long long ms = (ns(CLOCK_MONOTONIC) - start) / 1000000;
  printf("%s: %s\n", label, ms >= want_ms && ms < want_ms + 2000 ? "ok" : "wrong duration");
}

int main(void) {
  long long rt = ns(CLOCK_REALTIME);
  printf("realtime after 2020: %d\n", rt > 1577836800ll * 1000000000ll);
  printf("time() agrees: %d\n", (long long)time(NULL) - rt / 1000000000ll <= 1);
  long long a = ns(CLOCK_MONOTONIC), b = ns(CLOCK_MONOTONIC);
  printf("monotonic: %d\n", a > 0 && b >= a);
  printf("process cputime: %d\n", ns(CLOCK_PROCESS_CPUTIME_ID) >= 0);
  printf("thread cputime: %d\n", ns(CLOCK_THREAD_CPUTIME_ID) >= 0);
  struct timespec res;
  TRY("clock_getres monotonic", clock_getres(CLOCK_MONOTONIC, &res));
  printf("resolution at most 1ms: %d\n", res.tv_sec == 0 && res.tv_nsec > 0 &&
                                          res.tv_nsec <= 1000000);
  long long start = ns(CLOCK_MONOTONIC);
  struct timespec d = {0, 30 * 1000000};
  TRY("nanosleep", nanosleep(&d, NULL));
  slept("nanosleep 30ms", start, 30);
  start = ns(CLOCK_MONOTONIC);
  printf("clock_nanosleep: %d\n", clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL));
  slept("clock_nanosleep 30ms", start, 30);
  start = ns(CLOCK_MONOTONIC);
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_nsec += 40 * 1000000;
  if (until.tv_nsec >= 1000000000) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000;
  }
  printf("clock_nanosleep abstime: %d\n", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
                                                          &until, NULL));
  slept("absolute 40ms", start, 40);
  start = ns(CLOCK_MONOTONIC);
  struct timespec rtu;
  clock_gettime(CLOCK_REALTIME, &rtu);
  rtu.tv_sec += 1;
  rtu.tv_nsec = 0;
  printf("realtime abstime: %d\n", clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &rtu, NULL));
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  printf("realtime reached: %d\n", now.tv_sec >= rtu.tv_sec);
  start = ns(CLOCK_MONOTONIC);
  usleep(20000);
  slept("usleep 20ms", start, 20);
  return 0;
}

// Expected output:
//> realtime after 2020: 1
//> time() agrees: 1
//> monotonic: 1
//> process cputime: 1
//> thread cputime: 1
//> clock_getres monotonic: ok
//> resolution at most 1ms: 1
//> nanosleep: ok
//> nanosleep 30ms: ok
//> clock_nanosleep: 0
//> clock_nanosleep 30ms: ok
//> clock_nanosleep abstime: 0
//> absolute 40ms: ok
//> realtime abstime: 0
//> realtime reached: 1
//> usleep 20ms: ok

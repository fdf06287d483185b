/* poll.c - poll() on stdin with data ready, on a regular file, with a timeout and nothing to
 * wait for, and sleeping with poll(NULL, 0, ms). */
// NODE: skip (node:wasi poll_oneoff fails on fd subscriptions)
// STDIN: ping\n
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "t.h"

static long long ms_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000ll + ts.tv_nsec / 1000000;
}

int main(void) {
  struct pollfd p = {0, POLLIN, 0};
  int n = poll(&p, 1, 5000);
  printf("stdin ready: %d revents POLLIN %d\n", n, (p.revents & POLLIN) != 0);
  char buf[16];
  ssize_t r = read(0, buf, sizeof buf);
  printf("read %zd <%.4s>\n", r, buf);
  int fd = open("/sandbox/hello.txt", O_RDONLY);
  struct pollfd q[2] = {{fd, POLLIN, 0}, {1, POLLOUT, 0}};
  n = poll(q, 2, 1000);
  printf("file and stdout: %d in %d out %d\n", n, (q[0].revents & POLLIN) != 0,
         (q[1].revents & POLLOUT) != 0);
  close(fd);
  long long t = ms_now();
  n = poll(NULL, 0, 50);
  long long took = ms_now() - t;
  printf("sleep via poll: %d %s\n", n, took >= 50 && took < 2050 ? "ok" : "wrong duration");
  struct pollfd bad = {99, POLLIN, 0};
  n = poll(&bad, 1, 0);
  printf("bad fd: %d nval %d\n", n, (bad.revents & POLLNVAL) != 0);
  return 0;
}

// Expected output:
//> stdin ready: 1 revents POLLIN 1
//> read 5 <ping>
//> file and stdout: 2 in 1 out 1
//> sleep via poll: 0 ok
//> bad fd: 1 nval 1

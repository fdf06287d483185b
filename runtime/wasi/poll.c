/* poll.c - poll_oneoff: waits for clock deadlines (relative or absolute) and fd readiness
 * with one ppoll, and reports the subscriptions that fired as witx events. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasi.h"

#define A32(i) ((uint32_t)a[i].i32)

/* More subscriptions than this in one call is refused rather than allocated for. */
#define MAX_SUBS 65536u

typedef struct sub {
  uint64_t userdata;
  uint8_t tag;               /* WASI_EV_* */
  uint16_t error;            /* set when the subscription fails at once */
  bool fired;
  uint64_t deadline;         /* clocks: CLOCK_MONOTONIC ns */
  int pfd;                   /* fds: index in the pollfd array, or -1 */
  int host;
  uint64_t nbytes;
  uint16_t flags;
} sub_t;

static uint64_t now_ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A clock subscription's deadline on the monotonic clock. Only the realtime and monotonic
 * clocks can be waited for: CPU time does not pass while the process sleeps. */
static void parse_clock(const uint8_t *s, sub_t *u, uint64_t mono) {
  uint32_t id = wasi_ld32(s + 16);
  uint64_t timeout = wasi_ld64(s + 24);
  bool abs = wasi_ld16(s + 40) & WASI_SUBCLOCK_ABSTIME;
  if (id == WASI_CLOCK_PROCESS_CPUTIME || id == WASI_CLOCK_THREAD_CPUTIME) {
    u->error = WASI_ENOTSUP;
    return;
  }
  if (id > WASI_CLOCK_THREAD_CPUTIME) {
    u->error = WASI_EINVAL;
    return;
  }
  uint64_t rel = timeout;
  if (abs) {
    uint64_t now = id == WASI_CLOCK_REALTIME ? now_ns(CLOCK_REALTIME) : mono;
    rel = timeout > now ? timeout - now : 0;
  }
  u->deadline = rel > UINT64_MAX - mono ? UINT64_MAX : mono + rel;
}

static void parse_fd(wasi_call_t *c, const uint8_t *s, sub_t *u, struct pollfd *pfds,
                     int *npfd) {
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, wasi_ld32(s + 16), WASI_R_POLL_FD_READWRITE, &e);
  if (!f) {
    u->error = (uint16_t)e;
    return;
  }
  u->host = f->host;
  u->pfd = *npfd;
  pfds[*npfd].fd = f->host;
  pfds[*npfd].events = u->tag == WASI_EV_FD_READ ? POLLIN : POLLOUT;
  pfds[*npfd].revents = 0;
  (*npfd)++;
}

/* How many bytes a ready fd has to read: what is queued, or what is left of a file. */
static uint64_t readable(int fd) {
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    off_t pos = lseek(fd, 0, SEEK_CUR);
    return pos >= 0 && st.st_size > pos ? (uint64_t)(st.st_size - pos) : 0;
  }
  int n = 0;
  return ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? (uint64_t)n : 0;
}

/* Marks what fired after one ppoll; returns how many did. */
static uint32_t collect(sub_t *subs, uint32_t n, const struct pollfd *pfds, uint64_t mono) {
  uint32_t fired = 0;
  for (uint32_t i = 0; i < n; i++) {
    sub_t *u = &subs[i];
    if (u->error) {
      u->fired = true;
    } else if (u->tag == WASI_EV_CLOCK) {
      u->fired = u->deadline <= mono;
    } else if (u->pfd >= 0 && pfds[u->pfd].revents) {
      short r = pfds[u->pfd].revents;
      u->fired = true;
      if (r & POLLNVAL)
        u->error = WASI_EBADF;
      else if (r & POLLHUP)
        u->flags = WASI_EVRW_HANGUP;
      else if (r & POLLERR)
        u->error = WASI_EIO;
      if (!u->error && u->tag == WASI_EV_FD_READ)
        u->nbytes = readable(u->host);
    }
    fired += u->fired;
  }
  return fired;
}

/* Sleeps in ppoll until an fd is ready or the earliest deadline passes; false on error. */
static bool wait_once(sub_t *subs, uint32_t n, struct pollfd *pfds, int npfd, bool now,
                      int *e) {
  uint64_t mono = now_ns(CLOCK_MONOTONIC), first = UINT64_MAX;
  for (uint32_t i = 0; i < n; i++)
    if (subs[i].tag == WASI_EV_CLOCK && !subs[i].error && subs[i].deadline < first)
      first = subs[i].deadline;
  struct timespec ts, *tp = NULL;
  if (now || first != UINT64_MAX) {
    uint64_t wait = now || first <= mono ? 0 : first - mono;
    ts.tv_sec = (time_t)(wait / 1000000000u);
    ts.tv_nsec = (long)(wait % 1000000000u);
    tp = &ts;
  }
  if (ppoll(pfds, (nfds_t)npfd, tp, NULL) < 0 && errno != EINTR) {
    *e = wasi_errno(errno);
    return false;
  }
  return true;
}

static void put_events(uint8_t *out, const sub_t *subs, uint32_t n, uint32_t *count) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (!subs[i].fired)
      continue;
    uint8_t *ev = out + (size_t)k++ * WASI_EVENT_SIZE;
    memset(ev, 0, WASI_EVENT_SIZE);
    wasi_st64(ev, subs[i].userdata);
    wasi_st16(ev + 8, subs[i].error);
    ev[10] = subs[i].tag;
    if (subs[i].tag != WASI_EV_CLOCK) {
      wasi_st64(ev + 16, subs[i].nbytes);
      wasi_st16(ev + 24, subs[i].flags);
    }
  }
  *count = k;
}

int wasi_poll_oneoff(wasi_call_t *c, const swasm_val_t *a) {
  uint32_t n = A32(2);
  if (n == 0)
    return WASI_EINVAL;
  const uint8_t *in = wasi_ptr(c, A32(0), (uint64_t)n * WASI_SUBSCRIPTION_SIZE);
  uint8_t *out = wasi_ptr(c, A32(1), (uint64_t)n * WASI_EVENT_SIZE);
  uint8_t *nout = wasi_ptr(c, A32(3), 4);
  if (!in || !out || !nout)
    return WASI_EFAULT;
  if (n > MAX_SUBS)
    return WASI_EINVAL;
  sub_t *subs = calloc(n, sizeof *subs);
  struct pollfd *pfds = calloc(n, sizeof *pfds);
  int e = subs && pfds ? WASI_ESUCCESS : WASI_ENOMEM;
  int npfd = 0;
  bool now = false;
  uint64_t mono = now_ns(CLOCK_MONOTONIC);
  for (uint32_t i = 0; e == WASI_ESUCCESS && i < n; i++) {
    const uint8_t *s = in + (size_t)i * WASI_SUBSCRIPTION_SIZE;
    sub_t *u = &subs[i];
    u->userdata = wasi_ld64(s);
    u->tag = s[8];
    u->pfd = -1;
    if (u->tag == WASI_EV_CLOCK)
      parse_clock(s, u, mono);
    else if (u->tag == WASI_EV_FD_READ || u->tag == WASI_EV_FD_WRITE)
      parse_fd(c, s, u, pfds, &npfd);
    else
      e = WASI_EINVAL;
    now |= u->error != 0;
  }
  while (e == WASI_ESUCCESS) {
    if (!wait_once(subs, n, pfds, npfd, now, &e))
      break;
    if (collect(subs, n, pfds, now_ns(CLOCK_MONOTONIC)) > 0)
      break;
  }
  if (e == WASI_ESUCCESS) {
    uint32_t count;
    put_events(out, subs, n, &count);
    wasi_st32(nout, count);
  }
  free(subs);
  free(pfds);
  return e;
}

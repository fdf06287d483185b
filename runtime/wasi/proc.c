/* proc.c - WASI functions about the process and its surroundings: arguments, environment,
 * clocks, randomness, exit, signals, yielding, and the socket calls (which act only on sockets
 * the host handed over as standard streams: WASI preview 1 cannot create any). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wasi.h"

#define A32(i) ((uint32_t)a[i].i32)

/* Writes a vector of strings the way args_get and environ_get do: the pointer array at vp,
 * the NUL-terminated strings packed at bp. */
static int put_strings(wasi_call_t *c, char **v, uint32_t n, uint32_t bytes, uint32_t vp,
                       uint32_t bp) {
  uint8_t *ptrs = wasi_ptr(c, vp, (uint64_t)n * 4);
  uint8_t *buf = wasi_ptr(c, bp, bytes);
  if (!ptrs || !buf)
    return WASI_EFAULT;
  uint32_t off = 0;
  for (uint32_t i = 0; i < n; i++) {
    size_t len = strlen(v[i]) + 1;
    memcpy(buf + off, v[i], len);
    wasi_st32(ptrs + 4 * i, bp + off);
    off += (uint32_t)len;
  }
  return WASI_ESUCCESS;
}

static int put_sizes(wasi_call_t *c, uint32_t n, uint32_t bytes, uint32_t np, uint32_t bp) {
  if (!wasi_ptr(c, np, 4) || !wasi_ptr(c, bp, 4))
    return WASI_EFAULT;
  wasi_put32(c, np, n);
  return wasi_put32(c, bp, bytes);
}

int wasi_args_get(wasi_call_t *c, const swasm_val_t *a) {
  swasm_wasi_t *w = c->w;
  return put_strings(c, w->argv, w->argc, w->argv_bytes, A32(0), A32(1));
}

int wasi_args_sizes_get(wasi_call_t *c, const swasm_val_t *a) {
  return put_sizes(c, c->w->argc, c->w->argv_bytes, A32(0), A32(1));
}

int wasi_environ_get(wasi_call_t *c, const swasm_val_t *a) {
  swasm_wasi_t *w = c->w;
  return put_strings(c, w->env, w->nenv, w->env_bytes, A32(0), A32(1));
}

int wasi_environ_sizes_get(wasi_call_t *c, const swasm_val_t *a) {
  return put_sizes(c, c->w->nenv, c->w->env_bytes, A32(0), A32(1));
}

/* ---- clocks ---- */

static bool host_clock(uint32_t id, clockid_t *out) {
  static const clockid_t ids[4] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                   CLOCK_THREAD_CPUTIME_ID};
  if (id > 3)
    return false;
  *out = ids[id];
  return true;
}

int wasi_clock_res_get(wasi_call_t *c, const swasm_val_t *a) {
  clockid_t id;
  if (!host_clock(A32(0), &id))
    return WASI_EINVAL;
  uint8_t *out = wasi_ptr(c, A32(1), 8);
  if (!out)
    return WASI_EFAULT;
  struct timespec ts;
  if (clock_getres(id, &ts) != 0)
    return wasi_errno(errno);
  wasi_st64(out, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
  return WASI_ESUCCESS;
}

/* The precision argument is a hint a host may ignore; this one does. */
int wasi_clock_time_get(wasi_call_t *c, const swasm_val_t *a) {
  clockid_t id;
  if (!host_clock(A32(0), &id))
    return WASI_EINVAL;
  uint8_t *out = wasi_ptr(c, A32(2), 8);
  if (!out)
    return WASI_EFAULT;
  struct timespec ts;
  if (clock_gettime(id, &ts) != 0)
    return wasi_errno(errno);
  wasi_st64(out, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
  return WASI_ESUCCESS;
}

/* ---- randomness ---- */

int wasi_random_get(wasi_call_t *c, const swasm_val_t *a) {
  uint32_t len = A32(1);
  uint8_t *p = wasi_ptr(c, A32(0), len);
  if (!p)
    return WASI_EFAULT;
  while (len > 0) {
    ssize_t n = getrandom(p, len, 0);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return wasi_errno(errno);
    }
    p += n;
    len -= (uint32_t)n;
  }
  return WASI_ESUCCESS;
}

/* ---- the process ---- */

int wasi_proc_exit(wasi_call_t *c, const swasm_val_t *a) {
  c->err->trap = SWASM_TRAP_EXIT;
  c->err->exit_code = a[0].i32;
  snprintf(c->err->message, sizeof c->err->message, "exit with status %u", A32(0));
  return WASI_TRAP;
}

/* Raising signals is outside what a guest is granted. */
int wasi_proc_raise(wasi_call_t *c, const swasm_val_t *a) {
  return WASI_ENOTSUP;
}

int wasi_sched_yield(wasi_call_t *c, const swasm_val_t *a) {
  sched_yield();
  return WASI_ESUCCESS;
}

/* ---- sockets ---- */

static wasi_fd_t *sock_get(wasi_call_t *c, uint32_t fd, uint64_t need, int *e) {
  wasi_fd_t *f = wasi_fd_get(c->w, fd, 0, e);
  if (!f)
    return NULL;
  if (f->type != WASI_FT_SOCKET_STREAM && f->type != WASI_FT_SOCKET_DGRAM) {
    *e = WASI_ENOTSOCK;
    return NULL;
  }
  if ((f->rights & need) != need) {
    *e = WASI_ENOTCAPABLE;
    return NULL;
  }
  return f;
}

int wasi_sock_accept(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = sock_get(c, A32(0), WASI_R_SOCK_ACCEPT, &e);
  if (!f)
    return e;
  if (A32(1) & ~(uint32_t)WASI_FDF_NONBLOCK)
    return WASI_EINVAL;
  if (!wasi_ptr(c, A32(2), 4))
    return WASI_EFAULT;
  int h = accept4(f->host, NULL, NULL,
                  SOCK_CLOEXEC | (A32(1) & WASI_FDF_NONBLOCK ? SOCK_NONBLOCK : 0));
  if (h < 0)
    return wasi_errno(errno);
  uint32_t fd;
  e = wasi_fd_add(c->w, h, WASI_FT_SOCKET_STREAM, WASI_RIGHTS_STREAM | WASI_R_SOCK_SHUTDOWN, 0,
                  &fd);
  if (e == WASI_ESUCCESS)
    wasi_put32(c, A32(2), fd);
  return e;
}

int wasi_sock_recv(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = sock_get(c, A32(0), WASI_R_FD_READ, &e);
  if (!f)
    return e;
  uint32_t riflags = A32(3);
  uint8_t *len_out = wasi_ptr(c, A32(4), 4), *flags_out = wasi_ptr(c, A32(5), 2);
  if (!len_out || !flags_out)
    return WASI_EFAULT;
  if (riflags & ~3u)
    return WASI_EINVAL;
  struct iovec iov[WASI_IOV_MAX];
  int n;
  e = wasi_iovecs(c, A32(1), A32(2), iov, &n);
  if (e != WASI_ESUCCESS)
    return e;
  struct msghdr m = {.msg_iov = iov, .msg_iovlen = (size_t)n};
  ssize_t r = recvmsg(f->host, &m, (riflags & 1 ? MSG_PEEK : 0) | (riflags & 2 ? MSG_WAITALL : 0));
  if (r < 0)
    return wasi_errno(errno);
  wasi_st32(len_out, (uint32_t)r);
  wasi_st16(flags_out, m.msg_flags & MSG_TRUNC ? 1 : 0);
  return WASI_ESUCCESS;
}

int wasi_sock_send(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = sock_get(c, A32(0), WASI_R_FD_WRITE, &e);
  if (!f)
    return e;
  uint8_t *len_out = wasi_ptr(c, A32(4), 4);
  if (!len_out)
    return WASI_EFAULT;
  if (A32(3) != 0)
    return WASI_EINVAL;
  struct iovec iov[WASI_IOV_MAX];
  int n;
  e = wasi_iovecs(c, A32(1), A32(2), iov, &n);
  if (e != WASI_ESUCCESS)
    return e;
  struct msghdr m = {.msg_iov = iov, .msg_iovlen = (size_t)n};
  ssize_t r = sendmsg(f->host, &m, MSG_NOSIGNAL);
  if (r < 0)
    return wasi_errno(errno);
  wasi_st32(len_out, (uint32_t)r);
  return WASI_ESUCCESS;
}

int wasi_sock_shutdown(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = sock_get(c, A32(0), WASI_R_SOCK_SHUTDOWN, &e);
  if (!f)
    return e;
  static const int how[4] = {-1, SHUT_RD, SHUT_WR, SHUT_RDWR};
  if (A32(1) == 0 || A32(1) > 3)
    return WASI_EINVAL;
  return shutdown(f->host, how[A32(1)]) == 0 ? WASI_ESUCCESS : wasi_errno(errno);
}

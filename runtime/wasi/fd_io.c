/* fd_io.c - WASI functions that move data through an fd or its position: read, write, pread,
 * pwrite, seek, tell, advise, allocate, sync, datasync. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "wasi.h"

#define A32(i) ((uint32_t)a[i].i32)
#define A64(i) ((uint64_t)a[i].i64)

/* Shared by the four I/O functions: checks the fd and the result pointer, gathers the
 * iovecs. Returns the fd's entry or NULL with *e set. */
static wasi_fd_t *io_begin(wasi_call_t *c, const swasm_val_t *a, uint64_t need,
                           uint32_t result, struct iovec *iov, int *niov, int *e) {
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), need, e);
  if (!f)
    return NULL;
  if (!wasi_ptr(c, result, 4)) {
    *e = WASI_EFAULT;
    return NULL;
  }
  *e = wasi_iovecs(c, A32(1), A32(2), iov, niov);
  return *e == WASI_ESUCCESS ? f : NULL;
}

static int io_end(wasi_call_t *c, uint32_t result, ssize_t n) {
  if (n < 0)
    return wasi_errno(errno);
  return wasi_put32(c, result, (uint32_t)n);
}

int wasi_fd_read(wasi_call_t *c, const swasm_val_t *a) {
  struct iovec iov[WASI_IOV_MAX];
  int n, e;
  wasi_fd_t *f = io_begin(c, a, WASI_R_FD_READ, A32(3), iov, &n, &e);
  if (!f)
    return e;
  return io_end(c, A32(3), readv(f->host, iov, n));
}

int wasi_fd_write(wasi_call_t *c, const swasm_val_t *a) {
  struct iovec iov[WASI_IOV_MAX];
  int n, e;
  wasi_fd_t *f = io_begin(c, a, WASI_R_FD_WRITE, A32(3), iov, &n, &e);
  if (!f)
    return e;
  return io_end(c, A32(3), writev(f->host, iov, n));
}

int wasi_fd_pread(wasi_call_t *c, const swasm_val_t *a) {
  struct iovec iov[WASI_IOV_MAX];
  int n, e;
  wasi_fd_t *f = io_begin(c, a, WASI_R_FD_READ | WASI_R_FD_SEEK, A32(4), iov, &n, &e);
  if (!f)
    return e;
  if (A64(3) > INT64_MAX)
    return WASI_EINVAL;
  return io_end(c, A32(4), preadv(f->host, iov, n, (off_t)A64(3)));
}

int wasi_fd_pwrite(wasi_call_t *c, const swasm_val_t *a) {
  struct iovec iov[WASI_IOV_MAX];
  int n, e;
  wasi_fd_t *f = io_begin(c, a, WASI_R_FD_WRITE | WASI_R_FD_SEEK, A32(4), iov, &n, &e);
  if (!f)
    return e;
  if (A64(3) > INT64_MAX)
    return WASI_EINVAL;
  return io_end(c, A32(4), pwritev(f->host, iov, n, (off_t)A64(3)));
}

int wasi_fd_seek(wasi_call_t *c, const swasm_val_t *a) {
  int64_t off = a[1].i64;
  uint32_t whence = A32(2);
  /* Asking where the fd is needs only the tell right. */
  uint64_t need = off == 0 && whence == 1 ? WASI_R_FD_TELL : WASI_R_FD_SEEK;
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), need, &e);
  if (!f)
    return e;
  uint8_t *out = wasi_ptr(c, A32(3), 8);
  if (!out)
    return WASI_EFAULT;
  static const int whences[3] = {SEEK_SET, SEEK_CUR, SEEK_END};
  if (whence > 2)
    return WASI_EINVAL;
  off_t r = lseek(f->host, (off_t)off, whences[whence]);
  if (r < 0)
    return wasi_errno(errno);
  wasi_st64(out, (uint64_t)r);
  return WASI_ESUCCESS;
}

int wasi_fd_tell(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), WASI_R_FD_TELL, &e);
  if (!f)
    return e;
  uint8_t *out = wasi_ptr(c, A32(1), 8);
  if (!out)
    return WASI_EFAULT;
  off_t r = lseek(f->host, 0, SEEK_CUR);
  if (r < 0)
    return wasi_errno(errno);
  wasi_st64(out, (uint64_t)r);
  return WASI_ESUCCESS;
}

int wasi_fd_advise(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), WASI_R_FD_ADVISE, &e);
  if (!f)
    return e;
  /* witx advice order differs from Linux's POSIX_FADV_* values. */
  static const int advice[6] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  if (A32(3) > 5 || A64(1) > INT64_MAX || A64(2) > INT64_MAX)
    return WASI_EINVAL;
  if (f->type == WASI_FT_DIRECTORY)
    return WASI_EBADF;
  return wasi_errno(posix_fadvise(f->host, (off_t)A64(1), (off_t)A64(2), advice[A32(3)]));
}

int wasi_fd_allocate(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), WASI_R_FD_ALLOCATE, &e);
  if (!f)
    return e;
  if (A64(1) > INT64_MAX || A64(2) > INT64_MAX || A64(1) + A64(2) > INT64_MAX)
    return WASI_EFBIG;
  if (A64(2) == 0)
    return WASI_EINVAL;
  return wasi_errno(posix_fallocate(f->host, (off_t)A64(1), (off_t)A64(2)));
}

int wasi_fd_sync(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), WASI_R_FD_SYNC, &e);
  if (!f)
    return e;
  return fsync(f->host) == 0 ? WASI_ESUCCESS : wasi_errno(errno);
}

int wasi_fd_datasync(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), WASI_R_FD_DATASYNC, &e);
  if (!f)
    return e;
  return fdatasync(f->host) == 0 ? WASI_ESUCCESS : wasi_errno(errno);
}

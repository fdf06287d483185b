/* fd_meta.c - WASI functions about an fd itself: close, renumber, fdstat, filestat, prestat
 * (the preopened directories' names) and readdir. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wasi.h"

#define A32(i) ((uint32_t)a[i].i32)
#define A64(i) ((uint64_t)a[i].i64)

static uint64_t ns_of(struct timespec t) {
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

void wasi_store_filestat(uint8_t *p, const struct stat *st) {
  memset(p, 0, WASI_FILESTAT_SIZE);
  wasi_st64(p, (uint64_t)st->st_dev);
  wasi_st64(p + 8, (uint64_t)st->st_ino);
  p[16] = wasi_filetype(st->st_mode);
  wasi_st64(p + 24, (uint64_t)st->st_nlink);
  wasi_st64(p + 32, (uint64_t)st->st_size);
  wasi_st64(p + 40, ns_of(st->st_atim));
  wasi_st64(p + 48, ns_of(st->st_mtim));
  wasi_st64(p + 56, ns_of(st->st_ctim));
}

static int one_time(uint64_t t, bool set, bool now, struct timespec *ts) {
  if (set && now)
    return WASI_EINVAL;
  ts->tv_sec = 0;
  ts->tv_nsec = now ? UTIME_NOW : set ? (long)(t % 1000000000u) : UTIME_OMIT;
  if (set)
    ts->tv_sec = (time_t)(t / 1000000000u);
  return WASI_ESUCCESS;
}

int wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2]) {
  if (fst & ~0xfu)
    return WASI_EINVAL;
  int e = one_time(atim, fst & WASI_FST_ATIM, fst & WASI_FST_ATIM_NOW, &ts[0]);
  if (e == WASI_ESUCCESS)
    e = one_time(mtim, fst & WASI_FST_MTIM, fst & WASI_FST_MTIM_NOW, &ts[1]);
  return e;
}

int wasi_fd_close(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), 0, &e);
  if (!f)
    return e;
  wasi_fd_release(f);
  return WASI_ESUCCESS;
}

int wasi_fd_renumber(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *from = wasi_fd_get(c->w, A32(0), 0, &e);
  if (!from)
    return e;
  wasi_fd_t *to = wasi_fd_get(c->w, A32(1), 0, &e);
  if (!to)
    return e;
  if (from == to)
    return WASI_ESUCCESS;
  wasi_fd_release(to);
  *to = *from;
  from->host = -1;
  from->preopen = NULL;
  return WASI_ESUCCESS;
}

int wasi_fd_fdstat_get(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), 0, &e);
  if (!f)
    return e;
  uint8_t *p = wasi_ptr(c, A32(1), WASI_FDSTAT_SIZE);
  if (!p)
    return WASI_EFAULT;
  int fl = fcntl(f->host, F_GETFL);
  if (fl < 0)
    return wasi_errno(errno);
  uint16_t flags = 0;
  if (fl & O_APPEND) flags |= WASI_FDF_APPEND;
  if (fl & O_NONBLOCK) flags |= WASI_FDF_NONBLOCK;
  if ((fl & O_SYNC) == O_SYNC) flags |= WASI_FDF_SYNC | WASI_FDF_RSYNC;
  else if (fl & O_DSYNC) flags |= WASI_FDF_DSYNC;
  memset(p, 0, WASI_FDSTAT_SIZE);
  p[0] = f->type;
  wasi_st16(p + 2, flags);
  wasi_st64(p + 8, f->rights);
  wasi_st64(p + 16, f->inherit);
  return WASI_ESUCCESS;
}

/* Linux changes only O_APPEND and O_NONBLOCK after open: asking for a different
 * synchronisation mode is not supported, asking for the current one is fine. */
int wasi_fd_fdstat_set_flags(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), WASI_R_FD_FDSTAT_SET_FLAGS, &e);
  if (!f)
    return e;
  uint32_t want = A32(1);
  if (want & ~0x1fu)
    return WASI_EINVAL;
  int fl = fcntl(f->host, F_GETFL);
  if (fl < 0)
    return wasi_errno(errno);
  bool sync = (fl & O_SYNC) == O_SYNC, dsync = !sync && (fl & O_DSYNC);
  bool want_sync = want & (WASI_FDF_SYNC | WASI_FDF_RSYNC);
  bool want_dsync = !want_sync && (want & WASI_FDF_DSYNC);
  if (want_sync != sync || want_dsync != dsync)
    return WASI_ENOTSUP;
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (want & WASI_FDF_APPEND) fl |= O_APPEND;
  if (want & WASI_FDF_NONBLOCK) fl |= O_NONBLOCK;
  return fcntl(f->host, F_SETFL, fl) == 0 ? WASI_ESUCCESS : wasi_errno(errno);
}

/* Rights only ever shrink. */
int wasi_fd_fdstat_set_rights(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), 0, &e);
  if (!f)
    return e;
  uint64_t base = A64(1), inherit = A64(2);
  if ((base & ~f->rights) || (inherit & ~f->inherit))
    return WASI_ENOTCAPABLE;
  f->rights = base;
  f->inherit = inherit;
  return WASI_ESUCCESS;
}

int wasi_fd_filestat_get(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), WASI_R_FD_FILESTAT_GET, &e);
  if (!f)
    return e;
  uint8_t *p = wasi_ptr(c, A32(1), WASI_FILESTAT_SIZE);
  if (!p)
    return WASI_EFAULT;
  struct stat st;
  if (fstat(f->host, &st) != 0)
    return wasi_errno(errno);
  wasi_store_filestat(p, &st);
  return WASI_ESUCCESS;
}

int wasi_fd_filestat_set_size(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), WASI_R_FD_FILESTAT_SET_SIZE, &e);
  if (!f)
    return e;
  if (A64(1) > INT64_MAX)
    return WASI_EFBIG;
  return ftruncate(f->host, (off_t)A64(1)) == 0 ? WASI_ESUCCESS : wasi_errno(errno);
}

int wasi_fd_filestat_set_times(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), WASI_R_FD_FILESTAT_SET_TIMES, &e);
  if (!f)
    return e;
  struct timespec ts[2];
  e = wasi_times(A64(1), A64(2), A32(3), ts);
  if (e != WASI_ESUCCESS)
    return e;
  return futimens(f->host, ts) == 0 ? WASI_ESUCCESS : wasi_errno(errno);
}

int wasi_fd_prestat_get(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), 0, &e);
  if (!f)
    return e;
  if (!f->preopen)
    return WASI_EBADF;
  uint8_t *p = wasi_ptr(c, A32(1), WASI_PRESTAT_SIZE);
  if (!p)
    return WASI_EFAULT;
  memset(p, 0, WASI_PRESTAT_SIZE);   /* tag 0: a directory */
  wasi_st32(p + 4, (uint32_t)strlen(f->preopen));
  return WASI_ESUCCESS;
}

int wasi_fd_prestat_dir_name(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), 0, &e);
  if (!f)
    return e;
  if (!f->preopen)
    return WASI_EBADF;
  size_t len = strlen(f->preopen);
  uint8_t *p = wasi_ptr(c, A32(1), A32(2));
  if (!p)
    return WASI_EFAULT;
  if (A32(2) < len)
    return WASI_ENAMETOOLONG;
  memcpy(p, f->preopen, len);
  return WASI_ESUCCESS;
}

/* ---- readdir ---- */

/* struct linux_dirent64, which glibc does not declare. */
typedef struct host_dirent {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
} host_dirent_t;

static uint8_t dirent_type(int dir, const host_dirent_t *d) {
  switch (d->d_type) {
  case DT_REG: return WASI_FT_REGULAR_FILE;
  case DT_DIR: return WASI_FT_DIRECTORY;
  case DT_LNK: return WASI_FT_SYMBOLIC_LINK;
  case DT_CHR: return WASI_FT_CHARACTER_DEVICE;
  case DT_BLK: return WASI_FT_BLOCK_DEVICE;
  case DT_SOCK: return WASI_FT_SOCKET_STREAM;
  case DT_FIFO: return WASI_FT_UNKNOWN;
  default: {
    struct stat st;
    return fstatat(dir, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? wasi_filetype(st.st_mode)
                                                                  : WASI_FT_UNKNOWN;
  }
  }
}

/* Appends one entry, cut off where the buffer ends (the guest sees a full buffer and asks
 * again from the previous cookie with more room). Returns false once the buffer is full. */
static bool put_dirent(uint8_t *buf, uint32_t size, uint32_t *used, int dir,
                       const host_dirent_t *d) {
  uint8_t ent[WASI_DIRENT_SIZE];
  size_t nlen = strlen(d->d_name);
  memset(ent, 0, sizeof ent);
  wasi_st64(ent, (uint64_t)d->d_off);
  wasi_st64(ent + 8, d->d_ino);
  wasi_st32(ent + 16, (uint32_t)nlen);
  ent[20] = dirent_type(dir, d);
  uint32_t room = size - *used;
  uint32_t n = room < WASI_DIRENT_SIZE ? room : WASI_DIRENT_SIZE;
  memcpy(buf + *used, ent, n);
  *used += n;
  room -= n;
  n = room < nlen ? room : (uint32_t)nlen;
  memcpy(buf + *used, d->d_name, n);
  *used += n;
  return *used < size;
}

/* Cookies are the host's directory offsets (d_off: where the next entry starts), so a
 * cookie resumes the listing with lseek whatever happened in between. */
int wasi_fd_readdir(wasi_call_t *c, const swasm_val_t *a) {
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), WASI_R_FD_READDIR, &e);
  if (!f)
    return e;
  uint32_t size = A32(2);
  uint8_t *buf = wasi_ptr(c, A32(1), size);
  uint8_t *out = wasi_ptr(c, A32(4), 4);
  if (!buf || !out)
    return WASI_EFAULT;
  if (f->type != WASI_FT_DIRECTORY)
    return WASI_ENOTDIR;
  if (A64(3) > INT64_MAX)
    return WASI_EINVAL;
  if (lseek(f->host, (off_t)A64(3), SEEK_SET) < 0)
    return wasi_errno(errno);
  _Alignas(8) char hbuf[8192];
  uint32_t used = 0;
  bool room = size > 0;
  while (room) {
    long n = syscall(SYS_getdents64, f->host, hbuf, sizeof hbuf);
    if (n < 0)
      return wasi_errno(errno);
    if (n == 0)
      break;
    for (long off = 0; room && off < n;) {
      const host_dirent_t *d = (const host_dirent_t *)(void *)(hbuf + off);
      room = put_dirent(buf, size, &used, f->host, d);
      off += d->d_reclen;
    }
  }
  wasi_st32(out, used);
  return WASI_ESUCCESS;
}

/* path.c - WASI functions that name files by a path relative to a directory fd: open, stat,
 * set times, link, symlink, readlink, mkdir, rmdir, rename, unlink. Every path goes through
 * sandbox.c, which confines it to the directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi.h"

#define A32(i) ((uint32_t)a[i].i32)
#define A64(i) ((uint64_t)a[i].i64)

/* Checks directory fd fd for the rights in need, reads the guest path and resolves it. */
static int path_begin(wasi_call_t *c, uint32_t fd, uint64_t need, uint32_t p, uint32_t len,
                      bool follow, wasi_path_t *r) {
  int e;
  r->dir = -1;
  wasi_fd_t *f = wasi_fd_get(c->w, fd, need, &e);
  if (!f)
    return e;
  if (f->type != WASI_FT_DIRECTORY)
    return WASI_ENOTDIR;
  char path[PATH_MAX];
  e = wasi_path_read(c, p, len, path, sizeof path);
  if (e != WASI_ESUCCESS)
    return e;
  return wasi_resolve(c->w, f, path, follow, r);
}

/* The errno of a host call's result, closing the resolved directory. */
static int path_end(wasi_path_t *r, int rc) {
  int e = rc == 0 ? WASI_ESUCCESS : wasi_errno(errno);
  wasi_path_done(r);
  return e;
}

int wasi_path_create_directory(wasi_call_t *c, const swasm_val_t *a) {
  wasi_path_t r;
  int e = path_begin(c, A32(0), WASI_R_PATH_CREATE_DIRECTORY, A32(1), A32(2), false, &r);
  if (e != WASI_ESUCCESS)
    return e;
  return path_end(&r, mkdirat(r.dir, r.name, 0777));
}

int wasi_path_remove_directory(wasi_call_t *c, const swasm_val_t *a) {
  wasi_path_t r;
  int e = path_begin(c, A32(0), WASI_R_PATH_REMOVE_DIRECTORY, A32(1), A32(2), false, &r);
  if (e != WASI_ESUCCESS)
    return e;
  return path_end(&r, unlinkat(r.dir, r.name, AT_REMOVEDIR));
}

int wasi_path_unlink_file(wasi_call_t *c, const swasm_val_t *a) {
  wasi_path_t r;
  int e = path_begin(c, A32(0), WASI_R_PATH_UNLINK_FILE, A32(1), A32(2), false, &r);
  if (e != WASI_ESUCCESS)
    return e;
  return path_end(&r, unlinkat(r.dir, r.name, 0));
}

int wasi_path_filestat_get(wasi_call_t *c, const swasm_val_t *a) {
  uint8_t *p = wasi_ptr(c, A32(4), WASI_FILESTAT_SIZE);
  wasi_path_t r;
  int e = path_begin(c, A32(0), WASI_R_PATH_FILESTAT_GET, A32(2), A32(3),
                     A32(1) & WASI_LOOKUP_SYMLINK_FOLLOW, &r);
  if (e != WASI_ESUCCESS)
    return e;
  if (!p) {
    wasi_path_done(&r);
    return WASI_EFAULT;
  }
  struct stat st;
  int rc = fstatat(r.dir, r.name, &st, AT_SYMLINK_NOFOLLOW);
  if (rc == 0)
    wasi_store_filestat(p, &st);
  return path_end(&r, rc);
}

int wasi_path_filestat_set_times(wasi_call_t *c, const swasm_val_t *a) {
  struct timespec ts[2];
  int e = wasi_times(A64(4), A64(5), A32(6), ts);
  if (e != WASI_ESUCCESS)
    return e;
  wasi_path_t r;
  e = path_begin(c, A32(0), WASI_R_PATH_FILESTAT_SET_TIMES, A32(2), A32(3),
                 A32(1) & WASI_LOOKUP_SYMLINK_FOLLOW, &r);
  if (e != WASI_ESUCCESS)
    return e;
  return path_end(&r, utimensat(r.dir, r.name, ts, AT_SYMLINK_NOFOLLOW));
}

int wasi_path_readlink(wasi_call_t *c, const swasm_val_t *a) {
  uint32_t size = A32(4);
  uint8_t *buf = wasi_ptr(c, A32(3), size);
  uint8_t *used = wasi_ptr(c, A32(5), 4);
  wasi_path_t r;
  int e = path_begin(c, A32(0), WASI_R_PATH_READLINK, A32(1), A32(2), false, &r);
  if (e != WASI_ESUCCESS)
    return e;
  if (!buf || !used) {
    wasi_path_done(&r);
    return WASI_EFAULT;
  }
  char target[PATH_MAX];
  ssize_t n = readlinkat(r.dir, r.name, target, sizeof target);
  if (n < 0)
    return path_end(&r, -1);
  /* A short buffer gets the start of the target, as readlink(2) does. */
  uint32_t k = (uint64_t)n < size ? (uint32_t)n : size;
  memcpy(buf, target, k);
  wasi_st32(used, k);
  return path_end(&r, 0);
}

/* Creating a symlink with an absolute target is refused: following it could only ever fail
 * inside the sandbox, and outside it (the host following it later) it would point anywhere. */
int wasi_path_symlink(wasi_call_t *c, const swasm_val_t *a) {
  char target[PATH_MAX];
  int e = wasi_path_read(c, A32(0), A32(1), target, sizeof target);
  if (e != WASI_ESUCCESS)
    return e;
  wasi_path_t r;
  e = path_begin(c, A32(2), WASI_R_PATH_SYMLINK, A32(3), A32(4), false, &r);
  if (e != WASI_ESUCCESS)
    return e;
  if (target[0] == '/') {
    wasi_path_done(&r);
    return WASI_ENOTCAPABLE;
  }
  if (!target[0]) {
    wasi_path_done(&r);
    return WASI_ENOENT;
  }
  return path_end(&r, symlinkat(target, r.dir, r.name));
}

int wasi_path_link(wasi_call_t *c, const swasm_val_t *a) {
  wasi_path_t from, to;
  int e = path_begin(c, A32(0), WASI_R_PATH_LINK_SOURCE, A32(2), A32(3),
                     A32(1) & WASI_LOOKUP_SYMLINK_FOLLOW, &from);
  if (e != WASI_ESUCCESS)
    return e;
  e = path_begin(c, A32(4), WASI_R_PATH_LINK_TARGET, A32(5), A32(6), false, &to);
  if (e != WASI_ESUCCESS) {
    wasi_path_done(&from);
    return e;
  }
  int rc = linkat(from.dir, from.name, to.dir, to.name, 0);
  wasi_path_done(&from);
  return path_end(&to, rc);
}

int wasi_path_rename(wasi_call_t *c, const swasm_val_t *a) {
  wasi_path_t from, to;
  int e = path_begin(c, A32(0), WASI_R_PATH_RENAME_SOURCE, A32(1), A32(2), false, &from);
  if (e != WASI_ESUCCESS)
    return e;
  e = path_begin(c, A32(3), WASI_R_PATH_RENAME_TARGET, A32(4), A32(5), false, &to);
  if (e != WASI_ESUCCESS) {
    wasi_path_done(&from);
    return e;
  }
  int rc = renameat(from.dir, from.name, to.dir, to.name);
  wasi_path_done(&from);
  return path_end(&to, rc);
}

/* ---- path_open ---- */

/* The host open flags for a path_open; an errno when the flags are invalid. */
static int open_flags(uint32_t oflags, uint32_t fdflags, uint64_t base, int *flags) {
  if ((oflags & ~0xfu) || (fdflags & ~0x1fu))
    return WASI_EINVAL;
  bool read = base & (WASI_R_FD_READ | WASI_R_FD_READDIR);
  bool write = base & (WASI_R_FD_DATASYNC | WASI_R_FD_WRITE | WASI_R_FD_ALLOCATE |
                       WASI_R_FD_FILESTAT_SET_SIZE);
  int fl = write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
  fl |= O_NOCTTY;
  if (oflags & WASI_O_CREAT) fl |= O_CREAT;
  if (oflags & WASI_O_DIRECTORY) fl |= O_DIRECTORY;
  if (oflags & WASI_O_EXCL) fl |= O_EXCL;
  if (oflags & WASI_O_TRUNC) fl |= O_TRUNC;
  if (fdflags & WASI_FDF_APPEND) fl |= O_APPEND;
  if (fdflags & WASI_FDF_DSYNC) fl |= O_DSYNC;
  if (fdflags & WASI_FDF_NONBLOCK) fl |= O_NONBLOCK;
  if (fdflags & WASI_FDF_RSYNC) fl |= O_RSYNC;
  if (fdflags & WASI_FDF_SYNC) fl |= O_SYNC;
  *flags = fl;
  return WASI_ESUCCESS;
}

/* The new fd's rights are what was asked for, within what the directory passes on and what
 * the opened file's type allows. Asking for more than the directory passes on is refused. */
int wasi_path_open(wasi_call_t *c, const swasm_val_t *a) {
  uint32_t oflags = A32(4), fdflags = A32(7);
  uint64_t base = A64(5), inherit = A64(6);
  uint64_t need = WASI_R_PATH_OPEN;
  if (oflags & WASI_O_CREAT) need |= WASI_R_PATH_CREATE_FILE;
  if (oflags & WASI_O_TRUNC) need |= WASI_R_PATH_FILESTAT_SET_SIZE;
  int e;
  wasi_fd_t *f = wasi_fd_get(c->w, A32(0), need, &e);
  if (!f)
    return e;
  if (f->type != WASI_FT_DIRECTORY)
    return WASI_ENOTDIR;
  if (!wasi_ptr(c, A32(8), 4))
    return WASI_EFAULT;
  if ((base & ~f->inherit) || (inherit & ~f->inherit))
    return WASI_ENOTCAPABLE;
  int flags;
  e = open_flags(oflags, fdflags, base, &flags);
  if (e != WASI_ESUCCESS)
    return e;
  char path[PATH_MAX];
  e = wasi_path_read(c, A32(2), A32(3), path, sizeof path);
  if (e != WASI_ESUCCESS)
    return e;
  int h = wasi_open_beneath(c->w, f, path, A32(1) & WASI_LOOKUP_SYMLINK_FOLLOW, flags, 0666);
  if (h < 0)
    return -h;
  struct stat st;
  if (fstat(h, &st) != 0) {
    e = wasi_errno(errno);
    close(h);
    return e;
  }
  uint8_t type = wasi_filetype(st.st_mode);
  uint64_t rights = base & wasi_type_rights(type, !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode));
  uint32_t fd;
  e = wasi_fd_add(c->w, h, type, rights, inherit, &fd);
  if (e == WASI_ESUCCESS)
    wasi_put32(c, A32(8), fd);
  return e;
}

/* sandbox.c - resolving guest paths so that none leaves the directory capability it starts
 * from: absolute paths, ".." above the directory and symlinks pointing out (absolute, or
 * relative through any number of hops and intermediate components) fail with ENOTCAPABLE.
 *
 * Where the kernel has openat2, RESOLVE_BENEATH does the confinement (race-free against other
 * processes renaming directories). Elsewhere the path is walked one component at a time with
 * O_PATH | O_NOFOLLOW, keeping an fd for every directory entered so ".." never goes through the
 * host's "..", and splicing symlink targets in as further components. In both cases symlinks
 * at the final component are followed here (not by the kernel) when the caller asks, so every
 * operation then acts with *at(..., AT_SYMLINK_NOFOLLOW) on a (directory fd, name) pair. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wasi.h"

#ifndef SYS_openat2
#define SYS_openat2 437            /* the same number on every architecture */
#endif
#define RESOLVE_NO_MAGICLINKS_ 0x02
#define RESOLVE_BENEATH_ 0x08

/* struct open_how of <linux/openat2.h>, spelled out so older headers build too. */
typedef struct open_how_ {
  uint64_t flags, mode, resolve;
} open_how_t;

#define MAX_SYMLINKS 40             /* Linux's limit on symlinks in one resolution */
#define PATH_BUF (3 * PATH_MAX)     /* a path plus spliced symlink targets */
#define NAME_LEN 255

/* openat2 beneath dir; -1 with errno set on failure. EAGAIN means a concurrent rename
 * somewhere on the path: try again a few times. */
static int openat2_beneath(int dir, const char *path, int flags, unsigned mode) {
  open_how_t how = {(uint64_t)(unsigned)(flags | O_CLOEXEC), 0,
                    RESOLVE_BENEATH_ | RESOLVE_NO_MAGICLINKS_};
  if (flags & O_CREAT)
    how.mode = mode;
  for (int tries = 0; tries < 16; tries++) {
    long r = syscall(SYS_openat2, dir, path, &how, sizeof how);
    if (r >= 0)
      return (int)r;
    if (errno != EAGAIN && errno != EINTR)
      break;
  }
  return -1;
}

bool wasi_openat2_works(int dirfd) {
  int fd = openat2_beneath(dirfd, ".", O_PATH | O_DIRECTORY, 0);
  if (fd < 0)
    return false;
  close(fd);
  return true;
}

/* The WASI errno of a failed openat2: EXDEV is how RESOLVE_BENEATH reports an escape. */
static int openat2_errno(int e) {
  return e == EXDEV ? WASI_ENOTCAPABLE : wasi_errno(e);
}

static bool valid_utf8(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
               : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (!len || len > n - i || (len == 2 && c < 0xc2))
      return false;
    uint32_t cp = len == 1 ? c : c & (0x7fu >> len);
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80)
        return false;
      cp = cp << 6 | (s[i + k] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
      return false;
    i += len;
  }
  return true;
}

int wasi_path_read(wasi_call_t *c, uint32_t p, uint32_t len, char *out, size_t size) {
  const uint8_t *s = wasi_ptr(c, p, len);
  if (!s)
    return WASI_EFAULT;
  if (len >= size)
    return WASI_ENAMETOOLONG;
  if (memchr(s, 0, len))
    return WASI_EINVAL;
  if (!valid_utf8(s, len))
    return WASI_EILSEQ;
  memcpy(out, s, len);
  out[len] = 0;
  return WASI_ESUCCESS;
}

/* Splits path into the directory part (the whole path when the last component is "." or
 * "..", whose final name is then ".") and the final component. */
static int split(const char *path, char *dir, char *name, bool *slash) {
  if (!*path)
    return WASI_ENOENT;
  if (*path == '/')
    return WASI_ENOTCAPABLE;
  size_t len = strlen(path);
  *slash = false;
  while (len > 0 && path[len - 1] == '/') {
    len--;
    *slash = true;
  }
  size_t start = len;
  while (start > 0 && path[start - 1] != '/')
    start--;
  size_t nlen = len - start;
  const char *last = path + start;
  if ((nlen == 1 && last[0] == '.') || (nlen == 2 && last[0] == '.' && last[1] == '.')) {
    memcpy(dir, path, len);
    dir[len] = 0;
    strcpy(name, ".");
    return WASI_ESUCCESS;
  }
  if (nlen > NAME_LEN)
    return WASI_ENAMETOOLONG;
  if (start == 0) {
    strcpy(dir, ".");
  } else {
    memcpy(dir, path, start);
    dir[start] = 0;
  }
  memcpy(name, last, nlen);
  name[nlen] = 0;
  return WASI_ESUCCESS;
}

/* ---- the component walk ---- */

typedef struct walk {
  int *fds;                  /* fds[0] is the root (borrowed); fds[1..depth] are owned */
  size_t depth, cap;
  int links;
} walk_t;

static bool walk_push(walk_t *k, int fd) {
  if (k->depth + 1 >= k->cap) {
    size_t n = k->cap ? k->cap * 2 : 16;
    int *f = realloc(k->fds, n * sizeof *f);
    if (!f)
      return false;
    k->fds = f;
    k->cap = n;
  }
  k->fds[++k->depth] = fd;
  return true;
}

static void walk_free(walk_t *k) {
  for (size_t i = 1; i <= k->depth; i++)
    close(k->fds[i]);
  free(k->fds);
}

/* Replaces buf with target + "/" + rest (rest points into buf). */
static int splice_target(char *buf, const char *target, size_t tlen, const char *rest) {
  size_t rlen = strlen(rest);
  if (tlen + 1 + rlen + 1 > PATH_BUF)
    return WASI_ENAMETOOLONG;
  memmove(buf + tlen + 1, rest, rlen + 1);
  memcpy(buf, target, tlen);
  buf[tlen] = '/';
  return WASI_ESUCCESS;
}

/* Enters one component (not "." or ".."): a directory is pushed, a symlink is spliced into
 * buf in front of rest. */
static int walk_enter(walk_t *k, const char *comp, char *buf, const char *rest,
                      char *target) {
  int fd = openat(k->fds[k->depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return wasi_errno(errno);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return wasi_errno(e);
  }
  if (S_ISDIR(st.st_mode)) {
    if (walk_push(k, fd))
      return WASI_ESUCCESS;
    close(fd);
    return WASI_ENOMEM;
  }
  if (!S_ISLNK(st.st_mode)) {
    close(fd);
    return WASI_ENOTDIR;
  }
  ssize_t n = readlinkat(fd, "", target, PATH_MAX);
  int e = errno;
  close(fd);
  if (n < 0)
    return wasi_errno(e);
  if (++k->links > MAX_SYMLINKS)
    return WASI_ELOOP;
  if (n == 0 || n >= PATH_MAX)
    return n ? WASI_ENAMETOOLONG : WASI_ENOENT;
  if (target[0] == '/')
    return WASI_ENOTCAPABLE;
  return splice_target(buf, target, (size_t)n, rest);
}

/* Takes the component at buf[*pos]: "." stays, ".." leaves the directory entered last (never
 * the root), a name is entered. Returns an errno. */
static int walk_step(walk_t *k, char *buf, size_t *pos, char *comp, char *target) {
  size_t start = *pos, end = start;
  while (buf[end] && buf[end] != '/')
    end++;
  size_t len = end - start;
  *pos = end;
  if (len == 1 && buf[start] == '.')
    return WASI_ESUCCESS;
  if (len == 2 && buf[start] == '.' && buf[start + 1] == '.') {
    if (k->depth == 0)
      return WASI_ENOTCAPABLE;
    close(k->fds[k->depth--]);
    return WASI_ESUCCESS;
  }
  if (len > NAME_LEN)
    return WASI_ENAMETOOLONG;
  memcpy(comp, buf + start, len);
  comp[len] = 0;
  size_t before = k->depth;
  int e = walk_enter(k, comp, buf, buf + end, target);
  if (k->depth == before)
    *pos = 0;                /* a symlink: carry on from its target, spliced in front */
  return e;
}

/* Walks path (a directory) from root; returns a new O_PATH fd, or -(WASI errno). */
static int walk_dir(int root, const char *path) {
  size_t plen = strlen(path);
  if (plen >= PATH_BUF)
    return -WASI_ENAMETOOLONG;
  char *buf = malloc(2 * PATH_BUF + NAME_LEN + 1);
  walk_t k = {malloc(16 * sizeof(int)), 0, 16, 0};
  int e = buf && k.fds ? WASI_ESUCCESS : WASI_ENOMEM;
  if (e == WASI_ESUCCESS) {
    memcpy(buf, path, plen + 1);
    k.fds[0] = root;         /* borrowed */
  }
  char *target = buf ? buf + PATH_BUF : NULL, *comp = buf ? target + PATH_BUF : NULL;
  size_t pos = 0;
  while (e == WASI_ESUCCESS) {
    while (buf[pos] == '/')
      pos++;
    if (!buf[pos])
      break;
    e = walk_step(&k, buf, &pos, comp, target);
  }
  int fd = -1;
  if (e == WASI_ESUCCESS && k.depth > 0) {
    fd = k.fds[k.depth--];
  } else if (e == WASI_ESUCCESS) {
    fd = openat(root, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
      e = wasi_errno(errno);
  }
  walk_free(&k);
  free(buf);
  return e == WASI_ESUCCESS ? fd : -e;
}

/* The directory part of a path, opened beneath root. */
static int open_dir(swasm_wasi_t *w, int root, const char *dir) {
  if (!w->walk_only) {
    int fd = openat2_beneath(root, dir, O_PATH | O_DIRECTORY, 0);
    if (fd >= 0)
      return fd;
    if (errno != ENOSYS)
      return -openat2_errno(errno);
    w->walk_only = true;
  }
  return walk_dir(root, dir);
}

/* Replaces cur with "dir/target" (plus the trailing slash there was) for the final
 * symlink name in directory fd; returns an errno. */
static int follow_final(int fd, const char *name, const char *dir, bool slash, char *cur) {
  ssize_t n = readlinkat(fd, name, cur, PATH_MAX);
  if (n < 0)
    return wasi_errno(errno);
  if (n == 0 || n >= PATH_MAX)
    return n ? WASI_ENAMETOOLONG : WASI_ENOENT;
  if (cur[0] == '/')
    return WASI_ENOTCAPABLE;
  size_t dlen = strlen(dir), tlen = (size_t)n;
  if (dlen + 1 + tlen + 2 > PATH_BUF)
    return WASI_ENAMETOOLONG;
  memmove(cur + dlen + 1, cur, tlen);
  memcpy(cur, dir, dlen);
  cur[dlen] = '/';
  cur[dlen + 1 + tlen] = 0;
  if (slash)
    strcat(cur, "/");
  return WASI_ESUCCESS;
}

int wasi_resolve(swasm_wasi_t *w, const wasi_fd_t *f, const char *path, bool follow,
                 wasi_path_t *r) {
  r->dir = -1;
  size_t plen = strlen(path);
  if (plen >= PATH_BUF)
    return WASI_ENAMETOOLONG;
  char *cur = malloc(2 * PATH_BUF);
  if (!cur)
    return WASI_ENOMEM;
  char *dir = cur + PATH_BUF;
  memcpy(cur, path, plen + 1);
  int e = WASI_ESUCCESS;
  for (int hops = 0; e == WASI_ESUCCESS; hops++) {
    e = split(cur, dir, r->name, &r->trailing_slash);
    if (e != WASI_ESUCCESS)
      break;
    int fd = open_dir(w, f->host, dir);
    if (fd < 0) {
      e = -fd;
      break;
    }
    struct stat st;
    if (strcmp(r->name, ".") == 0 || fstatat(fd, r->name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      r->dir = fd;           /* missing: the operation reports it, or creates it */
      break;
    }
    if (!S_ISLNK(st.st_mode) || !follow) {
      r->dir = fd;
      if (r->trailing_slash && !S_ISDIR(st.st_mode))
        e = WASI_ENOTDIR;
      break;
    }
    /* Follow the final symlink by resolving "dir/target" from the root again, so the
     * target is confined exactly as the rest of the path was. */
    e = hops >= MAX_SYMLINKS ? WASI_ELOOP
                             : follow_final(fd, r->name, dir, r->trailing_slash, cur);
    close(fd);
  }
  free(cur);
  if (e != WASI_ESUCCESS)
    wasi_path_done(r);
  return e;
}

void wasi_path_done(wasi_path_t *r) {
  if (r->dir >= 0)
    close(r->dir);
  r->dir = -1;
}

int wasi_open_beneath(swasm_wasi_t *w, const wasi_fd_t *f, const char *path, bool follow,
                      int flags, unsigned mode) {
  if (!*path)
    return -WASI_ENOENT;
  if (*path == '/')
    return -WASI_ENOTCAPABLE;
  if (!follow)
    flags |= O_NOFOLLOW;
  if (!w->walk_only) {
    int fd = openat2_beneath(f->host, path, flags, mode);
    if (fd >= 0)
      return fd;
    if (errno != ENOSYS)
      return -openat2_errno(errno);
    w->walk_only = true;
  }
  wasi_path_t r;
  int e = wasi_resolve(w, f, path, follow, &r);
  if (e != WASI_ESUCCESS)
    return -e;
  if (r.trailing_slash)
    flags |= O_DIRECTORY;
  int fd = openat(r.dir, r.name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
  e = fd < 0 ? wasi_errno(errno) : WASI_ESUCCESS;
  wasi_path_done(&r);
  return fd >= 0 ? fd : -e;
}

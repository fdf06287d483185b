/* fdtable.c - the guest's file descriptor table: host fds with their WASI type and rights,
 * the standard streams and the preopened directories. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi.h"

/* Guest fds are small integers a guest may keep in arrays; past this many, EMFILE. */
#define MAX_FDS 65536u

uint8_t wasi_filetype(unsigned mode) {
  switch (mode & S_IFMT) {
  case S_IFREG: return WASI_FT_REGULAR_FILE;
  case S_IFDIR: return WASI_FT_DIRECTORY;
  case S_IFCHR: return WASI_FT_CHARACTER_DEVICE;
  case S_IFBLK: return WASI_FT_BLOCK_DEVICE;
  case S_IFLNK: return WASI_FT_SYMBOLIC_LINK;
  case S_IFSOCK: return WASI_FT_SOCKET_STREAM;
  default: return WASI_FT_UNKNOWN;     /* FIFOs: WASI has no type for them */
  }
}

uint64_t wasi_type_rights(uint8_t type, bool stream) {
  switch (type) {
  case WASI_FT_DIRECTORY: return WASI_RIGHTS_DIR;
  case WASI_FT_REGULAR_FILE:
  case WASI_FT_BLOCK_DEVICE: return stream ? WASI_RIGHTS_STREAM : WASI_RIGHTS_FILE;
  case WASI_FT_SOCKET_STREAM:
  case WASI_FT_SOCKET_DGRAM: return WASI_RIGHTS_STREAM | WASI_R_SOCK_SHUTDOWN | WASI_R_SOCK_ACCEPT;
  default: return WASI_RIGHTS_STREAM;
  }
}

wasi_fd_t *wasi_fd_get(swasm_wasi_t *w, uint32_t fd, uint64_t need, int *e) {
  if (fd >= w->nfds || w->fds[fd].host < 0) {
    *e = WASI_EBADF;
    return NULL;
  }
  wasi_fd_t *f = &w->fds[fd];
  if ((f->rights & need) != need) {
    *e = WASI_ENOTCAPABLE;
    return NULL;
  }
  *e = WASI_ESUCCESS;
  return f;
}

static bool grow(swasm_wasi_t *w, uint32_t want) {
  if (want <= w->nfds)
    return true;
  uint32_t n = w->nfds ? w->nfds : 8;
  while (n < want)
    n *= 2;
  wasi_fd_t *f = realloc(w->fds, n * sizeof *f);
  if (!f)
    return false;
  for (uint32_t i = w->nfds; i < n; i++) {
    memset(&f[i], 0, sizeof f[i]);
    f[i].host = -1;
  }
  w->fds = f;
  w->nfds = n;
  return true;
}

/* Installs h in the lowest free slot at or above start. */
static int add_from(swasm_wasi_t *w, uint32_t start, int h, uint8_t type, uint64_t rights,
                    uint64_t inherit, uint32_t *out) {
  uint32_t i = start;
  while (i < w->nfds && w->fds[i].host >= 0)
    i++;
  if (i >= MAX_FDS || !grow(w, i + 1)) {
    close(h);
    return i >= MAX_FDS ? WASI_EMFILE : WASI_ENOMEM;
  }
  wasi_fd_t *f = &w->fds[i];
  f->host = h;
  f->type = type;
  f->rights = rights;
  f->inherit = inherit;
  f->preopen = NULL;
  *out = i;
  return WASI_ESUCCESS;
}

int wasi_fd_add(swasm_wasi_t *w, int h, uint8_t type, uint64_t rights, uint64_t inherit,
                uint32_t *out) {
  return add_from(w, 0, h, type, rights, inherit, out);
}

void wasi_fd_release(wasi_fd_t *f) {
  if (f->host >= 0)
    close(f->host);
  free(f->preopen);
  f->host = -1;
  f->preopen = NULL;
}

/* A standard stream: a duplicate of the host fd, so that the guest closing it leaves the
 * host's own fd alone. */
static bool add_stdio(swasm_wasi_t *w, uint32_t slot, int host, swasm_error_t *err) {
  if (host < 0)
    return true;
  int h = fcntl(host, F_DUPFD_CLOEXEC, 3);
  if (h < 0 && errno == EBADF)
    return true;                       /* the host has no such stream: neither has the guest */
  struct stat st;
  if (h < 0 || fstat(h, &st) != 0) {
    if (h >= 0)
      close(h);
    if (err)
      snprintf(err->message, sizeof err->message, "WASI: standard stream %u (host fd %d): %s",
               slot, host, strerror(errno));
    return false;
  }
  wasi_fd_t *f = &w->fds[slot];
  f->host = h;
  f->type = wasi_filetype(st.st_mode);
  f->rights = wasi_type_rights(f->type, !S_ISREG(st.st_mode) || isatty(h));
  f->inherit = 0;
  return true;
}

static bool add_preopen(swasm_wasi_t *w, const swasm_wasi_dir_t *d, swasm_error_t *err) {
  const char *guest = d->guest_path ? d->guest_path : d->host_path;
  int h = d->host_path ? open(d->host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  if (h < 0 || !*guest) {
    if (err)
      snprintf(err->message, sizeof err->message, "WASI: cannot grant directory '%s': %s",
               d->host_path ? d->host_path : "(null)",
               h < 0 ? strerror(errno) : "the guest name is empty");
    if (h >= 0)
      close(h);
    return false;
  }
  char *name = strdup(guest);
  uint32_t fd;
  /* Preopens are 3, 4, ... even when a standard stream is closed. */
  if (!name || add_from(w, 3, h, WASI_FT_DIRECTORY, WASI_RIGHTS_DIR,
                           WASI_RIGHTS_DIR | WASI_RIGHTS_FILE, &fd) != WASI_ESUCCESS) {
    free(name);
    if (err)
      snprintf(err->message, sizeof err->message, "WASI: out of memory");
    return false;
  }
  w->fds[fd].preopen = name;
  if (!w->walk_only && !wasi_openat2_works(h))
    w->walk_only = true;
  return true;
}

bool wasi_fds_init(swasm_wasi_t *w, const swasm_wasi_config_t *cfg, swasm_error_t *err) {
  if (!grow(w, 3)) {
    if (err)
      snprintf(err->message, sizeof err->message, "WASI: out of memory");
    return false;
  }
  if (!add_stdio(w, 0, cfg->stdin_fd, err) || !add_stdio(w, 1, cfg->stdout_fd, err) ||
      !add_stdio(w, 2, cfg->stderr_fd, err))
    return false;
  for (int i = 0; i < cfg->ndirs; i++)
    if (!add_preopen(w, &cfg->dirs[i], err))
      return false;
  return true;
}

void wasi_fds_free(swasm_wasi_t *w) {
  for (uint32_t i = 0; i < w->nfds; i++)
    wasi_fd_release(&w->fds[i]);
  free(w->fds);
  w->fds = NULL;
  w->nfds = 0;
}

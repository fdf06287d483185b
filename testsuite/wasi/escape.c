/* escape.c - every way out of the granted directory fails with ENOTCAPABLE and changes
 * nothing outside: "..", absolute paths, symlinks to absolute places, relative symlinks
 * climbing out (directly, through chains and intermediate components), symlinks the guest
 * creates, and rename, link, mkdir, unlink, stat and utimes through any of those. run.sh
 * checks the directory next to the sandbox ("outside") is untouched afterwards.
 *
 * Fixture (run.sh): link_etc -> /etc, link_passwd -> /etc/passwd, link_out -> ../outside,
 * link_secret -> ../outside/secret, chain1 -> chain2 -> sub/../sub/deep/../../link_secret,
 * sub/upup -> ../.., sub/deep/esc -> ../../../outside. */
// NODE: skip (node:wasi is not a sandbox: it lets these through)
// BAKED: yes
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#include "t.h"

static const char *const escapes[] = {
  "..", "../outside/secret", "sub/../../outside/secret", "./sub/./../../outside",
  "link_etc/passwd", "link_passwd", "link_out", "link_out/secret", "link_secret", "chain1",
  "sub/upup/outside/secret", "sub/deep/esc/secret", "sub/upup/root/hello.txt",
  "sub//deep//..//..//..//outside/secret", "/etc/passwd", "/", "//sandbox/hello.txt",
};

/* Raw path_open on the preopen (fd 3), so no libc path handling gets in between. */
static int raw_open(const char *path, int follow, int oflags) {
  __wasi_fd_t fd;
  __wasi_rights_t r = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE;
  int e = __wasi_path_open(3, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path,
                           (__wasi_oflags_t)oflags, r, 0, 0, &fd);
  if (e == 0)
    __wasi_fd_close(fd);
  return e;
}

static int raw_stat(const char *path, int follow) {
  __wasi_filestat_t st;
  return __wasi_path_filestat_get(3, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path, &st);
}

int main(void) {
  char label[160], path[160];
  for (size_t i = 0; i < sizeof escapes / sizeof escapes[0]; i++) {
    snprintf(label, sizeof label, "path_open %s", escapes[i]);
    RAW(label, raw_open(escapes[i], 1, 0));
    snprintf(label, sizeof label, "filestat %s", escapes[i]);
    RAW(label, raw_stat(escapes[i], 1));
  }
  /* the same through libc */
  TRY("open /sandbox/../outside/secret", open("/sandbox/../outside/secret", O_RDONLY));
  TRY("open /sandbox/link_etc/passwd", open("/sandbox/link_etc/passwd", O_RDONLY));
  TRY("opendir /sandbox/link_etc", opendir("/sandbox/link_etc") ? 0 : -1);
  TRY("opendir /sandbox/..", opendir("/sandbox/..") ? 0 : -1);
  struct stat st;
  TRY("stat /sandbox/link_passwd", stat("/sandbox/link_passwd", &st));
  TRY("lstat /sandbox/link_passwd (the link itself)", lstat("/sandbox/link_passwd", &st));
  char buf[64];
  ssize_t n = readlink("/sandbox/link_passwd", buf, sizeof buf);
  printf("readlink link_passwd: %.*s\n", (int)(n > 0 ? n : 0), buf);
  RAW("open link_passwd without following", raw_open("link_passwd", 0, 0));

  /* writes that would land outside */
  RAW("create ../outside/new", raw_open("../outside/new", 0, __WASI_OFLAGS_CREAT));
  RAW("create link_out/new", raw_open("link_out/new", 1, __WASI_OFLAGS_CREAT));
  RAW("truncate link_secret", raw_open("link_secret", 1, __WASI_OFLAGS_TRUNC));
  TRY("mkdir ../outside/made", mkdir("/sandbox/../outside/made", 0755));
  TRY("mkdir link_out/made", mkdir("/sandbox/link_out/made", 0755));
  TRY("unlink link_out/secret", unlink("/sandbox/link_out/secret"));
  TRY("unlink ../outside/secret", unlink("/sandbox/../outside/secret"));
  TRY("rmdir ..", rmdir("/sandbox/.."));
  TRY("rmdir link_out/..", rmdir("/sandbox/link_out/.."));
  TRY("rename out", rename("/sandbox/hello.txt", "/sandbox/../outside/stolen"));
  TRY("rename out via link", rename("/sandbox/hello.txt", "/sandbox/link_out/stolen"));
  TRY("rename in", rename("/sandbox/../outside/secret", "/sandbox/got"));
  TRY("link out", link("/sandbox/hello.txt", "/sandbox/link_out/linked"));
  TRY("link in", link("/sandbox/link_out/secret", "/sandbox/got"));
  RAW("path_link following link_secret",
      __wasi_path_link(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link_secret", 3, "got"));
  struct timespec ts[2] = {{1, 0}, {1, 0}};
  TRY("utimensat through link", utimensat(AT_FDCWD, "/sandbox/link_secret", ts, 0));

  /* symlinks the guest creates */
  TRY("symlink to /etc/passwd", symlink("/etc/passwd", "/sandbox/mine"));
  TRY("symlink ../outside/secret from sub", symlink("../outside/secret", "/sandbox/sub/rel"));
  TRY("follow it (sub/../outside is inside: missing)", open("/sandbox/sub/rel", O_RDONLY));
  TRY("symlink ../../outside/secret from sub", symlink("../../outside/secret",
                                                       "/sandbox/sub/out"));
  TRY("follow it", open("/sandbox/sub/out", O_RDONLY));
  TRY("symlink a chain to it", symlink("sub/out", "/sandbox/chain3"));
  TRY("follow the chain", open("/sandbox/chain3", O_RDONLY));
  TRY("create a symlink outside", symlink("x", "/sandbox/../outside/planted"));
  TRY("symlink dir climbing", symlink("sub/..", "/sandbox/selfdir"));
  TRY("climb through it", open("/sandbox/selfdir/../outside/secret", O_RDONLY));
  TRY("inside through it", open("/sandbox/selfdir/hello.txt", O_RDONLY) >= 0 ? 0 : -1);
  const char *rm[] = {"sub/rel", "sub/out", "chain3", "selfdir"};
  for (size_t i = 0; i < sizeof rm / sizeof rm[0]; i++) {
    snprintf(path, sizeof path, "/sandbox/%s", rm[i]);
    if (unlink(path) != 0)
      printf("cleanup %s: %s\n", rm[i], ename(errno));
  }
  return 0;
}

// Expected output:
//> path_open ..: ENOTCAPABLE
//> filestat ..: ENOTCAPABLE
//> path_open ../outside/secret: ENOTCAPABLE
//> filestat ../outside/secret: ENOTCAPABLE
//> path_open sub/../../outside/secret: ENOTCAPABLE
//> filestat sub/../../outside/secret: ENOTCAPABLE
//> path_open ./sub/./../../outside: ENOTCAPABLE
//> filestat ./sub/./../../outside: ENOTCAPABLE
//> path_open link_etc/passwd: ENOTCAPABLE
//> filestat link_etc/passwd: ENOTCAPABLE
//> path_open link_passwd: ENOTCAPABLE
//> filestat link_passwd: ENOTCAPABLE
//> path_open link_out: ENOTCAPABLE
//> filestat link_out: ENOTCAPABLE
//> path_open link_out/secret: ENOTCAPABLE
//> filestat link_out/secret: ENOTCAPABLE
//> path_open link_secret: ENOTCAPABLE
//> filestat link_secret: ENOTCAPABLE
//> path_open chain1: ENOTCAPABLE
//> filestat chain1: ENOTCAPABLE
//> path_open sub/upup/outside/secret: ENOTCAPABLE
//> filestat sub/upup/outside/secret: ENOTCAPABLE
//> path_open sub/deep/esc/secret: ENOTCAPABLE
//> filestat sub/deep/esc/secret: ENOTCAPABLE
//> path_open sub/upup/root/hello.txt: ENOTCAPABLE
//> filestat sub/upup/root/hello.txt: ENOTCAPABLE
//> path_open sub//deep//..//..//..//outside/secret: ENOTCAPABLE
//> filestat sub//deep//..//..//..//outside/secret: ENOTCAPABLE
//> path_open /etc/passwd: ENOTCAPABLE
//> filestat /etc/passwd: ENOTCAPABLE
//> path_open /: ENOTCAPABLE
//> filestat /: ENOTCAPABLE
//> path_open //sandbox/hello.txt: ENOTCAPABLE
//> filestat //sandbox/hello.txt: ENOTCAPABLE
//> open /sandbox/../outside/secret: ENOTCAPABLE
//> open /sandbox/link_etc/passwd: ENOTCAPABLE
//> opendir /sandbox/link_etc: ENOTCAPABLE
//> opendir /sandbox/..: ENOTCAPABLE
//> stat /sandbox/link_passwd: ENOTCAPABLE
//> lstat /sandbox/link_passwd (the link itself): ok
//> readlink link_passwd: /etc/passwd
//> open link_passwd without following: ELOOP
//> create ../outside/new: ENOTCAPABLE
//> create link_out/new: ENOTCAPABLE
//> truncate link_secret: ENOTCAPABLE
//> mkdir ../outside/made: ENOTCAPABLE
//> mkdir link_out/made: ENOTCAPABLE
//> unlink link_out/secret: ENOTCAPABLE
//> unlink ../outside/secret: ENOTCAPABLE
//> rmdir ..: ENOTCAPABLE
//> rmdir link_out/..: ENOTCAPABLE
//> rename out: ENOTCAPABLE
//> rename out via link: ENOTCAPABLE
//> rename in: ENOTCAPABLE
//> link out: ENOTCAPABLE
//> link in: ENOTCAPABLE
//> path_link following link_secret: ENOTCAPABLE
//> utimensat through link: ENOTCAPABLE
//> symlink to /etc/passwd: ENOTCAPABLE
//> symlink ../outside/secret from sub: ok
//> follow it (sub/../outside is inside: missing): ENOENT
//> symlink ../../outside/secret from sub: ok
//> follow it: ENOTCAPABLE
//> symlink a chain to it: ok
//> follow the chain: ENOTCAPABLE
//> create a symlink outside: ENOTCAPABLE
//> symlink dir climbing: ok
//> climb through it: ENOTCAPABLE
//> inside through it: ok

/* symlinks.c - links inside the sandbox work: symlink, readlink, lstat against stat, links
 * through directories and ".." that stay inside, hard links. */
// NODE: skip (node:wasi departs from POSIX: readlink, O_NOFOLLOW, relative link targets)
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"

static void cat(const char *path) {
  char buf[64];
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf("cat %s: %s\n", path, ename(errno));
    return;
  }
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  printf("cat %s: <%.*s>\n", path, (int)(n > 0 ? strcspn(buf, "\n") : 0), buf);
}

int main(void) {
  TRY("symlink", symlink("hello.txt", "/sandbox/ln"));
  TRY("symlink exists", symlink("hello.txt", "/sandbox/ln"));
  char buf[64];
  ssize_t n = readlink("/sandbox/ln", buf, sizeof buf);
  printf("readlink %zd <%.*s>\n", n, (int)n, buf);
  n = readlink("/sandbox/ln", buf, 3);
  printf("readlink short %zd <%.*s>\n", n, (int)n, buf);
  TRY("readlink on a file", readlink("/sandbox/hello.txt", buf, sizeof buf));
  struct stat st;
  lstat("/sandbox/ln", &st);
  printf("lstat link %d\n", S_ISLNK(st.st_mode));
  stat("/sandbox/ln", &st);
  printf("stat reg %d size %lld\n", S_ISREG(st.st_mode), (long long)st.st_size);
  cat("/sandbox/ln");
  TRY("open O_NOFOLLOW", open("/sandbox/ln", O_RDONLY | O_NOFOLLOW));
  TRY("symlink to dir", symlink("sub/../sub", "/sandbox/lnsub"));
  TRY("file through dir link", open("/sandbox/lnsub/../hello.txt", O_RDONLY) >= 0 ? 0 : -1);
  TRY("symlink in sub", symlink("../hello.txt", "/sandbox/sub/up"));
  cat("/sandbox/sub/up");
  cat("/sandbox/lnsub/up");
  TRY("chain", symlink("ln", "/sandbox/ln2"));
  cat("/sandbox/ln2");
  TRY("dangling", symlink("nowhere", "/sandbox/dang"));
  cat("/sandbox/dang");
  TRY("create through dangling", open("/sandbox/dang", O_CREAT | O_WRONLY, 0644) >= 0 ? 0 : -1);
  TRY("now exists", stat("/sandbox/nowhere", &st));
  TRY("loop a", symlink("loopb", "/sandbox/loopa"));
  TRY("loop b", symlink("loopa", "/sandbox/loopb"));
  cat("/sandbox/loopa");
  TRY("hard link", link("/sandbox/hello.txt", "/sandbox/hard"));
  stat("/sandbox/hello.txt", &st);
  printf("nlink %llu\n", (unsigned long long)st.st_nlink);
  cat("/sandbox/hard");
  TRY("hard link exists", link("/sandbox/hello.txt", "/sandbox/hard"));
  TRY("unlink symlink", unlink("/sandbox/ln"));
  cat("/sandbox/ln2");
  const char *rm[] = {"ln2", "lnsub", "sub/up", "dang", "nowhere", "loopa", "loopb", "hard"};
  for (size_t i = 0; i < sizeof rm / sizeof rm[0]; i++) {
    snprintf(buf, sizeof buf, "/sandbox/%s", rm[i]);
    if (unlink(buf) != 0)
      printf("cleanup %s: %s\n", rm[i], ename(errno));
  }
  return 0;
}

// Expected output:
//> symlink: ok
//> symlink exists: EEXIST
//> readlink 9 <hello.txt>
//> readlink short 3 <hel>
//> readlink on a file: EINVAL
//> lstat link 1
//> stat reg 1 size 6
//> cat /sandbox/ln: <hello>
//> open O_NOFOLLOW: ELOOP
//> symlink to dir: ok
//> file through dir link: ok
//> symlink in sub: ok
//> cat /sandbox/sub/up: <hello>
//> cat /sandbox/lnsub/up: <hello>
//> chain: ok
//> cat /sandbox/ln2: <hello>
//> dangling: ok
//> cat /sandbox/dang: ENOENT
//> create through dangling: ok
//> now exists: ok
//> loop a: ok
//> loop b: ok
//> cat /sandbox/loopa: ELOOP
//> hard link: ok
//> nlink 2
//> cat /sandbox/hard: <hello>
//> hard link exists: EEXIST
//> unlink symlink: ok
//> cat /sandbox/ln2: ENOENT

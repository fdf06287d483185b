// escape.c - every way out of the granted directory is refused: .., absolute paths, symlinks
// to .. and to absolute targets, for open, create, stat, mkdir, rename and unlink; nothing
// outside is changed.
// DIR: yes
// JCO: no (preview2-shim on Node is not a sandbox: it resolves these paths on the host)
// EXIT: 0
//> open /data/../outside.txt: refused
//> open /data/sub/../../outside.txt: refused
//> open /data/up/outside.txt: refused
//> open /data/abs: refused
//> open /etc/passwd: refused
//> open /data/chain1: refused
//> create /data/../created.txt: refused
//> create /data/up/created.txt: refused
//> stat /data/up/outside.txt: refused
//> mkdir /data/../newdir: refused
//> rename to /data/../stolen.txt: refused
//> unlink /data/up/outside.txt: refused
//> opendir /data/up: refused
//> inside still fine: hello file
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void said(const char *what, const char *path, int ok) {
  printf("%s %s: %s\n", what, path, ok ? "ALLOWED" : "refused");
}

int main(void) {
  const char *reads[] = {"/data/../outside.txt", "/data/sub/../../outside.txt",
                         "/data/up/outside.txt", "/data/abs", "/etc/passwd",
                         "/data/chain1"};
  for (int i = 0; i < 6; i++) {
    int fd = open(reads[i], O_RDONLY);
    said("open", reads[i], fd >= 0);
    if (fd >= 0) close(fd);
  }
  const char *creates[] = {"/data/../created.txt", "/data/up/created.txt"};
  for (int i = 0; i < 2; i++) {
    int fd = open(creates[i], O_WRONLY | O_CREAT, 0644);
    said("create", creates[i], fd >= 0);
    if (fd >= 0) close(fd);
  }
  struct stat st;
  said("stat", "/data/up/outside.txt", stat("/data/up/outside.txt", &st) == 0);
  said("mkdir", "/data/../newdir", mkdir("/data/../newdir", 0777) == 0);
  said("rename to", "/data/../stolen.txt", rename("/data/hello.txt", "/data/../stolen.txt") == 0);
  said("unlink", "/data/up/outside.txt", unlink("/data/up/outside.txt") == 0);
  DIR *d = opendir("/data/up");
  said("opendir", "/data/up", d != NULL);
  char buf[64];
  FILE *f = fopen("/data/hello.txt", "r");
  if (!f || !fgets(buf, sizeof buf, f)) return 1;
  printf("inside still fine: %s", buf);
  return 0;
}

// meta.c - metadata: set and read times, sizes after extending, hard and symbolic links,
// file types, errors as errno values. (Times are whole microseconds: Node keeps no more.)
// DIR: yes
// JCO: yes
// EXIT: 0
//> utimensat 0
//> mtime 1700000000.123456000
//> atime 1600000000
//> ftruncate 0 size 10000
//> pwrite 3 pread abc
//> symlink 0 readlink hello.txt
//> lstat is link 1 stat is file 1
//> link 0 nlink 2
//> mkdir exists: File exists
//> rmdir non-empty: Directory not empty
//> open dir for writing: Is a directory
//> unlink dir: Is a directory
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  struct timespec ts[2] = {{1600000000, 0}, {1700000000, 123456000}};
  printf("utimensat %d\n", utimensat(AT_FDCWD, "/data/hello.txt", ts, 0));
  struct stat st;
  stat("/data/hello.txt", &st);
  printf("mtime %lld.%09ld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  printf("atime %lld\n", (long long)st.st_atim.tv_sec);
  int fd = open("/data/grow.bin", O_RDWR | O_CREAT, 0644);
  int r = ftruncate(fd, 10000);
  fstat(fd, &st);
  printf("ftruncate %d size %lld\n", r, (long long)st.st_size);
  char buf[64] = {0};
  ssize_t w = pwrite(fd, "abc", 3, 5000);
  pread(fd, buf, 3, 5000);
  printf("pwrite %zd pread %s\n", w, buf);
  close(fd);
  r = symlink("hello.txt", "/data/sym");
  ssize_t n = readlink("/data/sym", buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  printf("symlink %d readlink %s\n", r, buf);
  struct stat ls;
  lstat("/data/sym", &ls);
  stat("/data/sym", &st);
  printf("lstat is link %d stat is file %d\n", S_ISLNK(ls.st_mode), S_ISREG(st.st_mode));
  r = link("/data/hello.txt", "/data/hard");
  stat("/data/hello.txt", &st);
  printf("link %d nlink %lld\n", r, (long long)st.st_nlink);
  mkdir("/data/sub", 0777);
  printf("mkdir exists: %s\n", strerror(errno));
  rmdir("/data/sub");
  printf("rmdir non-empty: %s\n", strerror(errno));
  open("/data/sub", O_WRONLY);
  printf("open dir for writing: %s\n", strerror(errno));
  unlink("/data/sub");
  printf("unlink dir: %s\n", strerror(errno));
  return 0;
}

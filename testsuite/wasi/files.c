/* files.c - regular files: create, write, read, seek, pread/pwrite, append, truncate, stat,
 * times, sync and the errors of the usual mistakes. */
// BAKED: yes
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "t.h"

static void show(const char *label, int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    printf("%s: fstat %s\n", label, ename(errno));
    return;
  }
  printf("%s: size %lld reg %d dir %d nlink %llu\n", label, (long long)st.st_size,
         S_ISREG(st.st_mode), S_ISDIR(st.st_mode), (unsigned long long)st.st_nlink);
}

int main(void) {
  char buf[64];
  int fd = open("/sandbox/hello.txt", O_RDONLY);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  printf("read %zd <%.*s>\n", n, (int)strcspn(buf, "\n"), buf);
  show("hello", fd);
  TRY("write to read-only fd", write(fd, "x", 1));
  close(fd);

  fd = open("/sandbox/new.txt", O_RDWR | O_CREAT | O_EXCL, 0644);
  printf("created %d\n", fd >= 0);
  TRY("create again with O_EXCL", open("/sandbox/new.txt", O_RDWR | O_CREAT | O_EXCL, 0644));
  printf("write %zd\n", write(fd, "0123456789", 10));
  printf("lseek cur %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  printf("lseek set %lld\n", (long long)lseek(fd, 2, SEEK_SET));
  n = read(fd, buf, 3);
  printf("read %zd <%.3s>\n", n, buf);
  printf("pwrite %zd\n", pwrite(fd, "AB", 2, 8));
  n = pread(fd, buf, 10, 5);
  printf("pread %zd <%.*s>\n", n, (int)n, buf);
  printf("tell after p-ops %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  printf("lseek end-1 %lld\n", (long long)lseek(fd, -1, SEEK_END));
  TRY("lseek before start", lseek(fd, -100, SEEK_SET));
  printf("lseek past end %lld\n", (long long)lseek(fd, 20, SEEK_SET));
  printf("write past end %zd\n", write(fd, "Z", 1));
  show("sparse", fd);
  TRY("ftruncate 4", ftruncate(fd, 4));
  show("truncated", fd);
  TRY("fsync", fsync(fd));
  TRY("fdatasync", fdatasync(fd));
  struct timespec ts[2] = {{1000, 0}, {2000, 0}};
  TRY("futimens", futimens(fd, ts));
  struct stat st;
  fstat(fd, &st);
  printf("atime %lld.%09ld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec,
         st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  close(fd);
  TRY("read closed fd", read(fd, buf, 1));

  fd = open("/sandbox/new.txt", O_WRONLY | O_APPEND);
  printf("append %zd\n", write(fd, "++", 2));
  close(fd);
  fd = open("/sandbox/new.txt", O_RDONLY);
  n = read(fd, buf, sizeof buf);
  printf("after append <%.*s>\n", (int)n, buf);
  close(fd);
  fd = open("/sandbox/new.txt", O_WRONLY | O_TRUNC);
  show("O_TRUNC", fd);
  close(fd);

  struct timespec t2[2] = {{3000, 0}, {4000, 0}};
  TRY("utimensat", utimensat(AT_FDCWD, "/sandbox/new.txt", t2, 0));
  stat("/sandbox/new.txt", &st);
  printf("mtime %lld\n", (long long)st.st_mtim.tv_sec);
  TRY("stat missing", stat("/sandbox/missing", &st));
  TRY("open missing", open("/sandbox/missing", O_RDONLY));
  TRY("open dir for writing", open("/sandbox/sub", O_WRONLY));
  TRY("open file as dir", open("/sandbox/hello.txt", O_RDONLY | O_DIRECTORY));
  TRY("trailing slash on file", open("/sandbox/hello.txt/", O_RDONLY));
  TRY("unlink", unlink("/sandbox/new.txt"));
  TRY("unlink again", unlink("/sandbox/new.txt"));
  TRY("unlink a dir", unlink("/sandbox/sub"));
  return 0;
}

// Expected output:
//> read 6 <hello>
//> hello: size 6 reg 1 dir 0 nlink 1
//> write to read-only fd: EBADF
//> created 1
//> create again with O_EXCL: EEXIST
//> write 10
//> lseek cur 10
//> lseek set 2
//> read 3 <234>
//> pwrite 2
//> pread 5 <567AB>
//> tell after p-ops 5
//> lseek end-1 9
//> lseek before start: EINVAL
//> lseek past end 20
//> write past end 1
//> sparse: size 21 reg 1 dir 0 nlink 1
//> ftruncate 4: ok
//> truncated: size 4 reg 1 dir 0 nlink 1
//> fsync: ok
//> fdatasync: ok
//> futimens: ok
//> atime 1000.000000000 mtime 2000.000000000
//> read closed fd: EBADF
//> append 2
//> after append <0123++>
//> O_TRUNC: size 0 reg 1 dir 0 nlink 1
//> utimensat: ok
//> mtime 4000
//> stat missing: ENOENT
//> open missing: ENOENT
//> open dir for writing: EISDIR
//> open file as dir: ENOTDIR
//> trailing slash on file: ENOTDIR
//> unlink: ok
//> unlink again: ENOENT
//> unlink a dir: EISDIR

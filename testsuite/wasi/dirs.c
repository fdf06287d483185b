/* dirs.c - directories: mkdir, readdir (sorted here), rmdir, rename of files and directories,
 * and their errors. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *path) {
  DIR *d = opendir(path);
  if (!d) {
    printf("ls %s: %s\n", path, ename(errno));
    return;
  }
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 64)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], cmp);
  printf("ls %s:", path);
  for (int i = 0; i < n; i++) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

int main(void) {
  list("/sandbox");
  TRY("mkdir a", mkdir("/sandbox/a", 0755));
  TRY("mkdir a again", mkdir("/sandbox/a", 0755));
  TRY("mkdir a/b", mkdir("/sandbox/a/b", 0755));
  TRY("mkdir missing parent", mkdir("/sandbox/x/y", 0755));
  int fd = open("/sandbox/a/b/f", O_CREAT | O_WRONLY, 0644);
  close(fd);
  list("/sandbox/a");
  list("/sandbox/a/b");
  TRY("rmdir non-empty", rmdir("/sandbox/a"));
  TRY("rmdir a file", rmdir("/sandbox/a/b/f"));
  TRY("rename file", rename("/sandbox/a/b/f", "/sandbox/a/g"));
  TRY("rename dir", rename("/sandbox/a/b", "/sandbox/c"));
  list("/sandbox");
  list("/sandbox/a");
  TRY("rename missing", rename("/sandbox/nope", "/sandbox/nope2"));
  TRY("rename dir over non-empty dir", rename("/sandbox/c", "/sandbox/sub"));
  struct stat st;
  TRY("stat dir", stat("/sandbox/c", &st));
  printf("is dir %d\n", S_ISDIR(st.st_mode));
  TRY("opendir on a file", opendir("/sandbox/hello.txt") ? 0 : -1);
  TRY("unlink a/g", unlink("/sandbox/a/g"));
  TRY("rmdir a", rmdir("/sandbox/a"));
  TRY("rmdir c", rmdir("/sandbox/c"));
  TRY("rmdir gone", rmdir("/sandbox/c"));
  list("/sandbox");
  list("/sandbox/sub");
  return 0;
}

// Expected output:
//> ls /sandbox: chain1 chain2 hello.txt link_etc link_out link_passwd link_secret sub
//> mkdir a: ok
//> mkdir a again: EEXIST
//> mkdir a/b: ok
//> mkdir missing parent: ENOENT
//> ls /sandbox/a: b
//> ls /sandbox/a/b: f
//> rmdir non-empty: ENOTEMPTY
//> rmdir a file: ENOTDIR
//> rename file: ok
//> rename dir: ok
//> ls /sandbox: a c chain1 chain2 hello.txt link_etc link_out link_passwd link_secret sub
//> ls /sandbox/a: g
//> rename missing: ENOENT
//> rename dir over non-empty dir: ENOTEMPTY
//> stat dir: ok
//> is dir 1
//> opendir on a file: ENOTDIR
//> unlink a/g: ok
//> rmdir a: ok
//> rmdir c: ok
//> rmdir gone: ENOENT
//> ls /sandbox: chain1 chain2 hello.txt link_etc link_out link_passwd link_secret sub
//> ls /sandbox/sub: deep upup

// files.c - files and directories in a granted directory: create, write, append, read,
// seek, stat, truncate, list, mkdir, rename, unlink, rmdir, readlink.
// DIR: yes
// JCO: yes
// EXIT: 0
//> read: hello file
//> wrote 12
//> size 12
//> after append: first line
//> second
//> seek 6: line
//> truncated size 5
//> listing: abs chain1 chain2 hello.txt inlink new.txt sub up
//> mkdir 0
//> rename 0
//> moved exists 1
//> old exists 0
//> unlink 0
//> rmdir 0
//> readlink hello.txt
//> via link: hello file
//> missing: No such file or directory
//> is dir 1
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

int main(void) {
  char buf[256];
  FILE *f = fopen("/data/hello.txt", "r");
  if (!f || !fgets(buf, sizeof buf, f)) return 10;
  printf("read: %s", buf);
  fclose(f);

  f = fopen("/data/new.txt", "w");
  int n = fprintf(f, "first line\n");
  fclose(f);
  struct stat st;
  stat("/data/new.txt", &st);
  printf("wrote %d\nsize %lld\n", n + 1, (long long)st.st_size + 1);
  f = fopen("/data/new.txt", "a");
  fputs("second\n", f);
  fclose(f);
  f = fopen("/data/new.txt", "r");
  size_t got = fread(buf, 1, sizeof buf - 1, f);
  buf[got] = 0;
  printf("after append: %s", buf);
  fseek(f, 6, SEEK_SET);
  fgets(buf, sizeof buf, f);
  printf("seek 6: %s", buf);
  fclose(f);
  truncate("/data/new.txt", 5);
  stat("/data/new.txt", &st);
  printf("truncated size %lld\n", (long long)st.st_size);

  char *names[64];
  int k = 0;
  DIR *d = opendir("/data");
  struct dirent *e;
  while (d && (e = readdir(d)) && k < 64)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      names[k++] = strdup(e->d_name);
  closedir(d);
  qsort(names, k, sizeof *names, cmp);
  printf("listing:");
  for (int i = 0; i < k; i++) printf(" %s", names[i]);
  printf("\n");

  printf("mkdir %d\n", mkdir("/data/newdir", 0777));
  printf("rename %d\n", rename("/data/new.txt", "/data/newdir/moved.txt"));
  printf("moved exists %d\n", access("/data/newdir/moved.txt", F_OK) == 0);
  printf("old exists %d\n", access("/data/new.txt", F_OK) == 0);
  printf("unlink %d\n", unlink("/data/newdir/moved.txt"));
  printf("rmdir %d\n", rmdir("/data/newdir"));
  ssize_t r = readlink("/data/inlink", buf, sizeof buf - 1);
  buf[r > 0 ? r : 0] = 0;
  printf("readlink %s\n", buf);
  f = fopen("/data/inlink", "r");
  if (!f || !fgets(buf, sizeof buf, f)) return 11;
  printf("via link: %s", buf);
  fclose(f);
  f = fopen("/data/missing.txt", "r");
  printf("missing: %s\n", f ? "opened" : strerror(errno));
  stat("/data/sub", &st);
  printf("is dir %d\n", S_ISDIR(st.st_mode));
  return 0;
}

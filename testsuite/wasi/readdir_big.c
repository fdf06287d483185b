/* readdir_big.c - a directory with more entries than one fd_readdir buffer holds: every entry
 * comes back exactly once, through cookies and cut-off entries; rewinddir starts again. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N 300

int main(void) {
  static char seen[N];
  char name[300];
  mkdir("/sandbox/big", 0755);
  for (int i = 0; i < N; i++) {
    /* long names, so entries are cut off at buffer ends */
    snprintf(name, sizeof name, "/sandbox/big/entry-%03d-%0*d", i, 60 + i % 50, 0);
    int fd = open(name, O_CREAT | O_WRONLY, 0644);
    if (fd < 0) {
      printf("create %d failed\n", i);
      return 1;
    }
    close(fd);
  }
  DIR *d = opendir("/sandbox/big");
  for (int pass = 0; pass < 2; pass++) {
    memset(seen, 0, sizeof seen);
    int total = 0, dups = 0, bad = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
        continue;
      int k = -1;
      if (sscanf(e->d_name, "entry-%3d-", &k) != 1 || k < 0 || k >= N ||
          strlen(e->d_name) != (size_t)(10 + 60 + k % 50) || e->d_type != DT_REG) {
        bad++;
        continue;
      }
      dups += seen[k];
      seen[k] = 1;
      total++;
    }
    printf("pass %d: %d entries, %d duplicates, %d bad\n", pass, total, dups, bad);
    rewinddir(d);
  }
  closedir(d);
  for (int i = 0; i < N; i++) {
    snprintf(name, sizeof name, "/sandbox/big/entry-%03d-%0*d", i, 60 + i % 50, 0);
    unlink(name);
  }
  printf("rmdir %d\n", rmdir("/sandbox/big"));
  return 0;
}

// Expected output:
//> pass 0: 300 entries, 0 duplicates, 0 bad
//> pass 1: 300 entries, 0 duplicates, 0 bad
//> rmdir 0

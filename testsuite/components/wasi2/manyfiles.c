// manyfiles.c - a directory listing longer than one host readdir buffer: 300 files with long
// names created, listed, removed.
// DIR: yes
// JCO: yes
// EXIT: 0
//> created 300
//> listed 300 of ours, 307 in all
//> first file-000-with-a-rather-long-name-to-fill-buffers-quickly.txt
//> last file-299-with-a-rather-long-name-to-fill-buffers-quickly.txt
//> removed 300
//> left 7
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *names[400];

static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

static int list(int *ours) {
  int all = 0;
  *ours = 0;
  DIR *d = opendir("/data");
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (!strncmp(e->d_name, "file-", 5) && *ours < 400) names[(*ours)++] = strdup(e->d_name);
    all++;
  }
  closedir(d);
  return all;
}

int main(void) {
  char path[256];
  int made = 0;
  for (int i = 0; i < 300; i++) {
    snprintf(path, sizeof path,
             "/data/file-%03d-with-a-rather-long-name-to-fill-buffers-quickly.txt", i);
    FILE *f = fopen(path, "w");
    if (f) { fprintf(f, "%d\n", i); fclose(f); made++; }
  }
  printf("created %d\n", made);
  int ours, all = list(&ours);
  qsort(names, ours, sizeof *names, cmp);
  printf("listed %d of ours, %d in all\n", ours, all);
  printf("first %s\nlast %s\n", names[0], names[ours - 1]);
  int removed = 0;
  for (int i = 0; i < ours; i++) {
    snprintf(path, sizeof path, "/data/%s", names[i]);
    removed += unlink(path) == 0;
  }
  printf("removed %d\n", removed);
  printf("left %d\n", list(&ours));
  return 0;
}

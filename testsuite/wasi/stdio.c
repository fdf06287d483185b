/* stdio.c - standard streams: stdin read to EOF, stdout and stderr written, neither a tty. */
// STDIN: first line\nsecond line\n
// STDERR: to stderr
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  char line[256];
  int n = 0;
  while (fgets(line, sizeof line, stdin)) {
    for (char *p = line; *p; p++)
      *p = (char)toupper((unsigned char)*p);
    printf("%d: %s", ++n, line);
  }
  printf("eof after %d lines\n", n);
  printf("isatty %d %d\n", isatty(0), isatty(1));
  fprintf(stderr, "to stderr\n");
  fflush(stdout);
  const char msg[] = "raw write\n";
  printf("write %zd\n", write(1, msg, strlen(msg)));
  fflush(stdout);
  return 0;
}

// Expected output:
//> 1: FIRST LINE
//> 2: SECOND LINE
//> eof after 2 lines
//> isatty 0 0
//> raw write
//> write 10

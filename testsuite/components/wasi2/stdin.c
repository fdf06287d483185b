// stdin.c - reading the standard input to its end.
// STDIN: line one\nline two\nthird line without newline
// JCO: yes
// EXIT: 0
//> 1: LINE ONE
//> 2: LINE TWO
//> 3: THIRD LINE WITHOUT NEWLINE
//> bytes 44
#include <ctype.h>
#include <string.h>
#include <stdio.h>
int main(void) {
  char line[256];
  int n = 0, bytes = 0;
  while (fgets(line, sizeof line, stdin)) {
    n++;
    for (char *p = line; *p; p++) { bytes++; *p = (char)toupper((unsigned char)*p); }
    printf("%d: %s", n, line);
    if (line[0] && line[strlen(line) - 1] != '\n') printf("\n");
  }
  printf("bytes %d\n", bytes);
  return 0;
}

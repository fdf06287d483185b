/* env.c - the guest sees exactly the variables granted, and no others from the host. */
// ENV: GREETING=hello EMPTY= WITH_EQ=a=b
// BAKED: yes
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(void) {
  const char *names[] = {"GREETING", "EMPTY", "WITH_EQ", "PATH", "HOME", "SWASM_WASI_ENV"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const char *v = getenv(names[i]);
    printf("%s %s%s%s\n", names[i], v ? "= <" : "unset", v ? v : "", v ? ">" : "");
  }
  int n = 0;
  for (char **e = environ; *e; e++)
    n++;
  printf("count %d\n", n);
  return 0;
}

// Expected output:
//> GREETING = <hello>
//> EMPTY = <>
//> WITH_EQ = <a=b>
//> PATH unset
//> HOME unset
//> SWASM_WASI_ENV unset
//> count 3

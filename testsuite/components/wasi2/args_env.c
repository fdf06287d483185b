// args_env.c - the arguments and exactly the environment granted.
// ARGS: one "two words" 3 --flag
// ENV: FOO=bar GREETING=hello=world EMPTY=
// JCO: yes
// EXIT: 0
//> argc 5
//> argv[1] one
//> argv[2] two words
//> argv[3] 3
//> argv[4] --flag
//> FOO=bar
//> GREETING=hello=world
//> EMPTY=
//> HOME unset
//> environ 3
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("argc %d\n", argc);
  for (int i = 1; i < argc; i++)
    printf("argv[%d] %s\n", i, argv[i]);
  const char *names[] = {"FOO", "GREETING", "EMPTY"};
  for (int i = 0; i < 3; i++)
    printf("%s=%s\n", names[i], getenv(names[i]) ? getenv(names[i]) : "(unset)");
  printf("HOME %s\n", getenv("HOME") ? "set" : "unset");
  int n = 0;
  for (char **e = environ; *e; e++)
    n++;
  printf("environ %d\n", n);
  return 0;
}

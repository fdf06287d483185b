/* cmd_inspect.c - PLACEHOLDER until its owner writes it: 'swasm inspect'. */
#include <stdio.h>
#include "cmds.h"
int cmd_inspect(int argc, char **argv) {
  (void)argc; (void)argv;
  fprintf(stderr, "swasm inspect: not built yet\n");
  return 2;
}

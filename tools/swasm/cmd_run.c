/* cmd_run.c - PLACEHOLDER until its owner writes it: 'swasm run'. */
#include <stdio.h>
#include "cmds.h"
int cmd_run(int argc, char **argv) {
  (void)argc; (void)argv;
  fprintf(stderr, "swasm run: not built yet\n");
  return 2;
}

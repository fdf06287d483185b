/* cmd_wast.c - PLACEHOLDER until its owner writes it: 'swasm wast'. */
#include <stdio.h>
#include "cmds.h"
int cmd_wast(int argc, char **argv) {
  (void)argc; (void)argv;
  fprintf(stderr, "swasm wast: not built yet\n");
  return 2;
}

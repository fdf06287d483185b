/* cmd_validate.c - PLACEHOLDER until its owner writes it: 'swasm validate'. */
#include <stdio.h>
#include "cmds.h"
int cmd_validate(int argc, char **argv) {
  (void)argc; (void)argv;
  fprintf(stderr, "swasm validate: not built yet\n");
  return 2;
}

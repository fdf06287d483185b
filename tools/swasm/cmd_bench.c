/* cmd_bench.c - PLACEHOLDER until its owner writes it: 'swasm bench'. */
#include <stdio.h>
#include "cmds.h"
int cmd_bench(int argc, char **argv) {
  (void)argc; (void)argv;
  fprintf(stderr, "swasm bench: not built yet\n");
  return 2;
}

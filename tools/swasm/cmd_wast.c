/* cmd_wast.c - 'swasm wast': runs WebAssembly spec test scripts (wast_driver.c), compiling their
 * modules here, for the host or, through wast_cross.c, for the other architecture. */
#include "cmds.h"
#include "wast_cross.h"
#include "wast_driver.h"

int cmd_wast(int argc, char **argv) {
  return wast_main(argc, argv, "swasm wast", wast_cross_run);
}

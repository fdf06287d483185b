/* wast_cross.h - 'swasm wast --target=TRIPLE' for the architecture this machine is not: modules
 * compile here, and the target's swasm-wast-exec runs the scripts under an emulator. */
#ifndef SWASM_WAST_CROSS_H
#define SWASM_WAST_CROSS_H

#include "wast_driver.h"

/* A wast_cross_fn (wast_driver.h). */
bool wast_cross_run(wast_cli_t *cli, char **files, int nfiles, wast_counts_t *total);

#endif

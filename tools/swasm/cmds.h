/* cmds.h - the subcommands of the swasm tool and the small helpers they share. */
#ifndef SWASM_TOOL_CMDS_H
#define SWASM_TOOL_CMDS_H

#include <stddef.h>
#include <stdint.h>

/* Each returns the process exit status: 0 success, 1 the input is at fault (invalid module,
 * failed test, trap), 2 usage or I/O error. */
int cmd_validate(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_wit(int argc, char **argv);
int cmd_wast(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_bench(int argc, char **argv);

/* Reads a whole file; NULL with errno set on failure. The caller frees. */
uint8_t *tool_read_file(const char *path, size_t *size);

/* True when argv[i] is -h or --help. */
int tool_is_help(const char *arg);

#endif

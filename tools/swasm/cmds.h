/* cmds.h - the subcommands of the swasm tool and the small helpers they share. */
#ifndef SWASM_TOOL_CMDS_H
#define SWASM_TOOL_CMDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Each returns the process exit status: 0 success, 1 the input is at fault (invalid module,
 * failed test, trap), 2 usage or I/O error. */
int cmd_validate(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_wit(int argc, char **argv);
int cmd_wast(int argc, char **argv);
int cmd_run(int argc, char **argv);
/* swasm run of a component (run_component.c): cmd_run hands over when FILE is one. */
int cmd_run_component(int argc, char **argv);
/* Whether path names a component binary (reads its first 8 bytes; false on any error). */
bool tool_is_component_file(const char *path);
int cmd_bench(int argc, char **argv);

/* Reads a whole file; NULL with errno set on failure. The caller frees. */
uint8_t *tool_read_file(const char *path, size_t *size);

/* True when argv[i] is -h or --help. */
int tool_is_help(const char *arg);

#endif

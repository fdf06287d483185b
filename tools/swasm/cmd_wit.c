/* cmd_wit.c - 'swasm wit': decode and validate a component and print its world in WIT (the
 * imports and exports, the interfaces they name and the types those use). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "swasm/compiler.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: swasm wit [--world NAME] FILE\n"
          "\n"
          "Prints the world of the WebAssembly component in FILE in WIT: its imports and\n"
          "exports, followed by the packages of the interfaces they name. The component is\n"
          "validated first. NAME names the world (default: root).\n"
          "\n"
          "exit status: 0 printed, 1 FILE is not a valid component, 2 usage or I/O error\n");
}

int cmd_wit(int argc, char **argv) {
  const char *path = NULL, *world = "root";
  for (int i = 1; i < argc; i++) {
    if (tool_is_help(argv[i])) { usage(stdout); return 0; }
    if (strcmp(argv[i], "--world") == 0 && i + 1 < argc) { world = argv[++i]; continue; }
    if (argv[i][0] == '-' || path) { usage(stderr); return 2; }
    path = argv[i];
  }
  if (!path) { usage(stderr); return 2; }
  size_t size;
  uint8_t *bytes = tool_read_file(path, &size);
  if (!bytes) {
    fprintf(stderr, "swasm wit: %s: %s\n", path, strerror(errno));
    return 2;
  }
  if (!swasm_is_component(bytes, size)) {
    free(bytes);
    fprintf(stderr, "swasm wit: %s: not a component (a core module has no world)\n", path);
    return 1;
  }
  swasm_features_t features = {0};
  swasm_features_enable(&features, "exceptions");
  swasm_features_enable(&features, "multi-memory");
  swasm_component_t *c = NULL;
  swasm_diag_t diag;
  swasm_status_t st = swasm_component_decode(bytes, size, &features, &c, &diag);
  free(bytes);
  if (st == SWASM_OK) st = swasm_component_validate(c, &diag);
  swasm_buf_t wit = {0};
  if (st == SWASM_OK) st = swasm_component_wit(c, world, &wit, &diag);
  swasm_component_free(c);
  if (st != SWASM_OK) {
    char line[1024];
    fprintf(stderr, "%s\n", swasm_diag_format(&diag, path, NULL, line, sizeof line));
    return st == SWASM_IO || st == SWASM_INTERNAL ? 2 : 1;
  }
  fwrite(wit.data, 1, wit.size, stdout);
  swasm_buf_free(&wit);
  return ferror(stdout) ? 2 : 0;
}

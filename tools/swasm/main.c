/* main.c - the swasm tool: one binary, a subcommand per job (git-style). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "swasm_config.h"

static const struct {
  const char *name;
  int (*run)(int, char **);
  const char *summary;
} commands[] = {
  {"validate", cmd_validate, "check that modules are well-formed and valid"},
  {"inspect", cmd_inspect, "print a module's sections, imports, exports and functions"},
  {"wit", cmd_wit, "print a component's world in WIT"},
  {"wast", cmd_wast, "run WebAssembly spec test scripts (.wast)"},
  {"run", cmd_run, "compile a module (cached) and run it or call an export"},
  {"bench", cmd_bench, "compare engines on the benchmark programs (native, swasm, node, wasm2c)"},
};

static void usage(FILE *f) {
  fprintf(f, "usage: swasm COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(f, "\n'swasm COMMAND --help' describes a command.\n");
}

int tool_is_help(const char *arg) {
  return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

uint8_t *tool_read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, len = 0;
  uint8_t *buf = malloc(cap);
  while (buf) {
    size_t n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (n == 0) break;
    if (len == cap) {
      uint8_t *nb = realloc(buf, cap *= 2);
      if (!nb) { free(buf); buf = NULL; errno = ENOMEM; }
      else buf = nb;
    }
  }
  if (buf && ferror(f)) { free(buf); buf = NULL; errno = EIO; }
  fclose(f);
  *size = len;
  return buf;
}

int main(int argc, char **argv) {
  if (argc < 2) { usage(stderr); return 2; }
  if (tool_is_help(argv[1])) { usage(stdout); return 0; }
  if (strcmp(argv[1], "--version") == 0) {
    printf("swasm %s\n", SWASM_VERSION_STRING);
    return 0;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "swasm: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}

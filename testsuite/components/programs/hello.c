/* hello.c - a WASI command for the component suite: built with clang-19 for wasm32-wasi and
 * turned into a WASI 0.2 component with jco's preview1 adapter, it gives a real component
 * (CLI, streams, filesystem, clocks, resources) to validate and print as WIT. */
#include <stdio.h>

int main(int argc, char **argv) {
  printf("hello from %s (%d arguments)\n", argc > 0 ? argv[0] : "?", argc);
  FILE *f = fopen("hello.txt", "r");
  if (f) fclose(f);
  return 0;
}

/* hello.c - the WASI example shipped with swasm: greets, echoes its arguments and the one
 * environment variable it is granted.
 * Built with: clang-19 --target=wasm32-wasi -O2 -Wl,--strip-debug hello.c -o hello.wasm */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  printf("hello from WebAssembly, compiled ahead of time by swasm\n");
  for (int i = 1; i < argc; i++) printf("argument %d: %s\n", i, argv[i]);
  const char *who = getenv("GREETING");
  printf("GREETING is %s\n", who ? who : "not granted");
  return 0;
}

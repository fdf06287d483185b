/* cmd_validate.c - 'swasm validate': decode and validate modules and components, one
 * diagnostic line per file that is malformed or invalid, in the FILE:0xOFFSET: form editors and
 * CI logs parse. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "swasm/compiler.h"
#include "swasm_config.h"

static const char *const feature_names[] = {
  "relaxed-simd", "tail-call", "extended-const", "multi-memory", "memory64", "exceptions",
};

static void usage(FILE *f) {
  fprintf(f,
          "usage: swasm validate [OPTIONS] FILE...\n"
          "\n"
          "Checks that each FILE is a well-formed and valid WebAssembly module (binary, or text\n"
          "in a .wat file) or component (binary). Prints one line per failing file to stderr:\n"
          "FILE:0xOFFSET: [func N ($name): ]message (offsets of a .wat are in its binary).\n"
          "\n"
          "options:\n"
          "  --enable-FEATURE   accept a proposal beyond WebAssembly 2.0; FEATURE is one of\n"
          "                     ");
  for (size_t i = 0; i < sizeof feature_names / sizeof feature_names[0]; i++)
    fprintf(f, "%s%s", i ? ", " : "", feature_names[i]);
  fprintf(f,
          "\n"
          "  --enable-all       all of the above\n"
          "  -q, --quiet        print nothing for valid files\n"
          "  -h, --help         show this help\n"
          "  --version          show the version\n"
          "\n"
          "exit status: 0 all valid, 1 some file malformed or invalid, 2 usage or I/O error\n");
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* A .wat file that is not binary is converted first; offsets then refer to the binary. */
static swasm_status_t decode_file(const char *path, const uint8_t *bytes, size_t size,
                                  const swasm_features_t *features, swasm_module_t **m,
                                  swasm_diag_t *diag) {
  if (!ends_with(path, ".wat") || (size >= 4 && memcmp(bytes, "\0asm", 4) == 0))
    return swasm_module_decode(bytes, size, features, m, diag);
  swasm_buf_t wasm = {0};
  swasm_status_t st = swasm_wat_to_wasm((const char *)bytes, size, &wasm, diag);
  if (st != SWASM_OK) {
    *m = NULL;
    return st;
  }
  st = swasm_module_decode(wasm.data, wasm.size, features, m, diag);
  swasm_buf_free(&wasm);
  return st;
}

/* A component's embedded core modules are validated with the same features. */
static swasm_status_t validate_component(const uint8_t *bytes, size_t size,
                                         const swasm_features_t *features, swasm_diag_t *diag) {
  swasm_component_t *c = NULL;
  swasm_status_t st = swasm_component_decode(bytes, size, features, &c, diag);
  if (st == SWASM_OK) st = swasm_component_validate(c, diag);
  swasm_component_free(c);
  return st;
}

static int verdict(swasm_status_t st) {
  if (st == SWASM_OK) return 0;
  return st == SWASM_MALFORMED || st == SWASM_INVALID || st == SWASM_LIMIT ||
                 st == SWASM_UNSUPPORTED ? 1 : 2;
}

/* 0 valid, 1 malformed or invalid, 2 could not be read or checked. */
static int validate_file(const char *path, const swasm_features_t *features, int quiet) {
  size_t size;
  uint8_t *bytes = tool_read_file(path, &size);
  if (!bytes) {
    fprintf(stderr, "swasm validate: %s: %s\n", path, strerror(errno));
    return 2;
  }
  swasm_diag_t diag;
  if (swasm_is_component(bytes, size)) {
    swasm_status_t st = validate_component(bytes, size, features, &diag);
    free(bytes);
    char line[1024];
    if (st != SWASM_OK) fprintf(stderr, "%s\n", swasm_diag_format(&diag, path, NULL, line, sizeof line));
    else if (!quiet) printf("%s: valid component\n", path);
    return verdict(st);
  }
  swasm_module_t *m = NULL;
  swasm_status_t st = decode_file(path, bytes, size, features, &m, &diag);
  free(bytes);
  if (st == SWASM_OK) st = swasm_module_validate(m, &diag);
  if (st != SWASM_OK) {
    char line[1024];
    fprintf(stderr, "%s\n", swasm_diag_format(&diag, path, m, line, sizeof line));
  } else if (!quiet) {
    printf("%s: valid\n", path);
  }
  swasm_module_free(m);
  return verdict(st);
}

static int enable(swasm_features_t *f, const char *name) {
  if (strcmp(name, "all") == 0) {
    for (size_t i = 0; i < sizeof feature_names / sizeof feature_names[0]; i++)
      swasm_features_enable(f, feature_names[i]);
    return 1;
  }
  return swasm_features_enable(f, name);
}

int cmd_validate(int argc, char **argv) {
  swasm_features_t features = {0};
  int quiet = 0, first_file = 0, i;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) { i++; break; }
    if (a[0] != '-' || a[1] == '\0') break;
    if (tool_is_help(a)) { usage(stdout); return 0; }
    if (strcmp(a, "--version") == 0) { printf("swasm %s\n", SWASM_VERSION_STRING); return 0; }
    if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) { quiet = 1; continue; }
    if (strncmp(a, "--enable-", 9) == 0 && enable(&features, a + 9)) continue;
    fprintf(stderr, "swasm validate: unknown option '%s'\n", a);
    usage(stderr);
    return 2;
  }
  first_file = i;
  if (first_file >= argc) {
    fprintf(stderr, "swasm validate: no input files\n");
    usage(stderr);
    return 2;
  }
  int status = 0;
  for (i = first_file; i < argc; i++) {
    int r = validate_file(argv[i], &features, quiet);
    if (r > status) status = r;
  }
  return status;
}

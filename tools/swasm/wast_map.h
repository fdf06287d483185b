/* wast_map.h - the module mapping of a spec script compiled for another architecture: for each
 * module file of the script, what decoding, validating and compiling it on the host gave (a
 * library path, or a status and message). The host's 'swasm wast --target=...' writes it next
 * to the script's JSON; swasm-wast-exec, running under an emulator, reads it instead of
 * compiling. */
#ifndef SWASM_WAST_MAP_H
#define SWASM_WAST_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wast_compile.h"

#define WAST_MAP_SUFFIX ".map"   /* X.json has its mapping in X.map */

/* One module file. compile is meaningful only when read is WAST_OK and compiled is set. */
typedef struct wast_map_entry {
  char *file;                /* the file name, as the JSON names it */
  wast_status_t read;        /* decode and validate */
  bool compiled;
  wast_status_t compile;
  char *text;                /* the library's path (compile OK), else the message */
} wast_map_entry_t;

typedef struct wast_map {
  char *script;              /* the name of the .wast file, for messages and counts */
  wast_map_entry_t *entries;
  size_t n, cap;
  size_t cursor;             /* lookups usually go in file order: the search starts here */
} wast_map_t;

/* The names of the statuses as the mapping spells them ("ok", "malformed", ...). */
const char *wast_status_name(wast_status_t st);

/* Appends an entry (strings copied). False when out of memory. */
bool wast_map_add(wast_map_t *m, const char *file, wast_status_t read, bool compiled,
                  wast_status_t compile, const char *text);

/* Writes the mapping to path (through a temporary name). False with errno set on failure. */
bool wast_map_write(const wast_map_t *m, const char *path);

/* Reads a mapping; false with err filled when the file is missing or malformed. */
bool wast_map_read(const char *path, wast_map_t *m, char *err, size_t errsize);

/* The entry for file, or NULL. */
const wast_map_entry_t *wast_map_find(wast_map_t *m, const char *file);

void wast_map_free(wast_map_t *m);

/* X.json -> X.map in out; false if it does not fit. */
bool wast_map_path(const char *json, char *out, size_t size);

/* Reads a whole file; NULL with errno set on failure. The caller frees. */
uint8_t *wast_read_file(const char *path, size_t *size);

#endif

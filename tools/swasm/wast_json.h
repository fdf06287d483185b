/* wast_json.h - a small JSON reader for the spec runner: parses wast2json output into a tree. */
#ifndef SWASM_WAST_JSON_H
#define SWASM_WAST_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum wast_jkind {
  WAST_JNULL, WAST_JFALSE, WAST_JTRUE, WAST_JNUM, WAST_JSTR, WAST_JARR, WAST_JOBJ
} wast_jkind_t;

/* A JSON value. Strings are decoded (escapes resolved, \u to UTF-8) and NUL-terminated, but
 * may contain NUL bytes: len is their length in bytes. Numbers keep their source text in str.
 * Arrays hold n items; objects hold n items with keys[i] naming items[i]. */
typedef struct wast_json {
  wast_jkind_t kind;
  uint32_t n;
  const char *str;
  size_t len;
  const struct wast_json *items;
  const struct wast_json_key *keys;
} wast_json_t;

typedef struct wast_json_key {
  const char *str;
  size_t len;
} wast_json_key_t;

typedef struct wast_json_doc wast_json_doc_t;

/* Parses text[0..len). On error returns NULL and writes "line L: what" to err. Nesting deeper
 * than 512 levels is an error (the parser recurses). */
wast_json_doc_t *wast_json_parse(const char *text, size_t len, char *err, size_t errsize);
const wast_json_t *wast_json_root(const wast_json_doc_t *doc);
void wast_json_free(wast_json_doc_t *doc);

/* Member KEY of an object (the last one if repeated), or NULL when v is no object or has none. */
const wast_json_t *wast_json_get(const wast_json_t *v, const char *key);
/* The string member KEY, or NULL when absent or not a string. */
const char *wast_json_get_str(const wast_json_t *v, const char *key);
/* Item i of an array, or NULL. */
const wast_json_t *wast_json_at(const wast_json_t *v, size_t i);
/* The number of items of an array (0 for anything else). */
size_t wast_json_count(const wast_json_t *v);
/* An integral number member KEY; false when absent, not a number, fractional or out of range. */
bool wast_json_get_int(const wast_json_t *v, const char *key, int64_t *out);

#endif

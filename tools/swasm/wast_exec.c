/* wast_exec.c - swasm-wast-exec, the spec runner without a compiler: it runs scripts whose
 * modules 'swasm wast --target=TRIPLE' compiled on another machine (or under an emulator, for
 * another architecture), taking each module file's decode, validate and compile outcome from
 * the script's mapping (wast_map.h) where swasm wast would compute it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wast_compile.h"
#include "wast_driver.h"
#include "wast_map.h"

struct wast_wasm {
  const wast_map_entry_t *entry;
  uint8_t *bytes;               /* the module file, read for exports named with NUL bytes */
  size_t size;
};

bool wast_feature_known(const char *feature) {
  (void)feature;   /* the host that compiled the modules checked the names */
  return true;
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

wast_status_t wast_wasm_read(const wast_opts_t *o, const char *path, wast_wasm_t **out,
                             char *msg, size_t msgsize) {
  *out = NULL;
  const wast_map_entry_t *e = o->map ? wast_map_find(o->map, base_name(path)) : NULL;
  if (!e) {
    snprintf(msg, msgsize, "%s is not in the module mapping", base_name(path));
    return WAST_INTERNAL;
  }
  if (e->read != WAST_OK) {
    snprintf(msg, msgsize, "%s", e->text);
    return e->read;
  }
  wast_wasm_t *w = calloc(1, sizeof *w);
  if (!w) {
    snprintf(msg, msgsize, "out of memory");
    return WAST_LIMIT;
  }
  w->entry = e;
  w->bytes = wast_read_file(path, &w->size);
  if (!w->bytes) {
    snprintf(msg, msgsize, "cannot read %s: %s", path, strerror(errno));
    free(w);
    return WAST_IO;
  }
  *out = w;
  return WAST_OK;
}

wast_status_t wast_wasm_compile(const wast_opts_t *o, const wast_wasm_t *w, unsigned serial,
                                char *path, size_t pathsize, char *msg, size_t msgsize) {
  (void)o, (void)serial;
  const wast_map_entry_t *e = w->entry;
  if (!e->compiled) {
    snprintf(msg, msgsize, "the host did not compile %s", e->file);
    return WAST_INTERNAL;
  }
  if (e->compile != WAST_OK) {
    snprintf(msg, msgsize, "%s", e->text);
    return e->compile;
  }
  if ((size_t)snprintf(path, pathsize, "%s", e->text) >= pathsize) {
    snprintf(msg, msgsize, "library path too long: %s", e->text);
    return WAST_IO;
  }
  return WAST_OK;
}

/* ---- exports by name bytes ------------------------------------------------------------- */

static bool read_u32(const uint8_t **p, const uint8_t *end, uint32_t *out) {
  uint32_t x = 0;
  for (unsigned shift = 0; shift < 35 && *p < end; shift += 7) {
    uint8_t b = *(*p)++;
    x |= (uint32_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) { *out = x; return true; }
  }
  return false;
}

/* The export section's contents, or false. The host validated the module, so the section
 * layout can be trusted; every read is still bounded. */
static bool export_section(const wast_wasm_t *w, const uint8_t **p, const uint8_t **end) {
  const uint8_t *q = w->bytes + 8, *e = w->bytes + w->size;
  if (w->size < 8) return false;
  while (q < e) {
    uint8_t id = *q++;
    uint32_t size;
    if (!read_u32(&q, e, &size) || size > (size_t)(e - q)) return false;
    if (id == 7) {
      *p = q;
      *end = q + size;
      return true;
    }
    q += size;
  }
  return false;
}

bool wast_wasm_export(const wast_wasm_t *w, const char *name, size_t len, uint32_t *kind,
                      uint32_t *index) {
  const uint8_t *p, *end;
  uint32_t count;
  if (!w || !export_section(w, &p, &end) || !read_u32(&p, end, &count)) return false;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t n, idx;
    if (!read_u32(&p, end, &n) || n > (size_t)(end - p)) return false;
    const uint8_t *s = p;
    p += n;
    if (p >= end) return false;
    uint8_t k = *p++;
    if (!read_u32(&p, end, &idx)) return false;
    if (n == len && memcmp(s, name, n) == 0) {
      *kind = k;
      *index = idx;
      return true;
    }
  }
  return false;
}

void wast_wasm_free(wast_wasm_t *w) {
  if (!w) return;
  free(w->bytes);
  free(w);
}

int main(int argc, char **argv) {
  return wast_main(argc, argv, "swasm-wast-exec", NULL);
}

/* wast_compile.c - reads, decodes, validates and compiles the module files of a spec script
 * with libswasm-compiler. */
#include "wast_compile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swasm/compiler.h"
#include "wast_map.h"

struct wast_wasm {
  swasm_module_t *m;
};

static wast_status_t status(swasm_status_t st) {
  switch (st) {
  case SWASM_OK: return WAST_OK;
  case SWASM_MALFORMED: return WAST_MALFORMED;
  case SWASM_INVALID: return WAST_INVALID;
  case SWASM_LIMIT: return WAST_LIMIT;
  case SWASM_UNSUPPORTED: return WAST_UNSUPPORTED;
  case SWASM_IO: return WAST_IO;
  default: return WAST_INTERNAL;
  }
}

static void features(const wast_opts_t *o, swasm_features_t *f) {
  memset(f, 0, sizeof *f);
  for (int i = 0; i < o->nfeatures; i++) swasm_features_enable(f, o->features[i]);
}

static void copts(const wast_opts_t *o, swasm_compile_opts_t *c) {
  memset(c, 0, sizeof *c);
  c->opt_level = o->opt_level;
  c->bounds = o->explicit_bounds ? SWASM_BOUNDS_EXPLICIT : SWASM_BOUNDS_GUARD;
  c->emit = SWASM_EMIT_OBJ;
  c->triple = o->triple;
  c->threads = 1;   /* spec modules are small: threads would cost more than they save */
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

bool wast_feature_known(const char *feature) {
  swasm_features_t f = {0};
  return swasm_features_enable(&f, feature);
}

wast_status_t wast_wasm_read(const wast_opts_t *o, const char *path, wast_wasm_t **out,
                             char *msg, size_t msgsize) {
  *out = NULL;
  size_t size;
  uint8_t *bytes = wast_read_file(path, &size);
  if (!bytes) {
    snprintf(msg, msgsize, "cannot read %s: %s", path, strerror(errno));
    return WAST_IO;
  }
  swasm_features_t f;
  features(o, &f);
  swasm_diag_t d;
  memset(&d, 0, sizeof d);
  swasm_module_t *m = NULL;
  swasm_status_t st = swasm_module_decode(bytes, size, &f, &m, &d);
  free(bytes);
  if (st == SWASM_OK) {
    st = swasm_module_validate(m, &d);
    if (st != SWASM_OK) swasm_diag_format(&d, base_name(path), m, msg, msgsize);
  } else {
    swasm_diag_format(&d, base_name(path), NULL, msg, msgsize);
  }
  wast_wasm_t *w = st == SWASM_OK ? malloc(sizeof *w) : NULL;
  if (st == SWASM_OK && !w) {
    snprintf(msg, msgsize, "out of memory");
    st = SWASM_LIMIT;
  }
  if (st != SWASM_OK) {
    if (m) swasm_module_free(m);
    return status(st);
  }
  w->m = m;
  *out = w;
  return WAST_OK;
}

wast_status_t wast_wasm_compile(const wast_opts_t *o, const wast_wasm_t *w, unsigned serial,
                                char *path, size_t pathsize, char *msg, size_t msgsize) {
  const swasm_module_t *m = w->m;
  swasm_compile_opts_t c;
  copts(o, &c);
  swasm_diag_t d;
  memset(&d, 0, sizeof d);
  swasm_status_t st;
  if (o->use_cache) {
    st = swasm_compile_cached(m, &c, path, pathsize, &d);
  } else {
    swasm_buf_t obj = {0};
    st = swasm_compile(m, &c, &obj, &d);
    if (st == SWASM_OK) {
      snprintf(path, pathsize, "%s/lib%u.so", o->workdir, serial);
      st = swasm_link_shared(&obj, path, o->triple, &d);
    }
    swasm_buf_free(&obj);
  }
  if (st != SWASM_OK) snprintf(msg, msgsize, "%s", d.message);
  return status(st);
}

/* Reads a LEB128 u32 at *p (bounded by end). */
static bool read_u32(const uint8_t **p, const uint8_t *end, uint32_t *out) {
  uint32_t x = 0;
  for (unsigned shift = 0; shift < 35 && *p < end; shift += 7) {
    uint8_t b = *(*p)++;
    x |= (uint32_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) { *out = x; return true; }
  }
  return false;
}

/* The decoded names are C strings, so the name is read again from the module's bytes: the
 * entry's offset points at its name's length. */
bool wast_wasm_export(const wast_wasm_t *w, const char *name, size_t len, uint32_t *kind,
                      uint32_t *index) {
  const swasm_module_t *m = w ? w->m : NULL;
  for (uint32_t i = 0; m && i < m->nexports; i++) {
    const swasm_export_t *e = &m->exports[i];
    if (e->offset >= m->size) continue;
    const uint8_t *p = m->bytes + e->offset, *end = m->bytes + m->size;
    uint32_t n;
    if (!read_u32(&p, end, &n) || n != len || (size_t)(end - p) < n || memcmp(p, name, n) != 0)
      continue;
    *kind = (uint32_t)e->kind;
    *index = e->index;
    return true;
  }
  return false;
}

void wast_wasm_free(wast_wasm_t *w) {
  if (!w) return;
  swasm_module_free(w->m);
  free(w);
}

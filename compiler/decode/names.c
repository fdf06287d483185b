/* names.c - the "name" custom section: the module's name and function names for diagnostics
 * and tools. Read leniently: the spec lets a malformed name section be ignored, so errors here
 * stop the reading but never fail the module. */
#include <string.h>

#include "dec.h"

enum { NAME_MODULE = 0, NAME_FUNCTION = 1 };

/* Reads a name into the arena; NULL when malformed (r.failed is then set). */
static const char *lenient_name(dec_t *d, ir_reader_t *r) {
  uint32_t n = ir_u32(r);
  if (r->failed) return NULL;
  if (n > r->end - r->pos || !dec_utf8_valid(r->base + r->pos, n)) {
    r->failed = true;
    return NULL;
  }
  const char *s = ir_arena_strndup(d->arena, (const char *)r->base + r->pos, n);
  r->pos += n;
  if (!s) r->failed = true;
  return s;
}

static void function_names(dec_t *d, ir_reader_t *r, swasm_funcdef_t *funcs, uint32_t nfuncs) {
  uint32_t n = ir_u32(r);
  for (uint32_t i = 0; i < n && !r->failed; i++) {
    uint32_t idx = ir_u32(r);
    const char *name = lenient_name(d, r);
    if (name && idx < nfuncs && !funcs[idx].name) funcs[idx].name = name;
  }
}

void dec_name_section(dec_t *d) {
  /* Errors here must not longjmp or touch the diagnostic: a private reader without either. */
  ir_reader_t r = {.base = d->r.base, .pos = d->names_offset, .end = d->names_end};
  swasm_funcdef_t *funcs = (swasm_funcdef_t *)d->m->funcs;  /* still ours until decoding returns */
  int last = -1;
  while (r.pos < r.end && !r.failed) {
    uint8_t id = ir_u8(&r);
    uint32_t size = ir_u32(&r);
    if (r.failed || size > r.end - r.pos || (int)id <= last) break;
    last = id;
    ir_reader_t sub = r;
    sub.end = r.pos + size;
    if (id == NAME_MODULE) {
      const char *name = lenient_name(d, &sub);
      if (name && sub.pos == sub.end) d->m->name = name;
    } else if (id == NAME_FUNCTION) {
      function_names(d, &sub, funcs, d->m->nfuncs);
    }
    r.pos += size;
  }
}

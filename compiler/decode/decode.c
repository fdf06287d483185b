/* decode.c - the decoder's entry point: the module header, the section sequence (ids, order,
 * sizes), custom sections, and the assembly of the index spaces into the module IR. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dec.h"

_Noreturn void dec_fail(dec_t *d, swasm_status_t st, size_t offset, const char *fmt, ...) {
  if (!d->r.failed) {
    d->diag->status = st;
    d->diag->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->diag->message, sizeof d->diag->message, fmt, ap);
    va_end(ap);
  }
  d->r.failed = true;
  longjmp(d->jmp, 1);
}

void *dec_alloc(dec_t *d, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) dec_fail(d, SWASM_LIMIT, d->r.pos, "out of memory");
  void *p = ir_arena_alloc(d->arena, n * size);
  if (!p) dec_fail(d, SWASM_LIMIT, d->r.pos, "out of memory");
  return p;
}

uint32_t dec_count(dec_t *d) {
  size_t at = d->r.pos;
  uint32_t n = ir_u32(&d->r);
  if (n > d->r.end - d->r.pos)
    dec_fail(d, SWASM_MALFORMED, at, "unexpected end of section or function");
  return n;
}

void *dec_vec(dec_t *d, uint32_t n, size_t min_item_size, size_t item_size, uint32_t *cap) {
  size_t room = (d->r.end - d->r.pos) / min_item_size + 1;
  *cap = n < room ? n : (uint32_t)room;
  return dec_alloc(d, *cap, item_size);
}

void dec_item(dec_t *d, uint32_t i, uint32_t cap) {
  if (i >= cap) dec_fail(d, SWASM_MALFORMED, d->r.pos, "unexpected end of section or function");
}

/* UTF-8 as Unicode defines it: shortest forms only, no surrogates, nothing above U+10FFFF. */
bool dec_utf8_valid(const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    if (c < 0x80) { i++; continue; }
    size_t len;
    uint32_t cp, min;
    if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; min = 0x80; }
    else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; min = 0x800; }
    else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; min = 0x10000; }
    else return false;
    if (n - i < len) return false;
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = cp << 6 | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

const char *dec_name(dec_t *d) {
  uint32_t n = dec_count(d);
  const uint8_t *s = d->r.base + d->r.pos;
  if (!dec_utf8_valid(s, n)) dec_fail(d, SWASM_MALFORMED, d->r.pos, "malformed UTF-8 encoding");
  d->r.pos += n;
  char *copy = ir_arena_strndup(d->arena, (const char *)s, n);
  if (!copy) dec_fail(d, SWASM_LIMIT, d->r.pos, "out of memory");
  return copy;
}

/* Finds the extent of a constant expression: instructions up to the `end` that closes it.
 * Whether the instructions are constant is the validator's question; blocks are followed only
 * so that their `end` is not taken for the expression's. */
swasm_expr_t dec_const_expr(dec_t *d) {
  swasm_expr_t e = {(uint32_t)d->r.pos, 0};
  uint32_t depth = 0;
  ir_instr_t in;
  for (;;) {
    if (!ir_read_instr(&d->r, &in, &d->scratch))
      dec_fail(d, SWASM_MALFORMED, d->r.pos, "unexpected end of section or function");
    if (in.op == OP_BLOCK || in.op == OP_LOOP || in.op == OP_IF) depth++;
    else if (in.op == OP_END && depth-- == 0) break;
  }
  e.end = (uint32_t)d->r.pos;
  return e;
}

/* ---- sections --------------------------------------------------------------------------- */

enum { SEC_CUSTOM = 0, SEC_DATACOUNT = 12, SEC_TAG = 13 };

/* Position of each known section id in the required order (custom sections go anywhere). */
static int section_rank(uint8_t id) {
  static const int8_t rank[] = {
    [1] = 1, [2] = 2, [3] = 3, [4] = 4, [5] = 5, [SEC_TAG] = 6, [6] = 7, [7] = 8, [8] = 9,
    [9] = 10, [SEC_DATACOUNT] = 11, [10] = 12, [11] = 13,
  };
  return id < sizeof rank ? rank[id] : 0;
}

static void add_section(dec_t *d, const swasm_section_t *s) {
  if (d->nsections == d->cap_sections) {
    uint32_t cap = d->cap_sections ? d->cap_sections * 2 : 16;
    swasm_section_t *ns = dec_alloc(d, cap, sizeof *ns);
    if (d->nsections) memcpy(ns, d->sections, d->nsections * sizeof *ns);
    d->sections = ns;
    d->cap_sections = cap;
  }
  d->sections[d->nsections++] = *s;
}

static void custom_section(dec_t *d, swasm_section_t *s) {
  s->name = dec_name(d);
  /* Only the name itself must be well-formed: the contents are the custom section's business,
   * and a broken "name" section is ignored later rather than rejected. */
  if (strcmp(s->name, "name") == 0 && d->names_end == 0) {
    d->names_offset = d->r.pos;
    d->names_end = d->r.end;
  }
  d->r.pos = d->r.end;
}

static void known_section(dec_t *d, uint8_t id) {
  switch (id) {
  case 1: dec_type_section(d); break;
  case 2: dec_import_section(d); break;
  case 3: dec_function_section(d); break;
  case 4: dec_table_section(d); break;
  case 5: dec_memory_section(d); break;
  case 6: dec_global_section(d); break;
  case 7: dec_export_section(d); break;
  case 8: dec_start_section(d); break;
  case 9: dec_elem_section(d); break;
  case 10: dec_code_section(d); break;
  case 11: dec_data_section(d); break;
  case SEC_DATACOUNT: dec_datacount_section(d); break;
  case SEC_TAG: dec_tag_section(d); break;
  }
}

static void sections(dec_t *d, size_t size) {
  int last_rank = 0;
  while (d->r.pos < size) {
    swasm_section_t s = {0};
    s.offset = (uint32_t)d->r.pos;
    d->r.end = size;
    s.id = ir_u8(&d->r);
    int rank = section_rank(s.id);
    if (s.id != SEC_CUSTOM && (rank == 0 || (s.id == SEC_TAG && !d->features.exceptions)))
      dec_fail(d, SWASM_MALFORMED, s.offset, "malformed section id");
    size_t size_at = d->r.pos;
    s.size = ir_u32(&d->r);
    if (s.size > size - d->r.pos)
      dec_fail(d, SWASM_MALFORMED, size_at, "length out of bounds");
    s.content_offset = (uint32_t)d->r.pos;
    if (s.id != SEC_CUSTOM) {
      if (rank <= last_rank)
        dec_fail(d, SWASM_MALFORMED, s.offset, "unexpected content after last section");
      last_rank = rank;
    }
    d->r.end = d->r.pos + s.size;
    if (s.id == SEC_CUSTOM) custom_section(d, &s);
    else known_section(d, s.id);
    if (d->r.pos != d->r.end)
      dec_fail(d, SWASM_MALFORMED, d->r.pos, "section size mismatch");
    add_section(d, &s);
  }
  d->r.end = size;
}

/* ---- the module ------------------------------------------------------------------------- */

static void header(dec_t *d, size_t size) {
  static const uint8_t magic[4] = {0x00, 'a', 's', 'm'};
  if (size < 4) dec_fail(d, SWASM_MALFORMED, size, "unexpected end");
  if (memcmp(d->r.base, magic, 4) != 0) dec_fail(d, SWASM_MALFORMED, 0, "magic header not detected");
  if (size < 8) dec_fail(d, SWASM_MALFORMED, size, "unexpected end");
  static const uint8_t version[4] = {0x01, 0x00, 0x00, 0x00};
  if (memcmp(d->r.base + 4, version, 4) != 0)
    dec_fail(d, SWASM_MALFORMED, 4, "unknown binary version");
  d->r.pos = 8;
}

/* Imported entities come first in every index space. */
static void index_spaces(dec_t *d) {
  swasm_module_t *m = d->m;
  uint32_t nf = d->nimp_funcs + d->ncode, nt = d->nimp_tables + d->ntables;
  uint32_t nm = d->nimp_memories + d->nmemories, ng = d->nimp_globals + d->nglobals;
  uint32_t ntag = d->nimp_tags + d->ntags;
  if (nf < d->ncode || nt < d->ntables || nm < d->nmemories || ng < d->nglobals || ntag < d->ntags)
    dec_fail(d, SWASM_LIMIT, d->r.pos, "too many definitions");
  swasm_funcdef_t *funcs = dec_alloc(d, nf, sizeof *funcs);
  swasm_tabletype_t *tables = dec_alloc(d, nt, sizeof *tables);
  swasm_limits_t *mems = dec_alloc(d, nm, sizeof *mems);
  swasm_global_t *globals = dec_alloc(d, ng, sizeof *globals);
  uint32_t *tags = dec_alloc(d, ntag, sizeof *tags);
  for (uint32_t i = 0; i < d->nimports; i++) {
    const swasm_import_t *im = &d->imports[i];
    const dec_importdesc_t *desc = &d->importdescs[i];
    switch (im->kind) {
    case SWASM_EXTERN_FUNC: funcs[im->index].type = desc->type; break;
    case SWASM_EXTERN_TABLE: tables[im->index] = desc->table; break;
    case SWASM_EXTERN_MEMORY: mems[im->index] = desc->memory; break;
    case SWASM_EXTERN_GLOBAL: globals[im->index] = desc->global; break;
    case SWASM_EXTERN_TAG: tags[im->index] = desc->type; break;
    }
  }
  if (d->ncode) memcpy(funcs + d->nimp_funcs, d->defined, d->ncode * sizeof *funcs);
  if (d->ntables) memcpy(tables + d->nimp_tables, d->tables, d->ntables * sizeof *tables);
  if (d->nmemories) memcpy(mems + d->nimp_memories, d->memories, d->nmemories * sizeof *mems);
  if (d->nglobals) memcpy(globals + d->nimp_globals, d->globals, d->nglobals * sizeof *globals);
  if (d->ntags) memcpy(tags + d->nimp_tags, d->tags, d->ntags * sizeof *tags);
  m->ntypes = d->ntypes; m->types = d->types;
  m->nimports = d->nimports; m->imports = d->imports;
  m->nfuncs = nf; m->nimported_funcs = d->nimp_funcs; m->funcs = funcs;
  m->ntables = nt; m->nimported_tables = d->nimp_tables; m->tables = tables;
  m->nmemories = nm; m->nimported_memories = d->nimp_memories; m->memories = mems;
  m->nglobals = ng; m->nimported_globals = d->nimp_globals; m->globals = globals;
  m->ntags = ntag; m->nimported_tags = d->nimp_tags; m->tags = tags;
  m->nsections = d->nsections; m->sections = d->sections;
}

static void module(dec_t *d, size_t size) {
  header(d, size);
  sections(d, size);
  if (d->nfuncdecls != d->ncode && !d->has_codesec)
    dec_fail(d, SWASM_MALFORMED, size, "function and code section have inconsistent lengths");
  if (d->m->has_datacount && !d->has_datasec && d->m->datacount != 0)
    dec_fail(d, SWASM_MALFORMED, size, "data count and data section have inconsistent lengths");
  index_spaces(d);
  if (d->names_end) dec_name_section(d);
}

/* The only setjmp of the decoder. It lives in its own function so that nothing it could
 * observe after a longjmp is a local variable modified since the setjmp. */
static bool run_guarded(dec_t *d, size_t size) {
  if (setjmp(d->jmp)) return false;
  module(d, size);
  return true;
}

swasm_status_t swasm_module_decode(const uint8_t *bytes, size_t size,
                                   const swasm_features_t *features,
                                   swasm_module_t **out, swasm_diag_t *diag) {
  *out = NULL;
  memset(diag, 0, sizeof *diag);
  diag->func = -1;
  if (size > UINT32_MAX) {
    diag->status = SWASM_LIMIT;
    snprintf(diag->message, sizeof diag->message, "module too large: %zu bytes", size);
    return SWASM_LIMIT;
  }
  dec_t d;
  memset(&d, 0, sizeof d);
  d.diag = diag;
  if (features) d.features = *features;
  d.arena = ir_arena_new();
  swasm_module_t *m = d.arena ? ir_arena_alloc(d.arena, sizeof *m) : NULL;
  uint8_t *copy = m ? ir_arena_alloc(d.arena, size) : NULL;
  if (!copy) {
    ir_arena_free(d.arena);
    diag->status = SWASM_LIMIT;
    snprintf(diag->message, sizeof diag->message, "out of memory");
    return SWASM_LIMIT;
  }
  if (size) memcpy(copy, bytes, size);
  m->bytes = copy;
  m->size = size;
  m->features = d.features;
  m->start = -1;
  m->arena = d.arena;
  d.m = m;
  d.r.base = copy;
  d.r.end = size;
  d.r.diag = diag;
  d.r.err_jmp = &d.jmp;
  d.r.features = &d.features;
  bool ok = run_guarded(&d, size);
  ir_instr_scratch_free(&d.scratch);
  if (!ok) {
    ir_arena_free(d.arena);
    return diag->status;
  }
  m->features = d.features;
  *out = m;
  return SWASM_OK;
}

void swasm_module_free(swasm_module_t *m) {
  if (m) ir_arena_free(m->arena);
}

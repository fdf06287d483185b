/* sections.c - readers for the known sections of a WebAssembly binary (type .. data), each
 * filling the decoder context; index spaces are assembled afterwards in decode.c. */
#include <string.h>

#include "dec.h"

/* Smallest encodings, used to bound counts before allocating. */
enum {
  MIN_FUNCTYPE = 3, MIN_IMPORT = 4, MIN_TABLE = 3, MIN_LIMITS = 2, MIN_GLOBAL = 3,
  MIN_EXPORT = 3, MIN_ELEM = 3, MIN_DATA = 2, MIN_BODY = 2, MIN_LOCALGROUP = 2
};

static uint8_t read_byte_at(dec_t *d, size_t *at) {
  *at = d->r.pos;
  return ir_u8(&d->r);
}

/* ---- types ------------------------------------------------------------------------------ */

static const uint8_t *valtype_vec(dec_t *d, uint32_t *count) {
  uint32_t n = dec_count(d);
  uint8_t *v = dec_alloc(d, n, 1);
  for (uint32_t i = 0; i < n; i++) v[i] = ir_valtype(&d->r);
  *count = n;
  return v;
}

void dec_type_section(dec_t *d) {
  uint32_t n = dec_count(d), cap;
  d->types = dec_vec(d, n, MIN_FUNCTYPE, sizeof *d->types, &cap);
  for (uint32_t i = 0; i < n; i++) {
    dec_item(d, i, cap);
    size_t at;
    uint8_t form = read_byte_at(d, &at);
    /* The form is a one-byte signed LEB128 in the grammar. */
    if (form & 0x80) dec_fail(d, SWASM_MALFORMED, at, "integer representation too long");
    if (form != 0x60) dec_fail(d, SWASM_MALFORMED, at, "malformed functype: 0x%02x", form);
    swasm_functype_t *t = &d->types[i];
    t->params = valtype_vec(d, &t->nparams);
    t->results = valtype_vec(d, &t->nresults);
  }
  d->ntypes = n;
}

/* ---- tables, memories, globals ---------------------------------------------------------- */

uint8_t dec_reftype(dec_t *d) {
  size_t at;
  uint8_t t = read_byte_at(d, &at);
  if (t != SWASM_FUNCREF && t != SWASM_EXTERNREF)
    dec_fail(d, SWASM_MALFORMED, at, "malformed reference type");
  return t;
}

void dec_limits(dec_t *d, swasm_limits_t *l) {
  size_t at;
  uint8_t flags = read_byte_at(d, &at);
  /* The flags are a one-byte LEB128: bit 7 would continue it, beyond bit 0 (bit 2 with
   * memory64: 64-bit indices) nothing is defined; threads' shared bit is not supported. */
  if (flags & 0x80) dec_fail(d, SWASM_MALFORMED, at, "integer representation too long");
  uint8_t known = d->features.memory64 ? 0x05 : 0x01;  /* memory64 brings table64 along */
  if (flags & ~known) dec_fail(d, SWASM_MALFORMED, at, "integer too large");
  l->is64 = (flags & 0x04) != 0;
  l->has_max = (flags & 0x01) != 0;
  l->min = l->is64 ? ir_u64(&d->r) : ir_u32(&d->r);
  if (l->has_max) l->max = l->is64 ? ir_u64(&d->r) : ir_u32(&d->r);
}

static void table_type(dec_t *d, swasm_tabletype_t *t) {
  t->elemtype = dec_reftype(d);
  dec_limits(d, &t->limits);
}

static void global_type(dec_t *d, swasm_global_t *g) {
  g->type = ir_valtype(&d->r);
  size_t at;
  uint8_t mut = read_byte_at(d, &at);
  if (mut > 1) dec_fail(d, SWASM_MALFORMED, at, "malformed mutability");
  g->mut = mut == 1;
}

/* ---- imports ---------------------------------------------------------------------------- */

static uint32_t tag_type(dec_t *d) {
  size_t at;
  if (read_byte_at(d, &at) != 0) dec_fail(d, SWASM_MALFORMED, at, "malformed tag attribute");
  return ir_u32(&d->r);
}

void dec_import_section(dec_t *d) {
  uint32_t n = dec_count(d), cap;
  d->imports = dec_vec(d, n, MIN_IMPORT, sizeof *d->imports, &cap);
  d->importdescs = dec_alloc(d, cap, sizeof *d->importdescs);
  for (uint32_t i = 0; i < n; i++) {
    dec_item(d, i, cap);
    swasm_import_t *im = &d->imports[i];
    dec_importdesc_t *desc = &d->importdescs[i];
    im->offset = (uint32_t)d->r.pos;
    im->module = dec_name(d);
    im->name = dec_name(d);
    size_t at;
    uint8_t kind = read_byte_at(d, &at);
    switch (kind) {
    case SWASM_EXTERN_FUNC: im->index = d->nimp_funcs++; desc->type = ir_u32(&d->r); break;
    case SWASM_EXTERN_TABLE: im->index = d->nimp_tables++; table_type(d, &desc->table); break;
    case SWASM_EXTERN_MEMORY:
      im->index = d->nimp_memories++;
      dec_limits(d, &desc->memory);
      break;
    case SWASM_EXTERN_GLOBAL: im->index = d->nimp_globals++; global_type(d, &desc->global); break;
    case SWASM_EXTERN_TAG:
      if (d->features.exceptions) {
        im->index = d->nimp_tags++;
        desc->type = tag_type(d);
        break;
      }
      /* fall through */
    default: dec_fail(d, SWASM_MALFORMED, at, "malformed import kind");
    }
    im->kind = (swasm_externkind_t)kind;
  }
  d->nimports = n;
}

/* ---- functions, tables, memories, tags, globals ----------------------------------------- */

void dec_function_section(dec_t *d) {
  uint32_t n = dec_count(d);
  d->functypes = dec_alloc(d, n, sizeof *d->functypes);
  for (uint32_t i = 0; i < n; i++) d->functypes[i] = ir_u32(&d->r);
  d->nfuncdecls = n;
  d->has_funcsec = true;
}

void dec_table_section(dec_t *d) {
  uint32_t n = dec_count(d), cap;
  d->tables = dec_vec(d, n, MIN_TABLE, sizeof *d->tables, &cap);
  for (uint32_t i = 0; i < n; i++) {
    dec_item(d, i, cap);
    table_type(d, &d->tables[i]);
  }
  d->ntables = n;
}

void dec_memory_section(dec_t *d) {
  uint32_t n = dec_count(d), cap;
  d->memories = dec_vec(d, n, MIN_LIMITS, sizeof *d->memories, &cap);
  for (uint32_t i = 0; i < n; i++) {
    dec_item(d, i, cap);
    dec_limits(d, &d->memories[i]);
  }
  d->nmemories = n;
}

void dec_tag_section(dec_t *d) {
  uint32_t n = dec_count(d);
  d->tags = dec_alloc(d, n, sizeof *d->tags);
  for (uint32_t i = 0; i < n; i++) d->tags[i] = tag_type(d);
  d->ntags = n;
}

void dec_global_section(dec_t *d) {
  uint32_t n = dec_count(d), cap;
  d->globals = dec_vec(d, n, MIN_GLOBAL, sizeof *d->globals, &cap);
  for (uint32_t i = 0; i < n; i++) {
    dec_item(d, i, cap);
    global_type(d, &d->globals[i]);
    d->globals[i].init = dec_const_expr(d);
  }
  d->nglobals = n;
}

/* ---- exports, start --------------------------------------------------------------------- */

void dec_export_section(dec_t *d) {
  uint32_t n = dec_count(d), cap;
  swasm_export_t *ex = dec_vec(d, n, MIN_EXPORT, sizeof *ex, &cap);
  for (uint32_t i = 0; i < n; i++) {
    dec_item(d, i, cap);
    ex[i].offset = (uint32_t)d->r.pos;
    ex[i].name = dec_name(d);
    size_t at;
    uint8_t kind = read_byte_at(d, &at);
    if (kind > SWASM_EXTERN_TAG || (kind == SWASM_EXTERN_TAG && !d->features.exceptions))
      dec_fail(d, SWASM_MALFORMED, at, "malformed export kind");
    ex[i].kind = (swasm_externkind_t)kind;
    ex[i].index = ir_u32(&d->r);
  }
  d->m->nexports = n;
  d->m->exports = ex;
}

void dec_start_section(dec_t *d) {
  d->m->start = ir_u32(&d->r);
}

/* ---- element segments ------------------------------------------------------------------- */

static void elem_kind(dec_t *d) {
  size_t at;
  if (read_byte_at(d, &at) != 0x00) dec_fail(d, SWASM_MALFORMED, at, "malformed element kind");
}

/* Flags bit 0: passive or declarative (bit 1 then tells which) rather than active; bit 1 on an
 * active segment: explicit table index; bit 2: elements are expressions, not function indices. */
static void elem_segment(dec_t *d, swasm_elem_t *e) {
  e->section_offset = (uint32_t)d->r.pos;
  size_t at = d->r.pos;
  uint32_t flags = ir_u32(&d->r);
  if (flags > 7) dec_fail(d, SWASM_MALFORMED, at, "malformed elements segment kind");
  bool exprs = flags & 4;
  e->reftype = SWASM_FUNCREF;
  if (flags & 1) {
    e->mode = (flags & 2) ? SWASM_SEG_DECLARATIVE : SWASM_SEG_PASSIVE;
  } else {
    e->mode = SWASM_SEG_ACTIVE;
    if (flags & 2) e->table = ir_u32(&d->r);
    e->offset = dec_const_expr(d);
  }
  if (flags & 3) {  /* every form but 0 and 4 names its element type */
    if (exprs) e->reftype = dec_reftype(d);
    else elem_kind(d);
  }
  uint32_t n = dec_count(d);
  e->count = n;
  if (exprs) {
    swasm_expr_t *x = dec_alloc(d, n, sizeof *x);
    for (uint32_t i = 0; i < n; i++) x[i] = dec_const_expr(d);
    e->exprs = x;
  } else {
    uint32_t *f = dec_alloc(d, n, sizeof *f);
    for (uint32_t i = 0; i < n; i++) f[i] = ir_u32(&d->r);
    e->funcs = f;
  }
}

void dec_elem_section(dec_t *d) {
  uint32_t n = dec_count(d), cap;
  swasm_elem_t *e = dec_vec(d, n, MIN_ELEM, sizeof *e, &cap);
  for (uint32_t i = 0; i < n; i++) {
    dec_item(d, i, cap);
    elem_segment(d, &e[i]);
  }
  d->m->nelems = n;
  d->m->elems = e;
}

/* ---- data ------------------------------------------------------------------------------- */

void dec_datacount_section(dec_t *d) {
  d->m->datacount = ir_u32(&d->r);
  d->m->has_datacount = true;
}

static void data_segment(dec_t *d, swasm_data_t *s) {
  s->section_offset = (uint32_t)d->r.pos;
  size_t at = d->r.pos;
  uint32_t flags = ir_u32(&d->r);
  if (flags > 2) dec_fail(d, SWASM_MALFORMED, at, "malformed data segment kind");
  if (flags == 1) {
    s->mode = SWASM_SEG_PASSIVE;
  } else {
    s->mode = SWASM_SEG_ACTIVE;
    if (flags == 2) s->memory = ir_u32(&d->r);
    s->offset = dec_const_expr(d);
  }
  uint32_t size = dec_count(d);
  s->data_offset = (uint32_t)d->r.pos;
  s->size = size;
  d->r.pos += size;
}

void dec_data_section(dec_t *d) {
  uint32_t n = dec_count(d), cap;
  if (d->m->has_datacount && n != d->m->datacount)
    dec_fail(d, SWASM_MALFORMED, d->r.pos, "data count and data section have inconsistent lengths");
  swasm_data_t *s = dec_vec(d, n, MIN_DATA, sizeof *s, &cap);
  for (uint32_t i = 0; i < n; i++) {
    dec_item(d, i, cap);
    data_segment(d, &s[i]);
  }
  d->m->ndatas = n;
  d->m->datas = s;
  d->has_datasec = true;
}

/* ---- code ------------------------------------------------------------------------------- */

/* An implementation limit, as in browsers: enough for any real program, and it keeps the
 * validator's and codegen's per-function local arrays small. */
enum { MAX_LOCALS = 50000 };

static void locals(dec_t *d, swasm_funcdef_t *f) {
  size_t start = d->r.pos;
  uint32_t n = dec_count(d), cap;
  swasm_localgroup_t *g = dec_vec(d, n, MIN_LOCALGROUP, sizeof *g, &cap);
  uint64_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    dec_item(d, i, cap);
    size_t at = d->r.pos;
    g[i].count = ir_u32(&d->r);
    g[i].type = ir_valtype(&d->r);
    total += g[i].count;
    if (total > UINT32_MAX) dec_fail(d, SWASM_MALFORMED, at, "too many locals");
  }
  /* Checked after the loop so that an overflow of the format's own limit is reported as
   * malformed, as the spec tests expect, rather than as our smaller limit. */
  if (total > MAX_LOCALS)
    dec_fail(d, SWASM_LIMIT, start, "too many locals: %llu, at most %d are supported",
             (unsigned long long)total, MAX_LOCALS);
  f->nlocalgroups = n;
  f->localgroups = g;
  f->nlocals = (uint32_t)total;
}

static void function_body(dec_t *d, swasm_funcdef_t *f) {
  f->size_offset = (uint32_t)d->r.pos;
  uint32_t size = dec_count(d);
  size_t section_end = d->r.end, body_end = d->r.pos + size;
  if (size == 0) dec_fail(d, SWASM_MALFORMED, f->size_offset, "unexpected end of section or function");
  d->r.end = body_end;
  locals(d, f);
  d->r.end = section_end;
  f->body_offset = (uint32_t)d->r.pos;
  f->body_end = (uint32_t)body_end;
  /* The validator walks the body and finds an end inside an immediate; this catches the common
   * truncation early and with the messages the reference interpreter gives. */
  if (f->body_offset >= body_end || d->r.base[body_end - 1] != 0x0b) {
    /* The reference interpreter reads on past the body, so what follows picks its message. */
    if (body_end >= d->m->size)
      dec_fail(d, SWASM_MALFORMED, body_end, "unexpected end of section or function");
    if (d->r.base[body_end] == 0x0b)
      dec_fail(d, SWASM_MALFORMED, body_end, "section size mismatch");
    dec_fail(d, SWASM_MALFORMED, body_end, "END opcode expected");
  }
  d->r.pos = body_end;
}

void dec_code_section(dec_t *d) {
  size_t at = d->r.pos;
  uint32_t n = dec_count(d), cap;
  if (n != d->nfuncdecls)
    dec_fail(d, SWASM_MALFORMED, at, "function and code section have inconsistent lengths");
  d->defined = dec_vec(d, n, MIN_BODY, sizeof *d->defined, &cap);
  for (uint32_t i = 0; i < n; i++) {
    dec_item(d, i, cap);
    d->diag->func = (int64_t)d->nimp_funcs + i;
    d->defined[i].type = d->functypes[i];
    function_body(d, &d->defined[i]);
  }
  d->diag->func = -1;
  d->ncode = n;
  d->has_codesec = true;
}

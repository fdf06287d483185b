/* module.c - swasm_module_validate: the module-level rules (types of imports and functions,
 * limits, globals and their initialisers, element and data segments, start function, exports)
 * followed by every function body, with one scratch context reused throughout. */
#include <stdlib.h>
#include <string.h>

#include "validate.h"

/* Error offsets for entities that carry none of their own: the section that declares them. */
static uint32_t section_offset(const swasm_module_t *m, uint8_t id) {
  for (uint32_t i = 0; i < m->nsections; i++)
    if (m->sections[i].id == id)
      return m->sections[i].offset;
  return 0;
}

static uint32_t import_offset(const swasm_module_t *m, swasm_externkind_t kind, uint32_t index) {
  for (uint32_t i = 0; i < m->nimports; i++)
    if (m->imports[i].kind == kind && m->imports[i].index == index)
      return m->imports[i].offset;
  return 0;
}

static uint32_t entity_offset(const swasm_module_t *m, swasm_externkind_t kind, uint32_t index,
                              uint32_t nimported, uint8_t section) {
  return index < nimported ? import_offset(m, kind, index) : section_offset(m, section);
}

static bool check_types(val_ctx_t *c) {
  const swasm_module_t *m = c->m;
  for (uint32_t i = 0; i < m->ntypes; i++) {
    const swasm_functype_t *t = &m->types[i];
    if (t->nparams > VAL_MAX_ARITY || t->nresults > VAL_MAX_ARITY)
      return val_fail(c, SWASM_LIMIT, section_offset(m, 1),
                      "type %u has %u parameters and %u results: at most %u of each are "
                      "supported", i, t->nparams, t->nresults, VAL_MAX_ARITY);
  }
  return true;
}

static bool check_funcs(val_ctx_t *c) {
  const swasm_module_t *m = c->m;
  for (uint32_t i = 0; i < m->nfuncs; i++) {
    if (m->funcs[i].type < m->ntypes)
      continue;
    uint32_t off = i < m->nimported_funcs ? import_offset(m, SWASM_EXTERN_FUNC, i)
                                          : section_offset(m, 3);
    return val_fail(c, SWASM_INVALID, off, "unknown type %u", m->funcs[i].type);
  }
  for (uint32_t i = 0; i < m->ntags; i++) {
    uint32_t off = i < m->nimported_tags ? import_offset(m, SWASM_EXTERN_TAG, i)
                                         : section_offset(m, 13);
    if (m->tags[i] >= m->ntypes)
      return val_fail(c, SWASM_INVALID, off, "unknown type %u", m->tags[i]);
    if (m->types[m->tags[i]].nresults)
      return val_fail(c, SWASM_INVALID, off, "non-empty tag result type");
  }
  return true;
}

static bool check_limits(val_ctx_t *c, const swasm_limits_t *l, uint64_t k, const char *toobig,
                         uint32_t off) {
  if (l->min > k || (l->has_max && l->max > k))
    return val_fail(c, SWASM_INVALID, off, "%s", toobig);
  if (l->has_max && l->min > l->max)
    return val_fail(c, SWASM_INVALID, off, "size minimum must not be greater than maximum");
  return true;
}

static bool check_tables_memories(val_ctx_t *c) {
  const swasm_module_t *m = c->m;
  for (uint32_t i = 0; i < m->ntables; i++) {
    const swasm_limits_t *l = &m->tables[i].limits;
    uint32_t off = entity_offset(m, SWASM_EXTERN_TABLE, i, m->nimported_tables, 4);
    if (!check_limits(c, l, l->is64 ? UINT64_MAX : UINT32_MAX,
                      "table size must be at most 2^32-1", off))
      return false;
  }
  if (m->nmemories > 1 && !m->features.multi_memory)
    return val_fail(c, SWASM_INVALID,
                    entity_offset(m, SWASM_EXTERN_MEMORY, 1, m->nimported_memories, 5),
                    "multiple memories (needs the multi-memory feature)");
  for (uint32_t i = 0; i < m->nmemories; i++) {
    const swasm_limits_t *l = &m->memories[i];
    uint32_t off = entity_offset(m, SWASM_EXTERN_MEMORY, i, m->nimported_memories, 5);
    bool ok = l->is64 ? check_limits(c, l, (uint64_t)1 << 48,
                                     "memory size must be at most 2^48 pages", off)
                      : check_limits(c, l, 65536,
                                     "memory size must be at most 65536 pages (4GiB)", off);
    if (!ok)
      return false;
  }
  return true;
}

static bool check_globals(val_ctx_t *c) {
  const swasm_module_t *m = c->m;
  for (uint32_t i = m->nimported_globals; i < m->nglobals; i++)
    if (!val_const_expr(c, m->globals[i].init, m->globals[i].type))
      return false;
  return true;
}

static void declare(val_ctx_t *c, uint32_t f) {
  if (f < c->m->nfuncs)
    c->refs[f >> 3] |= (uint8_t)(1u << (f & 7));
}

static bool check_elem(val_ctx_t *c, const swasm_elem_t *e) {
  const swasm_module_t *m = c->m;
  if (e->mode == SWASM_SEG_ACTIVE) {
    if (e->table >= m->ntables)
      return val_fail(c, SWASM_INVALID, e->section_offset, "unknown table %u", e->table);
    const swasm_tabletype_t *t = &m->tables[e->table];
    if (t->elemtype != e->reftype)
      return val_fail(c, SWASM_INVALID, e->section_offset,
                      "type mismatch: element segment of %s for a table of %s",
                      val_type_name(e->reftype), val_type_name(t->elemtype));
    if (!val_const_expr(c, e->offset, t->limits.is64 ? SWASM_I64 : SWASM_I32))
      return false;
  }
  if (e->funcs) {
    for (uint32_t j = 0; j < e->count; j++) {
      if (e->funcs[j] >= m->nfuncs)
        return val_fail(c, SWASM_INVALID, e->section_offset, "unknown function %u",
                        e->funcs[j]);
      declare(c, e->funcs[j]);
    }
  } else if (e->exprs) {
    for (uint32_t j = 0; j < e->count; j++)
      if (!val_const_expr(c, e->exprs[j], e->reftype))
        return false;
  }
  return true;
}

static bool check_segments(val_ctx_t *c) {
  const swasm_module_t *m = c->m;
  for (uint32_t i = 0; i < m->nelems; i++)
    if (!check_elem(c, &m->elems[i]))
      return false;
  for (uint32_t i = 0; i < m->ndatas; i++) {
    const swasm_data_t *d = &m->datas[i];
    if (d->mode != SWASM_SEG_ACTIVE)
      continue;
    if (d->memory >= m->nmemories)
      return val_fail(c, SWASM_INVALID, d->section_offset, "unknown memory %u", d->memory);
    if (!val_const_expr(c, d->offset, m->memories[d->memory].is64 ? SWASM_I64 : SWASM_I32))
      return false;
  }
  return true;
}

static bool check_start(val_ctx_t *c) {
  const swasm_module_t *m = c->m;
  if (m->start < 0)
    return true;
  uint32_t off = section_offset(m, 8);
  if ((uint64_t)m->start >= m->nfuncs)
    return val_fail(c, SWASM_INVALID, off, "unknown function %lld", (long long)m->start);
  const swasm_functype_t *t = &m->types[m->funcs[m->start].type];
  if (t->nparams || t->nresults)
    return val_fail(c, SWASM_INVALID, off, "start function must have type [] -> [], "
                    "function %lld has %u parameters and %u results", (long long)m->start,
                    t->nparams, t->nresults);
  return true;
}

/* An export name as stored in the module bytes: names may contain NUL, which the IR's
 * NUL-terminated copy cannot show. */
typedef struct name_ref {
  const uint8_t *p;
  uint32_t len;
  uint32_t export;
} name_ref_t;

static name_ref_t export_name(const swasm_module_t *m, uint32_t i) {
  const swasm_export_t *e = &m->exports[i];
  name_ref_t n = {(const uint8_t *)e->name, (uint32_t)strlen(e->name), i};
  swasm_diag_t d;
  ir_reader_t r = {.base = m->bytes, .pos = e->offset, .end = m->size, .diag = &d};
  uint32_t len = ir_u32(&r);
  if (!r.failed && len <= r.end - r.pos) {
    n.p = m->bytes + r.pos;
    n.len = len;
  }
  return n;
}

static int name_cmp(const void *a, const void *b) {
  const name_ref_t *x = a, *y = b;
  uint32_t n = x->len < y->len ? x->len : y->len;
  int d = n ? memcmp(x->p, y->p, n) : 0;
  if (d)
    return d;
  if (x->len != y->len)
    return x->len < y->len ? -1 : 1;
  return x->export < y->export ? -1 : x->export > y->export;
}

static bool check_export_index(val_ctx_t *c, const swasm_export_t *e) {
  const swasm_module_t *m = c->m;
  static const char *const kinds[] = {"function", "table", "memory", "global", "tag"};
  uint32_t n;
  switch (e->kind) {
  case SWASM_EXTERN_FUNC: n = m->nfuncs; break;
  case SWASM_EXTERN_TABLE: n = m->ntables; break;
  case SWASM_EXTERN_MEMORY: n = m->nmemories; break;
  case SWASM_EXTERN_GLOBAL: n = m->nglobals; break;
  case SWASM_EXTERN_TAG: n = m->ntags; break;
  default:
    return val_fail(c, SWASM_MALFORMED, e->offset, "malformed export kind");
  }
  if (e->index >= n)
    return val_fail(c, SWASM_INVALID, e->offset, "unknown %s %u", kinds[e->kind], e->index);
  if (e->kind == SWASM_EXTERN_FUNC)
    declare(c, e->index);
  return true;
}

static bool check_exports(val_ctx_t *c) {
  const swasm_module_t *m = c->m;
  for (uint32_t i = 0; i < m->nexports; i++)
    if (!check_export_index(c, &m->exports[i]))
      return false;
  if (m->nexports < 2)
    return true;
  name_ref_t *names = malloc((size_t)m->nexports * sizeof *names);
  if (!names)
    return val_fail(c, SWASM_LIMIT, 0, "out of memory (exports)");
  for (uint32_t i = 0; i < m->nexports; i++)
    names[i] = export_name(m, i);
  qsort(names, m->nexports, sizeof *names, name_cmp);
  bool ok = true;
  for (uint32_t i = 1; i < m->nexports && ok; i++) {
    const name_ref_t *a = &names[i - 1], *b = &names[i];
    if (a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0))
      ok = val_fail(c, SWASM_INVALID, m->exports[b->export].offset,
                    "duplicate export name \"%s\"", m->exports[b->export].name);
  }
  free(names);
  return ok;
}

/* Module-level rules, in the spec's order, except that exports go before the initialisers
 * and segments: all three declare functions for ref.func, which bodies then check. */
static bool check_module(val_ctx_t *c) {
  const swasm_module_t *m = c->m;
  c->refs = calloc((size_t)m->nfuncs / 8 + 1, 1);
  if (!c->refs)
    return val_fail(c, SWASM_LIMIT, 0, "out of memory (function references)");
  return check_types(c) && check_funcs(c) && check_tables_memories(c) && check_exports(c) && check_globals(c) &&
         check_segments(c) && check_start(c);
}

swasm_status_t swasm_module_validate(const swasm_module_t *m, swasm_diag_t *diag) {
  val_ctx_t c;
  memset(&c, 0, sizeof c);
  c.m = m;
  c.diag = diag;
  c.func = -1;
  memset(diag, 0, sizeof *diag);
  diag->func = -1;

  uint32_t first_bad = m->nimported_funcs;
  bool ok = check_module(&c);
  for (uint32_t f = m->nimported_funcs; ok && f < m->nfuncs; f++) {
    if (!val_function(&c, f)) {
      first_bad = f;
      ok = false;
    }
  }
  /* The spec decodes every body before validating any: a malformed body after the first
   * invalid construct still makes the module malformed. */
  if (!ok && diag->status != SWASM_MALFORMED && c.refs)
    val_scan_malformed(&c, first_bad);
  val_ctx_free(&c);
  return ok ? SWASM_OK : diag->status;
}

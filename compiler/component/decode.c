/* decode.c - the component decoder's entry point: the preamble, the section sequence of a
 * component (any order, any number of times), nested components and embedded core modules
 * (handed to the core decoder), custom sections, and the reader helpers the grammar uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cm.h"

static const char unexpected_end[] = "unexpected end-of-file";

_Noreturn void cm_dec_fail(cm_dec_t *d, swasm_status_t st, size_t offset, const char *fmt, ...) {
  if (!d->r.failed) {
    char msg[sizeof d->diag->message - 32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    d->diag->status = st;
    d->diag->offset = offset;
    if (d->section) snprintf(d->diag->message, sizeof d->diag->message, "%s: %s", d->section, msg);
    else snprintf(d->diag->message, sizeof d->diag->message, "%s", msg);
  }
  /* The message is complete: run_guarded must not prefix the section again. */
  d->section = NULL;
  d->r.failed = true;
  longjmp(d->jmp, 1);
}

void *cm_dec_alloc(cm_dec_t *d, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) cm_dec_fail(d, SWASM_LIMIT, d->r.pos, "out of memory");
  size_t bytes = n * size;
  void *p = ir_arena_alloc(d->arena, bytes ? bytes : 1);
  if (!p) cm_dec_fail(d, SWASM_LIMIT, d->r.pos, "out of memory");
  return p;
}

uint8_t cm_dec_byte(cm_dec_t *d) { return ir_u8(&d->r); }
uint32_t cm_dec_u32(cm_dec_t *d) { return ir_u32(&d->r); }

uint32_t cm_dec_count(cm_dec_t *d, size_t min_item) {
  size_t at = d->r.pos;
  uint32_t n = ir_u32(&d->r);
  if ((uint64_t)n * (min_item ? min_item : 1) > d->r.end - d->r.pos)
    cm_dec_fail(d, SWASM_MALFORMED, at, "%s", unexpected_end);
  return n;
}

_Noreturn void cm_dec_bad_byte(cm_dec_t *d, size_t at, uint8_t b, const char *what) {
  cm_dec_fail(d, SWASM_MALFORMED, at, "invalid leading byte (0x%x) for %s", b, what);
}

/* UTF-8 as Unicode defines it: shortest forms only, no surrogates, nothing above U+10FFFF. */
bool cm_utf8_valid(const uint8_t *s, size_t n) {
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

const char *cm_dec_name(cm_dec_t *d) {
  uint32_t n = cm_dec_count(d, 1);
  const uint8_t *s = d->r.base + d->r.pos;
  if (!cm_utf8_valid(s, n)) cm_dec_fail(d, SWASM_MALFORMED, d->r.pos, "malformed UTF-8 encoding");
  /* A NUL inside a name would silently truncate the C string: such names are never valid
   * component names, and keeping them would make two different names compare equal. */
  if (memchr(s, 0, n)) cm_dec_fail(d, SWASM_MALFORMED, d->r.pos, "name contains a NUL character");
  d->r.pos += n;
  char *copy = ir_arena_strndup(d->arena, (const char *)s, n);
  if (!copy) cm_dec_fail(d, SWASM_LIMIT, d->r.pos, "out of memory");
  return copy;
}

/* ---- building the component ------------------------------------------------------------ */

void *cm_build_push(cm_dec_t *d, cm_vec_t *v, size_t size) {
  void *p = cm_vec_push(d->arena, v, size);
  if (!p) cm_dec_fail(d, SWASM_LIMIT, d->r.pos, "too many definitions");
  return p;
}

void cm_build_def(cm_dec_t *d, cm_build_t *b, swasm_cm_defkind_t kind, uint32_t item) {
  swasm_cm_def_t *def = cm_build_push(d, &b->defs, sizeof *def);
  def->kind = kind;
  def->item = item;
}

/* ---- sections --------------------------------------------------------------------------- */

enum {
  SEC_CUSTOM = 0, SEC_CORE_MODULE = 1, SEC_CORE_INSTANCE = 2, SEC_CORE_TYPE = 3,
  SEC_COMPONENT = 4, SEC_INSTANCE = 5, SEC_ALIAS = 6, SEC_TYPE = 7, SEC_CANON = 8,
  SEC_START = 9, SEC_IMPORT = 10, SEC_EXPORT = 11, SEC_VALUE = 12
};

static const char *const section_names[] = {
  "custom section", "core module section", "core instance section", "core type section",
  "component section", "instance section", "alias section", "type section", "canon section",
  "start section", "import section", "export section", "value section",
};

/* The component-name custom section: subsection 0 is the component's own name. Read
 * leniently, like the core name section: a broken one is ignored. */
static void component_name(cm_dec_t *d, cm_build_t *b, size_t pos, size_t end) {
  ir_reader_t r = {.base = d->r.base, .pos = pos, .end = end};
  if (pos >= end) return;
  uint8_t id = ir_u8(&r);
  uint32_t size = ir_u32(&r);
  if (r.failed || id != 0 || size > r.end - r.pos) return;
  r.end = r.pos + size;
  uint32_t n = ir_u32(&r);
  if (r.failed || n > r.end - r.pos || !cm_utf8_valid(r.base + r.pos, n)) return;
  if (memchr(r.base + r.pos, 0, n)) return;
  b->c->name = ir_arena_strndup(d->arena, (const char *)r.base + r.pos, n);
}

static void custom_section(cm_dec_t *d, cm_build_t *b, swasm_cm_section_t *s) {
  s->name = cm_dec_name(d);
  if (strcmp(s->name, "component-name") == 0 && !b->c->name)
    component_name(d, b, d->r.pos, d->r.end);
  d->r.pos = d->r.end;
}

/* A core module: its bytes go to the core decoder, whose offsets are then made file-relative. */
static void core_module(cm_dec_t *d, cm_build_t *b, size_t start, size_t end) {
  static const uint8_t core_preamble[8] = {0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00};
  if (end - start >= 8 && memcmp(d->r.base + start, core_preamble, 4) == 0 &&
      memcmp(d->r.base + start + 4, core_preamble + 4, 4) != 0)
    cm_dec_fail(d, SWASM_MALFORMED, start + 4, "expected a version header for a module");
  swasm_module_t *m = NULL;
  swasm_diag_t diag;
  swasm_status_t st = swasm_module_decode(d->r.base + start, end - start, &d->features, &m, &diag);
  if (st != SWASM_OK) {
    d->section = "core module section";
    if (diag.func >= 0) {
      cm_dec_fail(d, st, start + diag.offset, "module %u: func %lld: %s", b->modules.n,
                  (long long)diag.func, diag.message);
    }
    cm_dec_fail(d, st, start + diag.offset, "module %u: %s", b->modules.n, diag.message);
  }
  *(swasm_module_t **)cm_build_push(d, &d->modules, sizeof m) = m;
  *(swasm_module_t **)cm_build_push(d, &b->modules, sizeof m) = m;
  *(uint32_t *)cm_build_push(d, &b->module_offsets, sizeof(uint32_t)) = (uint32_t)start;
  cm_build_def(d, b, SWASM_CM_DEF_CORE_MODULE, b->modules.n - 1);
  d->r.pos = end;
}

static void nested_component(cm_dec_t *d, cm_build_t *b, size_t start, size_t end) {
  if (d->depth + 1 >= CM_MAX_DEPTH)
    cm_dec_fail(d, SWASM_LIMIT, start, "components nested deeper than %d", CM_MAX_DEPTH);
  const char *section = d->section;
  size_t outer_end = d->r.end;
  d->depth++;
  swasm_component_t *inner = cm_dec_component(d, start, end);
  d->depth--;
  d->section = section;
  d->r.end = outer_end;
  d->r.pos = end;
  *(swasm_component_t **)cm_build_push(d, &b->components, sizeof inner) = inner;
  cm_build_def(d, b, SWASM_CM_DEF_COMPONENT, b->components.n - 1);
}

static void section_contents(cm_dec_t *d, cm_build_t *b, swasm_cm_section_t *s) {
  switch (s->id) {
  case SEC_CUSTOM: custom_section(d, b, s); break;
  case SEC_CORE_MODULE: core_module(d, b, s->content_offset, d->r.end); break;
  case SEC_CORE_INSTANCE: cm_dec_core_instances(d, b); break;
  case SEC_CORE_TYPE: cm_dec_core_types(d, b); break;
  case SEC_COMPONENT: nested_component(d, b, s->content_offset, d->r.end); break;
  case SEC_INSTANCE: cm_dec_instances(d, b); break;
  case SEC_ALIAS: cm_dec_aliases(d, b); break;
  case SEC_TYPE: cm_dec_types(d, b); break;
  case SEC_CANON: cm_dec_canons(d, b); break;
  case SEC_START: cm_dec_start(d, b); break;
  case SEC_IMPORT: cm_dec_imports(d, b); break;
  case SEC_EXPORT: cm_dec_exports(d, b); break;
  case SEC_VALUE:
    cm_dec_fail(d, SWASM_UNSUPPORTED, s->offset, "value definitions are not supported");
  default: break;
  }
}

static void sections(cm_dec_t *d, cm_build_t *b, size_t end) {
  while (d->r.pos < end) {
    swasm_cm_section_t s = {0};
    s.offset = (uint32_t)d->r.pos;
    d->r.end = end;
    d->section = NULL;
    s.id = ir_u8(&d->r);
    if (s.id > SEC_VALUE) cm_dec_fail(d, SWASM_MALFORMED, s.offset, "malformed section id");
    d->section = section_names[s.id];
    size_t size_at = d->r.pos;
    s.size = ir_u32(&d->r);
    if (s.size > end - d->r.pos)
      cm_dec_fail(d, SWASM_MALFORMED, size_at, "unexpected end-of-file: section size %u runs "
                  "past the end of the component", s.size);
    s.content_offset = (uint32_t)d->r.pos;
    d->r.end = d->r.pos + s.size;
    section_contents(d, b, &s);
    if (d->r.pos != d->r.end)
      cm_dec_fail(d, SWASM_MALFORMED, d->r.pos, "section size mismatch: %zu bytes left over",
                  d->r.end - d->r.pos);
    *(swasm_cm_section_t *)cm_build_push(d, &b->sections, sizeof s) = s;
  }
  d->section = NULL;
  d->r.end = end;
}

static void preamble(cm_dec_t *d, size_t start, size_t end) {
  static const uint8_t magic[4] = {0x00, 'a', 's', 'm'};
  const uint8_t *p = d->r.base + start;
  size_t size = end - start;
  if (size < 4) cm_dec_fail(d, SWASM_MALFORMED, end, "unexpected end-of-file in the preamble");
  if (memcmp(p, magic, 4) != 0) cm_dec_fail(d, SWASM_MALFORMED, start, "magic header not detected");
  if (size < 8) cm_dec_fail(d, SWASM_MALFORMED, end, "unexpected end-of-file in the preamble");
  uint16_t version = (uint16_t)(p[4] | p[5] << 8), layer = (uint16_t)(p[6] | p[7] << 8);
  if (layer == 0 && version == 1)
    cm_dec_fail(d, SWASM_MALFORMED, start + 4, "expected a version header for a component, "
                "found a core module");
  if (layer != 1) cm_dec_fail(d, SWASM_MALFORMED, start + 6, "unknown binary layer 0x%x", layer);
  if (version != 0x0d)
    cm_dec_fail(d, SWASM_MALFORMED, start + 4, "unknown binary version 0x%x (expected 0xd)",
                version);
  d->r.pos = start + 8;
}

static void *finish_vec(cm_vec_t *v, uint32_t *n) {
  *n = v->n;
  return v->data;
}

swasm_component_t *cm_dec_component(cm_dec_t *d, size_t start, size_t end) {
  cm_build_t b;
  memset(&b, 0, sizeof b);
  b.c = cm_dec_alloc(d, 1, sizeof *b.c);
  d->section = NULL;
  d->r.end = end;
  preamble(d, start, end);
  sections(d, &b, end);
  swasm_component_t *c = b.c;
  c->bytes = d->r.base;
  c->offset = (uint32_t)start;
  c->end = (uint32_t)end;
  c->depth = d->depth;
  c->arena = d->arena;
  c->defs = finish_vec(&b.defs, &c->ndefs);
  c->modules = finish_vec(&b.modules, &c->nmodules);
  c->module_offsets = b.module_offsets.data;
  c->core_instances = finish_vec(&b.core_instances, &c->ncore_instances);
  c->core_types = finish_vec(&b.core_types, &c->ncore_types);
  c->components = finish_vec(&b.components, &c->ncomponents);
  c->instances = finish_vec(&b.instances, &c->ninstances);
  c->aliases = finish_vec(&b.aliases, &c->naliases);
  c->types = finish_vec(&b.types, &c->ntypes);
  c->canons = finish_vec(&b.canons, &c->ncanons);
  c->starts = finish_vec(&b.starts, &c->nstarts);
  c->imports = finish_vec(&b.imports, &c->nimports);
  c->exports = finish_vec(&b.exports, &c->nexports);
  c->sections = finish_vec(&b.sections, &c->nsections);
  return c;
}

/* ---- entry points ----------------------------------------------------------------------- */

bool swasm_is_component(const uint8_t *bytes, size_t size) {
  static const uint8_t magic[4] = {0x00, 'a', 's', 'm'};
  return size >= 8 && memcmp(bytes, magic, 4) == 0 && bytes[6] == 0x01 && bytes[7] == 0x00;
}

/* The only setjmp of the component decoder, in its own function so that no local variable
 * modified after it is read after a longjmp. */
static swasm_component_t *run_guarded(cm_dec_t *d, size_t size) {
  if (setjmp(d->jmp)) {
    /* The byte reader failed on its own (a truncated or overlong integer): name the section. */
    if (d->section) {
      char cause[sizeof d->diag->message - 32];
      snprintf(cause, sizeof cause, "%.470s", d->diag->message);
      if (strcmp(cause, "unexpected end of section or function") == 0)
        snprintf(cause, sizeof cause, "unexpected end-of-file");
      snprintf(d->diag->message, sizeof d->diag->message, "%s: %s", d->section, cause);
    }
    return NULL;
  }
  return cm_dec_component(d, 0, size);
}

static void free_modules(cm_dec_t *d) {
  for (uint32_t i = 0; i < d->modules.n; i++)
    swasm_module_free(CM_VEC_AT(d->modules, swasm_module_t *, i));
}

swasm_status_t swasm_component_decode(const uint8_t *bytes, size_t size,
                                      const swasm_features_t *features,
                                      swasm_component_t **out, swasm_diag_t *diag) {
  *out = NULL;
  memset(diag, 0, sizeof *diag);
  diag->func = -1;
  if (size > UINT32_MAX) {
    diag->status = SWASM_LIMIT;
    snprintf(diag->message, sizeof diag->message, "component too large: %zu bytes", size);
    return SWASM_LIMIT;
  }
  cm_dec_t d;
  memset(&d, 0, sizeof d);
  d.diag = diag;
  if (features) d.features = *features;
  d.arena = ir_arena_new();
  uint8_t *copy = d.arena ? ir_arena_alloc(d.arena, size ? size : 1) : NULL;
  if (!copy) {
    ir_arena_free(d.arena);
    diag->status = SWASM_LIMIT;
    snprintf(diag->message, sizeof diag->message, "out of memory");
    return SWASM_LIMIT;
  }
  if (size) memcpy(copy, bytes, size);
  d.r.base = copy;
  d.r.end = size;
  d.r.diag = diag;
  d.r.err_jmp = &d.jmp;
  swasm_component_t *c = run_guarded(&d, size);
  if (!c) {
    free_modules(&d);
    ir_arena_free(d.arena);
    return diag->status;
  }
  c->size = size;
  *out = c;
  return SWASM_OK;
}

/* Every component of the tree shares the outermost one's arena; core modules have their own. */
static void free_modules_of(swasm_component_t *c) {
  for (uint32_t i = 0; i < c->nmodules; i++) swasm_module_free(c->modules[i]);
  for (uint32_t i = 0; i < c->ncomponents; i++) free_modules_of(c->components[i]);
}

void swasm_component_free(swasm_component_t *c) {
  if (!c) return;
  free_modules_of(c);
  ir_arena_free(c->arena);
}

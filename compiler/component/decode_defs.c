/* decode_defs.c - readers for the component sections that define things: core instances,
 * instances, aliases, types, core types, canonical definitions, start, imports and exports.
 * Each item is appended to its array and to the definition sequence, in binary order. */
#include <string.h>

#include "cm.h"

/* ---- instances -------------------------------------------------------------------------- */

static void core_instance(cm_dec_t *d, swasm_cm_core_instance_t *ci) {
  ci->offset = (uint32_t)d->r.pos;
  uint8_t b = cm_dec_byte(d);
  if (b == 0x00) {
    ci->instantiate = true;
    ci->module = cm_dec_u32(d);
    ci->nargs = cm_dec_count(d, 3);
    swasm_cm_arg_t *args = cm_dec_alloc(d, ci->nargs, sizeof *args);
    for (uint32_t i = 0; i < ci->nargs; i++) {
      args[i].name = cm_dec_name(d);
      size_t at = d->r.pos;
      uint8_t k = cm_dec_byte(d);
      if (k != 0x12) cm_dec_bad_byte(d, at, k, "instantiation arg kind");
      args[i].item.sort = SWASM_CM_CORE_INSTANCE;
      args[i].item.index = cm_dec_u32(d);
    }
    ci->args = args;
  } else if (b == 0x01) {
    ci->nargs = cm_dec_count(d, 3);
    swasm_cm_arg_t *exports = cm_dec_alloc(d, ci->nargs, sizeof *exports);
    for (uint32_t i = 0; i < ci->nargs; i++) {
      exports[i].name = cm_dec_name(d);
      /* core:sortidx: the sort is a core sort without the 0x00 prefix. */
      size_t at = d->r.pos;
      uint8_t k = cm_dec_byte(d);
      static const swasm_cm_sort_t sorts[] = {SWASM_CM_CORE_FUNC, SWASM_CM_CORE_TABLE,
                                              SWASM_CM_CORE_MEMORY, SWASM_CM_CORE_GLOBAL,
                                              SWASM_CM_CORE_TAG};
      if (k <= 0x04) exports[i].item.sort = sorts[k];
      else if (k == 0x10) exports[i].item.sort = SWASM_CM_CORE_TYPE;
      else if (k == 0x11) exports[i].item.sort = SWASM_CM_CORE_MODULE;
      else if (k == 0x12) exports[i].item.sort = SWASM_CM_CORE_INSTANCE;
      else cm_dec_bad_byte(d, at, k, "core sort");
      exports[i].item.index = cm_dec_u32(d);
    }
    ci->args = exports;
  } else {
    cm_dec_bad_byte(d, ci->offset, b, "core instance");
  }
}

void cm_dec_core_instances(cm_dec_t *d, cm_build_t *b) {
  uint32_t n = cm_dec_count(d, 2);
  for (uint32_t i = 0; i < n; i++) {
    swasm_cm_core_instance_t *ci = cm_build_push(d, &b->core_instances, sizeof *ci);
    core_instance(d, ci);
    cm_build_def(d, b, SWASM_CM_DEF_CORE_INSTANCE, b->core_instances.n - 1);
  }
}

static void sortidx(cm_dec_t *d, swasm_cm_sortidx_t *s) {
  s->sort = cm_dec_sort(d, "component external kind");
  s->index = cm_dec_u32(d);
}

static void instance(cm_dec_t *d, swasm_cm_instance_t *in) {
  in->offset = (uint32_t)d->r.pos;
  uint8_t b = cm_dec_byte(d);
  if (b == 0x00) {
    in->instantiate = true;
    in->component = cm_dec_u32(d);
    in->nargs = cm_dec_count(d, 3);
    swasm_cm_arg_t *args = cm_dec_alloc(d, in->nargs, sizeof *args);
    for (uint32_t i = 0; i < in->nargs; i++) {
      args[i].name = cm_dec_name(d);
      sortidx(d, &args[i].item);
    }
    in->args = args;
  } else if (b == 0x01) {
    in->nexports = cm_dec_count(d, 4);
    swasm_cm_export_t *ex = cm_dec_alloc(d, in->nexports, sizeof *ex);
    for (uint32_t i = 0; i < in->nexports; i++) {
      ex[i].offset = (uint32_t)d->r.pos;
      cm_dec_externname(d, &ex[i].name);
      sortidx(d, &ex[i].item);
    }
    in->exports = ex;
  } else {
    cm_dec_bad_byte(d, in->offset, b, "instance");
  }
}

void cm_dec_instances(cm_dec_t *d, cm_build_t *b) {
  uint32_t n = cm_dec_count(d, 2);
  for (uint32_t i = 0; i < n; i++) {
    swasm_cm_instance_t *in = cm_build_push(d, &b->instances, sizeof *in);
    instance(d, in);
    cm_build_def(d, b, SWASM_CM_DEF_INSTANCE, b->instances.n - 1);
  }
}

/* ---- aliases and types ------------------------------------------------------------------ */

void cm_dec_aliases(cm_dec_t *d, cm_build_t *b) {
  uint32_t n = cm_dec_count(d, 3);
  for (uint32_t i = 0; i < n; i++) {
    swasm_cm_alias_t *a = cm_build_push(d, &b->aliases, sizeof *a);
    cm_dec_alias(d, a);
    cm_build_def(d, b, SWASM_CM_DEF_ALIAS, b->aliases.n - 1);
  }
}

void cm_dec_types(cm_dec_t *d, cm_build_t *b) {
  uint32_t n = cm_dec_count(d, 1);
  for (uint32_t i = 0; i < n; i++) {
    const swasm_cm_deftype_t **t = cm_build_push(d, &b->types, sizeof *t);
    *t = cm_dec_deftype(d);
    cm_build_def(d, b, SWASM_CM_DEF_TYPE, b->types.n - 1);
  }
}

void cm_dec_core_types(cm_dec_t *d, cm_build_t *b) {
  uint32_t n = cm_dec_count(d, 1);
  for (uint32_t i = 0; i < n; i++) {
    const swasm_cm_coretype_t **t = cm_build_push(d, &b->core_types, sizeof *t);
    *t = cm_dec_coretype(d, false);
    cm_build_def(d, b, SWASM_CM_DEF_CORE_TYPE, b->core_types.n - 1);
  }
}

/* ---- canonical definitions -------------------------------------------------------------- */

static const char *const encoding_names[] = {"utf8", "utf16", "latin1-utf16"};

/* Duplicate and conflicting options are validation errors rather than malformed encodings,
 * but they are caught here, where the sequence of options is still visible. */
static void canonopts(cm_dec_t *d, swasm_cm_canonopts_t *o) {
  uint32_t n = cm_dec_count(d, 1);
  for (uint32_t i = 0; i < n; i++) {
    size_t at = d->r.pos;
    uint8_t b = cm_dec_byte(d);
    switch (b) {
    case 0x00: case 0x01: case 0x02:
      if (o->has_string_encoding)
        cm_dec_fail(d, SWASM_INVALID, at, "canonical encoding option `%s` conflicts with option `%s`",
                    encoding_names[o->string_encoding], encoding_names[b]);
      o->string_encoding = (swasm_cm_strenc_t)b;
      o->has_string_encoding = true;
      break;
    case 0x03:
      if (o->has_memory) cm_dec_fail(d, SWASM_INVALID, at, "`memory` is specified more than once");
      o->memory = cm_dec_u32(d);
      o->has_memory = true;
      break;
    case 0x04:
      if (o->has_realloc)
        cm_dec_fail(d, SWASM_INVALID, at, "canonical option `realloc` is specified more than once");
      o->realloc = cm_dec_u32(d);
      o->has_realloc = true;
      break;
    case 0x05:
      if (o->has_post_return)
        cm_dec_fail(d, SWASM_INVALID, at,
                    "canonical option `post-return` is specified more than once");
      o->post_return = cm_dec_u32(d);
      o->has_post_return = true;
      break;
    case 0x06:
      if (o->async) cm_dec_fail(d, SWASM_INVALID, at, "canonical option `async` is specified more than once");
      o->async = true;
      break;
    case 0x07:
      if (o->has_callback)
        cm_dec_fail(d, SWASM_INVALID, at, "canonical option `callback` is specified more than once");
      o->has_callback = true;
      o->callback = cm_dec_u32(d);
      break;
    default: cm_dec_bad_byte(d, at, b, "canonical option");
    }
  }
}

/* The immediates of each canonical built-in, by opcode. */
enum { IM_NONE, IM_TYPE, IM_TYPE_OPTS, IM_TYPE_BOOL, IM_BOOL, IM_BOOL_MEM, IM_OPTS, IM_CONTEXT,
       IM_RESULT_OPTS, IM_CORETYPE_TABLE, IM_BAD };

static int canon_immediates(uint8_t op) {
  switch (op) {
  case 0x02: case 0x03: case 0x04: return IM_TYPE;
  case 0x05: case 0x0d: case 0x1f: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26:
  case 0x28: case 0x08:
    return IM_NONE;
  case 0x06: case 0x0c: case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d: return IM_BOOL;
  case 0x09: return IM_RESULT_OPTS;
  case 0x0a: case 0x0b: return IM_CONTEXT;
  case 0x0e: case 0x13: case 0x14: case 0x15: case 0x1a: case 0x1b: return IM_TYPE;
  case 0x0f: case 0x10: case 0x16: case 0x17: return IM_TYPE_OPTS;
  case 0x11: case 0x12: case 0x18: case 0x19: return IM_TYPE_BOOL;
  case 0x1c: case 0x1d: return IM_OPTS;
  case 0x1e: return IM_NONE;
  case 0x20: case 0x21: return IM_BOOL_MEM;
  case 0x27: return IM_CORETYPE_TABLE;
  default: return IM_BAD;
  }
}

static void canon_builtin(cm_dec_t *d, swasm_cm_canon_t *c, uint8_t op) {
  switch (canon_immediates(op)) {
  case IM_NONE: break;
  case IM_TYPE: c->type = cm_dec_u32(d); break;
  case IM_TYPE_OPTS: c->type = cm_dec_u32(d); canonopts(d, &c->opts); break;
  case IM_TYPE_BOOL: c->type = cm_dec_u32(d); c->flag = cm_dec_bool(d); break;
  case IM_BOOL: c->flag = cm_dec_bool(d); break;
  case IM_BOOL_MEM:
    c->flag = cm_dec_bool(d);
    c->opts.has_memory = true;
    c->opts.memory = cm_dec_u32(d);
    break;
  case IM_OPTS: canonopts(d, &c->opts); break;
  case IM_CONTEXT: {
    size_t at = d->r.pos;
    uint8_t t = cm_dec_byte(d);
    if (t != SWASM_I32) cm_dec_bad_byte(d, at, t, "context slot type");
    c->type = cm_dec_u32(d);
    break;
  }
  case IM_RESULT_OPTS: {
    size_t at = d->r.pos;
    uint8_t b = cm_dec_byte(d);
    if (b == 0x00) {
      c->has_result = true;
      cm_dec_valtype(d, &c->result);
    } else if (b == 0x01) {
      size_t zat = d->r.pos;
      uint8_t z = cm_dec_byte(d);
      if (z != 0) cm_dec_bad_byte(d, zat, z, "number of results");
    } else {
      cm_dec_bad_byte(d, at, b, "component function results");
    }
    canonopts(d, &c->opts);
    break;
  }
  case IM_CORETYPE_TABLE: c->type = cm_dec_u32(d); c->table = cm_dec_u32(d); break;
  default: cm_dec_bad_byte(d, c->offset, op, "canonical function");
  }
}

static void canon(cm_dec_t *d, swasm_cm_canon_t *c) {
  c->offset = (uint32_t)d->r.pos;
  uint8_t op = cm_dec_byte(d);
  c->kind = (swasm_cm_canonkind_t)op;
  if (op == SWASM_CANON_LIFT || op == SWASM_CANON_LOWER) {
    size_t at = d->r.pos;
    uint8_t s = cm_dec_byte(d);
    if (s != 0x00)
      cm_dec_bad_byte(d, at, s, op == SWASM_CANON_LIFT ? "canonical function lift"
                                                       : "canonical function lower");
    c->func = cm_dec_u32(d);
    canonopts(d, &c->opts);
    if (op == SWASM_CANON_LIFT) c->type = cm_dec_u32(d);
    return;
  }
  canon_builtin(d, c, op);
}

void cm_dec_canons(cm_dec_t *d, cm_build_t *b) {
  uint32_t n = cm_dec_count(d, 1);
  for (uint32_t i = 0; i < n; i++) {
    swasm_cm_canon_t *c = cm_build_push(d, &b->canons, sizeof *c);
    canon(d, c);
    cm_build_def(d, b, SWASM_CM_DEF_CANON, b->canons.n - 1);
  }
}

/* ---- start, imports, exports ------------------------------------------------------------ */

void cm_dec_start(cm_dec_t *d, cm_build_t *b) {
  swasm_cm_start_t *s = cm_build_push(d, &b->starts, sizeof *s);
  s->offset = (uint32_t)d->r.pos;
  s->func = cm_dec_u32(d);
  s->nargs = cm_dec_count(d, 1);
  uint32_t *args = cm_dec_alloc(d, s->nargs, sizeof *args);
  for (uint32_t i = 0; i < s->nargs; i++) args[i] = cm_dec_u32(d);
  s->args = args;
  s->nresults = cm_dec_u32(d);
  cm_build_def(d, b, SWASM_CM_DEF_START, b->starts.n - 1);
}

void cm_dec_imports(cm_dec_t *d, cm_build_t *b) {
  uint32_t n = cm_dec_count(d, 4);
  for (uint32_t i = 0; i < n; i++) {
    swasm_cm_import_t *im = cm_build_push(d, &b->imports, sizeof *im);
    im->offset = (uint32_t)d->r.pos;
    cm_dec_externname(d, &im->name);
    cm_dec_externdesc(d, &im->desc);
    cm_build_def(d, b, SWASM_CM_DEF_IMPORT, b->imports.n - 1);
  }
}

void cm_dec_exports(cm_dec_t *d, cm_build_t *b) {
  uint32_t n = cm_dec_count(d, 5);
  for (uint32_t i = 0; i < n; i++) {
    swasm_cm_export_t *ex = cm_build_push(d, &b->exports, sizeof *ex);
    ex->offset = (uint32_t)d->r.pos;
    cm_dec_externname(d, &ex->name);
    sortidx(d, &ex->item);
    size_t at = d->r.pos;
    uint8_t t = cm_dec_byte(d);
    if (t == 0x01) {
      ex->has_type = true;
      cm_dec_externdesc(d, &ex->desc);
    } else if (t != 0x00) {
      cm_dec_bad_byte(d, at, t, "optional component export type");
    }
    cm_build_def(d, b, SWASM_CM_DEF_EXPORT, b->exports.n - 1);
  }
}

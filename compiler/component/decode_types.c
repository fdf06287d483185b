/* decode_types.c - the component binary format's type grammar: value types, defined types,
 * function, component and instance types with their declarators, core types (function and
 * module types), extern descriptions and names, sorts and aliases. */
#include <string.h>

#include "cm.h"

static const swasm_cm_valtype_t no_valtype;

static bool is_prim_code(uint8_t b) {
  return (b >= SWASM_CM_STRING && b <= SWASM_CM_BOOL) || b == SWASM_CM_ERROR_CONTEXT;
}

/* valtype ::= i:<typeidx> | pvt:<primvaltype>, sharing the negative-SLEB128 space of type
 * opcodes: a single byte 0x73..0x7f (or 0x64) is a primitive, anything else an s33 index. */
void cm_dec_valtype(cm_dec_t *d, swasm_cm_valtype_t *t) {
  size_t at = d->r.pos;
  *t = no_valtype;
  if (at >= d->r.end) cm_dec_fail(d, SWASM_MALFORMED, at, "unexpected end-of-file");
  uint8_t b = d->r.base[at];
  if (is_prim_code(b)) {
    d->r.pos++;
    t->prim = b;
    return;
  }
  int64_t x = ir_s33(&d->r);
  if (x < 0) cm_dec_bad_byte(d, at, b, "component value type");
  if (x > UINT32_MAX) cm_dec_fail(d, SWASM_MALFORMED, at, "type index too large");
  t->index = (uint32_t)x;
}

bool cm_dec_bool(cm_dec_t *d) {
  size_t at = d->r.pos;
  uint8_t b = cm_dec_byte(d);
  if (b > 1) cm_dec_fail(d, SWASM_MALFORMED, at, "invalid boolean value 0x%x", b);
  return b == 1;
}

/* <T>? ::= 0x00 | 0x01 t:<T> */
static bool optional_valtype(cm_dec_t *d, swasm_cm_valtype_t *t, const char *what) {
  size_t at = d->r.pos;
  uint8_t b = cm_dec_byte(d);
  if (b == 0) {
    *t = no_valtype;
    return false;
  }
  if (b != 1) cm_dec_bad_byte(d, at, b, what);
  cm_dec_valtype(d, t);
  return true;
}

/* ---- defined value types ---------------------------------------------------------------- */

static swasm_cm_field_t *fields(cm_dec_t *d, uint32_t *n, bool named, bool typed) {
  *n = cm_dec_count(d, 1);
  swasm_cm_field_t *f = cm_dec_alloc(d, *n, sizeof *f);
  for (uint32_t i = 0; i < *n; i++) {
    if (named) f[i].name = cm_dec_name(d);
    if (typed) {
      f[i].has_type = true;
      cm_dec_valtype(d, &f[i].type);
    }
  }
  return f;
}

static swasm_cm_field_t *cases(cm_dec_t *d, uint32_t *n) {
  *n = cm_dec_count(d, 3);
  swasm_cm_field_t *f = cm_dec_alloc(d, *n, sizeof *f);
  for (uint32_t i = 0; i < *n; i++) {
    f[i].name = cm_dec_name(d);
    f[i].has_type = optional_valtype(d, &f[i].type, "variant case type");
    size_t at = d->r.pos;
    uint8_t z = cm_dec_byte(d);
    if (z != 0) cm_dec_bad_byte(d, at, z, "zero byte required");
  }
  return f;
}

static void func_type(cm_dec_t *d, swasm_cm_deftype_t *t) {
  t->fields = fields(d, &t->nfields, true, true);
  size_t at = d->r.pos;
  uint8_t b = cm_dec_byte(d);
  if (b == 0x00) {
    t->has_a = true;
    cm_dec_valtype(d, &t->a);
  } else if (b == 0x01) {
    size_t zat = d->r.pos;
    uint8_t z = cm_dec_byte(d);
    if (z != 0) cm_dec_bad_byte(d, zat, z, "number of results");
  } else {
    cm_dec_bad_byte(d, at, b, "component function results");
  }
}

static void resource_type(cm_dec_t *d, swasm_cm_deftype_t *t) {
  size_t at = d->r.pos;
  t->rep = cm_dec_byte(d);
  if (t->rep != SWASM_I32) cm_dec_bad_byte(d, at, t->rep, "resource representation");
  at = d->r.pos;
  uint8_t b = cm_dec_byte(d);
  if (b == 1) {
    t->has_dtor = true;
    t->dtor = cm_dec_u32(d);
  } else if (b != 0) {
    cm_dec_bad_byte(d, at, b, "resource destructor");
  }
}

static const swasm_cm_decl_t *decls(cm_dec_t *d, bool component, uint32_t *n);

static void value_type_body(cm_dec_t *d, swasm_cm_deftype_t *t) {
  switch (t->code) {
  case SWASM_CM_RECORD: t->fields = fields(d, &t->nfields, true, true); break;
  case SWASM_CM_VARIANT: t->fields = cases(d, &t->nfields); break;
  case SWASM_CM_LIST: case SWASM_CM_OPTION:
    t->has_a = true;
    cm_dec_valtype(d, &t->a);
    break;
  case SWASM_CM_FIXED_LIST:
    t->has_a = true;
    cm_dec_valtype(d, &t->a);
    t->length = cm_dec_u32(d);
    break;
  case SWASM_CM_TUPLE: t->fields = fields(d, &t->nfields, false, true); break;
  case SWASM_CM_FLAGS: case SWASM_CM_ENUM: t->fields = fields(d, &t->nfields, true, false); break;
  case SWASM_CM_RESULT:
    t->has_a = optional_valtype(d, &t->a, "result ok type");
    t->has_b = optional_valtype(d, &t->b, "result error type");
    break;
  case SWASM_CM_OWN: case SWASM_CM_BORROW:
    t->has_a = true;
    t->a.index = cm_dec_u32(d);
    break;
  case SWASM_CM_STREAM: case SWASM_CM_FUTURE:
    t->has_a = optional_valtype(d, &t->a, "stream or future element type");
    break;
  case SWASM_CM_MAP:
    t->has_a = t->has_b = true;
    cm_dec_valtype(d, &t->a);
    cm_dec_valtype(d, &t->b);
    break;
  }
}

/* deftype: a defined value type, resource, function, component or instance type. */
const swasm_cm_deftype_t *cm_dec_deftype(cm_dec_t *d) {
  swasm_cm_deftype_t *t = cm_dec_alloc(d, 1, sizeof *t);
  t->offset = (uint32_t)d->r.pos;
  uint8_t b = cm_dec_byte(d);
  t->code = b;
  if (is_prim_code(b)) return t;
  switch (b) {
  case SWASM_CM_RECORD: case SWASM_CM_VARIANT: case SWASM_CM_LIST: case SWASM_CM_FIXED_LIST:
  case SWASM_CM_TUPLE: case SWASM_CM_FLAGS: case SWASM_CM_ENUM: case SWASM_CM_OPTION:
  case SWASM_CM_RESULT: case SWASM_CM_OWN: case SWASM_CM_BORROW: case SWASM_CM_STREAM:
  case SWASM_CM_FUTURE: case SWASM_CM_MAP:
    value_type_body(d, t);
    break;
  case SWASM_CM_RESOURCE: resource_type(d, t); break;
  case SWASM_CM_FUNCTYPE: case SWASM_CM_ASYNC_FUNCTYPE: func_type(d, t); break;
  case SWASM_CM_COMPONENTTYPE: t->decls = decls(d, true, &t->ndecls); break;
  case SWASM_CM_INSTANCETYPE: t->decls = decls(d, false, &t->ndecls); break;
  default: cm_dec_bad_byte(d, t->offset, b, "component defined type");
  }
  return t;
}

/* componentdecl ::= 0x03 importdecl | instancedecl
 * instancedecl  ::= 0x00 core:type | 0x01 type | 0x02 alias | 0x04 exportdecl */
static const swasm_cm_decl_t *decls(cm_dec_t *d, bool component, uint32_t *n) {
  if (d->depth + 1 >= CM_MAX_DEPTH)
    cm_dec_fail(d, SWASM_LIMIT, d->r.pos, "types nested deeper than %d", CM_MAX_DEPTH);
  d->depth++;
  *n = cm_dec_count(d, 2);
  swasm_cm_decl_t *ds = cm_dec_alloc(d, *n, sizeof *ds);
  for (uint32_t i = 0; i < *n; i++) {
    swasm_cm_decl_t *x = &ds[i];
    size_t at = d->r.pos;
    uint8_t b = cm_dec_byte(d);
    switch (b) {
    case 0x00: x->kind = SWASM_CM_DECL_CORE_TYPE; x->coretype = cm_dec_coretype(d, false); break;
    case 0x01: x->kind = SWASM_CM_DECL_TYPE; x->type = cm_dec_deftype(d); break;
    case 0x02: x->kind = SWASM_CM_DECL_ALIAS; cm_dec_alias(d, &x->alias); break;
    case 0x03:
      if (!component) cm_dec_bad_byte(d, at, b, "component or instance type declaration");
      /* fall through */
    case 0x04:
      x->kind = b == 0x03 ? SWASM_CM_DECL_IMPORT : SWASM_CM_DECL_EXPORT;
      cm_dec_externname(d, &x->name);
      cm_dec_externdesc(d, &x->desc);
      break;
    default: cm_dec_bad_byte(d, at, b, "component or instance type declaration");
    }
  }
  d->depth--;
  return ds;
}

/* ---- core types ------------------------------------------------------------------------- */

static const uint8_t *core_valtypes(cm_dec_t *d, uint32_t *n) {
  *n = cm_dec_count(d, 1);
  uint8_t *v = cm_dec_alloc(d, *n, 1);
  for (uint32_t i = 0; i < *n; i++) v[i] = ir_valtype(&d->r);
  return v;
}

static void core_functype(cm_dec_t *d, swasm_functype_t *f) {
  f->params = core_valtypes(d, &f->nparams);
  f->results = core_valtypes(d, &f->nresults);
}

/* A GC-style subtype wrapping a function type is accepted when it names no supertype: without
 * the GC proposal the only composite type is a function type, and subtyping is equality. */
static void core_subtype(cm_dec_t *d, swasm_functype_t *f) {
  size_t at = d->r.pos;
  uint32_t nsuper = cm_dec_count(d, 1);
  if (nsuper != 0)
    cm_dec_fail(d, SWASM_UNSUPPORTED, at, "core subtypes with supertypes need the GC proposal");
  at = d->r.pos;
  uint8_t b = cm_dec_byte(d);
  if (b != 0x60) {
    if (b == 0x5f || b == 0x5e)
      cm_dec_fail(d, SWASM_UNSUPPORTED, at, "core struct and array types need the GC proposal");
    cm_dec_bad_byte(d, at, b, "core composite type");
  }
  core_functype(d, f);
}

static const char *core_name(cm_dec_t *d) { return cm_dec_name(d); }

void cm_dec_core_limits(cm_dec_t *d, swasm_limits_t *l, bool table) {
  size_t at = d->r.pos;
  uint8_t flags = cm_dec_byte(d);
  uint8_t known = table ? 0x05 : 0x07;  /* max, shared (memories), 64-bit */
  if (flags & ~known) cm_dec_bad_byte(d, at, flags, table ? "table limits" : "memory limits");
  l->has_max = flags & 1;
  l->shared = (flags & 2) != 0;
  l->is64 = (flags & 4) != 0;
  l->min = l->is64 ? ir_u64(&d->r) : cm_dec_u32(d);
  if (l->has_max) l->max = l->is64 ? ir_u64(&d->r) : cm_dec_u32(d);
}

void cm_dec_core_externdesc(cm_dec_t *d, swasm_cm_coreextern_t *e, uint8_t kind, size_t at) {
  e->kind = (swasm_externkind_t)kind;
  switch (kind) {
  case SWASM_EXTERN_FUNC: e->type = cm_dec_u32(d); break;
  case SWASM_EXTERN_TABLE: {
    size_t rat = d->r.pos;
    e->table.elemtype = cm_dec_byte(d);
    if (e->table.elemtype != SWASM_FUNCREF && e->table.elemtype != SWASM_EXTERNREF)
      cm_dec_bad_byte(d, rat, e->table.elemtype, "reference type");
    cm_dec_core_limits(d, &e->table.limits, true);
    break;
  }
  case SWASM_EXTERN_MEMORY: cm_dec_core_limits(d, &e->memory, false); break;
  case SWASM_EXTERN_GLOBAL: {
    e->global.type = ir_valtype(&d->r);
    size_t mat = d->r.pos;
    uint8_t mut = cm_dec_byte(d);
    if (mut > 1) cm_dec_bad_byte(d, mat, mut, "global mutability");
    e->global.mut = mut == 1;
    break;
  }
  case SWASM_EXTERN_TAG: {
    size_t tat = d->r.pos;
    uint8_t attr = cm_dec_byte(d);
    if (attr != 0) cm_dec_bad_byte(d, tat, attr, "tag attribute");
    e->type = cm_dec_u32(d);
    break;
  }
  default: cm_dec_bad_byte(d, at, kind, "core external kind");
  }
}

static void module_decl(cm_dec_t *d, swasm_cm_coredecl_t *x) {
  x->offset = (uint32_t)d->r.pos;
  uint8_t b = cm_dec_byte(d);
  size_t at;
  switch (b) {
  case 0x00:
    x->kind = SWASM_CM_COREDECL_IMPORT;
    x->module = core_name(d);
    x->name = core_name(d);
    at = d->r.pos;
    cm_dec_core_externdesc(d, &x->desc, cm_dec_byte(d), at);
    break;
  case 0x01: {
    x->kind = SWASM_CM_COREDECL_TYPE;
    const swasm_cm_coretype_t *t = cm_dec_coretype(d, true);
    x->functype = t->functype;
    break;
  }
  case 0x02:
    x->kind = SWASM_CM_COREDECL_ALIAS;
    at = d->r.pos;
    b = cm_dec_byte(d);
    if (b != 0x10) cm_dec_bad_byte(d, at, b, "outer alias kind");
    at = d->r.pos;
    b = cm_dec_byte(d);
    if (b != 0x01) cm_dec_bad_byte(d, at, b, "outer alias target");
    x->count = cm_dec_u32(d);
    x->index = cm_dec_u32(d);
    break;
  case 0x03:
    x->kind = SWASM_CM_COREDECL_EXPORT;
    x->name = core_name(d);
    at = d->r.pos;
    cm_dec_core_externdesc(d, &x->desc, cm_dec_byte(d), at);
    break;
  default: cm_dec_bad_byte(d, x->offset, b, "type definition");
  }
}

/* core:type ::= functype | subtype (0x00 0x50 / 0x4f) | moduletype (0x50); a module type may
 * not nest inside another (in_module_type). */
const swasm_cm_coretype_t *cm_dec_coretype(cm_dec_t *d, bool in_module_type) {
  swasm_cm_coretype_t *t = cm_dec_alloc(d, 1, sizeof *t);
  t->offset = (uint32_t)d->r.pos;
  uint8_t b = cm_dec_byte(d);
  t->code = 0x60;
  if (b == 0x60) {
    core_functype(d, &t->functype);
  } else if (b == 0x00 && !in_module_type) {
    size_t at = d->r.pos;
    uint8_t s = cm_dec_byte(d);
    if (s != 0x50) cm_dec_bad_byte(d, at, s, "core type");
    core_subtype(d, &t->functype);
  } else if (b == 0x4f || (b == 0x50 && in_module_type)) {
    core_subtype(d, &t->functype);
  } else if (b == 0x50) {
    t->code = 0x50;
    t->ndecls = cm_dec_count(d, 2);
    swasm_cm_coredecl_t *ds = cm_dec_alloc(d, t->ndecls, sizeof *ds);
    for (uint32_t i = 0; i < t->ndecls; i++) module_decl(d, &ds[i]);
    t->decls = ds;
  } else if (b == 0x4e) {
    cm_dec_fail(d, SWASM_UNSUPPORTED, t->offset, "core recursive type groups need the GC proposal");
  } else if (b == 0x5f || b == 0x5e) {
    cm_dec_fail(d, SWASM_UNSUPPORTED, t->offset, "core struct and array types need the GC proposal");
  } else {
    cm_dec_bad_byte(d, t->offset, b, in_module_type ? "type definition" : "core type");
  }
  return t;
}

/* ---- sorts, aliases, extern descriptions, names ----------------------------------------- */

static bool core_sort(uint8_t b, swasm_cm_sort_t *s) {
  switch (b) {
  case 0x00: *s = SWASM_CM_CORE_FUNC; return true;
  case 0x01: *s = SWASM_CM_CORE_TABLE; return true;
  case 0x02: *s = SWASM_CM_CORE_MEMORY; return true;
  case 0x03: *s = SWASM_CM_CORE_GLOBAL; return true;
  case 0x04: *s = SWASM_CM_CORE_TAG; return true;
  case 0x10: *s = SWASM_CM_CORE_TYPE; return true;
  case 0x11: *s = SWASM_CM_CORE_MODULE; return true;
  case 0x12: *s = SWASM_CM_CORE_INSTANCE; return true;
  default: return false;
  }
}

/* sort ::= 0x00 core:sort | 0x01 func | 0x02 value | 0x03 type | 0x04 component | 0x05 instance */
swasm_cm_sort_t cm_dec_sort(cm_dec_t *d, const char *what) {
  size_t at = d->r.pos;
  uint8_t b = cm_dec_byte(d);
  swasm_cm_sort_t s = SWASM_CM_FUNC;
  switch (b) {
  case 0x00: {
    size_t cat = d->r.pos;
    uint8_t c = cm_dec_byte(d);
    if (!core_sort(c, &s)) cm_dec_bad_byte(d, cat, c, what);
    return s;
  }
  case 0x01: return SWASM_CM_FUNC;
  case 0x02: return SWASM_CM_VALUE;
  case 0x03: return SWASM_CM_TYPE;
  case 0x04: return SWASM_CM_COMPONENT;
  case 0x05: return SWASM_CM_INSTANCE;
  default: cm_dec_bad_byte(d, at, b, what);
  }
}

/* alias ::= s:<sort> t:<aliastarget>; outer aliases name only core types and modules, types
 * and components, a restriction of the grammar itself. */
void cm_dec_alias(cm_dec_t *d, swasm_cm_alias_t *a) {
  a->offset = (uint32_t)d->r.pos;
  size_t sort_at = d->r.pos;
  uint8_t sort_byte = sort_at < d->r.end ? d->r.base[sort_at] : 0;
  a->sort = cm_dec_sort(d, "component outer alias kind");
  size_t at = d->r.pos;
  uint8_t b = cm_dec_byte(d);
  switch (b) {
  case 0x00:
    a->target = SWASM_CM_ALIAS_EXPORT;
    a->instance = cm_dec_u32(d);
    a->name = cm_dec_name(d);
    break;
  case 0x01:
    a->target = SWASM_CM_ALIAS_CORE_EXPORT;
    a->instance = cm_dec_u32(d);
    a->name = cm_dec_name(d);
    break;
  case 0x02:
    a->target = SWASM_CM_ALIAS_OUTER;
    if (a->sort != SWASM_CM_CORE_TYPE && a->sort != SWASM_CM_CORE_MODULE &&
        a->sort != SWASM_CM_TYPE && a->sort != SWASM_CM_COMPONENT)
      cm_dec_bad_byte(d, sort_at, sort_byte, "component outer alias kind");
    a->count = cm_dec_u32(d);
    a->index = cm_dec_u32(d);
    break;
  default: cm_dec_bad_byte(d, at, b, "alias");
  }
}

/* externdesc ::= 0x00 0x11 core:typeidx | 0x01 typeidx | 0x02 valuebound | 0x03 typebound
 *              | 0x04 typeidx (component) | 0x05 typeidx (instance) */
void cm_dec_externdesc(cm_dec_t *d, swasm_cm_externdesc_t *e) {
  static const char what[] = "component external kind";
  size_t at = d->r.pos;
  uint8_t b = cm_dec_byte(d);
  memset(e, 0, sizeof *e);
  switch (b) {
  case 0x00: {
    size_t cat = d->r.pos;
    uint8_t c = cm_dec_byte(d);
    if (c != 0x11) cm_dec_bad_byte(d, cat, c, what);
    e->sort = SWASM_CM_CORE_MODULE;
    e->index = cm_dec_u32(d);
    break;
  }
  case 0x01: e->sort = SWASM_CM_FUNC; e->index = cm_dec_u32(d); break;
  case 0x02: {
    e->sort = SWASM_CM_VALUE;
    size_t vat = d->r.pos;
    uint8_t v = cm_dec_byte(d);
    if (v == 0x00) { e->value_eq = true; e->index = cm_dec_u32(d); }
    else if (v == 0x01) cm_dec_valtype(d, &e->valtype);
    else cm_dec_bad_byte(d, vat, v, "value bound");
    break;
  }
  case 0x03: {
    e->sort = SWASM_CM_TYPE;
    size_t tat = d->r.pos;
    uint8_t t = cm_dec_byte(d);
    if (t == 0x00) e->index = cm_dec_u32(d);
    else if (t == 0x01) e->sub_resource = true;
    else cm_dec_bad_byte(d, tat, t, "type bound");
    break;
  }
  case 0x04: e->sort = SWASM_CM_COMPONENT; e->index = cm_dec_u32(d); break;
  case 0x05: e->sort = SWASM_CM_INSTANCE; e->index = cm_dec_u32(d); break;
  default: cm_dec_bad_byte(d, at, b, what);
  }
}

/* externname ::= 0x00 name | 0x01 name | 0x02 name vec(attribute)
 * attribute  ::= 0x00 name (implements) | 0x02 name (external-id) */
void cm_dec_externname(cm_dec_t *d, swasm_cm_name_t *n) {
  memset(n, 0, sizeof *n);
  n->offset = (uint32_t)d->r.pos;
  uint8_t b = cm_dec_byte(d);
  if (b > 0x02) cm_dec_bad_byte(d, n->offset, b, "component name");
  n->name = cm_dec_name(d);
  if (b != 0x02) return;
  uint32_t count = cm_dec_count(d, 2);
  for (uint32_t i = 0; i < count; i++) {
    size_t at = d->r.pos;
    uint8_t k = cm_dec_byte(d);
    if (k == 0x00) {
      if (n->implements) cm_dec_fail(d, SWASM_INVALID, at, "duplicate 'implements' option in name");
      n->implements = cm_dec_name(d);
    } else if (k == 0x02) {
      if (n->external_id)
        cm_dec_fail(d, SWASM_INVALID, at, "duplicate 'external-id' option in name");
      n->external_id = cm_dec_name(d);
    } else {
      cm_dec_bad_byte(d, at, k, "name option");
    }
  }
}

/* adapter_module.c - the fused adapter as a core module: the binary writer, the types an
 * adapter covers with their flat and memory layouts, the module around the body that
 * adapter_body.c emits (types, imports, export), and its compilation through the compile
 * cache (swasm_adapter_wasm, swasm_adapter_compile). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapter.h"

/* ---- bytes --------------------------------------------------------------------------------- */

static void reserve(ad_buf_t *b, size_t more) {
  if (b->oom) return;
  if (b->n + more <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->n + more) cap *= 2;
  uint8_t *p = realloc(b->p, cap);
  if (!p) {
    b->oom = true;
    return;
  }
  b->p = p;
  b->cap = cap;
}

void ad_bytes(ad_buf_t *b, const void *p, size_t n) {
  reserve(b, n);
  if (b->oom || !n) return;
  memcpy(b->p + b->n, p, n);
  b->n += n;
}

void ad_byte(ad_buf_t *b, uint8_t x) { ad_bytes(b, &x, 1); }

void ad_u32(ad_buf_t *b, uint32_t x) {
  do {
    uint8_t c = x & 0x7f;
    x >>= 7;
    ad_byte(b, (uint8_t)(c | (x ? 0x80 : 0)));
  } while (x);
}

void ad_s64(ad_buf_t *b, int64_t x) {
  for (;;) {
    uint8_t c = (uint8_t)(x & 0x7f);
    x = x < 0 ? ~(~x >> 7) : x >> 7;   /* arithmetic shift without implementation-defined >> */
    bool done = (x == 0 && !(c & 0x40)) || (x == -1 && (c & 0x40));
    ad_byte(b, (uint8_t)(c | (done ? 0 : 0x80)));
    if (done) return;
  }
}

void ad_name(ad_buf_t *b, const char *s) {
  size_t n = strlen(s);
  ad_u32(b, (uint32_t)n);
  ad_bytes(b, s, n);
}

void ad_section(ad_buf_t *b, uint8_t id, ad_buf_t *body) {
  ad_byte(b, id);
  ad_u32(b, (uint32_t)body->n);
  ad_bytes(b, body->p, body->n);
  if (body->oom) b->oom = true;
  free(body->p);
  memset(body, 0, sizeof *body);
}

/* ---- the covered types --------------------------------------------------------------------- */

static bool is_scalar(uint8_t k) { return k >= SWASM_CM_CHAR && k <= SWASM_CM_BOOL; }
static bool is_record(uint8_t k) { return k == SWASM_CM_RECORD || k == SWASM_CM_TUPLE; }

bool ad_is_variant(const swasm_cm_type_t *t) {
  return t->kind == SWASM_CM_VARIANT || t->kind == SWASM_CM_ENUM ||
         t->kind == SWASM_CM_OPTION || t->kind == SWASM_CM_RESULT;
}

uint32_t ad_ncases(const swasm_cm_type_t *t) {
  return t->kind == SWASM_CM_OPTION || t->kind == SWASM_CM_RESULT ? 2 : t->n;
}

const swasm_cm_type_t *ad_case(const swasm_cm_type_t *t, uint32_t i) {
  switch (t->kind) {
  case SWASM_CM_OPTION: return i == 1 ? t->a : NULL;
  case SWASM_CM_RESULT: return i == 0 ? t->a : t->b;
  case SWASM_CM_ENUM: return NULL;
  default: return t->fields[i].type;
  }
}

const swasm_cm_type_t *ad_field(const swasm_cm_type_t *t, uint32_t i) { return t->fields[i].type; }

bool ad_type_ok(const swasm_cm_type_t *t, uint32_t depth) {
  if (!t || depth > AD_MAX_DEPTH) return false;
  if (is_scalar(t->kind) || t->kind == SWASM_CM_STRING) return true;
  if (t->kind == SWASM_CM_FLAGS) return t->n >= 1 && t->n <= 32;
  /* element types of size 0 keep the tree path (its "list too long" limit) */
  if (t->kind == SWASM_CM_LIST) return ad_type_ok(t->a, depth + 1) && ad_size(t->a) > 0;
  if (ad_is_variant(t)) {
    if (ad_ncases(t) == 0 || (t->kind == SWASM_CM_VARIANT && !t->fields)) return false;
    for (uint32_t i = 0; i < ad_ncases(t); i++)
      if (ad_case(t, i) && !ad_type_ok(ad_case(t, i), depth + 1)) return false;
    return true;
  }
  if (!is_record(t->kind) || (t->n && !t->fields)) return false;
  for (uint32_t i = 0; i < t->n; i++)
    if (!ad_type_ok(ad_field(t, i), depth + 1)) return false;
  return true;
}

bool ad_same_shape(const swasm_cm_type_t *a, const swasm_cm_type_t *b, uint32_t depth) {
  if (!ad_type_ok(a, depth) || !ad_type_ok(b, depth) || a->kind != b->kind) return false;
  if (a->kind == SWASM_CM_LIST) return ad_same_shape(a->a, b->a, depth + 1);
  if (a->kind == SWASM_CM_FLAGS) return a->n == b->n;
  if (ad_is_variant(a)) {
    if (ad_ncases(a) != ad_ncases(b)) return false;
    for (uint32_t i = 0; i < ad_ncases(a); i++) {
      const swasm_cm_type_t *x = ad_case(a, i), *y = ad_case(b, i);
      if (!x != !y || (x && !ad_same_shape(x, y, depth + 1))) return false;
    }
    return true;
  }
  if (!is_record(a->kind)) return true;
  if (a->n != b->n) return false;
  for (uint32_t i = 0; i < a->n; i++)
    if (!ad_same_shape(ad_field(a, i), ad_field(b, i), depth + 1)) return false;
  return true;
}

/* Whether pred holds for t or any type inside it (record fields, variant payloads, list
 * elements). */
static bool any(const swasm_cm_type_t *t, bool (*pred)(const swasm_cm_type_t *)) {
  if (pred(t)) return true;
  if (t->kind == SWASM_CM_LIST) return any(t->a, pred);
  if (ad_is_variant(t)) {
    for (uint32_t i = 0; i < ad_ncases(t); i++)
      if (ad_case(t, i) && any(ad_case(t, i), pred)) return true;
    return false;
  }
  if (!is_record(t->kind)) return false;
  for (uint32_t i = 0; i < t->n; i++)
    if (any(ad_field(t, i), pred)) return true;
  return false;
}

static bool in_memory(const swasm_cm_type_t *t) {
  return t->kind == SWASM_CM_STRING || t->kind == SWASM_CM_LIST;
}
static bool checked(const swasm_cm_type_t *t) {
  return t->kind == SWASM_CM_CHAR || ad_is_variant(t) || in_memory(t);
}
static bool is_string(const swasm_cm_type_t *t) { return t->kind == SWASM_CM_STRING; }

bool ad_has_memory(const swasm_cm_type_t *t) { return any(t, in_memory); }
bool ad_has_checks(const swasm_cm_type_t *t) { return any(t, checked); }
bool ad_has_string(const swasm_cm_type_t *t) { return any(t, is_string); }

static uint8_t join(uint8_t a, uint8_t b) {
  if (a == b) return a;
  if ((a == SWASM_I32 && b == SWASM_F32) || (a == SWASM_F32 && b == SWASM_I32)) return SWASM_I32;
  return SWASM_I64;
}

/* A variant: its discriminant, then each payload slot joined over the cases. */
static bool flatten_variant(const swasm_cm_type_t *t, uint8_t *out, uint32_t *n, uint32_t cap) {
  uint8_t joined[AD_MAX_FLAT_PARAMS + 1], own[AD_MAX_FLAT_PARAMS + 1];
  uint32_t len = 0;
  for (uint32_t i = 0; i < ad_ncases(t); i++) {
    if (!ad_case(t, i)) continue;
    uint32_t k = 0;
    if (!ad_flatten(ad_case(t, i), own, &k, AD_MAX_FLAT_PARAMS + 1)) return false;
    for (uint32_t j = 0; j < k; j++) joined[j] = j < len ? join(joined[j], own[j]) : own[j];
    if (k > len) len = k;
  }
  if (*n + 1 + len > cap) return false;
  out[(*n)++] = SWASM_I32;
  memcpy(out + *n, joined, len);
  *n += len;
  return true;
}

bool ad_flatten(const swasm_cm_type_t *t, uint8_t *out, uint32_t *n, uint32_t cap) {
  if (is_record(t->kind)) {
    for (uint32_t i = 0; i < t->n; i++)
      if (!ad_flatten(ad_field(t, i), out, n, cap)) return false;
    return true;
  }
  if (ad_is_variant(t)) return flatten_variant(t, out, n, cap);
  uint8_t one[2];
  uint32_t k = 1;
  switch (t->kind) {
  case SWASM_CM_S64: case SWASM_CM_U64: one[0] = SWASM_I64; break;
  case SWASM_CM_F32: one[0] = SWASM_F32; break;
  case SWASM_CM_F64: one[0] = SWASM_F64; break;
  case SWASM_CM_STRING: case SWASM_CM_LIST: one[0] = one[1] = SWASM_I32; k = 2; break;
  default: one[0] = SWASM_I32; break;
  }
  if (*n + k > cap) return false;
  memcpy(out + *n, one, k);
  *n += k;
  return true;
}

uint32_t ad_align_to(uint32_t x, uint32_t a) { return (x + a - 1) / a * a; }

uint32_t ad_payload_offset(const swasm_cm_type_t *t) {
  return ad_align_to(ad_disc_size(t), ad_case_align(t));
}

uint32_t ad_disc_size(const swasm_cm_type_t *t) {
  uint32_t n = ad_ncases(t);
  return n <= 0x100 ? 1 : n <= 0x10000 ? 2 : 4;
}

uint32_t ad_case_align(const swasm_cm_type_t *t) {
  uint32_t a = 1;
  for (uint32_t i = 0; i < ad_ncases(t); i++)
    if (ad_case(t, i) && ad_align(ad_case(t, i)) > a) a = ad_align(ad_case(t, i));
  return a;
}

uint32_t ad_align(const swasm_cm_type_t *t) {
  if (t->kind == SWASM_CM_FLAGS) return t->n <= 8 ? 1 : t->n <= 16 ? 2 : 4;
  if (ad_is_variant(t)) {
    uint32_t d = ad_disc_size(t), c = ad_case_align(t);
    return d > c ? d : c;
  }
  switch (t->kind) {
  case SWASM_CM_BOOL: case SWASM_CM_S8: case SWASM_CM_U8: return 1;
  case SWASM_CM_S16: case SWASM_CM_U16: return 2;
  case SWASM_CM_S64: case SWASM_CM_U64: case SWASM_CM_F64: return 8;
  default: break;
  }
  if (!is_record(t->kind)) return 4;
  uint32_t a = 1;
  for (uint32_t i = 0; i < t->n; i++) {
    uint32_t fa = ad_align(ad_field(t, i));
    if (fa > a) a = fa;
  }
  return a;
}

uint32_t ad_size(const swasm_cm_type_t *t) {
  if (t->kind == SWASM_CM_STRING || t->kind == SWASM_CM_LIST) return 8;
  if (ad_is_variant(t)) {
    uint32_t cs = 0;
    for (uint32_t i = 0; i < ad_ncases(t); i++)
      if (ad_case(t, i) && ad_size(ad_case(t, i)) > cs) cs = ad_size(ad_case(t, i));
    return ad_align_to(ad_payload_offset(t) + cs, ad_align(t));
  }
  if (!is_record(t->kind)) return ad_align(t);
  uint32_t s = 0;
  for (uint32_t i = 0; i < t->n; i++) {
    const swasm_cm_type_t *f = ad_field(t, i);
    s = ad_align_to(s, ad_align(f)) + ad_size(f);
  }
  return ad_align_to(s, ad_align(t));
}

/* ---- the pair of sides --------------------------------------------------------------------- */

static bool params_flat(const swasm_cm_type_t *ft, uint8_t *out, uint32_t *n) {
  *n = 0;
  for (uint32_t i = 0; i < ft->n; i++)
    if (!ad_flatten(ft->fields[i].type, out, n, AD_MAX_FLAT_PARAMS)) return false;
  return true;
}

/* A side's options give what the adapter uses of them: memory when values pass through it,
 * realloc when strings or lists are written into it, and UTF-8 (the one encoding copied as
 * is). */
static bool side_ok(const swasm_adapter_side_t *s, bool memory, bool alloc, bool strings) {
  if (!s || !s->type || s->type->kind != SWASM_CM_FUNCTYPE || s->async || s->type->async)
    return false;
  if (s->type->n && !s->type->fields) return false;
  if (memory && !s->has_memory) return false;
  if (alloc && !s->has_realloc) return false;
  return !strings || s->enc == SWASM_CM_UTF8;
}

bool swasm_adapter_supported(const swasm_adapter_side_t *lower, const swasm_adapter_side_t *lift) {
  if (!lower || !lift || !lower->type || !lift->type) return false;
  const swasm_cm_type_t *a = lower->type, *b = lift->type;
  if (a->kind != SWASM_CM_FUNCTYPE || b->kind != SWASM_CM_FUNCTYPE || a->n != b->n) return false;
  if (!a->a != !b->a) return false;
  bool arg_mem = false, res_mem = false, spilled = false, strings = false;
  for (uint32_t i = 0; i < a->n; i++) {
    if (!a->fields || !b->fields) return false;
    if (!ad_same_shape(a->fields[i].type, b->fields[i].type, 0)) return false;
    arg_mem |= ad_has_memory(a->fields[i].type);
    strings |= ad_has_string(a->fields[i].type);
  }
  if (a->a && !ad_same_shape(a->a, b->a, 0)) return false;
  uint8_t flat[AD_MAX_FLAT_PARAMS];
  uint32_t n;
  if (!params_flat(a, flat, &n)) return false;   /* spilled parameters: the tree path */
  if (a->a) {
    uint8_t r[AD_MAX_FLAT_PARAMS];
    uint32_t k = 0;
    spilled = !ad_flatten(a->a, r, &k, AD_MAX_FLAT_RESULTS);
    res_mem = ad_has_memory(a->a);
    strings |= ad_has_string(a->a);
  }
  bool mem = arg_mem || spilled;
  return side_ok(lower, mem, res_mem, strings) && side_ok(lift, mem, arg_mem, strings);
}

/* ---- the module ---------------------------------------------------------------------------- */

typedef struct ftype {
  uint8_t p[AD_MAX_FLAT_PARAMS + 1], r[1];
  uint32_t np, nr;
} ftype_t;

static uint32_t add_type(ftype_t *types, uint32_t *n, const ftype_t *t) {
  for (uint32_t i = 0; i < *n; i++)
    if (types[i].np == t->np && types[i].nr == t->nr && !memcmp(types[i].p, t->p, t->np) &&
        !memcmp(types[i].r, t->r, t->nr))
      return i;
  types[*n] = *t;
  return (*n)++;
}

static ftype_t i32s(uint32_t np, uint32_t nr) {
  ftype_t t;
  memset(&t, 0, sizeof t);
  t.np = np;
  t.nr = nr;
  memset(t.p, SWASM_I32, np);
  memset(t.r, SWASM_I32, nr);
  return t;
}

/* The lowered (caller's) and lifted (callee's) core types of ft. */
static void core_types(const swasm_cm_type_t *ft, ftype_t *lowered, ftype_t *lifted) {
  memset(lowered, 0, sizeof *lowered);
  params_flat(ft, lowered->p, &lowered->np);
  *lifted = *lowered;
  if (!ft->a) return;
  uint32_t k = 0;
  if (ad_flatten(ft->a, lowered->r, &k, AD_MAX_FLAT_RESULTS)) {
    lowered->nr = lifted->nr = k;
    memcpy(lifted->r, lowered->r, k);
    return;
  }
  lowered->p[lowered->np++] = SWASM_I32;   /* the out-pointer */
  lowered->nr = 0;
  lifted->r[0] = SWASM_I32;
  lifted->nr = 1;
}

static const struct { const char *name; uint8_t np, nr; } helpers[] = {
  [AD_F_ENTER] = {"enter", 0, 0}, [AD_F_LEAVE] = {"leave", 0, 0},
  [AD_F_CHECK_LEAVE] = {"check_leave", 0, 0}, [AD_F_TRAP] = {"trap", 2, 0},
  [AD_F_STR_IN] = {"str_in", 2, 0}, [AD_F_STR_OUT] = {"str_out", 2, 0},
  [AD_F_LIST_IN] = {"list_in", 4, 0}, [AD_F_LIST_OUT] = {"list_out", 4, 0},
  [AD_F_RANGE_CALLER] = {"range_caller", 3, 0}, [AD_F_RANGE_CALLEE] = {"range_callee", 3, 0},
  [AD_F_REALLOC_CALLER] = {"realloc_caller", 3, 1},
  [AD_F_REALLOC_CALLEE] = {"realloc_callee", 3, 1},
  [AD_F_ENTER_FAST] = {"enter_fast", 0, 1}, [AD_F_LEAVE_FAST] = {"leave_fast", 0, 1},
  [AD_F_STR_IN_FAST] = {"str_in_fast", 2, 1}, [AD_F_STR_OUT_FAST] = {"str_out_fast", 2, 1},
  [AD_F_CHECK_LEAVE_FAST] = {"check_leave_fast", 0, 1},
};

static void import_func(ad_buf_t *b, const char *name, uint32_t type) {
  ad_name(b, "a");
  ad_name(b, name);
  ad_byte(b, 0x00);
  ad_u32(b, type);
}

static void import_memory(ad_buf_t *b, const char *name) {
  ad_name(b, "a");
  ad_name(b, name);
  ad_byte(b, 0x02);
  ad_byte(b, 0x00);   /* no maximum: any memory of the index type is accepted */
  ad_u32(b, 0);
}

static bool needs_memory(const swasm_cm_type_t *ft) {
  for (uint32_t i = 0; i < ft->n; i++)
    if (ad_has_memory(ft->fields[i].type)) return true;
  if (!ft->a) return false;
  uint8_t r[AD_MAX_FLAT_RESULTS];
  uint32_t k = 0;
  return ad_has_memory(ft->a) || !ad_flatten(ft->a, r, &k, AD_MAX_FLAT_RESULTS);
}

static void write_module(const swasm_adapter_side_t *lower, const swasm_adapter_side_t *lift,
                         ad_buf_t *body, ad_buf_t *out) {
  ftype_t types[AD_NFUNCS + 2], lowered, lifted;
  uint32_t nt = 0, ti[AD_NFUNCS + 1];
  core_types(lift->type, &lowered, &lifted);
  ti[AD_F_CALLEE] = add_type(types, &nt, &lifted);
  for (uint32_t f = AD_F_ENTER; f < AD_F_POST; f++) {
    ftype_t t = i32s(helpers[f].np, helpers[f].nr);
    ti[f] = add_type(types, &nt, &t);
  }
  if (lift->has_post_return) {
    ftype_t t;
    memset(&t, 0, sizeof t);
    t.np = lifted.nr;
    memcpy(t.p, lifted.r, lifted.nr);
    ti[AD_F_POST] = add_type(types, &nt, &t);
  }
  uint32_t adapter_type = add_type(types, &nt, &lowered);
  (void)lower;

  static const uint8_t header[8] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  ad_bytes(out, header, sizeof header);
  ad_buf_t s = {0};
  ad_u32(&s, nt);
  for (uint32_t i = 0; i < nt; i++) {
    ad_byte(&s, 0x60);
    ad_u32(&s, types[i].np);
    ad_bytes(&s, types[i].p, types[i].np);
    ad_u32(&s, types[i].nr);
    ad_bytes(&s, types[i].r, types[i].nr);
  }
  ad_section(out, 1, &s);

  bool mem = needs_memory(lift->type);
  uint32_t nfuncs = lift->has_post_return ? AD_F_POST + 1 : AD_F_POST;
  ad_u32(&s, nfuncs + (mem ? 2 : 0));
  import_func(&s, "callee", ti[AD_F_CALLEE]);
  for (uint32_t f = AD_F_ENTER; f < AD_F_POST; f++) import_func(&s, helpers[f].name, ti[f]);
  if (lift->has_post_return) import_func(&s, "post", ti[AD_F_POST]);
  if (mem) {
    import_memory(&s, "mem_caller");
    import_memory(&s, "mem_callee");
  }
  ad_section(out, 2, &s);

  ad_u32(&s, 1);
  ad_u32(&s, adapter_type);
  ad_section(out, 3, &s);

  ad_u32(&s, 1);
  ad_name(&s, "adapter");
  ad_byte(&s, 0x00);
  ad_u32(&s, nfuncs);
  ad_section(out, 7, &s);

  ad_u32(&s, 1);
  ad_u32(&s, (uint32_t)body->n);
  ad_bytes(&s, body->p, body->n);
  if (body->oom) s.oom = true;
  ad_section(out, 10, &s);
}

static swasm_status_t fail(swasm_diag_t *diag, swasm_status_t st, const char *msg) {
  if (diag) {
    memset(diag, 0, sizeof *diag);
    diag->status = st;
    diag->func = -1;
    snprintf(diag->message, sizeof diag->message, "%s", msg);
  }
  return st;
}

swasm_status_t swasm_adapter_wasm(const swasm_adapter_side_t *lower,
                                  const swasm_adapter_side_t *lift, swasm_buf_t *out,
                                  swasm_diag_t *diag) {
  memset(out, 0, sizeof *out);
  if (!swasm_adapter_supported(lower, lift))
    return fail(diag, SWASM_UNSUPPORTED, "adapter: the function type is not covered");
  ad_buf_t body = {0}, mod = {0};
  bool ok = ad_emit_body(lower, lift, &body);
  if (ok) write_module(lower, lift, &body, &mod);
  free(body.p);
  if (!ok || mod.oom) {
    free(mod.p);
    return fail(diag, ok ? SWASM_LIMIT : SWASM_INTERNAL, ok ? "adapter: out of memory"
                                                           : "adapter: cannot emit the body");
  }
  out->data = mod.p;
  out->size = mod.n;
  return SWASM_OK;
}

swasm_status_t swasm_adapter_compile(const swasm_adapter_side_t *lower,
                                     const swasm_adapter_side_t *lift,
                                     const swasm_compile_opts_t *opts, char *path_out,
                                     size_t path_size, swasm_diag_t *diag) {
  swasm_buf_t bin;
  swasm_status_t st = swasm_adapter_wasm(lower, lift, &bin, diag);
  if (st != SWASM_OK) return st;
  swasm_features_t feat;
  memset(&feat, 0, sizeof feat);
  feat.multi_memory = true;
  swasm_module_t *m = NULL;
  st = swasm_module_decode(bin.data, bin.size, &feat, &m, diag);
  if (st == SWASM_OK) st = swasm_module_validate(m, diag);
  if (st == SWASM_OK) st = swasm_compile_cached(m, opts, path_out, path_size, diag);
  if (m) swasm_module_free(m);
  /* free, not swasm_buf_free (which is the same): that lives beside the LLVM code, and
   * executables built by swasmc link this file without LLVM (cexe_main.c) */
  free(bin.data);
  return st;
}

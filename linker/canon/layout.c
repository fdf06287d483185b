/* layout.c - where values sit in linear memory (size, alignment, discriminants) and how they
 * flatten to core values, including the joined flat types of variants and the flattened core
 * signatures of component functions (MAX_FLAT_PARAMS, MAX_FLAT_RESULTS). */
#include <stdlib.h>
#include <string.h>

#include "canon.h"

bool cn_is_variant(const swasm_cm_type_t *t) {
  return t->kind == SWASM_CM_VARIANT || t->kind == SWASM_CM_ENUM ||
         t->kind == SWASM_CM_OPTION || t->kind == SWASM_CM_RESULT;
}

uint32_t cn_ncases(const swasm_cm_type_t *t) {
  switch (t->kind) {
  case SWASM_CM_OPTION: case SWASM_CM_RESULT: return 2;
  default: return t->n;
  }
}

/* The payload type of case i, NULL for none. */
const swasm_cm_type_t *cn_case(const swasm_cm_type_t *t, uint32_t i) {
  switch (t->kind) {
  case SWASM_CM_OPTION: return i == 1 ? t->a : NULL;
  case SWASM_CM_RESULT: return i == 0 ? t->a : t->b;
  case SWASM_CM_ENUM: return NULL;
  default: return t->fields[i].type;
  }
}

/* Record-like types: records, tuples, and fixed-size lists (length elements of one type). */
bool cn_is_record(const swasm_cm_type_t *t) {
  return t->kind == SWASM_CM_RECORD || t->kind == SWASM_CM_TUPLE || t->kind == SWASM_CM_FIXED_LIST;
}

uint32_t cn_nfields(const swasm_cm_type_t *t) {
  return t->kind == SWASM_CM_FIXED_LIST ? t->length : t->n;
}

const swasm_cm_type_t *cn_field(const swasm_cm_type_t *t, uint32_t i) {
  return t->kind == SWASM_CM_FIXED_LIST ? t->a : t->fields[i].type;
}

uint32_t cn_disc_size(uint32_t ncases) {
  if (ncases <= 0x100u) return 1;
  if (ncases <= 0x10000u) return 2;
  return 4;
}

uint32_t cn_align_to(uint32_t x, uint32_t a) { return (x + a - 1) & ~(a - 1); }

static uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }

uint32_t cn_max_case_align(const swasm_cm_type_t *t) {
  uint32_t a = 1;
  for (uint32_t i = 0; i < cn_ncases(t); i++) {
    const swasm_cm_type_t *c = cn_case(t, i);
    if (c) a = max_u32(a, lk_align(c));
  }
  return a;
}

static uint32_t flags_size(uint32_t n) {
  if (n == 0) return 0;
  if (n <= 8) return 1;
  if (n <= 16) return 2;
  return 4 * ((n + 31) / 32);
}

uint32_t lk_align(const swasm_cm_type_t *t) {
  switch (t->kind) {
  case SWASM_CM_BOOL: case SWASM_CM_S8: case SWASM_CM_U8: return 1;
  case SWASM_CM_S16: case SWASM_CM_U16: return 2;
  case SWASM_CM_S32: case SWASM_CM_U32: case SWASM_CM_F32: case SWASM_CM_CHAR: return 4;
  case SWASM_CM_S64: case SWASM_CM_U64: case SWASM_CM_F64: return 8;
  case SWASM_CM_STRING: case SWASM_CM_LIST: case SWASM_CM_MAP: case SWASM_CM_OWN:
  case SWASM_CM_BORROW:
    return 4;
  case SWASM_CM_RECORD: case SWASM_CM_TUPLE: {
    uint32_t a = 1;
    for (uint32_t i = 0; i < t->n; i++) a = max_u32(a, lk_align(t->fields[i].type));
    return a;
  }
  case SWASM_CM_FIXED_LIST: return lk_align(t->a);
  case SWASM_CM_VARIANT: case SWASM_CM_ENUM: case SWASM_CM_OPTION: case SWASM_CM_RESULT:
    return max_u32(cn_disc_size(cn_ncases(t)), cn_max_case_align(t));
  case SWASM_CM_FLAGS: return t->n <= 8 ? 1 : t->n <= 16 ? 2 : 4;
  default: return 1;
  }
}

uint32_t lk_size(const swasm_cm_type_t *t) {
  switch (t->kind) {
  case SWASM_CM_BOOL: case SWASM_CM_S8: case SWASM_CM_U8: return 1;
  case SWASM_CM_S16: case SWASM_CM_U16: return 2;
  case SWASM_CM_S32: case SWASM_CM_U32: case SWASM_CM_F32: case SWASM_CM_CHAR: return 4;
  case SWASM_CM_S64: case SWASM_CM_U64: case SWASM_CM_F64: return 8;
  case SWASM_CM_STRING: case SWASM_CM_LIST: case SWASM_CM_MAP: return 8;
  case SWASM_CM_OWN: case SWASM_CM_BORROW: return 4;
  case SWASM_CM_FIXED_LIST: {
    uint64_t s = (uint64_t)t->length * lk_size(t->a);
    return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
  }
  case SWASM_CM_RECORD: case SWASM_CM_TUPLE: {
    uint32_t s = 0;
    for (uint32_t i = 0; i < t->n; i++) {
      const swasm_cm_type_t *f = t->fields[i].type;
      s = cn_align_to(s, lk_align(f)) + lk_size(f);
    }
    return cn_align_to(s, lk_align(t));
  }
  case SWASM_CM_VARIANT: case SWASM_CM_ENUM: case SWASM_CM_OPTION: case SWASM_CM_RESULT: {
    uint32_t s = cn_align_to(cn_disc_size(cn_ncases(t)), cn_max_case_align(t)), cs = 0;
    for (uint32_t i = 0; i < cn_ncases(t); i++) {
      const swasm_cm_type_t *c = cn_case(t, i);
      if (c) cs = max_u32(cs, lk_size(c));
    }
    return cn_align_to(s + cs, lk_align(t));
  }
  case SWASM_CM_FLAGS: return flags_size(t->n);
  default: return 0;
  }
}

/* Whether the synchronous canonical ABI of 0.2 covers every part of t. */
bool cn_supported(const swasm_cm_type_t *t) {
  if (!t) return true;
  switch (t->kind) {
  case SWASM_CM_BOOL: case SWASM_CM_S8: case SWASM_CM_U8: case SWASM_CM_S16:
  case SWASM_CM_U16: case SWASM_CM_S32: case SWASM_CM_U32: case SWASM_CM_S64:
  case SWASM_CM_U64: case SWASM_CM_F32: case SWASM_CM_F64: case SWASM_CM_CHAR:
  case SWASM_CM_STRING: case SWASM_CM_OWN: case SWASM_CM_BORROW: case SWASM_CM_ENUM:
  case SWASM_CM_FLAGS:
    return true;
  case SWASM_CM_LIST: case SWASM_CM_OPTION: case SWASM_CM_FIXED_LIST: return cn_supported(t->a);
  case SWASM_CM_RESULT: return cn_supported(t->a) && cn_supported(t->b);
  case SWASM_CM_MAP: return t->a && t->b && cn_supported(t->a) && cn_supported(t->b);
  case SWASM_CM_RECORD: case SWASM_CM_TUPLE: case SWASM_CM_VARIANT:
    for (uint32_t i = 0; i < t->n; i++)
      if (!cn_supported(t->fields[i].type)) return false;
    return true;
  default: return false;
  }
}

const swasm_cm_type_t *cn_elem(const swasm_cm_type_t *t, cn_pair_t *tmp) {
  if (t->kind != SWASM_CM_MAP) return t->a;
  memset(tmp, 0, sizeof *tmp);
  tmp->t.kind = SWASM_CM_TUPLE;
  tmp->t.n = 2;
  tmp->t.fields = tmp->f;
  tmp->f[0].type = t->a;
  tmp->f[1].type = t->b;
  return &tmp->t;
}

static uint8_t join(uint8_t a, uint8_t b) {
  if (a == b) return a;
  if ((a == SWASM_T_I32 && b == SWASM_T_F32) || (a == SWASM_T_F32 && b == SWASM_T_I32))
    return SWASM_T_I32;
  return SWASM_T_I64;
}

static uint32_t sat_add(uint32_t a, uint32_t b) { return a > UINT32_MAX - b ? UINT32_MAX : a + b; }

static uint32_t put(uint8_t *out, uint32_t cap, uint32_t at, uint8_t t) {
  if (at < cap) out[at] = t;
  return 1;
}

static uint32_t flatten_variant(const swasm_cm_type_t *t, uint8_t *out, uint32_t cap) {
  uint32_t n = put(out, cap, 0, SWASM_T_I32);
  uint32_t payload = 0;
  uint8_t tmp[CN_MAX_FLAT_PARAMS + 1];
  for (uint32_t i = 0; i < cn_ncases(t); i++) {
    const swasm_cm_type_t *c = cn_case(t, i);
    if (!c) continue;
    uint32_t k = cn_flatten(c, tmp, sizeof tmp);
    if (k == UINT32_MAX) return UINT32_MAX;
    for (uint32_t j = 0; j < k && j < sizeof tmp; j++) {
      if (1 + j >= cap) break;
      out[1 + j] = j < payload ? join(out[1 + j], tmp[j]) : tmp[j];
    }
    if (k > payload) payload = k;
  }
  return sat_add(n, payload);
}

uint32_t cn_flatten(const swasm_cm_type_t *t, uint8_t *out, uint32_t cap) {
  switch (t->kind) {
  case SWASM_CM_BOOL: case SWASM_CM_S8: case SWASM_CM_U8: case SWASM_CM_S16:
  case SWASM_CM_U16: case SWASM_CM_S32: case SWASM_CM_U32: case SWASM_CM_CHAR:
  case SWASM_CM_OWN: case SWASM_CM_BORROW: case SWASM_CM_FLAGS:
    return put(out, cap, 0, SWASM_T_I32);
  case SWASM_CM_S64: case SWASM_CM_U64: return put(out, cap, 0, SWASM_T_I64);
  case SWASM_CM_F32: return put(out, cap, 0, SWASM_T_F32);
  case SWASM_CM_F64: return put(out, cap, 0, SWASM_T_F64);
  case SWASM_CM_STRING: case SWASM_CM_LIST: case SWASM_CM_MAP:
    put(out, cap, 0, SWASM_T_I32);
    return 1 + put(out, cap, 1, SWASM_T_I32);
  case SWASM_CM_FIXED_LIST: {
    uint32_t k = cn_flatten(t->a, NULL, 0), n = 0;
    if (k == UINT32_MAX) return UINT32_MAX;
    for (uint32_t i = 0; i < t->length && n < cap; i++) n += cn_flatten(t->a, out + n, cap - n);
    uint64_t total = (uint64_t)k * t->length;
    return total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
  }
  case SWASM_CM_RECORD: case SWASM_CM_TUPLE: {
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->n; i++) {
      uint32_t k = cn_flatten(t->fields[i].type, n < cap ? out + n : NULL, n < cap ? cap - n : 0);
      if (k == UINT32_MAX) return UINT32_MAX;
      n = sat_add(n, k);
    }
    return n;
  }
  case SWASM_CM_VARIANT: case SWASM_CM_ENUM: case SWASM_CM_OPTION: case SWASM_CM_RESULT:
    return flatten_variant(t, out, cap);
  default: return UINT32_MAX;
  }
}

/* flatten_functype of the spec: the core signature of a lift or a lower, sync or async. */
bool cn_flatten_core(const swasm_cm_type_t *ft, bool is_lower, bool async,
                     swasm_desc_functype_t *out) {
  memset(out, 0, sizeof *out);
  if (!ft || ft->kind != SWASM_CM_FUNCTYPE) return false;
  uint32_t np = 0;
  for (uint32_t i = 0; i < ft->n; i++) {
    if (!cn_supported(ft->fields[i].type)) return false;
    np = sat_add(np, cn_flatten(ft->fields[i].type, NULL, 0));
  }
  if (!cn_supported(ft->a)) return false;
  uint32_t nr = ft->a ? cn_flatten(ft->a, NULL, 0) : 0;
  uint32_t max_params = async && is_lower ? CN_MAX_FLAT_ASYNC_PARAMS : CN_MAX_FLAT_PARAMS;
  bool spill_params = np > max_params;
  /* results: through an out-pointer (lower), a returned pointer (sync lift), task.return
   * (async lift), or flat */
  bool out_ptr = is_lower && nr && (async || nr > CN_MAX_FLAT_RESULTS);
  bool ret_ptr = !is_lower && !async && nr > CN_MAX_FLAT_RESULTS;
  bool flat_result = !async && nr && nr <= CN_MAX_FLAT_RESULTS;
  uint32_t cp = (spill_params ? 1 : np) + (out_ptr ? 1 : 0);
  uint32_t cr = async && is_lower ? 1 : ret_ptr || flat_result ? 1 : 0;
  uint8_t *types = malloc(cp + cr + 1);
  if (!types) return false;
  uint32_t k = 0;
  if (spill_params) types[k++] = SWASM_T_I32;
  else
    for (uint32_t i = 0; i < ft->n; i++)
      k += cn_flatten(ft->fields[i].type, types + k, np - k);
  if (out_ptr) types[k++] = SWASM_T_I32;
  if (async && is_lower) types[k++] = SWASM_T_I32;
  else if (ret_ptr) types[k++] = SWASM_T_I32;
  else if (flat_result) k += cn_flatten(ft->a, types + k, 1);
  out->nparams = cp;
  out->nresults = cr;
  out->types = types;
  return true;
}

bool lk_flatten_functype(const swasm_cm_type_t *ft, bool is_lower, swasm_desc_functype_t *out) {
  if (ft && ft->async) {
    memset(out, 0, sizeof *out);
    return false;
  }
  return cn_flatten_core(ft, is_lower, false, out);
}

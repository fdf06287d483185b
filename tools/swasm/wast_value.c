/* wast_value.c - reads argument and result values from wast2json output, matches results
 * against expectations (bit patterns, NaN classes, v128 lanes, references) and prints them. */
#include "wast_value.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void *wast_externref(uint64_t n) {
  /* +1 so that (ref.extern 0) is not the null reference. */
  return (void *)(uintptr_t)(n + 1);
}

const char *wast_type_name(uint8_t type) {
  switch (type) {
  case SWASM_T_I32: return "i32";
  case SWASM_T_I64: return "i64";
  case SWASM_T_F32: return "f32";
  case SWASM_T_F64: return "f64";
  case SWASM_T_V128: return "v128";
  case SWASM_T_FUNCREF: return "funcref";
  case SWASM_T_EXTERNREF: return "externref";
  default: return "?";
  }
}

static bool type_from_name(const char *s, uint8_t *out) {
  static const struct { const char *name; uint8_t type; } names[] = {
    {"i32", SWASM_T_I32}, {"i64", SWASM_T_I64}, {"f32", SWASM_T_F32}, {"f64", SWASM_T_F64},
    {"v128", SWASM_T_V128}, {"funcref", SWASM_T_FUNCREF}, {"externref", SWASM_T_EXTERNREF},
    {"i8", WAST_LANE_I8}, {"i16", WAST_LANE_I16},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(s, names[i].name) == 0) { *out = names[i].type; return true; }
  return false;
}

/* Lane count and width in bytes of a lane type. */
static unsigned lane_bytes(uint8_t lane_type) {
  switch (lane_type) {
  case WAST_LANE_I8: return 1;
  case WAST_LANE_I16: return 2;
  case SWASM_T_I32: case SWASM_T_F32: return 4;
  case SWASM_T_I64: case SWASM_T_F64: return 8;
  default: return 0;
  }
}

/* Parses a decimal integer of the given bit width: the unsigned bits as wast2json writes them,
 * or (for robustness) a negative number in two's complement. */
static bool parse_bits(const char *s, unsigned bits, uint64_t *out) {
  bool neg = *s == '-';
  if (neg) s++;
  if (*s < '0' || *s > '9') return false;
  uint64_t x = 0;
  for (; *s >= '0' && *s <= '9'; s++) {
    uint64_t d = (uint64_t)(*s - '0');
    if (x > (UINT64_MAX - d) / 10) return false;
    x = x * 10 + d;
  }
  if (*s) return false;
  uint64_t mask = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
  if (neg) {
    if (x > (mask >> 1) + 1) return false;
    x = (0 - x) & mask;
  } else if (x > mask) {
    return false;
  }
  *out = x;
  return true;
}

static bool parse_nan(const char *s, bool is_float, bool expected, uint8_t *nan) {
  if (!is_float || !expected) return false;
  if (strcmp(s, "nan:canonical") == 0) { *nan = WAST_NAN_CANONICAL; return true; }
  if (strcmp(s, "nan:arithmetic") == 0) { *nan = WAST_NAN_ARITHMETIC; return true; }
  return false;
}

static void store_bits(uint8_t *p, unsigned bytes, uint64_t x) {
  for (unsigned i = 0; i < bytes; i++) p[i] = (uint8_t)(x >> (8 * i));   /* little-endian */
}

static uint64_t load_bits(const uint8_t *p, unsigned bytes) {
  uint64_t x = 0;
  for (unsigned i = 0; i < bytes; i++) x |= (uint64_t)p[i] << (8 * i);
  return x;
}

static bool parse_v128(const wast_json_t *j, bool expected, wast_value_t *out, char *err,
                       size_t errsize) {
  const char *lt = wast_json_get_str(j, "lane_type");
  const wast_json_t *lanes = wast_json_get(j, "value");
  if (!lt || !type_from_name(lt, &out->lane_type) || !lane_bytes(out->lane_type)) {
    snprintf(err, errsize, "v128 value without a known lane_type");
    return false;
  }
  unsigned w = lane_bytes(out->lane_type), n = 16 / w;
  if (wast_json_count(lanes) != n) {
    snprintf(err, errsize, "v128 %s value needs %u lanes", lt, n);
    return false;
  }
  bool is_float = out->lane_type == SWASM_T_F32 || out->lane_type == SWASM_T_F64;
  for (unsigned i = 0; i < n; i++) {
    const wast_json_t *l = wast_json_at(lanes, i);
    uint64_t x;
    if (l->kind != WAST_JSTR) { snprintf(err, errsize, "v128 lane %u is not a string", i); return false; }
    if (parse_nan(l->str, is_float, expected, &out->nan[i])) continue;
    if (!parse_bits(l->str, w * 8, &x)) {
      snprintf(err, errsize, "bad %s lane value \"%s\"", lt, l->str);
      return false;
    }
    store_bits(out->val.v128 + i * w, w, x);
  }
  return true;
}

static bool parse_ref(const char *s, wast_value_t *out, char *err, size_t errsize) {
  if (strcmp(s, "null") == 0) { out->val.ref = NULL; return true; }
  uint64_t n;
  if (out->type == SWASM_T_EXTERNREF && parse_bits(s, 64, &n) && s[0] != '-' && n < UINT32_MAX) {
    out->val.ref = wast_externref(n);
    return true;
  }
  if (out->type == SWASM_T_FUNCREF) { out->any = true; return true; }
  snprintf(err, errsize, "bad %s value \"%s\"", wast_type_name(out->type), s);
  return false;
}

bool wast_value_parse(const wast_json_t *j, bool expected, wast_value_t *out, char *err,
                      size_t errsize) {
  memset(out, 0, sizeof *out);
  const char *ts = wast_json_get_str(j, "type");
  if (!ts || !type_from_name(ts, &out->type) || out->type == WAST_LANE_I8 ||
      out->type == WAST_LANE_I16) {
    snprintf(err, errsize, "value of unknown type \"%s\"", ts ? ts : "");
    return false;
  }
  if (out->type == SWASM_T_V128) return parse_v128(j, expected, out, err, errsize);
  const char *s = wast_json_get_str(j, "value");
  if (!s) { snprintf(err, errsize, "%s value missing", ts); return false; }
  if (out->type == SWASM_T_FUNCREF || out->type == SWASM_T_EXTERNREF)
    return parse_ref(s, out, err, errsize);
  bool is_float = out->type == SWASM_T_F32 || out->type == SWASM_T_F64;
  if (parse_nan(s, is_float, expected, &out->nan[0])) return true;
  unsigned bits = out->type == SWASM_T_I32 || out->type == SWASM_T_F32 ? 32 : 64;
  uint64_t x;
  if (!parse_bits(s, bits, &x)) { snprintf(err, errsize, "bad %s value \"%s\"", ts, s); return false; }
  if (bits == 32) {
    uint32_t x32 = (uint32_t)x;
    memcpy(&out->val, &x32, 4);   /* i32 and f32 share the first 4 bytes */
  } else {
    memcpy(&out->val, &x, 8);
  }
  return true;
}

static bool float_match(uint8_t nan, uint64_t exp, uint64_t got, unsigned bytes) {
  uint64_t quiet = bytes == 4 ? UINT64_C(0x7fc00000) : UINT64_C(0x7ff8000000000000);
  uint64_t abs = bytes == 4 ? UINT64_C(0x7fffffff) : UINT64_C(0x7fffffffffffffff);
  switch (nan) {
  case WAST_NAN_CANONICAL: return (got & abs) == quiet;
  case WAST_NAN_ARITHMETIC: return (got & quiet) == quiet;
  default: return got == exp;
  }
}

bool wast_value_match(const wast_value_t *exp, const swasm_val_t *got) {
  switch (exp->type) {
  case SWASM_T_I32: return (uint32_t)exp->val.i32 == (uint32_t)got->i32;
  case SWASM_T_I64: return exp->val.u64[0] == got->u64[0];
  case SWASM_T_F32:
  case SWASM_T_F64: {
    unsigned w = exp->type == SWASM_T_F32 ? 4 : 8;
    const uint8_t *e = (const uint8_t *)&exp->val, *g = (const uint8_t *)got;
    return float_match(exp->nan[0], load_bits(e, w), load_bits(g, w), w);
  }
  case SWASM_T_V128: {
    unsigned w = lane_bytes(exp->lane_type);
    bool is_float = exp->lane_type == SWASM_T_F32 || exp->lane_type == SWASM_T_F64;
    for (unsigned i = 0; i < 16 / w; i++) {
      uint64_t e = load_bits(exp->val.v128 + i * w, w), g = load_bits(got->v128 + i * w, w);
      if (is_float ? !float_match(exp->nan[i], e, g, w) : e != g) return false;
    }
    return true;
  }
  case SWASM_T_FUNCREF:
  case SWASM_T_EXTERNREF:
    return exp->any ? got->ref != NULL : got->ref == exp->val.ref;
  default:
    return false;
  }
}

static const char *lane_name(uint8_t lane_type) {
  return lane_type == WAST_LANE_I8 ? "i8" : lane_type == WAST_LANE_I16 ? "i16"
                                                                         : wast_type_name(lane_type);
}

/* Appends to buf at *pos, never past size. */
__attribute__((format(printf, 4, 5)))
static void put(char *buf, size_t size, size_t *pos, const char *fmt, ...) {
  if (*pos >= size) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf + *pos, size - *pos, fmt, ap);
  va_end(ap);
  if (n > 0) *pos += (size_t)n;
}

static void put_scalar(char *buf, size_t size, size_t *pos, uint8_t type, uint64_t bits,
                       uint8_t nan) {
  if (nan == WAST_NAN_CANONICAL) { put(buf, size, pos, "nan:canonical"); return; }
  if (nan == WAST_NAN_ARITHMETIC) { put(buf, size, pos, "nan:arithmetic"); return; }
  switch (type) {
  case SWASM_T_F32: {
    uint32_t b = (uint32_t)bits;
    float f;
    memcpy(&f, &b, 4);
    put(buf, size, pos, "%.9g (0x%08x)", (double)f, b);
    break;
  }
  case SWASM_T_F64: {
    double d;
    memcpy(&d, &bits, 8);
    put(buf, size, pos, "%.17g (0x%016llx)", d, (unsigned long long)bits);
    break;
  }
  case WAST_LANE_I8: put(buf, size, pos, "%u", (unsigned)(uint8_t)bits); break;
  case WAST_LANE_I16: put(buf, size, pos, "%u", (unsigned)(uint16_t)bits); break;
  case SWASM_T_I32: put(buf, size, pos, "%u", (unsigned)(uint32_t)bits); break;
  default: put(buf, size, pos, "%llu", (unsigned long long)bits); break;
  }
}

static void format(uint8_t type, uint8_t lane_type, const swasm_val_t *v, const uint8_t *nan,
                   bool any, char *buf, size_t size) {
  size_t pos = 0;
  buf[0] = '\0';
  put(buf, size, &pos, "%s:", wast_type_name(type));
  switch (type) {
  case SWASM_T_I32: case SWASM_T_F32:
  case SWASM_T_I64: case SWASM_T_F64: {
    unsigned w = type == SWASM_T_I32 || type == SWASM_T_F32 ? 4 : 8;
    put_scalar(buf, size, &pos, type, load_bits((const uint8_t *)v, w), nan ? nan[0] : 0);
    break;
  }
  case SWASM_T_V128: {
    if (!lane_bytes(lane_type)) lane_type = SWASM_T_I32;
    unsigned w = lane_bytes(lane_type);
    put(buf, size, &pos, "%sx%u[", lane_name(lane_type), 16 / w);
    for (unsigned i = 0; i < 16 / w; i++) {
      if (i) put(buf, size, &pos, " ");
      put_scalar(buf, size, &pos, lane_type, load_bits(v->v128 + i * w, w), nan ? nan[i] : 0);
    }
    put(buf, size, &pos, "]");
    break;
  }
  case SWASM_T_FUNCREF:
  case SWASM_T_EXTERNREF:
    if (any) put(buf, size, &pos, "non-null");
    else if (!v->ref) put(buf, size, &pos, "null");
    else if (type == SWASM_T_EXTERNREF && (uintptr_t)v->ref <= UINT32_MAX)
      put(buf, size, &pos, "ref.extern %llu", (unsigned long long)((uintptr_t)v->ref - 1));
    else put(buf, size, &pos, "%p", v->ref);
    break;
  default:
    put(buf, size, &pos, "?");
  }
}

void wast_value_format(uint8_t type, uint8_t lane_type, const swasm_val_t *v, char *buf,
                       size_t size) {
  format(type, lane_type, v, NULL, false, buf, size);
}

void wast_expect_format(const wast_value_t *exp, char *buf, size_t size) {
  format(exp->type, exp->lane_type, &exp->val, exp->nan, exp->any, buf, size);
}

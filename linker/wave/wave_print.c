/* wave_print.c - writes component values in WAVE exactly as Wasmtime prints --invoke results:
 * ", " between items, "name: value" in records (option fields that are none left out, "{:}"
 * for no field), floats as the shortest decimal that reads back to the same value without an
 * exponent (Rust's Display), "nan", "inf", "-inf", and chars escaped as Rust's
 * char::escape_debug does (wave_unicode.c). Handles print as the number of their representation. */
#include "wave.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct wbuf {
  char *data;
  size_t len, cap;
  bool oom;
} wbuf_t;

static void put(wbuf_t *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1) cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) {
      b->oom = true;
      return;
    }
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = 0;
}

static void puts_(wbuf_t *b, const char *s) { put(b, s, strlen(s)); }

/* ---- floats ----------------------------------------------------------------------------- */

/* Writes the shortest digits that read back as v (as a float when is_f32) in plain decimal
 * notation: "5", "0.1", "1000000000000000000000", "-0". */
static void put_float(wbuf_t *b, double v, bool is_f32) {
  if (isnan(v)) return puts_(b, "nan");
  if (isinf(v)) return puts_(b, v < 0 ? "-inf" : "inf");
  char e[64];
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(e, sizeof e, "%.*e", prec - 1, v);
    if (is_f32 ? strtof(e, NULL) == (float)v : strtod(e, NULL) == v) break;
  }
  /* e is "[-]D[.DDD]e[+-]XX": collect the digits and the decimal exponent. */
  char digits[32];
  size_t nd = 0;
  const char *s = e;
  bool neg = *s == '-';
  if (neg) s++;
  for (; *s && *s != 'e'; s++)
    if (*s != '.' && nd < sizeof digits) digits[nd++] = *s;
  int exp = atoi(s + 1);
  while (nd > 1 && digits[nd - 1] == '0') nd--;
  if (neg) puts_(b, "-");
  /* The value is 0.DIGITS * 10^(exp+1). */
  int point = exp + 1;
  if (point <= 0) {
    puts_(b, "0.");
    for (int i = 0; i < -point; i++) puts_(b, "0");
    put(b, digits, nd);
  } else if ((size_t)point >= nd) {
    put(b, digits, nd);
    for (size_t i = nd; i < (size_t)point; i++) puts_(b, "0");
  } else {
    put(b, digits, (size_t)point);
    puts_(b, ".");
    put(b, digits + point, nd - (size_t)point);
  }
}

/* ---- chars ------------------------------------------------------------------------------ */

static void put_char(wbuf_t *b, uint32_t c) {
  char tmp[16];
  switch (c) {
  case '\\': return puts_(b, "\\\\");
  case '"': return puts_(b, "\\\"");
  case '\'': return puts_(b, "\\'");
  case '\t': return puts_(b, "\\t");
  case '\r': return puts_(b, "\\r");
  case '\n': return puts_(b, "\\n");
  default: break;
  }
  if (wave_debug_escaped(c)) {   /* controls included */
    snprintf(tmp, sizeof tmp, "\\u{%x}", c);
    return puts_(b, tmp);
  }
  put(b, tmp, wave_utf8_encode(c, tmp));
}

static void put_string(wbuf_t *b, const char *s, size_t n) {
  puts_(b, "\"");
  for (size_t i = 0; i < n;) {
    uint32_t c;
    size_t k = wave_utf8_decode(s + i, n - i, &c);
    if (!k) {       /* never from a lifted string; print the replacement character */
      c = 0xfffd;
      k = 1;
    }
    if (c < 0x80 && c >= 0x20 && c != '\\' && c != '"' && c != '\'' && c != 0x7f) {
      size_t run = 1;   /* plain ASCII runs go out at once: strings may be megabytes */
      while (i + run < n && (unsigned char)s[i + run] >= 0x20 && (unsigned char)s[i + run] < 0x7f &&
             s[i + run] != '\\' && s[i + run] != '"' && s[i + run] != '\'')
        run++;
      put(b, s + i, run);
      i += run;
      continue;
    }
    put_char(b, c);
    i += k;
  }
  puts_(b, "\"");
}

/* A case label: '%' first when it spells a keyword. */
static void put_label(wbuf_t *b, const char *name) {
  if (wave_is_keyword(name, strlen(name))) puts_(b, "%");
  puts_(b, name);
}

/* ---- values ----------------------------------------------------------------------------- */

static bool put_value(wbuf_t *b, const swasm_cm_type_t *t, const swasm_cval_t *v, int depth);

static bool put_payload(wbuf_t *b, const swasm_cm_type_t *pt, const swasm_cval_t *payload,
                        int depth) {
  if (!pt) return true;
  if (!payload) return false;      /* a case with a payload type always carries one */
  puts_(b, "(");
  bool ok = put_value(b, pt, payload, depth);
  puts_(b, ")");
  return ok;
}

static bool put_items(wbuf_t *b, const swasm_cm_type_t *t, const swasm_cval_t *v, int depth,
                      const char *open, const char *close) {
  if (v->u.list.n && !v->u.list.items) return false;
  if (t->kind == SWASM_CM_TUPLE && v->u.list.n != t->n) return false;
  puts_(b, open);
  for (uint32_t i = 0; i < v->u.list.n; i++) {
    if (i) puts_(b, ", ");
    const swasm_cm_type_t *et = t->kind == SWASM_CM_TUPLE ? t->fields[i].type : t->a;
    if (!put_value(b, et, &v->u.list.items[i], depth)) return false;
  }
  puts_(b, close);
  return true;
}

static bool put_record(wbuf_t *b, const swasm_cm_type_t *t, const swasm_cval_t *v, int depth) {
  if (v->u.list.n != t->n || (t->n && !v->u.list.items)) return false;
  puts_(b, "{");
  bool first = true;
  for (uint32_t i = 0; i < t->n; i++) {
    const swasm_cm_type_t *ft = t->fields[i].type;
    const swasm_cval_t *fv = &v->u.list.items[i];
    if (ft->kind == SWASM_CM_OPTION && fv->u.var.index == 0) continue;
    if (!first) puts_(b, ", ");
    first = false;
    puts_(b, t->fields[i].name);
    puts_(b, ": ");
    if (!put_value(b, ft, fv, depth)) return false;
  }
  puts_(b, first ? ":}" : "}");
  return true;
}

static bool put_flags(wbuf_t *b, const swasm_cm_type_t *t, const swasm_cval_t *v) {
  puts_(b, "{");
  bool first = true;
  for (uint32_t i = 0; i < t->n && i < 64; i++) {
    if (!(v->u.flags >> i & 1)) continue;
    if (!first) puts_(b, ", ");
    first = false;
    puts_(b, t->fields[i].name);
  }
  puts_(b, "}");
  return true;
}

static bool put_number(wbuf_t *b, const swasm_cm_type_t *t, const swasm_cval_t *v) {
  char tmp[32];
  switch (t->kind) {
  case SWASM_CM_S8: snprintf(tmp, sizeof tmp, "%d", (int)(int8_t)v->u.s); break;
  case SWASM_CM_S16: snprintf(tmp, sizeof tmp, "%d", (int)(int16_t)v->u.s); break;
  case SWASM_CM_S32: snprintf(tmp, sizeof tmp, "%ld", (long)(int32_t)v->u.s); break;
  case SWASM_CM_S64: snprintf(tmp, sizeof tmp, "%lld", (long long)v->u.s); break;
  case SWASM_CM_U8: snprintf(tmp, sizeof tmp, "%u", (unsigned)(uint8_t)v->u.u); break;
  case SWASM_CM_U16: snprintf(tmp, sizeof tmp, "%u", (unsigned)(uint16_t)v->u.u); break;
  case SWASM_CM_U32: snprintf(tmp, sizeof tmp, "%lu", (unsigned long)(uint32_t)v->u.u); break;
  case SWASM_CM_U64: snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v->u.u); break;
  default: snprintf(tmp, sizeof tmp, "%lu", (unsigned long)v->u.handle); break;
  }
  puts_(b, tmp);
  return true;
}

static bool put_value(wbuf_t *b, const swasm_cm_type_t *t, const swasm_cval_t *v, int depth) {
  if (!t || depth > 1000) return false;
  depth++;
  switch (t->kind) {
  case SWASM_CM_BOOL: puts_(b, v->u.b ? "true" : "false"); return true;
  case SWASM_CM_S8: case SWASM_CM_U8: case SWASM_CM_S16: case SWASM_CM_U16:
  case SWASM_CM_S32: case SWASM_CM_U32: case SWASM_CM_S64: case SWASM_CM_U64:
  case SWASM_CM_OWN: case SWASM_CM_BORROW:
    return put_number(b, t, v);
  case SWASM_CM_F32: put_float(b, v->u.f32, true); return true;
  case SWASM_CM_F64: put_float(b, v->u.f64, false); return true;
  case SWASM_CM_CHAR:
    puts_(b, "'");
    put_char(b, v->u.ch);
    puts_(b, "'");
    return true;
  case SWASM_CM_STRING:
    if (v->u.str.len && !v->u.str.ptr) return false;
    put_string(b, v->u.str.ptr, v->u.str.len);
    return true;
  case SWASM_CM_LIST: case SWASM_CM_FIXED_LIST: return put_items(b, t, v, depth, "[", "]");
  case SWASM_CM_TUPLE: return put_items(b, t, v, depth, "(", ")");
  case SWASM_CM_RECORD: return put_record(b, t, v, depth);
  case SWASM_CM_FLAGS: return put_flags(b, t, v);
  case SWASM_CM_ENUM: case SWASM_CM_VARIANT:
    if (v->u.var.index >= t->n) return false;
    put_label(b, t->fields[v->u.var.index].name);
    return put_payload(b, t->kind == SWASM_CM_VARIANT ? t->fields[v->u.var.index].type : NULL,
                       v->u.var.payload, depth);
  case SWASM_CM_OPTION:
    puts_(b, v->u.var.index ? "some" : "none");
    return put_payload(b, v->u.var.index ? t->a : NULL, v->u.var.payload, depth);
  case SWASM_CM_RESULT:
    puts_(b, v->u.var.index ? "err" : "ok");
    return put_payload(b, v->u.var.index ? t->b : t->a, v->u.var.payload, depth);
  default:
    return false;
  }
}

bool swasm_wave_print(const swasm_cm_type_t *t, const swasm_cval_t *v, char **out) {
  wbuf_t b = {0};
  puts_(&b, "");
  bool ok = put_value(&b, t, v, 0) && !b.oom;
  if (!ok) {
    free(b.data);
    b.data = NULL;
  }
  *out = b.data;
  return ok;
}

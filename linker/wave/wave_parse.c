/* wave_parse.c - reads WAVE text into component values, directed by the value's type, and
 * function calls "name(arg, ...)" for `swasm run --invoke`, with the shorthands Wasmtime's
 * reader accepts: a bare value for some(...) and ok(...) when the payload is neither an option
 * nor a result, record fields of option type left out (none), trailing option parameters left
 * out (none). */
#include "wave.h"

#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool unexpected(wave_parser_t *p, wave_tok_t t, wave_tokkind_t k) {
  if (t.kind == WT_BAD) return wave_fail(p, t.start, "invalid token");
  return wave_fail(p, t.start, "unexpected %s, expected %s", wave_tok_name(t.kind),
                   wave_tok_name(k));
}

static bool expect(wave_parser_t *p, wave_tokkind_t k, wave_tok_t *out) {
  wave_tok_t t = wave_next(p);
  if (out) *out = t;
  return t.kind == k || unexpected(p, t, k);
}

/* WAVE writes fixed-size lists as lists. */
static const char *type_name(uint8_t kind) {
  return kind == SWASM_CM_FIXED_LIST ? "list" : swasm_cm_kind_name(kind);
}

static bool wrong(wave_parser_t *p, wave_tok_t t, const swasm_cm_type_t *ty) {
  if (t.kind == WT_BAD) return wave_fail(p, t.start, "invalid token");
  return wave_fail(p, t.start, "invalid value type: %s for a value of type %s",
                   wave_tok_name(t.kind), type_name(ty->kind));
}

/* ---- scalars ---------------------------------------------------------------------------- */

static bool parse_int(wave_parser_t *p, wave_tok_t t, const swasm_cm_type_t *ty,
                      swasm_cval_t *out) {
  static const struct { uint8_t kind; bool sign; int bits; } ints[] = {
    {SWASM_CM_S8, true, 8}, {SWASM_CM_U8, false, 8}, {SWASM_CM_S16, true, 16},
    {SWASM_CM_U16, false, 16}, {SWASM_CM_S32, true, 32}, {SWASM_CM_U32, false, 32},
    {SWASM_CM_S64, true, 64}, {SWASM_CM_U64, false, 64}};
  bool sign = false;
  int bits = 64;
  for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
    if (ints[i].kind == ty->kind) sign = ints[i].sign, bits = ints[i].bits;
  if (t.kind != WT_NUMBER) return wrong(p, t, ty);
  const char *s = p->s + t.start;
  size_t n = t.end - t.start;
  bool neg = *s == '-';
  size_t i = neg;
  if (neg && !sign) return wave_fail(p, t.start, "invalid value: %.*s is not a %s", (int)n, s,
                                     type_name(ty->kind));
  uint64_t v = 0;
  for (; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return wave_fail(p, t.start, "invalid value: %.*s is not a %s", (int)n, s,
                       type_name(ty->kind));
    unsigned d = (unsigned)(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) goto range;
    v = v * 10 + d;
  }
  uint64_t max = sign ? (UINT64_C(1) << (bits - 1)) - (neg ? 0 : 1)
                      : bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
  if (v > max) goto range;
  if (sign) out->u.s = neg ? (int64_t)(0 - v) : (int64_t)v;
  else out->u.u = v;
  return true;
range:
  return wave_fail(p, t.start, "invalid value: %.*s is out of range for %s", (int)n, s,
                   type_name(ty->kind));
}

static bool parse_float(wave_parser_t *p, wave_tok_t t, const swasm_cm_type_t *ty,
                        swasm_cval_t *out) {
  double d;
  if (t.kind == WT_LABEL && (wave_tok_is(p, t, "nan") || wave_tok_is(p, t, "inf"))) {
    d = p->s[t.start] == 'n' ? NAN : INFINITY;
  } else if (t.kind == WT_NUMBER) {
    char buf[512];
    size_t n = t.end - t.start;
    if (n >= sizeof buf) n = sizeof buf - 1;   /* digits beyond this cannot change a float */
    memcpy(buf, p->s + t.start, n);
    buf[n] = 0;
    if (strcmp(buf, "-inf") == 0) d = -INFINITY;
    else if (ty->kind == SWASM_CM_F32) d = strtof(buf, NULL);
    else d = strtod(buf, NULL);
  } else {
    return wrong(p, t, ty);
  }
  if (ty->kind == SWASM_CM_F32) out->u.f32 = (float)d;
  else out->u.f64 = d;
  return true;
}

static bool parse_string(wave_parser_t *p, wave_tok_t t, const swasm_cm_type_t *ty,
                         swasm_cval_t *out) {
  if (t.kind != WT_STRING && t.kind != WT_MSTRING) return wrong(p, t, ty);
  return wave_decode_string(p, t, &out->u.str.ptr, &out->u.str.len);
}

static bool parse_char(wave_parser_t *p, wave_tok_t t, const swasm_cm_type_t *ty,
                       swasm_cval_t *out) {
  if (t.kind != WT_CHAR) return wrong(p, t, ty);
  return wave_decode_char(p, t, &out->u.ch);
}

static bool parse_bool(wave_parser_t *p, wave_tok_t t, const swasm_cm_type_t *ty,
                       swasm_cval_t *out) {
  if (wave_tok_is(p, t, "true")) out->u.b = true;
  else if (wave_tok_is(p, t, "false")) out->u.b = false;
  else return wrong(p, t, ty);
  return true;
}

static bool parse_handle(wave_parser_t *p, wave_tok_t t, const swasm_cm_type_t *ty,
                         swasm_cval_t *out) {
  static const swasm_cm_type_t u32 = {.kind = SWASM_CM_U32};
  swasm_cval_t v;
  if (t.kind != WT_NUMBER) return wrong(p, t, ty);
  if (!parse_int(p, t, &u32, &v)) return false;
  out->u.handle = (uint32_t)v.u.u;
  return true;
}

/* ---- compound values -------------------------------------------------------------------- */

static swasm_cval_t *alloc_vals(wave_parser_t *p, size_t n, size_t at) {
  swasm_cval_t *v = swasm_carena_alloc(p->arena, (n ? n : 1) * sizeof *v);
  if (!v) wave_fail(p, at, "out of memory");
  return v;
}

/* After an element: a comma (possibly before the closing token) or the closing token.
 * Returns 1 to go on, 0 at the end, -1 on error. */
static int after_item(wave_parser_t *p, wave_tokkind_t close) {
  wave_tok_t t = wave_next(p);
  if (t.kind == close) return 0;
  if (t.kind != WT_COMMA) {
    unexpected(p, t, close);
    return -1;
  }
  if (wave_peek(p).kind == close) {
    wave_next(p);
    return 0;
  }
  return 1;
}

static bool parse_list(wave_parser_t *p, wave_tok_t t, const swasm_cm_type_t *ty,
                       swasm_cval_t *out) {
  if (t.kind != WT_LBRACK) return wrong(p, t, ty);
  uint32_t n = 0, cap = 0;
  swasm_cval_t *items = NULL;
  if (wave_peek(p).kind == WT_RBRACK) {
    wave_next(p);
  } else {
    for (;;) {
      if (n == cap) {   /* the arena keeps the old array: lists grow by doubling */
        if (cap >= UINT32_MAX / 2) return wave_fail(p, t.start, "list too long");
        cap = cap ? cap * 2 : 8;
        swasm_cval_t *bigger = alloc_vals(p, cap, t.start);
        if (!bigger) return false;
        if (n) memcpy(bigger, items, n * sizeof *items);
        items = bigger;
      }
      if (!wave_value(p, ty->a, &items[n])) return false;
      n++;
      int more = after_item(p, WT_RBRACK);
      if (more < 0) return false;
      if (!more) break;
    }
  }
  if (ty->kind == SWASM_CM_FIXED_LIST && n != ty->length)
    return wave_fail(p, t.start, "expected %u list elements, got %u", ty->length, n);
  out->u.list.items = items;
  out->u.list.n = n;
  return true;
}

static bool parse_tuple(wave_parser_t *p, wave_tok_t t, const swasm_cm_type_t *ty,
                        swasm_cval_t *out) {
  if (t.kind != WT_LPAREN) return wrong(p, t, ty);
  if (wave_peek(p).kind == WT_RPAREN) return wave_fail(p, t.start, "empty tuple");
  swasm_cval_t *items = alloc_vals(p, ty->n, t.start);
  if (!items) return false;
  for (uint32_t i = 0;; i++) {
    if (i >= ty->n)
      return wave_fail(p, t.start, "expected %u tuple values, got more", ty->n);
    if (!wave_value(p, ty->fields[i].type, &items[i])) return false;
    int more = after_item(p, WT_RPAREN);
    if (more < 0) return false;
    if (!more) {
      if (i + 1 != ty->n)
        return wave_fail(p, t.start, "expected %u tuple values, got %u", ty->n, i + 1);
      break;
    }
  }
  out->u.list.items = items;
  out->u.list.n = ty->n;
  return true;
}

/* The index of the label token t (without its '%') among the fields of ty; ty->n if none. */
static uint32_t find_label(const wave_parser_t *p, wave_tok_t t, const swasm_cm_type_t *ty) {
  const char *s = p->s + t.start;
  size_t n = t.end - t.start;
  if (n && *s == '%') s++, n--;
  for (uint32_t i = 0; i < ty->n; i++)
    if (ty->fields[i].name && strlen(ty->fields[i].name) == n &&
        memcmp(ty->fields[i].name, s, n) == 0)
      return i;
  return ty->n;
}

static bool none_field(wave_parser_t *p, const swasm_cm_type_t *ft, swasm_cval_t *v,
                       const char *name, size_t at) {
  if (ft->kind != SWASM_CM_OPTION) return wave_fail(p, at, "missing field \"%s\"", name);
  v->u.var.index = 0;
  v->u.var.payload = NULL;
  return true;
}

static bool parse_record(wave_parser_t *p, wave_tok_t t, const swasm_cm_type_t *ty,
                         swasm_cval_t *out) {
  if (t.kind != WT_LBRACE) return wrong(p, t, ty);
  swasm_cval_t *items = alloc_vals(p, ty->n, t.start);
  bool *seen = swasm_carena_alloc(p->arena, ty->n + 1);
  if (!items || !seen) return wave_fail(p, t.start, "out of memory");
  wave_tok_t f = wave_next(p);
  if (f.kind == WT_COLON) {
    if (!expect(p, WT_RBRACE, NULL)) return false;
  } else if (f.kind == WT_RBRACE) {
    return wave_fail(p, t.start, "invalid value type: flags for a value of type record");
  } else {
    for (;;) {
      if (f.kind != WT_LABEL) return unexpected(p, f, WT_LABEL);
      uint32_t i = find_label(p, f, ty);
      if (i == ty->n)
        return wave_fail(p, f.start, "unknown field \"%.*s\"", (int)(f.end - f.start),
                         p->s + f.start);
      if (seen[i]) return wave_fail(p, f.start, "duplicate field \"%s\"", ty->fields[i].name);
      seen[i] = true;
      if (!expect(p, WT_COLON, NULL) || !wave_value(p, ty->fields[i].type, &items[i]))
        return false;
      int more = after_item(p, WT_RBRACE);
      if (more < 0) return false;
      if (!more) break;
      f = wave_next(p);
    }
  }
  for (uint32_t i = 0; i < ty->n; i++)
    if (!seen[i] && !none_field(p, ty->fields[i].type, &items[i], ty->fields[i].name, t.start))
      return false;
  out->u.list.items = items;
  out->u.list.n = ty->n;
  return true;
}

static bool parse_flags(wave_parser_t *p, wave_tok_t t, const swasm_cm_type_t *ty,
                        swasm_cval_t *out) {
  if (t.kind != WT_LBRACE) return wrong(p, t, ty);
  if (ty->n > 64) return wave_fail(p, t.start, "flags with more than 64 labels");
  uint64_t bits = 0;
  if (wave_peek(p).kind == WT_RBRACE) {
    wave_next(p);
  } else {
    for (;;) {
      wave_tok_t f;
      if (!expect(p, WT_LABEL, &f)) return false;
      uint32_t i = find_label(p, f, ty);
      if (i == ty->n)
        return wave_fail(p, f.start, "unknown flag \"%.*s\"", (int)(f.end - f.start),
                         p->s + f.start);
      if (bits >> i & 1) return wave_fail(p, f.start, "duplicate flag \"%s\"", ty->fields[i].name);
      bits |= UINT64_C(1) << i;
      int more = after_item(p, WT_RBRACE);
      if (more < 0) return false;
      if (!more) break;
    }
  }
  out->u.flags = bits;
  return true;
}

/* "(payload)" after a case label: parsed when present, checked against whether the case has
 * one. */
static bool case_payload(wave_parser_t *p, wave_tok_t label, const swasm_cm_type_t *pt,
                         swasm_cval_t **payload) {
  *payload = NULL;
  bool has = wave_peek(p).kind == WT_LPAREN;
  int n = (int)(label.end - label.start);
  if (has && !pt)
    return wave_fail(p, label.start, "unexpected payload for case \"%.*s\"", n, p->s + label.start);
  if (!has && pt)
    return wave_fail(p, label.start, "missing payload for case \"%.*s\"", n, p->s + label.start);
  if (!has) return true;
  wave_next(p);
  swasm_cval_t *v = alloc_vals(p, 1, label.start);
  if (!v || !wave_value(p, pt, v) || !expect(p, WT_RPAREN, NULL)) return false;
  *payload = v;
  return true;
}

/* A variant or enum case: a label that is not a keyword (keywords need a '%'). */
static bool parse_case(wave_parser_t *p, wave_tok_t t, const swasm_cm_type_t *ty,
                       swasm_cval_t *out) {
  if (t.kind != WT_LABEL || wave_is_keyword(p->s + t.start, t.end - t.start))
    return wrong(p, t, ty);
  uint32_t i = find_label(p, t, ty);
  if (i == ty->n)
    return wave_fail(p, t.start, "unknown case \"%.*s\"", (int)(t.end - t.start),
                     p->s + t.start);
  out->u.var.index = i;
  const swasm_cm_type_t *pt = ty->kind == SWASM_CM_VARIANT ? ty->fields[i].type : NULL;
  return case_payload(p, t, pt, &out->u.var.payload);
}

static bool flattenable(const swasm_cm_type_t *t) {
  return t && t->kind != SWASM_CM_OPTION && t->kind != SWASM_CM_RESULT;
}

/* The payload given bare: the value starts at token t, which was already read. */
static bool flat_payload(wave_parser_t *p, wave_tok_t t, const swasm_cm_type_t *pt,
                         swasm_cval_t *out, uint32_t index) {
  p->pos = t.start;
  swasm_cval_t *v = alloc_vals(p, 1, t.start);
  if (!v || !wave_value(p, pt, v)) return false;
  out->u.var.index = index;
  out->u.var.payload = v;
  return true;
}

static bool parse_option(wave_parser_t *p, wave_tok_t t, const swasm_cm_type_t *ty,
                         swasm_cval_t *out) {
  if (wave_tok_is(p, t, "none")) {
    out->u.var.index = 0;
    out->u.var.payload = NULL;
    return true;
  }
  if (wave_tok_is(p, t, "some")) {
    if (!expect(p, WT_LPAREN, NULL)) return false;
    swasm_cval_t *v = alloc_vals(p, 1, t.start);
    if (!v || !wave_value(p, ty->a, v) || !expect(p, WT_RPAREN, NULL)) return false;
    out->u.var.index = 1;
    out->u.var.payload = v;
    return true;
  }
  if (!flattenable(ty->a)) return wrong(p, t, ty);
  return flat_payload(p, t, ty->a, out, 1);
}

static bool parse_result(wave_parser_t *p, wave_tok_t t, const swasm_cm_type_t *ty,
                         swasm_cval_t *out) {
  bool ok = wave_tok_is(p, t, "ok");
  if (ok || wave_tok_is(p, t, "err")) {
    out->u.var.index = ok ? 0 : 1;
    return case_payload(p, t, ok ? ty->a : ty->b, &out->u.var.payload);
  }
  if (!flattenable(ty->a)) return wrong(p, t, ty);
  return flat_payload(p, t, ty->a, out, 0);
}

bool wave_value(wave_parser_t *p, const swasm_cm_type_t *ty, swasm_cval_t *out) {
  memset(out, 0, sizeof *out);
  if (!ty) return wave_fail(p, p->pos, "value of no type");
  if (p->depth >= WAVE_MAX_DEPTH) return wave_fail(p, p->pos, "nesting too deep");
  p->depth++;
  wave_tok_t t = wave_next(p);
  bool ok;
  switch (ty->kind) {
  case SWASM_CM_BOOL: ok = parse_bool(p, t, ty, out); break;
  case SWASM_CM_S8: case SWASM_CM_U8: case SWASM_CM_S16: case SWASM_CM_U16:
  case SWASM_CM_S32: case SWASM_CM_U32: case SWASM_CM_S64: case SWASM_CM_U64:
    ok = parse_int(p, t, ty, out);
    break;
  case SWASM_CM_F32: case SWASM_CM_F64: ok = parse_float(p, t, ty, out); break;
  case SWASM_CM_CHAR: ok = parse_char(p, t, ty, out); break;
  case SWASM_CM_STRING: ok = parse_string(p, t, ty, out); break;
  case SWASM_CM_LIST: case SWASM_CM_FIXED_LIST: ok = parse_list(p, t, ty, out); break;
  case SWASM_CM_TUPLE: ok = parse_tuple(p, t, ty, out); break;
  case SWASM_CM_RECORD: ok = parse_record(p, t, ty, out); break;
  case SWASM_CM_FLAGS: ok = parse_flags(p, t, ty, out); break;
  case SWASM_CM_VARIANT: case SWASM_CM_ENUM: ok = parse_case(p, t, ty, out); break;
  case SWASM_CM_OPTION: ok = parse_option(p, t, ty, out); break;
  case SWASM_CM_RESULT: ok = parse_result(p, t, ty, out); break;
  case SWASM_CM_OWN: case SWASM_CM_BORROW: ok = parse_handle(p, t, ty, out); break;
  default:
    ok = wave_fail(p, t.start, "values of type 0x%02x are not supported", ty->kind);
    break;
  }
  p->depth--;
  return ok;
}

/* Only white space and comments may follow. */
static bool finish(wave_parser_t *p) {
  wave_tok_t t = wave_next(p);
  if (t.kind == WT_END) return true;
  return wave_fail(p, t.start, "trailing characters");
}

bool swasm_wave_parse(const char *text, size_t len, const swasm_cm_type_t *t, swasm_cval_t *out,
                      swasm_carena_t *arena, char *err, size_t errsize) {
  wave_parser_t p = {.s = text, .len = len, .arena = arena, .err = err, .errsize = errsize};
  if (errsize) err[0] = 0;
  return wave_value(&p, t, out) && finish(&p);
}

/* The arguments "(a, b, ...)" of a call to a function of type ft. */
static bool parse_args(wave_parser_t *p, const swasm_cm_type_t *ft, swasm_cval_t **args) {
  wave_tok_t open;
  if (!expect(p, WT_LPAREN, &open)) return false;
  swasm_cval_t *a = alloc_vals(p, ft->n, open.start);
  if (!a) return false;
  uint32_t n = 0;
  if (wave_peek(p).kind == WT_RPAREN) {
    wave_next(p);
  } else {
    for (;;) {
      if (n >= ft->n) return wave_fail(p, p->pos, "invalid params: more param(s) than expected");
      if (!wave_value(p, ft->fields[n].type, &a[n])) return false;
      n++;
      int more = after_item(p, WT_RPAREN);
      if (more < 0) return false;
      if (!more) break;
    }
  }
  for (; n < ft->n; n++) {
    if (ft->fields[n].type->kind != SWASM_CM_OPTION)
      return wave_fail(p, p->pos ? p->pos - 1 : 0, "invalid params: missing required param(s)");
    a[n].u.var.index = 0;
    a[n].u.var.payload = NULL;
  }
  *args = a;
  return finish(p);
}

bool swasm_wave_parse_call(swasm_cinst_t *inst, const char *text, swasm_cfunc_t *f,
                           swasm_cval_t **args, swasm_carena_t *arena, char *err,
                           size_t errsize) {
  wave_parser_t p = {.s = text, .len = strlen(text), .arena = arena, .err = err,
                     .errsize = errsize};
  if (errsize) err[0] = 0;
  /* The name is everything before the '(' : plain names, "[method]r.m", and
   * "interface#function" for functions of exported instances. */
  const char *paren = strchr(text, '(');
  if (!paren) return wave_fail(&p, p.len, "expected a call NAME(ARGS...)");
  size_t b = 0, e = (size_t)(paren - text);
  while (b < e && strchr(" \t\r\n", text[b])) b++;
  while (e > b && strchr(" \t\r\n", text[e - 1])) e--;
  if (b == e) return wave_fail(&p, b, "expected a function name");
  char *name = swasm_carena_alloc(arena, e - b + 1);
  if (!name) return wave_fail(&p, b, "out of memory");
  memcpy(name, text + b, e - b);
  if (!swasm_cinst_export(inst, name, f)) {
    if (errsize) snprintf(err, errsize, "no exported function named '%s'", name);
    return false;
  }
  p.pos = (size_t)(paren - text);
  return parse_args(&p, f->type, args);
}

/* flat.c - lifting values from flat core values and lowering them to flat core values
 * (lift_flat / lower_flat), with the coercions between a variant case's own flat types and
 * the variant's joined ones. */
#include <string.h>

#include "canon.h"

float cn_canon_f32(float f) {
  if (f != f) {
    uint32_t bits = 0x7fc00000u;
    memcpy(&f, &bits, sizeof f);
  }
  return f;
}

double cn_canon_f64(double f) {
  if (f != f) {
    uint64_t bits = 0x7ff8000000000000ull;
    memcpy(&f, &bits, sizeof f);
  }
  return f;
}

bool cn_char_ok(cn_cx_t *cx, uint32_t c) {
  if (c >= 0x110000u || (c >= 0xd800u && c <= 0xdfffu))
    return cn_trap(cx, "invalid `char` bit pattern: %#x", c);
  return true;
}

static bool next(cn_cx_t *cx, cn_flat_t *in, swasm_val_t *v) {
  if (in->i >= in->n) return cn_trap(cx, "canonical ABI: too few core values");
  *v = in->v[in->i++];
  return true;
}

static bool emit(cn_cx_t *cx, cn_flat_t *out, swasm_val_t v) {
  if (out->i >= out->n) return cn_trap(cx, "canonical ABI: too many core values");
  out->v[out->i++] = v;
  return true;
}

static uint32_t u32_of(swasm_val_t v) { return (uint32_t)v.i32; }

/* A value stored in a slot of type `have` read as the case's own flat type `want`. */
static swasm_val_t coerce_in(swasm_val_t x, uint8_t have, uint8_t want) {
  swasm_val_t r;
  memset(&r, 0, sizeof r);
  uint32_t lo = have == SWASM_T_I64 ? (uint32_t)(uint64_t)x.i64 : (uint32_t)x.i32;
  switch (want) {
  case SWASM_T_I32: r.i32 = (int32_t)lo; break;
  case SWASM_T_F32: memcpy(&r.f32, &lo, 4); break;
  case SWASM_T_I64: r.i64 = x.i64; break;
  case SWASM_T_F64:
    if (have == SWASM_T_I64) memcpy(&r.f64, &x.i64, 8);
    else r.f64 = x.f64;
    break;
  }
  return r;
}

static swasm_val_t coerce_out(swasm_val_t x, uint8_t have, uint8_t want) {
  swasm_val_t r;
  memset(&r, 0, sizeof r);
  uint32_t bits32;
  uint64_t bits64;
  switch (have) {
  case SWASM_T_I32: bits32 = (uint32_t)x.i32; bits64 = bits32; break;
  case SWASM_T_F32: memcpy(&bits32, &x.f32, 4); bits64 = bits32; break;
  case SWASM_T_I64: bits64 = (uint64_t)x.i64; bits32 = (uint32_t)bits64; break;
  default: memcpy(&bits64, &x.f64, 8); bits32 = (uint32_t)bits64; break;
  }
  switch (want) {
  case SWASM_T_I32: r.i32 = (int32_t)bits32; break;
  case SWASM_T_F32: memcpy(&r.f32, &bits32, 4); break;
  case SWASM_T_I64: r.i64 = (int64_t)bits64; break;
  default: memcpy(&r.f64, &bits64, 8); break;
  }
  return r;
}

static bool lift_variant(cn_cx_t *cx, cn_flat_t *in, const swasm_cm_type_t *t,
                         swasm_cval_t *out) {
  uint8_t joined[CN_MAX_FLAT_PARAMS + 1], own[CN_MAX_FLAT_PARAMS + 1];
  uint32_t n = cn_flatten(t, joined, sizeof joined);
  if (n > sizeof joined || in->i + n > in->n) return cn_trap(cx, "canonical ABI: flat overflow");
  swasm_val_t disc;
  memset(&disc, 0, sizeof disc);
  if (!next(cx, in, &disc)) return false;
  uint32_t index = u32_of(disc);
  if (index >= cn_ncases(t)) return cn_trap(cx, "invalid variant discriminant");
  out->u.var.index = index;
  out->u.var.payload = NULL;
  uint32_t base = in->i;
  in->i = base + n - 1;        /* whatever the case reads, the variant consumes all its slots */
  const swasm_cm_type_t *ct = cn_case(t, index);
  if (!ct) return true;
  uint32_t k = cn_flatten(ct, own, sizeof own);
  swasm_val_t tmp[CN_MAX_FLAT_PARAMS + 1];
  for (uint32_t j = 0; j < k; j++) tmp[j] = coerce_in(in->v[base + j], joined[1 + j], own[j]);
  swasm_cval_t *p = swasm_carena_alloc(cx->arena, sizeof *p);
  if (!p) return cn_trap(cx, "out of memory");
  cn_flat_t sub = {.v = tmp, .types = own, .n = k, .i = 0};
  out->u.var.payload = p;
  return cn_lift_flat(cx, &sub, ct, p);
}

static bool lift_record(cn_cx_t *cx, cn_flat_t *in, const swasm_cm_type_t *t,
                        swasm_cval_t *out) {
  uint32_t n = cn_nfields(t);
  swasm_cval_t *items = swasm_carena_alloc(cx->arena, sizeof *items * (n ? n : 1));
  if (!items) return cn_trap(cx, "out of memory");
  out->u.list.items = items;
  out->u.list.n = n;
  for (uint32_t i = 0; i < n; i++)
    if (!cn_lift_flat(cx, in, cn_field(t, i), &items[i])) return false;
  return true;
}

bool cn_lift_flat(cn_cx_t *cx, cn_flat_t *in, const swasm_cm_type_t *t, swasm_cval_t *out) {
  memset(out, 0, sizeof *out);
  if (cn_is_record(t)) return lift_record(cx, in, t, out);
  if (cn_is_variant(t)) return lift_variant(cx, in, t, out);
  swasm_val_t v, w;
  memset(&v, 0, sizeof v);
  memset(&w, 0, sizeof w);
  if (!next(cx, in, &v)) return false;
  switch (t->kind) {
  case SWASM_CM_BOOL: out->u.b = v.i32 != 0; return true;
  case SWASM_CM_S8: out->u.s = (int8_t)v.i32; return true;
  case SWASM_CM_U8: out->u.u = (uint8_t)v.i32; return true;
  case SWASM_CM_S16: out->u.s = (int16_t)v.i32; return true;
  case SWASM_CM_U16: out->u.u = (uint16_t)v.i32; return true;
  case SWASM_CM_S32: out->u.s = v.i32; return true;
  case SWASM_CM_U32: out->u.u = u32_of(v); return true;
  case SWASM_CM_S64: out->u.s = v.i64; return true;
  case SWASM_CM_U64: out->u.u = (uint64_t)v.i64; return true;
  case SWASM_CM_F32: out->u.f32 = cn_canon_f32(v.f32); return true;
  case SWASM_CM_F64: out->u.f64 = cn_canon_f64(v.f64); return true;
  case SWASM_CM_CHAR: out->u.ch = u32_of(v); return cn_char_ok(cx, out->u.ch);
  case SWASM_CM_FLAGS:
    out->u.flags = t->n >= 32 ? u32_of(v) : u32_of(v) & ((1u << t->n) - 1);
    return true;
  case SWASM_CM_STRING:
    return next(cx, in, &w) && cn_lift_string(cx, u32_of(v), u32_of(w), out);
  case SWASM_CM_LIST: case SWASM_CM_MAP: {
    cn_pair_t tmp;
    return next(cx, in, &w) && cn_lift_list(cx, u32_of(v), u32_of(w), cn_elem(t, &tmp), out);
  }
  case SWASM_CM_OWN: return cn_lift_own(cx, u32_of(v), t, &out->u.handle);
  case SWASM_CM_BORROW: return cn_lift_borrow(cx, u32_of(v), t, &out->u.handle);
  default: return cn_trap(cx, "canonical ABI: unsupported type");
  }
}

static bool lower_variant(cn_cx_t *cx, const swasm_cval_t *v, const swasm_cm_type_t *t,
                          cn_flat_t *out) {
  uint8_t joined[CN_MAX_FLAT_PARAMS + 1], own[CN_MAX_FLAT_PARAMS + 1];
  uint32_t n = cn_flatten(t, joined, sizeof joined);
  if (n > sizeof joined || out->i + n > out->n) return cn_trap(cx, "canonical ABI: flat overflow");
  uint32_t index = v->u.var.index;
  if (index >= cn_ncases(t)) return cn_trap(cx, "invalid variant discriminant");
  swasm_val_t disc;
  memset(&disc, 0, sizeof disc);
  disc.i32 = (int32_t)index;
  emit(cx, out, disc);
  uint32_t base = out->i;
  for (uint32_t j = 0; j + 1 < n; j++) memset(&out->v[base + j], 0, sizeof out->v[0]);
  out->i = base + n - 1;
  const swasm_cm_type_t *ct = cn_case(t, index);
  if (!ct) return true;
  if (!v->u.var.payload) return cn_trap(cx, "canonical ABI: variant case without its payload");
  uint32_t k = cn_flatten(ct, own, sizeof own);
  swasm_val_t tmp[CN_MAX_FLAT_PARAMS + 1];
  cn_flat_t sub = {.v = tmp, .types = own, .n = k, .i = 0};
  if (!cn_lower_flat(cx, v->u.var.payload, ct, &sub)) return false;
  for (uint32_t j = 0; j < k; j++) out->v[base + j] = coerce_out(tmp[j], own[j], joined[1 + j]);
  return true;
}

static swasm_val_t i32v(uint32_t x) {
  swasm_val_t v;
  memset(&v, 0, sizeof v);
  v.i32 = (int32_t)x;
  return v;
}

bool cn_lower_flat(cn_cx_t *cx, const swasm_cval_t *v, const swasm_cm_type_t *t,
                   cn_flat_t *out) {
  if (cn_is_record(t)) {
    uint32_t n = cn_nfields(t);
    if (v->u.list.n != n || !v->u.list.items)
      return cn_trap(cx, "canonical ABI: record value has wrong arity");
    for (uint32_t i = 0; i < n; i++)
      if (!cn_lower_flat(cx, &v->u.list.items[i], cn_field(t, i), out)) return false;
    return true;
  }
  if (cn_is_variant(t)) return lower_variant(cx, v, t, out);
  swasm_val_t r;
  memset(&r, 0, sizeof r);
  uint32_t a, b;
  switch (t->kind) {
  case SWASM_CM_BOOL: return emit(cx, out, i32v(v->u.b ? 1 : 0));
  case SWASM_CM_S8: case SWASM_CM_S16: case SWASM_CM_S32:
    return emit(cx, out, i32v((uint32_t)(int32_t)v->u.s));
  case SWASM_CM_U8: case SWASM_CM_U16: case SWASM_CM_U32:
    return emit(cx, out, i32v((uint32_t)v->u.u));
  case SWASM_CM_S64: r.i64 = v->u.s; return emit(cx, out, r);
  case SWASM_CM_U64: r.i64 = (int64_t)v->u.u; return emit(cx, out, r);
  case SWASM_CM_F32: r.f32 = cn_canon_f32(v->u.f32); return emit(cx, out, r);
  case SWASM_CM_F64: r.f64 = cn_canon_f64(v->u.f64); return emit(cx, out, r);
  case SWASM_CM_CHAR: return cn_char_ok(cx, v->u.ch) && emit(cx, out, i32v(v->u.ch));
  case SWASM_CM_FLAGS: return emit(cx, out, i32v((uint32_t)v->u.flags));
  case SWASM_CM_STRING:
    return cn_lower_string(cx, v, &a, &b) && emit(cx, out, i32v(a)) && emit(cx, out, i32v(b));
  case SWASM_CM_LIST: case SWASM_CM_MAP: {
    cn_pair_t tmp;
    return cn_lower_list(cx, v, cn_elem(t, &tmp), &a, &b) && emit(cx, out, i32v(a)) &&
           emit(cx, out, i32v(b));
  }
  case SWASM_CM_OWN: return cn_lower_own(cx, v->u.handle, t, &a) && emit(cx, out, i32v(a));
  case SWASM_CM_BORROW: return cn_lower_borrow(cx, v->u.handle, t, &a) && emit(cx, out, i32v(a));
  default: return cn_trap(cx, "canonical ABI: unsupported type");
  }
}

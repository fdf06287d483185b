/* load_store.c - values in linear memory: bounds and alignment checks, calls of realloc, and
 * load/store of every value type (lists here, strings in string.c, handles in handles.c). */
#include <string.h>

#include "canon.h"

swasm_memory_t *cn_memory(cn_cx_t *cx) {
  if (!cx->opts || !cx->opts->memory) {
    cn_trap(cx, "canonical ABI: the canon options name no memory");
    return NULL;
  }
  return cx->opts->memory;
}

bool cn_check_range(cn_cx_t *cx, uint64_t ptr, uint64_t size, uint32_t align, const char *what) {
  swasm_memory_t *m = cn_memory(cx);
  if (!m) return false;
  if (align > 1 && ptr % align != 0)
    return cx->adapter ? cn_trap(cx, "wasm trap: unaligned pointer")
                       : cn_trap(cx, "unaligned pointer: %s pointer %#llx not aligned to %u", what,
                                 (unsigned long long)ptr, align);
  if (ptr > m->size || size > m->size - ptr)
    return cx->adapter ? cn_trap(cx, "wasm trap: %s content out-of-bounds", what)
                       : cn_trap(cx, "%s pointer/length out of bounds of memory", what);
  return true;
}

bool cn_realloc(cn_cx_t *cx, uint32_t old, uint32_t old_size, uint32_t align, uint32_t new_size,
                const char *what, uint32_t *out) {
  const lk_opts_t *o = cx->opts;
  if (!o || !o->has_realloc) return cn_trap(cx, "canonical ABI: the canon options name no realloc");
  swasm_memory_t *m = cn_memory(cx);
  if (!m) return false;
  swasm_val_t args[4];
  memset(args, 0, sizeof args);
  args[0].i32 = (int32_t)old;
  args[1].i32 = (int32_t)old_size;
  args[2].i32 = (int32_t)align;
  args[3].i32 = (int32_t)new_size;
  /* realloc runs inside the instance but may not call out of it */
  lk_instance_t *inst = o->inst;
  bool saved = inst ? inst->may_leave : true;
  if (inst) inst->may_leave = false;
  bool ok = swasm_call(&o->realloc, args, cx->err);
  if (inst) inst->may_leave = saved;
  if (!ok) return false;
  uint32_t p = (uint32_t)args[0].i32;
  if (p % align != 0)
    return cx->adapter ? cn_trap(cx, "wasm trap: unaligned pointer")
                       : cn_trap(cx, "realloc return: result not aligned");
  if ((uint64_t)p + new_size > m->size)
    return cx->adapter ? cn_trap(cx, "wasm trap: %s content out-of-bounds", what)
                       : cn_trap(cx, "realloc return: beyond end of memory");
  *out = p;
  return true;
}

/* Memory at [ptr, ptr+n): callers have checked the enclosing range; this guards the rest. */
static uint8_t *at(cn_cx_t *cx, uint32_t ptr, uint32_t n) {
  swasm_memory_t *m = cn_memory(cx);
  if (!m) return NULL;
  if ((uint64_t)ptr + n > m->size) {
    cn_trap(cx, "out of bounds memory access");
    return NULL;
  }
  return m->base + ptr;
}

static bool load_uint(cn_cx_t *cx, uint32_t ptr, uint32_t n, uint64_t *out) {
  const uint8_t *p = at(cx, ptr, n);
  if (!p) return false;
  uint64_t v = 0;
  for (uint32_t i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
  *out = v;
  return true;
}

static bool store_uint(cn_cx_t *cx, uint32_t ptr, uint32_t n, uint64_t v) {
  uint8_t *p = at(cx, ptr, n);
  if (!p) return false;
  for (uint32_t i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i));
  return true;
}

bool cn_lift_list(cn_cx_t *cx, uint32_t ptr, uint32_t len, const swasm_cm_type_t *elem,
                  swasm_cval_t *out) {
  uint32_t size = lk_size(elem);
  if (!cn_check_range(cx, ptr, (uint64_t)len * size, lk_align(elem), "list")) return false;
  if (size == 0 && len > (1u << 20)) return cn_trap(cx, "list too long");
  swasm_cval_t *items = swasm_carena_alloc(cx->arena, sizeof *items * (len ? len : 1));
  if (!items) return cn_trap(cx, "out of memory lifting a list of %u elements", len);
  out->u.list.items = items;
  out->u.list.n = len;
  for (uint32_t i = 0; i < len; i++)
    if (!cn_load(cx, ptr + i * size, elem, &items[i])) return false;
  return true;
}

bool cn_lower_list(cn_cx_t *cx, const swasm_cval_t *v, const swasm_cm_type_t *elem,
                   uint32_t *ptr, uint32_t *len) {
  uint32_t n = v->u.list.n, size = lk_size(elem);
  if (n && !v->u.list.items) return cn_trap(cx, "canonical ABI: list value without its items");
  uint64_t bytes = (uint64_t)n * size;
  if (bytes > UINT32_MAX) return cn_trap(cx, "list too large to lower (%u elements)", n);
  uint32_t p;
  if (!cn_realloc(cx, 0, 0, lk_align(elem), (uint32_t)bytes, "list", &p)) return false;
  for (uint32_t i = 0; i < n; i++)
    if (!cn_store(cx, &v->u.list.items[i], elem, p + i * size)) return false;
  *ptr = p;
  *len = n;
  return true;
}

static bool load_record(cn_cx_t *cx, uint32_t ptr, const swasm_cm_type_t *t, swasm_cval_t *out) {
  uint32_t n = cn_nfields(t);
  swasm_cval_t *items = swasm_carena_alloc(cx->arena, sizeof *items * (n ? n : 1));
  if (!items) return cn_trap(cx, "out of memory");
  out->u.list.items = items;
  out->u.list.n = n;
  for (uint32_t i = 0; i < n; i++) {
    const swasm_cm_type_t *f = cn_field(t, i);
    ptr = cn_align_to(ptr, lk_align(f));
    if (!cn_load(cx, ptr, f, &items[i])) return false;
    ptr += lk_size(f);
  }
  return true;
}

static bool load_variant(cn_cx_t *cx, uint32_t ptr, const swasm_cm_type_t *t, swasm_cval_t *out) {
  uint32_t ds = cn_disc_size(cn_ncases(t));
  uint64_t index;
  if (!load_uint(cx, ptr, ds, &index)) return false;
  if (index >= cn_ncases(t)) return cn_trap(cx, "invalid variant discriminant");
  out->u.var.index = (uint32_t)index;
  const swasm_cm_type_t *ct = cn_case(t, (uint32_t)index);
  if (!ct) return true;
  swasm_cval_t *p = swasm_carena_alloc(cx->arena, sizeof *p);
  if (!p) return cn_trap(cx, "out of memory");
  out->u.var.payload = p;
  return cn_load(cx, cn_align_to(ptr + ds, cn_max_case_align(t)), ct, p);
}

static uint32_t flags_bytes(uint32_t n) { return n <= 8 ? 1 : n <= 16 ? 2 : 4; }

bool cn_load(cn_cx_t *cx, uint32_t ptr, const swasm_cm_type_t *t, swasm_cval_t *out) {
  memset(out, 0, sizeof *out);
  uint64_t x, y;
  switch (t->kind) {
  case SWASM_CM_RECORD: case SWASM_CM_TUPLE: case SWASM_CM_FIXED_LIST:
    return load_record(cx, ptr, t, out);
  case SWASM_CM_VARIANT: case SWASM_CM_ENUM: case SWASM_CM_OPTION: case SWASM_CM_RESULT:
    return load_variant(cx, ptr, t, out);
  case SWASM_CM_STRING:
    return load_uint(cx, ptr, 4, &x) && load_uint(cx, ptr + 4, 4, &y) &&
           cn_lift_string(cx, (uint32_t)x, (uint32_t)y, out);
  case SWASM_CM_LIST: case SWASM_CM_MAP: {
    cn_pair_t tmp;
    return load_uint(cx, ptr, 4, &x) && load_uint(cx, ptr + 4, 4, &y) &&
           cn_lift_list(cx, (uint32_t)x, (uint32_t)y, cn_elem(t, &tmp), out);
  }
  case SWASM_CM_FLAGS:
    if (!load_uint(cx, ptr, flags_bytes(t->n), &x)) return false;
    out->u.flags = t->n >= 32 ? (uint32_t)x : x & ((1u << t->n) - 1);
    return true;
  default: break;
  }
  uint32_t size = lk_size(t);
  if (size == 0) return cn_trap(cx, "canonical ABI: unsupported type");
  if (!load_uint(cx, ptr, size, &x)) return false;
  switch (t->kind) {
  case SWASM_CM_BOOL: out->u.b = x != 0; return true;
  case SWASM_CM_S8: out->u.s = (int8_t)(uint8_t)x; return true;
  case SWASM_CM_S16: out->u.s = (int16_t)(uint16_t)x; return true;
  case SWASM_CM_S32: out->u.s = (int32_t)(uint32_t)x; return true;
  case SWASM_CM_S64: out->u.s = (int64_t)x; return true;
  case SWASM_CM_U8: case SWASM_CM_U16: case SWASM_CM_U32: case SWASM_CM_U64:
    out->u.u = x;
    return true;
  case SWASM_CM_F32: {
    uint32_t b = (uint32_t)x;
    memcpy(&out->u.f32, &b, 4);
    out->u.f32 = cn_canon_f32(out->u.f32);
    return true;
  }
  case SWASM_CM_F64:
    memcpy(&out->u.f64, &x, 8);
    out->u.f64 = cn_canon_f64(out->u.f64);
    return true;
  case SWASM_CM_CHAR: out->u.ch = (uint32_t)x; return cn_char_ok(cx, out->u.ch);
  case SWASM_CM_OWN: return cn_lift_own(cx, (uint32_t)x, t, &out->u.handle);
  case SWASM_CM_BORROW: return cn_lift_borrow(cx, (uint32_t)x, t, &out->u.handle);
  default: return cn_trap(cx, "canonical ABI: unsupported type");
  }
}

static bool store_record(cn_cx_t *cx, const swasm_cval_t *v, const swasm_cm_type_t *t,
                         uint32_t ptr) {
  uint32_t n = cn_nfields(t);
  if (v->u.list.n != n || !v->u.list.items)
    return cn_trap(cx, "canonical ABI: record value has wrong arity");
  for (uint32_t i = 0; i < n; i++) {
    const swasm_cm_type_t *f = cn_field(t, i);
    ptr = cn_align_to(ptr, lk_align(f));
    if (!cn_store(cx, &v->u.list.items[i], f, ptr)) return false;
    ptr += lk_size(f);
  }
  return true;
}

static bool store_variant(cn_cx_t *cx, const swasm_cval_t *v, const swasm_cm_type_t *t,
                          uint32_t ptr) {
  uint32_t ds = cn_disc_size(cn_ncases(t)), index = v->u.var.index;
  if (index >= cn_ncases(t)) return cn_trap(cx, "invalid variant discriminant");
  if (!store_uint(cx, ptr, ds, index)) return false;
  const swasm_cm_type_t *ct = cn_case(t, index);
  if (!ct) return true;
  if (!v->u.var.payload) return cn_trap(cx, "canonical ABI: variant case without its payload");
  return cn_store(cx, v->u.var.payload, ct, cn_align_to(ptr + ds, cn_max_case_align(t)));
}

bool cn_store(cn_cx_t *cx, const swasm_cval_t *v, const swasm_cm_type_t *t, uint32_t ptr) {
  uint32_t a, b;
  uint64_t x;
  switch (t->kind) {
  case SWASM_CM_RECORD: case SWASM_CM_TUPLE: case SWASM_CM_FIXED_LIST:
    return store_record(cx, v, t, ptr);
  case SWASM_CM_VARIANT: case SWASM_CM_ENUM: case SWASM_CM_OPTION: case SWASM_CM_RESULT:
    return store_variant(cx, v, t, ptr);
  case SWASM_CM_STRING:
    return cn_lower_string(cx, v, &a, &b) && store_uint(cx, ptr, 4, a) &&
           store_uint(cx, ptr + 4, 4, b);
  case SWASM_CM_LIST: case SWASM_CM_MAP: {
    cn_pair_t tmp;
    return cn_lower_list(cx, v, cn_elem(t, &tmp), &a, &b) && store_uint(cx, ptr, 4, a) &&
           store_uint(cx, ptr + 4, 4, b);
  }
  case SWASM_CM_FLAGS: return store_uint(cx, ptr, flags_bytes(t->n), v->u.flags);
  case SWASM_CM_BOOL: return store_uint(cx, ptr, 1, v->u.b ? 1 : 0);
  case SWASM_CM_S8: case SWASM_CM_S16: case SWASM_CM_S32: case SWASM_CM_S64:
    return store_uint(cx, ptr, lk_size(t), (uint64_t)v->u.s);
  case SWASM_CM_U8: case SWASM_CM_U16: case SWASM_CM_U32: case SWASM_CM_U64:
    return store_uint(cx, ptr, lk_size(t), v->u.u);
  case SWASM_CM_F32: {
    float f = cn_canon_f32(v->u.f32);
    uint32_t bits;
    memcpy(&bits, &f, 4);
    return store_uint(cx, ptr, 4, bits);
  }
  case SWASM_CM_F64: {
    double f = cn_canon_f64(v->u.f64);
    memcpy(&x, &f, 8);
    return store_uint(cx, ptr, 8, x);
  }
  case SWASM_CM_CHAR: return cn_char_ok(cx, v->u.ch) && store_uint(cx, ptr, 4, v->u.ch);
  case SWASM_CM_OWN: return cn_lower_own(cx, v->u.handle, t, &a) && store_uint(cx, ptr, 4, a);
  case SWASM_CM_BORROW:
    return cn_lower_borrow(cx, v->u.handle, t, &a) && store_uint(cx, ptr, 4, a);
  default: return cn_trap(cx, "canonical ABI: unsupported type");
  }
}

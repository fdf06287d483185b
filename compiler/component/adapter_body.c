/* adapter_body.c - the code of a fused adapter: checks the caller's values (chars, string and
 * list ranges and UTF-8 through the helpers), enters the callee instance, copies strings and
 * lists into memory the callee's realloc returns, converts scalars as lifting then lowering
 * would (bool to 0/1, narrow integers truncated, NaNs canonical), calls the callee's core
 * function, moves the result back the same way, runs post-return and leaves the instance.
 *
 * The helpers the linker binds (module "a", all on i32): enter() and leave() bracket the call
 * (may_leave, poison and re-entry checks, borrow scope); check_leave() is the caller's
 * may_leave check alone, made first when the arguments are checked before entering;
 * trap(code, value) traps with the canonical ABI's message; str_in/str_out(ptr, len) check a
 * UTF-8 string in the caller's/callee's memory; list_in/list_out(ptr, len, size, align) a
 * list's range; range_caller/range_callee(ptr, size, align) a result's range;
 * realloc_caller/realloc_callee(align, size, for) -> ptr call that side's realloc with its
 * instance unable to leave and check what it returns. Memory 0 is the caller's, 1 the
 * callee's. */
#include <stdlib.h>
#include <string.h>

#include "adapter.h"

#define MAX_LOCALS 512
#define MAX_LEAVES 256

enum {
  OP_UNREACHABLE = 0x00, OP_IF = 0x04, OP_END = 0x0b, OP_CALL = 0x10, OP_SELECT = 0x1b,
  OP_LGET = 0x20, OP_LSET = 0x21, OP_I32_LOAD = 0x28, OP_I64_LOAD = 0x29, OP_F32_LOAD = 0x2a,
  OP_F64_LOAD = 0x2b, OP_I32_LOAD8_U = 0x2d, OP_I32_LOAD16_U = 0x2f, OP_I32_STORE = 0x36,
  OP_I64_STORE = 0x37, OP_F32_STORE = 0x38, OP_F64_STORE = 0x39, OP_I32_STORE8 = 0x3a,
  OP_I32_STORE16 = 0x3b, OP_I32_CONST = 0x41, OP_F32_CONST = 0x43, OP_F64_CONST = 0x44,
  OP_I32_NE = 0x47, OP_I32_LT_U = 0x49, OP_I32_GE_U = 0x4f, OP_F32_NE = 0x5c, OP_F64_NE = 0x62,
  OP_I32_SUB = 0x6b, OP_I32_MUL = 0x6c, OP_I32_AND = 0x71, OP_I32_OR = 0x72,
  OP_I32_EXTEND8_S = 0xc0, OP_I32_EXTEND16_S = 0xc1, OP_PREFIX_FC = 0xfc, OP_MEMORY_COPY = 10
};

enum { MEM_CALLER = 0, MEM_CALLEE = 1 };

typedef struct em {
  ad_buf_t c;
  uint8_t lt[MAX_LOCALS];
  uint32_t nl, base;
  bool ok;
} em_t;

/* A value of a spilled result: where it sits and the locals that carry it across. */
typedef struct leaf {
  const swasm_cm_type_t *t;
  uint32_t off, x, y;
} leaf_t;

static uint32_t local(em_t *e, uint8_t t) {
  if (e->nl >= MAX_LOCALS) {
    e->ok = false;
    return 0;
  }
  e->lt[e->nl] = t;
  return e->base + e->nl++;
}

static void op(em_t *e, uint8_t o) { ad_byte(&e->c, o); }
static void op_u(em_t *e, uint8_t o, uint32_t x) { op(e, o); ad_u32(&e->c, x); }
static void lget(em_t *e, uint32_t i) { op_u(e, OP_LGET, i); }
static void lset(em_t *e, uint32_t i) { op_u(e, OP_LSET, i); }
static void call(em_t *e, uint32_t f) { op_u(e, OP_CALL, f); }
static void i32c(em_t *e, int64_t v) {
  op(e, OP_I32_CONST);
  ad_s64(&e->c, (int32_t)(uint32_t)v);
}

static void memop(em_t *e, uint8_t o, uint32_t align_log2, uint32_t mem, uint32_t off) {
  op(e, o);
  if (mem) {
    ad_u32(&e->c, align_log2 | 0x40);
    ad_u32(&e->c, mem);
  } else {
    ad_u32(&e->c, align_log2);
  }
  ad_u32(&e->c, off);
}

static void memcopy(em_t *e, uint32_t dst, uint32_t src) {
  op(e, OP_PREFIX_FC);
  ad_u32(&e->c, OP_MEMORY_COPY);
  ad_u32(&e->c, dst);
  ad_u32(&e->c, src);
}

static uint8_t flat1(const swasm_cm_type_t *t) {
  uint8_t f[2];
  uint32_t n = 0;
  ad_flatten(t, f, &n, 2);
  return f[0];
}

/* Traps with "invalid `char` bit pattern" unless local c holds a Unicode scalar value. */
static void check_char(em_t *e, uint32_t c) {
  lget(e, c);
  i32c(e, 0x110000);
  op(e, OP_I32_GE_U);
  lget(e, c);
  i32c(e, 0xd800);
  op(e, OP_I32_SUB);
  i32c(e, 0x800);
  op(e, OP_I32_LT_U);
  op(e, OP_I32_OR);
  op(e, OP_IF);
  op(e, 0x40);
  i32c(e, SWASM_ADAPTER_TRAP_CHAR);
  lget(e, c);
  call(e, AD_F_TRAP);
  op(e, OP_UNREACHABLE);
  op(e, OP_END);
}

/* Traps with "invalid variant discriminant" unless local x is a case of enum t. */
static void check_disc(em_t *e, const swasm_cm_type_t *t, uint32_t x) {
  lget(e, x);
  i32c(e, t->n);
  op(e, OP_I32_GE_U);
  op(e, OP_IF);
  op(e, 0x40);
  i32c(e, SWASM_ADAPTER_TRAP_DISCRIMINANT);
  lget(e, x);
  call(e, AD_F_TRAP);
  op(e, OP_UNREACHABLE);
  op(e, OP_END);
}

/* The checks of a scalar read from the other side (chars, enums), on local x. */
static void check_scalar(em_t *e, const swasm_cm_type_t *t, uint32_t x) {
  if (t->kind == SWASM_CM_CHAR) check_char(e, x);
  else if (t->kind == SWASM_CM_ENUM) check_disc(e, t, x);
}

/* Pushes the scalar in local x as lifting it and lowering it again leaves it. */
static void convert(em_t *e, const swasm_cm_type_t *t, uint32_t x) {
  uint8_t kind = t->kind;
  if (kind == SWASM_CM_FLAGS && t->n < 32) {
    lget(e, x);
    i32c(e, (int64_t)((1u << t->n) - 1));
    op(e, OP_I32_AND);
    return;
  }
  static const uint8_t nan32[4] = {0x00, 0x00, 0xc0, 0x7f};
  static const uint8_t nan64[8] = {0, 0, 0, 0, 0, 0, 0xf8, 0x7f};
  switch (kind) {
  case SWASM_CM_BOOL: lget(e, x); i32c(e, 0); op(e, OP_I32_NE); return;
  case SWASM_CM_S8: lget(e, x); op(e, OP_I32_EXTEND8_S); return;
  case SWASM_CM_U8: lget(e, x); i32c(e, 0xff); op(e, OP_I32_AND); return;
  case SWASM_CM_S16: lget(e, x); op(e, OP_I32_EXTEND16_S); return;
  case SWASM_CM_U16: lget(e, x); i32c(e, 0xffff); op(e, OP_I32_AND); return;
  case SWASM_CM_F32: case SWASM_CM_F64: {
    bool f32 = kind == SWASM_CM_F32;
    op(e, f32 ? OP_F32_CONST : OP_F64_CONST);
    ad_bytes(&e->c, f32 ? nan32 : nan64, f32 ? 4 : 8);
    lget(e, x);
    lget(e, x);
    lget(e, x);
    op(e, f32 ? OP_F32_NE : OP_F64_NE);
    op(e, OP_SELECT);
    return;
  }
  default: lget(e, x); return;
  }
}

static uint32_t elem_size(const swasm_cm_type_t *list) { return ad_size(list->a); }

/* ---- arguments ------------------------------------------------------------------------------ */

static void check_arg(em_t *e, const swasm_cm_type_t *t, uint32_t *k) {
  switch (t->kind) {
  case SWASM_CM_RECORD: case SWASM_CM_TUPLE:
    for (uint32_t i = 0; i < t->n; i++) check_arg(e, ad_field(t, i), k);
    return;
  case SWASM_CM_CHAR: case SWASM_CM_ENUM: check_scalar(e, t, (*k)++); return;
  case SWASM_CM_STRING:
    lget(e, *k);
    lget(e, *k + 1);
    call(e, AD_F_STR_IN);
    *k += 2;
    return;
  case SWASM_CM_LIST:
    lget(e, *k);
    lget(e, *k + 1);
    i32c(e, elem_size(t));
    i32c(e, ad_align(t->a));
    call(e, AD_F_LIST_IN);
    *k += 2;
    return;
  default: (*k)++; return;
  }
}

/* Pushes the byte size of a list whose length is in local len. */
static void list_bytes(em_t *e, const swasm_cm_type_t *t, uint32_t len) {
  lget(e, len);
  if (elem_size(t) > 1) {
    i32c(e, elem_size(t));
    op(e, OP_I32_MUL);
  }
}

/* Copies the string or list at locals (p, len) from memory src into memory dst (allocated by
 * dst's realloc, through helper f) and leaves the new pointer in local t. */
static void copy_out(em_t *e, const swasm_cm_type_t *t, uint32_t p, uint32_t len, uint32_t f,
                     uint32_t dst, uint32_t src, uint32_t tl) {
  bool str = t->kind == SWASM_CM_STRING;
  i32c(e, str ? 1 : ad_align(t->a));
  if (str) lget(e, len);
  else list_bytes(e, t, len);
  i32c(e, str ? SWASM_ADAPTER_FOR_STRING : SWASM_ADAPTER_FOR_LIST);
  call(e, f);
  lset(e, tl);
  lget(e, tl);
  lget(e, p);
  if (str) lget(e, len);
  else list_bytes(e, t, len);
  memcopy(e, dst, src);
}

static void push_arg(em_t *e, const swasm_cm_type_t *t, uint32_t *k) {
  switch (t->kind) {
  case SWASM_CM_RECORD: case SWASM_CM_TUPLE:
    for (uint32_t i = 0; i < t->n; i++) push_arg(e, ad_field(t, i), k);
    return;
  case SWASM_CM_STRING: case SWASM_CM_LIST: {
    uint32_t tl = local(e, SWASM_I32);
    copy_out(e, t, *k, *k + 1, AD_F_REALLOC_CALLEE, MEM_CALLEE, MEM_CALLER, tl);
    lget(e, tl);
    lget(e, *k + 1);
    *k += 2;
    return;
  }
  default: convert(e, t, (*k)++); return;
  }
}

/* ---- results -------------------------------------------------------------------------------- */

/* The scalar that a result of one flat value holds (records around it peeled). */
static const swasm_cm_type_t *only_scalar(const swasm_cm_type_t *t) {
  while (t->kind == SWASM_CM_RECORD || t->kind == SWASM_CM_TUPLE) {
    const swasm_cm_type_t *inner = NULL;
    for (uint32_t i = 0; i < t->n && !inner; i++) {
      uint8_t f[2];
      uint32_t n = 0;
      if (ad_flatten(ad_field(t, i), f, &n, 2) && n) inner = ad_field(t, i);
    }
    if (!inner) return NULL;
    t = inner;
  }
  return t;
}

static void flat_result(em_t *e, const swasm_cm_type_t *rt, bool post) {
  const swasm_cm_type_t *s = only_scalar(rt);
  if (!s) {
    e->ok = false;
    return;
  }
  uint8_t ft = flat1(s);
  uint32_t r = local(e, ft), c = local(e, ft);
  lset(e, r);
  check_scalar(e, s, r);
  convert(e, s, r);
  lset(e, c);
  if (post) {
    lget(e, r);
    call(e, AD_F_POST);
  }
  call(e, AD_F_LEAVE);
  lget(e, c);
}

static bool collect(const swasm_cm_type_t *t, uint32_t off, leaf_t *lv, uint32_t *n) {
  if (t->kind == SWASM_CM_RECORD || t->kind == SWASM_CM_TUPLE) {
    for (uint32_t i = 0; i < t->n; i++) {
      const swasm_cm_type_t *f = ad_field(t, i);
      off = ad_align_to(off, ad_align(f));
      if (!collect(f, off, lv, n)) return false;
      off += ad_size(f);
    }
    return true;
  }
  if (*n >= MAX_LEAVES) return false;
  lv[(*n)++] = (leaf_t){.t = t, .off = off};
  return true;
}


/* Reads leaf l of the callee's result at local p into its locals, checking it. */
static void lift_leaf(em_t *e, leaf_t *l, uint32_t p) {
  uint8_t k = l->t->kind;
  if (k == SWASM_CM_STRING || k == SWASM_CM_LIST) {
    l->x = local(e, SWASM_I32);
    l->y = local(e, SWASM_I32);
    lget(e, p);
    memop(e, OP_I32_LOAD, 0, MEM_CALLEE, l->off);
    lset(e, l->x);
    lget(e, p);
    memop(e, OP_I32_LOAD, 0, MEM_CALLEE, l->off + 4);
    lset(e, l->y);
    lget(e, l->x);
    lget(e, l->y);
    if (k == SWASM_CM_STRING) {
      call(e, AD_F_STR_OUT);
    } else {
      i32c(e, elem_size(l->t));
      i32c(e, ad_align(l->t->a));
      call(e, AD_F_LIST_OUT);
    }
    return;
  }
  uint8_t ft = flat1(l->t);
  uint32_t size = ad_size(l->t), raw = local(e, ft);
  l->x = local(e, ft);
  uint8_t o = ft == SWASM_I64 ? OP_I64_LOAD : ft == SWASM_F32 ? OP_F32_LOAD
            : ft == SWASM_F64 ? OP_F64_LOAD : size == 1 ? OP_I32_LOAD8_U
            : size == 2 ? OP_I32_LOAD16_U : OP_I32_LOAD;
  lget(e, p);
  memop(e, o, 0, MEM_CALLEE, l->off);
  lset(e, raw);
  check_scalar(e, l->t, raw);
  convert(e, l->t, raw);
  lset(e, l->x);
}

/* Writes leaf l at local rp in the caller's memory (strings and lists copied first). */
static void lower_leaf(em_t *e, const leaf_t *l, uint32_t rp) {
  uint8_t k = l->t->kind;
  if (k == SWASM_CM_STRING || k == SWASM_CM_LIST) {
    uint32_t tl = local(e, SWASM_I32);
    copy_out(e, l->t, l->x, l->y, AD_F_REALLOC_CALLER, MEM_CALLER, MEM_CALLEE, tl);
    lget(e, rp);
    lget(e, tl);
    memop(e, OP_I32_STORE, 0, MEM_CALLER, l->off);
    lget(e, rp);
    lget(e, l->y);
    memop(e, OP_I32_STORE, 0, MEM_CALLER, l->off + 4);
    return;
  }
  uint8_t ft = flat1(l->t);
  uint32_t size = ad_size(l->t);
  uint8_t o = ft == SWASM_I64 ? OP_I64_STORE : ft == SWASM_F32 ? OP_F32_STORE
            : ft == SWASM_F64 ? OP_F64_STORE : size == 1 ? OP_I32_STORE8
            : size == 2 ? OP_I32_STORE16 : OP_I32_STORE;
  lget(e, rp);
  lget(e, l->x);
  memop(e, o, 0, MEM_CALLER, l->off);
}

/* A result returned through memory: checked and read from the callee's memory, written to the
 * caller's out-pointer rp. Without strings or lists the callee is left (post-return, leave)
 * before the caller's memory is touched, as the tree path does; with them the copies happen
 * first, since post-return may free what they copy. */
static void spilled_result(em_t *e, const swasm_cm_type_t *rt, bool post, uint32_t rp) {
  leaf_t lv[MAX_LEAVES];
  uint32_t n = 0;
  if (!collect(rt, 0, lv, &n)) {
    e->ok = false;
    return;
  }
  uint32_t p = local(e, SWASM_I32);
  lset(e, p);
  lget(e, p);
  i32c(e, ad_size(rt));
  i32c(e, ad_align(rt));
  call(e, AD_F_RANGE_CALLEE);
  for (uint32_t i = 0; i < n; i++) lift_leaf(e, &lv[i], p);
  bool mem = ad_has_memory(rt);
  for (int pass = 0; pass < 2; pass++) {
    if (pass == (mem ? 1 : 0)) {
      if (post) {
        lget(e, p);
        call(e, AD_F_POST);
      }
      call(e, AD_F_LEAVE);
    } else {
      lget(e, rp);
      i32c(e, ad_size(rt));
      i32c(e, ad_align(rt));
      call(e, AD_F_RANGE_CALLER);
      for (uint32_t i = 0; i < n; i++) lower_leaf(e, &lv[i], rp);
    }
  }
}

/* ---- the function --------------------------------------------------------------------------- */

static uint32_t nflat(const swasm_cm_type_t *t) {
  uint8_t f[AD_MAX_FLAT_PARAMS + 1];
  uint32_t n = 0;
  if (!ad_flatten(t, f, &n, AD_MAX_FLAT_PARAMS + 1)) return AD_MAX_FLAT_PARAMS + 1;
  return n;
}

static void write_body(em_t *e, const swasm_cm_type_t *ft, bool post) {
  bool checks = false;
  for (uint32_t i = 0; i < ft->n; i++) checks |= ad_has_checks(ft->fields[i].type);
  if (checks) call(e, AD_F_CHECK_LEAVE);
  uint32_t k = 0;
  for (uint32_t i = 0; i < ft->n; i++) check_arg(e, ft->fields[i].type, &k);
  call(e, AD_F_ENTER);
  k = 0;
  for (uint32_t i = 0; i < ft->n; i++) push_arg(e, ft->fields[i].type, &k);
  call(e, AD_F_CALLEE);
  uint32_t nr = ft->a ? nflat(ft->a) : 0;
  if (nr == 0) {
    if (post) call(e, AD_F_POST);
    call(e, AD_F_LEAVE);
  } else if (nr <= AD_MAX_FLAT_RESULTS) {
    flat_result(e, ft->a, post);
  } else {
    spilled_result(e, ft->a, post, k);   /* the out-pointer follows the flat parameters */
  }
  op(e, OP_END);
}

bool ad_emit_body(const swasm_adapter_side_t *lower, const swasm_adapter_side_t *lift,
                  ad_buf_t *body) {
  (void)lower;   /* same shape as the lift's type (swasm_adapter_supported) */
  const swasm_cm_type_t *ft = lift->type;
  em_t e;
  memset(&e, 0, sizeof e);
  e.ok = true;
  for (uint32_t i = 0; i < ft->n; i++) e.base += nflat(ft->fields[i].type);
  if (ft->a && nflat(ft->a) > AD_MAX_FLAT_RESULTS) e.base++;
  write_body(&e, ft, lift->has_post_return);
  if (!e.ok || e.c.oom) {
    free(e.c.p);
    return false;
  }
  ad_u32(body, e.nl);
  for (uint32_t i = 0; i < e.nl; i++) {
    ad_u32(body, 1);
    ad_byte(body, e.lt[i]);
  }
  ad_bytes(body, e.c.p, e.c.n);
  free(e.c.p);
  return !body->oom;
}

/* adapter_body.c - the code of a fused adapter: checks the caller's values (chars,
 * discriminants, string and list ranges and UTF-8), enters the callee instance, copies strings
 * and lists into memory the callee's realloc returns (byte copies, or a loop over elements that
 * need conversion), converts scalars as lifting then lowering would (bool to 0/1, narrow
 * integers truncated, NaNs canonical, flags masked, variant payloads through their joined
 * slots), calls the callee's core function, moves the result back the same way, runs
 * post-return and leaves the instance.
 *
 * The helpers the linker binds (module "a", all on i32): enter() and leave() bracket the call
 * (may_leave, poison and re-entry checks, borrow scope); check_leave() is the caller's
 * may_leave check alone, made first when the arguments are checked before entering;
 * trap(code, value) traps with the canonical ABI's message; str_in/str_out(ptr, len) check a
 * UTF-8 string in the caller's/callee's memory; list_in/list_out(ptr, len, size, align) a
 * list's range; range_caller/range_callee(ptr, size, align) a result's range;
 * realloc_caller/realloc_callee(align, size, for) -> ptr call that side's realloc with its
 * instance unable to leave and check what it returns. enter_fast, leave_fast,
 * check_leave_fast and str_in_fast/str_out_fast do the same as plain functions called
 * directly (no host-call thunk): they return 0 when done, else 1 having done nothing, and the
 * adapter then calls the helper, which traps with the message. Memory 0 is the caller's, 1 the
 * callee's. */
#include <stdlib.h>
#include <string.h>

#include "adapter.h"

#define MAX_LOCALS 512

enum {
  OP_UNREACHABLE = 0x00, OP_BLOCK = 0x02, OP_LOOP = 0x03, OP_IF = 0x04, OP_BR = 0x0c,
  OP_BR_IF = 0x0d, OP_I32_ADD = 0x6a, OP_END = 0x0b, OP_CALL = 0x10, OP_SELECT = 0x1b,
  OP_LGET = 0x20, OP_LSET = 0x21, OP_I32_LOAD = 0x28, OP_I64_LOAD = 0x29, OP_F32_LOAD = 0x2a,
  OP_F64_LOAD = 0x2b, OP_I32_LOAD8_U = 0x2d, OP_I32_LOAD16_U = 0x2f, OP_I32_STORE = 0x36,
  OP_I64_STORE = 0x37, OP_F32_STORE = 0x38, OP_F64_STORE = 0x39, OP_I32_STORE8 = 0x3a,
  OP_I32_STORE16 = 0x3b, OP_I32_CONST = 0x41, OP_F32_CONST = 0x43, OP_F64_CONST = 0x44,
  OP_I32_NE = 0x47, OP_I32_LT_U = 0x49, OP_I32_GE_U = 0x4f, OP_F32_NE = 0x5c, OP_F64_NE = 0x62,
  OP_I32_SUB = 0x6b, OP_I32_MUL = 0x6c, OP_I32_AND = 0x71, OP_I32_OR = 0x72,
  OP_I32_EQ = 0x46, OP_I32_WRAP_I64 = 0xa7, OP_I64_EXTEND_I32_U = 0xad,
  OP_I32_REINTERPRET_F32 = 0xbc, OP_I64_REINTERPRET_F64 = 0xbd, OP_F32_REINTERPRET_I32 = 0xbe,
  OP_F64_REINTERPRET_I64 = 0xbf, OP_I32_EXTEND8_S = 0xc0, OP_I32_EXTEND16_S = 0xc1,
  OP_PREFIX_FC = 0xfc, OP_MEMORY_COPY = 10
};

enum { MEM_CALLER = 0, MEM_CALLEE = 1 };

/* One direction of a copy: the memory read and the one written, the helpers that check the
 * source and the realloc of the destination. */
typedef struct dir {
  uint32_t src, dst, str_fast, str_slow, list_check, realloc;
} dir_t;

static const dir_t to_callee = {MEM_CALLER, MEM_CALLEE, AD_F_STR_IN_FAST, AD_F_STR_IN,
                                AD_F_LIST_IN, AD_F_REALLOC_CALLEE};
static const dir_t to_caller = {MEM_CALLEE, MEM_CALLER, AD_F_STR_OUT_FAST, AD_F_STR_OUT,
                                AD_F_LIST_OUT, AD_F_REALLOC_CALLER};

typedef struct em {
  ad_buf_t c;
  uint8_t lt[MAX_LOCALS];
  uint32_t nl, base;
  bool ok;
} em_t;

/* The locals that carry a spilled result from the callee's memory to the caller's, in the
 * order the type's walk allocates them (the same walk reads them back). */
typedef struct carry {
  uint32_t loc[MAX_LOCALS];
  uint32_t n, at;
} carry_t;

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

/* Calls fast (which returns nonzero when it could not do its work) and then, if needed, slow
 * with the same nargs arguments (locals a, b). */
static void fast_or(em_t *e, uint32_t fast, uint32_t slow, uint32_t nargs, uint32_t a, uint32_t b) {
  if (nargs) {
    lget(e, a);
    lget(e, b);
  }
  call(e, fast);
  op(e, OP_IF);
  op(e, 0x40);
  if (nargs) {
    lget(e, a);
    lget(e, b);
  }
  call(e, slow);
  op(e, OP_END);
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

/* Traps with "invalid variant discriminant" unless local x is a case of variant-like t. */
static void check_disc(em_t *e, const swasm_cm_type_t *t, uint32_t x) {
  lget(e, x);
  i32c(e, ad_ncases(t));
  op(e, OP_I32_GE_U);
  op(e, OP_IF);
  op(e, 0x40);
  i32c(e, SWASM_ADAPTER_TRAP_DISCRIMINANT);
  lget(e, x);
  call(e, AD_F_TRAP);
  op(e, OP_UNREACHABLE);
  op(e, OP_END);
}

/* The checks of a scalar read from the other side (chars, discriminants), on local x. */
static void check_scalar(em_t *e, const swasm_cm_type_t *t, uint32_t x) {
  if (t->kind == SWASM_CM_CHAR) check_char(e, x);
  else if (ad_is_variant(t)) check_disc(e, t, x);
}

/* Opens `if (d == c)`. */
static void if_case(em_t *e, uint32_t d, uint32_t c) {
  lget(e, d);
  i32c(e, c);
  op(e, OP_I32_EQ);
  op(e, OP_IF);
  op(e, 0x40);
}

/* The value on the stack, of a variant's joined flat type have, as its case's own type want. */
static void coerce_in(em_t *e, uint8_t have, uint8_t want) {
  if (have == want) return;
  if (have == SWASM_I64 && (want == SWASM_I32 || want == SWASM_F32)) op(e, OP_I32_WRAP_I64);
  if (want == SWASM_F32) op(e, OP_F32_REINTERPRET_I32);
  if (want == SWASM_F64) op(e, OP_F64_REINTERPRET_I64);
}

/* The reverse: a case's own flat type as the joined one. */
static void coerce_out(em_t *e, uint8_t have, uint8_t want) {
  if (have == want) return;
  if (have == SWASM_F32) op(e, OP_I32_REINTERPRET_F32);
  if (have == SWASM_F64) op(e, OP_I64_REINTERPRET_F64);
  else if (want == SWASM_I64) op(e, OP_I64_EXTEND_I32_U);
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

/* ---- values in memory: checks, and copies from one memory to the other --------------------- */

static uint8_t load_op(uint8_t ft, uint32_t size) {
  return ft == SWASM_I64 ? OP_I64_LOAD : ft == SWASM_F32 ? OP_F32_LOAD
       : ft == SWASM_F64 ? OP_F64_LOAD : size == 1 ? OP_I32_LOAD8_U
       : size == 2 ? OP_I32_LOAD16_U : OP_I32_LOAD;
}

static uint8_t store_op(uint8_t ft, uint32_t size) {
  return ft == SWASM_I64 ? OP_I64_STORE : ft == SWASM_F32 ? OP_F32_STORE
       : ft == SWASM_F64 ? OP_F64_STORE : size == 1 ? OP_I32_STORE8
       : size == 2 ? OP_I32_STORE16 : OP_I32_STORE;
}

static uint32_t elem_size(const swasm_cm_type_t *list) { return ad_size(list->a); }

/* A list whose bytes are copied as they are: integers need no checks nor conversions. */
static bool plain_list(const swasm_cm_type_t *t) {
  uint8_t k = t->a->kind;
  return t->kind == SWASM_CM_LIST && k >= SWASM_CM_U64 && k <= SWASM_CM_S8 && k != SWASM_CM_BOOL;
}

/* Opens `for (i = 0; i < len; i++) { b = p + i * size; ...`; returns b (loop_close ends it). */
static uint32_t loop_open(em_t *e, uint32_t p, uint32_t len, uint32_t size, uint32_t *i) {
  *i = local(e, SWASM_I32);
  uint32_t b = local(e, SWASM_I32);
  i32c(e, 0);
  lset(e, *i);
  op(e, OP_BLOCK);
  op(e, 0x40);
  op(e, OP_LOOP);
  op(e, 0x40);
  lget(e, *i);
  lget(e, len);
  op(e, OP_I32_GE_U);
  op_u(e, OP_BR_IF, 1);
  lget(e, p);
  lget(e, *i);
  i32c(e, size);
  op(e, OP_I32_MUL);
  op(e, OP_I32_ADD);
  lset(e, b);
  return b;
}

static void loop_close(em_t *e, uint32_t i) {
  lget(e, i);
  i32c(e, 1);
  op(e, OP_I32_ADD);
  lset(e, i);
  op_u(e, OP_BR, 0);
  op(e, OP_END);
  op(e, OP_END);
}

/* Loads the i32 at local b + off of memory mem into a new local. */
static uint32_t load32(em_t *e, uint32_t b, uint32_t off, uint32_t mem, uint32_t size) {
  uint32_t x = local(e, SWASM_I32);
  lget(e, b);
  memop(e, load_op(SWASM_I32, size), 0, mem, off);
  lset(e, x);
  return x;
}

static void check_mem(em_t *e, const swasm_cm_type_t *t, uint32_t off, uint32_t b,
                      const dir_t *d);

/* The checks of the elements of list t at locals (p, len) in d's source memory. */
static void check_elems(em_t *e, const swasm_cm_type_t *t, uint32_t p, uint32_t len,
                        const dir_t *d) {
  if (!ad_has_checks(t->a)) return;
  uint32_t i, b = loop_open(e, p, len, elem_size(t), &i);
  check_mem(e, t->a, 0, b, d);
  loop_close(e, i);
}

/* Checks the range of the string or list at locals (p, len) in d's source memory, and what it
 * holds. */
static void check_seq(em_t *e, const swasm_cm_type_t *t, uint32_t p, uint32_t len,
                      const dir_t *d) {
  if (t->kind == SWASM_CM_STRING) {
    fast_or(e, d->str_fast, d->str_slow, 2, p, len);
    return;
  }
  lget(e, p);
  lget(e, len);
  i32c(e, elem_size(t));
  i32c(e, ad_align(t->a));
  call(e, d->list_check);
  check_elems(e, t, p, len, d);
}

/* The checks lifting t at local b + off of d's source memory makes (ranges and UTF-8 of
 * strings and lists, chars, discriminants), without keeping the values. */
static void check_mem(em_t *e, const swasm_cm_type_t *t, uint32_t off, uint32_t b,
                      const dir_t *d) {
  if (t->kind == SWASM_CM_RECORD || t->kind == SWASM_CM_TUPLE) {
    for (uint32_t i = 0; i < t->n; i++) {
      const swasm_cm_type_t *f = ad_field(t, i);
      off = ad_align_to(off, ad_align(f));
      if (ad_has_checks(f)) check_mem(e, f, off, b, d);
      off += ad_size(f);
    }
    return;
  }
  if (ad_is_variant(t)) {
    uint32_t x = load32(e, b, off, d->src, ad_disc_size(t)), po = off + ad_payload_offset(t);
    check_disc(e, t, x);
    for (uint32_t c = 0; c < ad_ncases(t); c++) {
      if (!ad_case(t, c) || !ad_has_checks(ad_case(t, c))) continue;
      if_case(e, x, c);
      check_mem(e, ad_case(t, c), po, b, d);
      op(e, OP_END);
    }
    return;
  }
  if (t->kind == SWASM_CM_STRING || t->kind == SWASM_CM_LIST) {
    uint32_t p = load32(e, b, off, d->src, 4), len = load32(e, b, off + 4, d->src, 4);
    check_seq(e, t, p, len, d);
    return;
  }
  if (t->kind == SWASM_CM_CHAR) check_char(e, load32(e, b, off, d->src, 4));
}

static void copy_seq(em_t *e, const swasm_cm_type_t *t, uint32_t p, uint32_t len,
                     const dir_t *d, uint32_t tl);

/* Copies checked t from local sb + off of d's source memory to local db + off of its
 * destination, converting scalars; strings and lists go to memory d's realloc returns. */
static void xfer_mem(em_t *e, const swasm_cm_type_t *t, uint32_t off, uint32_t sb, uint32_t db,
                     const dir_t *d) {
  if (t->kind == SWASM_CM_RECORD || t->kind == SWASM_CM_TUPLE) {
    for (uint32_t i = 0; i < t->n; i++) {
      const swasm_cm_type_t *f = ad_field(t, i);
      off = ad_align_to(off, ad_align(f));
      xfer_mem(e, f, off, sb, db, d);
      off += ad_size(f);
    }
    return;
  }
  if (ad_is_variant(t)) {
    uint32_t ds = ad_disc_size(t), x = load32(e, sb, off, d->src, ds);
    uint32_t po = off + ad_payload_offset(t);
    lget(e, db);
    lget(e, x);
    memop(e, store_op(SWASM_I32, ds), 0, d->dst, off);
    for (uint32_t c = 0; c < ad_ncases(t); c++) {
      if (!ad_case(t, c)) continue;
      if_case(e, x, c);
      xfer_mem(e, ad_case(t, c), po, sb, db, d);
      op(e, OP_END);
    }
    return;
  }
  if (t->kind == SWASM_CM_STRING || t->kind == SWASM_CM_LIST) {
    uint32_t p = load32(e, sb, off, d->src, 4), len = load32(e, sb, off + 4, d->src, 4);
    uint32_t q = local(e, SWASM_I32);
    copy_seq(e, t, p, len, d, q);
    lget(e, db);
    lget(e, q);
    memop(e, OP_I32_STORE, 0, d->dst, off);
    lget(e, db);
    lget(e, len);
    memop(e, OP_I32_STORE, 0, d->dst, off + 4);
    return;
  }
  uint8_t ft = flat1(t);
  uint32_t size = ad_size(t), raw = local(e, ft);
  lget(e, sb);
  memop(e, load_op(ft, size), 0, d->src, off);
  lset(e, raw);
  lget(e, db);
  convert(e, t, raw);
  memop(e, store_op(ft, size), 0, d->dst, off);
}

/* Pushes the byte size of a list whose length is in local len. */
static void list_bytes(em_t *e, const swasm_cm_type_t *t, uint32_t len) {
  lget(e, len);
  if (elem_size(t) > 1) {
    i32c(e, elem_size(t));
    op(e, OP_I32_MUL);
  }
}

/* Copies the checked string or list at locals (p, len) of d's source memory into memory that
 * d's realloc returns (its pointer left in local tl): bytes as they are for strings and lists
 * of integers, element by element otherwise. */
static void copy_seq(em_t *e, const swasm_cm_type_t *t, uint32_t p, uint32_t len,
                     const dir_t *d, uint32_t tl) {
  bool str = t->kind == SWASM_CM_STRING;
  i32c(e, str ? 1 : ad_align(t->a));
  if (str) lget(e, len);
  else list_bytes(e, t, len);
  i32c(e, str ? SWASM_ADAPTER_FOR_STRING : SWASM_ADAPTER_FOR_LIST);
  call(e, d->realloc);
  lset(e, tl);
  if (str || plain_list(t)) {
    lget(e, tl);
    lget(e, p);
    if (str) lget(e, len);
    else list_bytes(e, t, len);
    memcopy(e, d->dst, d->src);
    return;
  }
  uint32_t i, sb = loop_open(e, p, len, elem_size(t), &i);
  uint32_t db = local(e, SWASM_I32);
  lget(e, tl);
  lget(e, i);
  i32c(e, elem_size(t));
  op(e, OP_I32_MUL);
  op(e, OP_I32_ADD);
  lset(e, db);
  xfer_mem(e, t->a, 0, sb, db, d);
  loop_close(e, i);
}

/* ---- arguments ------------------------------------------------------------------------------ */

static void check_arg(em_t *e, const swasm_cm_type_t *t, uint32_t *k);
static void push_arg(em_t *e, const swasm_cm_type_t *t, uint32_t *k);

/* The flat types of variant t (discriminant first) and of its case c. */
typedef struct vflat {
  uint8_t joined[AD_MAX_FLAT_PARAMS + 1], own[AD_MAX_FLAT_PARAMS + 1];
  uint32_t nj, no;
} vflat_t;

static void vflat(const swasm_cm_type_t *t, const swasm_cm_type_t *c, vflat_t *v) {
  v->nj = v->no = 0;
  ad_flatten(t, v->joined, &v->nj, AD_MAX_FLAT_PARAMS + 1);
  if (c) ad_flatten(c, v->own, &v->no, AD_MAX_FLAT_PARAMS + 1);
}

/* Consecutive locals holding case c's payload in its own flat types, read from the variant's
 * joined slots (locals from d + 1); returns the first. */
static uint32_t payload_locals(em_t *e, const vflat_t *v, uint32_t d) {
  uint32_t first = e->base + e->nl;
  for (uint32_t j = 0; j < v->no; j++) local(e, v->own[j]);
  for (uint32_t j = 0; j < v->no; j++) {
    lget(e, d + 1 + j);
    coerce_in(e, v->joined[1 + j], v->own[j]);
    lset(e, first + j);
  }
  return first;
}

static void check_variant(em_t *e, const swasm_cm_type_t *t, uint32_t *k) {
  uint32_t d = *k;
  vflat_t v;
  vflat(t, NULL, &v);
  check_disc(e, t, d);
  for (uint32_t c = 0; c < ad_ncases(t); c++) {
    const swasm_cm_type_t *p = ad_case(t, c);
    if (!p || !ad_has_checks(p)) continue;
    vflat(t, p, &v);
    if_case(e, d, c);
    uint32_t kk = payload_locals(e, &v, d);
    check_arg(e, p, &kk);
    op(e, OP_END);
  }
  *k += v.nj;
}

/* Pushes the variant at locals from *k: the discriminant, then the active case's payload as
 * lifting and lowering it leave it (strings and lists copied), other slots zero. */
static void push_variant(em_t *e, const swasm_cm_type_t *t, uint32_t *k) {
  uint32_t d = *k, out[AD_MAX_FLAT_PARAMS + 1];
  vflat_t v;
  vflat(t, NULL, &v);
  for (uint32_t j = 1; j < v.nj; j++) out[j] = local(e, v.joined[j]);
  for (uint32_t c = 0; c < ad_ncases(t); c++) {
    const swasm_cm_type_t *p = ad_case(t, c);
    if (!p) continue;
    vflat(t, p, &v);
    if (!v.no) continue;
    if_case(e, d, c);
    uint32_t kk = payload_locals(e, &v, d);
    push_arg(e, p, &kk);
    for (uint32_t j = v.no; j-- > 0;) {
      coerce_out(e, v.own[j], v.joined[1 + j]);
      lset(e, out[1 + j]);
    }
    op(e, OP_END);
  }
  lget(e, d);
  for (uint32_t j = 1; j < v.nj; j++) lget(e, out[j]);
  *k += v.nj;
}

static void check_arg(em_t *e, const swasm_cm_type_t *t, uint32_t *k) {
  if (ad_is_variant(t)) {
    check_variant(e, t, k);
    return;
  }
  switch (t->kind) {
  case SWASM_CM_RECORD: case SWASM_CM_TUPLE:
    for (uint32_t i = 0; i < t->n; i++) check_arg(e, ad_field(t, i), k);
    return;
  case SWASM_CM_CHAR: check_scalar(e, t, (*k)++); return;
  case SWASM_CM_STRING:
    fast_or(e, AD_F_STR_IN_FAST, AD_F_STR_IN, 2, *k, *k + 1);
    *k += 2;
    return;
  case SWASM_CM_LIST:
    check_seq(e, t, *k, *k + 1, &to_callee);
    *k += 2;
    return;
  default:
    (*k)++;
    return;
  }
}

static void push_arg(em_t *e, const swasm_cm_type_t *t, uint32_t *k) {
  if (ad_is_variant(t)) {
    push_variant(e, t, k);
    return;
  }
  switch (t->kind) {
  case SWASM_CM_RECORD: case SWASM_CM_TUPLE:
    for (uint32_t i = 0; i < t->n; i++) push_arg(e, ad_field(t, i), k);
    return;
  case SWASM_CM_STRING: case SWASM_CM_LIST: {
    uint32_t tl = local(e, SWASM_I32);
    copy_seq(e, t, *k, *k + 1, &to_callee, tl);
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
  fast_or(e, AD_F_LEAVE_FAST, AD_F_LEAVE, 0, 0, 0);
  lget(e, c);
}

static void carry_push(em_t *e, carry_t *v, uint32_t x) {
  if (v->n >= MAX_LOCALS) {
    e->ok = false;
    return;
  }
  v->loc[v->n++] = x;
}

static uint32_t carry_next(em_t *e, carry_t *v) {
  if (v->at >= v->n) {
    e->ok = false;
    return 0;
  }
  return v->loc[v->at++];
}

/* Reads t at p + off in the callee's memory into new locals (recorded in v), checking it as
 * lifting does: ranges and UTF-8 of strings and lists, chars, discriminants (then only the
 * active case's payload). */
static void lift_mem(em_t *e, carry_t *v, const swasm_cm_type_t *t, uint32_t off, uint32_t p) {
  if (t->kind == SWASM_CM_RECORD || t->kind == SWASM_CM_TUPLE) {
    for (uint32_t i = 0; i < t->n; i++) {
      const swasm_cm_type_t *f = ad_field(t, i);
      off = ad_align_to(off, ad_align(f));
      lift_mem(e, v, f, off, p);
      off += ad_size(f);
    }
    return;
  }
  if (ad_is_variant(t)) {
    uint32_t d = local(e, SWASM_I32), po = off + ad_payload_offset(t);
    carry_push(e, v, d);
    lget(e, p);
    memop(e, load_op(SWASM_I32, ad_disc_size(t)), 0, MEM_CALLEE, off);
    lset(e, d);
    check_disc(e, t, d);
    for (uint32_t c = 0; c < ad_ncases(t); c++) {
      if (!ad_case(t, c)) continue;
      if_case(e, d, c);
      lift_mem(e, v, ad_case(t, c), po, p);
      op(e, OP_END);
    }
    return;
  }
  if (t->kind == SWASM_CM_STRING || t->kind == SWASM_CM_LIST) {
    uint32_t x = local(e, SWASM_I32), y = local(e, SWASM_I32);
    carry_push(e, v, x);
    carry_push(e, v, y);
    lget(e, p);
    memop(e, OP_I32_LOAD, 0, MEM_CALLEE, off);
    lset(e, x);
    lget(e, p);
    memop(e, OP_I32_LOAD, 0, MEM_CALLEE, off + 4);
    lset(e, y);
    check_seq(e, t, x, y, &to_caller);
    return;
  }
  uint8_t ft = flat1(t);
  uint32_t raw = local(e, ft), x = local(e, ft);
  carry_push(e, v, x);
  lget(e, p);
  memop(e, load_op(ft, ad_size(t)), 0, MEM_CALLEE, off);
  lset(e, raw);
  check_scalar(e, t, raw);
  convert(e, t, raw);
  lset(e, x);
}

/* Writes what lift_mem read (the locals of v, in the same order) at rp + off in the caller's
 * memory; strings and lists are copied into memory the caller's realloc returns. */
static void lower_mem(em_t *e, carry_t *v, const swasm_cm_type_t *t, uint32_t off, uint32_t rp) {
  if (t->kind == SWASM_CM_RECORD || t->kind == SWASM_CM_TUPLE) {
    for (uint32_t i = 0; i < t->n; i++) {
      const swasm_cm_type_t *f = ad_field(t, i);
      off = ad_align_to(off, ad_align(f));
      lower_mem(e, v, f, off, rp);
      off += ad_size(f);
    }
    return;
  }
  if (ad_is_variant(t)) {
    uint32_t d = carry_next(e, v), po = off + ad_payload_offset(t);
    lget(e, rp);
    lget(e, d);
    memop(e, store_op(SWASM_I32, ad_disc_size(t)), 0, MEM_CALLER, off);
    for (uint32_t c = 0; c < ad_ncases(t); c++) {
      if (!ad_case(t, c)) continue;
      if_case(e, d, c);
      lower_mem(e, v, ad_case(t, c), po, rp);
      op(e, OP_END);
    }
    return;
  }
  if (t->kind == SWASM_CM_STRING || t->kind == SWASM_CM_LIST) {
    uint32_t x = carry_next(e, v), y = carry_next(e, v), tl = local(e, SWASM_I32);
    copy_seq(e, t, x, y, &to_caller, tl);
    lget(e, rp);
    lget(e, tl);
    memop(e, OP_I32_STORE, 0, MEM_CALLER, off);
    lget(e, rp);
    lget(e, y);
    memop(e, OP_I32_STORE, 0, MEM_CALLER, off + 4);
    return;
  }
  uint32_t x = carry_next(e, v);
  lget(e, rp);
  lget(e, x);
  memop(e, store_op(flat1(t), ad_size(t)), 0, MEM_CALLER, off);
}

/* A result returned through memory: checked and read from the callee's memory, written to the
 * caller's out-pointer rp. Without strings or lists the callee is left (post-return, leave)
 * before the caller's memory is touched, as the tree path does; with them the copies happen
 * first, since post-return may free what they copy. */
static void spilled_result(em_t *e, const swasm_cm_type_t *rt, bool post, uint32_t rp) {
  static carry_t zero;
  carry_t *v = malloc(sizeof *v);
  if (!v) {
    e->ok = false;
    return;
  }
  *v = zero;
  uint32_t p = local(e, SWASM_I32);
  lset(e, p);
  lget(e, p);
  i32c(e, ad_size(rt));
  i32c(e, ad_align(rt));
  call(e, AD_F_RANGE_CALLEE);
  lift_mem(e, v, rt, 0, p);
  bool mem = ad_has_memory(rt);
  for (int pass = 0; pass < 2; pass++) {
    if (pass == (mem ? 1 : 0)) {
      if (post) {
        lget(e, p);
        call(e, AD_F_POST);
      }
      fast_or(e, AD_F_LEAVE_FAST, AD_F_LEAVE, 0, 0, 0);
    } else {
      lget(e, rp);
      i32c(e, ad_size(rt));
      i32c(e, ad_align(rt));
      call(e, AD_F_RANGE_CALLER);
      lower_mem(e, v, rt, 0, rp);
    }
  }
  free(v);
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
  if (checks) fast_or(e, AD_F_CHECK_LEAVE_FAST, AD_F_CHECK_LEAVE, 0, 0, 0);
  uint32_t k = 0;
  for (uint32_t i = 0; i < ft->n; i++) check_arg(e, ft->fields[i].type, &k);
  fast_or(e, AD_F_ENTER_FAST, AD_F_ENTER, 0, 0, 0);
  k = 0;
  for (uint32_t i = 0; i < ft->n; i++) push_arg(e, ft->fields[i].type, &k);
  call(e, AD_F_CALLEE);
  uint32_t nr = ft->a ? nflat(ft->a) : 0;
  if (nr == 0) {
    if (post) call(e, AD_F_POST);
    fast_or(e, AD_F_LEAVE_FAST, AD_F_LEAVE, 0, 0, 0);
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

/* table.c - tables of references: creation, growth and the bulk table operations generated code
 * calls, with the spec's bounds checks (all checked before anything is written). */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

SWASM_API swasm_table_t *swasm_table_new(uint8_t elemtype, uint32_t min, uint32_t max,
                                         swasm_error_t *err) {
  if (elemtype != SWASM_T_FUNCREF && elemtype != SWASM_T_EXTERNREF) {
    rt_fail(err, "unsupported table element type 0x%02x", elemtype);
    return NULL;
  }
  if (min > max) {
    rt_fail(err, "size minimum must not be greater than maximum");
    return NULL;
  }
  if (min > RT_TABLE_LIMIT) {
    rt_fail(err, "table of %u elements exceeds the limit of %u", min, RT_TABLE_LIMIT);
    return NULL;
  }
  swasm_table_t *t = calloc(1, sizeof *t);
  if (!t) {
    rt_fail(err, "out of memory");
    return NULL;
  }
  /* Never a zero-sized allocation, so elems is always a real pointer. */
  t->elems = calloc(min ? min : 1, sizeof(void *));
  if (!t->elems) {
    free(t);
    rt_fail(err, "out of memory");
    return NULL;
  }
  t->size = min;
  t->max = max;
  t->has_max = max != UINT32_MAX;
  t->elemtype = elemtype;
  return t;
}

SWASM_API void swasm_table_free(swasm_table_t *t) {
  if (!t)
    return;
  free(t->elems);
  free(t);
}

int64_t rt_table_grow(swasm_table_t *t, uint64_t delta, void *init) {
  uint64_t old = t->size;
  if (delta > (uint64_t)t->max - old || old + delta > RT_TABLE_LIMIT)
    return -1;
  if (delta == 0)
    return (int64_t)old;
  void **e = realloc(t->elems, (size_t)(old + delta) * sizeof(void *));
  if (!e)
    return -1;
  for (uint64_t i = old; i < old + delta; i++)
    e[i] = init;
  t->elems = e;
  t->size = (uint32_t)(old + delta);
  return (int64_t)old;
}

/* True when [at, at + n) lies within size elements. */
static bool in_bounds(uint32_t at, uint32_t n, uint32_t size) {
  return at <= size && n <= size - at;
}

SWASM_API int32_t swasm_rt_table_grow(swasm_vmctx_t *ctx, uint32_t table, void *init,
                                      uint32_t delta) {
  return (int32_t)rt_table_grow(ctx->tables[table], delta, init);
}

SWASM_API void swasm_rt_table_fill(swasm_vmctx_t *ctx, uint32_t table, uint32_t dst, void *val,
                                   uint32_t n) {
  swasm_table_t *t = ctx->tables[table];
  if (!in_bounds(dst, n, t->size))
    rt_trap_at(SWASM_TRAP_TABLE_OOB, __builtin_return_address(0));
  for (uint32_t i = 0; i < n; i++)
    t->elems[dst + i] = val;
}

SWASM_API void swasm_rt_table_copy(swasm_vmctx_t *ctx, uint32_t dst_table, uint32_t src_table,
                                   uint32_t dst, uint32_t src, uint32_t n) {
  swasm_table_t *d = ctx->tables[dst_table], *s = ctx->tables[src_table];
  if (!in_bounds(dst, n, d->size) || !in_bounds(src, n, s->size))
    rt_trap_at(SWASM_TRAP_TABLE_OOB, __builtin_return_address(0));
  if (n)
    memmove(d->elems + dst, s->elems + src, (size_t)n * sizeof(void *));
}

SWASM_API void swasm_rt_table_init(swasm_vmctx_t *ctx, uint32_t table, uint32_t seg,
                                   uint32_t dst, uint32_t src, uint32_t n) {
  swasm_table_t *t = ctx->tables[table];
  const swasm_segment_t *s = &ctx->elems[seg];
  if (!in_bounds(src, n, s->size) || !in_bounds(dst, n, t->size))
    rt_trap_at(SWASM_TRAP_TABLE_OOB, __builtin_return_address(0));
  if (n)
    memcpy(t->elems + dst, (void *const *)s->data + src, (size_t)n * sizeof(void *));
}

SWASM_API void swasm_rt_elem_drop(swasm_vmctx_t *ctx, uint32_t seg) {
  ctx->elems[seg].size = 0;
}

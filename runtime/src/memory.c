/* memory.c - linear memories: reservations that never move, growth, the bulk memory operations,
 * and the registry the fault handler consults to tell an out-of-bounds access from a crash. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

#define GIB ((uint64_t)1 << 30)
#define PAGES32_MAX 65536u          /* 4 GiB: the most a 32-bit memory can have */

/* ---- registry of reservations ----
 * Slots live in chunks that are never freed, so the fault handler can walk them without a lock
 * while other threads add and remove memories. lo == 0 marks a free slot. */

#define SLOTS_PER_CHUNK 64

typedef struct reg_chunk {
  struct { _Atomic uintptr_t lo, hi; } slot[SLOTS_PER_CHUNK];
  struct reg_chunk *_Atomic next;
} reg_chunk_t;

static reg_chunk_t reg_first;
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;

static bool reg_add(uintptr_t lo, uintptr_t hi) {
  pthread_mutex_lock(&reg_lock);
  reg_chunk_t *c = &reg_first;
  for (;;) {
    for (int i = 0; i < SLOTS_PER_CHUNK; i++) {
      if (atomic_load(&c->slot[i].lo) == 0) {
        atomic_store(&c->slot[i].hi, hi);
        atomic_store(&c->slot[i].lo, lo);
        pthread_mutex_unlock(&reg_lock);
        return true;
      }
    }
    reg_chunk_t *next = atomic_load(&c->next);
    if (!next) {
      next = calloc(1, sizeof *next);
      if (!next) {
        pthread_mutex_unlock(&reg_lock);
        return false;
      }
      atomic_store(&c->next, next);
    }
    c = next;
  }
}

static void reg_remove(uintptr_t lo) {
  pthread_mutex_lock(&reg_lock);
  for (reg_chunk_t *c = &reg_first; c; c = atomic_load(&c->next)) {
    for (int i = 0; i < SLOTS_PER_CHUNK; i++) {
      if (atomic_load(&c->slot[i].lo) == lo) {
        atomic_store(&c->slot[i].lo, 0);
        atomic_store(&c->slot[i].hi, 0);
        pthread_mutex_unlock(&reg_lock);
        return;
      }
    }
  }
  pthread_mutex_unlock(&reg_lock);
}

bool rt_memory_owns(uintptr_t addr) {
  for (reg_chunk_t *c = &reg_first; c; c = atomic_load(&c->next)) {
    for (int i = 0; i < SLOTS_PER_CHUNK; i++) {
      uintptr_t lo = atomic_load(&c->slot[i].lo);
      if (lo && addr >= lo && addr < atomic_load(&c->slot[i].hi))
        return true;
    }
  }
  return false;
}

/* ---- memories ---- */

SWASM_API swasm_memory_t *swasm_memory_new(uint64_t min_pages, uint64_t max_pages, bool has_max,
                                           bool guarded, swasm_error_t *err) {
  if (!has_max)
    max_pages = PAGES32_MAX;
  if (min_pages > PAGES32_MAX || max_pages > PAGES32_MAX) {
    rt_fail(err, "memory size must be at most 65536 pages (4 GiB)");
    return NULL;
  }
  if (min_pages > max_pages) {
    rt_fail(err, "size minimum must not be greater than maximum");
    return NULL;
  }
  /* Guarded: any 32-bit address plus any 32-bit offset lands inside the reservation. Explicit
   * bounds: only what the memory may grow to, but at least a page so base is a real address. */
  uint64_t reserve = guarded ? 8 * GIB : max_pages * SWASM_PAGE_SIZE;
  if (reserve < os_page_size())
    reserve = os_page_size();
  swasm_memory_t *m = calloc(1, sizeof *m);
  if (!m) {
    rt_fail(err, "out of memory");
    return NULL;
  }
  m->base = os_reserve(reserve);
  if (!m->base) {
    free(m);
    rt_fail(err, "cannot reserve %llu bytes of address space for a memory",
            (unsigned long long)reserve);
    return NULL;
  }
  m->reserved = reserve;
  m->max_pages = max_pages;
  m->has_max = has_max;
  m->guarded = guarded;
  if (!os_commit(m->base, min_pages * SWASM_PAGE_SIZE) ||
      !reg_add((uintptr_t)m->base, (uintptr_t)m->base + reserve)) {
    os_release(m->base, reserve);
    free(m);
    rt_fail(err, "cannot allocate a memory of %llu pages", (unsigned long long)min_pages);
    return NULL;
  }
  m->size = min_pages * SWASM_PAGE_SIZE;
  return m;
}

SWASM_API void swasm_memory_free(swasm_memory_t *m) {
  if (!m)
    return;
  reg_remove((uintptr_t)m->base);
  os_release(m->base, m->reserved);
  free(m);
}

int64_t rt_memory_grow(swasm_memory_t *m, uint64_t delta_pages) {
  uint64_t old = m->size / SWASM_PAGE_SIZE;
  if (delta_pages == 0)
    return (int64_t)old;
  if (delta_pages > m->max_pages - old)
    return -1;
  uint64_t bytes = delta_pages * SWASM_PAGE_SIZE;
  if (m->size + bytes > m->reserved || !os_commit(m->base + m->size, bytes))
    return -1;
  m->size += bytes;
  return (int64_t)old;
}

/* ---- what generated code calls ---- */

/* True when [at, at + n) lies within size bytes. */
static bool in_bounds(uint64_t at, uint64_t n, uint64_t size) {
  return at <= size && n <= size - at;
}

SWASM_API int32_t swasm_rt_memory_grow(swasm_vmctx_t *ctx, uint32_t mem, uint32_t delta_pages) {
  return (int32_t)rt_memory_grow(ctx->memories[mem], delta_pages);
}

SWASM_API void swasm_rt_memory_fill(swasm_vmctx_t *ctx, uint32_t mem, uint64_t dst, uint32_t val,
                                    uint64_t n) {
  swasm_memory_t *m = ctx->memories[mem];
  if (!in_bounds(dst, n, m->size))
    rt_trap_at(SWASM_TRAP_MEMORY_OOB, __builtin_return_address(0));
  if (n)
    memset(m->base + dst, (int)(uint8_t)val, n);
}

SWASM_API void swasm_rt_memory_copy(swasm_vmctx_t *ctx, uint32_t dst_mem, uint32_t src_mem,
                                    uint64_t dst, uint64_t src, uint64_t n) {
  swasm_memory_t *d = ctx->memories[dst_mem], *s = ctx->memories[src_mem];
  if (!in_bounds(dst, n, d->size) || !in_bounds(src, n, s->size))
    rt_trap_at(SWASM_TRAP_MEMORY_OOB, __builtin_return_address(0));
  if (n)
    memmove(d->base + dst, s->base + src, n);
}

SWASM_API void swasm_rt_memory_init(swasm_vmctx_t *ctx, uint32_t mem, uint32_t seg,
                                    uint64_t dst, uint32_t src, uint32_t n) {
  swasm_memory_t *m = ctx->memories[mem];
  const swasm_segment_t *s = &ctx->datas[seg];
  if (!in_bounds(src, n, s->size) || !in_bounds(dst, n, m->size))
    rt_trap_at(SWASM_TRAP_MEMORY_OOB, __builtin_return_address(0));
  if (n)
    memcpy(m->base + dst, (const uint8_t *)s->data + src, n);
}

SWASM_API void swasm_rt_data_drop(swasm_vmctx_t *ctx, uint32_t seg) {
  ctx->datas[seg].size = 0;
}

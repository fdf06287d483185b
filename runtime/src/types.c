/* types.c - canonical function type ids: a process-wide, thread-safe interning of function types
 * by structure, so call_indirect and import linking compare types with one integer compare. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

typedef struct {
  uint64_t hash;
  uint32_t nparams, nresults;
  uint8_t *types;          /* owned copy, nparams + nresults bytes */
  uint32_t id;             /* 0: empty slot */
} type_entry_t;

static pthread_mutex_t types_lock = PTHREAD_MUTEX_INITIALIZER;
static type_entry_t *table;
static size_t cap, count;

static uint64_t type_hash(uint32_t np, uint32_t nr, const uint8_t *t) {
  uint64_t h = 1469598103934665603ull;   /* FNV-1a */
  uint32_t head[2] = { np, nr };
  const uint8_t *hb = (const uint8_t *)head;
  for (size_t i = 0; i < sizeof head; i++)
    h = (h ^ hb[i]) * 1099511628211ull;
  for (uint32_t i = 0; i < np + nr; i++)
    h = (h ^ t[i]) * 1099511628211ull;
  return h;
}

static bool same(const type_entry_t *e, uint64_t h, uint32_t np, uint32_t nr, const uint8_t *t) {
  return e->hash == h && e->nparams == np && e->nresults == nr &&
         (np + nr == 0 || memcmp(e->types, t, np + nr) == 0);
}

static bool grow_table(void) {
  size_t ncap = cap ? cap * 2 : 64;
  type_entry_t *n = calloc(ncap, sizeof *n);
  if (!n)
    return false;
  for (size_t i = 0; i < cap; i++) {
    if (!table[i].id)
      continue;
    size_t j = table[i].hash & (ncap - 1);
    while (n[j].id)
      j = (j + 1) & (ncap - 1);
    n[j] = table[i];
  }
  free(table);
  table = n;
  cap = ncap;
  return true;
}

SWASM_API uint32_t swasm_type_id(const swasm_desc_functype_t *type) {
  uint32_t np = type->nparams, nr = type->nresults;
  uint64_t h = type_hash(np, nr, type->types);
  uint32_t id = 0;
  pthread_mutex_lock(&types_lock);
  if ((count + 1) * 2 > cap && !grow_table())
    goto out;
  size_t j = h & (cap - 1);
  for (; table[j].id; j = (j + 1) & (cap - 1)) {
    if (same(&table[j], h, np, nr, type->types)) {
      id = table[j].id;
      goto out;
    }
  }
  uint8_t *copy = malloc(np + nr ? np + nr : 1);
  if (!copy)
    goto out;
  if (np + nr)
    memcpy(copy, type->types, np + nr);
  /* Ids start at 1: 0 never names a type, so it can mark "no function". */
  id = (uint32_t)++count;
  table[j] = (type_entry_t){ h, np, nr, copy, id };
out:
  pthread_mutex_unlock(&types_lock);
  return id;
}

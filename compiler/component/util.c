/* util.c - small containers for the component code: growable arrays and pointer-keyed hash
 * maps, both allocated in an arena (old storage is simply left behind when they grow). */
#include <string.h>

#include "cm.h"

void *cm_vec_push(swasm_arena_t *a, cm_vec_t *v, size_t size) {
  if (v->n == v->cap) {
    if (v->cap >= UINT32_MAX / 2) return NULL;
    uint32_t cap = v->cap ? v->cap * 2 : 8;
    if ((size_t)cap > SIZE_MAX / size) return NULL;
    void *data = ir_arena_alloc(a, (size_t)cap * size);
    if (!data) return NULL;
    if (v->n) memcpy(data, v->data, (size_t)v->n * size);
    v->data = data;
    v->cap = cap;
  }
  void *slot = (char *)v->data + (size_t)v->n * size;
  memset(slot, 0, size);
  v->n++;
  return slot;
}

static uint32_t hash_ptr(const void *p, uint32_t mask) {
  uint64_t x = (uint64_t)(uintptr_t)p;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return (uint32_t)x & mask;
}

static bool grow(swasm_arena_t *a, cm_map_t *m) {
  uint32_t cap = m->cap ? m->cap * 2 : 16;
  if (cap < m->cap) return false;
  const void **keys = ir_arena_alloc(a, (size_t)cap * sizeof *keys);
  const void **vals = ir_arena_alloc(a, (size_t)cap * sizeof *vals);
  if (!keys || !vals) return false;
  for (uint32_t i = 0; i < m->cap; i++) {
    if (!m->keys[i]) continue;
    uint32_t h = hash_ptr(m->keys[i], cap - 1);
    while (keys[h]) h = (h + 1) & (cap - 1);
    keys[h] = m->keys[i];
    vals[h] = m->vals[i];
  }
  m->keys = keys;
  m->vals = vals;
  m->cap = cap;
  return true;
}

bool cm_map_put(swasm_arena_t *a, cm_map_t *m, const void *key, const void *val) {
  if ((m->n + 1) * 2 > m->cap && !grow(a, m)) return false;
  uint32_t h = hash_ptr(key, m->cap - 1);
  while (m->keys[h] && m->keys[h] != key) h = (h + 1) & (m->cap - 1);
  if (!m->keys[h]) m->n++;
  m->keys[h] = key;
  m->vals[h] = val;
  return true;
}

const void *cm_map_get(const cm_map_t *m, const void *key) {
  if (!m->cap || !key) return NULL;
  uint32_t h = hash_ptr(key, m->cap - 1);
  while (m->keys[h]) {
    if (m->keys[h] == key) return m->vals[h];
    h = (h + 1) & (m->cap - 1);
  }
  return NULL;
}

/* ---- sets of strings and string pairs --------------------------------------------------- */

static uint32_t hash_pair(const char *a, const char *b) {
  uint32_t h = 2166136261u;
  for (const char *p = a ? a : ""; *p; p++) h = (h ^ (uint8_t)*p) * 16777619u;
  h = (h ^ 0xff) * 16777619u;
  for (const char *p = b; *p; p++) h = (h ^ (uint8_t)*p) * 16777619u;
  return h;
}

static bool pair_eq(const char *a1, const char *b1, const char *a2, const char *b2) {
  return strcmp(b1, b2) == 0 && ((!a1 && !a2) || (a1 && a2 && strcmp(a1, a2) == 0));
}

bool cm_strset_add(swasm_arena_t *ar, cm_strset_t *s, const char *a, const char *b, bool *dup) {
  *dup = false;
  if ((s->n + 1) * 2 > s->cap) {
    uint32_t cap = s->cap ? s->cap * 2 : 16;
    const char **na = ir_arena_alloc(ar, (size_t)cap * sizeof *na);
    const char **nb = ir_arena_alloc(ar, (size_t)cap * sizeof *nb);
    if (!na || !nb) return false;
    for (uint32_t i = 0; i < s->cap; i++) {
      if (!s->b[i]) continue;
      uint32_t h = hash_pair(s->a[i], s->b[i]) & (cap - 1);
      while (nb[h]) h = (h + 1) & (cap - 1);
      na[h] = s->a[i];
      nb[h] = s->b[i];
    }
    s->a = na;
    s->b = nb;
    s->cap = cap;
  }
  uint32_t h = hash_pair(a, b) & (s->cap - 1);
  while (s->b[h]) {
    if (pair_eq(s->a[h], s->b[h], a, b)) {
      *dup = true;
      return true;
    }
    h = (h + 1) & (s->cap - 1);
  }
  s->a[h] = a;
  s->b[h] = b;
  s->n++;
  return true;
}

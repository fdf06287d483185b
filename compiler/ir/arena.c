/* arena.c - the bump allocator that owns a decoded module's memory (and the decoder's and
 * validator's scratch memory): allocations are never freed one by one, only all at once. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ir.h"

enum { ARENA_ALIGN = 16, ARENA_BLOCK = 64 * 1024 };

typedef struct arena_block {
  struct arena_block *next;
  size_t size, used;            /* bytes of data[] */
  _Alignas(16) unsigned char data[];
} arena_block_t;

struct swasm_arena {
  arena_block_t *head;          /* the block allocations come from; older blocks follow */
  arena_block_t *first;         /* the oldest block: kept by ir_arena_reset */
};

static arena_block_t *block_new(size_t size) {
  if (size > SIZE_MAX - sizeof(arena_block_t)) return NULL;
  arena_block_t *b = malloc(sizeof *b + size);
  if (!b) return NULL;
  b->next = NULL;
  b->size = size;
  b->used = 0;
  return b;
}

swasm_arena_t *ir_arena_new(void) {
  swasm_arena_t *a = malloc(sizeof *a);
  if (!a) return NULL;
  a->first = a->head = block_new(ARENA_BLOCK - sizeof(arena_block_t));
  if (!a->head) {
    free(a);
    return NULL;
  }
  return a;
}

void *ir_arena_alloc(swasm_arena_t *a, size_t size) {
  if (size == 0) size = 1;
  if (size > SIZE_MAX - ARENA_ALIGN) return NULL;
  size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
  arena_block_t *b = a->head;
  if (b->size - b->used < size) {
    /* Large requests get a block of their own, placed behind the current head so the head's
     * free space is not abandoned. */
    bool big = size > ARENA_BLOCK / 4;
    arena_block_t *nb = block_new(big ? size : ARENA_BLOCK - sizeof(arena_block_t));
    if (!nb) return NULL;
    if (big) {
      nb->next = b->next;
      b->next = nb;
      nb->used = size;
      memset(nb->data, 0, size);
      return nb->data;
    }
    nb->next = b;
    a->head = b = nb;
  }
  void *p = b->data + b->used;
  b->used += size;
  memset(p, 0, size);
  return p;
}

char *ir_arena_strndup(swasm_arena_t *a, const char *s, size_t n) {
  if (n == SIZE_MAX) return NULL;
  char *p = ir_arena_alloc(a, n + 1);
  if (!p) return NULL;
  if (n) memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

void ir_arena_reset(swasm_arena_t *a) {
  arena_block_t *b = a->head;
  while (b) {
    arena_block_t *next = b->next;
    if (b != a->first) free(b);
    b = next;
  }
  a->head = a->first;
  a->first->next = NULL;
  a->first->used = 0;
}

void ir_arena_free(swasm_arena_t *a) {
  if (!a) return;
  arena_block_t *b = a->head;
  while (b) {
    arena_block_t *next = b->next;
    free(b);
    b = next;
  }
  free(a);
}

/* arena.c - the value arena of one call (every lifted string, list and payload lives in it and
 * goes at once), the notes it keeps on lifted strings, and trap reporting. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"

#define CHUNK_SIZE (64u * 1024u)
/* Most calls need a few hundred bytes. A first chunk this small (with its header, under the
 * 1,008 bytes from which glibc treats a request as large) comes from glibc's per-thread cache;
 * a larger one made glibc consolidate its free lists on every call, 37% of a host call through
 * the tree path. */
#define FIRST_CHUNK 960u
/* What one call's values may take: a hostile list length fails here, not in the OOM killer. */
#define ARENA_LIMIT ((size_t)1 << 30)

typedef struct chunk {
  struct chunk *next;
  size_t size, used;
  _Alignas(16) unsigned char data[];
} chunk_t;

typedef struct note {
  const char *ptr;
  uint32_t units;
  swasm_cm_strenc_t enc;
} note_t;

struct swasm_carena {
  chunk_t *chunks;
  size_t total;                 /* bytes of chunks allocated */
  note_t *notes;                /* open addressing on ptr; cap a power of two */
  uint32_t nnotes, capnotes;
};

swasm_carena_t *swasm_carena_new(void) { return calloc(1, sizeof(swasm_carena_t)); }

void *swasm_carena_alloc(swasm_carena_t *a, size_t size) {
  if (!a) return NULL;
  size = (size + 15) & ~(size_t)15;
  if (size == 0) size = 16;
  chunk_t *c = a->chunks;
  if (!c || c->size - c->used < size) {
    if (size > ARENA_LIMIT) return NULL;
    bool big = size > CHUNK_SIZE / 4;   /* a chunk of exactly its size */
    size_t cap = big ? size : !a->chunks && size <= FIRST_CHUNK ? FIRST_CHUNK : CHUNK_SIZE;
    if (a->total + cap > ARENA_LIMIT) return NULL;
    c = malloc(sizeof(chunk_t) + cap);
    if (!c) return NULL;
    a->total += cap;
    c->size = cap;
    c->used = 0;
    /* A big block gets a chunk of its own behind the current one, so the current chunk's free
     * space stays usable for the small allocations that follow. */
    if (big && cap != CHUNK_SIZE && a->chunks) {
      c->next = a->chunks->next;
      a->chunks->next = c;
    } else {
      c->next = a->chunks;
      a->chunks = c;
    }
  }
  void *p = c->data + c->used;
  c->used += size;
  memset(p, 0, size);
  return p;
}

void swasm_carena_free(swasm_carena_t *a) {
  if (!a) return;
  for (chunk_t *c = a->chunks, *n; c; c = n) {
    n = c->next;
    free(c);
  }
  free(a->notes);
  free(a);
}

static uint32_t slot_of(const char *p, uint32_t cap) {
  uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;
  return (uint32_t)(h >> 32) & (cap - 1);
}

static bool grow_notes(swasm_carena_t *a) {
  uint32_t cap = a->capnotes ? a->capnotes * 2 : 16;   /* 256 bytes: small for glibc, as above */
  note_t *n = calloc(cap, sizeof *n);
  if (!n) return false;
  for (uint32_t i = 0; i < a->capnotes; i++) {
    if (!a->notes[i].ptr) continue;
    uint32_t s = slot_of(a->notes[i].ptr, cap);
    while (n[s].ptr) s = (s + 1) & (cap - 1);
    n[s] = a->notes[i];
  }
  free(a->notes);
  a->notes = n;
  a->capnotes = cap;
  return true;
}

/* A note that cannot be stored only costs the exact realloc sizes of the spec's transcoders. */
void cn_note_string(swasm_carena_t *a, const char *ptr, swasm_cm_strenc_t enc, uint32_t units) {
  if (!a || !ptr) return;
  if ((a->nnotes + 1) * 2 > a->capnotes && !grow_notes(a)) return;
  uint32_t s = slot_of(ptr, a->capnotes);
  while (a->notes[s].ptr && a->notes[s].ptr != ptr) s = (s + 1) & (a->capnotes - 1);
  if (!a->notes[s].ptr) a->nnotes++;
  a->notes[s] = (note_t){.ptr = ptr, .units = units, .enc = enc};
}

bool cn_string_note(swasm_carena_t *a, const char *ptr, swasm_cm_strenc_t *enc,
                    uint32_t *units) {
  if (!a || !ptr || !a->capnotes) return false;
  uint32_t s = slot_of(ptr, a->capnotes);
  while (a->notes[s].ptr) {
    if (a->notes[s].ptr == ptr) {
      *enc = a->notes[s].enc;
      *units = a->notes[s].units;
      return true;
    }
    s = (s + 1) & (a->capnotes - 1);
  }
  return false;
}

static bool vtrap(swasm_error_t *err, const char *fmt, va_list ap) {
  if (!err) return false;
  memset(err, 0, sizeof *err);
  err->trap = SWASM_TRAP_HOST;
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  return false;
}

bool lk_trap(swasm_error_t *err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vtrap(err, fmt, ap);
  va_end(ap);
  return false;
}

bool cn_trap(cn_cx_t *cx, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vtrap(cx->err, fmt, ap);
  va_end(ap);
  return false;
}

/* test_canon.c - unit tests of the canonical ABI (linker/canon) on hand-built types, a host-made
 * memory and host functions standing in for core functions: layout and flattening, string
 * transcoding in every direction, load/store, handle tables and resource built-ins, the traps
 * and their wording, and calls through lk_call and lk_lower. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"

static int passed, failed, skipped;

#define CHECK(cond)                                                                 \
  do {                                                                              \
    if (cond) {                                                                     \
      passed++;                                                                     \
    } else {                                                                        \
      failed++;                                                                     \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);     \
    }                                                                               \
  } while (0)
#define EQ(a, b) CHECK((long long)(a) == (long long)(b))
#define HAS(msg, sub) CHECK(strstr((msg), (sub)) != NULL)

/* ---- types (their memory is freed at exit) ---- */

static void *allocs[512];
static int nallocs;

static void *talloc(size_t n, size_t size) {
  void *p = calloc(n, size);
  if (!p || nallocs == 512) abort();
  return allocs[nallocs++] = p;
}

static swasm_cm_type_t *ty(uint8_t kind) {
  swasm_cm_type_t *t = talloc(1, sizeof *t);
  t->kind = kind;
  return t;
}

static swasm_cm_type_t *fields(uint8_t kind, int n, ...) {
  swasm_cm_type_t *t = ty(kind);
  swasm_cm_tfield_t *f = talloc((size_t)n, sizeof *f);
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++) {
    f[i].name = "x";
    f[i].type = va_arg(ap, const swasm_cm_type_t *);
  }
  va_end(ap);
  t->n = (uint32_t)n;
  t->fields = f;
  return t;
}

static swasm_cm_type_t *labels(uint8_t kind, uint32_t n) {
  swasm_cm_type_t *t = ty(kind);
  t->n = n;
  t->fields = talloc(n, sizeof(swasm_cm_tfield_t));
  return t;
}

static swasm_cm_type_t *of(uint8_t kind, const swasm_cm_type_t *a, const swasm_cm_type_t *b) {
  swasm_cm_type_t *t = ty(kind);
  t->a = a;
  t->b = b;
  return t;
}

static swasm_cm_type_t *T_BOOL, *T_U8, *T_S8, *T_U16, *T_S16, *T_U32, *T_S32, *T_U64, *T_F32,
    *T_F64, *T_CHAR, *T_STRING;

static void init_types(void) {
  T_BOOL = ty(SWASM_CM_BOOL);
  T_U8 = ty(SWASM_CM_U8);
  T_S8 = ty(SWASM_CM_S8);
  T_U16 = ty(SWASM_CM_U16);
  T_S16 = ty(SWASM_CM_S16);
  T_U32 = ty(SWASM_CM_U32);
  T_S32 = ty(SWASM_CM_S32);
  T_U64 = ty(SWASM_CM_U64);
  T_F32 = ty(SWASM_CM_F32);
  T_F64 = ty(SWASM_CM_F64);
  T_CHAR = ty(SWASM_CM_CHAR);
  T_STRING = ty(SWASM_CM_STRING);
}

/* ---- a memory and its realloc ---- */

typedef struct heap {
  swasm_memory_t *m;
  uint32_t next;
  int fixed;              /* >= 0: realloc returns this */
  int calls;
  uint32_t log[16][4];
} heap_t;

static bool realloc_cb(void *env, swasm_instance_t *caller, swasm_val_t *a, swasm_error_t *err) {
  (void)caller;
  (void)err;
  heap_t *h = env;
  uint32_t old = (uint32_t)a[0].i32, osize = (uint32_t)a[1].i32, nsize = (uint32_t)a[3].i32;
  if (h->calls < 16)
    for (int i = 0; i < 4; i++) h->log[h->calls][i] = (uint32_t)a[i].i32;
  h->calls++;
  if (h->fixed != -1) {
    a[0].i32 = h->fixed;
    return true;
  }
  if (old && nsize <= osize) return true;           /* a[0] is old already */
  h->next = (h->next + 7) & ~7u;
  uint32_t r = h->next;
  h->next += nsize;
  if (old) memmove(h->m->base + r, h->m->base + old, osize);
  a[0].i32 = (int32_t)r;
  return true;
}

static const uint8_t T4I[5] = {SWASM_T_I32, SWASM_T_I32, SWASM_T_I32, SWASM_T_I32, SWASM_T_I32};

static swasm_host_func_t *host_fn(uint32_t np, uint32_t nr, swasm_host_cb cb, void *env) {
  swasm_desc_functype_t ft = {.nparams = np, .nresults = nr, .types = T4I};
  return swasm_host_func_new(&ft, cb, env);
}

typedef struct side {
  heap_t heap;
  swasm_host_func_t *rf;
  lk_instance_t inst;
  lk_opts_t opts;
} side_t;

static void side_init(side_t *s, swasm_cm_strenc_t enc) {
  swasm_error_t err;
  memset(s, 0, sizeof *s);
  s->heap.m = swasm_memory_new(2, 2, true, false, &err);
  s->heap.next = 1024;
  s->heap.fixed = -1;
  s->rf = host_fn(4, 1, realloc_cb, &s->heap);
  s->inst.may_leave = true;
  s->opts = (lk_opts_t){.inst = &s->inst, .memory = s->heap.m, .realloc = swasm_host_func_get(s->rf),
                        .has_realloc = true, .enc = enc};
}

static void side_free(side_t *s) {
  lk_table_free(&s->inst.handles);
  swasm_host_func_free(s->rf);
  swasm_memory_free(s->heap.m);
}

static cn_cx_t cx_of(side_t *s, swasm_carena_t *a, swasm_error_t *err, bool adapter) {
  memset(err, 0, sizeof *err);
  return (cn_cx_t){.opts = &s->opts, .arena = a, .err = err, .adapter = adapter};
}

static swasm_cval_t str(const char *s) {
  swasm_cval_t v;
  memset(&v, 0, sizeof v);
  v.u.str.ptr = s;
  v.u.str.len = strlen(s);
  return v;
}

static bool str_is(const swasm_cval_t *v, const char *s) {
  return v->u.str.len == strlen(s) && memcmp(v->u.str.ptr, s, v->u.str.len) == 0;
}

static uint32_t rd32(swasm_memory_t *m, uint32_t p) {
  uint32_t v;
  memcpy(&v, m->base + p, 4);
  return v;
}

static void wr32(swasm_memory_t *m, uint32_t p, uint32_t v) { memcpy(m->base + p, &v, 4); }

/* ---- layout and flattening ---- */

static void test_layout(void) {
  swasm_cm_type_t *rec = fields(SWASM_CM_RECORD, 3, T_U8, T_U32, T_U16);
  EQ(lk_size(rec), 12);
  EQ(lk_align(rec), 4);
  swasm_cm_type_t *opt64 = of(SWASM_CM_OPTION, T_U64, NULL);
  EQ(lk_size(opt64), 16);
  EQ(lk_align(opt64), 8);
  swasm_cm_type_t *res = of(SWASM_CM_RESULT, T_U8, T_STRING);
  EQ(lk_size(res), 12);
  EQ(lk_align(res), 4);
  swasm_cm_type_t *big_enum = labels(SWASM_CM_ENUM, 300);
  EQ(lk_size(big_enum), 2);
  EQ(lk_size(labels(SWASM_CM_ENUM, 3)), 1);
  EQ(lk_size(labels(SWASM_CM_FLAGS, 9)), 2);
  EQ(lk_size(labels(SWASM_CM_FLAGS, 17)), 4);
  EQ(lk_size(labels(SWASM_CM_FLAGS, 8)), 1);
  EQ(lk_size(fields(SWASM_CM_TUPLE, 2, T_U8, T_F64)), 16);
  EQ(lk_size(of(SWASM_CM_OPTION, T_U8, NULL)), 2);

  uint8_t f[20];
  /* variant joins: f32 with i32 is i32, anything else with a wider one is i64 */
  swasm_cm_type_t *v1 = fields(SWASM_CM_VARIANT, 2, T_F32, T_U32);
  EQ(cn_flatten(v1, f, 20), 2);
  EQ(f[1], SWASM_T_I32);
  swasm_cm_type_t *v2 = fields(SWASM_CM_VARIANT, 3, T_F32, T_U64, NULL);
  EQ(cn_flatten(v2, f, 20), 2);
  EQ(f[0], SWASM_T_I32);
  EQ(f[1], SWASM_T_I64);
  swasm_cm_type_t *v3 = fields(SWASM_CM_VARIANT, 2, fields(SWASM_CM_TUPLE, 2, T_U32, T_F32), T_F64);
  EQ(cn_flatten(v3, f, 20), 3);
  EQ(f[1], SWASM_T_I64);
  EQ(f[2], SWASM_T_F32);
  EQ(cn_flatten(of(SWASM_CM_OPTION, T_F64, NULL), f, 20), 2);
  EQ(f[1], SWASM_T_F64);
  EQ(cn_flatten(T_STRING, f, 20), 2);
  EQ(cn_flatten(labels(SWASM_CM_ENUM, 4), f, 20), 1);

  /* a fixed-size list is its elements in a row */
  swasm_cm_type_t *fl = of(SWASM_CM_FIXED_LIST, fields(SWASM_CM_TUPLE, 2, T_U8, T_U16), NULL);
  fl->length = 3;
  EQ(lk_size(fl), 12);
  EQ(lk_align(fl), 2);
  EQ(cn_flatten(fl, f, 20), 6);
  EQ(f[5], SWASM_T_I32);

  /* 17 flat params spill to one pointer; >1 flat results go through memory */
  swasm_cm_type_t *ft = ty(SWASM_CM_FUNCTYPE);
  swasm_cm_tfield_t *ps = talloc(17, sizeof *ps);
  for (int i = 0; i < 17; i++) ps[i].type = T_U32;
  ft->n = 17;
  ft->fields = ps;
  ft->a = fields(SWASM_CM_TUPLE, 2, T_U32, T_U32);
  swasm_desc_functype_t d;
  CHECK(lk_flatten_functype(ft, false, &d));
  EQ(d.nparams, 1);
  EQ(d.nresults, 1);
  free((void *)d.types);
  CHECK(lk_flatten_functype(ft, true, &d));
  EQ(d.nparams, 2);
  EQ(d.nresults, 0);
  free((void *)d.types);
  ft->n = 16;
  ft->a = T_F64;
  CHECK(lk_flatten_functype(ft, true, &d));
  EQ(d.nparams, 16);
  EQ(d.nresults, 1);
  EQ(d.types[16], SWASM_T_F64);
  free((void *)d.types);
}

/* ---- strings ---- */

static const char *SAMPLE = "h\xc3\xb6\xe2\x98\x83\xf0\x9f\x8d\xb0";   /* hö☃🍰 */

static void test_strings(void) {
  side_t s;
  swasm_error_t err;
  swasm_carena_t *a = swasm_carena_new();
  const swasm_cm_strenc_t encs[3] = {SWASM_CM_UTF8, SWASM_CM_UTF16, SWASM_CM_LATIN1_UTF16};
  const char *texts[5] = {"", "plain", SAMPLE, "caf\xc3\xa9 \xc3\xbf", "a\xf0\x9f\x98\x80z"};
  for (int e = 0; e < 3; e++) {
    side_init(&s, encs[e]);
    for (int k = 0; k < 5; k++) {
      cn_cx_t cx = cx_of(&s, a, &err, false);
      swasm_cval_t v = str(texts[k]), back;
      uint32_t ptr = 0, units = 0;
      CHECK(cn_lower_string(&cx, &v, &ptr, &units));
      memset(&back, 0, sizeof back);
      CHECK(cn_lift_string(&cx, ptr, units, &back));
      CHECK(str_is(&back, texts[k]));
    }
    side_free(&s);
  }

  /* exact encodings */
  side_init(&s, SWASM_CM_UTF16);
  cn_cx_t cx = cx_of(&s, a, &err, false);
  swasm_cval_t v = str(SAMPLE);
  uint32_t ptr, units;
  CHECK(cn_lower_string(&cx, &v, &ptr, &units));
  EQ(units, 5);
  static const uint8_t u16[10] = {0x68, 0, 0xf6, 0, 0x03, 0x26, 0x3c, 0xd8, 0x70, 0xdf};
  CHECK(memcmp(s.heap.m->base + ptr, u16, 10) == 0);
  /* utf8 -> utf16: worst case 2 * 10 bytes, then shrink to 10 */
  EQ(s.heap.calls, 2);
  EQ(s.heap.log[0][3], 20);
  EQ(s.heap.log[1][1], 20);
  EQ(s.heap.log[1][3], 10);
  side_free(&s);

  /* latin1+utf16: latin1 when it fits, utf16 (tagged) from the first wide character on */
  side_init(&s, SWASM_CM_LATIN1_UTF16);
  cx = cx_of(&s, a, &err, false);
  v = str("caf\xc3\xa9");
  CHECK(cn_lower_string(&cx, &v, &ptr, &units));
  EQ(units, 4);
  CHECK(memcmp(s.heap.m->base + ptr, "caf\xe9", 4) == 0);
  EQ(s.heap.calls, 2);      /* 5 bytes requested, shrunk to 4 */
  s.heap.calls = 0;
  v = str("\xc3\xa9\xe2\x98\x83");        /* é☃ */
  CHECK(cn_lower_string(&cx, &v, &ptr, &units));
  EQ(units, 2 | CN_UTF16_TAG);
  static const uint8_t w[4] = {0xe9, 0, 0x03, 0x26};
  CHECK(memcmp(s.heap.m->base + ptr, w, 4) == 0);
  EQ(s.heap.log[1][1], 5);
  EQ(s.heap.log[1][3], 10);
  side_free(&s);

  /* transcoding keeps the source's code units: utf16 -> utf8 asks 5, grows to 15, shrinks to 10 */
  side_t src, dst;
  side_init(&src, SWASM_CM_UTF16);
  side_init(&dst, SWASM_CM_UTF8);
  memcpy(src.heap.m->base + 64, u16, 10);
  cx = cx_of(&src, a, &err, true);
  swasm_cval_t lifted;
  CHECK(cn_lift_string(&cx, 64, 5, &lifted));
  CHECK(str_is(&lifted, SAMPLE));
  cx = cx_of(&dst, a, &err, true);
  CHECK(cn_lower_string(&cx, &lifted, &ptr, &units));
  EQ(units, 10);
  CHECK(memcmp(dst.heap.m->base + ptr, SAMPLE, 10) == 0);
  EQ(dst.heap.calls, 3);
  EQ(dst.heap.log[0][3], 5);
  EQ(dst.heap.log[1][3], 15);
  EQ(dst.heap.log[2][3], 10);
  side_free(&src);
  side_free(&dst);

  /* latin1 source into latin1+utf16 is a plain copy; utf16 source with only latin1 narrows */
  side_init(&src, SWASM_CM_LATIN1_UTF16);
  side_init(&dst, SWASM_CM_LATIN1_UTF16);
  memcpy(src.heap.m->base + 64, "\xe9t\xe9", 3);
  cx = cx_of(&src, a, &err, true);
  CHECK(cn_lift_string(&cx, 64, 3, &lifted));
  CHECK(str_is(&lifted, "\xc3\xa9t\xc3\xa9"));
  cx = cx_of(&dst, a, &err, true);
  CHECK(cn_lower_string(&cx, &lifted, &ptr, &units));
  EQ(units, 3);
  EQ(dst.heap.calls, 1);
  static const uint8_t w16[6] = {0xe9, 0, 't', 0, 0xe9, 0};
  memcpy(src.heap.m->base + 128, w16, 6);
  cx = cx_of(&src, a, &err, true);
  CHECK(cn_lift_string(&cx, 128, 3 | CN_UTF16_TAG, &lifted));
  cx = cx_of(&dst, a, &err, true);
  dst.heap.calls = 0;
  CHECK(cn_lower_string(&cx, &lifted, &ptr, &units));
  EQ(units, 3);
  CHECK(memcmp(dst.heap.m->base + ptr, "\xe9t\xe9", 3) == 0);
  EQ(dst.heap.calls, 2);
  EQ(dst.heap.log[1][2], 1);
  side_free(&src);
  side_free(&dst);

  /* a 1 MB string with non-ASCII text survives a utf8 -> utf16 -> utf8 trip */
  size_t big = 1 << 20;
  char *text = malloc(big + 1);
  for (size_t i = 0; i < big; i += 4) memcpy(text + i, i % 8 ? "abcd" : "\xe2\x98\x83x", 4);
  text[big] = 0;
  side_init(&src, SWASM_CM_UTF16);
  swasm_memory_free(src.heap.m);
  src.opts.memory = swasm_memory_new(64, 64, true, false, &err);
  src.heap.m = src.opts.memory;
  cx = cx_of(&src, a, &err, false);
  v = str(text);
  CHECK(cn_lower_string(&cx, &v, &ptr, &units));
  CHECK(cn_lift_string(&cx, ptr, units, &lifted));
  CHECK(str_is(&lifted, text));
  free(text);
  swasm_memory_free(src.opts.memory);
  src.heap.m = NULL;
  swasm_host_func_free(src.rf);
  swasm_carena_free(a);
}

/* Every pair of encodings, on pseudo-random text: stored in src's encoding, lifted, lowered into
 * dst's encoding (sized from src's code units), lifted again: the text survives. */
static void test_transcode_pairs(void) {
  static const char *pieces[] = {"a", "Z", " ", "\xc3\xa9", "\xc3\xbf", "\xc4\x80", "\xe2\x98\x83",
                                 "\xef\xbf\xbf", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", "\x7f"};
  const swasm_cm_strenc_t encs[3] = {SWASM_CM_UTF8, SWASM_CM_UTF16, SWASM_CM_LATIN1_UTF16};
  uint32_t seed = 12345;
  swasm_error_t err;
  int bad = 0;
  for (int round = 0; round < 60; round++) {
    char text[400];
    size_t n = 0;
    int len = round % 13 == 0 ? 0 : (int)(seed % 40);
    bool narrow = round % 3 == 0;     /* latin1-only text exercises the narrow paths */
    for (int i = 0; i < len; i++) {
      seed = seed * 1103515245u + 12345u;
      const char *p = pieces[(seed >> 16) % (narrow ? 5 : 11)];
      memcpy(text + n, p, strlen(p));
      n += strlen(p);
    }
    text[n] = 0;
    for (int e1 = 0; e1 < 3; e1++)
      for (int e2 = 0; e2 < 3; e2++) {
        side_t src, dst;
        side_init(&src, encs[e1]);
        side_init(&dst, encs[e2]);
        swasm_carena_t *a = swasm_carena_new();
        cn_cx_t cx = cx_of(&src, a, &err, true);
        swasm_cval_t v = str(text), l1, l2;
        uint32_t p, u, p2, u2;
        bool ok = cn_lower_string(&cx, &v, &p, &u) && cn_lift_string(&cx, p, u, &l1);
        cx = cx_of(&dst, a, &err, true);
        ok = ok && cn_lower_string(&cx, &l1, &p2, &u2) && cn_lift_string(&cx, p2, u2, &l2);
        if (!ok || !str_is(&l2, text)) {
          if (bad++ < 5) fprintf(stderr, "transcode %d->%d of %zu bytes: %s\n", e1, e2, n, err.message);
        }
        swasm_carena_free(a);
        side_free(&src);
        side_free(&dst);
      }
  }
  EQ(bad, 0);
}

/* ---- traps ---- */

static void test_traps(void) {
  side_t s;
  swasm_error_t err;
  swasm_carena_t *a = swasm_carena_new();
  side_init(&s, SWASM_CM_UTF8);
  swasm_memory_t *m = s.heap.m;
  swasm_cval_t v;
  cn_cx_t cx = cx_of(&s, a, &err, false);
  m->base[8] = 0xff;
  CHECK(!cn_lift_string(&cx, 8, 1, &v));
  HAS(err.message, "invalid utf-8");
  m->base[8] = 0xc3;
  CHECK(!cn_lift_string(&cx, 8, 1, &v));
  HAS(err.message, "incomplete utf-8 byte sequence");
  m->base[8] = 0xed;           /* a surrogate encoded in UTF-8 */
  m->base[9] = 0xa0;
  m->base[10] = 0x80;
  CHECK(!cn_lift_string(&cx, 8, 3, &v));
  HAS(err.message, "invalid utf-8");
  CHECK(!cn_lift_string(&cx, (uint32_t)m->size - 1, 2, &v));
  HAS(err.message, "string pointer/length out of bounds of memory");
  CHECK(!cn_lift_string(&cx, 0xdeadbeef, 0, &v));
  HAS(err.message, "string pointer/length out of bounds of memory");
  CHECK(cn_lift_string(&cx, (uint32_t)m->size, 0, &v));
  cx = cx_of(&s, a, &err, true);
  CHECK(!cn_lift_string(&cx, 0x80000000u, 1, &v));
  HAS(err.message, "string content out-of-bounds");

  s.opts.enc = SWASM_CM_LATIN1_UTF16;
  CHECK(!cn_lift_string(&cx, 1, 0, &v));
  HAS(err.message, "unaligned pointer");
  CHECK(!cn_lift_string(&cx, 1, CN_UTF16_TAG, &v));
  HAS(err.message, "unaligned pointer");
  s.opts.enc = SWASM_CM_UTF16;
  static const uint8_t lone[2] = {0x00, 0xdc};
  memcpy(m->base + 16, lone, 2);
  CHECK(!cn_lift_string(&cx, 16, 1, &v));
  HAS(err.message, "invalid utf-16");
  s.opts.enc = SWASM_CM_UTF8;

  /* chars, discriminants, lists */
  swasm_val_t fv[2];
  memset(fv, 0, sizeof fv);
  fv[0].i32 = 0xd800;
  cn_flat_t in = {.v = fv, .types = T4I, .n = 1};
  CHECK(!cn_lift_flat(&cx, &in, T_CHAR, &v));
  HAS(err.message, "invalid `char` bit pattern");
  fv[0].i32 = 0x110000;
  in.i = 0;
  CHECK(!cn_lift_flat(&cx, &in, T_CHAR, &v));
  HAS(err.message, "invalid `char` bit pattern");
  fv[0].i32 = 3;
  in.i = 0;
  CHECK(!cn_lift_flat(&cx, &in, labels(SWASM_CM_ENUM, 3), &v));
  HAS(err.message, "invalid variant discriminant");
  m->base[40] = 2;
  CHECK(!cn_load(&cx, 40, of(SWASM_CM_OPTION, T_U8, NULL), &v));
  HAS(err.message, "invalid variant discriminant");
  CHECK(!cn_lift_list(&cx, 2, 1, T_U32, &v));
  HAS(err.message, "unaligned pointer");
  CHECK(!cn_lift_list(&cx, 0xfffffff0u, 4, T_U32, &v));
  HAS(err.message, "list content out-of-bounds");

  /* realloc results: adapter and host wordings */
  swasm_cval_t items[2];
  memset(items, 0, sizeof items);
  swasm_cval_t list;
  memset(&list, 0, sizeof list);
  list.u.list.items = items;
  list.u.list.n = 2;
  uint32_t p, n;
  s.heap.fixed = -4;
  cx = cx_of(&s, a, &err, false);
  CHECK(!cn_lower_list(&cx, &list, T_U32, &p, &n));
  HAS(err.message, "realloc return: beyond end of memory");
  s.heap.fixed = 0x7fffffff;
  CHECK(!cn_lower_list(&cx, &list, T_U32, &p, &n));
  HAS(err.message, "realloc return: result not aligned");
  cx = cx_of(&s, a, &err, true);
  CHECK(!cn_lower_list(&cx, &list, T_U32, &p, &n));
  HAS(err.message, "wasm trap: unaligned pointer");
  s.heap.fixed = -4;
  list.u.list.n = 0;
  CHECK(!cn_lower_list(&cx, &list, T_U32, &p, &n));
  HAS(err.message, "wasm trap: list content out-of-bounds");
  s.heap.fixed = -1;

  /* bad UTF-8 from a host value */
  v = str("a\xff");
  CHECK(!cn_lower_string(&cx, &v, &p, &n));
  HAS(err.message, "invalid utf-8");
  side_free(&s);
  swasm_carena_free(a);
}

/* ---- load/store ---- */

static void test_load_store(void) {
  side_t s;
  swasm_error_t err;
  swasm_carena_t *a = swasm_carena_new();
  side_init(&s, SWASM_CM_UTF8);
  cn_cx_t cx = cx_of(&s, a, &err, false);
  /* record { u8, string, option<f64>, list<s16>, variant { none, char, u64 } } */
  swasm_cm_type_t *var = fields(SWASM_CM_VARIANT, 3, NULL, T_CHAR, T_U64);
  swasm_cm_type_t *rec = fields(SWASM_CM_RECORD, 6, T_U8, T_STRING, of(SWASM_CM_OPTION, T_F64, NULL),
                                of(SWASM_CM_LIST, T_S16, NULL), var, labels(SWASM_CM_FLAGS, 10));
  swasm_cval_t f[6], some, shorts[3], payload;
  memset(f, 0, sizeof f);
  f[0].u.u = 200;
  f[1] = str(SAMPLE);
  some.u.f64 = -2.5;
  f[2].u.var.index = 1;
  f[2].u.var.payload = &some;
  for (int i = 0; i < 3; i++) shorts[i].u.s = -1000 * i;
  f[3].u.list.items = shorts;
  f[3].u.list.n = 3;
  payload.u.u = 0x123456789abcull;
  f[4].u.var.index = 2;
  f[4].u.var.payload = &payload;
  f[5].u.flags = 0x201;
  swasm_cval_t r;
  memset(&r, 0, sizeof r);
  r.u.list.items = f;
  r.u.list.n = 6;
  uint32_t at = 256;
  CHECK(cn_store(&cx, &r, rec, at));
  EQ(s.heap.m->base[at], 200);
  swasm_cval_t back;
  CHECK(cn_load(&cx, at, rec, &back));
  swasm_cval_t *b = back.u.list.items;
  EQ(back.u.list.n, 6);
  EQ(b[0].u.u, 200);
  CHECK(str_is(&b[1], SAMPLE));
  EQ(b[2].u.var.index, 1);
  CHECK(b[2].u.var.payload && b[2].u.var.payload->u.f64 == -2.5);
  EQ(b[3].u.list.n, 3);
  EQ(b[3].u.list.items[2].u.s, -2000);
  EQ(b[4].u.var.index, 2);
  EQ(b[4].u.var.payload->u.u, 0x123456789abcull);
  EQ(b[5].u.flags, 0x201);

  /* flat round trip of the same record through its joined flat types is not possible (it has
   * 11 flat values); flat round trip of a variant with a joined payload is */
  swasm_cm_type_t *v2 = fields(SWASM_CM_VARIANT, 2, T_F32, T_U64);
  swasm_val_t vals[4];
  uint8_t types[4];
  EQ(cn_flatten(v2, types, 4), 2);
  swasm_cval_t x, fl;
  memset(&x, 0, sizeof x);
  fl.u.f32 = 1.5f;
  x.u.var.index = 0;
  x.u.var.payload = &fl;
  cn_flat_t out = {.v = vals, .types = types, .n = 2};
  CHECK(cn_lower_flat(&cx, &x, v2, &out));
  EQ(vals[1].i64, 0x3fc00000);
  cn_flat_t in = {.v = vals, .types = types, .n = 2};
  CHECK(cn_lift_flat(&cx, &in, v2, &back));
  CHECK(back.u.var.payload->u.f32 == 1.5f);

  /* narrow integers truncate, bools lift from any nonzero, flags drop unknown bits */
  memset(vals, 0, sizeof vals);
  vals[0].i32 = 0x1ff;
  in = (cn_flat_t){.v = vals, .types = types, .n = 1};
  CHECK(cn_lift_flat(&cx, &in, T_U8, &back));
  EQ(back.u.u, 0xff);
  in.i = 0;
  CHECK(cn_lift_flat(&cx, &in, T_S8, &back));
  EQ(back.u.s, -1);
  vals[0].i32 = 0x18000;
  in.i = 0;
  CHECK(cn_lift_flat(&cx, &in, T_S16, &back));
  EQ(back.u.s, -32768);
  vals[0].i32 = 2;
  in.i = 0;
  CHECK(cn_lift_flat(&cx, &in, T_BOOL, &back));
  CHECK(back.u.b);
  vals[0].i32 = (int32_t)0xffffff11;
  in.i = 0;
  CHECK(cn_lift_flat(&cx, &in, labels(SWASM_CM_FLAGS, 9), &back));
  EQ(back.u.flags, 0x111);

  /* a map is a list of key-value tuples */
  swasm_cm_type_t *map = of(SWASM_CM_MAP, T_STRING, T_U32);
  EQ(lk_size(map), 8);
  EQ(cn_flatten(map, types, 4), 2);
  swasm_cval_t kv[2][2], ents[2], mv;
  memset(kv, 0, sizeof kv);
  kv[0][0] = str("k");
  kv[0][1].u.u = 7;
  kv[1][0] = str("\xc3\xa9");
  kv[1][1].u.u = 9;
  for (int i = 0; i < 2; i++) {
    ents[i].u.list.items = kv[i];
    ents[i].u.list.n = 2;
  }
  mv.u.list.items = ents;
  mv.u.list.n = 2;
  CHECK(cn_store(&cx, &mv, map, 512));
  CHECK(cn_load(&cx, 512, map, &back));
  EQ(back.u.list.n, 2);
  CHECK(str_is(&back.u.list.items[1].u.list.items[0], "\xc3\xa9"));
  EQ(back.u.list.items[1].u.list.items[1].u.u, 9);

  /* a 100,000-element list of records */
  swasm_cm_type_t *pair = fields(SWASM_CM_TUPLE, 2, T_U32, T_U8);
  uint32_t nel = 100000;
  swasm_cval_t *els = calloc(nel, sizeof *els), *pf = calloc(2 * (size_t)nel, sizeof *pf);
  for (uint32_t i = 0; i < nel; i++) {
    pf[2 * i].u.u = i;
    pf[2 * i + 1].u.u = i & 0xff;
    els[i].u.list.items = &pf[2 * i];
    els[i].u.list.n = 2;
  }
  swasm_cval_t lst;
  lst.u.list.items = els;
  lst.u.list.n = nel;
  uint32_t p, n;
  side_t big;
  side_init(&big, SWASM_CM_UTF8);
  swasm_memory_free(big.heap.m);
  big.heap.m = big.opts.memory = swasm_memory_new(32, 32, true, false, &err);
  cx = cx_of(&big, a, &err, false);
  CHECK(cn_lower_list(&cx, &lst, pair, &p, &n));
  EQ(n, nel);
  CHECK(cn_lift_list(&cx, p, n, pair, &back));
  bool same = back.u.list.n == nel;
  for (uint32_t i = 0; same && i < nel; i++)
    same = back.u.list.items[i].u.list.items[0].u.u == i &&
           back.u.list.items[i].u.list.items[1].u.u == (i & 0xff);
  CHECK(same);
  free(els);
  free(pf);
  side_free(&big);
  side_free(&s);
  swasm_carena_free(a);
}

/* ---- handles ---- */

static int host_dtor_calls;
static void host_dtor(void *env, uint32_t rep) {
  (void)env;
  host_dtor_calls += (int)rep;
}

static uint32_t call1(swasm_host_func_t *f, uint32_t x, swasm_error_t *err, bool *ok) {
  swasm_func_t fn = swasm_host_func_get(f);
  swasm_val_t v[1];
  memset(v, 0, sizeof v);
  v[0].i32 = (int32_t)x;
  *ok = swasm_call(&fn, v, err);
  return (uint32_t)v[0].i32;
}

static void test_handles(void) {
  side_t s;
  swasm_error_t err;
  side_init(&s, SWASM_CM_UTF8);
  lk_rtype_t r1 = {.impl = &s.inst, .name = "r1"}, r2 = {.impl = &s.inst, .name = "r2"};
  swasm_host_func_t *nw = lk_resource_new(&s.inst, &r1), *rep = lk_resource_rep(&s.inst, &r1),
                    *drop = lk_resource_drop(&s.inst, &r1), *drop2 = lk_resource_drop(&s.inst, &r2);
  bool ok;
  EQ(call1(nw, 100, &err, &ok), 1);
  EQ(call1(nw, 200, &err, &ok), 2);
  EQ(call1(nw, 300, &err, &ok), 3);
  call1(drop, 2, &err, &ok);
  CHECK(ok);
  EQ(call1(nw, 400, &err, &ok), 2);
  EQ(call1(rep, 2, &err, &ok), 400);
  call1(drop, 1, &err, &ok);
  call1(drop, 2, &err, &ok);
  call1(drop, 3, &err, &ok);
  EQ(call1(nw, 500, &err, &ok), 3);
  EQ(call1(nw, 600, &err, &ok), 2);
  EQ(call1(nw, 700, &err, &ok), 1);
  EQ(call1(nw, 800, &err, &ok), 4);
  call1(drop, 5, &err, &ok);
  CHECK(!ok);
  HAS(err.message, "unknown handle index 5");
  call1(drop, 0, &err, &ok);
  HAS(err.message, "unknown handle index 0");
  call1(drop, 0xffffffffu, &err, &ok);
  HAS(err.message, "unknown handle index 4294967295");
  call1(drop2, 1, &err, &ok);
  CHECK(!ok);
  HAS(err.message, "handle index 1 used with the wrong type, expected guest-defined resource but "
                   "found a different guest-defined resource");
  s.inst.may_leave = false;
  call1(nw, 1, &err, &ok);
  CHECK(!ok);
  HAS(err.message, "cannot leave component instance");
  call1(rep, 1, &err, &ok);
  CHECK(ok);
  s.inst.may_leave = true;

  /* a host resource's destructor runs when a guest drops its last own handle */
  swasm_chost_resource_t hr = {.name = "stream", .dtor = host_dtor};
  lk_rtype_t hrt = {.impl = NULL, .host = &hr, .name = "stream"};
  swasm_host_func_t *hnew = lk_resource_new(&s.inst, &hrt), *hdrop = lk_resource_drop(&s.inst, &hrt);
  uint32_t h = call1(hnew, 7, &err, &ok);
  call1(hdrop, h, &err, &ok);
  CHECK(ok);
  EQ(host_dtor_calls, 7);

  /* lifting and lowering handles needs lk_rtype_of (the instance part) */
  swasm_cm_resource_t res = {.id = 1, .name = "r1", .defined = true};
  swasm_cm_type_t *rty = ty(SWASM_CM_RESOURCE);
  rty->resource = &res;
  const swasm_cm_resource_t *keys[1] = {&res};
  lk_rtype_t *vals[1] = {&r1};
  s.inst.rkeys = keys;
  s.inst.rvals = vals;
  s.inst.nres = s.inst.capres = 1;
  if (lk_rtype_of(&s.inst, &res) != &r1) {
    skipped++;
  } else {
    swasm_carena_t *a = swasm_carena_new();
    cn_cx_t cx = cx_of(&s, a, &err, true);
    swasm_cm_type_t *own = of(SWASM_CM_OWN, rty, NULL), *bor = of(SWASM_CM_BORROW, rty, NULL);
    uint32_t rp = 0, idx = 0;
    CHECK(cn_lift_borrow(&cx, 4, bor, &rp));
    EQ(rp, 800);
    CHECK(!cn_lift_own(&cx, 4, own, &rp));
    HAS(err.message, "cannot remove owned resource while borrowed");
    cn_release_lenders(cx.lenders);
    CHECK(cn_lift_own(&cx, 4, own, &rp));
    EQ(rp, 800);
    CHECK(cn_lower_own(&cx, 801, own, &idx));
    EQ(idx, 4);
    CHECK(cn_lower_borrow(&cx, 55, bor, &idx));     /* the implementation gets the rep */
    EQ(idx, 55);
    swasm_carena_free(a);
  }
  swasm_host_func_free(nw);
  swasm_host_func_free(rep);
  swasm_host_func_free(drop);
  swasm_host_func_free(drop2);
  swasm_host_func_free(hnew);
  swasm_host_func_free(hdrop);
  side_free(&s);
}

/* ---- calls ---- */

typedef struct callee {
  side_t side;
  int post_calls;
  uint32_t post_arg;
  bool trap;
} callee_t;

/* core (ptr1 len1 ptr2 len2) -> retptr: concatenates two utf8 strings */
static bool concat_core(void *env, swasm_instance_t *caller, swasm_val_t *a, swasm_error_t *err) {
  (void)caller;
  callee_t *c = env;
  if (c->trap) {
    memset(err, 0, sizeof *err);
    err->trap = SWASM_TRAP_UNREACHABLE;
    snprintf(err->message, sizeof err->message, "unreachable");
    return false;
  }
  swasm_memory_t *m = c->side.heap.m;
  uint32_t p1 = (uint32_t)a[0].i32, n1 = (uint32_t)a[1].i32, p2 = (uint32_t)a[2].i32,
           n2 = (uint32_t)a[3].i32;
  memmove(m->base + 4096, m->base + p1, n1);
  memmove(m->base + 4096 + n1, m->base + p2, n2);
  wr32(m, 16, 4096);
  wr32(m, 20, n1 + n2);
  a[0].i32 = 16;
  return true;
}

static bool post_core(void *env, swasm_instance_t *caller, swasm_val_t *a, swasm_error_t *err) {
  (void)caller;
  (void)err;
  callee_t *c = env;
  c->post_calls++;
  c->post_arg = (uint32_t)a[0].i32;
  return true;
}

static bool upper_host(void *env, const swasm_cval_t *args, swasm_cval_t *result,
                       swasm_carena_t *arena, swasm_error_t *err) {
  (void)env;
  (void)err;
  char *d = swasm_carena_alloc(arena, args[0].u.str.len + 1);
  for (size_t i = 0; i < args[0].u.str.len; i++) {
    char ch = args[0].u.str.ptr[i];
    d[i] = ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch;
  }
  result->u.str.ptr = d;
  result->u.str.len = args[0].u.str.len;
  return true;
}

static void test_calls(void) {
  swasm_error_t err;
  callee_t c;
  memset(&c, 0, sizeof c);
  side_init(&c.side, SWASM_CM_UTF8);
  swasm_cm_type_t *ft = fields(SWASM_CM_FUNCTYPE, 2, T_STRING, T_STRING);
  ft->a = T_STRING;
  swasm_desc_functype_t ct = {.nparams = 4, .nresults = 1, .types = T4I};
  swasm_host_func_t *core = swasm_host_func_new(&ct, concat_core, &c);
  swasm_host_func_t *post = host_fn(1, 0, post_core, &c);
  lk_func_t f = {.type = ft, .core = swasm_host_func_get(core), .opts = c.side.opts, .name = "concat"};
  CHECK(lk_check_lift(&f) == NULL);   /* as instantiating the lift does */
  f.opts.post_return = swasm_host_func_get(post);
  f.opts.has_post_return = true;

  swasm_carena_t *a = swasm_carena_new();
  swasm_cval_t args[2] = {str("foo"), str(SAMPLE)}, res;
  CHECK(lk_call(&f, args, &res, a, &err));
  CHECK(str_is(&res, "foo" "h\xc3\xb6\xe2\x98\x83\xf0\x9f\x8d\xb0"));
  EQ(c.post_calls, 1);
  EQ(c.post_arg, 16);
  CHECK(!c.side.inst.busy);

  /* a caller in latin1+utf16 reaches the utf8 callee through a canon lower */
  side_t caller;
  side_init(&caller, SWASM_CM_LATIN1_UTF16);
  lk_lowered_t lw;
  memset(&lw, 0, sizeof lw);
  lw.callee = &f;
  lw.opts = caller.opts;
  swasm_func_t lowered;
  CHECK(lk_lower(&lw, &lowered, &err));
  EQ(lw.core_type.nparams, 5);
  EQ(lw.core_type.nresults, 0);
  swasm_memory_t *m = caller.heap.m;
  memcpy(m->base + 64, "caf\xe9", 4);
  static const uint8_t snow[4] = {0x03, 0x26, 0x41, 0x00};    /* ☃A in utf16 */
  memcpy(m->base + 96, snow, 4);
  swasm_val_t v[5];
  memset(v, 0, sizeof v);
  v[0].i32 = 64;
  v[1].i32 = 4;
  v[2].i32 = 96;
  v[3].i32 = (int32_t)(2 | CN_UTF16_TAG);
  v[4].i32 = 200;
  CHECK(swasm_call(&lowered, v, &err));
  uint32_t rp = rd32(m, 200), ru = rd32(m, 204);
  EQ(ru, 6 | CN_UTF16_TAG);
  static const uint8_t want[12] = {'c', 0, 'a', 0, 'f', 0, 0xe9, 0, 0x03, 0x26, 'A', 0};
  CHECK(memcmp(m->base + rp, want, 12) == 0);
  EQ(c.post_calls, 2);

  /* a misaligned return pointer from the caller */
  v[0].i32 = 64;
  v[1].i32 = 4;
  v[2].i32 = 96;
  v[3].i32 = 0;
  v[4].i32 = 201;
  CHECK(!swasm_call(&lowered, v, &err));
  HAS(err.message, "unaligned pointer");
  /* calls out of an instance that may not leave trap before anything happens */
  caller.inst.may_leave = false;
  v[4].i32 = 200;
  CHECK(!swasm_call(&lowered, v, &err));
  HAS(err.message, "cannot leave component instance");
  caller.inst.may_leave = true;

  /* re-entry into a busy instance, then a trap poisons the callee */
  c.side.inst.busy = true;
  CHECK(!lk_call(&f, args, &res, a, &err));
  HAS(err.message, "cannot enter component instance");
  c.side.inst.busy = false;
  c.trap = true;
  CHECK(!lk_call(&f, args, &res, a, &err));
  HAS(err.message, "unreachable");
  CHECK(c.side.inst.poisoned);
  c.trap = false;
  CHECK(!lk_call(&f, args, &res, a, &err));
  HAS(err.message, "cannot enter component instance");
  lk_lowered_free(&lw);

  /* a host callee behind a canon lower: string -> string with a utf16 caller */
  swasm_cm_type_t *ht = fields(SWASM_CM_FUNCTYPE, 1, T_STRING);
  ht->a = T_STRING;
  lk_func_t hf = {.type = ht, .is_host = true, .host_fn = upper_host, .name = "upper"};
  side_t u16;
  side_init(&u16, SWASM_CM_UTF16);
  memset(&lw, 0, sizeof lw);
  lw.callee = &hf;
  lw.opts = u16.opts;
  CHECK(lk_lower(&lw, &lowered, &err));
  static const uint8_t in16[6] = {'a', 0, 0x03, 0x26, 'z', 0};
  memcpy(u16.heap.m->base + 64, in16, 6);
  memset(v, 0, sizeof v);
  v[0].i32 = 64;
  v[1].i32 = 3;
  v[2].i32 = 8;
  CHECK(swasm_call(&lowered, v, &err));
  EQ(rd32(u16.heap.m, 12), 3);
  static const uint8_t out16[6] = {'A', 0, 0x03, 0x26, 'Z', 0};
  CHECK(memcmp(u16.heap.m->base + rd32(u16.heap.m, 8), out16, 6) == 0);
  lk_lowered_free(&lw);
  side_free(&u16);

  swasm_carena_free(a);
  swasm_host_func_free(core);
  swasm_host_func_free(post);
  side_free(&caller);
  side_free(&c.side);
}

/* ---- spilled parameters ---- */

static bool sum17_core(void *env, swasm_instance_t *caller, swasm_val_t *a, swasm_error_t *err) {
  (void)caller;
  (void)err;
  side_t *s = env;
  uint32_t p = (uint32_t)a[0].i32, sum = 0;
  for (int i = 0; i < 17; i++) sum += rd32(s->heap.m, p + 4 * (uint32_t)i);
  a[0].i32 = (int32_t)sum;
  return true;
}

static void test_spill(void) {
  swasm_error_t err;
  side_t s;
  side_init(&s, SWASM_CM_UTF8);
  swasm_cm_type_t *ft = ty(SWASM_CM_FUNCTYPE);
  swasm_cm_tfield_t *ps = talloc(17, sizeof *ps);
  for (int i = 0; i < 17; i++) ps[i].type = T_U32;
  ft->n = 17;
  ft->fields = ps;
  ft->a = T_U32;
  swasm_host_func_t *core = host_fn(1, 1, sum17_core, &s);
  lk_func_t f = {.type = ft, .core = swasm_host_func_get(core), .opts = s.opts};
  CHECK(lk_check_lift(&f) == NULL);   /* as instantiating the lift does */
  swasm_cval_t args[17], res;
  memset(args, 0, sizeof args);
  for (int i = 0; i < 17; i++) args[i].u.u = (uint64_t)i + 1;
  swasm_carena_t *a = swasm_carena_new();
  CHECK(lk_call(&f, args, &res, a, &err));
  EQ(res.u.u, 153);
  EQ(s.heap.log[0][2], 4);
  EQ(s.heap.log[0][3], 68);
  s.heap.fixed = 2;
  CHECK(!lk_call(&f, args, &res, a, &err));
  HAS(err.message, "realloc return: result not aligned");
  swasm_carena_free(a);
  swasm_host_func_free(core);
  side_free(&s);
}

/* ---- other built-ins and async lifts ---- */

typedef struct asyncc {
  side_t side;
  swasm_host_func_t *ret;       /* task.return */
} asyncc_t;

/* core () -> (): returns the variant (case f32 1.5) through task.return as (i32, i64) */
static bool async_core(void *env, swasm_instance_t *caller, swasm_val_t *a, swasm_error_t *err) {
  (void)caller;
  (void)a;
  asyncc_t *c = env;
  swasm_func_t r = swasm_host_func_get(c->ret);
  swasm_val_t v[2];
  memset(v, 0, sizeof v);
  v[1].i64 = (int64_t)0xffffffff3fc00000ull;
  return swasm_call(&r, v, err);
}

static void test_builtins(void) {
  swasm_error_t err;
  side_t s;
  side_init(&s, SWASM_CM_UTF8);
  swasm_cm_canon_t cn;
  memset(&cn, 0, sizeof cn);
  cn.kind = SWASM_CANON_CONTEXT_SET;
  swasm_host_func_t *set = lk_builtin(&s.inst, &cn, NULL, NULL, &err);
  cn.kind = SWASM_CANON_CONTEXT_GET;
  swasm_host_func_t *get = lk_builtin(&s.inst, &cn, NULL, NULL, &err);
  cn.kind = SWASM_CANON_WAITABLE_SET_WAIT;
  swasm_host_func_t *wait = lk_builtin(&s.inst, &cn, NULL, NULL, &err);
  CHECK(set && get && wait);
  bool ok;
  call1(set, 42, &err, &ok);
  CHECK(ok);
  EQ(call1(get, 0, &err, &ok), 42);
  swasm_func_t w = swasm_host_func_get(wait);
  EQ(w.type->nparams, 2);
  EQ(w.type->nresults, 1);
  swasm_val_t v[2];
  memset(v, 0, sizeof v);
  CHECK(!swasm_call(&w, v, &err));
  HAS(err.message, "not supported");
  s.inst.may_leave = false;
  CHECK(!swasm_call(&w, v, &err));
  HAS(err.message, "cannot leave component instance");
  s.inst.may_leave = true;
  cn.kind = SWASM_CANON_LIFT;
  CHECK(lk_builtin(&s.inst, &cn, NULL, NULL, &err) == NULL);

  /* an async lift hands its result to task.return; an async lower reports RETURNED */
  asyncc_t c;
  memset(&c, 0, sizeof c);
  side_init(&c.side, SWASM_CM_UTF8);
  swasm_cm_type_t *mix = fields(SWASM_CM_VARIANT, 2, T_F32, T_U64);
  cn.kind = SWASM_CANON_TASK_RETURN;
  c.ret = lk_builtin(&c.side.inst, &cn, &c.side.opts, mix, &err);
  CHECK(c.ret != NULL);
  swasm_cm_type_t *ft = ty(SWASM_CM_FUNCTYPE);
  ft->a = mix;
  ft->async = true;
  swasm_desc_functype_t none = {.nparams = 0, .nresults = 0, .types = T4I};
  swasm_host_func_t *core = swasm_host_func_new(&none, async_core, &c);
  lk_func_t f = {.type = ft, .core = swasm_host_func_get(core), .opts = c.side.opts};
  f.opts.async = true;
  CHECK(lk_check_lift(&f) == NULL);   /* as instantiating the lift does */
  swasm_carena_t *a = swasm_carena_new();
  swasm_cval_t res;
  CHECK(lk_call(&f, NULL, &res, a, &err));
  EQ(res.u.var.index, 0);
  CHECK(res.u.var.payload && res.u.var.payload->u.f32 == 1.5f);
  lk_lowered_t lw;
  memset(&lw, 0, sizeof lw);
  lw.callee = &f;
  lw.opts = s.opts;
  lw.opts.async = true;
  swasm_func_t lowered;
  CHECK(lk_lower(&lw, &lowered, &err));
  EQ(lw.core_type.nparams, 1);
  EQ(lw.core_type.nresults, 1);
  memset(v, 0, sizeof v);
  v[0].i32 = 16;
  CHECK(swasm_call(&lowered, v, &err));
  EQ(v[0].i32, 2);
  EQ(s.heap.m->base[16], 0);
  EQ(rd32(s.heap.m, 24), 0x3fc00000);
  lk_lowered_free(&lw);
  swasm_carena_free(a);
  swasm_host_func_free(core);
  swasm_host_func_free(c.ret);
  side_free(&c.side);
  swasm_host_func_free(set);
  swasm_host_func_free(get);
  swasm_host_func_free(wait);
  side_free(&s);
}

/* ---- borrow scopes ---- */

typedef struct borrower {
  swasm_host_func_t *drop;
  bool drop_it;
  uint32_t got;
} borrower_t;

static bool borrow_core(void *env, swasm_instance_t *caller, swasm_val_t *a, swasm_error_t *err) {
  (void)caller;
  borrower_t *b = env;
  b->got = (uint32_t)a[0].i32;
  if (!b->drop_it) return true;
  swasm_func_t d = swasm_host_func_get(b->drop);
  return swasm_call(&d, a, err);
}

static void test_borrow_scope(void) {
  swasm_error_t err;
  side_t s;
  side_init(&s, SWASM_CM_UTF8);
  swasm_chost_resource_t hr = {.name = "stream"};
  lk_rtype_t rt = {.host = &hr, .name = "stream"};
  swasm_cm_resource_t res = {.id = 9, .name = "stream"};
  swasm_cm_type_t *rty = ty(SWASM_CM_RESOURCE);
  rty->resource = &res;
  const swasm_cm_resource_t *keys[1] = {&res};
  lk_rtype_t *vals[1] = {&rt};
  s.inst.rkeys = keys;
  s.inst.rvals = vals;
  s.inst.nres = s.inst.capres = 1;
  if (lk_rtype_of(&s.inst, &res) != &rt) {
    skipped++;
    side_free(&s);
    return;
  }
  borrower_t b = {.drop = lk_resource_drop(&s.inst, &rt)};
  swasm_cm_type_t *ft = fields(SWASM_CM_FUNCTYPE, 1, of(SWASM_CM_BORROW, rty, NULL));
  swasm_host_func_t *core = host_fn(1, 0, borrow_core, &b);
  lk_func_t f = {.type = ft, .core = swasm_host_func_get(core), .opts = s.opts};
  CHECK(lk_check_lift(&f) == NULL);   /* as instantiating the lift does */
  swasm_cval_t arg, res_v;
  memset(&arg, 0, sizeof arg);
  arg.u.handle = 77;
  swasm_carena_t *a = swasm_carena_new();
  b.drop_it = true;
  CHECK(lk_call(&f, &arg, &res_v, a, &err));
  EQ(b.got, 1);                        /* a borrow handle in the callee's table */
  EQ(s.inst.borrows_in_call, 0);
  b.drop_it = false;
  CHECK(!lk_call(&f, &arg, &res_v, a, &err));
  HAS(err.message, "borrow handles still remain at the end of the call");
  CHECK(s.inst.poisoned);
  swasm_carena_free(a);
  swasm_host_func_free(core);
  swasm_host_func_free(b.drop);
  side_free(&s);
}

int main(void) {
  swasm_error_t err;
  if (!swasm_rt_init(&err)) {
    fprintf(stderr, "runtime init: %s\n", err.message);
    return 1;
  }
  init_types();
  test_layout();
  test_strings();
  test_transcode_pairs();
  test_traps();
  test_load_store();
  test_handles();
  test_calls();
  test_spill();
  test_builtins();
  test_borrow_scope();
  for (int i = 0; i < nallocs; i++) free(allocs[i]);
  printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed ? 1 : 0;
}

/* exports.c - the core module of the exports components (world.wit, api.wit), with its
 * canonical-ABI exports written by hand: parameters arrive flattened (or spilled to memory past
 * 16 flat values), results of more than one flat value are returned through a static return
 * area, and every cabi_post_* frees what the call allocated. No WASI imports: the component
 * needs no host, only the canonical ABI's resource built-ins. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define CTR "swasm:compare/counters@0.1.0"
/* Built with -DAPI, the functions are those of the exported interface api (api.wit) instead of
 * the world's own (world.wit). */
#ifdef API
#define FN(name) "swasm:compare/api@0.1.0#" name
#else
#define FN(name) name
#endif

typedef struct { char *ptr; uint32_t len; } str_t;

static uint8_t ret_area[64] __attribute__((aligned(8)));

/* Memory the current call returns; freed by the post-return function. */
static void **kept;
static size_t nkept, capkept;

static void *keep(void *p) {
  if (nkept == capkept) {
    capkept = capkept ? capkept * 2 : 64;
    kept = realloc(kept, capkept * sizeof *kept);
    if (!kept) abort();
  }
  kept[nkept++] = p;
  return p;
}

static void release(void) {
  for (size_t i = 0; i < nkept; i++) free(kept[i]);
  nkept = 0;
}

/* Keeps an argument buffer the host allocated, unless it is empty (then it is a fake pointer). */
static void *keep_arg(void *p, uint32_t n) {
  if (n) keep(p);
  return p;
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) abort();
  return p;
}

EXPORT("cabi_realloc")
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size) {
  (void)old_size;
  if (new_size == 0) return (void *)align;
  void *p = realloc(old, new_size);
  if (!p) abort();
  return p;
}

/* Frees an argument buffer the host allocated with cabi_realloc (size 0 gives a fake pointer). */
static void drop_arg(void *p, uint32_t len) {
  if (len) free(p);
}

static void put32(uint32_t off, uint32_t v) { memcpy(ret_area + off, &v, 4); }
static void put64(uint32_t off, uint64_t v) { memcpy(ret_area + off, &v, 8); }
static void putstr(uint32_t off, char *p, uint32_t len) {
  put32(off, (uint32_t)(uintptr_t)p);
  put32(off + 4, len);
}

/* A fresh copy of s (kept for the post-return). */
static char *dup_kept(const char *s, uint32_t len) {
  char *d = keep(xmalloc(len));
  memcpy(d, s, len);
  return d;
}

static uint32_t utf8_decode(const uint8_t *s, uint32_t len, uint32_t *i) {
  uint32_t c = s[*i], n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
  if (*i + n > len) n = len - *i;
  uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;
  for (uint32_t k = 1; k < n; k++) cp = cp << 6 | (s[*i + k] & 0x3f);
  *i += n;
  return cp;
}

static uint32_t utf8_encode(uint32_t cp, char *out) {
  if (cp < 0x80) { out[0] = (char)cp; return 1; }
  if (cp < 0x800) {
    out[0] = (char)(0xc0 | cp >> 6); out[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xe0 | cp >> 12); out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  out[0] = (char)(0xf0 | cp >> 18); out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
  out[2] = (char)(0x80 | (cp >> 6 & 0x3f)); out[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

/* Writes v in decimal to o; returns the length. */
static uint32_t dec(char *o, int64_t v) {
  char buf[24];
  uint32_t k = 0, n = 0;
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  if (v < 0) o[n++] = '-';
  do { buf[k++] = (char)('0' + u % 10); u /= 10; } while (u);
  while (k) o[n++] = buf[--k];
  return n;
}

/* ---- strings ---- */

EXPORT(FN("echo-string"))
uint8_t *echo_string(char *s, uint32_t len) {
  putstr(0, keep_arg(s, len), len);
  return ret_area;
}

EXPORT(FN("string-stats"))
uint8_t *string_stats(char *s, uint32_t len) {
  uint64_t h = 1469598103934665603ull;
  uint32_t cps = 0;
  for (uint32_t i = 0; i < len; i++) h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
  for (uint32_t i = 0; i < len; cps++) utf8_decode((uint8_t *)s, len, &i);
  drop_arg(s, len);
  put32(0, len);
  put32(4, cps);
  put64(8, h);
  return ret_area;
}

EXPORT(FN("reverse-string"))
uint8_t *reverse_string(char *s, uint32_t len) {
  char *out = keep(xmalloc(len));
  uint32_t i = 0, o = len;
  while (i < len) {
    uint32_t start = i;
    utf8_decode((uint8_t *)s, len, &i);
    o -= i - start;
    memcpy(out + o, s + start, i - start);
  }
  drop_arg(s, len);
  putstr(0, out, len);
  return ret_area;
}

EXPORT(FN("repeat"))
uint8_t *repeat(char *s, uint32_t len, uint32_t n) {
  uint64_t total = (uint64_t)len * n;
  if (total > 64u << 20) abort();
  char *out = keep(xmalloc((size_t)total));
  for (uint32_t k = 0; k < n; k++) memcpy(out + (size_t)k * len, s, len);
  drop_arg(s, len);
  putstr(0, out, (uint32_t)total);
  return ret_area;
}

/* ---- lists ---- */

EXPORT(FN("echo-bytes"))
uint8_t *echo_bytes(uint8_t *b, uint32_t n) {
  putstr(0, keep_arg(b, n), n);
  return ret_area;
}

EXPORT(FN("bytes-of"))
uint8_t *bytes_of(uint32_t n) {
  uint8_t *b = keep(xmalloc(n));
  for (uint32_t i = 0; i < n; i++) b[i] = (uint8_t)(i * 7 + (i >> 8));
  putstr(0, (char *)b, n);
  return ret_area;
}

EXPORT(FN("range"))
uint8_t *range(uint32_t n) {
  uint32_t *l = keep(xmalloc((size_t)n * 4));
  for (uint32_t i = 0; i < n; i++) l[i] = i * 3 + 1;
  putstr(0, (char *)l, n);
  return ret_area;
}

EXPORT(FN("list-stats"))
uint8_t *list_stats(uint32_t *l, uint32_t n) {
  uint64_t sum = 0;
  for (uint32_t i = 0; i < n; i++) sum += l[i];
  drop_arg(l, n);
  put32(0, n);
  put64(8, sum);
  return ret_area;
}

EXPORT(FN("echo-u32s"))
uint8_t *echo_u32s(uint32_t *l, uint32_t n) {
  putstr(0, keep_arg(l, n), n);
  return ret_area;
}

EXPORT(FN("join"))
uint8_t *join(str_t *l, uint32_t n, char *sep, uint32_t seplen) {
  size_t total = 0;
  for (uint32_t i = 0; i < n; i++) total += l[i].len + (i ? seplen : 0);
  char *out = keep(xmalloc(total)), *o = out;
  for (uint32_t i = 0; i < n; i++) {
    if (i) { memcpy(o, sep, seplen); o += seplen; }
    memcpy(o, l[i].ptr, l[i].len);
    o += l[i].len;
    drop_arg(l[i].ptr, l[i].len);
  }
  drop_arg(l, n);
  drop_arg(sep, seplen);
  putstr(0, out, (uint32_t)total);
  return ret_area;
}

EXPORT(FN("split"))
uint8_t *split(char *s, uint32_t len, uint32_t sep) {
  char enc[4];
  uint32_t el = utf8_encode(sep, enc), n = 1;
  for (uint32_t i = 0; i + el <= len; i++)
    if (!memcmp(s + i, enc, el)) { n++; i += el - 1; }
  str_t *l = keep(xmalloc(n * sizeof *l));
  uint32_t k = 0, start = 0;
  for (uint32_t i = 0; i + el <= len; i++)
    if (!memcmp(s + i, enc, el)) {
      l[k].ptr = dup_kept(s + start, i - start);
      l[k++].len = i - start;
      start = i + el;
      i += el - 1;
    }
  l[k].ptr = dup_kept(s + start, len - start);
  l[k].len = len - start;
  drop_arg(s, len);
  putstr(0, (char *)l, n);
  return ret_area;
}

EXPORT(FN("many-strings"))
uint8_t *many_strings(uint32_t n) {
  str_t *l = keep(xmalloc((size_t)n * sizeof *l));
  for (uint32_t i = 0; i < n; i++) {
    char buf[16];
    uint32_t k = 0, v = i;
    do { buf[k++] = (char)('0' + v % 10); v /= 10; } while (v);
    char *s = keep(xmalloc(k + 3));
    s[0] = 's';
    for (uint32_t j = 0; j < k; j++) s[1 + j] = buf[k - 1 - j];
    memcpy(s + 1 + k, "\xc3\xa9", 2);
    l[i].ptr = s;
    l[i].len = k + 3;
  }
  putstr(0, (char *)l, n);
  return ret_area;
}

EXPORT(FN("chars"))
uint8_t *chars(char *s, uint32_t len) {
  uint32_t *l = keep(xmalloc((size_t)len * 4)), n = 0;
  for (uint32_t i = 0; i < len;) l[n++] = utf8_decode((uint8_t *)s, len, &i);
  drop_arg(s, len);
  putstr(0, (char *)l, n);
  return ret_area;
}

/* ---- lists of compound elements: padding and alignment inside elements ---- */

/* list<tuple<u8, u64>>: 16-byte elements, the u64 at offset 8. */
EXPORT(FN("zip-pairs"))
uint8_t *zip_pairs(uint8_t *a, uint32_t na, uint64_t *b, uint32_t nb) {
  uint32_t n = na < nb ? na : nb;
  uint8_t *out = keep(xmalloc((size_t)n * 16));
  memset(out, 0, (size_t)n * 16);
  for (uint32_t i = 0; i < n; i++) {
    out[16 * i] = a[i];
    memcpy(out + 16 * i + 8, &b[i], 8);
  }
  drop_arg(a, na);
  drop_arg(b, nb);
  putstr(0, (char *)out, n);
  return ret_area;
}

/* list<list<string>>: list i holds the strings "i.0" .. "i.(i-1)". */
EXPORT(FN("nest"))
uint8_t *nest(uint32_t n) {
  str_t *outer = keep(xmalloc((size_t)n * sizeof *outer));
  for (uint32_t i = 0; i < n; i++) {
    str_t *inner = keep(xmalloc((size_t)i * sizeof *inner));
    for (uint32_t j = 0; j < i; j++) {
      char *s = keep(xmalloc(24)), *o = s;
      o += dec(o, i);
      *o++ = '.';
      o += dec(o, j);
      inner[j].ptr = s;
      inner[j].len = (uint32_t)(o - s);
    }
    outer[i].ptr = (char *)inner;
    outer[i].len = i;
  }
  putstr(0, (char *)outer, n);
  return ret_area;
}

/* list<option<u16>>: 4-byte elements, the u16 at offset 2. some(0) becomes none, none becomes
 * some(65535), some(v) some(2v). */
EXPORT(FN("opt-list"))
uint8_t *opt_list(uint8_t *l, uint32_t n) {
  uint8_t *out = keep(xmalloc((size_t)n * 4));
  memset(out, 0, (size_t)n * 4);
  for (uint32_t i = 0; i < n; i++) {
    uint16_t v;
    memcpy(&v, l + 4 * i + 2, 2);
    if (!l[4 * i]) v = 65535;
    else v = (uint16_t)(v * 2);
    out[4 * i] = l[4 * i] ? v != 0 : 1;
    memcpy(out + 4 * i + 2, &v, 2);
  }
  drop_arg(l, n);
  putstr(0, (char *)out, n);
  return ret_area;
}

/* list<shape>: 24-byte elements, each case in turn. */
EXPORT(FN("shape-list"))
uint8_t *shape_list(uint32_t n) {
  uint8_t *out = keep(xmalloc((size_t)n * 24));
  memset(out, 0, (size_t)n * 24);
  for (uint32_t i = 0; i < n; i++) {
    uint8_t *e = out + 24 * i;
    e[0] = (uint8_t)(i % 5);
    if (e[0] == 0) {
      double r = i * 0.5;
      memcpy(e + 8, &r, 8);
    } else if (e[0] == 1 || e[0] == 3) {
      char *s = keep(xmalloc(16)), *o = s;
      *o++ = e[0] == 1 ? 'r' : 'n';
      o += dec(o, i);
      uint32_t x = i, y = (uint32_t)-(int32_t)i, p = (uint32_t)(uintptr_t)s,
               len = (uint32_t)(o - s), at = e[0] == 1 ? 16 : 8;
      if (e[0] == 1) {
        memcpy(e + 8, &x, 4);
        memcpy(e + 12, &y, 4);
      }
      memcpy(e + at, &p, 4);
      memcpy(e + at + 4, &len, 4);
    } else if (e[0] == 4) {
      uint32_t c = 'a' + i % 26;
      e[8] = (uint8_t)i;
      memcpy(e + 12, &c, 4);
    }
  }
  putstr(0, (char *)out, n);
  return ret_area;
}

/* list<result<u32, string>>: 12-byte elements; ok(x) for x >= 0, else err("neg N"). */
EXPORT(FN("results-list"))
uint8_t *results_list(int32_t *l, uint32_t n) {
  uint8_t *out = keep(xmalloc((size_t)n * 12));
  memset(out, 0, (size_t)n * 12);
  for (uint32_t i = 0; i < n; i++) {
    uint8_t *e = out + 12 * i;
    if (l[i] >= 0) {
      memcpy(e + 4, &l[i], 4);
      continue;
    }
    char *s = keep(xmalloc(24));
    memcpy(s, "neg ", 4);
    uint32_t len = 4 + dec(s + 4, -(int64_t)l[i]), p = (uint32_t)(uintptr_t)s;
    e[0] = 1;
    memcpy(e + 4, &p, 4);
    memcpy(e + 8, &len, 4);
  }
  drop_arg(l, n);
  putstr(0, (char *)out, n);
  return ret_area;
}

/* ---- records, tuples ---- */

typedef struct { int32_t x, y; char *label; uint32_t len; } point_t;

static uint8_t *put_point(int32_t x, int32_t y, char *label, uint32_t len) {
  put32(0, (uint32_t)x);
  put32(4, (uint32_t)y);
  putstr(8, label, len);
  return ret_area;
}

EXPORT(FN("make-point"))
uint8_t *make_point(int32_t x, int32_t y, char *label, uint32_t len) {
  return put_point(x, y, keep_arg(label, len), len);
}

EXPORT(FN("move-point"))
uint8_t *move_point(int32_t x, int32_t y, char *label, uint32_t len, int32_t dx, int32_t dy) {
  return put_point((int32_t)((uint32_t)x + (uint32_t)dx), (int32_t)((uint32_t)y + (uint32_t)dy),
                   keep_arg(label, len), len);
}

/* 5 points are 20 flat values, more than 16: the parameters arrive in memory. */
EXPORT(FN("sum-points"))
uint8_t *sum_points(point_t *p) {
  uint32_t x = 0, y = 0, len = 0;
  for (int i = 0; i < 5; i++) {
    x += (uint32_t)p[i].x;
    y += (uint32_t)p[i].y;
    len += p[i].len;
  }
  char *out = keep(xmalloc(len)), *o = out;
  for (int i = 0; i < 5; i++) {
    memcpy(o, p[i].label, p[i].len);
    o += p[i].len;
    drop_arg(p[i].label, p[i].len);
  }
  free(p);
  return put_point((int32_t)x, (int32_t)y, out, len);
}

EXPORT(FN("swap"))
uint8_t *swap(char *s, uint32_t len, uint32_t v) {
  put32(0, v);
  putstr(4, keep_arg(s, len), len);
  return ret_area;
}

EXPORT(FN("scalars"))
uint8_t *scalars(uint32_t a, uint32_t b, uint32_t c, int64_t d, float e, double f, uint32_t g) {
  memset(ret_area, 0, 40);
  ret_area[0] = (uint8_t)!a;
  ret_area[1] = (uint8_t)(-(int8_t)b);
  uint16_t c2 = (uint16_t)(c * 2u);
  memcpy(ret_area + 2, &c2, 2);
  put64(8, (uint64_t)d * 3u);
  float e2 = e * 0.5f;
  memcpy(ret_area + 16, &e2, 4);
  double f2 = f * -2.0;
  memcpy(ret_area + 24, &f2, 8);
  put32(32, g == 'a' ? 0x1f600 : g);
  return ret_area;
}

/* ---- variants, enums, options, results, flags ---- */

enum { CIRCLE, RECT, EMPTY, NAMED, PAIR };

/* shape flattens to (i32 case, i64, i32, i32, i32): the first payload slot joins f64 and i32. */
EXPORT(FN("mirror-shape"))
uint8_t *mirror_shape(uint32_t c, int64_t a, uint32_t b, uint32_t p, uint32_t len) {
  memset(ret_area, 0, 24);
  ret_area[0] = (uint8_t)c;
  switch (c) {
  case CIRCLE: {
    double r;
    memcpy(&r, &a, 8);
    r = r * 2;
    memcpy(ret_area + 8, &r, 8);
    break;
  }
  case RECT: /* x and y swapped, the label kept */
    put32(8, b);
    put32(12, (uint32_t)a);
    putstr(16, keep_arg((char *)(uintptr_t)p, len), len);
    break;
  case NAMED: {
    char *s = (char *)(uintptr_t)(uint32_t)a, *out = keep(xmalloc(b + 1));
    memcpy(out, s, b);
    out[b] = '!';
    drop_arg(s, b);
    putstr(8, out, b + 1);
    break;
  }
  case PAIR:
    ret_area[8] = (uint8_t)(255 - (uint8_t)a);
    put32(12, b == 'z' ? 0x10ffff : b + 1);
    break;
  default:
    break;
  }
  return ret_area;
}


EXPORT(FN("describe"))
uint8_t *describe(uint32_t c, int64_t a, uint32_t b, uint32_t p, uint32_t len) {
  char *out = keep(xmalloc(64 + (c == RECT ? len : c == NAMED ? b : 0))), *o = out;
  static const char *names[] = {"circle", "rect", "empty", "named", "pair"};
  o += strlen(strcpy(o, names[c]));
  *o++ = ':';
  if (c == CIRCLE) {
    double r;
    memcpy(&r, &a, 8);
    o += dec(o, (int64_t)(r * 1000));
  } else if (c == RECT) {
    o += dec(o, (int32_t)a);
    *o++ = ',';
    o += dec(o, (int32_t)b);
    *o++ = ',';
    memcpy(o, (char *)(uintptr_t)p, len);
    drop_arg((char *)(uintptr_t)p, len);
    o += len;
  } else if (c == NAMED) {
    memcpy(o, (char *)(uintptr_t)(uint32_t)a, b);
    drop_arg((char *)(uintptr_t)(uint32_t)a, b);
    o += b;
  } else if (c == PAIR) {
    o += dec(o, (uint8_t)a);
    *o++ = ',';
    o += utf8_encode(b, o);
  }
  putstr(0, out, (uint32_t)(o - out));
  return ret_area;
}

EXPORT(FN("next-color"))
uint32_t next_color(uint32_t c) { return (c + 1) % 4; }

EXPORT(FN("next-keyword"))
uint32_t next_keyword(uint32_t k) { return (k + 1) % 9; }

/* ok(k) for the first three keywords, err for the next three, inf(k) for the rest. */
EXPORT(FN("keyword-variant"))
uint8_t *keyword_variant(uint32_t k) {
  ret_area[0] = (uint8_t)(k < 3 ? 0 : k < 6 ? 1 : 2);
  ret_area[1] = (uint8_t)(k < 3 || k >= 6 ? k : 0);
  return ret_area;
}

EXPORT(FN("colors"))
uint8_t *colors(void) {
  uint8_t *l = keep(xmalloc(6));
  static const uint8_t v[6] = {3, 0, 1, 2, 2, 3};
  memcpy(l, v, 6);
  putstr(0, (char *)l, 6);
  return ret_area;
}

EXPORT(FN("find"))
uint8_t *find(str_t *l, uint32_t n, char *needle, uint32_t len) {
  uint32_t found = 0, at = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (!found && l[i].len == len && !memcmp(l[i].ptr, needle, len)) { found = 1; at = i; }
    drop_arg(l[i].ptr, l[i].len);
  }
  drop_arg(l, n);
  drop_arg(needle, len);
  put32(0, found);
  put32(4, at);
  return ret_area;
}

EXPORT(FN("maybe-double"))
uint8_t *maybe_double(uint32_t some, int64_t v) {
  memset(ret_area, 0, 16);
  ret_area[0] = (uint8_t)(some && v != 7);
  put64(8, some ? (uint64_t)v * 2u : 0);
  return ret_area;
}

/* option<option<u8>>: none, some(none), some(some(v)); some(some(v)) becomes some(some(v + 1))
 * except 0, which becomes some(none). */
EXPORT(FN("nested"))
uint8_t *nested(uint32_t outer, uint32_t inner, uint32_t v) {
  memset(ret_area, 0, 3);
  ret_area[0] = (uint8_t)outer;
  if (outer && inner && v) {
    ret_area[1] = 1;
    ret_area[2] = (uint8_t)(v + 1);
  }
  return ret_area;
}

EXPORT(FN("safe-div"))
uint8_t *safe_div(int32_t a, int32_t b) {
  memset(ret_area, 0, 12);
  if (b == 0 || (a == INT32_MIN && b == -1)) {
    static const char msg0[] = "division by zero \xe2\x88\x9e", msg1[] = "overflow";
    const char *m = b == 0 ? msg0 : msg1;
    uint32_t len = (uint32_t)strlen(m);
    ret_area[0] = 1;
    putstr(4, dup_kept(m, len), len);
  } else {
    put32(4, (uint32_t)(a / b));
  }
  return ret_area;
}

EXPORT(FN("check"))
uint32_t check(uint32_t ok) { return !ok; }

EXPORT(FN("toggle"))
uint32_t toggle(uint32_t p, uint32_t q) { return (p ^ q) & 15; }

EXPORT(FN("opt-fields"))
uint8_t *opt_fields(uint32_t has_a, uint32_t a, uint32_t has_b, char *b, uint32_t blen) {
  memset(ret_area, 0, 24);
  ret_area[0] = (uint8_t)has_a;
  put32(4, has_a ? a + 1 : 0);
  ret_area[8] = (uint8_t)has_b;
  if (has_b) putstr(12, keep_arg(b, blen), blen);
  ret_area[20] = (uint8_t)(has_a + has_b);
  return ret_area;
}

/* ---- resources ---- */

typedef struct { uint32_t value; } counter_t;
static uint32_t live;

__attribute__((import_module("[export]" CTR), import_name("[resource-new]counter")))
extern uint32_t counter_new(counter_t *rep);
__attribute__((import_module("[export]" CTR), import_name("[resource-rep]counter")))
extern counter_t *counter_rep(uint32_t handle);
__attribute__((import_module("[export]" CTR), import_name("[resource-drop]counter")))
extern void counter_drop(uint32_t handle);

static uint32_t make_counter(uint32_t start) {
  counter_t *c = xmalloc(sizeof *c);
  c->value = start;
  live++;
  return counter_new(c);
}

EXPORT(CTR "#[constructor]counter")
uint32_t counter_ctor(uint32_t start) { return make_counter(start); }

/* A borrow of a resource this component defines arrives as its rep. */
EXPORT(CTR "#[method]counter.add")
uint32_t counter_add(counter_t *self, uint32_t n) { return self->value += n; }

EXPORT(CTR "#[method]counter.get")
uint32_t counter_get(counter_t *self) { return self->value; }

/* An own handle arrives as a handle in this instance's table: read its rep, then drop it (which
 * runs the destructor). */
EXPORT(CTR "#[static]counter.merge")
uint32_t counter_merge(counter_t *a, uint32_t b) {
  uint32_t v = a->value + counter_rep(b)->value;
  counter_drop(b);
  return make_counter(v);
}

EXPORT(CTR "#[dtor]counter")
void counter_dtor(counter_t *self) {
  live--;
  free(self);
}

EXPORT(CTR "#live")
uint32_t counters_live(void) { return live; }

EXPORT(FN("live-counters"))
uint32_t live_counters(void) { return live; }

/* Creates a counter per start value through resource.new, sums them through resource.rep and
 * drops them all again: the result is sum * 16 + the number still alive (0 when the
 * destructors ran). */
EXPORT(FN("resource-demo"))
uint32_t resource_demo(uint32_t *starts, uint32_t n) {
  uint32_t before = live, sum = 0;
  uint32_t *h = xmalloc((size_t)n * 4);
  for (uint32_t i = 0; i < n; i++) h[i] = make_counter(starts[i]);
  for (uint32_t i = 0; i < n; i++) sum += counter_rep(h[i])->value;
  for (uint32_t i = n; i-- > 0;) counter_drop(h[i]);
  free(h);
  drop_arg(starts, n);
  return sum * 16 + (live - before);
}

/* ---- results that break the canonical ABI's rules: the host must trap ---- */

EXPORT(FN("bad-utf8"))
uint8_t *bad_utf8(void) {
  static char bytes[] = "ok \xff\xfe";
  putstr(0, bytes, 5);
  return ret_area;
}

EXPORT(FN("bad-pointer"))
uint8_t *bad_pointer(void) {
  putstr(0, (char *)(uintptr_t)0xfffffff0u, 100);
  return ret_area;
}

EXPORT(FN("bad-char"))
uint32_t bad_char(void) { return 0xd800; }

EXPORT(FN("bad-enum"))
uint32_t bad_enum(void) { return 4; }

EXPORT(FN("bad-variant"))
uint8_t *bad_variant(void) {
  memset(ret_area, 0, 24);
  ret_area[0] = 5;
  return ret_area;
}

EXPORT(FN("bad-option"))
uint8_t *bad_option(void) {
  put32(0, 2);
  put32(4, 1);
  return ret_area;
}

EXPORT(FN("bad-align"))
uint8_t *bad_align(void) {
  static uint32_t words[4];
  putstr(0, (char *)words + 1, 2);
  return ret_area;
}

EXPORT(FN("bad-handle"))
uint32_t bad_handle(void) {
  counter_drop(12345);
  return 0;
}

/* ---- post-return functions: free what the call returned ---- */

#define POST(name, cname) \
  EXPORT("cabi_post_" FN(name)) void cname(uint8_t *ret) { (void)ret; release(); }
POST("echo-string", post_echo_string)
POST("string-stats", post_string_stats)
POST("reverse-string", post_reverse_string)
POST("repeat", post_repeat)
POST("echo-bytes", post_echo_bytes)
POST("bytes-of", post_bytes_of)
POST("range", post_range)
POST("echo-u32s", post_echo_u32s)
POST("join", post_join)
POST("split", post_split)
POST("many-strings", post_many_strings)
POST("chars", post_chars)
POST("make-point", post_make_point)
POST("move-point", post_move_point)
POST("sum-points", post_sum_points)
POST("swap", post_swap)
POST("mirror-shape", post_mirror_shape)
POST("describe", post_describe)
POST("colors", post_colors)
POST("zip-pairs", post_zip_pairs)
POST("nest", post_nest)
POST("opt-list", post_opt_list)
POST("shape-list", post_shape_list)
POST("results-list", post_results_list)
POST("keyword-variant", post_keyword_variant)
POST("safe-div", post_safe_div)
POST("opt-fields", post_opt_fields)

/* strings16.c - the core module of the string-encoding components (strings.wit, world "strings"):
 * built twice, with string-encoding=utf16 and with string-encoding=latin1+utf16 (-DCOMPACT), so
 * the host must transcode every string both ways. In latin1+utf16 a length with bit 31 set
 * counts UTF-16 code units, otherwise Latin-1 bytes; utf16 lengths are always code units. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define TAG 0x80000000u

typedef struct { void *ptr; uint32_t len; } str_t;

static uint8_t ret_area[16] __attribute__((aligned(8)));
static void **kept;
static size_t nkept, capkept;

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) abort();
  return p;
}

static void *keep(void *p) {
  if (nkept == capkept) {
    capkept = capkept ? capkept * 2 : 64;
    kept = realloc(kept, capkept * sizeof *kept);
    if (!kept) abort();
  }
  kept[nkept++] = p;
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

static void put(uint32_t off, uint32_t v) { memcpy(ret_area + off, &v, 4); }

/* Whether a string of this (tagged) length is stored as UTF-16, and its length in units. */
static int is16(uint32_t len) {
#ifdef COMPACT
  return (len & TAG) != 0;
#else
  (void)len;
  return 1;
#endif
}
static uint32_t units(uint32_t len) { return len & ~TAG; }
static uint32_t bytes(uint32_t len) { return units(len) * (is16(len) ? 2 : 1); }

static void drop_arg(void *p, uint32_t len) {
  if (units(len)) free(p);
}

EXPORT("echo")
uint8_t *echo(void *s, uint32_t len) {
  if (units(len)) keep(s);
  put(0, (uint32_t)(uintptr_t)s);
  put(4, len);
  return ret_area;
}

/* Reverses by code point: surrogate pairs stay in order. */
EXPORT("reverse")
uint8_t *reverse(void *s, uint32_t len) {
  uint32_t n = units(len);
  void *out = keep(xmalloc(bytes(len)));
  if (is16(len)) {
    uint16_t *in = s, *o = out;
    for (uint32_t i = 0; i < n;) {
      uint32_t k = (in[i] >= 0xd800 && in[i] < 0xdc00 && i + 1 < n) ? 2 : 1;
      memcpy(o + n - i - k, in + i, k * 2);
      i += k;
    }
  } else {
    for (uint32_t i = 0; i < n; i++) ((uint8_t *)out)[n - 1 - i] = ((uint8_t *)s)[i];
  }
  drop_arg(s, len);
  put(0, (uint32_t)(uintptr_t)out);
  put(4, len);
  return ret_area;
}

/* (UTF-16 code units, code points): the same whatever representation the host chose. */
EXPORT("stats")
uint8_t *stats(void *s, uint32_t len) {
  uint32_t n = units(len), cps = 0;
  if (is16(len)) {
    uint16_t *in = s;
    for (uint32_t i = 0; i < n; i++) cps += !(in[i] >= 0xdc00 && in[i] < 0xe000);
  } else {
    cps = n;
  }
  drop_arg(s, len);
  put(0, n);
  put(4, cps);
  return ret_area;
}

EXPORT("repeat")
uint8_t *repeat(void *s, uint32_t len, uint32_t count) {
  size_t b = bytes(len), total = b * count;
  if ((uint64_t)units(len) * count >= TAG || total > 64u << 20) abort();
  uint8_t *out = keep(xmalloc(total));
  for (uint32_t k = 0; k < count; k++) memcpy(out + k * b, s, b);
  drop_arg(s, len);
  put(0, (uint32_t)(uintptr_t)out);
  put(4, (uint32_t)(units(len) * count) | (len & TAG));
  return ret_area;
}

/* Joins with no separator; in latin1+utf16 the result is UTF-16 as soon as one part is. */
EXPORT("join")
uint8_t *join(str_t *l, uint32_t n) {
  uint32_t total = 0, wide = 0;
  for (uint32_t i = 0; i < n; i++) {
    total += units(l[i].len);
    wide |= is16(l[i].len);
  }
  uint8_t *out = keep(xmalloc((size_t)total * (wide ? 2 : 1)));
  uint32_t at = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t u = units(l[i].len);
    if (!wide || is16(l[i].len)) {
      memcpy(out + (size_t)at * (wide ? 2 : 1), l[i].ptr, bytes(l[i].len));
    } else {
      for (uint32_t k = 0; k < u; k++) {
        uint16_t c = ((uint8_t *)l[i].ptr)[k];
        memcpy(out + (size_t)(at + k) * 2, &c, 2);
      }
    }
    at += u;
    drop_arg(l[i].ptr, l[i].len);
  }
  if (n) free(l);
  put(0, (uint32_t)(uintptr_t)out);
#ifdef COMPACT
  put(4, total | (wide ? TAG : 0));
#else
  put(4, total);
#endif
  return ret_area;
}

/* Splits into single code points. */
EXPORT("explode")
uint8_t *explode(void *s, uint32_t len) {
  uint32_t n = units(len), count = 0;
  str_t *l = keep(xmalloc((size_t)n * sizeof *l));
  for (uint32_t i = 0; i < n;) {
    uint32_t k = 1;
    if (is16(len)) {
      uint16_t *in = s;
      if (in[i] >= 0xd800 && in[i] < 0xdc00 && i + 1 < n) k = 2;
      l[count].ptr = keep(xmalloc(k * 2));
      memcpy(l[count].ptr, in + i, k * 2);
      l[count].len = k | (len & TAG);
    } else {
      l[count].ptr = keep(xmalloc(1));
      memcpy(l[count].ptr, (uint8_t *)s + i, 1);
      l[count].len = 1;
    }
    count++;
    i += k;
  }
  drop_arg(s, len);
  put(0, (uint32_t)(uintptr_t)l);
  put(4, count);
  return ret_area;
}

static void release(void) {
  for (size_t i = 0; i < nkept; i++) free(kept[i]);
  nkept = 0;
}

#define POST(name, cname) \
  EXPORT("cabi_post_" name) void cname(uint8_t *ret) { (void)ret; release(); }
POST("echo", post_echo)
POST("reverse", post_reverse)
POST("repeat", post_repeat)
POST("join", post_join)
POST("explode", post_explode)

/* string.c - strings across the boundary: lifting utf8, utf16 and latin1+utf16 strings into
 * UTF-8 values, and storing them back with the transcoders of the spec's CanonicalABI.md
 * (store_string_into_range and its helpers), realloc sizes and traps included. */
#include <string.h>

#include "canon.h"

bool cn_utf8_valid(const uint8_t *s, size_t n, size_t *bad_at, uint32_t *bad_len) {
  size_t i = 0;
  while (i < n) {
    uint8_t b = s[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    uint32_t w = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    *bad_at = i;
    if (w == 0) {
      *bad_len = 1;
      return false;
    }
    uint8_t lo = 0x80, hi = 0xbf;
    if (b == 0xe0) lo = 0xa0;
    else if (b == 0xed) hi = 0x9f;
    else if (b == 0xf0) lo = 0x90;
    else if (b == 0xf4) hi = 0x8f;
    for (uint32_t k = 1; k < w; k++) {
      if (i + k >= n) {
        *bad_len = 0;
        return false;
      }
      uint8_t c = s[i + k];
      bool ok = k == 1 ? c >= lo && c <= hi : c >= 0x80 && c <= 0xbf;
      if (!ok) {
        *bad_len = k;
        return false;
      }
    }
    i += w;
  }
  return true;
}

static bool check_utf8(cn_cx_t *cx, const uint8_t *s, size_t n) {
  size_t at;
  uint32_t len;
  if (cn_utf8_valid(s, n, &at, &len)) return true;
  if (len == 0) return cn_trap(cx, "incomplete utf-8 byte sequence from index %zu", at);
  return cn_trap(cx, "invalid utf-8 sequence of %u bytes from index %zu", len, at);
}

/* The next code point of valid UTF-8. */
static uint32_t next_cp(const uint8_t *s, size_t *i) {
  uint8_t b = s[(*i)++];
  if (b < 0x80) return b;
  uint32_t w = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
  uint32_t cp = b & (0x7f >> w);
  for (uint32_t k = 1; k < w; k++) cp = (cp << 6) | (s[(*i)++] & 0x3f);
  return cp;
}

static size_t put_utf8(uint8_t *d, uint32_t cp) {
  if (cp < 0x80) {
    d[0] = (uint8_t)cp;
    return 1;
  }
  if (cp < 0x800) {
    d[0] = (uint8_t)(0xc0 | (cp >> 6));
    d[1] = (uint8_t)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    d[0] = (uint8_t)(0xe0 | (cp >> 12));
    d[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
    d[2] = (uint8_t)(0x80 | (cp & 0x3f));
    return 3;
  }
  d[0] = (uint8_t)(0xf0 | (cp >> 18));
  d[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
  d[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
  d[3] = (uint8_t)(0x80 | (cp & 0x3f));
  return 4;
}

static bool lift_utf16(cn_cx_t *cx, const uint8_t *p, uint32_t units, swasm_cval_t *out) {
  uint8_t *d = swasm_carena_alloc(cx->arena, (size_t)units * 3 + 1);
  if (!d) return cn_trap(cx, "out of memory lifting a string");
  size_t n = 0;
  for (uint32_t i = 0; i < units; i++) {
    uint32_t u = p[2 * i] | (uint32_t)p[2 * i + 1] << 8;
    if (u >= 0xd800 && u <= 0xdbff && i + 1 < units) {
      uint32_t l = p[2 * i + 2] | (uint32_t)p[2 * i + 3] << 8;
      if (l >= 0xdc00 && l <= 0xdfff) {
        n += put_utf8(d + n, 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00));
        i++;
        continue;
      }
    }
    if (u >= 0xd800 && u <= 0xdfff)
      return cn_trap(cx, "invalid utf-16: unpaired surrogate at code unit %u", i);
    n += put_utf8(d + n, u);
  }
  out->u.str.ptr = (const char *)d;
  out->u.str.len = n;
  return true;
}

bool cn_lift_string(cn_cx_t *cx, uint32_t ptr, uint32_t tagged, swasm_cval_t *out) {
  if (!cx->opts) return cn_trap(cx, "canonical ABI: no canon options");
  swasm_cm_strenc_t enc = cx->opts->enc;
  bool utf16 = enc == SWASM_CM_UTF16 || (enc == SWASM_CM_LATIN1_UTF16 && (tagged & CN_UTF16_TAG));
  uint32_t units = enc == SWASM_CM_LATIN1_UTF16 ? tagged & ~CN_UTF16_TAG : tagged;
  uint64_t bytes = utf16 ? 2 * (uint64_t)units : units;
  if (!cn_check_range(cx, ptr, bytes, enc == SWASM_CM_UTF8 ? 1 : 2, "string")) return false;
  const uint8_t *p = cx->opts->memory->base + ptr;
  if (utf16) {
    if (!lift_utf16(cx, p, units, out)) return false;
  } else if (enc == SWASM_CM_UTF8) {
    if (!check_utf8(cx, p, units)) return false;
    char *d = swasm_carena_alloc(cx->arena, (size_t)units + 1);
    if (!d) return cn_trap(cx, "out of memory lifting a string");
    memcpy(d, p, units);
    out->u.str.ptr = d;
    out->u.str.len = units;
  } else {
    uint8_t *d = swasm_carena_alloc(cx->arena, (size_t)units * 2 + 1);
    if (!d) return cn_trap(cx, "out of memory lifting a string");
    size_t n = 0;
    for (uint32_t i = 0; i < units; i++) n += put_utf8(d + n, p[i]);
    out->u.str.ptr = (const char *)d;
    out->u.str.len = n;
  }
  cn_note_string(cx->arena, out->u.str.ptr, enc, tagged);
  return true;
}

/* ---- storing: src is valid UTF-8 here, src_units counts it in its original encoding ---- */

typedef struct src {
  const uint8_t *s;
  size_t n;                    /* UTF-8 bytes */
} src_t;

static uint8_t *mem(cn_cx_t *cx, uint32_t ptr) { return cx->opts->memory->base + ptr; }

static size_t put_utf16(uint8_t *d, uint32_t cp) {
  if (cp >= 0x10000) {
    uint32_t v = cp - 0x10000, hi = 0xd800 + (v >> 10), lo = 0xdc00 + (v & 0x3ff);
    d[0] = (uint8_t)hi;
    d[1] = (uint8_t)(hi >> 8);
    d[2] = (uint8_t)lo;
    d[3] = (uint8_t)(lo >> 8);
    return 4;
  }
  d[0] = (uint8_t)cp;
  d[1] = (uint8_t)(cp >> 8);
  return 2;
}

/* Writes the UTF-16LE encoding of src from code point index `from_cp` on; returns bytes. */
static size_t encode_utf16(uint8_t *d, src_t s, size_t from_cp) {
  size_t i = 0, k = 0, n = 0;
  while (i < s.n) {
    uint32_t cp = next_cp(s.s, &i);
    if (k++ >= from_cp) n += put_utf16(d + n, cp);
  }
  return n;
}

static size_t utf16_bytes(src_t s) {
  size_t i = 0, n = 0;
  while (i < s.n) n += next_cp(s.s, &i) >= 0x10000 ? 4 : 2;
  return n;
}

static bool too_big(cn_cx_t *cx, uint64_t bytes) {
  if (bytes > CN_MAX_STRING_BYTES) return cn_trap(cx, "string too large to lower (%llu bytes)",
                                                  (unsigned long long)bytes);
  return true;
}

static bool store_copy(cn_cx_t *cx, src_t s, uint32_t units, uint32_t unit_size, uint32_t align,
                       uint32_t *ptr, uint32_t *out_units) {
  uint64_t bytes = (uint64_t)unit_size * units;
  if (!too_big(cx, bytes) || !cn_realloc(cx, 0, 0, align, (uint32_t)bytes, "string", ptr))
    return false;
  uint8_t *d = mem(cx, *ptr);
  size_t i = 0, n = 0;
  if (unit_size == 2) n = encode_utf16(d, s, 0);
  else if (align == 2) /* latin-1 */
    while (i < s.n) d[n++] = (uint8_t)next_cp(s.s, &i);
  else
    memcpy(d, s.s, n = s.n);
  if (n != bytes) return cn_trap(cx, "canonical ABI: string length changed while copying");
  *out_units = units;
  return true;
}

static bool store_to_utf8(cn_cx_t *cx, src_t s, uint32_t units, uint64_t worst, uint32_t *ptr,
                          uint32_t *out_units) {
  if (!cn_realloc(cx, 0, 0, 1, units, "string", ptr)) return false;
  size_t i = 0;
  for (uint32_t k = 0; i < s.n; k++) {
    if (s.s[i] < 0x80) {
      if (k >= units) return cn_trap(cx, "canonical ABI: string length changed while copying");
      mem(cx, *ptr)[k] = s.s[i++];
      continue;
    }
    if (!too_big(cx, worst) || !cn_realloc(cx, *ptr, units, 1, (uint32_t)worst, "string", ptr))
      return false;
    if (s.n > worst) return cn_trap(cx, "canonical ABI: string longer than its worst case");
    memcpy(mem(cx, *ptr) + i, s.s + i, s.n - i);
    if (worst > s.n && !cn_realloc(cx, *ptr, (uint32_t)worst, 1, (uint32_t)s.n, "string", ptr))
      return false;
    *out_units = (uint32_t)s.n;
    return true;
  }
  *out_units = units;
  return true;
}

static bool store_utf8_to_utf16(cn_cx_t *cx, src_t s, uint32_t units, uint32_t *ptr,
                                uint32_t *out_units) {
  uint64_t worst = 2 * (uint64_t)units;
  if (!too_big(cx, worst) || !cn_realloc(cx, 0, 0, 2, (uint32_t)worst, "string", ptr))
    return false;
  if (utf16_bytes(s) > worst) return cn_trap(cx, "canonical ABI: string longer than its worst case");
  size_t n = encode_utf16(mem(cx, *ptr), s, 0);
  if (n < worst && !cn_realloc(cx, *ptr, (uint32_t)worst, 2, (uint32_t)n, "string", ptr))
    return false;
  *out_units = (uint32_t)(n / 2);
  return true;
}

static bool store_latin1_or_utf16(cn_cx_t *cx, src_t s, uint32_t units, uint32_t *ptr,
                                  uint32_t *out_units) {
  if (!cn_realloc(cx, 0, 0, 2, units, "string", ptr)) return false;
  uint32_t len = 0;
  size_t i = 0;
  while (i < s.n) {
    uint32_t cp = next_cp(s.s, &i);
    if (cp < 0x100) {
      if (len >= units) return cn_trap(cx, "canonical ABI: string length changed while copying");
      mem(cx, *ptr)[len++] = (uint8_t)cp;
      continue;
    }
    uint64_t worst = 2 * (uint64_t)units;
    if (!too_big(cx, worst) || !cn_realloc(cx, *ptr, units, 2, (uint32_t)worst, "string", ptr))
      return false;
    size_t total = utf16_bytes(s);
    if (total > worst) return cn_trap(cx, "canonical ABI: string longer than its worst case");
    uint8_t *d = mem(cx, *ptr);
    for (uint32_t j = len; j-- > 0;) {
      d[2 * j] = d[j];
      d[2 * j + 1] = 0;
    }
    encode_utf16(d + 2 * (size_t)len, s, len);
    if (worst > total && !cn_realloc(cx, *ptr, (uint32_t)worst, 2, (uint32_t)total, "string", ptr))
      return false;
    *out_units = (uint32_t)(total / 2) | CN_UTF16_TAG;
    return true;
  }
  if (len < units && !cn_realloc(cx, *ptr, units, 2, len, "string", ptr)) return false;
  *out_units = len;
  return true;
}

static bool store_probably_utf16(cn_cx_t *cx, src_t s, uint32_t units, uint32_t *ptr,
                                 uint32_t *out_units) {
  uint64_t bytes = 2 * (uint64_t)units;
  if (!too_big(cx, bytes) || !cn_realloc(cx, 0, 0, 2, (uint32_t)bytes, "string", ptr))
    return false;
  if (utf16_bytes(s) > bytes) return cn_trap(cx, "canonical ABI: string longer than its worst case");
  uint8_t *d = mem(cx, *ptr);
  size_t n = encode_utf16(d, s, 0);
  bool wide = false;
  for (size_t i = 0; i < s.n;) wide |= next_cp(s.s, &i) >= 0x100;
  if (wide) {
    *out_units = (uint32_t)(n / 2) | CN_UTF16_TAG;
    return true;
  }
  uint32_t latin1 = (uint32_t)(n / 2);
  for (uint32_t i = 0; i < latin1; i++) d[i] = d[2 * i];
  if (!cn_realloc(cx, *ptr, (uint32_t)bytes, 1, latin1, "string", ptr)) return false;
  *out_units = latin1;
  return true;
}

bool cn_lower_string(cn_cx_t *cx, const swasm_cval_t *v, uint32_t *ptr, uint32_t *tagged) {
  src_t s = {.s = (const uint8_t *)v->u.str.ptr, .n = v->u.str.len};
  if (s.n && !s.s) return cn_trap(cx, "canonical ABI: string value without its bytes");
  if (!cx->opts) return cn_trap(cx, "canonical ABI: no canon options");
  swasm_cm_strenc_t src_enc;
  uint32_t src_tagged;
  if (!cn_string_note(cx->arena, v->u.str.ptr, &src_enc, &src_tagged)) {
    if (!check_utf8(cx, s.s, s.n) || !too_big(cx, s.n)) return false;
    src_enc = SWASM_CM_UTF8;
    src_tagged = (uint32_t)s.n;
  }
  /* the spec's src_simple_encoding: utf8, utf16 or latin1 (encoded as LATIN1_UTF16) */
  swasm_cm_strenc_t simple = src_enc;
  uint32_t units = src_tagged;
  if (src_enc == SWASM_CM_LATIN1_UTF16 && (src_tagged & CN_UTF16_TAG)) {
    simple = SWASM_CM_UTF16;
    units = src_tagged ^ CN_UTF16_TAG;
  }
  switch (cx->opts->enc) {
  case SWASM_CM_UTF8:
    if (simple == SWASM_CM_UTF8) return store_copy(cx, s, units, 1, 1, ptr, tagged);
    if (simple == SWASM_CM_UTF16) return store_to_utf8(cx, s, units, 3 * (uint64_t)units, ptr, tagged);
    return store_to_utf8(cx, s, units, 2 * (uint64_t)units, ptr, tagged);
  case SWASM_CM_UTF16:
    if (simple == SWASM_CM_UTF8) return store_utf8_to_utf16(cx, s, units, ptr, tagged);
    return store_copy(cx, s, units, 2, 2, ptr, tagged);
  case SWASM_CM_LATIN1_UTF16:
    if (src_enc != SWASM_CM_LATIN1_UTF16) return store_latin1_or_utf16(cx, s, units, ptr, tagged);
    if (simple == SWASM_CM_LATIN1_UTF16) return store_copy(cx, s, units, 1, 2, ptr, tagged);
    return store_probably_utf16(cx, s, units, ptr, tagged);
  }
  return cn_trap(cx, "canonical ABI: unknown string encoding");
}

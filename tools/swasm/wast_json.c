/* wast_json.c - a small, strict JSON reader for wast2json output (RFC 8259, UTF-8 input). */
#include "wast_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 512

/* All nodes and strings of a document live in a list of blocks, freed at once. */
typedef struct block {
  struct block *next;
  size_t used, cap;
  _Alignas(16) unsigned char data[];
} block_t;

struct wast_json_doc {
  block_t *blocks;
  wast_json_t root;
};

typedef struct parser {
  const char *p, *start, *end;
  wast_json_doc_t *doc;
  char *err;
  size_t errsize;
  bool failed;
  unsigned depth;
  /* Items of the containers being parsed; copied into the document when each one closes. */
  wast_json_t *stack;
  wast_json_key_t *kstack;
  size_t sp, cap;
} parser_t;

static void fail(parser_t *ps, const char *fmt, ...) {
  if (ps->failed) return;
  ps->failed = true;
  unsigned line = 1;
  for (const char *q = ps->start; q < ps->p && q < ps->end; q++)
    if (*q == '\n') line++;
  int n = snprintf(ps->err, ps->errsize, "line %u: ", line);
  if (n < 0 || (size_t)n >= ps->errsize) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ps->err + n, ps->errsize - (size_t)n, fmt, ap);
  va_end(ap);
}

static void *doc_alloc(parser_t *ps, size_t size) {
  size = (size + 15) & ~(size_t)15;
  block_t *b = ps->doc->blocks;
  if (!b || b->cap - b->used < size) {
    size_t cap = size > (1u << 16) ? size : (1u << 16);
    b = malloc(sizeof *b + cap);
    if (!b) { fail(ps, "out of memory"); return NULL; }
    b->next = ps->doc->blocks;
    b->used = 0;
    b->cap = cap;
    ps->doc->blocks = b;
  }
  void *r = b->data + b->used;
  b->used += size;
  return r;
}

static bool push(parser_t *ps, const wast_json_t *v, const char *key, size_t klen) {
  if (ps->sp == ps->cap) {
    size_t cap = ps->cap ? ps->cap * 2 : 256;
    wast_json_t *s = realloc(ps->stack, cap * sizeof *s);
    if (s) ps->stack = s;
    wast_json_key_t *k = realloc(ps->kstack, cap * sizeof *k);
    if (k) ps->kstack = k;
    if (!s || !k) { fail(ps, "out of memory"); return false; }
    ps->cap = cap;
  }
  ps->stack[ps->sp] = *v;
  ps->kstack[ps->sp].str = key;
  ps->kstack[ps->sp].len = klen;
  ps->sp++;
  return true;
}

static void skip_ws(parser_t *ps) {
  while (ps->p < ps->end &&
         (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
    ps->p++;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Reads the 4 hex digits after "\u" at q; -1 if they are not there. */
static long read_u4(const char *q, const char *end) {
  if (end - q < 4) return -1;
  long v = 0;
  for (int i = 0; i < 4; i++) {
    int h = hexval(q[i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

static size_t put_utf8(char *o, unsigned long c) {
  if (c < 0x80) { o[0] = (char)c; return 1; }
  if (c < 0x800) {
    o[0] = (char)(0xc0 | (c >> 6));
    o[1] = (char)(0x80 | (c & 0x3f));
    return 2;
  }
  if (c < 0x10000) {
    o[0] = (char)(0xe0 | (c >> 12));
    o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
    o[2] = (char)(0x80 | (c & 0x3f));
    return 3;
  }
  o[0] = (char)(0xf0 | (c >> 18));
  o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
  o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
  o[3] = (char)(0x80 | (c & 0x3f));
  return 4;
}

/* Decodes one escape after the backslash at *q into o; advances *q past it. 0 on error. A
 * lone surrogate is kept as its 3-byte (WTF-8) form rather than rejected. */
static size_t decode_escape(parser_t *ps, const char **q, char *o) {
  char c = **q;
  (*q)++;
  switch (c) {
  case '"': *o = '"'; return 1;
  case '\\': *o = '\\'; return 1;
  case '/': *o = '/'; return 1;
  case 'b': *o = '\b'; return 1;
  case 'f': *o = '\f'; return 1;
  case 'n': *o = '\n'; return 1;
  case 'r': *o = '\r'; return 1;
  case 't': *o = '\t'; return 1;
  case 'u': break;
  default: fail(ps, "bad escape '\\%c' in string", c); return 0;
  }
  long u = read_u4(*q, ps->end);
  if (u < 0) { fail(ps, "bad \\u escape in string"); return 0; }
  *q += 4;
  if (u >= 0xd800 && u < 0xdc00 && ps->end - *q >= 6 && (*q)[0] == '\\' && (*q)[1] == 'u') {
    long lo = read_u4(*q + 2, ps->end);
    if (lo >= 0xdc00 && lo < 0xe000) {
      *q += 6;
      return put_utf8(o, 0x10000 + (((unsigned long)u - 0xd800) << 10) +
                             ((unsigned long)lo - 0xdc00));
    }
  }
  return put_utf8(o, (unsigned long)u);
}

/* Parses a string starting at the opening quote. Decoded text never is longer than its
 * source, so the output buffer is sized from the source span. */
static bool parse_string(parser_t *ps, const char **out, size_t *outlen) {
  const char *q = ps->p + 1;
  while (q < ps->end && *q != '"') {
    if ((unsigned char)*q < 0x20) { ps->p = q; fail(ps, "control character in string"); return false; }
    if (*q == '\\') q++;
    q++;
  }
  if (q >= ps->end) { fail(ps, "unterminated string"); return false; }
  const char *close = q;
  char *buf = doc_alloc(ps, (size_t)(close - ps->p));
  if (!buf) return false;
  size_t n = 0;
  for (q = ps->p + 1; q < close;) {
    if (*q != '\\') { buf[n++] = *q++; continue; }
    q++;
    size_t k = decode_escape(ps, &q, buf + n);
    if (!k) return false;
    n += k;
  }
  buf[n] = '\0';
  *out = buf;
  *outlen = n;
  ps->p = close + 1;
  return true;
}

static bool parse_number(parser_t *ps, wast_json_t *v) {
  const char *q = ps->p;
  if (q < ps->end && *q == '-') q++;
  if (q >= ps->end || *q < '0' || *q > '9') { fail(ps, "bad number"); return false; }
  if (*q == '0') q++;
  else while (q < ps->end && *q >= '0' && *q <= '9') q++;
  if (q < ps->end && *q == '.') {
    q++;
    if (q >= ps->end || *q < '0' || *q > '9') { fail(ps, "bad number"); return false; }
    while (q < ps->end && *q >= '0' && *q <= '9') q++;
  }
  if (q < ps->end && (*q == 'e' || *q == 'E')) {
    q++;
    if (q < ps->end && (*q == '+' || *q == '-')) q++;
    if (q >= ps->end || *q < '0' || *q > '9') { fail(ps, "bad number"); return false; }
    while (q < ps->end && *q >= '0' && *q <= '9') q++;
  }
  size_t n = (size_t)(q - ps->p);
  char *buf = doc_alloc(ps, n + 1);
  if (!buf) return false;
  memcpy(buf, ps->p, n);
  buf[n] = '\0';
  v->kind = WAST_JNUM;
  v->str = buf;
  v->len = n;
  ps->p = q;
  return true;
}

static bool parse_value(parser_t *ps, wast_json_t *v);

/* Moves the items pushed since base into the document as v's children. */
static bool close_container(parser_t *ps, wast_json_t *v, size_t base, bool with_keys) {
  size_t n = ps->sp - base;
  if (n > UINT32_MAX) { fail(ps, "too many items"); return false; }
  v->n = (uint32_t)n;
  if (n) {
    wast_json_t *items = doc_alloc(ps, n * sizeof *items);
    if (!items) return false;
    memcpy(items, ps->stack + base, n * sizeof *items);
    v->items = items;
    if (with_keys) {
      wast_json_key_t *keys = doc_alloc(ps, n * sizeof *keys);
      if (!keys) return false;
      memcpy(keys, ps->kstack + base, n * sizeof *keys);
      v->keys = keys;
    }
  }
  ps->sp = base;
  return true;
}

/* Parses the members of an array or object; ps->p is just past the opening bracket. */
static bool parse_container(parser_t *ps, wast_json_t *v, bool is_obj) {
  char close = is_obj ? '}' : ']';
  size_t base = ps->sp;
  v->kind = is_obj ? WAST_JOBJ : WAST_JARR;
  skip_ws(ps);
  if (ps->p < ps->end && *ps->p == close) { ps->p++; return close_container(ps, v, base, is_obj); }
  for (;;) {
    const char *key = NULL;
    size_t klen = 0;
    skip_ws(ps);
    if (is_obj) {
      if (ps->p >= ps->end || *ps->p != '"') { fail(ps, "expected a member name"); return false; }
      if (!parse_string(ps, &key, &klen)) return false;
      skip_ws(ps);
      if (ps->p >= ps->end || *ps->p != ':') { fail(ps, "expected ':'"); return false; }
      ps->p++;
    }
    wast_json_t item;
    if (!parse_value(ps, &item) || !push(ps, &item, key, klen)) return false;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
    if (ps->p < ps->end && *ps->p == close) { ps->p++; break; }
    fail(ps, "expected ',' or '%c'", close);
    return false;
  }
  return close_container(ps, v, base, is_obj);
}

static bool parse_word(parser_t *ps, const char *word, wast_jkind_t kind, wast_json_t *v) {
  size_t n = strlen(word);
  if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) {
    fail(ps, "unexpected character '%c'", *ps->p);
    return false;
  }
  ps->p += n;
  v->kind = kind;
  return true;
}

static bool parse_value(parser_t *ps, wast_json_t *v) {
  memset(v, 0, sizeof *v);
  skip_ws(ps);
  if (ps->p >= ps->end) { fail(ps, "unexpected end of input"); return false; }
  switch (*ps->p) {
  case '"':
    v->kind = WAST_JSTR;
    return parse_string(ps, &v->str, &v->len);
  case '[':
  case '{': {
    if (++ps->depth > MAX_DEPTH) { fail(ps, "nesting too deep"); return false; }
    bool is_obj = *ps->p == '{';
    ps->p++;
    bool ok = parse_container(ps, v, is_obj);
    ps->depth--;
    return ok;
  }
  case 't': return parse_word(ps, "true", WAST_JTRUE, v);
  case 'f': return parse_word(ps, "false", WAST_JFALSE, v);
  case 'n': return parse_word(ps, "null", WAST_JNULL, v);
  default: return parse_number(ps, v);
  }
}

wast_json_doc_t *wast_json_parse(const char *text, size_t len, char *err, size_t errsize) {
  wast_json_doc_t *doc = calloc(1, sizeof *doc);
  if (!doc) { snprintf(err, errsize, "out of memory"); return NULL; }
  parser_t ps = {.p = text, .start = text, .end = text + len, .doc = doc,
                 .err = err, .errsize = errsize};
  if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) ps.p += 3;
  bool ok = parse_value(&ps, &doc->root);
  if (ok) {
    skip_ws(&ps);
    if (ps.p != ps.end) { fail(&ps, "trailing characters after the value"); ok = false; }
  }
  free(ps.stack);
  free(ps.kstack);
  if (!ok) { wast_json_free(doc); return NULL; }
  return doc;
}

const wast_json_t *wast_json_root(const wast_json_doc_t *doc) { return &doc->root; }

void wast_json_free(wast_json_doc_t *doc) {
  if (!doc) return;
  for (block_t *b = doc->blocks, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  free(doc);
}

const wast_json_t *wast_json_get(const wast_json_t *v, const char *key) {
  if (!v || v->kind != WAST_JOBJ) return NULL;
  size_t klen = strlen(key);
  for (uint32_t i = v->n; i-- > 0;)
    if (v->keys[i].len == klen && memcmp(v->keys[i].str, key, klen) == 0) return &v->items[i];
  return NULL;
}

const char *wast_json_get_str(const wast_json_t *v, const char *key) {
  const wast_json_t *m = wast_json_get(v, key);
  return m && m->kind == WAST_JSTR ? m->str : NULL;
}

const wast_json_t *wast_json_at(const wast_json_t *v, size_t i) {
  if (!v || v->kind != WAST_JARR || i >= v->n) return NULL;
  return &v->items[i];
}

size_t wast_json_count(const wast_json_t *v) {
  return v && v->kind == WAST_JARR ? v->n : 0;
}

bool wast_json_get_int(const wast_json_t *v, const char *key, int64_t *out) {
  const wast_json_t *m = wast_json_get(v, key);
  if (!m || m->kind != WAST_JNUM) return false;
  const char *s = m->str;
  bool neg = *s == '-';
  if (neg) s++;
  uint64_t x = 0;
  for (; *s >= '0' && *s <= '9'; s++) {
    if (x > (UINT64_MAX - 9) / 10) return false;
    x = x * 10 + (uint64_t)(*s - '0');
  }
  if (*s != '\0' || x > (uint64_t)INT64_MAX) return false;
  *out = neg ? -(int64_t)x : (int64_t)x;
  return true;
}

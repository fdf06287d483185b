/* wave_lex.c - the tokens of WAVE text (numbers, labels and keywords, chars, strings and
 * multi-line strings, punctuation), and the decoding of char and string literals. */
#include "wave.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool wave_fail(wave_parser_t *p, size_t at, const char *fmt, ...) {
  if (p->failed) return false;
  p->failed = true;
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (p->errsize) snprintf(p->err, p->errsize, "%s at byte %zu", msg, at);
  return false;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

static void skip_space(wave_parser_t *p) {
  for (;;) {
    while (p->pos < p->len && strchr(" \t\n\r", p->s[p->pos]) && p->s[p->pos]) p->pos++;
    if (p->pos + 1 < p->len && p->s[p->pos] == '/' && p->s[p->pos + 1] == '/') {
      while (p->pos < p->len && p->s[p->pos] != '\n') p->pos++;
      continue;
    }
    return;
  }
}

/* One word of a label: lower case letters and digits, or upper case letters and digits (the
 * longer of the two); the first word of a label starts with a letter. Returns the length, 0
 * when there is none. */
static size_t label_word(const wave_parser_t *p, size_t at, bool first) {
  if (at >= p->len) return 0;
  if (first && !is_lower(p->s[at]) && !is_upper(p->s[at])) return 0;
  size_t lo = 0, up = 0;
  while (at + lo < p->len && (is_lower(p->s[at + lo]) || is_digit(p->s[at + lo]))) lo++;
  while (at + up < p->len && (is_upper(p->s[at + up]) || is_digit(p->s[at + up]))) up++;
  return lo > up ? lo : up;
}

static size_t lex_label(const wave_parser_t *p, size_t at) {
  size_t start = at;
  if (at < p->len && p->s[at] == '%') at++;
  size_t n = label_word(p, at, true);
  if (!n) return 0;
  at += n;
  while (at + 1 < p->len && p->s[at] == '-' && (n = label_word(p, at + 1, false))) at += 1 + n;
  return at - start;
}

static size_t lex_number(const wave_parser_t *p, size_t at) {
  size_t start = at;
  if (at < p->len && p->s[at] == '-') {
    at++;
    if (p->len - at >= 3 && memcmp(p->s + at, "inf", 3) == 0 &&
        !(at + 3 < p->len && (is_lower(p->s[at + 3]) || is_digit(p->s[at + 3]) ||
                              p->s[at + 3] == '-')))
      return at + 3 - start;
  }
  if (at >= p->len || !is_digit(p->s[at])) return 0;
  if (p->s[at] == '0') at++;
  else while (at < p->len && is_digit(p->s[at])) at++;
  if (at + 1 < p->len && p->s[at] == '.' && is_digit(p->s[at + 1])) {
    at++;
    while (at < p->len && is_digit(p->s[at])) at++;
  }
  if (at < p->len && (p->s[at] == 'e' || p->s[at] == 'E')) {
    size_t e = at + 1;
    if (e < p->len && (p->s[e] == '+' || p->s[e] == '-')) e++;
    if (e < p->len && is_digit(p->s[e])) {
      while (e < p->len && is_digit(p->s[e])) e++;
      at = e;
    }
  }
  return at - start;
}

/* Decodes one UTF-8 sequence at s[0..n); returns its length, 0 when invalid. */
size_t wave_utf8_decode(const char *s, size_t n, uint32_t *cp) {
  const unsigned char *u = (const unsigned char *)s;
  if (n == 0) return 0;
  if (u[0] < 0x80) { *cp = u[0]; return 1; }
  size_t len = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc2 ? 2 : 0;
  if (!len || len > n || u[0] > 0xf4) return 0;
  uint32_t c = u[0] & (0x7f >> len);
  for (size_t i = 1; i < len; i++) {
    if ((u[i] & 0xc0) != 0x80) return 0;
    c = c << 6 | (u[i] & 0x3f);
  }
  static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c < 0xe000)) return 0;
  *cp = c;
  return len;
}

/* An escape at s[0..n) (starting with a backslash): its length, 0 when invalid. */
size_t wave_unescape(const char *s, size_t n, uint32_t *cp) {
  if (n < 2 || s[0] != '\\') return 0;
  switch (s[1]) {
  case '\\': *cp = '\\'; return 2;
  case '\'': *cp = '\''; return 2;
  case '"': *cp = '"'; return 2;
  case 't': *cp = '\t'; return 2;
  case 'n': *cp = '\n'; return 2;
  case 'r': *cp = '\r'; return 2;
  case 'u': break;
  default: return 0;
  }
  if (n < 3 || s[2] != '{') return 0;
  uint32_t v = 0;
  size_t i = 3, digits = 0;
  for (; i < n && s[i] != '}'; i++, digits++) {
    char c = s[i];
    int d = is_digit(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0 || digits >= 6) return 0;
    v = v << 4 | (uint32_t)d;
  }
  if (i >= n || digits == 0 || v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return 0;
  *cp = v;
  return i + 1;
}

/* A quoted literal: chars until the closing quote, each a UTF-8 character or an escape,
 * no newline. Returns the token length, 0 when malformed. */
static size_t lex_quoted(const wave_parser_t *p, size_t at, char quote) {
  size_t i = at + 1;
  while (i < p->len && p->s[i] != quote) {
    uint32_t cp;
    size_t n = p->s[i] == '\\' ? wave_unescape(p->s + i, p->len - i, &cp)
                               : wave_utf8_decode(p->s + i, p->len - i, &cp);
    if (!n || (cp == '\n' && p->s[i] != '\\')) return 0;
    i += n;
  }
  return i < p->len ? i + 1 - at : 0;
}

static size_t lex_multiline(const wave_parser_t *p, size_t at) {
  for (size_t i = at + 3; i + 3 <= p->len; i++)
    if (memcmp(p->s + i, "\"\"\"", 3) == 0) return i + 3 - at;
  return 0;
}

wave_tok_t wave_next(wave_parser_t *p) {
  skip_space(p);
  wave_tok_t t = {WT_END, p->pos, p->pos};
  if (p->pos >= p->len) return t;
  const char *punct = "{}()[]:,";
  const char *hit = strchr(punct, p->s[p->pos]);
  size_t n = 0;
  if (hit && *hit) {
    t.kind = (wave_tokkind_t)(WT_LBRACE + (hit - punct));
    n = 1;
  } else if ((n = lex_number(p, p->pos))) {
    t.kind = WT_NUMBER;
  } else if ((n = lex_label(p, p->pos))) {
    t.kind = WT_LABEL;
  } else if (p->s[p->pos] == '\'') {
    t.kind = WT_CHAR;
    n = lex_quoted(p, p->pos, '\'');
  } else if (p->len - p->pos >= 3 && memcmp(p->s + p->pos, "\"\"\"", 3) == 0) {
    t.kind = WT_MSTRING;
    n = lex_multiline(p, p->pos);
  } else if (p->s[p->pos] == '"') {
    t.kind = WT_STRING;
    n = lex_quoted(p, p->pos, '"');
  }
  if (!n) {
    t.kind = WT_BAD;
    return t;
  }
  p->pos += n;
  t.end = p->pos;
  return t;
}

wave_tok_t wave_peek(wave_parser_t *p) {
  size_t save = p->pos;
  wave_tok_t t = wave_next(p);
  p->pos = save;
  return t;
}

bool wave_tok_is(const wave_parser_t *p, wave_tok_t t, const char *word) {
  size_t n = strlen(word);
  return t.kind == WT_LABEL && t.end - t.start == n && memcmp(p->s + t.start, word, n) == 0;
}

bool wave_is_keyword(const char *s, size_t n) {
  static const char *const kw[] = {"true", "false", "some", "none", "ok", "err", "inf", "nan"};
  for (size_t i = 0; i < sizeof kw / sizeof *kw; i++)
    if (strlen(kw[i]) == n && memcmp(kw[i], s, n) == 0) return true;
  return false;
}

const char *wave_tok_name(wave_tokkind_t k) {
  static const char *const names[] = {
    "end of input", "invalid token", "'{'", "'}'", "'('", "')'", "'['", "']'", "':'", "','",
    "number", "label", "char", "string", "multi-line string"};
  return (unsigned)k < sizeof names / sizeof *names ? names[k] : "token";
}

/* Appends the UTF-8 encoding of cp to out (room for 4 bytes); returns the length. */
size_t wave_utf8_encode(uint32_t cp, char *out) {
  unsigned char *o = (unsigned char *)out;
  if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
  if (cp < 0x800) {
    o[0] = (unsigned char)(0xc0 | cp >> 6);
    o[1] = (unsigned char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (unsigned char)(0xe0 | cp >> 12);
    o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
    o[2] = (unsigned char)(0x80 | (cp & 0x3f));
    return 3;
  }
  o[0] = (unsigned char)(0xf0 | cp >> 18);
  o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
  o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
  o[3] = (unsigned char)(0x80 | (cp & 0x3f));
  return 4;
}

/* The contents of a single-line string token [start+1, end-1): escapes decoded. */
static bool decode_line(wave_parser_t *p, size_t from, size_t to, char *out, size_t *n) {
  for (size_t i = from; i < to;) {
    uint32_t cp;
    if (p->s[i] == '\\') {
      size_t k = wave_unescape(p->s + i, to - i, &cp);
      if (!k) return wave_fail(p, i, "invalid character escape");
      *n += wave_utf8_encode(cp, out + *n);
      i += k;
    } else {
      out[(*n)++] = p->s[i++];
    }
  }
  return true;
}

/* A multi-line string: """, a line break, lines indented at least as much as the closing
 * """ (which stands on a line of its own after spaces); the indentation and the line breaks
 * after the opening and before the closing """ are not part of the value. */
static bool decode_multiline(wave_parser_t *p, wave_tok_t t, char *out, size_t *n) {
  size_t from = t.start + 3, to = t.end - 3;
  if (from < to && p->s[from] == '\r') from++;
  size_t lastnl = to;
  while (lastnl > from && p->s[lastnl - 1] != '\n') lastnl--;
  size_t indent_at = lastnl;                 /* the closing line: spaces only */
  for (size_t i = indent_at; i < to; i++)
    if (p->s[i] != ' ')
      return wave_fail(p, to, "invalid multiline string: closing \"\"\" must be on a line "
                       "preceded only by spaces");
  if (lastnl == from || p->s[from] != '\n')
    return wave_fail(p, t.start, "invalid multiline string: opening \"\"\" must be followed "
                     "immediately by newline");
  lastnl--;                                  /* the last line break itself */
  size_t indent = to - indent_at;
  for (size_t line = from + 1; lastnl > from && line <= lastnl;) {
    size_t eol = line;
    while (eol < lastnl && p->s[eol] != '\n') eol++;
    if (eol - line < indent || memcmp(p->s + line, p->s + indent_at, indent) != 0)
      return wave_fail(p, line, "invalid multiline string: lines must be indented at least "
                       "as much as closing \"\"\"");
    size_t end = eol;
    if (end > line + indent && p->s[end - 1] == '\r') end--;
    if (line != from + 1) out[(*n)++] = '\n';
    if (!decode_line(p, line + indent, end, out, n)) return false;
    line = eol + 1;
  }
  return true;
}

bool wave_decode_string(wave_parser_t *p, wave_tok_t t, const char **str, size_t *len) {
  size_t cap = t.end - t.start + 1;
  char *out = swasm_carena_alloc(p->arena, cap);
  if (!out) return wave_fail(p, t.start, "out of memory");
  size_t n = 0;
  bool ok = t.kind == WT_MSTRING ? decode_multiline(p, t, out, &n)
                                 : decode_line(p, t.start + 1, t.end - 1, out, &n);
  *str = out;
  *len = n;
  return ok;
}

bool wave_decode_char(wave_parser_t *p, wave_tok_t t, uint32_t *cp) {
  size_t from = t.start + 1, to = t.end - 1;
  size_t k = p->s[from] == '\\' ? wave_unescape(p->s + from, to - from, cp)
                                : wave_utf8_decode(p->s + from, to - from, cp);
  if (!k) return wave_fail(p, from, "invalid character escape");
  if (from + k != to) return wave_fail(p, t.start, "multiple characters in char value");
  return true;
}

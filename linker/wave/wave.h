/* wave.h - what the WAVE reader's files share: the tokenizer over one text and its parser
 * state. Private to linker/wave. */
#ifndef SWASM_WAVE_H
#define SWASM_WAVE_H

#include "lk.h"

typedef enum wave_tokkind {
  WT_END, WT_BAD,
  WT_LBRACE, WT_RBRACE, WT_LPAREN, WT_RPAREN, WT_LBRACK, WT_RBRACK, WT_COLON, WT_COMMA,
  WT_NUMBER, WT_LABEL, WT_CHAR, WT_STRING, WT_MSTRING
} wave_tokkind_t;

typedef struct wave_tok {
  wave_tokkind_t kind;
  size_t start, end;               /* byte offsets of the token in the text */
} wave_tok_t;

typedef struct wave_parser {
  const char *s;
  size_t len, pos;
  swasm_carena_t *arena;
  char *err;
  size_t errsize;
  unsigned depth;
  bool failed;
} wave_parser_t;

/* Values nest at most this deep, as in Wasmtime's reader. */
#define WAVE_MAX_DEPTH 100

LK_HIDDEN wave_tok_t wave_next(wave_parser_t *p);
LK_HIDDEN wave_tok_t wave_peek(wave_parser_t *p);
/* Whether t is the label or keyword word exactly (a '%'-escaped label never is). */
LK_HIDDEN bool wave_tok_is(const wave_parser_t *p, wave_tok_t t, const char *word);
LK_HIDDEN bool wave_is_keyword(const char *s, size_t n);
LK_HIDDEN const char *wave_tok_name(wave_tokkind_t k);
/* Records the first error (message and byte position); returns false. */
LK_HIDDEN bool wave_fail(wave_parser_t *p, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

LK_HIDDEN bool wave_decode_string(wave_parser_t *p, wave_tok_t t, const char **str,
                                  size_t *len);
LK_HIDDEN bool wave_decode_char(wave_parser_t *p, wave_tok_t t, uint32_t *cp);

LK_HIDDEN size_t wave_utf8_decode(const char *s, size_t n, uint32_t *cp);
LK_HIDDEN size_t wave_utf8_encode(uint32_t cp, char *out);
LK_HIDDEN size_t wave_unescape(const char *s, size_t n, uint32_t *cp);

/* Whether printing writes c as \u{...} (wave_unicode.c). */
LK_HIDDEN bool wave_debug_escaped(uint32_t c);

/* Parses one value of type t at the parser's position (wave_parse.c). */
LK_HIDDEN bool wave_value(wave_parser_t *p, const swasm_cm_type_t *t, swasm_cval_t *out);

#endif

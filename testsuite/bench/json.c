/* json.c - a small parser: generates a JSON document (objects, arrays, strings with escapes,
 * integers and decimals), parses it into a tree in an arena with a recursive-descent parser,
 * and walks the tree, several times over. */
// bench-quick: 500
#include "bench.h"

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype_t;

typedef struct jnode {
  jtype_t type;
  uint32_t len;             /* string bytes or child count */
  int64_t num;              /* numbers in millionths, exactly */
  const char *str;          /* J_STR: into the arena; keys of J_OBJ children are in key */
  const char *key;
  struct jnode *child, *next;
} jnode_t;

typedef struct parser {
  const char *p, *end;
  char *arena;
  size_t used, cap;
  int err;
} parser_t;

static void *palloc(parser_t *ps, size_t n) {
  n = (n + 7) & ~(size_t)7;
  if (ps->used + n > ps->cap) { ps->err = 1; return NULL; }
  void *r = ps->arena + ps->used;
  ps->used += n;
  return r;
}

static void ws(parser_t *ps) {
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t' || *ps->p == '\r')) ps->p++;
}

static const char *pstring(parser_t *ps, uint32_t *len) {
  ps->p++;   /* opening quote */
  const char *s = ps->p;
  size_t n = 0;
  while (ps->p < ps->end && *ps->p != '"') { if (*ps->p == '\\') ps->p++; ps->p++; n++; }
  if (ps->p >= ps->end) { ps->err = 1; return ""; }
  char *out = palloc(ps, n + 1);
  if (!out) return "";
  size_t o = 0;
  for (const char *q = s; q < ps->p; q++) {
    char c = *q;
    if (c == '\\') {
      c = *++q;
      c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
    }
    out[o++] = c;
  }
  out[o] = 0;
  ps->p++;
  *len = (uint32_t)o;
  return out;
}

static jnode_t *pvalue(parser_t *ps, int depth);

static jnode_t *pcontainer(parser_t *ps, jnode_t *n, int depth, char close) {
  ps->p++;
  jnode_t **tail = &n->child;
  ws(ps);
  if (ps->p < ps->end && *ps->p == close) { ps->p++; return n; }
  for (;;) {
    const char *key = NULL;
    uint32_t klen;
    ws(ps);
    if (close == '}') {
      if (ps->p >= ps->end || *ps->p != '"') { ps->err = 1; return n; }
      key = pstring(ps, &klen);
      ws(ps);
      if (ps->p >= ps->end || *ps->p != ':') { ps->err = 1; return n; }
      ps->p++;
    }
    jnode_t *c = pvalue(ps, depth + 1);
    if (!c || ps->err) { ps->err = 1; return n; }
    c->key = key;
    *tail = c;
    tail = &c->next;
    n->len++;
    ws(ps);
    if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
    if (ps->p < ps->end && *ps->p == close) { ps->p++; return n; }
    ps->err = 1;
    return n;
  }
}

static jnode_t *pvalue(parser_t *ps, int depth) {
  ws(ps);
  if (ps->p >= ps->end || depth > 200) { ps->err = 1; return NULL; }
  jnode_t *n = palloc(ps, sizeof *n);
  if (!n) return NULL;
  memset(n, 0, sizeof *n);
  char c = *ps->p;
  if (c == '{') { n->type = J_OBJ; return pcontainer(ps, n, depth, '}'); }
  if (c == '[') { n->type = J_ARR; return pcontainer(ps, n, depth, ']'); }
  if (c == '"') { n->type = J_STR; n->str = pstring(ps, &n->len); return n; }
  if (c == 't' || c == 'f' || c == 'n') {
    n->type = c == 'n' ? J_NULL : J_BOOL;
    n->num = c == 't';
    ps->p += c == 'f' ? 5 : 4;
    return n;
  }
  int neg = 0;
  if (c == '-') { neg = 1; ps->p++; }
  int64_t v = 0, frac = 0, scale = 1000000;
  while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') v = v * 10 + (*ps->p++ - '0');
  if (ps->p < ps->end && *ps->p == '.') {
    ps->p++;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
      scale /= 10;
      frac += (*ps->p++ - '0') * scale;
    }
  }
  n->type = J_NUM;
  n->num = (v * 1000000 + frac) * (neg ? -1 : 1);
  return n;
}

static uint64_t walk(const jnode_t *n, uint64_t h) {
  h = bench_mix(h, n->type);
  if (n->key) h = bench_mix_bytes(h, n->key, strlen(n->key));
  switch (n->type) {
  case J_NUM: case J_BOOL: return bench_mix(h, (uint64_t)n->num);
  case J_STR: return bench_mix_bytes(h, n->str, n->len);
  case J_ARR: case J_OBJ:
    for (const jnode_t *c = n->child; c; c = c->next) h = walk(c, h);
    return bench_mix(h, n->len);
  default: return h;
  }
}

typedef struct gen { char *buf; size_t len, cap; bench_rng_t r; } gen_t;

static void emit(gen_t *g, const char *s) {
  size_t n = strlen(s);
  if (g->len + n + 1 > g->cap) {
    g->cap = 2 * g->cap + n + 1;
    char *nb = realloc(g->buf, g->cap);
    if (!nb) { fprintf(stderr, "out of memory\n"); exit(3); }
    g->buf = nb;
  }
  memcpy(g->buf + g->len, s, n + 1);
  g->len += n;
}

static void gen_value(gen_t *g, int depth) {
  static const char *names[] = {"id", "name", "tags", "price", "stock", "ok", "owner", "meta",
                                "items", "note", "x", "y"};
  char tmp[64];
  uint32_t k = bench_below(&g->r, depth > 4 ? 6 : 9);
  switch (k) {
  case 0: emit(g, "null"); break;
  case 1: emit(g, bench_below(&g->r, 2) ? "true" : "false"); break;
  case 2: snprintf(tmp, sizeof tmp, "%u", bench_below(&g->r, 1000000)); emit(g, tmp); break;
  case 3:
    snprintf(tmp, sizeof tmp, "-%u.%03u", bench_below(&g->r, 1000), bench_below(&g->r, 1000));
    emit(g, tmp);
    break;
  case 4: case 5:
    snprintf(tmp, sizeof tmp, "\"item \\\"%u\\\"\\tname-%u\"", bench_below(&g->r, 5000),
             bench_below(&g->r, 97));
    emit(g, tmp);
    break;
  case 6: {
    emit(g, "[");
    uint32_t n = bench_below(&g->r, 8);
    for (uint32_t i = 0; i < n; i++) { if (i) emit(g, ","); gen_value(g, depth + 1); }
    emit(g, "]");
    break;
  }
  default: {
    emit(g, "{");
    uint32_t n = 1 + bench_below(&g->r, 7);
    for (uint32_t i = 0; i < n; i++) {
      snprintf(tmp, sizeof tmp, "%s\"%s\": ", i ? ", " : "", names[bench_below(&g->r, 12)]);
      emit(g, tmp);
      gen_value(g, depth + 1);
    }
    emit(g, "}\n");
  }
  }
}

int main(int argc, char **argv) {
  uint32_t records = bench_size(argc, argv, 60000);
  gen_t g = {NULL, 0, 0, bench_rng(17)};
  emit(&g, "[");
  for (uint32_t i = 0; i < records; i++) {
    if (i) emit(&g, ",\n");
    emit(&g, "{\"record\": ");
    gen_value(&g, 1);
    emit(&g, ", \"more\": ");
    gen_value(&g, 0);
    emit(&g, "}");
  }
  emit(&g, "]");
  parser_t ps = {0};
  ps.cap = g.len * 4 + 4096;
  ps.arena = bench_alloc(ps.cap);
  uint64_t h = 0;
  for (int rep = 0; rep < 6; rep++) {
    ps.p = g.buf; ps.end = g.buf + g.len; ps.used = 0; ps.err = 0;
    jnode_t *root = pvalue(&ps, 0);
    if (!root || ps.err) { fprintf(stderr, "parse error at %zu\n", (size_t)(ps.p - g.buf)); return 1; }
    h = walk(root, h);
  }
  printf("%zu bytes of JSON, %zu bytes of tree\n", g.len, ps.used);
  free(ps.arena);
  free(g.buf);
  return bench_done(h);
}

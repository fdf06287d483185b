/* test_validate.c - unit tests of swasm_module_validate on hand-built modules: typing rules,
 * polymorphic stacks, module-level rules, feature gating, and the status, message, byte offset
 * and function index of each diagnostic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swasm/compiler.h"

typedef struct mb {
  uint8_t b[2048];
  size_t n;
  size_t body;      /* offset of the last code body's first instruction */
} mb_t;

static int failures, checks;

static void put(mb_t *m, const uint8_t *p, size_t n) {
  if (m->n + n > sizeof m->b) {
    fprintf(stderr, "test module too large\n");
    exit(2);
  }
  memcpy(m->b + m->n, p, n);
  m->n += n;
}

static void put_leb(mb_t *m, size_t v) {
  do {
    uint8_t x = v & 0x7f;
    v >>= 7;
    if (v)
      x |= 0x80;
    put(m, &x, 1);
  } while (v);
}

static void mb_init(mb_t *m) {
  static const uint8_t hdr[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  memset(m, 0, sizeof *m);
  put(m, hdr, sizeof hdr);
}

static void mb_sec(mb_t *m, uint8_t id, const uint8_t *p, size_t n) {
  put(m, &id, 1);
  put_leb(m, n);
  put(m, p, n);
}

#define SEC(m, id, ...)                                                                         \
  do {                                                                                          \
    static const uint8_t s_[] = {__VA_ARGS__};                                                  \
    mb_sec(m, id, s_, sizeof s_);                                                               \
  } while (0)

/* A code section of n bodies, each without locals; body i is bodies[i] of lens[i] bytes. */
static void mb_code(mb_t *m, size_t nb, const uint8_t *const *bodies, const size_t *lens) {
  size_t total = 1;
  for (size_t i = 0; i < nb; i++)
    total += 1 + 1 + lens[i];            /* sizes stay below 128 in these tests */
  uint8_t id = 10;
  put(m, &id, 1);
  put_leb(m, total);
  put_leb(m, nb);
  for (size_t i = 0; i < nb; i++) {
    put_leb(m, lens[i] + 1);
    put_leb(m, 0);                       /* no local groups */
    m->body = m->n;
    put(m, bodies[i], lens[i]);
  }
}

#define CODE1(m, ...)                                                                           \
  do {                                                                                          \
    static const uint8_t b_[] = {__VA_ARGS__};                                                  \
    const uint8_t *bs_[] = {b_};                                                                \
    size_t ls_[] = {sizeof b_};                                                                 \
    mb_code(m, 1, bs_, ls_);                                                                    \
  } while (0)

/* Type 0 = [] -> [], type 1 = [] -> [i32], type 2 = [i32] -> [i32], type 3 = [i32 i32] -> [i32]. */
static void types(mb_t *m) {
  SEC(m, 1, 4, 0x60, 0, 0, 0x60, 0, 1, 0x7f, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 2, 0x7f, 0x7f, 1,
      0x7f);
}

static void funcs1(mb_t *m, uint8_t type) {
  uint8_t s[] = {1, type};
  mb_sec(m, 3, s, sizeof s);
}

static void check(const char *name, const mb_t *m, const swasm_features_t *f,
                  swasm_status_t want, const char *msg, long long offset, long long func) {
  swasm_features_t none;
  memset(&none, 0, sizeof none);
  swasm_module_t *mod = NULL;
  swasm_diag_t d;
  memset(&d, 0, sizeof d);
  checks++;
  swasm_status_t st = swasm_module_decode(m->b, m->n, f ? f : &none, &mod, &d);
  if (st != SWASM_OK) {
    if (st != want || (msg && strncmp(d.message, msg, strlen(msg)) != 0)) {
      printf("FAIL %s: decoding gave status %d: %s\n", name, st, d.message);
      failures++;
    }
    return;
  }
  st = swasm_module_validate(mod, &d);
  bool ok = st == want;
  if (st != SWASM_OK) {
    ok = ok && d.status == st;
    if (msg && strncmp(d.message, msg, strlen(msg)) != 0)
      ok = false;
    if (offset >= 0 && (long long)d.offset != offset)
      ok = false;
    if (func != -2 && d.func != func)
      ok = false;
  }
  if (!ok) {
    printf("FAIL %s: status %d (want %d), offset 0x%llx (want 0x%llx), func %lld (want %lld): "
           "%s (want \"%s\")\n", name, st, want, (unsigned long long)d.offset,
           (unsigned long long)offset, (long long)d.func, func, st ? d.message : "",
           msg ? msg : "");
    failures++;
  }
  swasm_module_free(mod);
}

static void test_numeric(void) {
  mb_t m;
  mb_init(&m);
  types(&m);
  funcs1(&m, 1);
  CODE1(&m, 0x41, 1, 0x41, 2, 0x6a, 0x0b);                 /* i32.const 1 2 i32.add end */
  check("i32.add", &m, NULL, SWASM_OK, NULL, -1, -1);

  mb_init(&m);
  types(&m);
  funcs1(&m, 1);
  CODE1(&m, 0x41, 1, 0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x6a, 0x0b);
  check("i32.add f64", &m, NULL, SWASM_INVALID, "type mismatch: i32.add expects i32, found f64",
        (long long)m.body + 11, 0);

  mb_init(&m);
  types(&m);
  funcs1(&m, 1);
  CODE1(&m, 0x6a, 0x0b);
  check("i32.add empty", &m, NULL, SWASM_INVALID, "type mismatch: i32.add expects i32",
        (long long)m.body, 0);

  /* unreachable makes the stack polymorphic: i32.add pops two Unknowns */
  mb_init(&m);
  types(&m);
  funcs1(&m, 1);
  CODE1(&m, 0x00, 0x6a, 0x0b);
  check("unreachable i32.add", &m, NULL, SWASM_OK, NULL, -1, -1);

  /* ... but what is pushed after it is concrete */
  mb_init(&m);
  types(&m);
  funcs1(&m, 1);
  CODE1(&m, 0x00, 0x42, 0, 0x6a, 0x0b);
  check("unreachable i64 i32.add", &m, NULL, SWASM_INVALID,
        "type mismatch: i32.add expects i32, found i64", (long long)m.body + 3, 0);

  mb_init(&m);
  types(&m);
  funcs1(&m, 0);
  CODE1(&m, 0x41, 0, 0x0b);
  check("extra value at end", &m, NULL, SWASM_INVALID, "type mismatch: end of function leaves 1",
        (long long)m.body + 2, 0);
}

static void test_control(void) {
  mb_t m;
  /* multi-value block with a type-index block type: [i32 i32] -> [i32] */
  mb_init(&m);
  types(&m);
  funcs1(&m, 1);
  CODE1(&m, 0x41, 1, 0x41, 2, 0x02, 3, 0x6a, 0x0b, 0x0b);
  check("block type index", &m, NULL, SWASM_OK, NULL, -1, -1);

  mb_init(&m);
  types(&m);
  funcs1(&m, 1);
  CODE1(&m, 0x41, 1, 0x02, 9, 0x0b, 0x0b);
  check("unknown block type", &m, NULL, SWASM_INVALID, "unknown type 9", (long long)m.body + 2, 0);

  /* if without else must have equal params and results */
  mb_init(&m);
  types(&m);
  funcs1(&m, 1);
  CODE1(&m, 0x41, 1, 0x04, 0x7f, 0x41, 2, 0x0b, 0x0b);
  check("if without else", &m, NULL, SWASM_INVALID, "type mismatch", (long long)m.body + 6, 0);

  mb_init(&m);
  types(&m);
  funcs1(&m, 0);
  CODE1(&m, 0x0c, 1, 0x0b);
  check("unknown label", &m, NULL, SWASM_INVALID, "unknown label 1", (long long)m.body, 0);

  /* br_table whose labels take different numbers of values */
  mb_init(&m);
  types(&m);
  funcs1(&m, 1);
  CODE1(&m, 0x02, 0x40, 0x41, 0, 0x0e, 1, 0, 1, 0x0b, 0x41, 0, 0x0b);
  check("br_table arity", &m, NULL, SWASM_INVALID, "type mismatch: br_table label",
        (long long)m.body + 4, 0);

  mb_init(&m);
  types(&m);
  funcs1(&m, 0);
  CODE1(&m, 0x05, 0x0b);
  check("else without if", &m, NULL, SWASM_MALFORMED, "END opcode expected", (long long)m.body,
        0);

  /* body ends inside a block: the missing end is malformed */
  mb_init(&m);
  types(&m);
  funcs1(&m, 0);
  CODE1(&m, 0x02, 0x40, 0x0b);
  check("missing end", &m, NULL, SWASM_MALFORMED, "END opcode expected", -1, 0);

  mb_init(&m);
  types(&m);
  funcs1(&m, 0);
  CODE1(&m, 0x0b, 0x0b);
  check("bytes after end", &m, NULL, SWASM_MALFORMED, "section size mismatch",
        (long long)m.body + 1, 0);
}

static void test_variables(void) {
  mb_t m;
  mb_init(&m);
  types(&m);
  funcs1(&m, 2);
  CODE1(&m, 0x20, 3, 0x0b);
  check("unknown local", &m, NULL, SWASM_INVALID, "unknown local 3", (long long)m.body, 0);

  /* (global i32 (i32.const 0)) and global.set 0 */
  mb_init(&m);
  types(&m);
  funcs1(&m, 0);
  SEC(&m, 6, 1, 0x7f, 0, 0x41, 0, 0x0b);
  CODE1(&m, 0x41, 0, 0x24, 0, 0x0b);
  check("global immutable", &m, NULL, SWASM_INVALID, "global is immutable",
        (long long)m.body + 2, 0);

  /* a global initialiser may only read imported globals */
  mb_init(&m);
  SEC(&m, 6, 2, 0x7f, 0, 0x41, 0, 0x0b, 0x7f, 0, 0x23, 0, 0x0b);
  check("global.get of defined global", &m, NULL, SWASM_INVALID, "unknown global 0", -1, -1);

  mb_init(&m);
  SEC(&m, 6, 1, 0x7f, 0, 0x41, 0, 0x41, 0, 0x6a, 0x0b);
  check("global init i32.add", &m, NULL, SWASM_INVALID, "constant expression required", -1, -1);
  swasm_features_t ext;
  memset(&ext, 0, sizeof ext);
  ext.extended_const = true;
  check("global init i32.add extended-const", &m, &ext, SWASM_OK, NULL, -1, -1);
}

static void test_references(void) {
  mb_t m;
  /* ref.func 0 with function 0 not declared anywhere */
  mb_init(&m);
  SEC(&m, 1, 2, 0x60, 0, 0, 0x60, 0, 1, 0x70);
  funcs1(&m, 1);
  CODE1(&m, 0xd2, 0, 0x0b);
  check("undeclared ref.func", &m, NULL, SWASM_INVALID, "undeclared function reference",
        (long long)m.body, 0);

  /* declared by an export */
  mb_init(&m);
  SEC(&m, 1, 2, 0x60, 0, 0, 0x60, 0, 1, 0x70);
  funcs1(&m, 1);
  SEC(&m, 7, 1, 1, 'f', 0, 0);
  CODE1(&m, 0xd2, 0, 0x0b);
  check("exported ref.func", &m, NULL, SWASM_OK, NULL, -1, -1);

  /* untyped select only takes numeric or vector operands */
  mb_init(&m);
  SEC(&m, 1, 1, 0x60, 0, 1, 0x70);
  funcs1(&m, 0);
  CODE1(&m, 0xd0, 0x70, 0xd0, 0x70, 0x41, 1, 0x1b, 0x0b);
  check("select funcref", &m, NULL, SWASM_INVALID, "type mismatch: select", (long long)m.body + 6,
        0);
  mb_init(&m);
  SEC(&m, 1, 1, 0x60, 0, 1, 0x70);
  funcs1(&m, 0);
  CODE1(&m, 0xd0, 0x70, 0xd0, 0x70, 0x41, 1, 0x1c, 1, 0x70, 0x0b);
  check("select (result funcref)", &m, NULL, SWASM_OK, NULL, -1, -1);
}

static void test_memory(void) {
  mb_t m;
  mb_init(&m);
  types(&m);
  funcs1(&m, 1);
  SEC(&m, 5, 1, 0, 1);
  CODE1(&m, 0x41, 0, 0x28, 3, 0, 0x0b);
  check("alignment", &m, NULL, SWASM_INVALID, "alignment must not be larger than natural",
        (long long)m.body + 2, 0);

  mb_init(&m);
  types(&m);
  funcs1(&m, 1);
  CODE1(&m, 0x41, 0, 0x28, 2, 0, 0x0b);
  check("load without memory", &m, NULL, SWASM_INVALID, "unknown memory 0",
        (long long)m.body + 2, 0);

  mb_init(&m);
  SEC(&m, 5, 1, 0, 0x81, 0x80, 0x04);                          /* min 65537 */
  check("memory too large", &m, NULL, SWASM_INVALID,
        "memory size must be at most 65536 pages (4GiB)", -1, -1);

  mb_init(&m);
  SEC(&m, 5, 1, 1, 2, 1);
  check("memory min > max", &m, NULL, SWASM_INVALID,
        "size minimum must not be greater than maximum", -1, -1);

  /* data.drop needs the data count section: a decoding error in the spec */
  mb_init(&m);
  types(&m);
  funcs1(&m, 0);
  SEC(&m, 5, 1, 0, 1);
  CODE1(&m, 0xfc, 9, 0, 0x0b);
  check("data.drop without data count", &m, NULL, SWASM_MALFORMED, "data count section required",
        (long long)m.body, 0);
}

static void test_simd(void) {
  mb_t m;
  mb_init(&m);
  types(&m);
  funcs1(&m, 1);
  CODE1(&m, 0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfd, 0x15, 16, 0x0b);
  check("lane index", &m, NULL, SWASM_INVALID, "invalid lane index 16", (long long)m.body + 18, 0);

  /* f32x4.relaxed_min needs the feature */
  mb_init(&m);
  SEC(&m, 1, 1, 0x60, 0, 1, 0x7b);
  funcs1(&m, 0);
  CODE1(&m, 0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfd, 0x0c, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfd, 0x8d, 0x02, 0x0b);
  check("relaxed without feature", &m, NULL, SWASM_UNSUPPORTED, "f32x4.relaxed_min needs",
        (long long)m.body + 36, 0);
  swasm_features_t rs;
  memset(&rs, 0, sizeof rs);
  rs.relaxed_simd = true;
  check("relaxed with feature", &m, &rs, SWASM_OK, NULL, -1, -1);
}

static void test_module(void) {
  mb_t m;
  mb_init(&m);
  types(&m);
  funcs1(&m, 1);
  SEC(&m, 8, 0);
  CODE1(&m, 0x41, 0, 0x0b);
  check("start type", &m, NULL, SWASM_INVALID, "start function", -1, -1);

  mb_init(&m);
  types(&m);
  funcs1(&m, 0);
  SEC(&m, 7, 2, 1, 'a', 0, 0, 1, 'a', 0, 0);
  CODE1(&m, 0x0b);
  check("duplicate export", &m, NULL, SWASM_INVALID, "duplicate export name", -1, -1);

  mb_init(&m);
  SEC(&m, 5, 2, 0, 1, 0, 1);
  check("two memories", &m, NULL, SWASM_INVALID, "multiple memories", -1, -1);
  swasm_features_t mm;
  memset(&mm, 0, sizeof mm);
  mm.multi_memory = true;
  check("two memories, multi-memory", &m, &mm, SWASM_OK, NULL, -1, -1);

  mb_init(&m);
  SEC(&m, 3, 1, 5);
  SEC(&m, 10, 1, 2, 0, 0x0b);
  check("function of unknown type", &m, NULL, SWASM_INVALID, "unknown type 5", -1, -1);

  /* an invalid function 0 followed by a malformed function 1: malformed wins, as the spec
   * decodes everything before validating */
  mb_init(&m);
  SEC(&m, 1, 1, 0x60, 0, 0);
  SEC(&m, 3, 2, 0, 0);
  static const uint8_t b0[] = {0x6a, 0x0b}, b1[] = {0xff, 0x0b};
  const uint8_t *bs[] = {b0, b1};
  size_t ls[] = {2, 2};
  mb_code(&m, 2, bs, ls);
  check("malformed after invalid", &m, NULL, SWASM_MALFORMED, "illegal opcode", (long long)m.body,
        1);
}

int main(void) {
  test_numeric();
  test_control();
  test_variables();
  test_references();
  test_memory();
  test_simd();
  test_module();
  printf("%d passed, %d failed\n", checks - failures, failures);
  return failures != 0;
}

/* test_decode.c - unit tests of the byte reader (LEB128 edge cases), the opcode table, the
 * arena, the instruction reader and the module decoder on small hand-made modules, including
 * every truncation of a module, which must be rejected cleanly. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir.h"

static int passed, failed;

static void check(bool ok, const char *fmt, ...) {
  if (ok) {
    passed++;
    return;
  }
  failed++;
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "FAIL: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
}

/* ---- LEB128 ----------------------------------------------------------------------------- */

typedef enum { U32, U64, S32, S33, S64 } leb_kind_t;

/* Reads one integer of the kind from the bytes; returns false (and the message) on error. */
static bool read_leb(leb_kind_t k, const char *bytes, size_t n, int64_t *v, const char **msg,
                     size_t *consumed) {
  static swasm_diag_t diag;
  ir_reader_t r = {.base = (const uint8_t *)bytes, .pos = 0, .end = n, .diag = &diag};
  switch (k) {
  case U32: *v = ir_u32(&r); break;
  case U64: *v = (int64_t)ir_u64(&r); break;
  case S32: *v = ir_s32(&r); break;
  case S33: *v = ir_s33(&r); break;
  case S64: *v = ir_s64(&r); break;
  }
  *msg = r.failed ? diag.message : "";
  *consumed = r.pos;
  return !r.failed;
}

static void leb_ok(leb_kind_t k, const char *bytes, size_t n, int64_t want) {
  int64_t v;
  const char *msg;
  size_t used;
  bool ok = read_leb(k, bytes, n, &v, &msg, &used);
  check(ok && v == want && used == n, "LEB kind %d of %zu bytes: want %lld, got %lld (%s)", k, n,
        (long long)want, (long long)v, msg);
}

static void leb_bad(leb_kind_t k, const char *bytes, size_t n, const char *want_msg) {
  int64_t v;
  const char *msg;
  size_t used;
  bool ok = read_leb(k, bytes, n, &v, &msg, &used);
  check(!ok && strncmp(msg, want_msg, strlen(want_msg)) == 0,
        "LEB kind %d of %zu bytes: want error '%s', got '%s'", k, n, want_msg, ok ? "ok" : msg);
}

#define OK(k, s, v) leb_ok(k, s, sizeof s - 1, v)
#define BAD(k, s, m) leb_bad(k, s, sizeof s - 1, m)

static void test_leb(void) {
  OK(U32, "\x00", 0);
  OK(U32, "\x7f", 127);
  OK(U32, "\x80\x01", 128);
  OK(U32, "\x82\x00", 2);                          /* non-minimal is allowed */
  OK(U32, "\x82\x80\x80\x80\x00", 2);
  OK(U32, "\xff\xff\xff\xff\x0f", 0xffffffff);
  BAD(U32, "\x82\x80\x80\x80\x80\x00", "integer representation too long");
  BAD(U32, "\x82\x80\x80\x80\x70", "integer too large");
  BAD(U32, "\x82\x80\x80\x80\x10", "integer too large");
  BAD(U32, "", "unexpected end");
  BAD(U32, "\x80\x80", "unexpected end");

  OK(S32, "\x7f", -1);
  OK(S32, "\x3f", 63);
  OK(S32, "\x40", -64);
  OK(S32, "\xff\x7f", -1);
  OK(S32, "\xff\xff\xff\xff\x07", 0x7fffffff);
  OK(S32, "\x80\x80\x80\x80\x78", -0x7fffffff - 1);
  OK(S32, "\xff\xff\xff\xff\x7f", -1);
  BAD(S32, "\xff\xff\xff\xff\x0f", "integer too large");
  BAD(S32, "\x80\x80\x80\x80\x70", "integer too large");
  BAD(S32, "\x80\x80\x80\x80\x1f", "integer too large");
  BAD(S32, "\xff\xff\xff\xff\x4f", "integer too large");
  BAD(S32, "\x80\x80\x80\x80\x80\x00", "integer representation too long");

  OK(S33, "\xff\xff\xff\xff\x0f", 0xffffffffLL);   /* type index 2^32 - 1 */
  OK(S33, "\x80\x80\x80\x80\x70", -0x100000000LL);
  BAD(S33, "\x80\x80\x80\x80\x20", "integer too large");

  OK(S64, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x7f", INT64_MIN);
  OK(S64, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00", INT64_MAX);
  OK(S64, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", -1);
  BAD(S64, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x7e", "integer too large");
  BAD(S64, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", "integer too large");
  BAD(S64, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", "integer representation too long");

  OK(U64, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", -1);  /* UINT64_MAX */
  BAD(U64, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", "integer too large");
}

/* ---- opcode table and arena ------------------------------------------------------------- */

static void test_opcodes(void) {
  int mismatches = 0;
  for (int i = 0; i < OP_COUNT; i++)
    if (ir_op_lookup(ir_ops[i].prefix, ir_ops[i].code) != i) mismatches++;
  check(mismatches == 0, "%d opcode rows are not found by their own (prefix, code)", mismatches);
  check(ir_op_lookup(0, 0x6a) == OP_I32_ADD, "0x6a is i32.add");
  check(ir_op_lookup(0xfd, 0x113) == OP_I32X4_RELAXED_DOT_I8X16_I7X16_ADD_S, "0xfd 0x113");
  check(ir_op_lookup(0, 0xff) == -1 && ir_op_lookup(0xfc, 1000) == -1 &&
        ir_op_lookup(0xfd, 0x9a) == -1 && ir_op_lookup(0xfe, 0) == -1, "unknown opcodes");
  check(strcmp(swasm_opcode_name(0, 0x6a), "i32.add") == 0, "opcode name");
  check(strcmp(swasm_opcode_name(0xfc, 0), "i32.trunc_sat_f32_s") == 0, "prefixed name");
  check(strcmp(swasm_valtype_name(SWASM_EXTERNREF), "externref") == 0, "valtype name");
}

static void test_arena(void) {
  swasm_arena_t *a = ir_arena_new();
  bool aligned = true, zeroed = true;
  for (size_t i = 0; i < 3000; i++) {
    size_t n = (i * 37) % 700 + (i % 100 == 0 ? 100000 : 0);
    unsigned char *p = ir_arena_alloc(a, n);
    if (!p || ((uintptr_t)p & 15)) aligned = false;
    for (size_t k = 0; p && k < n; k++) if (p[k]) zeroed = false;
    if (p) memset(p, 0xab, n);
  }
  check(aligned, "arena allocations are 16-aligned");
  check(zeroed, "arena allocations are zeroed");
  check(ir_arena_alloc(a, SIZE_MAX - 8) == NULL, "huge allocation fails cleanly");
  ir_arena_reset(a);
  char *s = ir_arena_strndup(a, "hello world", 5);
  check(s && strcmp(s, "hello") == 0, "strndup after reset");
  ir_arena_free(a);
}

/* ---- instructions ----------------------------------------------------------------------- */

/* Decodes one instruction from bytes; returns false with the message on error. */
static bool instr(const char *bytes, size_t n, const swasm_features_t *f, ir_instr_t *in,
                  const char **msg) {
  static swasm_diag_t diag;
  static ir_instr_scratch_t scratch;
  ir_reader_t r = {.base = (const uint8_t *)bytes, .end = n, .diag = &diag, .features = f};
  bool ok = ir_read_instr(&r, in, &scratch) && r.pos == n;
  *msg = r.failed ? diag.message : "";
  return ok;
}

#define INSTR(s, f, in, msg) instr(s, sizeof s - 1, f, in, msg)

static void test_instr(void) {
  ir_instr_t in;
  const char *msg;
  swasm_features_t mm = {.multi_memory = true, .memory64 = true};
  check(INSTR("\x0e\x02\x00\x01\x02", NULL, &in, &msg) && in.op == OP_BR_TABLE &&
        in.u.br_table.count == 2 && in.u.br_table.targets[1] == 1 && in.u.br_table.deflt == 2,
        "br_table");
  check(!INSTR("\x0e\xff\xff\xff\xff\x0f\x00", NULL, &in, &msg), "br_table count beyond input");
  check(INSTR("\x02\x40", NULL, &in, &msg) && in.u.block.kind == BT_EMPTY, "block empty");
  check(INSTR("\x02\x7b", NULL, &in, &msg) && in.u.block.valtype == SWASM_V128, "block v128");
  check(INSTR("\x02\x05", NULL, &in, &msg) && in.u.block.kind == BT_INDEX &&
        in.u.block.index == 5, "block type index");
  check(!INSTR("\x02\x60", NULL, &in, &msg), "block with negative type index");
  check(INSTR("\x28\x02\x10", NULL, &in, &msg) && in.u.memarg.align == 2 &&
        in.u.memarg.offset == 16, "memarg");
  check(INSTR("\x28\x42\x01\x10", &mm, &in, &msg) && in.u.memarg.align == 2 &&
        in.u.memarg.mem == 1 && in.u.memarg.offset == 16, "memarg with memory index");
  check(INSTR("\x28\x02\x80\x80\x80\x80\x10", &mm, &in, &msg) &&
        in.u.memarg.offset == 0x100000000ULL, "memory64 offset");
  check(!INSTR("\x28\x02\x80\x80\x80\x80\x10", NULL, &in, &msg) &&
        strcmp(msg, "integer too large") == 0, "32-bit offset too large");
  check(INSTR("\x3f\x00", NULL, &in, &msg), "memory.size");
  check(!INSTR("\x3f\x01", NULL, &in, &msg) && strcmp(msg, "zero byte expected") == 0,
        "memory.size reserved byte");
  check(!INSTR("\x40\x80\x00", NULL, &in, &msg) && strcmp(msg, "zero byte expected") == 0,
        "memory.grow reserved byte as LEB");
  check(INSTR("\x3f\x80\x00", &mm, &in, &msg) && in.u.idx == 0, "memory.size with multi-memory");
  check(INSTR("\xfc\x0a\x00\x00", NULL, &in, &msg) && in.op == OP_MEMORY_COPY, "memory.copy");
  check(INSTR("\xfc\x08\x03\x00", NULL, &in, &msg) && in.u.pair.a == 3, "memory.init");
  check(INSTR("\x1c\x01\x7e", NULL, &in, &msg) && in.u.select.count == 1 &&
        in.u.select.type == SWASM_I64, "select t");
  check(!INSTR("\x1c\x01\x40", NULL, &in, &msg), "select with a bad type");
  check(INSTR("\xd0\x6f", NULL, &in, &msg) && in.u.reftype == SWASM_EXTERNREF, "ref.null");
  check(!INSTR("\xd0\x7f", NULL, &in, &msg) && strcmp(msg, "malformed reference type") == 0,
        "ref.null i32");
  check(!INSTR("\xf3", NULL, &in, &msg) && strncmp(msg, "illegal opcode", 14) == 0, "0xf3");
  check(!INSTR("\xfd\x9a\x01", NULL, &in, &msg) && strncmp(msg, "illegal opcode", 14) == 0,
        "0xfd 0x9a");
  check(INSTR("\xfd\x0c\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10", NULL,
              &in, &msg) && in.u.v128[15] == 0x10, "v128.const");
  check(!INSTR("\xfd\x0c\x01\x02", NULL, &in, &msg), "v128.const truncated");
  check(INSTR("\xfd\x54\x00\x00\x03", NULL, &in, &msg) && in.u.memarg.lane == 3, "load8_lane");
  check(INSTR("\x43\x00\x00\x80\x3f", NULL, &in, &msg) && in.u.f32 == 0x3f800000, "f32.const");
  check(INSTR("\x11\x02\x01", NULL, &in, &msg) && in.u.call_indirect.type == 2 &&
        in.u.call_indirect.table == 1, "call_indirect");
}

/* ---- modules ---------------------------------------------------------------------------- */

#define HDR "\x00\x61\x73\x6d\x01\x00\x00\x00"

static swasm_status_t decode(const char *bytes, size_t n, swasm_diag_t *d, swasm_module_t **m) {
  /* an exact-size heap copy, so a sanitizer sees any read past the end */
  uint8_t *copy = malloc(n ? n : 1);
  memcpy(copy, bytes, n);
  swasm_status_t st = swasm_module_decode(copy, n, NULL, m, d);
  free(copy);
  return st;
}

static void mod_ok(const char *name, const char *bytes, size_t n) {
  swasm_diag_t d;
  swasm_module_t *m;
  swasm_status_t st = decode(bytes, n, &d, &m);
  check(st == SWASM_OK, "%s: expected to decode, got '%s'", name, d.message);
  swasm_module_free(m);
}

static void mod_bad(const char *name, const char *bytes, size_t n, swasm_status_t want,
                    const char *msg) {
  swasm_diag_t d;
  swasm_module_t *m;
  swasm_status_t st = decode(bytes, n, &d, &m);
  check(st == want && m == NULL && strncmp(d.message, msg, strlen(msg)) == 0,
        "%s: expected status %d '%s', got %d '%s'", name, want, msg, st, st ? d.message : "ok");
}

#define MOD_OK(name, s) mod_ok(name, s, sizeof s - 1)
#define MOD_BAD(name, s, msg) mod_bad(name, s, sizeof s - 1, SWASM_MALFORMED, msg)

/* Types, an import, functions, a table, memory, global, exports, start, element segments in all
 * eight encodings, a data count, code with locals, data in three encodings and a name section. */
static const char full_module[] =
  HDR
  "\x01\x09\x02\x60\x01\x7f\x01\x7f\x60\x00\x00"                 /* types */
  "\x02\x0b\x01\x03" "env" "\x03log\x00\x01"                      /* import func env.log */
  "\x03\x03\x02\x00\x01"                                          /* 2 functions */
  "\x04\x04\x01\x70\x00\x10"                                      /* table funcref 16 */
  "\x05\x04\x01\x01\x01\x02"                                      /* memory 1..2 */
  "\x06\x06\x01\x7f\x01\x41\x07\x0b"                              /* global mut i32 7 */
  "\x07\x07\x01\x03run\x00\x01"                                   /* export "run" func 1 */
  "\x08\x01\x02"                                                  /* start func 2 */
  "\x09\x38\x08"                                                  /* 8 element segments */
  "\x00\x41\x00\x0b\x01\x01"                                      /* 0: active, funcs */
  "\x01\x00\x01\x02"                                              /* 1: passive, funcs */
  "\x02\x00\x41\x01\x0b\x00\x01\x01"                              /* 2: active table, funcs */
  "\x03\x00\x01\x01"                                              /* 3: declarative, funcs */
  "\x04\x41\x02\x0b\x01\xd2\x01\x0b"                              /* 4: active, exprs */
  "\x05\x70\x02\xd2\x02\x0b\xd0\x70\x0b"                          /* 5: passive, exprs */
  "\x06\x00\x41\x03\x0b\x70\x01\xd2\x01\x0b"                      /* 6: active table, exprs */
  "\x07\x70\x01\xd2\x02\x0b"                                      /* 7: declarative, exprs */
  "\x0c\x01\x03"                                                  /* data count 3 */
  "\x0a\x0d\x02"                                                  /* code */
  "\x06\x01\x02\x7e\x20\x00\x0b"                                  /* 2 i64 locals */
  "\x04\x00\x01\x01\x0b"                                          /* nop nop */
  "\x0b\x14\x03"                                                  /* 3 data segments */
  "\x00\x41\x00\x0b\x02hi"                                        /* active */
  "\x01\x03" "abc"                                               /* passive */
  "\x02\x00\x41\x08\x0b\x01z"                                     /* active, memory 0 */
  "\x00\x1c\x04name"                                              /* name section */
  "\x00\x04\x03mod"                                               /* module name */
  "\x01\x0f\x02\x01\x04main\x02\x06helper";                       /* function names */

static void test_full_module(void) {
  swasm_diag_t d;
  swasm_module_t *m;
  swasm_status_t st = decode(full_module, sizeof full_module - 1, &d, &m);
  check(st == SWASM_OK, "full module decodes: %s", d.message);
  if (st != SWASM_OK) return;
  check(m->ntypes == 2 && m->types[0].nparams == 1 && m->types[0].results[0] == SWASM_I32,
        "types");
  check(m->nimports == 1 && strcmp(m->imports[0].module, "env") == 0 &&
        m->nimported_funcs == 1 && m->nfuncs == 3 && m->funcs[0].type == 1, "imports");
  check(m->funcs[1].nlocals == 2 && m->funcs[1].nlocalgroups == 1 &&
        m->funcs[1].localgroups[0].type == SWASM_I64, "locals");
  check(ir_local_type(m, 1, 0) == SWASM_I32 && ir_local_type(m, 1, 2) == SWASM_I64 &&
        ir_local_type(m, 1, 3) == 0, "ir_local_type");
  check(m->bytes[m->funcs[2].body_offset] == 0x01 && m->funcs[2].body_end - m->funcs[2].body_offset == 3,
        "body range");
  check(m->ntables == 1 && m->tables[0].limits.min == 16 && m->nmemories == 1 &&
        m->memories[0].has_max && m->memories[0].max == 2, "table and memory");
  check(m->nglobals == 1 && m->globals[0].mut && m->globals[0].init.end - m->globals[0].init.offset == 3,
        "global");
  check(m->nexports == 1 && strcmp(m->exports[0].name, "run") == 0 && m->start == 2, "exports");
  check(m->nelems == 8, "8 element segments");
  if (m->nelems == 8) {
    check(m->elems[0].mode == SWASM_SEG_ACTIVE && m->elems[0].funcs && m->elems[0].count == 1,
          "elem 0");
    check(m->elems[1].mode == SWASM_SEG_PASSIVE && m->elems[3].mode == SWASM_SEG_DECLARATIVE,
          "elem 1, 3");
    check(m->elems[5].exprs && m->elems[5].count == 2 && m->elems[7].mode == SWASM_SEG_DECLARATIVE,
          "elem 5, 7");
    check(m->elems[6].table == 0 && m->elems[6].reftype == SWASM_FUNCREF, "elem 6");
  }
  check(m->ndatas == 3 && m->datas[1].mode == SWASM_SEG_PASSIVE && m->datas[1].size == 3 &&
        memcmp(m->bytes + m->datas[1].data_offset, "abc", 3) == 0, "data");
  check(m->has_datacount && m->datacount == 3, "data count");
  check(m->name && strcmp(m->name, "mod") == 0, "module name");
  check(m->funcs[1].name && strcmp(m->funcs[1].name, "main") == 0 && m->funcs[2].name &&
        strcmp(m->funcs[2].name, "helper") == 0, "function names");
  check(m->nsections == 13, "13 sections, got %u", m->nsections);

  swasm_diag_t e = {.status = SWASM_INVALID, .offset = 0x1a3, .func = 1};
  snprintf(e.message, sizeof e.message, "type mismatch");
  char buf[256];
  swasm_diag_format(&e, "app.wasm", m, buf, sizeof buf);
  check(strcmp(buf, "app.wasm:0x1a3: func 1 ($main): type mismatch") == 0, "diag: %s", buf);
  e.func = -1;
  swasm_diag_format(&e, "app.wasm", m, buf, sizeof buf);
  check(strcmp(buf, "app.wasm:0x1a3: type mismatch") == 0, "diag without func: %s", buf);
  swasm_module_free(m);
}

/* Every prefix must fail cleanly (except those that end exactly at a section boundary, which
 * are modules in their own right); every single-byte change must not crash. */
static void test_truncations(void) {
  size_t n = sizeof full_module - 1;
  swasm_diag_t d;
  swasm_module_t *m;
  swasm_module_t *whole;
  decode(full_module, n, &d, &whole);
  int wrong = 0;
  for (size_t k = 0; k < n; k++) {
    bool boundary = k == 8;
    for (uint32_t s = 0; whole && s < whole->nsections; s++)
      if (whole->sections[s].content_offset + whole->sections[s].size == k) boundary = true;
    swasm_status_t st = decode(full_module, k, &d, &m);
    swasm_module_free(m);
    /* Cutting the code section off leaves functions without bodies; cutting data leaves the
     * data count unmatched: both are still errors. */
    if (st == SWASM_OK && !boundary) wrong++;
  }
  swasm_module_free(whole);
  check(wrong == 0, "%d truncated modules were accepted", wrong);
  char *copy = malloc(n);
  for (size_t k = 8; k < n; k++) {
    for (int v = 0; v < 256; v += 51) {
      memcpy(copy, full_module, n);
      copy[k] = (char)v;
      if (decode(copy, n, &d, &m) == SWASM_OK) swasm_module_free(m);
    }
  }
  free(copy);
  check(true, "mutations did not crash");
}

static void test_malformed(void) {
  MOD_OK("empty module", HDR);
  MOD_BAD("empty input", "", "unexpected end");
  MOD_BAD("bad magic", "\x00\x61\x73\x6e\x01\x00\x00\x00", "magic header not detected");
  MOD_BAD("short version", "\x00\x61\x73\x6d\x01", "unexpected end");
  MOD_BAD("bad version", "\x00\x61\x73\x6d\x02\x00\x00\x00", "unknown binary version");
  MOD_BAD("section id", HDR "\x0e\x00", "malformed section id");
  MOD_BAD("section too long", HDR "\x01\x05\x00", "length out of bounds");
  MOD_BAD("section size mismatch", HDR "\x01\x02\x00\x00", "section size mismatch");
  MOD_BAD("order", HDR "\x03\x01\x00\x01\x01\x00", "unexpected content after last section");
  MOD_BAD("duplicate", HDR "\x01\x01\x00\x01\x01\x00", "unexpected content after last section");
  MOD_OK("data count before code", HDR "\x0c\x01\x00\x0a\x01\x00\x0b\x01\x00");
  MOD_BAD("data count after code", HDR "\x0a\x01\x00\x0c\x01\x00",
          "unexpected content after last section");
  MOD_BAD("custom name utf-8", HDR "\x00\x02\x01\xff", "malformed UTF-8 encoding");
  MOD_BAD("overlong utf-8", HDR "\x00\x03\x02\xc0\x80", "malformed UTF-8 encoding");
  MOD_BAD("surrogate", HDR "\x00\x04\x03\xed\xa0\x80", "malformed UTF-8 encoding");
  MOD_OK("4-byte utf-8", HDR "\x00\x05\x04\xf0\x9f\x98\x80");
  MOD_OK("garbage name section", HDR "\x00\x09\x04name\x01\xff\xff\x00");
  MOD_BAD("functype form", HDR "\x01\x04\x01\x61\x00\x00", "malformed functype");
  MOD_BAD("value type", HDR "\x01\x05\x01\x60\x01\x40\x00", "malformed value type");
  MOD_BAD("import kind", HDR "\x02\x04\x01\x00\x00\x05", "malformed import kind");
  MOD_BAD("mutability", HDR "\x06\x06\x01\x7f\x02\x41\x00\x0b", "malformed mutability");
  MOD_BAD("limits flags", HDR "\x05\x02\x01\x02", "integer too large");
  MOD_BAD("limits flags memory64 off", HDR "\x05\x03\x01\x04\x00", "integer too large");
  MOD_BAD("table reftype", HDR "\x04\x04\x01\x7f\x00\x00", "malformed reference type");
  MOD_BAD("elem kind", HDR "\x09\x04\x01\x01\x01\x00", "malformed element kind");
  MOD_BAD("elem flags", HDR "\x09\x03\x01\x08\x00", "malformed elements segment kind");
  MOD_BAD("data flags", HDR "\x0b\x03\x01\x03\x00", "malformed data segment kind");
  MOD_BAD("func without code", HDR "\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00",
          "function and code section have inconsistent lengths");
  MOD_BAD("code without func", HDR "\x0a\x04\x01\x02\x00\x0b",
          "function and code section have inconsistent lengths");
  MOD_BAD("data count mismatch", HDR "\x0c\x01\x01\x0b\x01\x00",
          "data count and data section have inconsistent lengths");
  MOD_BAD("data count without data", HDR "\x0c\x01\x01",
          "data count and data section have inconsistent lengths");
  MOD_BAD("too many locals (format)",
          HDR "\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a\x0c\x01\x0a\x02\xff\xff\xff\xff\x0f"
              "\x7f\x02\x7e\x0b", "too many locals");
  static const char limit[] =
      HDR "\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a\x08\x01\x06\x01\xd1\x86\x03\x7f\x0b";
  mod_bad("too many locals (limit)", limit, sizeof limit - 1, SWASM_LIMIT, "too many locals");
  MOD_BAD("body without end",
          HDR "\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a\x04\x01\x02\x00\x01",
          "unexpected end");
  MOD_BAD("huge count", HDR "\x01\x06\xff\xff\xff\xff\x0f\x60", "unexpected end");
  MOD_BAD("bad opcode in constant", HDR "\x06\x05\x01\x7f\x00\xf3\x0b", "illegal opcode");
  MOD_BAD("unterminated constant", HDR "\x06\x05\x01\x7f\x00\x41\x00", "unexpected end");
}

int main(void) {
  test_leb();
  test_opcodes();
  test_arena();
  test_instr();
  test_full_module();
  test_truncations();
  test_malformed();
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

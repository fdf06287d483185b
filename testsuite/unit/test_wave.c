/* test_wave.c - WAVE reading and printing (linker/wave) over value types built by hand: every
 * text is parsed, printed back and compared with the form Wasmtime prints; malformed or
 * ill-typed texts must be rejected with a message. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swasm/linker.h"

static int passed, failed;

#define PRIM(name, k) static const swasm_cm_type_t name = {.kind = k}
PRIM(t_bool, SWASM_CM_BOOL);
PRIM(t_s8, SWASM_CM_S8);
PRIM(t_u8, SWASM_CM_U8);
PRIM(t_s16, SWASM_CM_S16);
PRIM(t_s32, SWASM_CM_S32);
PRIM(t_u32, SWASM_CM_U32);
PRIM(t_s64, SWASM_CM_S64);
PRIM(t_u64, SWASM_CM_U64);
PRIM(t_f32, SWASM_CM_F32);
PRIM(t_f64, SWASM_CM_F64);
PRIM(t_char, SWASM_CM_CHAR);
PRIM(t_string, SWASM_CM_STRING);

static const swasm_cm_type_t t_list_u32 = {.kind = SWASM_CM_LIST, .a = &t_u32};
static const swasm_cm_type_t t_list_list = {.kind = SWASM_CM_LIST, .a = &t_list_u32};
static const swasm_cm_type_t t_opt_u32 = {.kind = SWASM_CM_OPTION, .a = &t_u32};
static const swasm_cm_type_t t_opt_str = {.kind = SWASM_CM_OPTION, .a = &t_string};
static const swasm_cm_type_t t_opt_opt = {.kind = SWASM_CM_OPTION, .a = &t_opt_u32};
static const swasm_cm_type_t t_res = {.kind = SWASM_CM_RESULT, .a = &t_string, .b = &t_u32};
static const swasm_cm_type_t t_res_empty = {.kind = SWASM_CM_RESULT};
static const swasm_cm_tfield_t rec_fields[] = {{"a", &t_u32}, {"opt", &t_opt_str}};
static const swasm_cm_type_t t_rec = {.kind = SWASM_CM_RECORD, .n = 2, .fields = rec_fields};
static const swasm_cm_type_t t_rec_empty = {.kind = SWASM_CM_RECORD};
static const swasm_cm_tfield_t kw_fields[] = {{"true", &t_bool}, {"none", &t_opt_u32},
                                              {"ok", &t_u32}};
static const swasm_cm_type_t t_kw_rec = {.kind = SWASM_CM_RECORD, .n = 3, .fields = kw_fields};
static const swasm_cm_tfield_t tup_fields[] = {{NULL, &t_string}, {NULL, &t_u32}, {NULL, &t_bool}};
static const swasm_cm_type_t t_tup = {.kind = SWASM_CM_TUPLE, .n = 3, .fields = tup_fields};
static const swasm_cm_tfield_t var_cases[] = {{"s", &t_string}, {"n", &t_u32}, {"empty", NULL},
                                              {"ok", NULL}};
static const swasm_cm_type_t t_var = {.kind = SWASM_CM_VARIANT, .n = 4, .fields = var_cases};
static const swasm_cm_tfield_t enum_cases[] = {{"red", NULL}, {"green", NULL}, {"none", NULL}};
static const swasm_cm_type_t t_enum = {.kind = SWASM_CM_ENUM, .n = 3, .fields = enum_cases};
static const swasm_cm_tfield_t flag_names[] = {{"read", NULL}, {"write", NULL}, {"exec", NULL}};
static const swasm_cm_type_t t_flags = {.kind = SWASM_CM_FLAGS, .n = 3, .fields = flag_names};
static const swasm_cm_type_t t_list_var = {.kind = SWASM_CM_LIST, .a = &t_var};
/* A list of itself: no validated type nests like this, but it lets the depth limit show. */
static const swasm_cm_type_t t_endless = {.kind = SWASM_CM_LIST, .a = &t_endless};

/* Parses text as t; prints it; the print must be want. */
static void ok(const swasm_cm_type_t *t, const char *text, const char *want) {
  swasm_carena_t *a = swasm_carena_new();
  swasm_cval_t v;
  char err[256];
  char *out = NULL;
  if (!swasm_wave_parse(text, strlen(text), t, &v, a, err, sizeof err)) {
    printf("FAIL parse %s: %s\n", text, err);
    failed++;
  } else if (!swasm_wave_print(t, &v, &out) || strcmp(out, want) != 0) {
    printf("FAIL print %s: got %s, want %s\n", text, out ? out : "(error)", want);
    failed++;
  } else {
    passed++;
  }
  free(out);
  swasm_carena_free(a);
}

static void bad(const swasm_cm_type_t *t, const char *text) {
  swasm_carena_t *a = swasm_carena_new();
  swasm_cval_t v;
  char err[256] = "";
  if (swasm_wave_parse(text, strlen(text), t, &v, a, err, sizeof err) || !err[0]) {
    printf("FAIL accepted %s\n", text);
    failed++;
  } else {
    passed++;
  }
  swasm_carena_free(a);
}

static void scalars(void) {
  ok(&t_bool, "true", "true");
  ok(&t_bool, " false // comment", "false");
  ok(&t_s8, "-128", "-128");
  ok(&t_u8, "255", "255");
  bad(&t_u8, "256");
  bad(&t_u8, "-0");
  bad(&t_u32, "1.5");
  bad(&t_u32, "0x10");
  bad(&t_u32, "+1");
  ok(&t_s16, "-32768", "-32768");
  ok(&t_s32, "-2147483648", "-2147483648");
  bad(&t_s32, "2147483648");
  ok(&t_u64, "18446744073709551615", "18446744073709551615");
  bad(&t_u64, "18446744073709551616");
  ok(&t_s64, "-9223372036854775808", "-9223372036854775808");
  ok(&t_f32, "5", "5");
  ok(&t_f32, "0.1", "0.1");
  ok(&t_f32, "3.14", "3.14");
  ok(&t_f32, "1e30", "1000000000000000000000000000000");
  ok(&t_f32, "-inf", "-inf");
  ok(&t_f64, "inf", "inf");
  ok(&t_f64, "nan", "nan");
  ok(&t_f64, "6.022e+23", "602200000000000000000000");
  ok(&t_f64, "1.5e-7", "0.00000015");
  ok(&t_f64, "-0", "-0");
  ok(&t_f64, "0.30000000000000004", "0.30000000000000004");
  bad(&t_f64, "-nan");
  bad(&t_f64, ".5");
  ok(&t_char, "'x'", "'x'");
  ok(&t_char, "'\\''", "'\\''");
  ok(&t_char, "'\"'", "'\\\"'");
  ok(&t_char, "'\\u{0}'", "'\\u{0}'");
  ok(&t_char, "'\\u{1F600}'", "'\xf0\x9f\x98\x80'");
  ok(&t_char, "'\xe2\x98\x83'", "'\xe2\x98\x83'");
  bad(&t_char, "'ab'");
  bad(&t_char, "'\\u{d800}'");
  bad(&t_char, "''");
  ok(&t_string, "\"abc\\t123\"", "\"abc\\t123\"");
  ok(&t_string, "\"it's \\\"q\\\" \\\\ \\n\\r\"", "\"it\\'s \\\"q\\\" \\\\ \\n\\r\"");
  ok(&t_string, "\"\\u{7f}\\u{1b}\xc3\xa9\"", "\"\\u{7f}\\u{1b}\xc3\xa9\"");
  ok(&t_string, "\"\"", "\"\"");
  /* combining marks, no-break and zero-width spaces, private use: escaped as Rust does */
  ok(&t_string, "\"e\\u{301} \\u{a0}\\u{200b}\\u{e000}\xe6\x97\xa5\"",
     "\"e\\u{301} \\u{a0}\\u{200b}\\u{e000}\xe6\x97\xa5\"");
  ok(&t_string, "\"\"\"\n  one\n    two\n  \"\"\"", "\"one\\n  two\"");
  /* wasm-wave's own accept-strings and accept-floats cases */
  ok(&t_string, "\"\"\"\n\"\"\"", "\"\"");
  ok(&t_string, "\"\"\"\n    Trailing indent\n  determines dedent\n      behavior.\n  \"\"\"",
     "\"  Trailing indent\\ndetermines dedent\\n    behavior.\"");
  ok(&t_string, "\"\"\"\n\nEmpty leading and trailing lines are retained\n\n\"\"\"",
     "\"\\nEmpty leading and trailing lines are retained\\n\"");
  ok(&t_string, "\"'\\'\\u{27}\"", "\"\\'\\'\\'\"");
  ok(&t_string, "\"\\u{2603}\\u{002603}\"", "\"\xe2\x98\x83\xe2\x98\x83\"");
  ok(&t_f32, "0.000e100", "0");
  ok(&t_f32, "0e+1", "0");
  ok(&t_f32, "-0.0e-0", "-0");
  ok(&t_f32, "-3.1415", "-3.1415");
  ok(&t_f32, "3.4028234664123e38", "340282350000000000000000000000000000000");
  ok(&t_f32, "3.4028234664e39", "inf");
  ok(&t_f32, "1.4012984643e-45", "0.000000000000000000000000000000000000000000001");
  ok(&t_f32, "1.4012984643e-46", "0");
  bad(&t_string, "\"\"\"one\"\"\"");
  bad(&t_string, "\"a\nb\"");
  bad(&t_string, "\"\\q\"");
  bad(&t_string, "\"abc");
  bad(&t_string, "\"a\" \"b\"");
}

static void compounds(void) {
  ok(&t_list_u32, "[]", "[]");
  ok(&t_list_u32, "[1,2 , 3,]", "[1, 2, 3]");
  ok(&t_list_list, "[[1], [], [2, 3]]", "[[1], [], [2, 3]]");
  bad(&t_list_u32, "[1 2]");
  bad(&t_list_u32, "[,]");
  ok(&t_rec, "{a: 1, opt: some(\"x\")}", "{a: 1, opt: some(\"x\")}");
  ok(&t_rec, "{opt: none, a: 2}", "{a: 2}");
  ok(&t_rec, "{a: 3}", "{a: 3}");
  ok(&t_rec, "{a: 3, opt: \"flat\"}", "{a: 3, opt: some(\"flat\")}");
  bad(&t_rec, "{opt: none}");
  bad(&t_rec, "{a: 1, a: 2}");
  bad(&t_rec, "{a: 1, b: 2}");
  ok(&t_rec_empty, "{:}", "{:}");
  ok(&t_rec_empty, "{ : }", "{:}");
  ok(&t_kw_rec, "{true: true, none: none, ok: 1}", "{true: true, ok: 1}");
  bad(&t_rec_empty, "{}");
  ok(&t_tup, "(\"abc\", 123, true)", "(\"abc\", 123, true)");
  bad(&t_tup, "(\"abc\", 123)");
  bad(&t_tup, "()");
  ok(&t_var, "s(\"hi\")", "s(\"hi\")");
  ok(&t_var, "n( 99 )", "n(99)");
  ok(&t_var, "empty", "empty");
  ok(&t_var, "%ok", "%ok");
  ok(&t_var, "%empty", "empty");
  bad(&t_var, "ok");
  bad(&t_var, "s");
  bad(&t_var, "empty(1)");
  bad(&t_var, "other");
  ok(&t_list_var, "[n(1), empty, s(\"\")]", "[n(1), empty, s(\"\")]");
  ok(&t_enum, "green", "green");
  ok(&t_enum, "%none", "%none");
  bad(&t_enum, "none");
  bad(&t_enum, "blue");
  ok(&t_opt_u32, "some(5)", "some(5)");
  ok(&t_opt_u32, "none", "none");
  ok(&t_opt_u32, "5", "some(5)");
  ok(&t_opt_opt, "some(none)", "some(none)");
  ok(&t_opt_opt, "some(some(1))", "some(some(1))");
  bad(&t_opt_opt, "1");
  ok(&t_res, "ok(\"yo\")", "ok(\"yo\")");
  ok(&t_res, "err(404)", "err(404)");
  ok(&t_res, "\"flat ok\"", "ok(\"flat ok\")");
  bad(&t_res, "ok");
  ok(&t_res_empty, "ok", "ok");
  ok(&t_res_empty, "err", "err");
  bad(&t_res_empty, "err(1)");
  ok(&t_flags, "{}", "{}");
  ok(&t_flags, "{exec, read}", "{read, exec}");
  bad(&t_flags, "{read, read}");
  bad(&t_flags, "{other}");
  bad(&t_flags, "{read: 1}");
}

/* Values built directly (as a lift would make them) print like Wasmtime's. */
static void printing(void) {
  char *out = NULL;
  swasm_cval_t v = {.u.f32 = 16777216.0f};
  swasm_wave_print(&t_f32, &v, &out);
  if (strcmp(out, "16777216") == 0) passed++;
  else printf("FAIL f32 16777216: %s\n", out), failed++;
  free(out);
  v.u.f64 = 1e-320;   /* subnormal */
  swasm_wave_print(&t_f64, &v, &out);
  if (strncmp(out, "0.00000", 7) == 0 && strlen(out) == 2 + 320) passed++;
  else printf("FAIL f64 1e-320: %s\n", out), failed++;
  free(out);
  /* deep nesting is refused by the reader */
  char deep[512];
  size_t n = 0;
  for (int i = 0; i < 200; i++) deep[n++] = '[';
  for (int i = 0; i < 200; i++) deep[n++] = ']';
  deep[n] = 0;
  bad(&t_endless, deep);
  ok(&t_endless, "[[], [[]]]", "[[], [[]]]");
}

int main(void) {
  scalars();
  compounds();
  printing();
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}

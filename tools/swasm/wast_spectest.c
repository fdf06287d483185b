/* wast_spectest.c - the "spectest" host module: print functions, four immutable globals, a
 * funcref table (10..20) and a memory (1..2 pages), as the spec test scripts expect them. */
#include "wast_spectest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wast_value.h"

#define NFUNCS 7

static const uint8_t t_i32[] = {SWASM_T_I32}, t_i64[] = {SWASM_T_I64},
                     t_f32[] = {SWASM_T_F32}, t_f64[] = {SWASM_T_F64},
                     t_i32_f32[] = {SWASM_T_I32, SWASM_T_F32},
                     t_f64_f64[] = {SWASM_T_F64, SWASM_T_F64};

static const struct {
  const char *name;
  swasm_desc_functype_t type;
} funcs[NFUNCS] = {
  {"print", {0, 0, NULL}},
  {"print_i32", {1, 0, t_i32}},
  {"print_i64", {1, 0, t_i64}},
  {"print_f32", {1, 0, t_f32}},
  {"print_f64", {1, 0, t_f64}},
  {"print_i32_f32", {2, 0, t_i32_f32}},
  {"print_f64_f64", {2, 0, t_f64_f64}},
};

enum { G_I32, G_I64, G_F32, G_F64, NGLOBALS };
static const struct { const char *name; uint8_t type; } globals[NGLOBALS] = {
  {"global_i32", SWASM_T_I32}, {"global_i64", SWASM_T_I64},
  {"global_f32", SWASM_T_F32}, {"global_f64", SWASM_T_F64},
};

struct wast_spectest {
  swasm_host_func_t *funcs[NFUNCS];
  swasm_val_t cells[NGLOBALS];
  swasm_table_t *table;
  swasm_memory_t *memory;
};

static bool print_cb(void *env, swasm_instance_t *caller, swasm_val_t *args, swasm_error_t *err) {
  (void)caller;
  (void)err;
  const swasm_desc_functype_t *t = env;
  char buf[128];
  printf("spectest.print(");
  for (uint32_t i = 0; i < t->nparams; i++) {
    wast_value_format(t->types[i], 0, &args[i], buf, sizeof buf);
    printf("%s%s", i ? ", " : "", buf);
  }
  printf(")\n");
  return true;
}

static bool quiet_cb(void *env, swasm_instance_t *caller, swasm_val_t *args, swasm_error_t *err) {
  (void)env, (void)caller, (void)args, (void)err;
  return true;
}

wast_spectest_t *wast_spectest_new(bool guarded, bool verbose, swasm_error_t *err) {
  wast_spectest_t *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err->message, sizeof err->message, "out of memory");
    return NULL;
  }
  for (int i = 0; i < NFUNCS; i++) {
    s->funcs[i] = swasm_host_func_new(&funcs[i].type, verbose ? print_cb : quiet_cb,
                                      (void *)&funcs[i].type);
    if (!s->funcs[i]) {
      snprintf(err->message, sizeof err->message, "cannot create spectest.%s", funcs[i].name);
      wast_spectest_free(s);
      return NULL;
    }
  }
  s->cells[G_I32].i32 = 666;
  s->cells[G_I64].i64 = 666;
  s->cells[G_F32].f32 = 666.6f;
  s->cells[G_F64].f64 = 666.6;
  s->table = swasm_table_new(SWASM_T_FUNCREF, 10, 20, err);
  s->memory = s->table ? swasm_memory_new(1, 2, true, guarded, err) : NULL;
  if (!s->memory) {
    wast_spectest_free(s);
    return NULL;
  }
  return s;
}

bool wast_spectest_lookup(wast_spectest_t *s, const char *name, swasm_extern_t *out) {
  memset(out, 0, sizeof *out);
  for (int i = 0; i < NFUNCS; i++)
    if (strcmp(name, funcs[i].name) == 0) {
      out->kind = SWASM_K_FUNC;
      out->u.func = swasm_host_func_get(s->funcs[i]);
      return true;
    }
  for (int i = 0; i < NGLOBALS; i++)
    if (strcmp(name, globals[i].name) == 0) {
      out->kind = SWASM_K_GLOBAL;
      out->u.global.cell = &s->cells[i];
      out->u.global.type = globals[i].type;
      out->u.global.mut = false;
      return true;
    }
  if (strcmp(name, "table") == 0) {
    out->kind = SWASM_K_TABLE;
    out->u.table = s->table;
    return true;
  }
  if (strcmp(name, "memory") == 0) {
    out->kind = SWASM_K_MEMORY;
    out->u.memory = s->memory;
    return true;
  }
  return false;
}

void wast_spectest_free(wast_spectest_t *s) {
  if (!s) return;
  for (int i = 0; i < NFUNCS; i++)
    if (s->funcs[i]) swasm_host_func_free(s->funcs[i]);
  if (s->table) swasm_table_free(s->table);
  if (s->memory) swasm_memory_free(s->memory);
  free(s);
}

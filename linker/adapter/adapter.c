/* adapter.c - fused adapters at run time: a `canon lower` of a lifted function becomes the
 * generated adapter module of compiler.h (compiled through the compile cache, loaded and
 * instantiated here) with the helpers it imports: entering and leaving the callee instance,
 * the canonical ABI's range, UTF-8 and realloc checks with the tree path's exact trap
 * messages (linker/canon), and post-return. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon/canon.h"

enum {
  H_ENTER, H_LEAVE, H_CHECK_LEAVE, H_TRAP, H_STR_IN, H_STR_OUT, H_LIST_IN, H_LIST_OUT,
  H_RANGE_CALLER, H_RANGE_CALLEE, H_REALLOC_CALLER, H_REALLOC_CALLEE, H_POST, H_COUNT
};

/* The imports that are plain functions of the wasm calling convention (ctx is the adapter). */
enum { F_ENTER, F_LEAVE, F_CHECK_LEAVE, F_STR_IN, F_STR_OUT, F_COUNT };

struct lk_adapter {
  const lk_lowered_t *lw;
  lk_instance_t *caller, *callee;
  const lk_opts_t *caller_opts, *callee_opts;
  uint32_t saved_borrows;          /* the callee's, while the adapter is inside it */
  swasm_loaded_t *loaded;
  swasm_host_func_t *helpers[H_COUNT];
  swasm_funcref_t fast[F_COUNT];   /* the *_fast imports: C functions called directly */
};

bool lk_adapters_enabled(void) {
  const char *e = getenv("SWASM_ADAPTERS");
  return !e || strcmp(e, "tree") != 0;
}

/* SWASM_ADAPTERS=report: one line on stderr per canon lower of a lifted function, saying
 * which path it takes (to see what the generated path covers). */
static lk_adapter_t *report(const lk_lowered_t *lw, lk_adapter_t *ad, const char *why) {
  const char *e = getenv("SWASM_ADAPTERS");
  if (e && strcmp(e, "report") == 0)
    fprintf(stderr, "swasm: canon lower of %s: %s\n",
            lw->callee && lw->callee->name ? lw->callee->name : "?", ad ? "adapter" : why);
  return ad;
}

/* ---- the helpers ------------------------------------------------------------------------- */

static uint32_t u32(const swasm_val_t *a, int i) { return (uint32_t)a[i].i32; }

static bool check_leave(void *env, swasm_instance_t *c, swasm_val_t *a, swasm_error_t *err) {
  (void)c, (void)a;
  lk_adapter_t *ad = env;
  if (ad->caller && !ad->caller->may_leave) return lk_trap(err, "cannot leave component instance");
  return true;
}

static void do_enter(lk_adapter_t *ad) {
  lk_instance_t *in = ad->callee;
  ad->saved_borrows = in->borrows_in_call;
  in->busy = true;
  in->borrows_in_call = 0;
  in->calls++;
  cn_task_start(in);
}

/* As call_lifted in canon/call.c. A trap after this leaves the callee busy, which refuses
 * every later entry just as the tree path's poisoning does. */
static bool enter(void *env, swasm_instance_t *c, swasm_val_t *a, swasm_error_t *err) {
  lk_adapter_t *ad = env;
  if (!check_leave(env, c, a, err)) return false;
  if (ad->callee->poisoned || ad->callee->busy)
    return lk_trap(err, "cannot enter component instance");
  do_enter(ad);
  return true;
}

static bool leave(void *env, swasm_instance_t *c, swasm_val_t *a, swasm_error_t *err) {
  (void)c, (void)a;
  lk_adapter_t *ad = env;
  lk_instance_t *in = ad->callee;
  if (in->borrows_in_call)
    return lk_trap(err, "borrow handles still remain at the end of the call");
  in->busy = false;
  in->borrows_in_call = ad->saved_borrows;
  return true;
}

/* ---- the fast imports: 0 when done, 1 when the helper must run (and trap) ---- */

static lk_adapter_t *adapter_of(struct swasm_vmctx *ctx) { return (lk_adapter_t *)(void *)ctx; }

static int32_t enter_fast(struct swasm_vmctx *ctx) {
  lk_adapter_t *ad = adapter_of(ctx);
  if ((ad->caller && !ad->caller->may_leave) || ad->callee->poisoned || ad->callee->busy) return 1;
  do_enter(ad);
  return 0;
}

static int32_t check_leave_fast(struct swasm_vmctx *ctx) {
  lk_adapter_t *ad = adapter_of(ctx);
  return ad->caller && !ad->caller->may_leave;
}

static int32_t leave_fast(struct swasm_vmctx *ctx) {
  lk_adapter_t *ad = adapter_of(ctx);
  lk_instance_t *in = ad->callee;
  if (in->borrows_in_call) return 1;
  in->busy = false;
  in->borrows_in_call = ad->saved_borrows;
  return 0;
}

static int32_t string_fast(const lk_opts_t *o, int32_t ptr, int32_t len) {
  uint64_t p = (uint32_t)ptr, n = (uint32_t)len;
  size_t at;
  uint32_t bad;
  if (!o->memory || p > o->memory->size || n > o->memory->size - p) return 1;
  return cn_utf8_valid(o->memory->base + p, (size_t)n, &at, &bad) ? 0 : 1;
}

static int32_t str_in_fast(struct swasm_vmctx *ctx, int32_t ptr, int32_t len) {
  return string_fast(adapter_of(ctx)->caller_opts, ptr, len);
}

static int32_t str_out_fast(struct swasm_vmctx *ctx, int32_t ptr, int32_t len) {
  return string_fast(adapter_of(ctx)->callee_opts, ptr, len);
}

static bool trap(void *env, swasm_instance_t *c, swasm_val_t *a, swasm_error_t *err) {
  (void)env, (void)c;
  cn_cx_t cx = {.err = err, .adapter = true};
  if (u32(a, 0) == SWASM_ADAPTER_TRAP_CHAR && !cn_char_ok(&cx, u32(a, 1))) return false;
  if (u32(a, 0) == SWASM_ADAPTER_TRAP_DISCRIMINANT)
    return lk_trap(err, "invalid variant discriminant");
  return lk_trap(err, "canonical ABI: adapter trap %u", u32(a, 0));
}

static bool string(const lk_opts_t *o, swasm_val_t *a, swasm_error_t *err) {
  cn_cx_t cx = {.opts = o, .err = err, .adapter = true};
  uint32_t ptr = u32(a, 0), len = u32(a, 1);
  if (!cn_check_range(&cx, ptr, len, 1, "string")) return false;
  size_t at;
  uint32_t bad;
  if (cn_utf8_valid(o->memory->base + ptr, len, &at, &bad)) return true;
  if (bad == 0) return lk_trap(err, "incomplete utf-8 byte sequence from index %zu", at);
  return lk_trap(err, "invalid utf-8 sequence of %u bytes from index %zu", bad, at);
}

static bool str_in(void *env, swasm_instance_t *c, swasm_val_t *a, swasm_error_t *err) {
  (void)c;
  return string(((lk_adapter_t *)env)->caller_opts, a, err);
}

static bool str_out(void *env, swasm_instance_t *c, swasm_val_t *a, swasm_error_t *err) {
  (void)c;
  return string(((lk_adapter_t *)env)->callee_opts, a, err);
}

static bool list(const lk_opts_t *o, swasm_val_t *a, swasm_error_t *err) {
  cn_cx_t cx = {.opts = o, .err = err, .adapter = true};
  return cn_check_range(&cx, u32(a, 0), (uint64_t)u32(a, 1) * u32(a, 2), u32(a, 3), "list");
}

static bool list_in(void *env, swasm_instance_t *c, swasm_val_t *a, swasm_error_t *err) {
  (void)c;
  return list(((lk_adapter_t *)env)->caller_opts, a, err);
}

static bool list_out(void *env, swasm_instance_t *c, swasm_val_t *a, swasm_error_t *err) {
  (void)c;
  return list(((lk_adapter_t *)env)->callee_opts, a, err);
}

static bool range(const lk_opts_t *o, swasm_val_t *a, swasm_error_t *err) {
  cn_cx_t cx = {.opts = o, .err = err, .adapter = true};
  return cn_check_range(&cx, u32(a, 0), u32(a, 1), u32(a, 2), "return");
}

static bool range_caller(void *env, swasm_instance_t *c, swasm_val_t *a, swasm_error_t *err) {
  (void)c;
  return range(((lk_adapter_t *)env)->caller_opts, a, err);
}

static bool range_callee(void *env, swasm_instance_t *c, swasm_val_t *a, swasm_error_t *err) {
  (void)c;
  return range(((lk_adapter_t *)env)->callee_opts, a, err);
}

typedef int32_t (*realloc_code_t)(struct swasm_vmctx *, int32_t, int32_t, int32_t, int32_t);

/* Whether f is a wasm function of type (i32 i32 i32 i32) -> i32 that can be called directly. */
static bool direct_realloc(const swasm_func_t *f) {
  static const uint8_t t[5] = {SWASM_T_I32, SWASM_T_I32, SWASM_T_I32, SWASM_T_I32, SWASM_T_I32};
  return f->ref && f->ref->code && f->tramp && f->type && f->type->nparams == 4 &&
         f->type->nresults == 1 && memcmp(f->type->types, t, 5) == 0;
}

/* realloc(0, 0, align, size) of one side, as cn_lower_string's store_copy and cn_lower_list
 * make it, with cn_realloc's checks and messages. A wasm realloc is called directly rather than
 * through swasm_call: the adapter runs under its caller's trap entry already, so a trap in
 * realloc unwinds straight to it (leaving the instance unable to leave, and busy: it is not
 * entered again). */
static bool alloc(const lk_opts_t *o, swasm_val_t *a, swasm_error_t *err) {
  cn_cx_t cx = {.opts = o, .err = err, .adapter = true};
  uint32_t align = u32(a, 0), size = u32(a, 1), p;
  bool str = u32(a, 2) == SWASM_ADAPTER_FOR_STRING;
  const char *what = str ? "string" : "list";
  if (str && size > CN_MAX_STRING_BYTES)
    return lk_trap(err, "string too large to lower (%llu bytes)", (unsigned long long)size);
  if (!o->has_realloc || !o->memory || !o->inst || !direct_realloc(&o->realloc)) {
    if (!cn_realloc(&cx, 0, 0, align, size, what, &p)) return false;
    a[0].i32 = (int32_t)p;
    return true;
  }
  realloc_code_t code;
  memcpy(&code, &o->realloc.ref->code, sizeof code);
  bool saved = o->inst->may_leave;
  o->inst->may_leave = false;
  p = (uint32_t)code(o->realloc.ref->ctx, 0, 0, (int32_t)align, (int32_t)size);
  o->inst->may_leave = saved;
  if (align > 1 && p % align != 0) return lk_trap(err, "wasm trap: unaligned pointer");
  if ((uint64_t)p + size > o->memory->size)
    return lk_trap(err, "wasm trap: %s content out-of-bounds", what);
  a[0].i32 = (int32_t)p;
  return true;
}

static bool realloc_caller(void *env, swasm_instance_t *c, swasm_val_t *a, swasm_error_t *err) {
  (void)c;
  return alloc(((lk_adapter_t *)env)->caller_opts, a, err);
}

static bool realloc_callee(void *env, swasm_instance_t *c, swasm_val_t *a, swasm_error_t *err) {
  (void)c;
  return alloc(((lk_adapter_t *)env)->callee_opts, a, err);
}

static bool post(void *env, swasm_instance_t *c, swasm_val_t *a, swasm_error_t *err) {
  (void)c;
  lk_adapter_t *ad = env;
  ad->callee->may_leave = false;
  bool ok = swasm_call(&ad->callee_opts->post_return, a, err);
  ad->callee->may_leave = true;
  return ok;
}

static const struct {
  const char *name;
  uint8_t np, nr;
  swasm_host_cb cb;
} helpers[H_POST] = {
  [H_ENTER] = {"enter", 0, 0, enter}, [H_LEAVE] = {"leave", 0, 0, leave},
  [H_CHECK_LEAVE] = {"check_leave", 0, 0, check_leave}, [H_TRAP] = {"trap", 2, 0, trap},
  [H_STR_IN] = {"str_in", 2, 0, str_in}, [H_STR_OUT] = {"str_out", 2, 0, str_out},
  [H_LIST_IN] = {"list_in", 4, 0, list_in}, [H_LIST_OUT] = {"list_out", 4, 0, list_out},
  [H_RANGE_CALLER] = {"range_caller", 3, 0, range_caller},
  [H_RANGE_CALLEE] = {"range_callee", 3, 0, range_callee},
  [H_REALLOC_CALLER] = {"realloc_caller", 3, 1, realloc_caller},
  [H_REALLOC_CALLEE] = {"realloc_callee", 3, 1, realloc_callee},
};

/* ---- building ---------------------------------------------------------------------------- */

static const uint8_t fast_types[3] = {SWASM_T_I32, SWASM_T_I32, SWASM_T_I32};
static const swasm_desc_functype_t fast_void = {0, 1, fast_types};   /* () -> i32 */
static const swasm_desc_functype_t fast_pair = {2, 1, fast_types};   /* (i32 i32) -> i32 */
static const struct {
  const char *name;
  const swasm_desc_functype_t *type;
} fast[F_COUNT] = {
  [F_ENTER] = {"enter_fast", &fast_void}, [F_LEAVE] = {"leave_fast", &fast_void},
  [F_CHECK_LEAVE] = {"check_leave_fast", &fast_void},
  [F_STR_IN] = {"str_in_fast", &fast_pair}, [F_STR_OUT] = {"str_out_fast", &fast_pair},
};

static bool make_fast(lk_adapter_t *ad) {
  int32_t (*v[3])(struct swasm_vmctx *) = {enter_fast, leave_fast, check_leave_fast};
  int32_t (*p[2])(struct swasm_vmctx *, int32_t, int32_t) = {str_in_fast, str_out_fast};
  for (int i = 0; i < F_COUNT; i++) {
    swasm_funcref_t *r = &ad->fast[i];
    if (i < F_STR_IN) memcpy(&r->code, &v[i], sizeof r->code);
    else memcpy(&r->code, &p[i - F_STR_IN], sizeof r->code);
    r->ctx = (struct swasm_vmctx *)(void *)ad;
    if (!(r->type_id = swasm_type_id(fast[i].type))) return false;
  }
  return true;
}

static bool make_helpers(lk_adapter_t *ad) {
  if (!make_fast(ad)) return false;
  static const uint8_t i32s[5] = {SWASM_T_I32, SWASM_T_I32, SWASM_T_I32, SWASM_T_I32,
                                  SWASM_T_I32};
  for (int i = 0; i < H_POST; i++) {
    swasm_desc_functype_t t = {helpers[i].np, helpers[i].nr, i32s};
    if (!(ad->helpers[i] = swasm_host_func_new(&t, helpers[i].cb, ad))) return false;
  }
  if (!ad->callee_opts->has_post_return) return true;
  const swasm_desc_functype_t *core = ad->lw->callee->core.type;
  swasm_desc_functype_t t = {core->nresults, 0, core->types + core->nparams};
  return (ad->helpers[H_POST] = swasm_host_func_new(&t, post, ad)) != NULL;
}

static bool resolve(void *env, const char *module, const char *name, uint32_t kind,
                    swasm_extern_t *out) {
  lk_adapter_t *ad = env;
  (void)kind;
  if (strcmp(module, "a") != 0) return false;
  memset(out, 0, sizeof *out);
  if (strcmp(name, "callee") == 0) {
    out->kind = SWASM_K_FUNC;
    out->u.func = ad->lw->callee->core;
    return true;
  }
  if (strcmp(name, "mem_caller") == 0 || strcmp(name, "mem_callee") == 0) {
    out->kind = SWASM_K_MEMORY;
    out->u.memory = strcmp(name, "mem_caller") == 0 ? ad->caller_opts->memory
                                                    : ad->callee_opts->memory;
    return out->u.memory != NULL;
  }
  for (int i = 0; i < F_COUNT; i++)
    if (strcmp(name, fast[i].name) == 0) {
      out->kind = SWASM_K_FUNC;
      out->u.func = (swasm_func_t){.ref = &ad->fast[i], .type = fast[i].type, .tramp = NULL};
      return true;
    }
  if (strcmp(name, "post") == 0 && ad->helpers[H_POST]) {
    out->kind = SWASM_K_FUNC;
    out->u.func = swasm_host_func_get(ad->helpers[H_POST]);
    return true;
  }
  for (int i = 0; i < H_POST; i++)
    if (strcmp(name, helpers[i].name) == 0) {
      out->kind = SWASM_K_FUNC;
      out->u.func = swasm_host_func_get(ad->helpers[i]);
      return true;
    }
  return false;
}

static swasm_adapter_side_t side(const swasm_cm_type_t *t, const lk_opts_t *o) {
  swasm_adapter_side_t s = {.type = t, .enc = o->enc, .has_memory = o->memory != NULL,
                            .has_realloc = o->has_realloc, .has_post_return = o->has_post_return,
                            .async = o->async};
  return s;
}

/* The pairs the generated path takes: two wasm instances, 32-bit memories. */
static bool eligible(const lk_lowered_t *lw) {
  const lk_func_t *f = lw->callee;
  if (!f || f->is_host || !f->type || !f->opts.inst || !lw->opts.inst || !f->core.type)
    return false;
  const swasm_memory_t *m[2] = {lw->opts.memory, f->opts.memory};
  for (int i = 0; i < 2; i++)
    if (m[i] && m[i]->is64) return false;
  return true;
}

lk_adapter_t *lk_adapter_new(const lk_lowered_t *lw, const swasm_compile_opts_t *copts,
                             swasm_func_t *out, swasm_instance_t **inst) {
  if (!eligible(lw)) return lw->callee && !lw->callee->is_host ? report(lw, NULL, "tree (options)")
                                                             : NULL;
  const lk_func_t *f = lw->callee;
  swasm_adapter_side_t lower = side(lw->type ? lw->type : f->type, &lw->opts);
  swasm_adapter_side_t lift = side(f->type, &f->opts);
  if (!swasm_adapter_supported(&lower, &lift)) {
    char why[128];
    int n = snprintf(why, sizeof why, "tree (type:");
    for (uint32_t i = 0; i < f->type->n && n > 0 && n < 100; i++)
      n += snprintf(why + n, sizeof why - (size_t)n, " %#x", f->type->fields[i].type->kind);
    if (f->type->a && n > 0 && n < 100)
      snprintf(why + n, sizeof why - (size_t)n, " -> %#x)", f->type->a->kind);
    return report(lw, NULL, why);
  }
  char path[4096];
  swasm_diag_t d;
  if (swasm_adapter_compile(&lower, &lift, copts, path, sizeof path, &d) != SWASM_OK)
    return report(lw, NULL, d.message);
  lk_adapter_t *ad = calloc(1, sizeof *ad);
  if (!ad) return NULL;
  ad->lw = lw;
  ad->caller = lw->opts.inst;
  ad->callee = f->opts.inst;
  ad->caller_opts = &lw->opts;
  ad->callee_opts = &f->opts;
  swasm_error_t err;
  swasm_extern_t x;
  memset(&err, 0, sizeof err);
  if (!make_helpers(ad) || !(ad->loaded = swasm_load(path, &err)) ||
      !(*inst = swasm_instantiate(ad->loaded, resolve, ad, &err))) {
    lk_adapter_free(ad);
    return report(lw, NULL, err.message[0] ? err.message : "tree (out of memory)");
  }
  if (!swasm_instance_export(*inst, "adapter", &x) || x.kind != SWASM_K_FUNC) {
    swasm_instance_free(*inst);
    *inst = NULL;
    lk_adapter_free(ad);
    return report(lw, NULL, "tree (no export)");
  }
  *out = x.u.func;
  return report(lw, ad, NULL);
}

void lk_adapter_free(lk_adapter_t *a) {
  if (!a) return;
  for (int i = 0; i < H_COUNT; i++)
    if (a->helpers[i]) swasm_host_func_free(a->helpers[i]);
  if (a->loaded) swasm_unload(a->loaded);
  free(a);
}

/* canon.h - what the canonical ABI's files share: the lift/lower context, cursors over flat core
 * values, and the cn_ functions that layout, flat, load_store, string and handles export to
 * call.c. Private to linker/canon. */
#ifndef SWASM_CANON_H
#define SWASM_CANON_H

#include "lk.h"

#define CN_MAX_FLAT_PARAMS 16
#define CN_MAX_FLAT_RESULTS 1
#define CN_MAX_FLAT_ASYNC_PARAMS 4
#define CN_STATUS_RETURNED 2
#define CN_UTF16_TAG 0x80000000u
#define CN_MAX_STRING_BYTES 0x7fffffffu

/* An own handle of the caller lent to a call as a borrow: its lend count drops after the call. */
typedef struct cn_lender {
  lk_instance_t *inst;
  uint32_t index;
  struct cn_lender *next;
} cn_lender_t;

/* One direction of one call: the options of the side whose memory and handle table are read or
 * written, where lifted values go, and how traps are worded. */
typedef struct cn_cx {
  const lk_opts_t *opts;
  swasm_carena_t *arena;
  swasm_error_t *err;
  /* Wasmtime words the same trap differently in a fused adapter between two components than
   * at the host boundary, and the reference tests expect each wording where it applies. */
  bool adapter;
  cn_lender_t *lenders;           /* lifting: borrows taken from this side's own handles */
  /* The instance whose bindings name the resource types of the types read here: opts->inst
   * when NULL. An adapter reads the caller's values against the callee's function type when
   * it has no type of its own (lk_lowered_t.type). */
  lk_instance_t *rtypes_in;
} cn_cx_t;

/* A cursor over flat core values and their types (SWASM_T_*). */
typedef struct cn_flat {
  swasm_val_t *v;
  const uint8_t *types;
  uint32_t n, i;
} cn_flat_t;

#pragma GCC visibility push(hidden)

/* ---- builtins.c ---- */
/* The environment of a canon built-in's core function. */
typedef struct cn_builtin {
  lk_instance_t *inst;
  lk_rtype_t *rt;                  /* resource built-ins */
  uint32_t kind;                   /* SWASM_CANON_* */
  uint32_t imm;                    /* context slot */
  const char *name;
  lk_opts_t opts;                  /* task.return */
  const swasm_cm_type_t *type;     /* task.return: the result type */
  struct cn_builtin *next;
} cn_builtin_t;
swasm_host_func_t *cn_builtin_make(lk_instance_t *inst, const cn_builtin_t *proto,
                                   const swasm_desc_functype_t *ft, swasm_host_cb cb);
void cn_canon_free(struct lk_canon *c);
/* A new task (a call of a lifted function) starts with zeroed context slots. */
void cn_task_start(lk_instance_t *inst);

/* The async task of an instance running now (an async lift): where task.return delivers. */
typedef struct cn_task {
  const swasm_cm_type_t *result_type;
  swasm_cval_t *result;
  swasm_carena_t *arena;
  bool adapter, returned;
} cn_task_t;
/* Makes t the running task of inst (NULL: none); returns the one it replaces. */
cn_task_t *cn_task_swap(lk_instance_t *inst, cn_task_t *t);

/* ---- arena.c ---- */
bool cn_trap(cn_cx_t *cx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Remembers the encoding and code-unit count a lifted string had in its source memory, so
 * lowering it again sizes realloc requests as the spec's transcoders do. */
void cn_note_string(swasm_carena_t *a, const char *ptr, swasm_cm_strenc_t enc, uint32_t units);
bool cn_string_note(swasm_carena_t *a, const char *ptr, swasm_cm_strenc_t *enc, uint32_t *units);

/* ---- layout.c ---- */
/* Despecialised view of variant-like types (variant, enum, option, result). */
bool cn_is_variant(const swasm_cm_type_t *t);
bool cn_is_record(const swasm_cm_type_t *t);
uint32_t cn_nfields(const swasm_cm_type_t *t);
const swasm_cm_type_t *cn_field(const swasm_cm_type_t *t, uint32_t i);
uint32_t cn_ncases(const swasm_cm_type_t *t);
const swasm_cm_type_t *cn_case(const swasm_cm_type_t *t, uint32_t i);
uint32_t cn_disc_size(uint32_t ncases);
uint32_t cn_max_case_align(const swasm_cm_type_t *t);
uint32_t cn_align_to(uint32_t x, uint32_t a);
/* Flattens t: writes at most cap types to out, returns the full count (saturating). A type the
 * canonical ABI of 0.2 does not cover returns UINT32_MAX. */
uint32_t cn_flatten(const swasm_cm_type_t *t, uint8_t *out, uint32_t cap);
bool cn_supported(const swasm_cm_type_t *t);
bool cn_flatten_core(const swasm_cm_type_t *ft, bool is_lower, bool async,
                     swasm_desc_functype_t *out);
/* The element type of a list, or of a map (a list of key-value tuples): tmp holds the tuple. */
typedef struct cn_pair {
  swasm_cm_type_t t;
  swasm_cm_tfield_t f[2];
} cn_pair_t;
const swasm_cm_type_t *cn_elem(const swasm_cm_type_t *t, cn_pair_t *tmp);

/* ---- flat.c ---- */
bool cn_lift_flat(cn_cx_t *cx, cn_flat_t *in, const swasm_cm_type_t *t, swasm_cval_t *out);
bool cn_lower_flat(cn_cx_t *cx, const swasm_cval_t *v, const swasm_cm_type_t *t, cn_flat_t *out);
bool cn_char_ok(cn_cx_t *cx, uint32_t c);
float cn_canon_f32(float f);
double cn_canon_f64(double f);

/* ---- load_store.c ---- */
swasm_memory_t *cn_memory(cn_cx_t *cx);
/* Checks ptr is aligned and [ptr, ptr+size) lies in memory; what names it for messages. */
bool cn_check_range(cn_cx_t *cx, uint64_t ptr, uint64_t size, uint32_t align, const char *what);
bool cn_realloc(cn_cx_t *cx, uint32_t old, uint32_t old_size, uint32_t align, uint32_t new_size,
                const char *what, uint32_t *out);
bool cn_load(cn_cx_t *cx, uint32_t ptr, const swasm_cm_type_t *t, swasm_cval_t *out);
bool cn_store(cn_cx_t *cx, const swasm_cval_t *v, const swasm_cm_type_t *t, uint32_t ptr);
bool cn_lift_list(cn_cx_t *cx, uint32_t ptr, uint32_t len, const swasm_cm_type_t *elem,
                  swasm_cval_t *out);
bool cn_lower_list(cn_cx_t *cx, const swasm_cval_t *v, const swasm_cm_type_t *elem,
                   uint32_t *ptr, uint32_t *len);

/* ---- string.c ---- */
bool cn_lift_string(cn_cx_t *cx, uint32_t ptr, uint32_t tagged_units, swasm_cval_t *out);
bool cn_lower_string(cn_cx_t *cx, const swasm_cval_t *v, uint32_t *ptr, uint32_t *tagged_units);
/* UTF-8 validation as Rust's from_utf8 reports it: returns true when valid, else fills the
 * offset of the first bad sequence and its length (0: truncated at the end). */
bool cn_utf8_valid(const uint8_t *s, size_t n, size_t *bad_at, uint32_t *bad_len);

/* ---- handles.c ---- */
lk_rtype_t *cn_rtype(cn_cx_t *cx, const swasm_cm_type_t *handle_type);
bool cn_lift_own(cn_cx_t *cx, uint32_t index, const swasm_cm_type_t *t, uint32_t *rep);
bool cn_lift_borrow(cn_cx_t *cx, uint32_t index, const swasm_cm_type_t *t, uint32_t *rep);
bool cn_lower_own(cn_cx_t *cx, uint32_t rep, const swasm_cm_type_t *t, uint32_t *index);
bool cn_lower_borrow(cn_cx_t *cx, uint32_t rep, const swasm_cm_type_t *t, uint32_t *index);
void cn_release_lenders(cn_lender_t *l);

#pragma GCC visibility pop

#endif

/* validate.h - what the validator's files share: the validation context with its operand and
 * control stacks (the spec appendix's algorithm), and the inline fast paths for pushing and
 * popping operand types. Private to compiler/validate. */
#ifndef SWASM_VALIDATE_H
#define SWASM_VALIDATE_H

#include "ir.h"

#if defined(__GNUC__)
#define VAL_LIKELY(x) __builtin_expect(!!(x), 1)
#define VAL_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define VAL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define VAL_LIKELY(x) (x)
#define VAL_UNLIKELY(x) (x)
#define VAL_PRINTF(f, a)
#endif

/* The operand type the spec calls Unknown: what pops yield below a frame's height once the
 * frame is unreachable. It matches every type. */
#define VAL_UNKNOWN 0

/* Upper bounds that keep hostile input from exhausting memory. Both are far above anything a
 * compiler emits; stack growth is otherwise bounded only by body size times type arity. */
#define VAL_MAX_VALS (1u << 24)
#define VAL_MAX_CTRLS (1u << 20)
/* Parameters and results of one function type, as in browsers and wasmparser. Each typing rule
 * costs time proportional to the arity it checks, so without a bound a small module of
 * repeated `br`s to a label of huge arity would take quadratic time. */
#define VAL_MAX_ARITY 1000u

typedef enum val_framekind {
  FR_FUNC, FR_BLOCK, FR_LOOP, FR_IF, FR_ELSE
} val_framekind_t;

typedef struct val_frame {
  const uint8_t *params, *results;
  uint32_t nparams, nresults;
  uint32_t height;          /* operand stack height at entry, params excluded */
  uint8_t kind;             /* val_framekind_t */
  bool unreachable;
} val_frame_t;

typedef struct val_ctx {
  const swasm_module_t *m;
  swasm_diag_t *diag;
  bool failed;
  int64_t func;             /* function index being validated, -1 outside bodies */
  const ir_instr_t *in;     /* instruction being validated, for messages */

  uint8_t *vals;            /* operand stack of swasm_valtype_t bytes or VAL_UNKNOWN */
  uint32_t nvals, capvals;
  val_frame_t *ctrls;
  uint32_t nctrls, capctrls;

  /* the function being validated */
  const swasm_functype_t *ftype;
  uint32_t nlocals;         /* parameters included */
  uint32_t *lends;          /* lends[g]: index just past local group g (parameters included) */
  uint32_t caplends;
  const swasm_funcdef_t *fn;

  uint8_t *refs;            /* bitmap of function indices declared for ref.func (C.refs) */
  bool const_mode;          /* walking a constant expression: only constant instructions */
  ir_instr_scratch_t scratch;
} val_ctx_t;

/* ---- errors (stack.c) ---------------------------------------------------------------------- */

/* Fills the diagnostic (the first error wins) and returns false so callers can
 * `return val_fail(...)`. */
IR_HIDDEN bool val_fail(val_ctx_t *c, swasm_status_t st, uint64_t offset, const char *fmt, ...)
    VAL_PRINTF(4, 5);
/* SWASM_INVALID at the current instruction. */
IR_HIDDEN bool val_error(val_ctx_t *c, const char *fmt, ...) VAL_PRINTF(2, 3);
IR_HIDDEN const char *val_type_name(uint8_t t);

/* ---- stacks (stack.c) ------------------------------------------------------------------------ */

IR_HIDDEN bool val_grow_vals(val_ctx_t *c, uint32_t n);
IR_HIDDEN bool val_pop_slow(val_ctx_t *c, uint8_t want);
IR_HIDDEN bool val_pop_any(val_ctx_t *c, uint8_t *out);
IR_HIDDEN bool val_pop_vals(val_ctx_t *c, const uint8_t *types, uint32_t n);
/* Checks that the top values match types without popping them (Unknown below an unreachable
 * frame's height matches anything). */
IR_HIDDEN bool val_peek_vals(val_ctx_t *c, const uint8_t *types, uint32_t n);
IR_HIDDEN bool val_push_vals(val_ctx_t *c, const uint8_t *types, uint32_t n);
IR_HIDDEN bool val_push_ctrl(val_ctx_t *c, val_framekind_t kind, const uint8_t *params,
                             uint32_t nparams, const uint8_t *results, uint32_t nresults);
/* Pops the innermost frame after checking its results; *out receives a copy. */
IR_HIDDEN bool val_pop_ctrl(val_ctx_t *c, val_frame_t *out);
IR_HIDDEN void val_set_unreachable(val_ctx_t *c);
IR_HIDDEN void val_reset(val_ctx_t *c);
IR_HIDDEN void val_ctx_free(val_ctx_t *c);
/* A pointer to one byte holding t, for one-value block types and expected types. */
IR_HIDDEN const uint8_t *val_one(uint8_t t);

static inline bool val_push(val_ctx_t *c, uint8_t t) {
  if (VAL_UNLIKELY(c->nvals == c->capvals) && !val_grow_vals(c, 1))
    return false;
  c->vals[c->nvals++] = t;
  return true;
}

/* The spec's pop_val(expect): a mismatch or an empty reachable frame is an error. */
static inline bool val_pop(val_ctx_t *c, uint8_t want) {
  if (VAL_LIKELY(c->nvals > c->ctrls[c->nctrls - 1].height)) {
    uint8_t got = c->vals[c->nvals - 1];
    if (VAL_LIKELY(got == want || got == VAL_UNKNOWN)) {
      c->nvals--;
      return true;
    }
  }
  return val_pop_slow(c, want);
}

/* ---- function bodies and constant expressions (body.c, instr.c) ----------------------------- */

/* Validates the body of defined function fidx. */
IR_HIDDEN bool val_function(val_ctx_t *c, uint32_t fidx);
/* Validates a constant expression producing type; ref.func in it declares its function. */
IR_HIDDEN bool val_const_expr(val_ctx_t *c, swasm_expr_t e, uint8_t type);
/* One instruction's typing rule. */
IR_HIDDEN bool val_instr(val_ctx_t *c, const ir_instr_t *in);
/* The hand-written rules for instructions outside control flow. */
IR_HIDDEN bool val_instr_var(val_ctx_t *c, const ir_instr_t *in);
IR_HIDDEN bool val_instr_table(val_ctx_t *c, const ir_instr_t *in);
IR_HIDDEN bool val_instr_memory(val_ctx_t *c, const ir_instr_t *in);
IR_HIDDEN bool val_instr_regular(val_ctx_t *c, const ir_instr_t *in);
/* Decodes bodies from fidx on without typing them: finds malformed encodings that the spec
 * reports before any validation error. Returns false and fills the diagnostic on the first. */
IR_HIDDEN bool val_scan_malformed(val_ctx_t *c, uint32_t fidx);

static inline bool val_has_memory(val_ctx_t *c, uint32_t mem) {
  return mem < c->m->nmemories || val_error(c, "unknown memory %u", mem);
}

#endif

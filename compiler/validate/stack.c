/* stack.c - the validator's operand and control stacks (the spec appendix's push_val, pop_val,
 * push_ctrl, pop_ctrl, unreachable) and its error reporting. The stacks grow geometrically and
 * are reused across every function of a module. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

bool val_fail(val_ctx_t *c, swasm_status_t st, uint64_t offset, const char *fmt, ...) {
  if (c->failed)
    return false;
  c->failed = true;
  c->diag->status = st;
  c->diag->offset = offset;
  c->diag->func = c->func;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->diag->message, sizeof c->diag->message, fmt, ap);
  va_end(ap);
  return false;
}

bool val_error(val_ctx_t *c, const char *fmt, ...) {
  if (c->failed)
    return false;
  c->failed = true;
  c->diag->status = SWASM_INVALID;
  c->diag->offset = c->in ? c->in->offset : 0;
  c->diag->func = c->func;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->diag->message, sizeof c->diag->message, fmt, ap);
  va_end(ap);
  return false;
}

const char *val_type_name(uint8_t t) {
  switch (t) {
  case SWASM_I32: return "i32";
  case SWASM_I64: return "i64";
  case SWASM_F32: return "f32";
  case SWASM_F64: return "f64";
  case SWASM_V128: return "v128";
  case SWASM_FUNCREF: return "funcref";
  case SWASM_EXTERNREF: return "externref";
  case VAL_UNKNOWN: return "any";
  default: return "<invalid type>";
  }
}

static const uint8_t one_of[256] = {
  [SWASM_I32] = SWASM_I32, [SWASM_I64] = SWASM_I64, [SWASM_F32] = SWASM_F32,
  [SWASM_F64] = SWASM_F64, [SWASM_V128] = SWASM_V128, [SWASM_FUNCREF] = SWASM_FUNCREF,
  [SWASM_EXTERNREF] = SWASM_EXTERNREF,
};

const uint8_t *val_one(uint8_t t) {
  return &one_of[t];
}

/* Names what is popping, for messages: the instruction, or the construct an `end` closes. */
static const char *what(val_ctx_t *c) {
  if (!c->in)
    return "expression";
  if (c->in->op == OP_END || c->in->op == OP_ELSE) {
    if (c->const_mode)
      return "constant expression";
    switch (c->ctrls[c->nctrls - 1].kind) {
    case FR_FUNC: return "end of function";
    case FR_BLOCK: return "end of block";
    case FR_LOOP: return "end of loop";
    case FR_IF: return c->in->op == OP_ELSE ? "else (end of then-branch)" : "end of if";
    default: return "end of else";
    }
  }
  return ir_ops[c->in->op].name;
}

bool val_grow_vals(val_ctx_t *c, uint32_t n) {
  if (n > VAL_MAX_VALS - c->nvals)
    return val_fail(c, SWASM_LIMIT, c->in ? c->in->offset : 0,
                    "operand stack deeper than %u values", VAL_MAX_VALS);
  uint32_t need = c->nvals + n;
  if (need <= c->capvals)
    return true;
  uint32_t cap = c->capvals ? c->capvals : 256;
  while (cap < need)
    cap = cap > VAL_MAX_VALS / 2 ? VAL_MAX_VALS : cap * 2;
  uint8_t *v = realloc(c->vals, cap);
  if (!v)
    return val_fail(c, SWASM_LIMIT, c->in ? c->in->offset : 0, "out of memory (operand stack)");
  c->vals = v;
  c->capvals = cap;
  return true;
}

bool val_pop_slow(val_ctx_t *c, uint8_t want) {
  const val_frame_t *f = &c->ctrls[c->nctrls - 1];
  if (c->nvals > f->height) {
    uint8_t got = c->vals[c->nvals - 1];
    if (got == want || got == VAL_UNKNOWN) {
      c->nvals--;
      return true;
    }
    return val_error(c, "type mismatch: %s expects %s, found %s", what(c), val_type_name(want),
                     val_type_name(got));
  }
  if (f->unreachable)
    return true;
  return val_error(c, "type mismatch: %s expects %s, found nothing on the stack", what(c),
                   val_type_name(want));
}

bool val_pop_any(val_ctx_t *c, uint8_t *out) {
  const val_frame_t *f = &c->ctrls[c->nctrls - 1];
  if (c->nvals > f->height) {
    *out = c->vals[--c->nvals];
    return true;
  }
  *out = VAL_UNKNOWN;
  if (f->unreachable)
    return true;
  return val_error(c, "type mismatch: %s expects a value, found nothing on the stack", what(c));
}

bool val_pop_vals(val_ctx_t *c, const uint8_t *types, uint32_t n) {
  if (n == 0)
    return true;
  const val_frame_t *f = &c->ctrls[c->nctrls - 1];
  uint32_t avail = c->nvals - f->height;
  if (avail >= n && memcmp(c->vals + c->nvals - n, types, n) == 0) {
    c->nvals -= n;
    return true;
  }
  /* Below an unreachable frame's height every pop yields Unknown, which matches: only the
   * values actually there are checked, so the cost is bounded by what was pushed. */
  uint32_t stop = avail < n && f->unreachable ? n - avail : 0;
  for (uint32_t i = n; i-- > stop;)
    if (!val_pop(c, types[i]))
      return false;
  return true;
}

bool val_peek_vals(val_ctx_t *c, const uint8_t *types, uint32_t n) {
  const val_frame_t *f = &c->ctrls[c->nctrls - 1];
  uint32_t avail = c->nvals - f->height;
  for (uint32_t i = 0; i < n; i++) {
    uint8_t want = types[n - 1 - i];
    if (i >= avail) {
      if (f->unreachable)
        return true;
      return val_error(c, "type mismatch: %s expects %s, found nothing on the stack", what(c),
                       val_type_name(want));
    }
    uint8_t got = c->vals[c->nvals - 1 - i];
    if (got != want && got != VAL_UNKNOWN)
      return val_error(c, "type mismatch: %s expects %s, found %s", what(c),
                       val_type_name(want), val_type_name(got));
  }
  return true;
}

bool val_push_vals(val_ctx_t *c, const uint8_t *types, uint32_t n) {
  if (n > c->capvals - c->nvals && !val_grow_vals(c, n))
    return false;
  if (n)
    memcpy(c->vals + c->nvals, types, n);
  c->nvals += n;
  return true;
}

bool val_push_ctrl(val_ctx_t *c, val_framekind_t kind, const uint8_t *params, uint32_t nparams,
                   const uint8_t *results, uint32_t nresults) {
  if (c->nctrls == c->capctrls) {
    if (c->nctrls >= VAL_MAX_CTRLS)
      return val_fail(c, SWASM_LIMIT, c->in ? c->in->offset : 0,
                      "blocks nested deeper than %u", VAL_MAX_CTRLS);
    uint32_t cap = c->capctrls ? c->capctrls * 2 : 64;
    val_frame_t *f = realloc(c->ctrls, (size_t)cap * sizeof *f);
    if (!f)
      return val_fail(c, SWASM_LIMIT, c->in ? c->in->offset : 0,
                      "out of memory (control stack)");
    c->ctrls = f;
    c->capctrls = cap;
  }
  val_frame_t *f = &c->ctrls[c->nctrls++];
  f->params = params;
  f->nparams = nparams;
  f->results = results;
  f->nresults = nresults;
  f->height = c->nvals;
  f->kind = (uint8_t)kind;
  f->unreachable = false;
  return val_push_vals(c, params, nparams);
}

bool val_pop_ctrl(val_ctx_t *c, val_frame_t *out) {
  const val_frame_t *f = &c->ctrls[c->nctrls - 1];
  if (!val_pop_vals(c, f->results, f->nresults))
    return false;
  if (c->nvals != f->height) {
    uint32_t extra = c->nvals - f->height;
    return val_error(c, "type mismatch: %s leaves %u extra value%s on the stack", what(c), extra,
                     extra == 1 ? "" : "s");
  }
  *out = *f;
  c->nctrls--;
  return true;
}

void val_set_unreachable(val_ctx_t *c) {
  val_frame_t *f = &c->ctrls[c->nctrls - 1];
  c->nvals = f->height;
  f->unreachable = true;
}

void val_reset(val_ctx_t *c) {
  c->nvals = 0;
  c->nctrls = 0;
  c->in = NULL;
}

void val_ctx_free(val_ctx_t *c) {
  free(c->vals);
  free(c->ctrls);
  free(c->lends);
  free(c->refs);
  ir_instr_scratch_free(&c->scratch);
  memset(c, 0, sizeof *c);
}

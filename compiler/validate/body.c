/* body.c - validation of function bodies and constant expressions: the walk over the bytes with
 * ir_read_instr, the typing rules of control instructions, calls and parametric instructions,
 * and the dispatch of everything else to instr.c. Follows the spec appendix's algorithm. */
#include <stdlib.h>
#include <string.h>

#include "validate.h"

static bool is_valtype(uint8_t t) {
  switch (t) {
  case SWASM_I32: case SWASM_I64: case SWASM_F32: case SWASM_F64: case SWASM_V128:
  case SWASM_FUNCREF: case SWASM_EXTERNREF:
    return true;
  default:
    return false;
  }
}

static bool is_num_or_unknown(uint8_t t) {
  return t == VAL_UNKNOWN || t == SWASM_I32 || t == SWASM_I64 || t == SWASM_F32 ||
         t == SWASM_F64;
}

static bool is_vec_or_unknown(uint8_t t) {
  return t == VAL_UNKNOWN || t == SWASM_V128;
}

/* Reports the reader's failure (it filled the diagnostic) or an unexpected end. */
static bool reader_failed(val_ctx_t *c, const ir_reader_t *r) {
  if (r->failed) {
    c->failed = true;
    c->diag->func = c->func;
    if (c->diag->status == SWASM_OK)
      c->diag->status = SWASM_MALFORMED;
    return false;
  }
  return val_fail(c, SWASM_MALFORMED, r->pos, "unexpected end of section or function");
}

/* ---- control ------------------------------------------------------------------------------- */

static bool block_type(val_ctx_t *c, const ir_instr_t *in, const uint8_t **params,
                       uint32_t *np, const uint8_t **results, uint32_t *nr) {
  *params = *results = NULL;
  *np = *nr = 0;
  switch (in->u.block.kind) {
  case BT_EMPTY:
    return true;
  case BT_VALTYPE:
    if (!is_valtype(in->u.block.valtype))
      return val_fail(c, SWASM_MALFORMED, in->offset, "malformed block type 0x%02x",
                      in->u.block.valtype);
    *results = val_one(in->u.block.valtype);
    *nr = 1;
    return true;
  default: {
    uint32_t idx = in->u.block.index;
    if (idx >= c->m->ntypes)
      return val_error(c, "unknown type %u", idx);
    const swasm_functype_t *t = &c->m->types[idx];
    *params = t->params;
    *np = t->nparams;
    *results = t->results;
    *nr = t->nresults;
    return true;
  }
  }
}

static bool op_block(val_ctx_t *c, const ir_instr_t *in) {
  const uint8_t *params, *results;
  uint32_t np, nr;
  if (!block_type(c, in, &params, &np, &results, &nr))
    return false;
  if (in->op == OP_IF && !val_pop(c, SWASM_I32))
    return false;
  if (!val_pop_vals(c, params, np))
    return false;
  val_framekind_t k = in->op == OP_BLOCK ? FR_BLOCK : in->op == OP_LOOP ? FR_LOOP : FR_IF;
  return val_push_ctrl(c, k, params, np, results, nr);
}

static bool op_else(val_ctx_t *c, const ir_instr_t *in) {
  if (c->ctrls[c->nctrls - 1].kind != FR_IF)
    return val_fail(c, SWASM_MALFORMED, in->offset, "END opcode expected (else without if)");
  val_frame_t f;
  if (!val_pop_ctrl(c, &f))
    return false;
  return val_push_ctrl(c, FR_ELSE, f.params, f.nparams, f.results, f.nresults);
}

static bool op_end(val_ctx_t *c) {
  val_frame_t f;
  if (!val_pop_ctrl(c, &f))
    return false;
  if (f.kind == FR_IF && (f.nparams != f.nresults ||
                          (f.nparams && memcmp(f.params, f.results, f.nparams) != 0)))
    return val_error(c, "type mismatch: if without else must have equal parameter and result "
                        "types");
  if (f.kind == FR_FUNC)
    return true;
  return val_push_vals(c, f.results, f.nresults);
}

static bool label(val_ctx_t *c, uint32_t l, const uint8_t **types, uint32_t *n) {
  if (l >= c->nctrls)
    return val_error(c, "unknown label %u", l);
  const val_frame_t *f = &c->ctrls[c->nctrls - 1 - l];
  if (f->kind == FR_LOOP) {
    *types = f->params;
    *n = f->nparams;
  } else {
    *types = f->results;
    *n = f->nresults;
  }
  return true;
}

static bool op_br(val_ctx_t *c, const ir_instr_t *in) {
  const uint8_t *t;
  uint32_t n;
  if (!label(c, in->u.idx, &t, &n))
    return false;
  if (in->op == OP_BR_IF) {
    if (!val_pop(c, SWASM_I32) || !val_pop_vals(c, t, n))
      return false;
    return val_push_vals(c, t, n);
  }
  if (!val_pop_vals(c, t, n))
    return false;
  val_set_unreachable(c);
  return true;
}

static bool op_br_table(val_ctx_t *c, const ir_instr_t *in) {
  const uint8_t *dt, *t, *last = NULL;
  uint32_t arity, n;
  if (!val_pop(c, SWASM_I32) || !label(c, in->u.br_table.deflt, &dt, &arity))
    return false;
  /* The spec pushes back what each target pops; that only turns missing values of an
   * unreachable frame into Unknowns, so every target is a pure check of the same stack, and a
   * label type sequence checked once need not be checked again: hostile tables repeat one
   * label of large arity many times. */
  for (uint32_t i = 0; i < in->u.br_table.count; i++) {
    uint32_t l = in->u.br_table.targets[i];
    if (!label(c, l, &t, &n))
      return false;
    if (n != arity)
      return val_error(c, "type mismatch: br_table label %u takes %u value%s, the default "
                          "label takes %u", l, n, n == 1 ? "" : "s", arity);
    if (t == last || t == dt)
      continue;
    if (!val_peek_vals(c, t, n))
      return false;
    last = t;
  }
  if (!val_pop_vals(c, dt, arity))
    return false;
  val_set_unreachable(c);
  return true;
}

static bool op_call(val_ctx_t *c, const ir_instr_t *in) {
  const swasm_functype_t *ft;
  if (in->op == OP_CALL) {
    if (in->u.idx >= c->m->nfuncs)
      return val_error(c, "unknown function %u", in->u.idx);
    ft = &c->m->types[c->m->funcs[in->u.idx].type];
  } else {
    uint32_t tab = in->u.call_indirect.table, ty = in->u.call_indirect.type;
    if (tab >= c->m->ntables)
      return val_error(c, "unknown table %u", tab);
    const swasm_tabletype_t *tt = &c->m->tables[tab];
    if (tt->elemtype != SWASM_FUNCREF)
      return val_error(c, "type mismatch: call_indirect needs a funcref table, table %u holds "
                          "%s", tab, val_type_name(tt->elemtype));
    if (ty >= c->m->ntypes)
      return val_error(c, "unknown type %u", ty);
    ft = &c->m->types[ty];
    if (!val_pop(c, tt->limits.is64 ? SWASM_I64 : SWASM_I32))
      return false;
  }
  if (!val_pop_vals(c, ft->params, ft->nparams))
    return false;
  return val_push_vals(c, ft->results, ft->nresults);
}

/* ---- parametric ---------------------------------------------------------------------------- */

static bool op_select(val_ctx_t *c, const ir_instr_t *in) {
  if (in->op == OP_SELECT_T) {
    uint8_t t = in->u.select.type;
    if (in->u.select.count != 1)
      return val_error(c, "invalid result arity %u for select", in->u.select.count);
    if (!is_valtype(t))
      return val_fail(c, SWASM_MALFORMED, in->offset, "malformed value type 0x%02x", t);
    if (!val_pop(c, SWASM_I32) || !val_pop(c, t) || !val_pop(c, t))
      return false;
    return val_push(c, t);
  }
  uint8_t t1, t2;
  if (!val_pop(c, SWASM_I32) || !val_pop_any(c, &t1) || !val_pop_any(c, &t2))
    return false;
  if (!((is_num_or_unknown(t1) && is_num_or_unknown(t2)) ||
        (is_vec_or_unknown(t1) && is_vec_or_unknown(t2))))
    return val_error(c, "type mismatch: select without a type needs numeric or vector "
                        "operands of one type, found %s and %s", val_type_name(t2),
                     val_type_name(t1));
  if (t1 != t2 && t1 != VAL_UNKNOWN && t2 != VAL_UNKNOWN)
    return val_error(c, "type mismatch: select operands differ: %s and %s", val_type_name(t2),
                     val_type_name(t1));
  return val_push(c, t1 == VAL_UNKNOWN ? t2 : t1);
}

/* ---- dispatch ------------------------------------------------------------------------------ */

bool val_instr(val_ctx_t *c, const ir_instr_t *in) {
  switch (in->op) {
  case OP_UNREACHABLE:
    val_set_unreachable(c);
    return true;
  case OP_NOP:
    return true;
  case OP_BLOCK: case OP_LOOP: case OP_IF:
    return op_block(c, in);
  case OP_ELSE:
    return op_else(c, in);
  case OP_END:
    return op_end(c);
  case OP_BR: case OP_BR_IF:
    return op_br(c, in);
  case OP_BR_TABLE:
    return op_br_table(c, in);
  case OP_RETURN:
    if (!val_pop_vals(c, c->ftype->results, c->ftype->nresults))
      return false;
    val_set_unreachable(c);
    return true;
  case OP_CALL: case OP_CALL_INDIRECT:
    return op_call(c, in);
  case OP_DROP: {
    uint8_t t;
    return val_pop_any(c, &t);
  }
  case OP_SELECT: case OP_SELECT_T:
    return op_select(c, in);
  case OP_LOCAL_GET: case OP_LOCAL_SET: case OP_LOCAL_TEE: case OP_GLOBAL_GET:
  case OP_GLOBAL_SET: case OP_REF_NULL: case OP_REF_IS_NULL: case OP_REF_FUNC:
    return val_instr_var(c, in);
  case OP_TABLE_GET: case OP_TABLE_SET: case OP_TABLE_SIZE: case OP_TABLE_GROW:
  case OP_TABLE_FILL: case OP_TABLE_COPY: case OP_TABLE_INIT: case OP_ELEM_DROP:
    return val_instr_table(c, in);
  case OP_MEMORY_SIZE: case OP_MEMORY_GROW: case OP_MEMORY_FILL: case OP_MEMORY_COPY:
  case OP_MEMORY_INIT: case OP_DATA_DROP:
    return val_instr_memory(c, in);
  default:
    return val_instr_regular(c, in);
  }
}

/* ---- walks --------------------------------------------------------------------------------- */

static bool setup_locals(val_ctx_t *c) {
  const swasm_funcdef_t *fn = c->fn;
  if (fn->nlocalgroups > c->caplends) {
    uint32_t *p = realloc(c->lends, (size_t)fn->nlocalgroups * sizeof *p);
    if (!p)
      return val_fail(c, SWASM_LIMIT, fn->size_offset, "out of memory (locals)");
    c->lends = p;
    c->caplends = fn->nlocalgroups;
  }
  uint64_t end = c->ftype->nparams;
  for (uint32_t g = 0; g < fn->nlocalgroups; g++) {
    end += fn->localgroups[g].count;
    if (end > UINT32_MAX)
      return val_fail(c, SWASM_MALFORMED, fn->size_offset, "too many locals");
    c->lends[g] = (uint32_t)end;
  }
  c->nlocals = (uint32_t)end;
  return true;
}

static void begin(val_ctx_t *c, ir_reader_t *r, uint32_t pos, uint32_t end) {
  memset(r, 0, sizeof *r);
  r->base = c->m->bytes;
  r->pos = pos;
  r->end = end;
  r->diag = c->diag;
  r->features = &c->m->features;
  val_reset(c);
}

bool val_function(val_ctx_t *c, uint32_t fidx) {
  const swasm_module_t *m = c->m;
  c->func = fidx;
  c->fn = &m->funcs[fidx];
  c->ftype = &m->types[c->fn->type];
  c->const_mode = false;
  if (!setup_locals(c))
    return false;
  ir_reader_t r;
  ir_instr_t in;
  begin(c, &r, c->fn->body_offset, c->fn->body_end);
  if (!val_push_ctrl(c, FR_FUNC, NULL, 0, c->ftype->results, c->ftype->nresults))
    return false;
  while (c->nctrls > 0) {
    if (r.pos >= r.end)
      return val_fail(c, SWASM_MALFORMED, r.pos, "END opcode expected");
    if (!ir_read_instr(&r, &in, &c->scratch))
      return reader_failed(c, &r);
    c->in = &in;
    if (!val_instr(c, &in))
      return false;
  }
  c->in = NULL;
  if (r.pos != r.end)
    return val_fail(c, SWASM_MALFORMED, r.pos, "section size mismatch: %zu bytes after the "
                    "function's final end", r.end - r.pos);
  return true;
}

static bool const_instr(val_ctx_t *c, const ir_instr_t *in) {
  const swasm_module_t *m = c->m;
  switch (in->op) {
  case OP_I32_CONST: case OP_I64_CONST: case OP_F32_CONST: case OP_F64_CONST:
  case OP_V128_CONST: case OP_REF_NULL: case OP_END:
    return val_instr(c, in);
  case OP_I32_ADD: case OP_I32_SUB: case OP_I32_MUL:
  case OP_I64_ADD: case OP_I64_SUB: case OP_I64_MUL:
    if (m->features.extended_const)
      return val_instr(c, in);
    break;
  case OP_GLOBAL_GET:
    /* Only imported globals are visible to constant expressions in 2.0. */
    if (in->u.idx >= m->nimported_globals)
      return val_error(c, "unknown global %u", in->u.idx);
    if (m->globals[in->u.idx].mut)
      return val_error(c, "constant expression required: global.get of mutable global %u",
                       in->u.idx);
    return val_push(c, m->globals[in->u.idx].type);
  case OP_REF_FUNC:
    if (in->u.idx >= m->nfuncs)
      return val_error(c, "unknown function %u", in->u.idx);
    c->refs[in->u.idx >> 3] |= (uint8_t)(1u << (in->u.idx & 7));
    return val_push(c, SWASM_FUNCREF);
  default:
    break;
  }
  return val_error(c, "constant expression required, found %s", ir_ops[in->op].name);
}

bool val_const_expr(val_ctx_t *c, swasm_expr_t e, uint8_t type) {
  ir_reader_t r;
  ir_instr_t in;
  c->func = -1;
  c->const_mode = true;
  begin(c, &r, e.offset, e.end);
  if (!val_push_ctrl(c, FR_FUNC, NULL, 0, val_one(type), 1))
    return false;
  while (c->nctrls > 0) {
    if (r.pos >= r.end)
      return val_fail(c, SWASM_MALFORMED, r.pos, "END opcode expected");
    if (!ir_read_instr(&r, &in, &c->scratch))
      return reader_failed(c, &r);
    c->in = &in;
    if (!const_instr(c, &in))
      return false;
  }
  c->in = NULL;
  c->const_mode = false;
  if (r.pos != r.end)
    return val_fail(c, SWASM_INVALID, r.pos, "constant expression required: bytes after end");
  return true;
}

/* ---- malformed scan ------------------------------------------------------------------------ */

/* Replaces an earlier validation error: the spec rejects malformed bytes before validating. */
static bool malformed(val_ctx_t *c, uint64_t offset, const char *msg) {
  c->failed = false;
  return val_fail(c, SWASM_MALFORMED, offset, "%s", msg);
}

static bool scan_body(val_ctx_t *c, const swasm_funcdef_t *fn) {
  swasm_diag_t d = {0};
  ir_reader_t r;
  ir_instr_t in;
  begin(c, &r, fn->body_offset, fn->body_end);
  r.diag = &d;
  uint32_t depth = 0;  /* open blocks; c->vals holds 1 for an if still before its else */
  for (;;) {
    if (r.pos >= r.end)
      return malformed(c, r.pos, "END opcode expected");
    if (!ir_read_instr(&r, &in, &c->scratch)) {
      if (!r.failed)
        return malformed(c, r.pos, "unexpected end of section or function");
      *c->diag = d;
      c->diag->status = SWASM_MALFORMED;
      c->diag->func = c->func;
      return false;
    }
    switch (in.op) {
    case OP_BLOCK: case OP_LOOP: case OP_IF:
      c->nvals = depth;
      if (!val_push(c, in.op == OP_IF))
        return true;  /* out of memory: keep the earlier error */
      depth++;
      break;
    case OP_ELSE:
      if (depth == 0 || c->vals[depth - 1] != 1)
        return malformed(c, in.offset, "END opcode expected (else without if)");
      c->vals[depth - 1] = 0;
      break;
    case OP_END:
      if (depth == 0) {
        if (r.pos != r.end)
          return malformed(c, r.pos, "section size mismatch");
        return true;
      }
      depth--;
      break;
    case OP_MEMORY_INIT: case OP_DATA_DROP:
      if (!c->m->has_datacount)
        return malformed(c, in.offset, "data count section required");
      break;
    default:
      break;
    }
  }
}

bool val_scan_malformed(val_ctx_t *c, uint32_t fidx) {
  for (uint32_t f = fidx; f < c->m->nfuncs; f++) {
    c->func = f;
    if (!scan_body(c, &c->m->funcs[f]))
      return false;
  }
  return true;
}

/* instr.c - typing rules of the instructions outside control flow: variables, references,
 * tables, bulk memory, and the regular instructions whose types come from the opcode table's
 * p0/p1/p2/r columns (with their immediate checks: memory index, alignment, lanes). */
#include "validate.h"

/* ---- variables and references -------------------------------------------------------------- */

static bool local_type(val_ctx_t *c, uint32_t idx, uint8_t *t) {
  if (idx >= c->nlocals)
    return val_error(c, "unknown local %u", idx);
  const swasm_functype_t *ft = c->ftype;
  if (idx < ft->nparams) {
    *t = ft->params[idx];
    return true;
  }
  /* First group whose end lies past idx; groups are few, but a binary search keeps hostile
   * bodies with thousands of groups linear overall. */
  uint32_t lo = 0, hi = c->fn->nlocalgroups;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (c->lends[mid] > idx)
      hi = mid;
    else
      lo = mid + 1;
  }
  *t = c->fn->localgroups[lo].type;
  return true;
}

static bool is_declared(const val_ctx_t *c, uint32_t f) {
  return (c->refs[f >> 3] >> (f & 7)) & 1;
}

bool val_instr_var(val_ctx_t *c, const ir_instr_t *in) {
  const swasm_module_t *m = c->m;
  uint32_t idx = in->u.idx;
  uint8_t t;
  switch (in->op) {
  case OP_LOCAL_GET:
    return local_type(c, idx, &t) && val_push(c, t);
  case OP_LOCAL_SET:
    return local_type(c, idx, &t) && val_pop(c, t);
  case OP_LOCAL_TEE:
    return local_type(c, idx, &t) && val_pop(c, t) && val_push(c, t);
  case OP_GLOBAL_GET:
    if (idx >= m->nglobals)
      return val_error(c, "unknown global %u", idx);
    return val_push(c, m->globals[idx].type);
  case OP_GLOBAL_SET:
    if (idx >= m->nglobals)
      return val_error(c, "unknown global %u", idx);
    if (!m->globals[idx].mut)
      return val_error(c, "global is immutable: global.set of global %u", idx);
    return val_pop(c, m->globals[idx].type);
  case OP_REF_NULL:
    return val_push(c, in->u.reftype);
  case OP_REF_IS_NULL:
    if (!val_pop_any(c, &t))
      return false;
    if (t != VAL_UNKNOWN && t != SWASM_FUNCREF && t != SWASM_EXTERNREF)
      return val_error(c, "type mismatch: ref.is_null expects a reference, found %s",
                       val_type_name(t));
    return val_push(c, SWASM_I32);
  case OP_REF_FUNC:
    if (idx >= m->nfuncs)
      return val_error(c, "unknown function %u", idx);
    if (!is_declared(c, idx))
      return val_error(c, "undeclared function reference %u (not in an element segment, "
                          "export or global initializer)", idx);
    return val_push(c, SWASM_FUNCREF);
  default:
    return val_fail(c, SWASM_INTERNAL, in->offset, "no typing rule for %s",
                    ir_ops[in->op].name);
  }
}

/* ---- tables -------------------------------------------------------------------------------- */

static bool table(val_ctx_t *c, uint32_t idx, const swasm_tabletype_t **t) {
  if (idx >= c->m->ntables)
    return val_error(c, "unknown table %u", idx);
  *t = &c->m->tables[idx];
  return true;
}

static uint8_t table_addr(const swasm_tabletype_t *t) {
  return t->limits.is64 ? SWASM_I64 : SWASM_I32;
}

static bool elem_segment(val_ctx_t *c, uint32_t idx, uint8_t *reftype) {
  if (idx >= c->m->nelems)
    return val_error(c, "unknown elem segment %u", idx);
  *reftype = c->m->elems[idx].reftype;
  return true;
}

bool val_instr_table(val_ctx_t *c, const ir_instr_t *in) {
  const swasm_tabletype_t *t = NULL, *s = NULL;
  uint8_t et = 0;
  switch (in->op) {
  case OP_TABLE_GET:
    return table(c, in->u.idx, &t) && val_pop(c, table_addr(t)) && val_push(c, t->elemtype);
  case OP_TABLE_SET:
    return table(c, in->u.idx, &t) && val_pop(c, t->elemtype) && val_pop(c, table_addr(t));
  case OP_TABLE_SIZE:
    return table(c, in->u.idx, &t) && val_push(c, table_addr(t));
  case OP_TABLE_GROW:
    return table(c, in->u.idx, &t) && val_pop(c, table_addr(t)) && val_pop(c, t->elemtype) &&
           val_push(c, table_addr(t));
  case OP_TABLE_FILL:
    return table(c, in->u.idx, &t) && val_pop(c, table_addr(t)) && val_pop(c, t->elemtype) &&
           val_pop(c, table_addr(t));
  case OP_TABLE_COPY:
    if (!table(c, in->u.pair.a, &t) || !table(c, in->u.pair.b, &s))
      return false;
    if (t->elemtype != s->elemtype)
      return val_error(c, "type mismatch: table.copy from a table of %s to a table of %s",
                       val_type_name(s->elemtype), val_type_name(t->elemtype));
    return val_pop(c, table_addr(t) == SWASM_I64 && table_addr(s) == SWASM_I64 ? SWASM_I64
                                                                               : SWASM_I32) &&
           val_pop(c, table_addr(s)) && val_pop(c, table_addr(t));
  case OP_TABLE_INIT:
    if (!table(c, in->u.pair.b, &t) || !elem_segment(c, in->u.pair.a, &et))
      return false;
    if (t->elemtype != et)
      return val_error(c, "type mismatch: table.init of %s elements into a table of %s",
                       val_type_name(et), val_type_name(t->elemtype));
    return val_pop(c, SWASM_I32) && val_pop(c, SWASM_I32) && val_pop(c, table_addr(t));
  case OP_ELEM_DROP:
    return elem_segment(c, in->u.idx, &et);
  default:
    return val_fail(c, SWASM_INTERNAL, in->offset, "no typing rule for %s",
                    ir_ops[in->op].name);
  }
}

/* ---- bulk memory --------------------------------------------------------------------------- */

static uint8_t mem_addr(const val_ctx_t *c, uint32_t mem) {
  return c->m->memories[mem].is64 ? SWASM_I64 : SWASM_I32;
}

static bool data_segment(val_ctx_t *c, const ir_instr_t *in, uint32_t idx) {
  /* A decoding rule: without the count, a one-pass decoder could not check the index. */
  if (!c->m->has_datacount)
    return val_fail(c, SWASM_MALFORMED, in->offset, "data count section required");
  if (idx >= c->m->datacount)
    return val_error(c, "unknown data segment %u", idx);
  return true;
}

bool val_instr_memory(val_ctx_t *c, const ir_instr_t *in) {
  uint32_t a = in->u.pair.a, b = in->u.pair.b;
  uint8_t at;
  switch (in->op) {
  case OP_MEMORY_SIZE:
    return val_has_memory(c, in->u.idx) && val_push(c, mem_addr(c, in->u.idx));
  case OP_MEMORY_GROW:
    if (!val_has_memory(c, in->u.idx))
      return false;
    at = mem_addr(c, in->u.idx);
    return val_pop(c, at) && val_push(c, at);
  case OP_MEMORY_FILL:
    if (!val_has_memory(c, in->u.idx))
      return false;
    at = mem_addr(c, in->u.idx);
    return val_pop(c, at) && val_pop(c, SWASM_I32) && val_pop(c, at);
  case OP_MEMORY_COPY:
    if (!val_has_memory(c, a) || !val_has_memory(c, b))
      return false;
    at = mem_addr(c, a) == SWASM_I64 && mem_addr(c, b) == SWASM_I64 ? SWASM_I64 : SWASM_I32;
    return val_pop(c, at) && val_pop(c, mem_addr(c, b)) && val_pop(c, mem_addr(c, a));
  case OP_MEMORY_INIT:
    if (!c->m->has_datacount)
      return data_segment(c, in, a);
    if (!val_has_memory(c, b) || !data_segment(c, in, a))
      return false;
    return val_pop(c, SWASM_I32) && val_pop(c, SWASM_I32) && val_pop(c, mem_addr(c, b));
  case OP_DATA_DROP:
    return data_segment(c, in, in->u.idx);
  default:
    return val_fail(c, SWASM_INTERNAL, in->offset, "no typing rule for %s",
                    ir_ops[in->op].name);
  }
}

/* ---- regular instructions ------------------------------------------------------------------ */

static bool memarg(val_ctx_t *c, const ir_instr_t *in, const ir_opinfo_t *oi, uint8_t *addr) {
  uint32_t mem = in->u.memarg.mem, align = in->u.memarg.align;
  if (!val_has_memory(c, mem))
    return false;
  if (align >= 8 || (1u << align) > oi->n)
    return val_error(c, "alignment must not be larger than natural: %s with align=2^%u, "
                        "natural alignment is %u byte%s", oi->name, align, oi->n,
                     oi->n == 1 ? "" : "s");
  *addr = mem_addr(c, mem);
  if (*addr == SWASM_I32 && in->u.memarg.offset > UINT32_MAX)
    return val_error(c, "offset out of range for a 32-bit memory");
  if (oi->imm == IMM_MEMARG_LANE && in->u.memarg.lane >= 16 / oi->n)
    return val_error(c, "invalid lane index %u for %s", in->u.memarg.lane, oi->name);
  return true;
}

bool val_instr_regular(val_ctx_t *c, const ir_instr_t *in) {
  const ir_opinfo_t *oi = &ir_ops[in->op];
  uint8_t p0 = oi->params[0];
  if (VAL_UNLIKELY(oi->family == FAM_VRELAXED) && !c->m->features.relaxed_simd)
    return val_fail(c, SWASM_UNSUPPORTED, in->offset,
                    "%s needs the relaxed-simd feature (--enable-relaxed-simd)", oi->name);
  switch (oi->imm) {
  case IMM_MEMARG: case IMM_MEMARG_LANE:
    if (!memarg(c, in, oi, &p0))
      return false;
    break;
  case IMM_LANE:
    if (in->u.lane >= oi->n)
      return val_error(c, "invalid lane index %u for %s", in->u.lane, oi->name);
    break;
  case IMM_SHUFFLE:
    for (int i = 0; i < 16; i++)
      if (in->u.v128[i] >= 32)
        return val_error(c, "invalid lane index %u for i8x16.shuffle", in->u.v128[i]);
    break;
  default:
    break;
  }
  if (VAL_UNLIKELY(p0 == T_X || oi->params[1] == T_X || oi->params[2] == T_X ||
                   oi->result == T_X))
    return val_fail(c, SWASM_INTERNAL, in->offset, "no typing rule for %s", oi->name);
  if (oi->params[2] != T__ && !val_pop(c, oi->params[2]))
    return false;
  if (oi->params[1] != T__ && !val_pop(c, oi->params[1]))
    return false;
  if (p0 != T__ && !val_pop(c, p0))
    return false;
  return oi->result == T__ || val_push(c, oi->result);
}

/* reader.c - the byte reader every stage uses on module bytes: bytes, LEB128 integers with all
 * the binary format's edge cases, fixed-width floats, value types, and one instruction with its
 * immediates (ir_read_instr), driven by the immediate column of the opcode table. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir.h"

static const char unexpected_end[] = "unexpected end of section or function";

void ir_fail(ir_reader_t *r, swasm_status_t st, size_t offset, const char *fmt, ...) {
  /* The first error wins: later reads fail too (pos is moved to end) but must not overwrite
   * the diagnostic that explains the cause. */
  if (!r->failed && r->diag) {
    r->diag->status = st;
    r->diag->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->diag->message, sizeof r->diag->message, fmt, ap);
    va_end(ap);
  }
  r->failed = true;
  r->pos = r->end;
  if (r->err_jmp) longjmp(*r->err_jmp, 1);
}

uint8_t ir_u8(ir_reader_t *r) {
  if (r->pos >= r->end) {
    ir_fail(r, SWASM_MALFORMED, r->pos, unexpected_end);
    return 0;
  }
  return r->base[r->pos++];
}

/* Unsigned LEB128 of at most ceil(bits/7) bytes; the bits of the last byte beyond the value's
 * width must be zero. */
static uint64_t read_uleb(ir_reader_t *r, unsigned bits) {
  size_t start = r->pos;
  unsigned maxbytes = (bits + 6) / 7;
  uint64_t result = 0;
  for (unsigned i = 0, shift = 0; i < maxbytes; i++, shift += 7) {
    if (r->pos >= r->end) {
      ir_fail(r, SWASM_MALFORMED, r->pos, unexpected_end);
      return 0;
    }
    uint8_t b = r->base[r->pos++];
    if (i + 1 == maxbytes) {
      if (b & 0x80) {
        ir_fail(r, SWASM_MALFORMED, start, "integer representation too long");
        return 0;
      }
      unsigned avail = bits - shift;
      if (avail < 7 && (b >> avail) != 0) {
        ir_fail(r, SWASM_MALFORMED, start, "integer too large");
        return 0;
      }
    }
    result |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
  }
  return result;
}

/* Signed LEB128: the unused bits of the last byte must repeat the sign bit. */
static int64_t read_sleb(ir_reader_t *r, unsigned bits) {
  size_t start = r->pos;
  unsigned maxbytes = (bits + 6) / 7;
  uint64_t result = 0;
  unsigned shift = 0;
  uint8_t b = 0;
  for (unsigned i = 0; i < maxbytes; i++) {
    if (r->pos >= r->end) {
      ir_fail(r, SWASM_MALFORMED, r->pos, unexpected_end);
      return 0;
    }
    b = r->base[r->pos++];
    if (i + 1 == maxbytes) {
      if (b & 0x80) {
        ir_fail(r, SWASM_MALFORMED, start, "integer representation too long");
        return 0;
      }
      unsigned avail = bits - shift;          /* value bits in this byte, 1..7 */
      if (avail < 7) {
        uint8_t mask = (uint8_t)(0x7f & ~((1u << (avail - 1)) - 1)); /* sign bit and above */
        if ((b & mask) != 0 && (b & mask) != mask) {
          ir_fail(r, SWASM_MALFORMED, start, "integer too large");
          return 0;
        }
      }
    }
    result |= (uint64_t)(b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80)) break;
  }
  if (shift < 64 && (b & 0x40)) result |= ~(uint64_t)0 << shift;
  /* Two's complement conversion without relying on implementation-defined behaviour. */
  return result <= INT64_MAX ? (int64_t)result : -(int64_t)(~result) - 1;
}

uint32_t ir_u32(ir_reader_t *r) { return (uint32_t)read_uleb(r, 32); }
uint64_t ir_u64(ir_reader_t *r) { return read_uleb(r, 64); }
int32_t ir_s32(ir_reader_t *r) { return (int32_t)read_sleb(r, 32); }
int64_t ir_s33(ir_reader_t *r) { return read_sleb(r, 33); }
int64_t ir_s64(ir_reader_t *r) { return read_sleb(r, 64); }

uint32_t ir_fixed32(ir_reader_t *r) {
  if (r->end - r->pos < 4) {
    ir_fail(r, SWASM_MALFORMED, r->pos, unexpected_end);
    return 0;
  }
  const uint8_t *p = r->base + r->pos;
  r->pos += 4;
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t ir_fixed64(ir_reader_t *r) {
  uint64_t lo = ir_fixed32(r);
  uint64_t hi = ir_fixed32(r);
  return lo | hi << 32;
}

static bool is_valtype(uint8_t b) {
  return (b >= SWASM_V128 && b <= SWASM_I32) || b == SWASM_FUNCREF || b == SWASM_EXTERNREF;
}

uint8_t ir_valtype(ir_reader_t *r) {
  size_t at = r->pos;
  uint8_t b = ir_u8(r);
  if (r->failed) return 0;
  /* Type bytes are one-byte signed LEB128 in the spec's grammar: a continuation bit makes
   * the representation too long rather than an unknown type. */
  if (b & 0x80) ir_fail(r, SWASM_MALFORMED, at, "integer representation too long");
  else if (!is_valtype(b)) ir_fail(r, SWASM_MALFORMED, at, "malformed value type");
  return r->failed ? 0 : b;
}

/* ---- instructions ----------------------------------------------------------------------- */

static bool feature_multi_memory(const ir_reader_t *r) {
  return r->features && r->features->multi_memory;
}

/* The memory index of memory.size/grow/fill/copy/init: a reserved zero byte in
 * WebAssembly 2.0, a u32 index with multi-memory. */
static uint32_t memory_index(ir_reader_t *r) {
  if (feature_multi_memory(r)) return ir_u32(r);
  size_t at = r->pos;
  if (ir_u8(r) != 0 && !r->failed) ir_fail(r, SWASM_MALFORMED, at, "zero byte expected");
  return 0;
}

static void read_memarg(ir_reader_t *r, ir_instr_t *in) {
  in->u.memarg.align = ir_u32(r);
  /* With multi-memory, bit 6 of the alignment field says a memory index follows. */
  if (feature_multi_memory(r) && (in->u.memarg.align & 0x40)) {
    in->u.memarg.align &= ~(uint32_t)0x40;
    in->u.memarg.mem = ir_u32(r);
  }
  if (r->features && r->features->memory64) in->u.memarg.offset = ir_u64(r);
  else in->u.memarg.offset = ir_u32(r);
}

static void read_blocktype(ir_reader_t *r, ir_instr_t *in) {
  size_t at = r->pos;
  if (at >= r->end) {
    ir_fail(r, SWASM_MALFORMED, at, unexpected_end);
    return;
  }
  uint8_t b = r->base[at];
  if (b == 0x40) {
    r->pos++;
    in->u.block.kind = BT_EMPTY;
  } else if (is_valtype(b)) {
    r->pos++;
    in->u.block.kind = BT_VALTYPE;
    in->u.block.valtype = b;
  } else {
    int64_t x = ir_s33(r);
    if (r->failed) return;
    if (x < 0) {
      ir_fail(r, SWASM_MALFORMED, at, "malformed block type");
      return;
    }
    in->u.block.kind = BT_INDEX;
    in->u.block.index = (uint32_t)x;
  }
}

/* A vector count of items at least min_size bytes each, checked against the bytes left so a
 * hostile count cannot make us allocate or loop far beyond the input. */
static uint32_t bounded_count(ir_reader_t *r, size_t min_size) {
  size_t at = r->pos;
  uint32_t n = ir_u32(r);
  if (!r->failed && (uint64_t)n * min_size > r->end - r->pos)
    ir_fail(r, SWASM_MALFORMED, at, unexpected_end);
  return r->failed ? 0 : n;
}

static void read_br_table(ir_reader_t *r, ir_instr_t *in, ir_instr_scratch_t *s) {
  uint32_t n = bounded_count(r, 1);
  if (r->failed) return;
  if (!s) {
    ir_fail(r, SWASM_INTERNAL, in->offset, "br_table read without scratch storage");
    return;
  }
  if (n > s->cap) {
    uint32_t cap = n < 64 ? 64 : n;
    uint32_t *t = realloc(s->targets, (size_t)cap * sizeof *t);
    if (!t) {
      ir_fail(r, SWASM_LIMIT, in->offset, "out of memory for br_table with %u targets", n);
      return;
    }
    s->targets = t;
    s->cap = cap;
  }
  for (uint32_t i = 0; i < n && !r->failed; i++) s->targets[i] = ir_u32(r);
  in->u.br_table.count = n;
  in->u.br_table.targets = s->targets;
  in->u.br_table.deflt = ir_u32(r);
}

static void read_select_types(ir_reader_t *r, ir_instr_t *in) {
  uint32_t n = bounded_count(r, 1);
  in->u.select.count = n;
  for (uint32_t i = 0; i < n && !r->failed; i++) {
    uint8_t t = ir_valtype(r);
    if (i == 0) in->u.select.type = t;
  }
}

static void read_bytes16(ir_reader_t *r, uint8_t out[16]) {
  if (r->end - r->pos < 16) {
    ir_fail(r, SWASM_MALFORMED, r->pos, unexpected_end);
    return;
  }
  memcpy(out, r->base + r->pos, 16);
  r->pos += 16;
}

static void read_immediates(ir_reader_t *r, ir_instr_t *in, ir_instr_scratch_t *s) {
  switch ((ir_imm_t)ir_ops[in->op].imm) {
  case IMM_NONE: break;
  case IMM_BLOCKTYPE: read_blocktype(r, in); break;
  case IMM_LABEL: case IMM_FUNC: case IMM_LOCAL: case IMM_GLOBAL: case IMM_TABLE:
  case IMM_DATA: case IMM_ELEM:
    in->u.idx = ir_u32(r);
    break;
  case IMM_BRTABLE: read_br_table(r, in, s); break;
  case IMM_CALLIND:
    in->u.call_indirect.type = ir_u32(r);
    in->u.call_indirect.table = ir_u32(r);
    break;
  case IMM_MEMARG: read_memarg(r, in); break;
  case IMM_MEMARG_LANE:
    read_memarg(r, in);
    in->u.memarg.lane = ir_u8(r);
    break;
  case IMM_MEMORY: in->u.idx = memory_index(r); break;
  case IMM_I32: in->u.i32 = ir_s32(r); break;
  case IMM_I64: in->u.i64 = ir_s64(r); break;
  case IMM_F32: in->u.f32 = ir_fixed32(r); break;
  case IMM_F64: in->u.f64 = ir_fixed64(r); break;
  case IMM_V128: case IMM_SHUFFLE: read_bytes16(r, in->u.v128); break;
  case IMM_LANE: in->u.lane = ir_u8(r); break;
  case IMM_SELECTT: read_select_types(r, in); break;
  case IMM_REFTYPE: {
    size_t at = r->pos;
    in->u.reftype = ir_u8(r);
    if (!r->failed && in->u.reftype != SWASM_FUNCREF && in->u.reftype != SWASM_EXTERNREF)
      ir_fail(r, SWASM_MALFORMED, at, "malformed reference type");
    break;
  }
  case IMM_DATA_MEM:
    in->u.pair.a = ir_u32(r);
    in->u.pair.b = memory_index(r);
    break;
  case IMM_MEM_MEM:
    in->u.pair.a = memory_index(r);
    in->u.pair.b = memory_index(r);
    break;
  case IMM_ELEM_TABLE: case IMM_TABLE_TABLE:
    in->u.pair.a = ir_u32(r);
    in->u.pair.b = ir_u32(r);
    break;
  }
}

bool ir_read_instr(ir_reader_t *r, ir_instr_t *in, ir_instr_scratch_t *s) {
  if (r->failed || r->pos >= r->end) return false;
  size_t at = r->pos;
  in->offset = (uint32_t)at;
  uint32_t prefix = 0, code = r->base[r->pos++];
  if (code == 0xfc || code == 0xfd) {
    prefix = code;
    code = ir_u32(r);
    if (r->failed) return false;
  }
  int op = ir_op_lookup(prefix, code);
  if (op < 0) {
    if (prefix) ir_fail(r, SWASM_MALFORMED, at, "illegal opcode 0x%x 0x%x", prefix, code);
    else ir_fail(r, SWASM_MALFORMED, at, "illegal opcode 0x%x", code);
    return false;
  }
  in->op = (uint16_t)op;
  memset(&in->u, 0, sizeof in->u);
  read_immediates(r, in, s);
  return !r->failed;
}

void ir_instr_scratch_free(ir_instr_scratch_t *s) {
  free(s->targets);
  s->targets = NULL;
  s->cap = 0;
}

uint8_t ir_local_type(const swasm_module_t *m, uint32_t f, uint32_t i) {
  if (f >= m->nfuncs || m->funcs[f].type >= m->ntypes) return 0;
  const swasm_funcdef_t *fn = &m->funcs[f];
  const swasm_functype_t *ft = &m->types[fn->type];
  if (i < ft->nparams) return ft->params[i];
  i -= ft->nparams;
  for (uint32_t g = 0; g < fn->nlocalgroups; g++) {
    if (i < fn->localgroups[g].count) return fn->localgroups[g].type;
    i -= fn->localgroups[g].count;
  }
  return 0;
}

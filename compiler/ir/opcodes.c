/* opcodes.c - the opcode table (ir_ops[]) expanded from opcodes.def, the opcode lookup by
 * (prefix, code), and the names of opcodes and value types used in messages. */
#include <stddef.h>

#include "ir.h"

/* Column names in opcodes.def map onto the ir.h enums by token pasting. */
#define OP(id, pfx, code, imm, p0, p1, p2, r, n, fam, name) \
  {pfx, code, IMM_##imm, {T_##p0, T_##p1, T_##p2}, T_##r, n, FAM_##fam, name},
const ir_opinfo_t ir_ops[OP_COUNT] = {
#include "opcodes.def"
};
#undef OP

/* The 0xfd space runs to 0x113 (relaxed SIMD); 0xfc to 17. Sized with a margin so adding rows
 * within the same ranges needs no change here. */
enum { FC_MAX = 0x20, FD_MAX = 0x120 };

/* Every opcode has its own slot in one flat index, so a designated initializer built from
 * the table fills it at compile time: no initialisation at run time, nothing to race on. */
#define OP_SLOT(pfx, code) \
  ((pfx) == 0 ? (code) : (pfx) == 0xfc ? 256 + (code) : 256 + FC_MAX + (code))

#define OP(id, pfx, code, imm, p0, p1, p2, r, n, fam, name) \
  _Static_assert((pfx) == 0 ? (code) < 256 : (pfx) == 0xfc ? (code) < FC_MAX : (code) < FD_MAX, \
                 "opcode " #id " outside the lookup table");
#include "opcodes.def"
#undef OP

/* Each slot holds op + 1; 0 means "no instruction". */
#define OP(id, pfx, code, imm, p0, p1, p2, r, n, fam, name) [OP_SLOT(pfx, code)] = OP_##id + 1,
static const uint16_t op_index[256 + FC_MAX + FD_MAX] = {
#include "opcodes.def"
};
#undef OP

int ir_op_lookup(uint32_t prefix, uint32_t code) {
  uint32_t slot;
  if (prefix == 0 && code < 256) slot = code;
  else if (prefix == 0xfc && code < FC_MAX) slot = OP_SLOT(0xfc, code);
  else if (prefix == 0xfd && code < FD_MAX) slot = OP_SLOT(0xfd, code);
  else return -1;
  return (int)op_index[slot] - 1;
}

const char *swasm_opcode_name(uint32_t prefix, uint32_t code) {
  int op = ir_op_lookup(prefix, code);
  return op < 0 ? "<unknown opcode>" : ir_ops[op].name;
}

const char *swasm_valtype_name(uint8_t t) {
  switch (t) {
  case SWASM_I32: return "i32";
  case SWASM_I64: return "i64";
  case SWASM_F32: return "f32";
  case SWASM_F64: return "f64";
  case SWASM_V128: return "v128";
  case SWASM_FUNCREF: return "funcref";
  case SWASM_EXTERNREF: return "externref";
  default: return "<unknown type>";
  }
}

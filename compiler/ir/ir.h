/* ir.h - what the stages inside libswasm-compiler share: the opcode enum generated from
 * opcodes.def, the instruction reader that decodes one instruction with its immediates, the
 * byte reader with LEB128, and the arena. Private to the compiler library.
 *
 * Function bodies are not stored as instruction lists: the validator and codegen both walk the
 * bytes with ir_read_instr(), which decodes immediates exactly once per visit and reports
 * malformed encodings with their byte offsets.
 */
#ifndef SWASM_IR_H
#define SWASM_IR_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swasm/compiler.h"

#if defined(__GNUC__)
#define IR_HIDDEN __attribute__((visibility("hidden")))
#else
#define IR_HIDDEN
#endif

/* ---- opcode table ------------------------------------------------------------------------ */

typedef enum ir_imm {
  IMM_NONE, IMM_BLOCKTYPE, IMM_LABEL, IMM_BRTABLE, IMM_FUNC, IMM_CALLIND, IMM_LOCAL,
  IMM_GLOBAL, IMM_TABLE, IMM_MEMARG, IMM_MEMORY, IMM_I32, IMM_I64, IMM_F32, IMM_F64,
  IMM_V128, IMM_SHUFFLE, IMM_LANE, IMM_MEMARG_LANE, IMM_SELECTT, IMM_REFTYPE,
  IMM_DATA_MEM, IMM_DATA, IMM_MEM_MEM, IMM_ELEM_TABLE, IMM_ELEM, IMM_TABLE_TABLE
} ir_imm_t;

/* Codegen families: one emitter per family. */
typedef enum ir_family {
  FAM_CONTROL, FAM_CALL, FAM_PARAM, FAM_VAR, FAM_TABLE, FAM_LOAD, FAM_STORE, FAM_MEMORY,
  FAM_CONST, FAM_CMP, FAM_IARITH, FAM_FARITH, FAM_CONVERT, FAM_REF,
  FAM_VMEM, FAM_VLANE, FAM_VCMP, FAM_VBIT, FAM_VINT, FAM_VFLOAT, FAM_VCONV, FAM_VRELAXED
} ir_family_t;

/* Operand/result types in the table. T_X: typed by hand in the validator. */
enum { T__ = 0, T_X = 1, T_I32 = SWASM_I32, T_I64 = SWASM_I64, T_F32 = SWASM_F32,
       T_F64 = SWASM_F64, T_V128 = SWASM_V128 };

typedef enum ir_op {
#define OP(id, pfx, code, imm, p0, p1, p2, r, n, fam, name) OP_##id,
#include "opcodes.def"
#undef OP
  OP_COUNT
} ir_op_t;

typedef struct ir_opinfo {
  uint16_t prefix;       /* 0, 0xfc, 0xfd */
  uint16_t code;
  uint8_t imm;           /* ir_imm_t */
  uint8_t params[3];     /* T_* */
  uint8_t result;        /* T_* */
  uint8_t n;             /* access bytes or lane count */
  uint8_t family;        /* ir_family_t */
  const char *name;
} ir_opinfo_t;

IR_HIDDEN extern const ir_opinfo_t ir_ops[OP_COUNT];

/* Opcode lookup: -1 when the byte (or prefixed code) names no instruction. */
IR_HIDDEN int ir_op_lookup(uint32_t prefix, uint32_t code);

/* ---- arena ------------------------------------------------------------------------------- */

typedef struct swasm_arena swasm_arena_t;

IR_HIDDEN swasm_arena_t *ir_arena_new(void);
IR_HIDDEN void *ir_arena_alloc(swasm_arena_t *a, size_t size);   /* zeroed, 16-aligned; NULL on OOM */
IR_HIDDEN char *ir_arena_strndup(swasm_arena_t *a, const char *s, size_t n);
IR_HIDDEN void ir_arena_reset(swasm_arena_t *a);                   /* free all but the first block */
IR_HIDDEN void ir_arena_free(swasm_arena_t *a);

/* ---- byte reader ------------------------------------------------------------------------- */

/* A cursor over module bytes. Errors longjmp to err_jmp when it is set (the decoder's entry
 * point), otherwise they set failed and return 0: ir_read_instr uses the latter. */
typedef struct ir_reader {
  const uint8_t *base;   /* module bytes: offsets are relative to this */
  size_t pos, end;
  swasm_diag_t *diag;
  bool failed;
  jmp_buf *err_jmp;
  /* Encodings that depend on proposals (memarg memory index, memory64 offsets, memory index
   * bytes of memory.size/grow/fill/copy/init). NULL means WebAssembly 2.0 only. */
  const swasm_features_t *features;
} ir_reader_t;

IR_HIDDEN void ir_fail(ir_reader_t *r, swasm_status_t st, size_t offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
IR_HIDDEN uint8_t ir_u8(ir_reader_t *r);
IR_HIDDEN uint32_t ir_u32(ir_reader_t *r);      /* unsigned LEB128, at most 5 bytes */
IR_HIDDEN uint64_t ir_u64(ir_reader_t *r);
IR_HIDDEN int32_t ir_s32(ir_reader_t *r);       /* signed LEB128 */
IR_HIDDEN int64_t ir_s33(ir_reader_t *r);
IR_HIDDEN int64_t ir_s64(ir_reader_t *r);
IR_HIDDEN uint32_t ir_fixed32(ir_reader_t *r);
IR_HIDDEN uint64_t ir_fixed64(ir_reader_t *r);
/* A value type byte (i32 .. v128, funcref, externref); anything else is MALFORMED. */
IR_HIDDEN uint8_t ir_valtype(ir_reader_t *r);

/* ---- instructions ------------------------------------------------------------------------ */

typedef enum ir_blockkind { BT_EMPTY, BT_VALTYPE, BT_INDEX } ir_blockkind_t;

typedef struct ir_instr {
  uint16_t op;           /* ir_op_t */
  uint32_t offset;       /* byte offset of the opcode */
  union {
    struct { uint8_t kind; uint8_t valtype; uint32_t index; } block;
    uint32_t idx;        /* label, func, local, global, table, memory, data, elem */
    struct { uint32_t type, table; } call_indirect;
    struct { uint32_t align, mem; uint64_t offset; uint8_t lane; } memarg;
    struct { uint32_t a, b; } pair;  /* memory.init/table.init: (segment, target);
                                       memory.copy/table.copy: (dst, src) */
    struct { uint32_t count; const uint32_t *targets; uint32_t deflt; } br_table;
    struct { uint32_t count; uint8_t type; } select;
    int32_t i32;
    int64_t i64;
    uint32_t f32;        /* bit pattern */
    uint64_t f64;        /* bit pattern */
    uint8_t v128[16];    /* v128.const bytes, i8x16.shuffle lanes */
    uint8_t lane;
    uint8_t reftype;
  } u;
} ir_instr_t;

/* Scratch storage for br_table targets, reused across calls. */
typedef struct ir_instr_scratch {
  uint32_t *targets;
  uint32_t cap;
} ir_instr_scratch_t;

/* Decodes the instruction at r->pos into *in and advances. Returns false on a malformed
 * encoding (r->failed set, diag filled) or at r->end. Feature gating (e.g. relaxed SIMD) is
 * the validator's job, not the reader's. */
IR_HIDDEN bool ir_read_instr(ir_reader_t *r, ir_instr_t *in, ir_instr_scratch_t *s);
IR_HIDDEN void ir_instr_scratch_free(ir_instr_scratch_t *s);

/* Local declaration type lookup: type of local i (params first) of defined function f. */
IR_HIDDEN uint8_t ir_local_type(const swasm_module_t *m, uint32_t f, uint32_t i);

#endif

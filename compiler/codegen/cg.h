/* cg.h - what the codegen files share: the module-wide and per-function translation state, the
 * ABI struct types mirrored from swasm/runtime.h, and one emitter per opcode family.
 *
 * Translation walks each body's bytes once with ir_read_instr, keeping a compile-time operand
 * stack of LLVM values and a control stack of frames (block, loop, if, function body, constant
 * expression). Code after br/return/unreachable is skipped up to the matching else/end; a
 * frame's continuation block gets phis for the values branches carry to it.
 */
#ifndef SWASM_CG_H
#define SWASM_CG_H

#include <llvm-c/Core.h>

#include "codegen.h"

#include "swasm/runtime.h"

#define CG_HIDDEN IR_HIDDEN

/* Fields of the ABI structs, by position in the LLVM struct types built in abi.c. */
enum { VMCTX_MEM0_BASE, VMCTX_MEM0, VMCTX_STACK_LIMIT, VMCTX_TYPE_IDS, VMCTX_FUNCS,
       VMCTX_GLOBALS, VMCTX_TABLES, VMCTX_MEMORIES, VMCTX_DATAS, VMCTX_ELEMS, VMCTX_INSTANCE,
       VMCTX_NFIELDS };
enum { FUNCREF_CODE, FUNCREF_CTX, FUNCREF_TYPE_ID, FUNCREF_PAD, FUNCREF_NFIELDS };
enum { MEMORY_BASE, MEMORY_SIZE, MEMORY_MAX_PAGES, MEMORY_RESERVED, MEMORY_IS64,
       MEMORY_GUARDED, MEMORY_NFIELDS };
enum { TABLE_ELEMS, TABLE_SIZE, TABLE_MAX, TABLE_ELEMTYPE, TABLE_NFIELDS };
enum { SEGMENT_DATA, SEGMENT_SIZE, SEGMENT_PAD, SEGMENT_NFIELDS };

/* Runtime entry points generated code calls (declared once per module in abi.c). */
typedef enum cg_rtfn {
  RT_TRAP, RT_MEMORY_GROW, RT_MEMORY_INIT, RT_DATA_DROP,
  RT_TABLE_GROW, RT_TABLE_FILL, RT_TABLE_COPY, RT_TABLE_INIT, RT_ELEM_DROP, RT_CALL_HOST,
  RT_COUNT
} cg_rtfn_t;

/* Module-wide state. */
typedef struct cg_module {
  const swasm_module_t *m;
  const swasm_compile_opts_t *opts;
  swasm_diag_t *diag;
  LLVMContextRef ctx;
  LLVMModuleRef mod;
  LLVMBuilderRef b;        /* the one instruction builder */
  LLVMBuilderRef phib;     /* positions phis in blocks not yet being filled */

  LLVMTypeRef t_void, t_i1, t_i8, t_i16, t_i32, t_i64, t_f32, t_f64, t_v128, t_ptr;
  LLVMTypeRef t_vmctx, t_funcref, t_memory, t_table, t_segment, t_val;

  LLVMTypeRef *functys;    /* [ntypes] wasm signature with the leading vmctx pointer */
  LLVMValueRef *funcs;     /* [nfuncs - nimported_funcs] defined functions */
  LLVMValueRef *trampolines, *thunks;  /* [ntypes] */
  LLVMValueRef init;
  LLVMValueRef rt[RT_COUNT];
  LLVMTypeRef rt_ty[RT_COUNT];

  unsigned md_invariant;   /* !invariant.load */
  unsigned md_tbaa;        /* !tbaa */
  LLVMValueRef md_empty;
  LLVMValueRef tbaa[4];    /* access tags, by cg_tbaa_t */
  unsigned md_deref, md_align, md_noundef;  /* !dereferenceable, !align, !noundef */
  uint64_t vmctx_deref[VMCTX_NFIELDS];  /* bytes each vmctx pointer field points to */
  swasm_arena_t *scratch;  /* per-function storage, reset between functions */
  unsigned simd_features;  /* simd_util.c: the target's SIMD_* features, computed on first use */
} cg_module_t;

/* Disjoint kinds of memory generated code touches, for type-based alias analysis: a store to
 * linear memory never changes a global, a table slot or a runtime struct, so loads of those
 * can be hoisted past it (and the other way round). */
typedef enum cg_tbaa { TBAA_MEMORY, TBAA_GLOBAL, TBAA_TABLE, TBAA_RUNTIME } cg_tbaa_t;

#define CG_MAX_STREAMS 4   /* separately based address streams per loop (addr.c) */

/* A control frame. */
typedef enum cg_framekind { FR_BLOCK, FR_LOOP, FR_IF, FR_FUNC, FR_EXPR } cg_framekind_t;

typedef struct cg_frame {
  uint8_t kind;             /* cg_framekind_t */
  bool has_else;
  uint32_t height;          /* operand stack height below the frame's parameters */
  uint32_t nparams, nresults;
  const uint8_t *params, *results;
  LLVMBasicBlockRef cont;   /* after the end (function: the return block) */
  LLVMBasicBlockRef head;   /* loop: the header branches go to */
  LLVMBasicBlockRef else_bb;/* if: where the false edge goes, until else is seen */
  LLVMValueRef *head_phis;  /* loop: header phis for the parameters */
  LLVMValueRef *phis;       /* cont phis for the results, made at the first edge */
  LLVMValueRef *else_vals;  /* if: the parameters again, for the else arm */
  uint32_t nedges;          /* branches into cont seen so far */
  uint32_t facts_mark;      /* address facts known before the frame (addr.c) */
  /* loop (addr.c): the branch into the header, before which the copies of memory bases that
   * this loop's address streams use are made. */
  LLVMValueRef pre_br;
  bool has_inner_loop, has_call;   /* loop: what keeps LLVM from vectorising it */
  bool unrolled;            /* loop: a stream was accessed at several offsets (addr.c) */
  bool has_float;           /* loop: floating-point arithmetic or SIMD (addr.c) */
  uint32_t nstreams;
  struct { LLVMValueRef root, base; uint32_t mem; } streams[CG_MAX_STREAMS];
} cg_frame_t;

/* addr.c: value + d does not wrap for any d <= headroom (value an i32 address of memory mem,
 * equal to root + c). */
typedef struct cg_addr_fact {
  LLVMValueRef value, root;
  uint64_t c;
  uint32_t mem;
  uint64_t headroom;
} cg_addr_fact_t;

/* addr.c: a load at x + c + offset whose 64-bit address ea is zext(x + c) + offset until an
 * access to x proves that x + c does not wrap. */
typedef struct cg_addr_pending {
  LLVMValueRef value, ea;
  uint32_t mem;
  uint64_t c, offset;
} cg_addr_pending_t;

#define CG_MAX_PENDING 16

/* Per-function state. */
typedef struct cg_func {
  cg_module_t *cm;
  int64_t index;            /* wasm function index, or -1 for generated glue */
  LLVMValueRef fn;
  LLVMValueRef vmctx;
  LLVMBasicBlockRef entry;

  uint32_t nlocals;         /* params included */
  LLVMValueRef *locals;     /* allocas */
  uint8_t *local_types;

  LLVMValueRef *stack;
  uint32_t sp, stack_cap;
  cg_frame_t *frames;
  uint32_t nframes, frames_cap;

  bool unreachable;         /* the rest of the current frame is dead code */
  uint32_t skip_depth;      /* blocks opened inside dead code */
  LLVMBasicBlockRef traps[SWASM_TRAP_COUNT];
  uint32_t offset;          /* of the instruction being translated, for diagnostics */
  bool has_calls;           /* a call or call_indirect was emitted */
  /* Invariant pointers loaded once in the entry block, on first use (abi.c). */
  LLVMValueRef vmctx_cache[VMCTX_NFIELDS];
  LLVMValueRef *global_cells, *table_structs, *memory_structs, *memory_bases;
  LLVMValueRef stack_check; /* the prologue's conditional branch to the trap */
  LLVMBasicBlockRef *edge;  /* br_table: edge block per label depth (control.c) */
  uint32_t edge_cap;
  ir_reader_t *reader;
  uint16_t op;              /* the instruction being translated */
  /* addr.c: local values forwarded within straight-line code (valid while local_gen[i] ==
   * gen), and what accesses proved about addresses. */
  LLVMValueRef *local_val;
  uint32_t *local_gen;
  uint32_t gen;
  cg_addr_fact_t *facts;
  uint32_t nfacts, facts_cap;
  cg_addr_pending_t pending[CG_MAX_PENDING];
  uint32_t npending;
  uint32_t nstreams;        /* stream bases made so far, which tells them apart */
} cg_func_t;

/* ---- codegen.c: errors -------------------------------------------------------------------- */
CG_HIDDEN bool cg_fail(cg_module_t *cm, swasm_status_t st, int64_t func, uint64_t offset,
                       const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
CG_HIDDEN bool cg_fail_oom(cg_module_t *cm);

/* ---- abi.c: types, runtime declarations, vmctx access -------------------------------------- */
CG_HIDDEN bool cg_abi_init(cg_module_t *cm);
CG_HIDDEN LLVMTypeRef cg_valtype(cg_module_t *cm, uint8_t t);
CG_HIDDEN LLVMTypeRef cg_functype(cg_module_t *cm, const swasm_functype_t *ft);
CG_HIDDEN LLVMTypeRef cg_result_type(cg_module_t *cm, uint32_t n, const uint8_t *types);
CG_HIDDEN LLVMValueRef cg_call_rt(cg_func_t *f, cg_rtfn_t which, LLVMValueRef *args,
                                  unsigned nargs);
CG_HIDDEN LLVMValueRef cg_intrinsic(cg_module_t *cm, const char *name, LLVMTypeRef *tys,
                                    unsigned ntys, LLVMTypeRef *fnty_out);
CG_HIDDEN LLVMValueRef cg_call_intrinsic(cg_func_t *f, const char *name, LLVMTypeRef overload,
                                         LLVMValueRef *args, unsigned nargs);
/* Loads field idx of the struct at p; invariant loads get !invariant.load. */
CG_HIDDEN LLVMValueRef cg_load_field(cg_func_t *f, LLVMTypeRef sty, LLVMValueRef p, unsigned idx,
                                     bool invariant, const char *name);
CG_HIDDEN LLVMValueRef cg_field_ptr(cg_func_t *f, LLVMTypeRef sty, LLVMValueRef p, unsigned idx);
/* Invariant vmctx fields and what they point to are loaded once per function, in the entry
 * block: a load there dominates every use and keeps its metadata, so loads through it can be
 * hoisted out of loops even when the loop may trap. */
CG_HIDDEN LLVMValueRef cg_vmctx_field(cg_func_t *f, unsigned idx, const char *name);
CG_HIDDEN LLVMValueRef cg_global_cell(cg_func_t *f, uint32_t global);
CG_HIDDEN LLVMValueRef cg_table_struct(cg_func_t *f, uint32_t table);
CG_HIDDEN LLVMValueRef cg_memory_struct(cg_func_t *f, uint32_t mem);
CG_HIDDEN LLVMValueRef cg_memory_base(cg_func_t *f, uint32_t mem);
CG_HIDDEN LLVMValueRef cg_array_elem_ptr(cg_func_t *f, LLVMTypeRef elty, LLVMValueRef base,
                                         LLVMValueRef index);
/* Loads base[index] from an invariant array of pointers to objects of deref bytes. */
CG_HIDDEN LLVMValueRef cg_load_ptr_elem(cg_func_t *f, LLVMValueRef base, uint32_t index,
                                        uint64_t deref, const char *name);
/* Marks a pointer load as giving a pointer to bytes dereferenceable bytes (or nothing for 0),
 * so that loads through it may be hoisted out of loops with trapping exits. */
CG_HIDDEN void cg_set_deref(cg_module_t *cm, LLVMValueRef load, uint64_t bytes);
CG_HIDDEN LLVMValueRef cg_zero(cg_module_t *cm, uint8_t t);
CG_HIDDEN LLVMValueRef cg_i32(cg_module_t *cm, uint32_t v);
CG_HIDDEN LLVMValueRef cg_i64(cg_module_t *cm, uint64_t v);
CG_HIDDEN void cg_set_invariant(cg_module_t *cm, LLVMValueRef load);
/* Tags a load or store with its memory kind; returns it. */
CG_HIDDEN LLVMValueRef cg_tbaa(cg_module_t *cm, LLVMValueRef access, cg_tbaa_t kind);

/* ---- func.c: function skeletons, translation loop, stack, traps ------------------------------ */
CG_HIDDEN bool cg_func_begin(cg_func_t *f, cg_module_t *cm, LLVMValueRef fn, int64_t index);
CG_HIDDEN void cg_func_end(cg_func_t *f);
CG_HIDDEN bool cg_build_function(cg_module_t *cm, uint32_t defined_index);
/* Translates [pos, end) of the module bytes until the frame below the current top closes. */
CG_HIDDEN bool cg_translate(cg_func_t *f, size_t pos, size_t end);
/* Evaluates a constant expression in f (at the builder's position) into *out. */
CG_HIDDEN bool cg_const_expr(cg_func_t *f, swasm_expr_t e, uint8_t type, LLVMValueRef *out);

CG_HIDDEN bool cg_push(cg_func_t *f, LLVMValueRef v);
CG_HIDDEN LLVMValueRef cg_pop(cg_func_t *f);
CG_HIDDEN LLVMValueRef cg_peek(cg_func_t *f, uint32_t depth);
CG_HIDDEN cg_frame_t *cg_push_frame(cg_func_t *f, cg_framekind_t kind, uint32_t nparams,
                                    const uint8_t *params, uint32_t nresults,
                                    const uint8_t *results);
CG_HIDDEN void *cg_scratch(cg_func_t *f, size_t size);

CG_HIDDEN LLVMBasicBlockRef cg_trap_block(cg_func_t *f, swasm_trap_t code);

/* ---- stackcheck.c ---- */
/* Builds the check of the stack pointer against the limit at the builder's position. */
CG_HIDDEN void cg_stack_check(cg_func_t *f);
/* Drops the check of a function that calls nobody and has a small frame. */
CG_HIDDEN void cg_drop_leaf_stack_check(cg_func_t *f, const swasm_funcdef_t *fn);
/* Traps with code when cond (i1) is true; continues in a new block otherwise. */
CG_HIDDEN void cg_trap_if(cg_func_t *f, LLVMValueRef cond, swasm_trap_t code);
CG_HIDDEN LLVMBasicBlockRef cg_new_block(cg_func_t *f, const char *name);
/* Moves bb to the end of the function (a natural layout at -O0) and builds there. */
CG_HIDDEN void cg_start_block(cg_func_t *f, LLVMBasicBlockRef bb);
/* The i32 operand as an i1 (x != 0). */
CG_HIDDEN LLVMValueRef cg_cond(cg_func_t *f, LLVMValueRef v);

/* ---- addr.c: exact effective addresses, local forwarding ---------------------------------- */
/* The i64 offset into memory mem of an access of n bytes at addr + offset: zext(addr) + offset,
 * or zext(x) + c + offset when addr is x + c and x + c is proven not to wrap. *base is the
 * pointer the offset applies to: the memory's base, or a copy private to x's stream. */
CG_HIDDEN LLVMValueRef cg_addr_ea(cg_func_t *f, uint32_t mem, LLVMValueRef addr, uint64_t offset,
                                  unsigned n, LLVMValueRef *base);
/* Whether the i32 x + c is known not to wrap: an access to x has proven it (numeric.c marks
 * such adds nuw, which gives LLVM's loop analyses the trip counts of pointer-stepping loops). */
CG_HIDDEN bool cg_addr_no_wrap(cg_func_t *f, LLVMValueRef x, uint64_t c);
CG_HIDDEN LLVMValueRef cg_local_get(cg_func_t *f, uint32_t i);
CG_HIDDEN void cg_local_set(cg_func_t *f, uint32_t i, LLVMValueRef v);
/* After an instruction for which cg_addr_breaks: later accesses prove nothing for earlier ones. */
CG_HIDDEN void cg_addr_barrier(cg_func_t *f);
CG_HIDDEN bool cg_addr_breaks(uint16_t op);
/* A block that other blocks branch to starts: forwarded locals are forgotten. */
CG_HIDDEN void cg_addr_join(cg_func_t *f);
/* A frame's else or end: forgets the facts learnt since mark, then joins. */
CG_HIDDEN void cg_addr_scope_end(cg_func_t *f, uint32_t mark);
/* Notes what the instruction op means for the enclosing loops' address streams. */
CG_HIDDEN void cg_addr_note(cg_func_t *f, uint16_t op);
/* At a loop's end: its streams go back to the shared base unless it may be vectorised. */
CG_HIDDEN void cg_addr_loop_end(cg_func_t *f, cg_frame_t *loop);

/* ---- emitters, one per family (control.c, call.c, variable.c, ...) ------------------------- */
typedef bool (*cg_emitter_t)(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_control(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_call(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_param(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_var(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_table(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_load(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_store(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_memory(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_const(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_cmp(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_iarith(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_farith(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_convert(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_ref(cg_func_t *f, const ir_instr_t *in);
/* SIMD (simd_*.c; their shared helpers are in simd.h). */
CG_HIDDEN bool cg_emit_vmem(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_vlane(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_vcmp(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_vbit(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_vint(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_vfloat(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_vconv(cg_func_t *f, const ir_instr_t *in);
CG_HIDDEN bool cg_emit_vrelaxed(cg_func_t *f, const ir_instr_t *in);

/* control.c: closes the innermost frame at its end (also used for dead code). */
CG_HIDDEN bool cg_control_end(cg_func_t *f);
CG_HIDDEN bool cg_control_else(cg_func_t *f);

/* call.c: calls code (a function of wasm type ft) with callee ctx and the top operands. */
CG_HIDDEN bool cg_call_code(cg_func_t *f, const swasm_functype_t *ft, LLVMTypeRef fnty,
                            LLVMValueRef code, LLVMValueRef ctx);
CG_HIDDEN void cg_push_results(cg_func_t *f, uint32_t n, LLVMValueRef ret);

/* numeric.c: sets the quiet bit of a NaN value. */
CG_HIDDEN LLVMValueRef cg_quiet_nan(cg_func_t *f, LLVMValueRef r);

/* memory.c: the memory's base pointer and its swasm_memory_t. */
CG_HIDDEN LLVMValueRef cg_memory_ptr(cg_func_t *f, uint32_t mem);
/* memory.c: the address of n bytes at addr + offset in memory mem, with the bounds check of
 * the compile's mode (the SIMD loads and stores share it). */
CG_HIDDEN LLVMValueRef cg_mem_address(cg_func_t *f, uint32_t mem, LLVMValueRef addr,
                                      uint64_t offset, unsigned n);

/* module.c and desc.c: the module glue. */
CG_HIDDEN bool cg_build_trampolines(cg_module_t *cm);
CG_HIDDEN bool cg_build_thunks(cg_module_t *cm);
CG_HIDDEN bool cg_build_init(cg_module_t *cm);
CG_HIDDEN bool cg_build_desc(cg_module_t *cm);
CG_HIDDEN LLVMValueRef cg_const_string(cg_module_t *cm, const char *s, const char *name);

#endif

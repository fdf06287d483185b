/* addr.c - exact 64-bit effective addresses for i32 addresses of the form x + c, and the
 * forwarding of local values within straight-line code that lets two accesses see the same x.
 *
 * wasm adds x + c in 32 bits, so an access means base + zext(x + c). LLVM cannot see that this
 * is base + zext(x) + c, so it cannot tell that the accesses at p, p + 4, p + 8 of a loop clang
 * unrolled for wasm32 are neighbours, and its loop vectoriser gives up on them. zext(x) + c is
 * exact whenever x + c does not wrap, and codegen can prove that from an access to x itself:
 *
 *  - A 32-bit memory never reaches 4 GiB (SWASM_MEM32_MAX_PAGES in swasm/runtime.h), so an
 *    access of n bytes at x + c' + o that did not trap, with x + c' known not to wrap, means
 *    x <= 4 GiB - 64 KiB - c' - o - n: x + c cannot wrap for any c below
 *    64 KiB + c' + o + n (the "headroom" of x).
 *  - An access that dominates proves it for what follows. Facts are scoped by the control
 *    frames: an else or end forgets what its frame learnt; values are SSA, so loops need no
 *    special care.
 *  - An access that comes later in the same straight-line code proves it too, when nothing in
 *    between has an effect or can trap otherwise: if x + c wrapped, that later access traps
 *    out of bounds, and trapping earlier at x + c (whose 64-bit address then lies in the guard
 *    region, or fails the explicit bounds check) cannot be told apart. Such loads wait in a
 *    pending list and are rewritten when the proof arrives; stores never wait, since a store
 *    that wrapped would have had an effect before the trap.
 */
#include <stdlib.h>
#include <string.h>

#include "cg.h"

#define WINDOW 64   /* facts searched, from the most recent: bounds the work per access */

/* ---- local forwarding ------------------------------------------------------------------- */

LLVMValueRef cg_local_get(cg_func_t *f, uint32_t i) {
  if (f->local_val && f->local_gen[i] == f->gen && f->local_val[i]) return f->local_val[i];
  LLVMValueRef v = LLVMBuildLoad2(f->cm->b, cg_valtype(f->cm, f->local_types[i]), f->locals[i],
                                  "");
  if (f->local_val) {
    f->local_val[i] = v;
    f->local_gen[i] = f->gen;
  }
  return v;
}

void cg_local_set(cg_func_t *f, uint32_t i, LLVMValueRef v) {
  LLVMBuildStore(f->cm->b, v, f->locals[i]);
  if (f->local_val) {
    f->local_val[i] = v;
    f->local_gen[i] = f->gen;
  }
}

void cg_addr_join(cg_func_t *f) {
  f->gen++;
  f->npending = 0;
}

void cg_addr_barrier(cg_func_t *f) { f->npending = 0; }

void cg_addr_scope_end(cg_func_t *f, uint32_t mark) {
  if (mark < f->nfacts) f->nfacts = mark;
  cg_addr_join(f);
}

/* Whether an instruction may have an effect, trap other than out of bounds, or leave the
 * straight line: pending loads before it can no longer be proven by accesses after it. */
bool cg_addr_breaks(uint16_t op) {
  switch (ir_ops[op].family) {
  case FAM_PARAM: case FAM_CONST: case FAM_CMP: case FAM_FARITH: case FAM_LOAD: case FAM_REF:
  case FAM_VLANE: case FAM_VCMP: case FAM_VBIT: case FAM_VINT: case FAM_VFLOAT: case FAM_VCONV:
  case FAM_VRELAXED:
    return false;
  case FAM_VAR:
    return op == OP_GLOBAL_SET;
  case FAM_IARITH:
    return (op >= OP_I32_DIV_S && op <= OP_I32_REM_U) || (op >= OP_I64_DIV_S && op <= OP_I64_REM_U);
  case FAM_CONVERT:
    return (op >= OP_I32_TRUNC_F32_S && op <= OP_I32_TRUNC_F64_U) ||
           (op >= OP_I64_TRUNC_F32_S && op <= OP_I64_TRUNC_F64_U);
  default:
    return true;
  }
}

/* ---- facts -------------------------------------------------------------------------------- */

/* The bytes between the memory's largest possible size and 4 GiB, or 0 when nothing may be
 * folded (memory64: addresses are not extended). */
static uint64_t slack(cg_module_t *cm, uint32_t mem) {
  const swasm_limits_t *l = &cm->m->memories[mem];
  if (l->is64) return 0;
  uint64_t pages = SWASM_MEM32_MAX_PAGES;
  if (l->has_max && l->max < pages) pages = l->max;
  return ((uint64_t)1 << 32) - pages * SWASM_PAGE_SIZE;
}

/* The largest c for which x + c is known not to wrap, or 0. */
static uint64_t headroom(cg_func_t *f, LLVMValueRef x, uint32_t mem) {
  uint32_t stop = f->nfacts > WINDOW ? f->nfacts - WINDOW : 0;
  uint64_t best = 0;
  for (uint32_t i = f->nfacts; i-- > stop;)
    if (f->facts[i].value == x && f->facts[i].mem == mem && f->facts[i].headroom > best)
      best = f->facts[i].headroom;
  return best;
}

static void add_fact(cg_func_t *f, LLVMValueRef x, uint32_t mem, uint64_t room) {
  if (f->nfacts == f->facts_cap) {
    uint32_t cap = f->facts_cap ? f->facts_cap * 2 : 32;
    cg_addr_fact_t *p = realloc(f->facts, sizeof *p * cap);
    if (!p) return;   /* forgetting a fact only loses an optimisation */
    f->facts = p;
    f->facts_cap = cap;
  }
  f->facts[f->nfacts++] = (cg_addr_fact_t){.value = x, .mem = mem, .headroom = room};
}

/* x and the constant c with addr == x + c (mod 2^32), following adds and subs of constants. */
static LLVMValueRef split(LLVMValueRef addr, uint64_t *c) {
  uint32_t k = 0;
  for (int depth = 0; depth < 8 && LLVMIsAInstruction(addr); depth++) {
    LLVMOpcode op = LLVMGetInstructionOpcode(addr);
    if (op != LLVMAdd && op != LLVMSub) break;
    LLVMValueRef a = LLVMGetOperand(addr, 0), b = LLVMGetOperand(addr, 1);
    if (LLVMIsAConstantInt(b)) {
      uint32_t v = (uint32_t)LLVMConstIntGetZExtValue(b);
      k += op == LLVMAdd ? v : 0u - v;
      addr = a;
    } else if (op == LLVMAdd && LLVMIsAConstantInt(a)) {
      k += (uint32_t)LLVMConstIntGetZExtValue(a);
      addr = b;
    } else {
      break;
    }
  }
  *c = k;
  return addr;
}

static LLVMValueRef wide(LLVMBuilderRef b, cg_module_t *cm, LLVMValueRef x, uint64_t c) {
  LLVMValueRef ea = LLVMBuildZExt(b, x, cm->t_i64, "");
  return c ? LLVMBuildNUWAdd(b, ea, cg_i64(cm, c), "") : ea;
}

static void erase_if_dead(LLVMValueRef v) {
  if (!LLVMIsAInstruction(v) || LLVMGetFirstUse(v)) return;
  LLVMValueRef op = LLVMGetNumOperands(v) > 0 ? LLVMGetOperand(v, 0) : NULL;
  bool zext = LLVMGetInstructionOpcode(v) == LLVMZExt;
  LLVMInstructionEraseFromParent(v);
  if (op && !zext) erase_if_dead(op);   /* the zext under an add; never the wasm value */
}

/* Rewrites the pending loads on x whose constant is now known not to wrap. */
static void resolve(cg_func_t *f, LLVMValueRef x, uint32_t mem, uint64_t room) {
  uint32_t keep = 0;
  for (uint32_t i = 0; i < f->npending; i++) {
    cg_addr_pending_t *p = &f->pending[i];
    if (p->value != x || p->mem != mem || p->c > room) {
      f->pending[keep++] = *p;
      continue;
    }
    LLVMBuilderRef b = f->cm->phib;
    LLVMPositionBuilderBefore(b, p->ea);
    LLVMValueRef ea = wide(b, f->cm, x, p->c + p->offset);
    LLVMReplaceAllUsesWith(p->ea, ea);
    erase_if_dead(p->ea);
  }
  f->npending = keep;
}

/* ---- streams ----------------------------------------------------------------------------- */

static cg_frame_t *innermost_loop(cg_func_t *f) {
  for (uint32_t i = f->nframes; i-- > 0;) {
    if (f->frames[i].kind == FR_LOOP) return &f->frames[i];
    if (f->frames[i].kind == FR_FUNC) break;
  }
  return NULL;
}

/* A copy of base that LLVM cannot trace back to it; k keeps copies from being merged. */
static LLVMValueRef opaque_copy(cg_module_t *cm, LLVMBuilderRef b, LLVMValueRef base, uint32_t k) {
  LLVMTypeRef ps[] = {cm->t_ptr, cm->t_i32};
  LLVMTypeRef fnty = LLVMFunctionType(cm->t_ptr, ps, 2, false);
  static const char cons[] = "=r,0,i";
  LLVMValueRef fn = LLVMGetInlineAsm(fnty, "", 0, cons, sizeof cons - 1, false, false,
                                     LLVMInlineAsmDialectATT, false);
  LLVMValueRef args[] = {base, cg_i32(cm, k)};
  LLVMValueRef call = LLVMBuildCall2(b, fnty, fn, args, 2, "stream");
  static const char *const attrs[] = {"nounwind", "willreturn", "memory"};
  for (unsigned i = 0; i < 3; i++) {
    unsigned kind = LLVMGetEnumAttributeKindForName(attrs[i], strlen(attrs[i]));
    LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
                             LLVMCreateEnumAttribute(cm->ctx, kind, 0));   /* memory(none) */
  }
  return call;
}

static LLVMValueRef stream_base(cg_func_t *f, uint32_t mem, LLVMValueRef x) {
  cg_module_t *cm = f->cm;
  LLVMValueRef base = cg_memory_ptr(f, mem);
  cg_frame_t *loop = innermost_loop(f);
  if (cm->opts->opt_level < 2 || cm->opts->bounds != SWASM_BOUNDS_GUARD || !loop ||
      !loop->pre_br || LLVMIsAConstant(x))
    return base;
  for (uint32_t i = 0; i < loop->nstreams; i++)
    if (loop->streams[i].root == x && loop->streams[i].mem == mem) return loop->streams[i].base;
  if (loop->nstreams == CG_MAX_STREAMS) return base;
  LLVMBuilderRef b = cm->phib;
  LLVMPositionBuilderBefore(b, loop->pre_br);
  LLVMValueRef copy = opaque_copy(cm, b, base, f->nstreams++);
  loop->streams[loop->nstreams].root = x;
  loop->streams[loop->nstreams].mem = mem;
  loop->streams[loop->nstreams++].base = copy;
  return copy;
}

/* ---- effective addresses ---------------------------------------------------------------- */

LLVMValueRef cg_addr_ea(cg_func_t *f, uint32_t mem, LLVMValueRef addr, uint64_t offset,
                        unsigned n, LLVMValueRef *basep) {
  cg_module_t *cm = f->cm;
  uint64_t base = slack(cm, mem), c;
  LLVMValueRef x = split(addr, &c);
  *basep = stream_base(f, mem, x);
  if (!base || LLVMIsAConstant(addr)) return wide(cm->b, cm, addr, offset);
  uint64_t room = c ? headroom(f, x, mem) : 0;
  bool exact = c == 0 || c <= room;
  LLVMValueRef ea = exact ? wide(cm->b, cm, x, c + offset) : wide(cm->b, cm, addr, offset);
  /* What this access proves once it has not trapped. */
  uint64_t proved = base + offset + n - 1;
  if (exact) {
    add_fact(f, x, mem, proved + c);
    resolve(f, x, mem, proved + c);
  } else {
    add_fact(f, addr, mem, proved);
    if (ir_ops[f->op].family == FAM_LOAD && f->npending < CG_MAX_PENDING &&
        LLVMIsAInstruction(ea))
      f->pending[f->npending++] =
          (cg_addr_pending_t){.value = x, .mem = mem, .c = c, .offset = offset, .ea = ea};
  }
  return ea;
}

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
 *
 * Forwarded local values and pending loads are forgotten where blocks join (a loop header, an
 * else, an end); facts are about SSA values and survive everything but their frame's end.
 *
 * Streams. An access whose x + c is within STREAM_SPAN bytes above an accessed x + c' is
 * addressed from that "anchor" (anchor + (c - c')), so the unrolled members of one array walk
 * share one base value and LLVM sees them as neighbours. In an innermost loop without calls
 * each anchor also gets its own copy of the memory base, made before the loop by an empty
 * inline asm that LLVM cannot see through: the loop vectoriser's dependence analysis then
 * compares pointers with distinct bases and emits a runtime overlap check instead of giving up
 * on zext(i32) offsets from one shared base. Loops that cannot be vectorised (calls, inner
 * loops) give their copies back at their end, and cg_merge_streams removes the rest after
 * optimisation, so no register is spent on them in the machine code. An innermost loop whose
 * streams are accessed at several offsets per iteration (a loop the producer unrolled) and
 * that does no floating-point arithmetic is marked for forced vectorisation (force_vectorise).
 *
 * An i32.add of a constant to an accessed value is marked nuw when the value's headroom
 * covers it (cg_addr_no_wrap): that gives LLVM the trip count of a loop stepping a pointer.
 */
#include <stdlib.h>
#include <string.h>

#include <llvm-c/DebugInfo.h>

#include "cg.h"

#define WINDOW 64         /* facts searched, from the most recent: bounds the work per access */
#define STREAM_SPAN 1024  /* bytes from an anchor that still belong to its stream */

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
    return (op >= OP_I32_DIV_S && op <= OP_I32_REM_U) ||
           (op >= OP_I64_DIV_S && op <= OP_I64_REM_U);
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

/* An accessed address x + c' (an "anchor") from which x + c is c - c' further and, as the
 * anchor's headroom shows, does not wrap: (x + c) mod 2^32 is then anchor + (c - c') exactly,
 * whether or not x + c' itself wrapped. The nearest one below within STREAM_SPAN bytes wins:
 * the members of an unrolled stream hang off the same anchor, while arrays further apart
 * (static arrays at constant offsets from one index) stay separate streams. */
static const cg_addr_fact_t *anchor(cg_func_t *f, LLVMValueRef x, uint64_t c, uint32_t mem) {
  uint32_t stop = f->nfacts > WINDOW ? f->nfacts - WINDOW : 0;
  const cg_addr_fact_t *best = NULL;
  for (uint32_t i = f->nfacts; i-- > stop;) {
    const cg_addr_fact_t *a = &f->facts[i];
    if (a->root == x && a->mem == mem && a->c <= c && c - a->c < STREAM_SPAN &&
        c - a->c <= a->headroom && (!best || a->c > best->c))
      best = a;
  }
  return best;
}

bool cg_addr_no_wrap(cg_func_t *f, LLVMValueRef x, uint64_t c) {
  uint32_t stop = f->nfacts > WINDOW ? f->nfacts - WINDOW : 0;
  for (uint32_t i = f->nfacts; i-- > stop;)
    if (f->facts[i].value == x && c <= f->facts[i].headroom) return true;
  return false;
}

static void add_fact(cg_func_t *f, LLVMValueRef value, LLVMValueRef root, uint64_t c,
                     uint32_t mem, uint64_t room) {
  if (f->nfacts == f->facts_cap) {
    uint32_t cap = f->facts_cap ? f->facts_cap * 2 : 32;
    cg_addr_fact_t *p = realloc(f->facts, sizeof *p * cap);
    if (!p) return;   /* forgetting a fact only loses an optimisation */
    f->facts = p;
    f->facts_cap = cap;
  }
  f->facts[f->nfacts++] =
      (cg_addr_fact_t){.value = value, .root = root, .c = c, .mem = mem, .headroom = room};
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

/* ---- streams ----------------------------------------------------------------------------- */

static cg_frame_t *innermost_loop(cg_func_t *f) {
  for (uint32_t i = f->nframes; i-- > 0;) {
    if (f->frames[i].kind == FR_LOOP) return &f->frames[i];
    if (f->frames[i].kind == FR_FUNC) break;
  }
  return NULL;
}

/* The constraints of the inline asm that copies a base: no other inline asm is ever emitted. */
static const char stream_constraints[] = "=r,0,i";

/* A copy of base that LLVM cannot trace back to it; k keeps copies from being merged. */
static LLVMValueRef opaque_copy(cg_module_t *cm, LLVMBuilderRef b, LLVMValueRef base, uint32_t k) {
  LLVMTypeRef ps[] = {cm->t_ptr, cm->t_i32};
  LLVMTypeRef fnty = LLVMFunctionType(cm->t_ptr, ps, 2, false);
  const char *cons = stream_constraints;
  LLVMValueRef fn = LLVMGetInlineAsm(fnty, "", 0, cons, sizeof stream_constraints - 1, false,
                                     false, LLVMInlineAsmDialectATT, false);
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

/* Floating-point arithmetic, compares and conversions, and every SIMD instruction. */
static bool is_float(uint16_t op) {
  const ir_opinfo_t *o = &ir_ops[op];
  if (o->family == FAM_FARITH || o->family >= FAM_VMEM) return true;
  if (o->family != FAM_CMP && o->family != FAM_CONVERT) return false;
  for (int i = 0; i < 3; i++)
    if (o->params[i] == T_F32 || o->params[i] == T_F64) return true;
  return o->result == T_F32 || o->result == T_F64;
}

void cg_addr_note(cg_func_t *f, uint16_t op) {
  uint8_t fam = ir_ops[op].family;
  bool call = fam == FAM_CALL || (fam == FAM_MEMORY && op != OP_MEMORY_SIZE) || fam == FAM_TABLE;
  bool flt = is_float(op);
  if (op != OP_LOOP && !call && !flt) return;
  cg_frame_t *loop = innermost_loop(f);
  if (!loop) return;
  if (op == OP_LOOP) loop->has_inner_loop = true;
  else if (call) loop->has_call = true;
  else loop->has_float = true;
}

/* Marks the loop's back edges with llvm.loop.vectorize.enable. A loop the wasm producer
 * unrolled accesses each stream at k consecutive offsets per iteration, which LLVM's loop
 * vectoriser sees as interleaved groups; without AVX2 its x86 cost model prices their
 * (de)interleaving shuffles lane by lane and gives up, although for a group whose members
 * all do the same thing the shuffles fold away and leave plain wide loads and stores (a byte
 * loop unrolled by four runs 12 to 17 times slower scalar). Forcing skips the profitability
 * test (legality and runtime overlap checks stay) but also lets LLVM reorder floating-point
 * operations, which wasm forbids: loops with any floating-point arithmetic are never forced. */
static void force_vectorise(cg_func_t *f, cg_frame_t *loop) {
  LLVMContextRef ctx = f->cm->ctx;
  LLVMMetadataRef tmp = LLVMTemporaryMDNode(ctx, NULL, 0);
  LLVMMetadataRef name = LLVMMDStringInContext2(ctx, "llvm.loop.vectorize.enable", 26);
  LLVMMetadataRef on = LLVMValueAsMetadata(LLVMConstInt(f->cm->t_i1, 1, false));
  LLVMMetadataRef hint[] = {name, on};
  LLVMMetadataRef ops[] = {tmp, LLVMMDNodeInContext2(ctx, hint, 2)};
  LLVMMetadataRef id = LLVMMDNodeInContext2(ctx, ops, 2);
  LLVMMetadataReplaceAllUsesWith(tmp, id);   /* a loop id refers to itself */
  unsigned kind = LLVMGetMDKindIDInContext(ctx, "llvm.loop", 9);
  LLVMValueRef idv = LLVMMetadataAsValue(ctx, id);
  for (LLVMUseRef u = LLVMGetFirstUse(LLVMBasicBlockAsValue(loop->head)); u;
       u = LLVMGetNextUse(u)) {
    LLVMValueRef br = LLVMGetUser(u);
    if (br != loop->pre_br && LLVMIsATerminatorInst(br)) LLVMSetMetadata(br, kind, idv);
  }
}

/* LLVM vectorises innermost loops without calls; elsewhere the private bases would only cost
 * registers (and hide from alias analysis that two roots may be the same address). */
void cg_addr_loop_end(cg_func_t *f, cg_frame_t *loop) {
  if (!loop->has_inner_loop && !loop->has_call && !loop->has_float && loop->unrolled &&
      loop->nstreams)
    force_vectorise(f, loop);
  if (!loop->has_inner_loop && !loop->has_call) return;
  for (uint32_t i = 0; i < loop->nstreams; i++) {
    LLVMValueRef copy = loop->streams[i].base;
    LLVMReplaceAllUsesWith(copy, cg_memory_ptr(f, loop->streams[i].mem));
    LLVMInstructionEraseFromParent(copy);
  }
  loop->nstreams = 0;
}

static bool is_stream_copy(LLVMValueRef i) {
  if (!LLVMIsACallInst(i)) return false;
  LLVMValueRef callee = LLVMGetCalledValue(i);
  if (!LLVMIsAInlineAsm(callee)) return false;
  size_t n;
  const char *c = LLVMGetInlineAsmConstraintString(callee, &n);
  return n == sizeof stream_constraints - 1 && memcmp(c, stream_constraints, n) == 0;
}

void cg_merge_streams(LLVMModuleRef mod) {
  for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn))
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
      for (LLVMValueRef i = LLVMGetFirstInstruction(bb), next; i; i = next) {
        next = LLVMGetNextInstruction(i);
        if (!is_stream_copy(i)) continue;
        LLVMReplaceAllUsesWith(i, LLVMGetOperand(i, 0));
        LLVMInstructionEraseFromParent(i);
      }
}

/* Rewrites the pending loads on x whose constant is now known not to wrap; they join x's
 * stream. */
static void resolve(cg_func_t *f, LLVMValueRef x, uint32_t mem, uint64_t room) {
  uint32_t keep = 0;
  for (uint32_t i = 0; i < f->npending; i++) {
    cg_addr_pending_t *p = &f->pending[i];
    /* c + offset below 4 GiB keeps the early access inside the 8 GiB guarded reservation
     * even in the case that traps (x + c wrapped, so zext(x) + c is past 4 GiB). */
    if (p->value != x || p->mem != mem || p->c > room || p->c >= STREAM_SPAN ||
        p->c + p->offset > UINT32_MAX) {
      f->pending[keep++] = *p;
      continue;
    }
    LLVMBuilderRef b = f->cm->phib;
    LLVMPositionBuilderBefore(b, p->ea);
    LLVMValueRef ea = wide(b, f->cm, x, p->c + p->offset);
    LLVMReplaceAllUsesWith(p->ea, ea);
    erase_if_dead(p->ea);
    for (LLVMUseRef u = LLVMGetFirstUse(ea); u; u = LLVMGetNextUse(u)) {
      LLVMValueRef user = LLVMGetUser(u);
      if (LLVMIsAGetElementPtrInst(user)) LLVMSetOperand(user, 0, stream_base(f, mem, x));
    }
  }
  f->npending = keep;
}

/* ---- effective addresses ---------------------------------------------------------------- */

LLVMValueRef cg_addr_ea(cg_func_t *f, uint32_t mem, LLVMValueRef addr, uint64_t offset,
                        unsigned n, LLVMValueRef *basep) {
  cg_module_t *cm = f->cm;
  uint64_t slack_bytes = slack(cm, mem), c;
  LLVMValueRef x = split(addr, &c);
  if (!slack_bytes || LLVMIsAConstant(addr)) {
    *basep = stream_base(f, mem, x);
    return wide(cm->b, cm, addr, offset);
  }
  /* What this access proves about the value its address is computed from, once it has not
   * trapped: that value + d does not wrap for d up to proved + (its distance from it). */
  uint64_t proved = slack_bytes + offset + n - 1;
  const cg_addr_fact_t *a = anchor(f, x, c, mem);
  if (a) {
    LLVMValueRef av = a->value;
    uint64_t d = c - a->c, ac = a->c;
    *basep = stream_base(f, mem, av);
    cg_frame_t *loop = innermost_loop(f);
    if (loop && d) loop->unrolled = true;
    add_fact(f, av, x, ac, mem, proved + d);
    if (av == x) resolve(f, x, mem, proved + d);
    return wide(cm->b, cm, av, d + offset);
  }
  *basep = stream_base(f, mem, addr);
  LLVMValueRef ea = wide(cm->b, cm, addr, offset);
  add_fact(f, addr, x, c, mem, proved);
  if (addr == x) {
    resolve(f, x, mem, proved);
  } else if (ir_ops[f->op].family == FAM_LOAD && f->npending < CG_MAX_PENDING &&
             LLVMIsAInstruction(ea)) {
    f->pending[f->npending++] =
        (cg_addr_pending_t){.value = x, .mem = mem, .c = c, .offset = offset, .ea = ea};
  }
  return ea;
}

/* func.c - one wasm function's LLVM skeleton (entry block, locals, stack check, shared trap
 * blocks) and the translation loop that dispatches each instruction to its family's emitter. */
#include <stdlib.h>
#include <string.h>

#include "cg.h"

static const cg_emitter_t emitters[] = {
    [FAM_CONTROL] = cg_emit_control, [FAM_CALL] = cg_emit_call,
    [FAM_PARAM] = cg_emit_param,     [FAM_VAR] = cg_emit_var,
    [FAM_TABLE] = cg_emit_table,     [FAM_LOAD] = cg_emit_load,
    [FAM_STORE] = cg_emit_store,     [FAM_MEMORY] = cg_emit_memory,
    [FAM_CONST] = cg_emit_const,     [FAM_CMP] = cg_emit_cmp,
    [FAM_IARITH] = cg_emit_iarith,   [FAM_FARITH] = cg_emit_farith,
    [FAM_CONVERT] = cg_emit_convert, [FAM_REF] = cg_emit_ref,
    [FAM_VMEM] = cg_emit_vmem,       [FAM_VLANE] = cg_emit_vlane,
    [FAM_VCMP] = cg_emit_vcmp,       [FAM_VBIT] = cg_emit_vbit,
    [FAM_VINT] = cg_emit_vint,       [FAM_VFLOAT] = cg_emit_vfloat,
    [FAM_VCONV] = cg_emit_vconv,     [FAM_VRELAXED] = cg_emit_vrelaxed,
};

void *cg_scratch(cg_func_t *f, size_t size) {
  void *p = ir_arena_alloc(f->cm->scratch, size ? size : 1);
  if (!p) cg_fail_oom(f->cm);
  return p;
}

/* ---- operand and control stacks ----------------------------------------------------------- */

bool cg_push(cg_func_t *f, LLVMValueRef v) {
  if (f->sp == f->stack_cap) {
    uint32_t cap = f->stack_cap ? f->stack_cap * 2 : 64;
    LLVMValueRef *s = realloc(f->stack, sizeof *s * cap);
    if (!s) return cg_fail_oom(f->cm);
    f->stack = s;
    f->stack_cap = cap;
  }
  f->stack[f->sp++] = v;
  return true;
}

/* Validation guarantees the operands are there. */
LLVMValueRef cg_pop(cg_func_t *f) { return f->stack[--f->sp]; }
LLVMValueRef cg_peek(cg_func_t *f, uint32_t depth) { return f->stack[f->sp - 1 - depth]; }

cg_frame_t *cg_push_frame(cg_func_t *f, cg_framekind_t kind, uint32_t nparams,
                          const uint8_t *params, uint32_t nresults, const uint8_t *results) {
  if (f->nframes == f->frames_cap) {
    uint32_t cap = f->frames_cap ? f->frames_cap * 2 : 16;
    cg_frame_t *fr = realloc(f->frames, sizeof *fr * cap);
    if (!fr) {
      cg_fail_oom(f->cm);
      return NULL;
    }
    f->frames = fr;
    f->frames_cap = cap;
  }
  cg_frame_t *fr = &f->frames[f->nframes++];
  memset(fr, 0, sizeof *fr);
  fr->kind = (uint8_t)kind;
  fr->nparams = nparams;
  fr->params = params;
  fr->nresults = nresults;
  fr->results = results;
  fr->height = f->sp - nparams;
  fr->facts_mark = f->nfacts;
  return fr;
}

/* ---- blocks and traps ----------------------------------------------------------------------- */

LLVMBasicBlockRef cg_new_block(cg_func_t *f, const char *name) {
  return LLVMAppendBasicBlockInContext(f->cm->ctx, f->fn, name);
}

LLVMBasicBlockRef cg_trap_block(cg_func_t *f, swasm_trap_t code) {
  if (f->traps[code]) return f->traps[code];
  cg_module_t *cm = f->cm;
  LLVMBasicBlockRef saved = LLVMGetInsertBlock(cm->b);
  LLVMBasicBlockRef bb = cg_new_block(f, "trap");
  LLVMPositionBuilderAtEnd(cm->b, bb);
  LLVMValueRef arg = cg_i32(cm, code);
  LLVMValueRef call = cg_call_rt(f, RT_TRAP, &arg, 1);
  LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
                           LLVMCreateEnumAttribute(cm->ctx,
                                                   LLVMGetEnumAttributeKindForName("noreturn", 8),
                                                   0));
  LLVMBuildUnreachable(cm->b);
  if (saved) LLVMPositionBuilderAtEnd(cm->b, saved);
  f->traps[code] = bb;
  return bb;
}

void cg_trap_if(cg_func_t *f, LLVMValueRef cond, swasm_trap_t code) {
  LLVMBasicBlockRef trap = cg_trap_block(f, code);
  LLVMBasicBlockRef ok = cg_new_block(f, "");
  LLVMBuildCondBr(f->cm->b, cond, trap, ok);
  LLVMPositionBuilderAtEnd(f->cm->b, ok);
}

/* ---- function skeleton -------------------------------------------------------------------- */

bool cg_func_begin(cg_func_t *f, cg_module_t *cm, LLVMValueRef fn, int64_t index) {
  memset(f, 0, sizeof *f);
  f->cm = cm;
  f->fn = fn;
  f->index = index;
  unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
  LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                          LLVMCreateEnumAttribute(cm->ctx, nounwind, 0));
  f->entry = cg_new_block(f, "entry");
  LLVMPositionBuilderAtEnd(cm->b, f->entry);
  return true;
}

void cg_func_end(cg_func_t *f) {
  /* Trap blocks last: out of the way of the hot path at -O0 too. */
  for (unsigned i = 0; i < SWASM_TRAP_COUNT; i++)
    if (f->traps[i]) LLVMMoveBasicBlockAfter(f->traps[i], LLVMGetLastBasicBlock(f->fn));
  free(f->stack);
  free(f->frames);
  free(f->edge);
  free(f->facts);
  f->stack = NULL;
  f->frames = NULL;
  f->edge = NULL;
  f->facts = NULL;
}

static bool setup_locals(cg_func_t *f, const swasm_funcdef_t *fn) {
  cg_module_t *cm = f->cm;
  const swasm_functype_t *ft = &cm->m->types[fn->type];
  uint64_t n = (uint64_t)ft->nparams + fn->nlocals;
  f->nlocals = (uint32_t)n;
  f->locals = cg_scratch(f, sizeof *f->locals * n);
  f->local_types = cg_scratch(f, n);
  f->local_val = cg_scratch(f, sizeof *f->local_val * n);
  f->local_gen = cg_scratch(f, sizeof *f->local_gen * n);
  if (!f->locals || !f->local_types || !f->local_val || !f->local_gen) return false;
  uint32_t k = 0;
  for (uint32_t i = 0; i < ft->nparams; i++) f->local_types[k++] = ft->params[i];
  for (uint32_t g = 0; g < fn->nlocalgroups; g++)
    for (uint32_t j = 0; j < fn->localgroups[g].count && k < n; j++)
      f->local_types[k++] = fn->localgroups[g].type;
  for (uint32_t i = 0; i < n; i++) {
    LLVMTypeRef t = cg_valtype(cm, f->local_types[i]);
    f->locals[i] = LLVMBuildAlloca(cm->b, t, "");
    LLVMValueRef init = i < ft->nparams ? LLVMGetParam(f->fn, i + 1) : LLVMConstNull(t);
    cg_local_set(f, i, init);
  }
  return true;
}

bool cg_build_function(cg_module_t *cm, uint32_t defined_index) {
  const swasm_module_t *m = cm->m;
  uint32_t index = m->nimported_funcs + defined_index;
  const swasm_funcdef_t *fn = &m->funcs[index];
  const swasm_functype_t *ft = &m->types[fn->type];
  cg_func_t f;
  cg_func_begin(&f, cm, cm->funcs[defined_index], index);
  f.vmctx = LLVMGetParam(f.fn, 0);
  LLVMSetValueName2(f.vmctx, "vmctx", 5);
  bool ok = setup_locals(&f, fn);
  if (ok) {
    cg_stack_check(&f);
    ok = cg_push_frame(&f, FR_FUNC, 0, NULL, ft->nresults, ft->results) != NULL;
  }
  if (ok) {
    f.frames[0].cont = cg_new_block(&f, "return");
    ok = cg_translate(&f, fn->body_offset, fn->body_end);
  }
  if (ok) cg_drop_leaf_stack_check(&f, fn);
  cg_func_end(&f);
  return ok;
}

/* ---- the translation loop ----------------------------------------------------------------- */

/* In dead code only nesting matters: count the blocks opened, and hand the else/end that
 * closes the dead frame to the control emitter. */
static bool skip_dead(cg_func_t *f, const ir_instr_t *in) {
  switch (in->op) {
  case OP_BLOCK: case OP_LOOP: case OP_IF:
    f->skip_depth++;
    return true;
  case OP_ELSE:
    return f->skip_depth == 0 ? cg_control_else(f) : true;
  case OP_END:
    if (f->skip_depth == 0) return cg_control_end(f);
    f->skip_depth--;
    return true;
  default:
    return true;
  }
}

bool cg_translate(cg_func_t *f, size_t pos, size_t end) {
  cg_module_t *cm = f->cm;
  ir_reader_t r = {.base = cm->m->bytes, .pos = pos, .end = end, .diag = cm->diag,
                   .features = &cm->m->features};
  ir_instr_scratch_t scratch = {0};
  uint32_t stop = f->nframes - 1;   /* done when this frame closes */
  bool ok = true;
  f->reader = &r;
  while (ok && f->nframes > stop) {
    ir_instr_t in;
    if (!ir_read_instr(&r, &in, &scratch)) {
      if (!r.failed)
        cg_fail(cm, SWASM_MALFORMED, f->index, r.pos, "unexpected end of code");
      ok = false;
      break;
    }
    f->offset = in.offset;
    f->op = (uint16_t)in.op;
    if (f->unreachable) {
      ok = skip_dead(f, &in);
      continue;
    }
    uint8_t fam = ir_ops[in.op].family;
    cg_addr_note(f, f->op);
    if (fam >= sizeof emitters / sizeof emitters[0] || !emitters[fam]) {
      ok = cg_fail(cm, SWASM_UNSUPPORTED, f->index, in.offset, "SIMD not supported yet (%s)",
                   ir_ops[in.op].name);
      break;
    }
    /* An emitter that ran out of memory may have returned true; stop at the first error. */
    ok = emitters[fam](f, &in) && cm->diag->status == SWASM_OK;
    if (cg_addr_breaks(f->op)) cg_addr_barrier(f);
  }
  ir_instr_scratch_free(&scratch);
  f->reader = NULL;
  return ok;
}

bool cg_const_expr(cg_func_t *f, swasm_expr_t e, uint8_t type, LLVMValueRef *out) {
  uint8_t *res = cg_scratch(f, 1);
  if (!res) return false;
  *res = type;
  uint32_t sp = f->sp;
  if (!cg_push_frame(f, FR_EXPR, 0, NULL, 1, res)) return false;
  if (!cg_translate(f, e.offset, e.end)) return false;
  if (f->sp != sp + 1)
    return cg_fail(f->cm, SWASM_INTERNAL, -1, e.offset, "constant expression left %u values",
                   f->sp - sp);
  *out = cg_pop(f);
  return true;
}

void cg_start_block(cg_func_t *f, LLVMBasicBlockRef bb) {
  LLVMBasicBlockRef last = LLVMGetLastBasicBlock(f->fn);
  if (last != bb) LLVMMoveBasicBlockAfter(bb, last);
  LLVMPositionBuilderAtEnd(f->cm->b, bb);
}

LLVMValueRef cg_cond(cg_func_t *f, LLVMValueRef v) {
  return LLVMBuildICmp(f->cm->b, LLVMIntNE, v, LLVMConstNull(LLVMTypeOf(v)), "");
}

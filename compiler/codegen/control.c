/* control.c - structured control flow: block, loop, if/else, end, the branches and return,
 * unreachable. Values a branch carries become phi operands in the target block. */
#include <stdlib.h>
#include <string.h>

#include "cg.h"

static void block_type(cg_func_t *f, const ir_instr_t *in, uint32_t *np, const uint8_t **p,
                       uint32_t *nr, const uint8_t **r) {
  *np = *nr = 0;
  *p = *r = NULL;
  if (in->u.block.kind == BT_VALTYPE) {
    uint8_t *t = cg_scratch(f, 1);
    if (t) {
      *t = in->u.block.valtype;
      *nr = 1;
      *r = t;
    }
  } else if (in->u.block.kind == BT_INDEX) {
    const swasm_functype_t *ft = &f->cm->m->types[in->u.block.index];
    *np = ft->nparams;
    *p = ft->params;
    *nr = ft->nresults;
    *r = ft->results;
  }
}

static cg_frame_t *label(cg_func_t *f, uint32_t depth) {
  return &f->frames[f->nframes - 1 - depth];
}

static uint32_t label_arity(const cg_frame_t *fr) {
  return fr->kind == FR_LOOP ? fr->nparams : fr->nresults;
}

static LLVMBasicBlockRef label_block(const cg_frame_t *fr) {
  return fr->kind == FR_LOOP ? fr->head : fr->cont;
}

/* Records an edge from the current block into fr's continuation (or, for a branch to a loop,
 * its header) carrying vals. */
static bool add_edge(cg_func_t *f, cg_frame_t *fr, bool branch, LLVMValueRef *vals) {
  cg_module_t *cm = f->cm;
  LLVMBasicBlockRef from = LLVMGetInsertBlock(cm->b);
  LLVMValueRef *phis;
  uint32_t n;
  if (branch && fr->kind == FR_LOOP) {
    phis = fr->head_phis;
    n = fr->nparams;
  } else {
    n = fr->nresults;
    if (n && !fr->phis) {
      fr->phis = cg_scratch(f, sizeof *fr->phis * n);
      if (!fr->phis) return false;
      LLVMPositionBuilderAtEnd(cm->phib, fr->cont);
      for (uint32_t i = 0; i < n; i++)
        fr->phis[i] = LLVMBuildPhi(cm->phib, cg_valtype(cm, fr->results[i]), "");
    }
    phis = fr->phis;
    fr->nedges++;
  }
  for (uint32_t i = 0; i < n; i++) LLVMAddIncoming(phis[i], &vals[i], &from, 1);
  return true;
}

static bool branch_to(cg_func_t *f, cg_frame_t *fr) {
  if (!add_edge(f, fr, true, &f->stack[f->sp - label_arity(fr)])) return false;
  LLVMBuildBr(f->cm->b, label_block(fr));
  return true;
}

static bool op_block(cg_func_t *f, const ir_instr_t *in) {
  uint32_t np, nr;
  const uint8_t *p, *r;
  block_type(f, in, &np, &p, &nr, &r);
  cg_frame_t *fr = cg_push_frame(f, FR_BLOCK, np, p, nr, r);
  if (!fr) return false;
  fr->cont = cg_new_block(f, "block.end");
  return true;
}

static bool op_loop(cg_func_t *f, const ir_instr_t *in) {
  cg_module_t *cm = f->cm;
  uint32_t np, nr;
  const uint8_t *p, *r;
  block_type(f, in, &np, &p, &nr, &r);
  cg_frame_t *fr = cg_push_frame(f, FR_LOOP, np, p, nr, r);
  if (!fr) return false;
  fr->head = cg_new_block(f, "loop");
  fr->cont = cg_new_block(f, "loop.end");
  if (np) {
    fr->head_phis = cg_scratch(f, sizeof *fr->head_phis * np);
    if (!fr->head_phis) return false;
    LLVMPositionBuilderAtEnd(cm->phib, fr->head);
    for (uint32_t i = 0; i < np; i++)
      fr->head_phis[i] = LLVMBuildPhi(cm->phib, cg_valtype(cm, p[i]), "");
  }
  if (!branch_to(f, fr)) return false;
  fr->pre_br = LLVMGetLastInstruction(LLVMGetInsertBlock(cm->b));
  cg_start_block(f, fr->head);
  cg_addr_join(f);
  for (uint32_t i = 0; i < np; i++) f->stack[fr->height + i] = fr->head_phis[i];
  return true;
}

static bool op_if(cg_func_t *f, const ir_instr_t *in) {
  LLVMValueRef cond = cg_cond(f, cg_pop(f));
  uint32_t np, nr;
  const uint8_t *p, *r;
  block_type(f, in, &np, &p, &nr, &r);
  cg_frame_t *fr = cg_push_frame(f, FR_IF, np, p, nr, r);
  if (!fr) return false;
  if (np) {
    fr->else_vals = cg_scratch(f, sizeof *fr->else_vals * np);
    if (!fr->else_vals) return false;
    memcpy(fr->else_vals, &f->stack[fr->height], sizeof *fr->else_vals * np);
  }
  LLVMBasicBlockRef then_bb = cg_new_block(f, "if.then");
  fr->else_bb = cg_new_block(f, "if.else");
  fr->cont = cg_new_block(f, "if.end");
  LLVMBuildCondBr(f->cm->b, cond, then_bb, fr->else_bb);
  cg_start_block(f, then_bb);
  return true;
}

bool cg_control_else(cg_func_t *f) {
  cg_frame_t *fr = &f->frames[f->nframes - 1];
  if (!f->unreachable) {
    if (!add_edge(f, fr, false, &f->stack[f->sp - fr->nresults])) return false;
    LLVMBuildBr(f->cm->b, fr->cont);
  }
  f->sp = fr->height;
  for (uint32_t i = 0; i < fr->nparams; i++)
    if (!cg_push(f, fr->else_vals[i])) return false;
  fr->has_else = true;
  f->unreachable = false;
  f->skip_depth = 0;
  cg_start_block(f, fr->else_bb);
  cg_addr_scope_end(f, fr->facts_mark);
  return true;
}

static void build_return(cg_func_t *f, cg_frame_t *fr) {
  LLVMBuilderRef b = f->cm->b;
  if (fr->nresults == 0) {
    LLVMBuildRetVoid(b);
  } else if (fr->nresults == 1) {
    LLVMBuildRet(b, fr->phis[0]);
  } else {
    LLVMValueRef agg = LLVMGetPoison(LLVMGetReturnType(LLVMGlobalGetValueType(f->fn)));
    for (uint32_t i = 0; i < fr->nresults; i++)
      agg = LLVMBuildInsertValue(b, agg, fr->phis[i], i, "");
    LLVMBuildRet(b, agg);
  }
}

bool cg_control_end(cg_func_t *f) {
  cg_frame_t *fr = &f->frames[f->nframes - 1];
  if (fr->kind == FR_EXPR) {
    f->nframes--;
    return true;
  }
  if (fr->kind == FR_LOOP) cg_addr_loop_end(f, fr);
  if (!f->unreachable) {
    if (!add_edge(f, fr, false, &f->stack[f->sp - fr->nresults])) return false;
    LLVMBuildBr(f->cm->b, fr->cont);
  }
  if (fr->kind == FR_IF && !fr->has_else) {
    /* The missing else arm passes the parameters through as results. */
    LLVMPositionBuilderAtEnd(f->cm->b, fr->else_bb);
    if (!add_edge(f, fr, false, fr->else_vals)) return false;
    LLVMBuildBr(f->cm->b, fr->cont);
  }
  f->sp = fr->height;
  f->nframes--;
  f->skip_depth = 0;
  cg_addr_scope_end(f, fr->facts_mark);
  if (fr->nedges == 0) {
    LLVMDeleteBasicBlock(fr->cont);
    f->unreachable = true;
    return true;
  }
  f->unreachable = false;
  cg_start_block(f, fr->cont);
  if (fr->kind == FR_FUNC) {
    build_return(f, fr);
    return true;
  }
  for (uint32_t i = 0; i < fr->nresults; i++)
    if (!cg_push(f, fr->phis[i])) return false;
  return true;
}

static bool op_br_if(cg_func_t *f, const ir_instr_t *in) {
  LLVMValueRef cond = cg_cond(f, cg_pop(f));
  cg_frame_t *fr = label(f, in->u.idx);
  if (!add_edge(f, fr, true, &f->stack[f->sp - label_arity(fr)])) return false;
  LLVMBasicBlockRef next = cg_new_block(f, "");
  LLVMBuildCondBr(f->cm->b, cond, label_block(fr), next);
  LLVMPositionBuilderAtEnd(f->cm->b, next);
  return true;
}

/* Each distinct target gets one edge block, so that a target's phis see one incoming edge per
 * predecessor however many table entries name it. Without values no phis are needed and the
 * switch goes straight to the targets. */
static LLVMBasicBlockRef table_target(cg_func_t *f, LLVMBasicBlockRef *edge, uint32_t depth,
                                      LLVMBasicBlockRef from) {
  if (edge[depth]) return edge[depth];
  cg_frame_t *fr = label(f, depth);
  uint32_t n = label_arity(fr);
  if (n == 0) {
    add_edge(f, fr, true, NULL);
    return edge[depth] = label_block(fr);
  }
  LLVMBasicBlockRef bb = cg_new_block(f, "br_table");
  LLVMPositionBuilderAtEnd(f->cm->b, bb);
  if (!add_edge(f, fr, true, &f->stack[f->sp - n])) return NULL;
  LLVMBuildBr(f->cm->b, label_block(fr));
  LLVMPositionBuilderAtEnd(f->cm->b, from);
  return edge[depth] = bb;
}

static bool op_br_table(cg_func_t *f, const ir_instr_t *in) {
  cg_module_t *cm = f->cm;
  LLVMValueRef index = cg_pop(f);
  uint32_t n = in->u.br_table.count;
  const uint32_t *t = in->u.br_table.targets;
  bool same = true;
  for (uint32_t i = 0; i < n && same; i++) same = t[i] == in->u.br_table.deflt;
  if (same) return branch_to(f, label(f, in->u.br_table.deflt));
  /* One buffer indexed by label depth, reused by every br_table (cleared after use), keeps
   * deep nesting with many tables linear. */
  if (f->edge_cap < f->nframes) {
    LLVMBasicBlockRef *e = realloc(f->edge, sizeof *e * f->nframes);
    if (!e) return cg_fail_oom(cm);
    memset(e + f->edge_cap, 0, sizeof *e * (f->nframes - f->edge_cap));
    f->edge = e;
    f->edge_cap = f->nframes;
  }
  LLVMBasicBlockRef *edge = f->edge;
  LLVMBasicBlockRef from = LLVMGetInsertBlock(cm->b);
  LLVMBasicBlockRef dflt = table_target(f, edge, in->u.br_table.deflt, from);
  if (!dflt) return false;
  LLVMBasicBlockRef *dest = cg_scratch(f, sizeof *dest * n);
  if (!dest) return false;
  for (uint32_t i = 0; i < n; i++)
    if (!(dest[i] = table_target(f, edge, t[i], from))) return false;
  LLVMValueRef sw = LLVMBuildSwitch(cm->b, index, dflt, n);
  for (uint32_t i = 0; i < n; i++) LLVMAddCase(sw, cg_i32(cm, i), dest[i]);
  for (uint32_t i = 0; i < n; i++) edge[t[i]] = NULL;
  edge[in->u.br_table.deflt] = NULL;
  return true;
}

bool cg_emit_control(cg_func_t *f, const ir_instr_t *in) {
  switch (in->op) {
  case OP_NOP:
    return true;
  case OP_UNREACHABLE:
    LLVMBuildBr(f->cm->b, cg_trap_block(f, SWASM_TRAP_UNREACHABLE));
    f->unreachable = true;
    return true;
  case OP_BLOCK: return op_block(f, in);
  case OP_LOOP: return op_loop(f, in);
  case OP_IF: return op_if(f, in);
  case OP_ELSE: return cg_control_else(f);
  case OP_END: return cg_control_end(f);
  case OP_BR:
    f->unreachable = true;
    return branch_to(f, label(f, in->u.idx));
  case OP_BR_IF: return op_br_if(f, in);
  case OP_BR_TABLE:
    f->unreachable = true;
    return op_br_table(f, in);
  case OP_RETURN:
    f->unreachable = true;
    return branch_to(f, &f->frames[0]);
  default:
    return cg_fail(f->cm, SWASM_INTERNAL, f->index, in->offset, "no control emitter for %s",
                   ir_ops[in->op].name);
  }
}

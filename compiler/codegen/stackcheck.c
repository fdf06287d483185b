/* stackcheck.c - the stack check at the entry of every function (deep recursion traps
 * cleanly), dropped from small leaves when the function is built and, after optimisation,
 * from the bodies the inliner copied into a checked caller. */
#include <string.h>

#include "cg.h"
#include "codegen.h"

/* Deep recursion must trap cleanly: compare the stack pointer with the limit. stacksave reads
 * the stack pointer without forcing a frame pointer the way frameaddress does. */
void cg_stack_check(cg_func_t *f) {
  cg_module_t *cm = f->cm;
  LLVMValueRef sp = cg_call_intrinsic(f, "llvm.stacksave", cm->t_ptr, NULL, 0);
  LLVMValueRef spi = LLVMBuildPtrToInt(cm->b, sp, cm->t_i64, "sp");
  LLVMValueRef limit = cg_vmctx_field(f, VMCTX_STACK_LIMIT, "stack_limit");
  LLVMValueRef below = LLVMBuildICmp(cm->b, LLVMIntULT, spi, limit, "");
  LLVMBasicBlockRef ok = cg_new_block(f, "");
  f->stack_check = LLVMBuildCondBr(cm->b, below, cg_trap_block(f, SWASM_TRAP_STACK_EXHAUSTED), ok);
  LLVMPositionBuilderAtEnd(cm->b, ok);
}

static void erase_dead(LLVMValueRef v) {
  if (!LLVMIsAInstruction(v) || LLVMGetFirstUse(v)) return;
  int n = LLVMGetNumOperands(v);
  LLVMValueRef ops[4];
  for (int i = 0; i < n && i < 4; i++) ops[i] = LLVMGetOperand(v, i);
  LLVMInstructionEraseFromParent(v);
  for (int i = 0; i < n && i < 4; i++) erase_dead(ops[i]);
}

/* A function that calls nobody cannot recurse, and a small one cannot use more than the
 * runtime's margin below the limit (256 KiB): its stack check goes. Inlined into callers,
 * the check would otherwise be repeated in their loops. */
void cg_drop_leaf_stack_check(cg_func_t *f, const swasm_funcdef_t *fn) {
  uint64_t estimate = 16 * ((uint64_t)(fn->body_end - fn->body_offset) + f->nlocals);
  if (f->has_calls || !f->stack_check || estimate > 64 * 1024) return;
  LLVMValueRef br = f->stack_check;
  LLVMValueRef cond = LLVMGetCondition(br);
  LLVMBasicBlockRef ok = LLVMGetSuccessor(br, 1);
  LLVMBasicBlockRef bb = LLVMGetInstructionParent(br);
  LLVMInstructionEraseFromParent(br);
  erase_dead(cond);
  LLVMBuilderRef b = f->cm->phib;
  LLVMPositionBuilderAtEnd(b, bb);
  LLVMBuildBr(b, ok);
  LLVMDeleteBasicBlock(f->traps[SWASM_TRAP_STACK_EXHAUSTED]);
  f->traps[SWASM_TRAP_STACK_EXHAUSTED] = NULL;
  f->stack_check = NULL;
}

/* ---- after optimisation ------------------------------------------------------------------- */

/* The constant cmp yields when the stack pointer is as high as it gets (never below the
 * limit): false for "sp < limit", true for "sp >= limit", with the operands either way round.
 * -1 when cmp is not such a comparison of sp. */
static int never_below(LLVMValueRef cmp, LLVMValueRef sp) {
  if (!LLVMIsAICmpInst(cmp)) return -1;
  bool sp_left = LLVMGetOperand(cmp, 0) == sp;
  if (!sp_left && LLVMGetOperand(cmp, 1) != sp) return -1;
  switch (LLVMGetICmpPredicate(cmp)) {
  case LLVMIntULT: case LLVMIntULE: return sp_left ? 0 : 1;
  case LLVMIntUGT: case LLVMIntUGE: return sp_left ? 1 : 0;
  default: return -1;
  }
}

static bool is_stacksave(LLVMValueRef i) {
  if (!LLVMIsACallInst(i)) return false;
  LLVMValueRef callee = LLVMGetCalledValue(i);
  size_t n;
  const char *name = LLVMIsAFunction(callee) ? LLVMGetValueName2(callee, &n) : NULL;
  return name && n >= 14 && memcmp(name, "llvm.stacksave", 14) == 0;
}

/* A check that came with an inlined callee reads the same stack pointer as its caller's check
 * at entry (wasm frames have no dynamic allocas: the pointer does not move inside a body), so
 * it can never trap where that one did not. Its comparison becomes a constant; codegen folds
 * the branch and drops the trap block. */
static void drop_repeated_checks(LLVMValueRef fn) {
  LLVMBasicBlockRef entry = LLVMGetFirstBasicBlock(fn);
  bool entry_checked = false;
  for (LLVMValueRef i = LLVMGetFirstInstruction(entry); i && !entry_checked;
       i = LLVMGetNextInstruction(i))
    entry_checked = is_stacksave(i);
  if (!entry_checked) return;
  bool first = true;
  for (LLVMBasicBlockRef bb = entry; bb; bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef i = LLVMGetFirstInstruction(bb), next; i; i = next) {
      next = LLVMGetNextInstruction(i);
      if (!is_stacksave(i)) continue;
      if (first) {   /* the entry check: the first stacksave of the entry block */
        first = false;
        continue;
      }
      LLVMUseRef u = LLVMGetFirstUse(i);
      LLVMValueRef sp = u ? LLVMGetUser(u) : NULL;
      if (!sp || LLVMGetNextUse(u) || !LLVMIsAPtrToIntInst(sp)) continue;
      bool all_checks = LLVMGetFirstUse(sp) != NULL;
      for (LLVMUseRef v = LLVMGetFirstUse(sp); v; v = LLVMGetNextUse(v))
        all_checks = all_checks && never_below(LLVMGetUser(v), sp) >= 0;
      if (!all_checks) continue;
      LLVMTypeRef i1 = LLVMInt1TypeInContext(LLVMGetModuleContext(LLVMGetGlobalParent(fn)));
      while ((u = LLVMGetFirstUse(sp))) {
        LLVMValueRef cmp = LLVMGetUser(u);
        LLVMReplaceAllUsesWith(cmp, LLVMConstInt(i1, (unsigned)never_below(cmp, sp), false));
        LLVMInstructionEraseFromParent(cmp);
      }
      LLVMInstructionEraseFromParent(sp);
      next = LLVMGetNextInstruction(i);   /* i is still in place; what followed it may be gone */
      LLVMInstructionEraseFromParent(i);
    }
}

void cg_drop_inlined_stack_checks(LLVMModuleRef mod) {
  for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn))
    if (LLVMGetFirstBasicBlock(fn)) drop_repeated_checks(fn);
}

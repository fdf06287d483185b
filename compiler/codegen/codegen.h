/* codegen.h - the interface between codegen (wasm -> LLVM IR) and target (LLVM IR -> object),
 * both inside libswasm-compiler. */
#ifndef SWASM_CODEGEN_H
#define SWASM_CODEGEN_H

#include <llvm-c/Core.h>

#include "ir.h"

/* Builds the whole LLVM module for the validated module m in ctx: one function per defined wasm
 * function, trampolines, host thunks, the init function and the descriptor SWASM_DESC_SYMBOL.
 * opts->triple/cpu tell which target intrinsics may be used; opts->bounds selects guard pages or
 * explicit checks. The caller owns *out (LLVMDisposeModule) and sets the data layout. */
IR_HIDDEN swasm_status_t cg_build_module(const swasm_module_t *m, const swasm_compile_opts_t *opts,
                                         LLVMContextRef ctx, LLVMModuleRef *out,
                                         swasm_diag_t *diag);

/* One part of the module for parallel compilation: the bodies of the defined functions
 * [lo, hi) (indices among the defined functions) and, when glue is set, the trampolines, host
 * thunks, init function and descriptor. Every wasm function is a hidden global named
 * swasm.f<index>[.<name>] in every part, declared where its body is elsewhere, so the parts'
 * objects link into one. */
typedef struct cg_part {
  uint32_t lo, hi;
  bool glue;
} cg_part_t;

IR_HIDDEN swasm_status_t cg_build_part(const swasm_module_t *m, const swasm_compile_opts_t *opts,
                                       const cg_part_t *part, LLVMContextRef ctx,
                                       LLVMModuleRef *out, swasm_diag_t *diag);

/* After optimisation: makes every access stream's private copy of a memory base (addr.c) the
 * base itself again. The copies exist for LLVM's loop vectoriser; past it they would only take
 * registers. */
IR_HIDDEN void cg_merge_streams(LLVMModuleRef mod);

/* After optimisation: turns the stack checks the inliner copied into a function that checks
 * at entry into constants (stackcheck.c). */
IR_HIDDEN void cg_drop_inlined_stack_checks(LLVMModuleRef mod);

#endif

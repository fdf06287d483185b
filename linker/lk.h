/* lk.h - what the linker's parts share: the run-time state of a component instance, canon
 * options resolved to run-time objects, component functions, and the canonical-ABI entry
 * points (canon_*.c) that instantiation (inst_*.c) wires together. Private to linker/. */
#ifndef SWASM_LK_H
#define SWASM_LK_H

#include "swasm/linker.h"

#define LK_HIDDEN __attribute__((visibility("hidden")))

typedef struct lk_instance lk_instance_t;

/* A resource type at run time: every instantiation of a component that defines a resource
 * makes a new one; imported resources are bound to the exporter's. */
typedef struct lk_rtype {
  lk_instance_t *impl;             /* the defining component instance; NULL for a host's */
  bool has_dtor;
  swasm_func_t dtor;               /* core (i32) -> (), called with the rep */
  const swasm_chost_resource_t *host;
  void *host_env;
  const char *name;                /* for messages */
} lk_rtype_t;

/* One slot of a handle table. Index 0 is never used (handles are >= 1). */
typedef struct lk_handle {
  lk_rtype_t *rt;                  /* NULL: a free slot */
  uint32_t rep;
  bool own;
  uint32_t lend_count;             /* own: borrows of it still live */
  uint32_t scope;                  /* borrow: the call (lk_instance_t.calls) it belongs to */
  uint32_t next_free;
} lk_handle_t;

typedef struct lk_table {
  lk_handle_t *slots;
  uint32_t n, cap, free_head;      /* free_head 0: none */
  /* canon's own state for this table's instance: the environments of its built-ins
   * (lk_resource_new/drop/rep, lk_builtin) and the context slots of the running task; freed
   * with the table by lk_table_free. */
  struct lk_canon *canon;
} lk_table_t;

/* A component instance (the outermost or a nested one). */
struct lk_instance {
  lk_instance_t *parent;
  const swasm_component_t *c;
  lk_table_t handles;              /* one table for every resource type, as the ABI has it */
  bool may_leave;                  /* false while realloc or post-return run: imports trap */
  bool busy;                       /* an export of it is on the stack: re-entry traps */
  bool poisoned;                   /* a trap happened inside: "cannot enter component instance" */
  uint32_t calls;                  /* borrow scopes: count of calls into it so far */
  uint32_t borrows_in_call;        /* borrows lent to the current call, checked at return */
  /* Resource nodes of this instance's types -> run-time types (inst_*.c fills it). */
  const swasm_cm_resource_t **rkeys;
  lk_rtype_t **rvals;
  uint32_t nres, capres;
};

/* Canon options resolved. memory is the lifting or lowering core instance's memory. */
typedef struct lk_opts {
  lk_instance_t *inst;
  swasm_memory_t *memory;          /* NULL when the options name none */
  swasm_func_t realloc, post_return;
  bool has_realloc, has_post_return;
  swasm_cm_strenc_t enc;
  /* `async` without a callback (stackful): a lift's core function returns nothing and hands
   * its result to task.return; a lower's core function takes at most 4 flat parameters, an
   * out-pointer for the result and returns a status, 2 (RETURNED) since calls complete before
   * it returns. Async with a callback is not supported. */
  bool async;
} lk_opts_t;

/* A component function at run time: a lifted core function or a host function. */
typedef struct lk_func {
  const swasm_cm_type_t *type;     /* SWASM_CM_FUNCTYPE */
  bool is_host;
  swasm_func_t core;               /* lifted */
  lk_opts_t opts;                  /* lifted: the lift's options */
  /* lifted, set by lk_check_lift: the parameters are passed as core values (not spilled to
   * memory), the result is returned as one (not through a pointer) */
  bool params_flat, result_flat;
  swasm_chost_fn host_fn;          /* host */
  void *host_env;
  const char *name;                /* for messages */
} lk_func_t;

/* A `canon lower` of callee with the lowering side's options: a core function of the
 * flattened type. */
typedef struct lk_lowered {
  const lk_func_t *callee;
  lk_opts_t opts;
  swasm_host_func_t *hf;           /* made by lk_lower, freed by lk_lowered_free */
  swasm_desc_functype_t core_type; /* the flattened core type (arrays malloc'd) */
  bool params_flat, result_flat;   /* as in lk_func_t, for the lowering side; set by lk_lower */
  /* The lowered function's type as the lowering component sees it (the canon's functype):
   * its resource types are resolved in opts.inst. NULL: callee->type. */
  const swasm_cm_type_t *type;
  /* The generated adapter that is the core function instead of hf (adapter/), or NULL. */
  struct lk_adapter *adapter;
} lk_lowered_t;

/* ---- resource types (inst_*.c) ---- */

/* The run-time type of resource node r as seen from inst (searching the parents too); NULL
 * when unbound. */
LK_HIDDEN lk_rtype_t *lk_rtype_of(lk_instance_t *inst, const swasm_cm_resource_t *r);
LK_HIDDEN bool lk_bind_rtype(lk_instance_t *inst, const swasm_cm_resource_t *r, lk_rtype_t *rt);

/* ---- canonical ABI (canon_*.c) ---- */

/* The flattened core signature of a component function type: lowering (is_lower) returns
 * results through an out-pointer parameter when they do not fit; lifting returns a pointer.
 * Fills *out with malloc'd arrays. */
LK_HIDDEN bool lk_flatten_functype(const swasm_cm_type_t *ft, bool is_lower,
                                   swasm_desc_functype_t *out);
/* The byte size and alignment of a value type in linear memory. */
LK_HIDDEN uint32_t lk_size(const swasm_cm_type_t *t);
LK_HIDDEN uint32_t lk_align(const swasm_cm_type_t *t);

/* Calls a component function from the host or from an adapter (caller NULL for the host):
 * for a lifted function, enters the callee instance (re-entry and poison checks), lowers args
 * into its memory and core parameters, calls the core function, lifts the result, runs
 * post-return, ends the borrow scope. A trap fills err and poisons the callee. */
LK_HIDDEN bool lk_call(const lk_func_t *f, const swasm_cval_t *args, swasm_cval_t *result,
                       swasm_carena_t *arena, swasm_error_t *err);

/* Checks, once when a `canon lift` is instantiated, that the core function's type is the
 * flattening of the lifted type, and notes how arguments and result travel: NULL when it is,
 * else the message. */
LK_HIDDEN const char *lk_check_lift(lk_func_t *f);

/* Makes the core function for a `canon lower`: its callback checks may_leave, lifts the core
 * arguments with lw->opts, calls lw->callee with lk_call, lowers the result back. lw must stay
 * where it is until lk_lowered_free. */
LK_HIDDEN bool lk_lower(lk_lowered_t *lw, swasm_func_t *out, swasm_error_t *err);
LK_HIDDEN void lk_lowered_free(lk_lowered_t *lw);

/* canon resource.new / resource.drop / resource.rep for rt in inst: core functions
 * (i32) -> i32, (i32) -> (), (i32) -> i32. Free them with swasm_host_func_free. */
LK_HIDDEN swasm_host_func_t *lk_resource_new(lk_instance_t *inst, lk_rtype_t *rt);
LK_HIDDEN swasm_host_func_t *lk_resource_drop(lk_instance_t *inst, lk_rtype_t *rt);
LK_HIDDEN swasm_host_func_t *lk_resource_rep(lk_instance_t *inst, lk_rtype_t *rt);

LK_HIDDEN void lk_table_free(lk_table_t *t);

/* The core function of any other canon built-in cn of inst: context.get/set and
 * backpressure.set/inc/dec work; the async, stream, future, waitable-set, subtask,
 * error-context and thread built-ins (out of scope) trap with "cannot leave component
 * instance" while inst may not leave (post-return, realloc), else with "NAME: async built-ins
 * are not supported". task.return works (for async lifts): result is its resolved result
 * type (NULL: none) and opts its options resolved (memory, string encoding; NULL: none). NULL
 * with err filled for lift, lower, the resource built-ins or an unknown kind. Free the
 * function with swasm_host_func_free. */
LK_HIDDEN swasm_host_func_t *lk_builtin(lk_instance_t *inst, const swasm_cm_canon_t *cn,
                                        const lk_opts_t *opts, const swasm_cm_type_t *result,
                                        swasm_error_t *err);

/* Fills err with a trap of code SWASM_TRAP_HOST (or the given one) and message; returns false. */
LK_HIDDEN bool lk_trap(swasm_error_t *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- fused adapters (adapter/) ---- */

/* A `canon lower` of a lifted function as a generated adapter module (compiler.h, "fused
 * adapters") instantiated with the linker's helpers: the caller's core code calls it like any
 * core function and it calls the callee's core function, with no value trees. */
typedef struct lk_adapter lk_adapter_t;

/* Whether adapters are generated: SWASM_ADAPTERS=tree in the environment forces the tree path
 * (for differential testing); anything else, or unset, allows adapters. */
LK_HIDDEN bool lk_adapters_enabled(void);
/* Makes the core function of lw (callee, type and options filled) as an adapter compiled with
 * copts through the compile cache. NULL when the pair is not covered or the adapter cannot be
 * built: the caller then uses lk_lower. On success *out is the function and *inst the
 * adapter's core instance, which the caller frees with the core instances (after those that
 * import it, before the callee's); then lk_adapter_free. */
LK_HIDDEN lk_adapter_t *lk_adapter_new(const lk_lowered_t *lw, const swasm_compile_opts_t *copts,
                                       swasm_func_t *out, swasm_instance_t **inst);
LK_HIDDEN void lk_adapter_free(lk_adapter_t *a);

#endif

/* rt.h - libswasm-rt's private declarations: the os_* platform layer and rt_* helpers. */
#ifndef SWASM_RT_H
#define SWASM_RT_H

#include <stdarg.h>
#include <stdio.h>

#include "swasm/runtime.h"

/* ---- os.c: every platform call the runtime makes goes through one of these ---- */

size_t os_page_size(void);
void *os_reserve(size_t bytes);                       /* PROT_NONE, or NULL */
bool os_commit(void *addr, size_t bytes);             /* make read/write */
void os_release(void *addr, size_t bytes);
bool os_thread_stack(uintptr_t *low, uintptr_t *high); /* the calling thread's stack bounds */
bool os_altstack_ensure(void);                        /* a sigaltstack for the calling thread */
typedef void (*os_fault_fn)(int sig, void *addr, void *uctx);
bool os_fault_handlers_install(os_fault_fn fn);       /* SIGSEGV and SIGBUS, on the altstack */
void os_fault_chain(int sig, void *info, void *uctx); /* previous handler, or the default */
void *os_dlopen(const char *path, char *why, size_t why_len);
void *os_dlsym(void *lib, const char *name, size_t *size); /* size: 0 if unknown */
void os_dlclose(void *lib);

/* ---- error.c ---- */

/* Fills err (which may be NULL) with a formatted message and no trap. Returns false. */
bool rt_fail(swasm_error_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rt_err_clear(swasm_error_t *err);

/* ---- memory.c ---- */

/* Implementation limit on table sizes: growing past it fails as an allocation failure would. */
#define RT_TABLE_LIMIT 10000000u

int64_t rt_memory_grow(swasm_memory_t *m, uint64_t delta_pages);
/* True when addr lies in the reservation of a live memory. Async-signal-safe. */
bool rt_memory_owns(uintptr_t addr);
int64_t rt_table_grow(swasm_table_t *t, uint64_t delta, void *init);

/* ---- trap.c ---- */

/* The entry into wasm code that a trap unwinds to. Kept on the caller's stack and chained. */
typedef struct rt_entry rt_entry_t;

/* The stack limit generated prologues should compare against on the calling thread. */
uintptr_t rt_stack_limit(void);
/* Runs fn(ctx) with traps caught: false on a trap, with err filled. */
bool rt_run_guarded(void (*fn)(swasm_vmctx_t *), swasm_vmctx_t *ctx, swasm_error_t *err);
/* Runs tramp(code, ctx, args) with traps caught. */
bool rt_call_guarded(swasm_trampoline_t tramp, void *code, swasm_vmctx_t *ctx,
                     swasm_val_t *args, swasm_error_t *err);
/* Traps with code; ret is the return address of the runtime entry point generated code
 * called (__builtin_return_address(0) there), which locates the trap in that code. */
__attribute__((noreturn)) void rt_trap_at(uint32_t code, void *ret);
/* Traps with SWASM_TRAP_HOST or SWASM_TRAP_EXIT carrying err's message and exit code. */
__attribute__((noreturn)) void rt_trap_with(const swasm_error_t *err);

/* ---- host.c ---- */

/* What an imported host function's funcref ctx points to: the function, and in vm.instance the
 * instance that imported it, which the callback receives as its caller. It starts with a vmctx
 * (otherwise zero) so that code treating every funcref ctx as a vmctx, like swasm_call setting
 * stack_limit, stays harmless. */
typedef struct rt_host_binding {
  swasm_vmctx_t vm;
  swasm_host_func_t *func;
} rt_host_binding_t;

/* The code pointer of an unbound host function's funcref: host functions only become callable
 * from wasm through an importing module's thunk. */
void rt_host_unbound(swasm_vmctx_t *ctx);
bool rt_is_host_func(const swasm_funcref_t *ref);
swasm_host_func_t *rt_host_of(const swasm_funcref_t *ref);
/* Calls an unbound host function's callback directly, with no caller instance. */
bool rt_host_call_direct(const swasm_funcref_t *ref, swasm_val_t *args, swasm_error_t *err);

/* ---- loader.c ---- */

typedef struct rt_code_span rt_code_span_t;

struct swasm_loaded {
  void *lib;                       /* dlopen handle, or NULL for swasm_load_desc */
  const swasm_module_desc_t *desc;
  struct swasm_loaded *next;       /* in the list of loaded modules */
  rt_code_span_t *spans;           /* sorted code addresses, made at the first lookup */
  uint32_t nspans;
  uintptr_t code_end;              /* end of the executable segment holding the code */
};

/* The loaded module and wasm function whose code holds pc; false when pc is in none.
 * Takes a lock and may allocate: not for signal handlers. */
bool rt_code_lookup(uintptr_t pc, const swasm_module_desc_t **desc, uint32_t *func);

/* ---- instance.c ---- */

struct swasm_instance {
  swasm_vmctx_t vmctx;             /* first, so a vmctx pointer is an instance pointer */
  swasm_loaded_t *loaded;
  const swasm_module_desc_t *desc;
  void *user;
  uint32_t *type_ids;
  swasm_val_t *cells;              /* defined globals */
  rt_host_binding_t *bindings;     /* [nimported_funcs], used by host-function imports */
  struct swasm_instance *next_kept;
};

#endif

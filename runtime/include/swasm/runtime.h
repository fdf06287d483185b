/* swasm/runtime.h - the public interface of libswasm-rt, and the ABI between code that
 * swasmc generates and the runtime that loads it.
 *
 * Part 1 (ABI) fixes the data structures generated code reads and writes: the instance context
 * (vmctx), function references, memories, tables, the module descriptor each compiled object
 * exports, and the runtime entry points generated code calls (swasm_rt_*). Codegen builds its
 * LLVM struct types from these definitions; change one and bump SWASM_ABI_VERSION.
 *
 * Part 2 (API) is what hosts use: load a compiled module, instantiate it with imports, look up
 * exports, call them with typed values, and catch traps.
 */
#ifndef SWASM_RUNTIME_H
#define SWASM_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every runtime.h function is visible outside the executable that links libswasm-rt: the project
 * builds with -fvisibility=hidden, and compiled .so files bind swasm_rt_* to the loading
 * executable's symbols (linked with --export-dynamic). */
#ifndef SWASM_API
#define SWASM_API __attribute__((visibility("default")))
#endif

/* ======================================================================================== */
/* Part 1: ABI                                                                               */
/* ======================================================================================== */

#define SWASM_ABI_VERSION 1
#define SWASM_DESC_SYMBOL "swasm_module_desc"   /* the descriptor every compiled object defines */
#define SWASM_PAGE_SIZE 65536u
/* The most pages a 32-bit memory may have: one page short of 4 GiB, an implementation limit
 * the spec allows (memory.grow may fail; instantiation may exhaust resources). Generated code
 * relies on it: an address it has accessed, plus a constant below 64 KiB, cannot wrap around
 * 2^32, so such addresses can be computed in 64 bits where LLVM's vectoriser understands them
 * (compiler/codegen/addr.c). */
#define SWASM_MEM32_MAX_PAGES 65535u

/* Value types, as in the binary format. */
enum {
  SWASM_T_I32 = 0x7f, SWASM_T_I64 = 0x7e, SWASM_T_F32 = 0x7d, SWASM_T_F64 = 0x7c,
  SWASM_T_V128 = 0x7b, SWASM_T_FUNCREF = 0x70, SWASM_T_EXTERNREF = 0x6f
};

/* Extern kinds, as in the binary format. */
enum { SWASM_K_FUNC = 0, SWASM_K_TABLE = 1, SWASM_K_MEMORY = 2, SWASM_K_GLOBAL = 3 };

/* A value slot: every value fits in 16 bytes. References are pointers (NULL = null). */
typedef union swasm_val {
  int32_t i32;
  int64_t i64;
  float f32;
  double f64;
  uint8_t v128[16];
  void *ref;
  uint64_t u64[2];
} swasm_val_t;

struct swasm_vmctx;

/* What a funcref value points to, and what call_indirect reads. Calling it means
 * ((ret (*)(struct swasm_vmctx *, params...))code)(ctx, params...). type_id is the canonical
 * (process-wide, structural) id of the function's type. */
typedef struct swasm_funcref {
  void *code;
  struct swasm_vmctx *ctx;
  uint32_t type_id;
  uint32_t pad;
} swasm_funcref_t;

/* A linear memory. base never moves once allocated: the runtime reserves the whole range a
 * memory may grow to (8 GiB for a 32-bit memory with guard pages) and grows by mprotect. */
typedef struct swasm_memory {
  uint8_t *base;
  uint64_t size;          /* current size in bytes */
  uint64_t max_pages;     /* declared maximum, or the index type's limit */
  uint64_t reserved;      /* bytes of address space reserved at base */
  bool is64;
  bool guarded;           /* accesses past size fault (guard pages) */
  bool has_max;           /* a maximum was declared (max_pages alone cannot tell) */
} swasm_memory_t;

/* A table of references. elems may move when the table grows: reload it after any call. */
typedef struct swasm_table {
  void **elems;           /* funcref tables: swasm_funcref_t *; externref: opaque pointers */
  uint32_t size;
  uint32_t max;           /* declared maximum, or UINT32_MAX */
  uint8_t elemtype;       /* SWASM_T_FUNCREF or SWASM_T_EXTERNREF */
  bool has_max;           /* a maximum was declared (max alone cannot tell) */
} swasm_table_t;

/* A passive segment's current contents; size is 0 after data.drop / elem.drop. */
typedef struct swasm_segment {
  const void *data;       /* data: bytes; elem: array of references (void *) */
  uint32_t size;          /* bytes or elements */
  uint32_t pad;
} swasm_segment_t;

/* The instance context: the first parameter of every generated function. The runtime fills it
 * before the descriptor's init runs. Fields marked invariant do not change after that, so
 * codegen may load them once per function. */
typedef struct swasm_vmctx {
  uint8_t *mem0_base;            /* invariant: memory 0's base, or NULL */
  swasm_memory_t *mem0;          /* invariant: memory 0, or NULL (size read through it) */
  uintptr_t stack_limit;         /* prologues trap when the stack pointer is below this */
  const uint32_t *type_ids;      /* invariant: [ntypes] canonical id per type index */
  swasm_funcref_t *funcs;        /* invariant: [nfuncs] imported then defined */
  swasm_val_t **globals;         /* invariant: [nglobals] pointer to each global's cell */
  swasm_table_t **tables;        /* invariant: [ntables] */
  swasm_memory_t **memories;     /* invariant: [nmemories] */
  swasm_segment_t *datas;        /* invariant pointer: [ndatas] */
  swasm_segment_t *elems;        /* invariant pointer: [nelems]; data = void *[count] */
  struct swasm_instance *instance;
} swasm_vmctx_t;

/* Calls code (of the descriptor's type typeidx) with args_results[0..nparams) and writes its
 * results to args_results[0..nresults). Generated per type. */
typedef void (*swasm_trampoline_t)(void *code, swasm_vmctx_t *ctx, swasm_val_t *args_results);

/* Metadata of a compiled module, mirrored from the wasm module. */
typedef struct swasm_desc_functype {
  uint32_t nparams, nresults;
  const uint8_t *types;          /* params then results, SWASM_T_* */
} swasm_desc_functype_t;

typedef struct swasm_desc_limits {
  uint64_t min, max;
  uint8_t has_max, is64, shared, pad;
} swasm_desc_limits_t;

typedef struct swasm_desc_import {
  const char *module, *name;
  uint32_t kind;                 /* SWASM_K_* */
  uint32_t index;                /* index in the kind's space; its type is in the arrays below */
} swasm_desc_import_t;

typedef struct swasm_desc_export {
  const char *name;
  uint32_t kind, index;
} swasm_desc_export_t;

typedef struct swasm_desc_table {
  uint32_t elemtype;
  uint32_t pad;
  swasm_desc_limits_t limits;
} swasm_desc_table_t;

typedef struct swasm_desc_global {
  uint8_t type, mut, pad[2];
} swasm_desc_global_t;

/* The object's one exported symbol, SWASM_DESC_SYMBOL, is a const swasm_module_desc_t. */
typedef struct swasm_module_desc {
  uint32_t abi_version;          /* SWASM_ABI_VERSION */
  uint32_t flags;                /* SWASM_DESCF_* */
  uint8_t hash[32];              /* content hash of the wasm module and compile flags */
  const char *cpu_features;      /* e.g. "+sse4.2,+popcnt"; checked against the host */

  uint32_t ntypes;    const swasm_desc_functype_t *types;
  uint32_t nimports;  const swasm_desc_import_t *imports;
  uint32_t nexports;  const swasm_desc_export_t *exports;

  uint32_t nfuncs, nimported_funcs;
  const uint32_t *func_types;    /* [nfuncs] type index of each function */
  void *const *func_code;        /* [nfuncs - nimported_funcs] code of the defined functions */
  const char *const *func_names; /* [nfuncs] from the name section (entries may be NULL), or NULL */

  uint32_t ntables, nimported_tables;     const swasm_desc_table_t *tables;
  uint32_t nmemories, nimported_memories; const swasm_desc_limits_t *memories;
  uint32_t nglobals, nimported_globals;   const swasm_desc_global_t *globals;

  uint32_t ndatas;    const swasm_segment_t *datas;   /* every data segment's bytes */
  uint32_t nelems;    const uint32_t *elem_counts;    /* element count of every segment */
  int64_t start;                                      /* function index, or -1 */

  const swasm_trampoline_t *trampolines;  /* [ntypes] host -> wasm */
  void *const *host_thunks;               /* [ntypes] wasm -> host: see swasm_rt_call_host */

  /* Evaluates global initialisers and element expressions (into elems[i].data, which the
   * runtime allocates with elem_counts[i] slots), then applies active element and data
   * segments in order and drops them, trapping as the spec says. The runtime calls it once,
   * under a trap handler, after binding imports; then it runs the start function. */
  void (*init)(swasm_vmctx_t *ctx);
} swasm_module_desc_t;

enum {
  SWASM_DESCF_EXPLICIT_BOUNDS = 1   /* compiled with --bounds-checks=explicit */
};

/* Trap codes; swasm_trap_message() gives the spec's wording. */
typedef enum swasm_trap {
  SWASM_TRAP_NONE = 0,
  SWASM_TRAP_UNREACHABLE,        /* "unreachable" */
  SWASM_TRAP_MEMORY_OOB,         /* "out of bounds memory access" */
  SWASM_TRAP_TABLE_OOB,          /* "out of bounds table access" */
  SWASM_TRAP_UNDEFINED_ELEMENT,  /* "undefined element" (call_indirect index >= table size) */
  SWASM_TRAP_UNINITIALIZED,      /* "uninitialized element" (call_indirect through null) */
  SWASM_TRAP_INDIRECT_TYPE,      /* "indirect call type mismatch" */
  SWASM_TRAP_DIV_ZERO,           /* "integer divide by zero" */
  SWASM_TRAP_INT_OVERFLOW,       /* "integer overflow" */
  SWASM_TRAP_INVALID_CONVERSION, /* "invalid conversion to integer" */
  SWASM_TRAP_STACK_EXHAUSTED,    /* "call stack exhausted" */
  SWASM_TRAP_NULL_REFERENCE,     /* "null reference" */
  SWASM_TRAP_HOST,               /* a host function failed; message set by the host */
  SWASM_TRAP_EXIT,               /* WASI proc_exit: not an error, carries the exit code */
  SWASM_TRAP_COUNT
} swasm_trap_t;

/* Entry points generated code calls. They are defined by libswasm-rt and resolved when the
 * compiled library is loaded (or linked, for executables). All may trap (never return). */
SWASM_API __attribute__((noreturn)) void swasm_rt_trap(uint32_t code);
SWASM_API int32_t swasm_rt_memory_grow(swasm_vmctx_t *ctx, uint32_t mem, uint32_t delta_pages);
SWASM_API void swasm_rt_memory_fill(swasm_vmctx_t *ctx, uint32_t mem, uint64_t dst, uint32_t val,
                                    uint64_t n);
SWASM_API void swasm_rt_memory_copy(swasm_vmctx_t *ctx, uint32_t dst_mem, uint32_t src_mem,
                                    uint64_t dst, uint64_t src, uint64_t n);
SWASM_API void swasm_rt_memory_init(swasm_vmctx_t *ctx, uint32_t mem, uint32_t seg,
                                    uint64_t dst, uint32_t src, uint32_t n);
SWASM_API void swasm_rt_data_drop(swasm_vmctx_t *ctx, uint32_t seg);
SWASM_API int32_t swasm_rt_table_grow(swasm_vmctx_t *ctx, uint32_t table, void *init,
                                     uint32_t delta);
SWASM_API void swasm_rt_table_fill(swasm_vmctx_t *ctx, uint32_t table, uint32_t dst, void *val,
                                   uint32_t n);
SWASM_API void swasm_rt_table_copy(swasm_vmctx_t *ctx, uint32_t dst_table, uint32_t src_table,
                                   uint32_t dst, uint32_t src, uint32_t n);
SWASM_API void swasm_rt_table_init(swasm_vmctx_t *ctx, uint32_t table, uint32_t seg,
                                   uint32_t dst, uint32_t src, uint32_t n);
SWASM_API void swasm_rt_elem_drop(swasm_vmctx_t *ctx, uint32_t seg);

/* A host function bound to an import is a swasm_funcref_t whose code is the importing module's
 * host_thunks[type] and whose ctx is opaque to generated code: it points to a runtime-private
 * binding of the host function to the importing instance (which the callback gets as its
 * caller). The thunk stores the arguments in a swasm_val_t array and calls
 * swasm_rt_call_host(ctx, array), then reads the results from the same array (it is
 * max(nparams, nresults) slots long). */
typedef struct swasm_host_func swasm_host_func_t;
SWASM_API void swasm_rt_call_host(swasm_vmctx_t *host_func_ctx, swasm_val_t *args_results);

/* ======================================================================================== */
/* Part 2: API                                                                               */
/* ======================================================================================== */

typedef struct swasm_loaded swasm_loaded_t;       /* a loaded compiled module (a .so) */
typedef struct swasm_instance swasm_instance_t;

/* Trap and error results of API calls. */
typedef struct swasm_error {
  swasm_trap_t trap;             /* SWASM_TRAP_NONE when the failure is not a trap */
  int exit_code;                 /* for SWASM_TRAP_EXIT */
  char message[512];             /* a trap's reason, then " in $NAME (func N)" or " in func N"
                                    when the trap happened in a function of a loaded module */
  /* Where a trap happened, when known: an address in the instruction that faulted or called
   * the runtime to trap (0 when unknown), and the wasm function index it belongs to. */
  uintptr_t pc;
  uint32_t func;
  bool func_known;
} swasm_error_t;

SWASM_API const char *swasm_trap_message(swasm_trap_t trap);

/* Process-wide set-up: signal handlers, alternate stacks. Idempotent and thread-safe. */
SWASM_API bool swasm_rt_init(swasm_error_t *err);

/* Loads a compiled shared library (dlopen) and checks its ABI version and CPU features.
 * swasm_load_desc wraps a descriptor already linked into the process (executables). */
SWASM_API swasm_loaded_t *swasm_load(const char *path, swasm_error_t *err);
SWASM_API swasm_loaded_t *swasm_load_desc(const swasm_module_desc_t *desc, swasm_error_t *err);
SWASM_API const swasm_module_desc_t *swasm_loaded_desc(const swasm_loaded_t *l);
SWASM_API void swasm_unload(swasm_loaded_t *l);   /* after every instance of it is freed */

/* A host function: reads args[0..nparams) and writes results[0..nresults) of args (the same
 * array). Return false after filling err to trap with SWASM_TRAP_HOST (or SWASM_TRAP_EXIT). */
typedef bool (*swasm_host_cb)(void *env, swasm_instance_t *caller, swasm_val_t *args_results,
                              swasm_error_t *err);

/* A callable function: its reference, its type, and a trampoline for its type (NULL for a
 * host function, which swasm_call calls directly). */
typedef struct swasm_func {
  swasm_funcref_t *ref;
  const swasm_desc_functype_t *type;
  swasm_trampoline_t tramp;
} swasm_func_t;

/* An external value: what imports are bound to and exports resolve to. */
typedef struct swasm_extern {
  uint32_t kind;                 /* SWASM_K_* */
  union {
    swasm_func_t func;
    swasm_table_t *table;
    swasm_memory_t *memory;
    struct { swasm_val_t *cell; uint8_t type; bool mut; } global;
  } u;
} swasm_extern_t;

/* Creates a host function of the given type (the type is copied). It lives until
 * swasm_host_func_free, which must come after every instance importing it is freed. */
SWASM_API swasm_host_func_t *swasm_host_func_new(const swasm_desc_functype_t *type,
                                                 swasm_host_cb cb, void *env);
SWASM_API swasm_func_t swasm_host_func_get(swasm_host_func_t *f);
SWASM_API void swasm_host_func_free(swasm_host_func_t *f);

/* Host-created tables, memories and globals (for the spectest module and embedders). */
SWASM_API swasm_memory_t *swasm_memory_new(uint64_t min_pages, uint64_t max_pages,
                                           bool has_max, bool guarded, swasm_error_t *err);
SWASM_API void swasm_memory_free(swasm_memory_t *m);
SWASM_API swasm_table_t *swasm_table_new(uint8_t elemtype, uint32_t min, uint32_t max,
                                         swasm_error_t *err);
SWASM_API void swasm_table_free(swasm_table_t *t);

/* Resolves the module's imports by calling resolve(env, module, name, kind, &out) for each;
 * resolve returns false when it has nothing by that name. Types and limits are checked as the
 * spec's linking rules say ("incompatible import type", "unknown import"). Then allocates and
 * fills the vmctx, runs init and the start function. On failure returns NULL and fills err (a
 * trap during init or start gives err->trap; the instance's effects on imported memories and
 * tables remain, as the spec requires). */
typedef bool (*swasm_resolve_cb)(void *env, const char *module, const char *name, uint32_t kind,
                                 swasm_extern_t *out);
SWASM_API swasm_instance_t *swasm_instantiate(swasm_loaded_t *l, swasm_resolve_cb resolve,
                                              void *env, swasm_error_t *err);
/* An instance must outlive whatever refers to it: instances that imported its functions,
 * tables, memories or globals, and tables or globals holding references to its functions. Free
 * instances in the reverse order of their creation (or all at the end). An instance whose init
 * or start trapped is kept alive by the runtime until exit, since it may have stored
 * references to itself in imported tables. */
SWASM_API void swasm_instance_free(swasm_instance_t *inst);

SWASM_API const swasm_module_desc_t *swasm_instance_desc(const swasm_instance_t *inst);
SWASM_API swasm_vmctx_t *swasm_instance_vmctx(swasm_instance_t *inst);
SWASM_API void *swasm_instance_user(const swasm_instance_t *inst);
SWASM_API void swasm_instance_set_user(swasm_instance_t *inst, void *user);

/* Looks up an export by name; false if there is none. */
SWASM_API bool swasm_instance_export(swasm_instance_t *inst, const char *name, swasm_extern_t *out);

/* Calls a function with args_results[0..nparams) and results in args_results[0..nresults).
 * Traps are caught: returns false with err filled. Re-entrant from host functions. Sets the
 * callee instance's stack_limit for the calling thread. Instances that one calls into keep
 * the limit of their instantiation or last swasm_call, so a group of linked instances belongs to
 * one thread at a time (or to threads with similar stacks). */
SWASM_API bool swasm_call(const swasm_func_t *f, swasm_val_t *args_results, swasm_error_t *err);

/* The canonical id of a function type, the same for structurally equal types. */
SWASM_API uint32_t swasm_type_id(const swasm_desc_functype_t *type);

/* ======================================================================================== */
/* Part 3: WASI preview 1 (wasi_snapshot_preview1)                                           */
/* ======================================================================================== */

/* A guest sees only what its configuration grants: its arguments, the NAME=VALUE pairs listed,
 * the preopened directories (each a capability: no path resolved through one leaves it) and
 * three standard streams. docs/wasi.md describes the semantics and the sandbox. */
typedef struct swasm_wasi swasm_wasi_t;

/* A preopened directory: opened at swasm_wasi_new, shown to the guest as guest_path. */
typedef struct swasm_wasi_dir {
  const char *host_path;
  const char *guest_path;        /* NULL: the same as host_path */
} swasm_wasi_dir_t;

typedef struct swasm_wasi_config {
  int argc;
  const char *const *argv;       /* the guest's argv; argv[0] is the program name */
  int nenv;
  const char *const *env;        /* "NAME=VALUE"; a bare "NAME" passes the host's value, if set */
  int ndirs;
  const swasm_wasi_dir_t *dirs;  /* become guest fds 3, 4, ... in order */
  int stdin_fd, stdout_fd, stderr_fd;  /* host fds, duplicated; -1: closed for the guest */
} swasm_wasi_config_t;

/* Exit statuses swasm_wasi_main (and executables built by swasmc) use besides the guest's own. */
#define SWASM_WASI_STATUS_ERROR 1    /* the command could not start (link error, no _start) */
#define SWASM_WASI_STATUS_TRAP 134   /* the guest trapped (the value wasmtime uses) */

/* Zeroes cfg and sets the standard streams to the host's 0, 1 and 2. */
SWASM_API void swasm_wasi_config_init(swasm_wasi_config_t *cfg);
/* Splits a command-line directory grant "HOST[::GUEST]" in place (at the first "::"). */
SWASM_API void swasm_wasi_dir_parse(char *spec, swasm_wasi_dir_t *out);

SWASM_API swasm_wasi_t *swasm_wasi_new(const swasm_wasi_config_t *cfg, swasm_error_t *err);
/* Every wasi_snapshot_preview1 function by name; false for other modules and unknown names.
 * Meant to be called from (or be) a swasm_resolve_cb: env is the swasm_wasi_t. */
SWASM_API bool swasm_wasi_resolve(swasm_wasi_t *w, const char *module, const char *name,
                                  uint32_t kind, swasm_extern_t *out);
SWASM_API bool swasm_wasi_resolve_cb(void *wasi, const char *module, const char *name,
                                     uint32_t kind, swasm_extern_t *out);
/* Tells the host functions which instance's exported "memory" they read and write. Before it
 * (during a start function) they use the calling instance's export "memory". */
SWASM_API void swasm_wasi_bind_instance(swasm_wasi_t *w, swasm_instance_t *inst);
/* Or names the memory directly (an embedder whose module exports it under another name). */
SWASM_API void swasm_wasi_bind_memory(swasm_wasi_t *w, swasm_memory_t *mem);
/* Calls the instance's _start. Returns 0 when it returns, N after proc_exit(N) (the low 8 bits,
 * as a process exit status would), SWASM_WASI_STATUS_TRAP after a trap and
 * SWASM_WASI_STATUS_ERROR when there is no _start; err says why in the last two cases. */
SWASM_API int swasm_wasi_run_command(swasm_wasi_t *w, swasm_instance_t *inst, swasm_error_t *err);
/* After every instance importing its functions is freed. */
SWASM_API void swasm_wasi_free(swasm_wasi_t *w);

/* The whole command: creates WASI from cfg, instantiates l with it, binds, runs _start, frees.
 * Returns the exit status as swasm_wasi_run_command does. When it is not 0 and err->trap is
 * not SWASM_TRAP_EXIT (the guest's own exit), err->message is one line for stderr. */
SWASM_API int swasm_wasi_main(swasm_loaded_t *l, const swasm_wasi_config_t *cfg,
                              swasm_error_t *err);

/* Executables built by swasmc: the grants baked in at compile time, a NULL-terminated array
 * of "dir:HOST[::GUEST]", "env:NAME=VALUE", "env:NAME" and "lock" (ignore the run-time grants
 * SWASM_WASI_DIRS and SWASM_WASI_ENV). libswasm-rt-main holds a weak empty default. */
#define SWASM_WASI_GRANTS_SYMBOL "swasm_wasi_grants"

#ifdef __cplusplus
}
#endif
#endif
